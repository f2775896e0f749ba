#pragma once
/// Numeric CSV tables (standard library only; the xtensor and Eigen front ends build on it).
/// RFC 4180 subset via core/csv.hpp; numbers via from_chars/to_chars (exact round trip).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "idn/core/csv.hpp"
#include "idn/core/format.hpp"
#include "idn/io/detail/read_file.hpp"
#include "idn/io/file_error.hpp"

namespace idn::io {

struct csv_options {
  char delimiter = ',';
  bool header = true;   ///< first non-comment line names the columns; else columns are "0", "1", ...
  char comment = '#';   ///< lines starting with it are skipped
  bool allow_nan = false, allow_inf = false;
};

namespace detail {

/// Row-major values with column names; lines[r] is the 1-based file line of data row r (comment
/// and blank lines make the two differ).
struct numeric_table {
  std::vector<std::string> columns;
  std::vector<double> values;
  std::size_t rows = 0;
  std::vector<std::size_t> lines;
};

[[noreturn]] inline void ragged(const std::filesystem::path& f, std::size_t line_no, std::size_t got, std::size_t cols) {
  throw file_error(f, line_no, std::min(got, cols) + 1,
                   concat("row ", line_no) + concat(" has ", got) + concat(" fields, header has ", cols));
}

/// One cell's value, or a file_error naming row, column and token.
inline double cell(const std::filesystem::path& f, std::string_view field, std::size_t line_no, std::size_t c,
                   const csv_options& o, const numeric_table& t) {
  double v = 0;
  const std::string_view tok = csv::trim(field);
  if (tok.empty()) throw file_error(f, line_no, c + 1, "empty cell", t.columns[c]);
  if (!csv::parse_double(tok, v)) throw file_error(f, line_no, c + 1, "not a number", t.columns[c], std::string(tok));
  if ((std::isnan(v) && !o.allow_nan) || (std::isinf(v) && !o.allow_inf))
    throw file_error(f, line_no, c + 1,
                     concat("row ", line_no) + concat(", column ", c + 1) + " '" + t.columns[c] +
                         "': " + (std::isnan(v) ? "NaN" : "inf") + " not allowed");
  return v;
}

/// Whether no number's spelling contains the delimiter d (digits, '.', signs, exponents, "inf",
/// "nan(payload)"...), so that from_chars cannot read past a field's end.
inline bool delimiter_outside_numbers(char d) noexcept {
  const auto u = static_cast<unsigned char>(d);
  return !(std::isalnum(u) || d == '.' || d == '+' || d == '-' || d == '(' || d == ')' || d == '_');
}

/// A row without quotes: fields are the delimiter-separated slices of the line itself. A field
/// that from_chars reads up to the delimiter (or the line's end) is taken as read: that is what
/// cell() gives it (no blanks or '+' to strip, nothing after the number), without searching for
/// the delimiter and trimming first; any other field, and every field when the delimiter could
/// be part of a number, goes through cell().
inline void parse_plain_row(const std::filesystem::path& f, std::string_view line, std::size_t line_no,
                            const csv_options& o, numeric_table& t) {
  const std::size_t cols = t.columns.size();
  std::size_t c = 0, start = 0;
  [[maybe_unused]] const bool fast = delimiter_outside_numbers(o.delimiter);
  while (true) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
    if (fast && c < cols) {
      double v = 0;
      const char* first = line.data() + start;
      const char* last = line.data() + line.size();
      const auto res = std::from_chars(first, last, v);
      if (res.ec == std::errc() && (res.ptr == last || *res.ptr == o.delimiter) && std::isfinite(v)) {
        t.values.push_back(v);
        ++c;
        if (res.ptr == last) break;
        start = static_cast<std::size_t>(res.ptr - line.data()) + 1;
        continue;
      }
    }
#endif
    const std::size_t end = std::min(line.find(o.delimiter, start), line.size());
    if (c >= cols) ragged(f, line_no, 1 + static_cast<std::size_t>(std::count(line.begin(), line.end(), o.delimiter)), cols);
    t.values.push_back(cell(f, line.substr(start, end - start), line_no, c, o, t));
    ++c;
    if (end == line.size()) break;
    start = end + 1;
  }
  if (c != cols) {
    t.values.resize(t.values.size() - c);
    ragged(f, line_no, c, cols);
  }
}

/// Parses a whole numeric CSV file. O(size), one conversion pass, no per-cell allocation.
inline numeric_table parse_numeric_csv(const std::filesystem::path& f, std::string_view text, const csv_options& o) {
  numeric_table t;
  std::vector<std::string> fields;
  bool have_columns = false;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (csv::trim(line).empty() || line.front() == o.comment) continue;
    if (have_columns && line.find('"') == std::string_view::npos) {
      parse_plain_row(f, line, line_no, o, t);  // fast path: no quotes, parse fields in place
      ++t.rows;
      t.lines.push_back(line_no);
      continue;
    }
    const auto st = csv::split_record(line, o.delimiter, fields);
    if (!st.ok) throw file_error(f, line_no, st.column, st.what);
    if (!have_columns) {
      have_columns = true;
      if (o.header) {
        for (const auto& name : fields) t.columns.emplace_back(csv::trim(name));
        t.values.reserve(text.size() / 16);  // a guess; grows geometrically beyond it
        continue;
      }
      for (std::size_t c = 0; c < fields.size(); ++c) t.columns.push_back(std::to_string(c));
    }
    const std::size_t cols = t.columns.size();
    if (fields.size() != cols) ragged(f, line_no, fields.size(), cols);
    for (std::size_t c = 0; c < cols; ++c) t.values.push_back(cell(f, fields[c], line_no, c, o, t));
    ++t.rows;
    t.lines.push_back(line_no);
  }
  if (!have_columns) throw file_error(f, line_no, 0, o.header ? "no header line" : "no data");
  return t;
}

inline numeric_table load_numeric_csv(const std::filesystem::path& f, const csv_options& o) {
  const std::vector<char> data = read_file(f);
  return parse_numeric_csv(f, std::string_view(data.data(), data.size()), o);
}

/// Writes a header and rows; value(r, c) gives each cell. Shortest round-trip numbers.
template <class Value>
void save_numeric_csv(const std::filesystem::path& f, std::span<const std::string> columns, std::size_t rows,
                      Value value, char delimiter = ',') {
  std::string out;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) out += delimiter;
    csv::append_field(out, columns[c], delimiter);
  }
  // A lone empty column name would make a blank header line, which readers skip (found by
  // fuzzing: the round trip lost the header and read 0 rows): quote it.
  if (columns.size() == 1 && columns[0].empty()) out += "\"\"";
  out += '\n';
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) out += delimiter;
      append_number(out, value(r, c));
    }
    out += '\n';
  }
  write_file(f, out, nullptr, 0);
}

}  // namespace detail
}  // namespace idn::io
