#pragma once
/// Shortest round-trip text for numbers, used in error messages and CSV writers.
#include <array>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace idn {

/// Shortest text that parses back to exactly `x` ("inf", "-inf", "nan" for non-finite values).
/// O(1), no allocation beyond the returned string.
inline std::string format_number(double x) {
  std::array<char, 32> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  return std::string(buf.data(), res.ptr);
}

/// Appends `x` in shortest round-trip form to `out` (no temporary string).
inline void append_number(std::string& out, double x) {
  std::array<char, 32> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  out.append(buf.data(), res.ptr);
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
