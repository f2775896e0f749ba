#pragma once
/// Shortest round-trip text for numbers, used in error messages and CSV writers.
#include <array>
#include <bit>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace idn {

/// Appends `x` in shortest round-trip form to `out` (no temporary string). Every NaN is "nan":
/// standard libraries spell NaNs differently (libc++: "-nan(ind)", "nan(snan)"), and messages
/// must read the same everywhere.
inline void append_number(std::string& out, double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);  // a bit test: x != x folds away under -ffinite-math-only
  if ((bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0x000fffffffffffffull) != 0) {
    out += "nan";
    return;
  }
  std::array<char, 32> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  out.append(buf.data(), res.ptr);
}

/// Shortest text that parses back to exactly `x` ("inf", "-inf", and "nan" for every NaN).
/// O(1), no allocation beyond the returned string.
inline std::string format_number(double x) {
  std::string s;
  append_number(s, x);
  return s;
}

namespace detail {
/// A type whose value() is an integer: an id (core/strong_id.hpp) that concat prints as a number.
template <class T>
concept number_like_id = requires(const T& t) {
  { t.value() } -> std::integral;
};
}  // namespace detail

/// Concatenates strings, characters, integers, ids (strong_id: their number) and doubles
/// (shortest round trip) by appending.
/// Use it to build messages: GCC 12 at -O3 warns, falsely, under -Wrestrict on
/// `"literal" + std::to_string(n)` (the string is inserted at the front), and idn's headers must
/// stay warning-free in users' -Werror builds.
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  [[maybe_unused]] auto append = [&out](const auto& part) {
    using P = std::decay_t<decltype(part)>;
    if constexpr (std::is_same_v<P, char>)
      out += part;
    else if constexpr (std::is_floating_point_v<P>)
      append_number(out, static_cast<double>(part));
    else if constexpr (std::is_enum_v<P>)
      out += std::to_string(static_cast<long long>(part));
    else if constexpr (std::is_integral_v<P> && std::is_unsigned_v<P>)
      out += std::to_string(static_cast<unsigned long long>(part));
    else if constexpr (std::is_integral_v<P>)
      out += std::to_string(static_cast<long long>(part));
    else if constexpr (detail::number_like_id<P>)
      out += std::to_string(static_cast<unsigned long long>(part.value()));  // a strong_id: its number, not a char
    else
      out += part;
  };
  (append(parts), ...);
  return out;
}

/// "name[index]" for messages, e.g. indexed("layers", 4) == "layers[4]".
inline std::string indexed(std::string_view name, std::size_t index) {
  std::string s(name);
  s += '[';
  s += std::to_string(index);
  s += ']';
  return s;
}

}  // namespace idn
