#pragma once
/// Std-only CSV tokenizer (RFC 4180 subset) shared by dnn/profile_csv.hpp and io/csv.hpp.
/// Fields may be "..."-quoted with "" as an escaped quote; a quoted field cannot span lines.
/// Numbers are parsed with from_chars (exact round trip with format_number).
#include <charconv>
#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <istream>
#include <limits>
#include <locale>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "idn/core/error.hpp"

namespace idn::csv {

/// Outcome of split_record: ok, or the 1-based column where the record is malformed.
struct split_status {
  bool ok = true;
  std::size_t column = 0;   // 1-based field index of the problem
  const char* what = "";    // e.g. "unterminated quote"
};

/// Splits one record (no trailing newline; a trailing '\r' is dropped) into `out`, reusing its
/// strings. O(length). Surrounding spaces of unquoted fields are kept (callers trim numbers).
inline split_status split_record(std::string_view line, char delim, std::vector<std::string>& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t n = 0;
  auto next_field = [&]() -> std::string& {
    if (out.size() <= n) out.emplace_back();
    std::string& f = out[n++];
    f.clear();
    return f;
  };
  std::size_t i = 0;
  while (true) {
    std::string& f = next_field();
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f += '"';
            i += 2;
          } else {
            ++i;
            closed = true;
            break;
          }
        } else {
          f += line[i++];
        }
      }
      if (!closed) {
        out.resize(n);
        return {false, n, "unterminated quote"};
      }
      if (i < line.size() && line[i] != delim) {
        out.resize(n);
        return {false, n, "text after closing quote"};
      }
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != delim) {
        if (line[i] == '"') {
          out.resize(n);
          return {false, n, "quote inside unquoted field"};
        }
        ++i;
      }
      f.assign(line.substr(start, i - start));
    }
    if (i >= line.size()) break;
    ++i;  // skip the delimiter; a trailing delimiter yields a final empty field
    if (i == line.size()) {
      next_field();
      break;
    }
  }
  out.resize(n);
  return {};
}

/// Trims ASCII spaces and tabs from both ends.
inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace detail {
/// ASCII case-insensitive equality with a lower-case literal.
inline bool iequals(std::string_view s, std::string_view lower) noexcept {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]) != lower[i]) return false;
  return true;
}

/// The fallback of parse_double for standard libraries without floating-point std::from_chars
/// (libc++ before 20, as on macOS): the same accepted language — decimal or scientific, an
/// optional '-', "inf", "infinity", "nan" or "nan(chars)" in any case; no hex; a value that
/// overflows or underflows to zero is rejected — parsed by std::strtod when the C locale's
/// decimal point is '.', else by a classic-locale stream; both round correctly. Allocates only
/// for tokens of 128 characters or more, or in a locale whose decimal point is not '.'.
inline bool parse_double_fallback(std::string_view t, double& out) {
  const bool neg = !t.empty() && t.front() == '-';
  const std::string_view body = neg ? t.substr(1) : t;
  if (iequals(body, "inf") || iequals(body, "infinity")) return out = neg ? -INFINITY : INFINITY, true;
  const bool nan_payload = body.size() > 4 && iequals(body.substr(0, 4), "nan(") && body.back() == ')' &&
                           body.substr(4, body.size() - 5).find_first_not_of(
                               "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string_view::npos;
  if (iequals(body, "nan") || nan_payload)
    return out = neg ? -std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::quiet_NaN(), true;
  if (body.empty() || !((body.front() >= '0' && body.front() <= '9') || body.front() == '.')) return false;
  for (const char c : body)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  double v = 0;
  if (const char* point = std::localeconv()->decimal_point; point[0] == '.' && point[1] == '\0') {
    // The usual case (the C locale's decimal point is '.'): strtod rounds correctly and, unlike
    // libc++'s stream, accepts subnormals; ERANGE with a normal-or-zero result is out of range.
    // Tokens under 128 characters are NUL-terminated on the stack (no allocation).
    char small[128];
    std::string large;
    const char* z = small;
    if (t.size() < sizeof small) {
      t.copy(small, t.size());
      small[t.size()] = '\0';
    } else {
      large.assign(t);
      z = large.c_str();
    }
    char* end = nullptr;
    errno = 0;
    v = std::strtod(z, &end);
    if (end != z + t.size() || !std::isfinite(v) || (errno == ERANGE && std::fpclassify(v) != FP_SUBNORMAL)) return false;
  } else {
    std::istringstream in{std::string(t)};
    in.imbue(std::locale::classic());
    in >> v;
    if (in.fail() || !std::isfinite(v) || in.peek() != std::char_traits<char>::eof()) return false;
  }
  if (v == 0) {  // underflow to zero is out of range, as for from_chars: any non-zero mantissa digit
    for (const char c : body.substr(0, body.find_first_of("eE")))
      if (c >= '1' && c <= '9') return false;
  }
  return out = neg && v == 0 ? -0.0 : v, true;
}
}  // namespace detail

/// Parses a whole (trimmed) token as a double, accepting a leading '+', "nan", "inf",
/// "infinity" in any case. Returns false on empty or trailing characters. No allocation (with
/// libc++ < 20, see parse_double_fallback: none for tokens under 128 characters).
inline bool parse_double(std::string_view token, double& out) noexcept {
  token = trim(token);
  if (token.empty()) return false;
  if (token.front() == '+') token.remove_prefix(1);
  if (token.empty()) return false;
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  const auto res = std::from_chars(token.data(), token.data() + token.size(), out);
  return res.ec == std::errc() && res.ptr == token.data() + token.size();
#else
  return detail::parse_double_fallback(token, out);
#endif
}

/// Throws invalid_input "<source>:<line>:<column>: <what>", plus " (value '<token>')" when a
/// token is given: io::file_error's format, for the readers outside io (board files, runtime
/// measurement CSVs, service times). Line and column are 1-based, 0 when not applicable.
[[noreturn]] inline void fail_at(std::string_view source, std::size_t line, std::size_t column, std::string_view what,
                                 std::string_view token = {}) {
  std::string m(source);
  m.append(":").append(std::to_string(line)).append(":").append(std::to_string(column)).append(": ").append(what);
  if (!token.empty()) m.append(" (value '").append(token).append("')");
  throw invalid_input(m);
}

/// Reads lines from a stream and counts them (1-based line numbers for messages).
class line_reader {
public:
  /// Reads lines from `in` (which must outlive the reader).
  explicit line_reader(std::istream& in) : in_(in) {}
  /// Next line into `line`; false at end of input.
  bool next(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++number_;
    return true;
  }
  /// The 1-based number of the last line read.
  std::size_t line_number() const noexcept { return number_; }

private:
  std::istream& in_;
  std::size_t number_ = 0;
};

/// True if the field must be quoted to survive split_record and the readers built on it: it
/// holds the delimiter, a quote or a line break, starts with '#' (a comment line when first),
/// or starts or ends with a space or tab (readers trim unquoted text).
inline bool needs_quotes(std::string_view field, char delim) noexcept {
  for (char c : field)
    if (c == delim || c == '"' || c == '\n' || c == '\r') return true;
  if (field.empty()) return false;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return field.front() == '#' || blank(field.front()) || blank(field.back());
}

/// Appends `field`, quoted if needed.
inline void append_field(std::string& out, std::string_view field, char delim) {
  if (!needs_quotes(field, delim)) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace idn::csv
