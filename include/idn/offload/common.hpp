#pragma once
/// idn::offload shared vocabulary (docs/offload.md): the status returned instead of thrown,
/// its allocation-free message formatter, the per-sample `decision`, the one-draw uniform
/// `draw01`, score → grid-bin mapping, and the `offload_policy` / `cost_aware_policy` concepts.
/// C++20 standard library only; builds with -fno-exceptions -fno-rtti; no globals.
#include <bit>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <type_traits>

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

/// What feedback a policy learns from: none (fixed rules), every sample's local correctness
/// (full), or only that of offloaded samples (offload_only).
enum class feedback_kind : std::uint8_t { none, full, offload_only };

/// One per-sample decision. `ticket != 0` iff the policy awaits feedback for it.
struct decision {
  bool offload = true, explored = false, vetoed = false, bad_input = false;  ///< action; HIL-N exploration; wrapper veto; non-finite score
  float offload_prob = 1.f;  ///< r_t = P(offload | past)
  float score = 0.f;         ///< score as used (clamped to [0, 1] by learners)
  float beta = 0.f;          ///< offload cost in force when decided
  std::uint32_t bin = 0, ticket = 0;
};

/// One uniform draw in [0, 1) from a single generator output: its top 24 (float) or 53 (double)
/// bits. For idn::rng, draw01<float>(g) == float(g() >> 40) * 0x1p-24f. Requires a generator
/// whose range is [0, 2^w − 1] with w ≥ the mantissa width.
template <class Real, std::uniform_random_bit_generator G>
Real draw01(G& g) noexcept {
  static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>, "draw01: Real must be float or double");
  using R = typename G::result_type;
  static_assert(G::min() == 0, "draw01: the generator's min() must be 0");
  constexpr int w = std::bit_width(static_cast<std::uint64_t>(G::max()));
  static_assert(static_cast<std::uint64_t>(G::max()) == (w == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w) - 1),
                "draw01: the generator's range must be [0, 2^w - 1]");
  constexpr int bits = std::is_same_v<Real, float> ? 24 : 53;
  static_assert(w >= bits, "draw01: the generator must produce at least 24 (float) or 53 (double) bits per call");
  const std::uint64_t top = static_cast<std::uint64_t>(static_cast<R>(g())) >> (w - bits);
  if constexpr (std::is_same_v<Real, float>) return static_cast<float>(top) * 0x1p-24f;
  else return static_cast<double>(top) * 0x1p-53;
}

/// Grid bin of a score: min(K − 1, ⌊sK⌋), exact in binary floating point (K a power of two);
/// scores ≤ 0 and NaN map to 0, scores ≥ 1 to K − 1. O(1).
template <std::size_t K>
constexpr std::uint32_t bin_of(float s) noexcept {
  static_assert(K >= 2 && K <= 65536 && (K & (K - 1)) == 0, "bin_of: K must be a power of two in [2, 65536]");
  if (!(s > 0.f)) return 0;
  if (!(s < 1.f)) return static_cast<std::uint32_t>(K - 1);
  const auto b = static_cast<std::uint32_t>(s * static_cast<float>(K));
  return b < K ? b : static_cast<std::uint32_t>(K - 1);
}

/// Bin of an int8 softmax code (TFLite-Micro scale 1/256, zero point −128) on the 256-bin grid.
constexpr std::uint32_t bin_of_int8(std::int8_t q) noexcept { return static_cast<std::uint32_t>(q + 128); }

/// An online offload policy (§3): noexcept decide/feedback/cancel, allocation-free.
template <class P, class G>
concept offload_policy = std::uniform_random_bit_generator<G> && requires(P& p, float s, G& g, const decision& d, bool y) {
  { P::feedback_model } -> std::convertible_to<feedback_kind>;
  { p.decide(s, g) } noexcept -> std::same_as<decision>;
  { p.feedback(d, y) } noexcept;  // y = local prediction wrong; stale/unknown decisions are ignored
  { p.cancel(d) } noexcept;       // the offload did not happen, or no reply will come
};

/// A policy whose offload cost β can be changed between decisions.
template <class P>
concept cost_aware_policy = requires(P& p, float b) {
  { p.set_beta(b) } noexcept -> std::same_as<status>;
};

}  // namespace idn::offload
