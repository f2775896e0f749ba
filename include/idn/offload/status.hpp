#pragma once
/// idn::offload::status, returned instead of thrown by every validating call (docs/offload.md,
/// "Errors without exceptions"), and its allocation-free message formatter.
/// C++20 standard library only; builds with -fno-exceptions -fno-rtti; no globals.
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <span>

namespace idn::offload {

/// Why a validating call failed (§5).
enum class errc : std::uint8_t { ok, not_finite, out_of_range, not_binary, size_mismatch, empty, workspace_too_small, degenerate };
/// The enumerator's name ("ok", "not_finite", ...); format(status) gives the full message.
constexpr const char* to_string(errc c) noexcept {
  switch (c) {
    case errc::ok: return "ok";
    case errc::not_finite: return "not_finite";
    case errc::out_of_range: return "out_of_range";
    case errc::not_binary: return "not_binary";
    case errc::size_mismatch: return "size_mismatch";
    case errc::empty: return "empty";
    case errc::workspace_too_small: return "workspace_too_small";
    case errc::degenerate: return "degenerate";
  }
  return "unknown";
}

/// Result of every validating call; returned, never thrown. `field` and `reason` are static
/// strings; `index` is the element index (or npos for scalars); `value` the offending value or size.
struct status {
  static constexpr std::size_t npos = std::size_t(-1);
  errc code = errc::ok;
  const char* field = "";
  std::size_t index = npos;
  double value = 0;
  const char* reason = "";  ///< requirement that failed, e.g. "must lie in [0, 1]" ("" = default for code)
  constexpr explicit operator bool() const noexcept { return code == errc::ok; }
};

namespace detail {

/// Bit-level finiteness: survives -ffinite-math-only.
constexpr bool finite(float x) noexcept { return (std::bit_cast<std::uint32_t>(x) & 0x7f800000u) != 0x7f800000u; }
constexpr bool finite(double x) noexcept {
  return (std::bit_cast<std::uint64_t>(x) & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
}
constexpr bool is_nan(double x) noexcept { return !finite(x) && (std::bit_cast<std::uint64_t>(x) & 0x000fffffffffffffull) != 0; }

constexpr status fail(errc c, const char* field, double value, const char* reason, std::size_t index = status::npos) noexcept {
  return status{c, field, index, value, reason};
}
/// A scalar that must be finite and lie in [lo, hi].
constexpr status check_range(const char* field, double v, double lo, double hi, const char* reason) noexcept {
  if (!finite(v)) return fail(errc::not_finite, field, v, "not finite");
  if (v < lo || v > hi) return fail(errc::out_of_range, field, v, reason);
  return {};
}
constexpr status check_unit(const char* field, double v) noexcept { return check_range(field, v, 0, 1, "must lie in [0, 1]"); }

constexpr const char* default_reason(errc c) noexcept {
  switch (c) {
    case errc::ok: return "ok";
    case errc::not_finite: return "not finite";
    case errc::out_of_range: return "out of range";
    case errc::not_binary: return "must be 0 or 1";
    case errc::size_mismatch: return "size mismatch";
    case errc::empty: return "must not be empty";
    case errc::workspace_too_small: return "workspace too small";
    case errc::degenerate: return "degenerate input";
  }
  return "unknown error";
}

/// Appends text to out[pos..) keeping one byte for the NUL; returns the new position.
inline std::size_t put(std::span<char> out, std::size_t pos, const char* text) noexcept {
  while (*text && pos + 1 < out.size()) out[pos++] = *text++;
  return pos;
}
inline std::size_t put_number(std::span<char> out, std::size_t pos, double v, bool integral) noexcept {
  char buf[40];
  std::to_chars_result r{};
  if (!finite(v)) return put(out, pos, is_nan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
  if (integral && v >= 0 && v < 1.8e19 && static_cast<double>(static_cast<std::uint64_t>(v)) == v)
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint64_t>(v));
  else
    r = std::to_chars(buf, buf + sizeof buf, v);
  *r.ptr = '\0';
  return put(out, pos, buf);
}

}  // namespace detail

/// Writes "idn::offload: <field>[<index>] = <value>: <reason>" into `out`, NUL-terminated and
/// truncated to fit; returns the length written (without the NUL). O(message length), no allocation.
inline std::size_t format(const status& s, std::span<char> out) noexcept {
  if (out.empty()) return 0;
  std::size_t p = detail::put(out, 0, "idn::offload: ");
  if (s.code == errc::ok) {
    p = detail::put(out, p, "ok");
  } else {
    p = detail::put(out, p, s.field);
    if (s.index != status::npos) {
      p = detail::put(out, p, "[");
      p = detail::put_number(out, p, static_cast<double>(s.index), true);
      p = detail::put(out, p, "]");
    }
    p = detail::put(out, p, " = ");
    p = detail::put_number(out, p, s.value, true);
    p = detail::put(out, p, ": ");
    p = detail::put(out, p, *s.reason ? s.reason : detail::default_reason(s.code));
  }
  out[p] = '\0';
  return p;
}

}  // namespace idn::offload
