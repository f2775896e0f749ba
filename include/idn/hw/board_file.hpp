#pragma once
/// idn::hw::board_file: what the board probe (idn-board-probe, hw/board_probe.hpp) measured on a
/// machine, and its CSV file format (docs/hardware-validation.md "Board files"). Standard library
/// only.
///
///     # idn board file v1
///     # name: this-box
///     # description: AMD EPYC, 2 logical CPUs, GCC 12.2, 2026-12-06
///     quantity,size,threads,value,spread,reliable
///     copy_bandwidth,32768,1,1.21e+11,0.02,1
///     gemm_fp32,1.6e+07,1,9.9e+10,0.01,1
///     ...
///
/// quantity | size | value
/// ---|---|---
/// copy_bandwidth, triad_bandwidth, elementwise_fp32 | working set, bytes | byte/s
/// gemm_fp32, gemm_fp64, depthwise_fp32 | FLOP per call | FLOP/s
/// timer_resolution | 0 | seconds
///
/// spread = (p90 − p10) / median over the repetitions; reliable = 0 marks a point the probe could
/// not measure reliably (spread above its threshold): readers keep it but models ignore it.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "idn/core/csv.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::hw {

/// What a board-file row measured (see the table in this header).
enum class board_quantity : std::uint8_t {
  copy_bandwidth, triad_bandwidth, elementwise_fp32, gemm_fp32, gemm_fp64, depthwise_fp32, timer_resolution
};
inline constexpr std::array<std::string_view, 7> board_quantity_names{
    "copy_bandwidth", "triad_bandwidth", "elementwise_fp32", "gemm_fp32", "gemm_fp64", "depthwise_fp32", "timer_resolution"};

/// One measured point.
struct board_point {
  board_quantity quantity = board_quantity::copy_bandwidth;
  double size = 0;           ///< working-set bytes or FLOP per call (see the table above)
  std::uint32_t threads = 1;
  double value = 0;          ///< byte/s, FLOP/s or seconds
  double spread = 0;         ///< (p90 − p10) / median
  bool reliable = true;
};

/// A board file in memory.
struct board_file {
  std::string name = "board", description;
  std::vector<board_point> points;

  /// The reliable points of one quantity at one thread count, by increasing size.
  std::vector<board_point> series(board_quantity q, std::uint32_t threads = 1) const {
    std::vector<board_point> s;
    for (const auto& p : points)
      if (p.quantity == q && p.threads == threads && p.reliable) s.push_back(p);
    std::sort(s.begin(), s.end(), [](const board_point& a, const board_point& b) { return a.size < b.size; });
    return s;
  }
  /// The largest reliable value of one quantity at one thread count (e.g. the peak GEMM FLOP/s);
  /// 0 when there is none. O(points).
  double peak(board_quantity q, std::uint32_t threads = 1) const noexcept {
    double best = 0;
    for (const auto& p : points)
      if (p.quantity == q && p.threads == threads && p.reliable) best = std::max(best, p.value);
    return best;
  }
};

/// Reads a board file from a stream. Throws invalid_input "<source>:<line>:<column>: <what>" for
/// a missing magic line, a missing or unknown column, an unknown quantity, a non-finite or
/// negative number, threads not an integer in [1, 4096], a value that is 0 or subnormal (its
/// reciprocal must be finite), reliable not 0/1. O(file size).
inline board_file read_board_file(std::istream& in, std::string_view source = "board file") {
  board_file b;
  csv::line_reader reader(in);
  std::string line;
  std::vector<std::string> fields;
  auto fail = [&](std::size_t column, const std::string& what) { csv::fail_at(source, reader.line_number(), column, what); };
  if (!reader.next(line) || csv::trim(line) != "# idn board file v1") fail(1, "the first line must be '# idn board file v1'");
  bool header = false;
  constexpr std::array<std::string_view, 6> columns{"quantity", "size", "threads", "value", "spread", "reliable"};
  while (reader.next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (csv::trim(line).empty()) continue;
    if (line[0] == '#') {
      const std::string_view t = csv::trim(std::string_view(line).substr(1));
      if (t.rfind("name:", 0) == 0) b.name = std::string(csv::trim(t.substr(5)));
      else if (t.rfind("description:", 0) == 0) b.description = std::string(csv::trim(t.substr(12)));
      continue;
    }
    const csv::split_status st = csv::split_record(line, ',', fields);
    if (!st.ok) fail(st.column, st.what);
    if (!header) {
      if (fields.size() != columns.size()) fail(1, concat("the header must be '", "quantity,size,threads,value,spread,reliable", "'"));
      for (std::size_t c = 0; c < columns.size(); ++c)
        if (csv::trim(fields[c]) != columns[c]) fail(c + 1, concat("column ", c + 1, " must be '", columns[c], "', not '", fields[c], "'"));
      header = true;
      continue;
    }
    if (fields.size() != columns.size()) fail(std::min(fields.size(), columns.size()) + 1, concat("expected 6 fields, got ", fields.size()));
    board_point p;
    const std::string_view q = csv::trim(fields[0]);
    const auto it = std::find(board_quantity_names.begin(), board_quantity_names.end(), q);
    if (it == board_quantity_names.end()) fail(1, concat("unknown quantity '", q, "'"));
    p.quantity = static_cast<board_quantity>(it - board_quantity_names.begin());
    double v[5];
    for (std::size_t c = 1; c < 6; ++c) {
      if (!csv::parse_double(csv::trim(fields[c]), v[c - 1]) || !std::isfinite(v[c - 1]) || v[c - 1] < 0)
        fail(c + 1, concat(columns[c], " '", fields[c], "' is not a finite number >= 0"));
    }
    if (v[1] < 1 || v[1] != std::floor(v[1]) || v[1] > 4096) fail(3, concat("threads '", fields[2], "' is not an integer in [1, 4096]"));
    if (v[2] < std::numeric_limits<double>::min()) fail(4, concat("value '", fields[3], "' must be > 0 (and not subnormal)"));
    if (v[4] != 0 && v[4] != 1) fail(6, concat("reliable '", fields[5], "' must be 0 or 1"));
    p.size = v[0];
    p.threads = static_cast<std::uint32_t>(v[1]);
    p.value = v[2];
    p.spread = v[3];
    p.reliable = v[4] == 1;
    b.points.push_back(p);
  }
  if (!header) fail(0, "no header line");
  return b;
}

/// Reads the board file at `path` (see the stream overload).
inline board_file read_board_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw invalid_input(concat(path.string(), ": cannot open the board file"));
  return read_board_file(in, path.string());
}

/// Writes `b` in the format read_board_file reads (values with 17 significant digits).
inline void write_board_file(std::ostream& out, const board_file& b) {
  auto one_line = [](std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
  };
  out << "# idn board file v1\n# name: " << one_line(b.name) << "\n# description: " << one_line(b.description) << '\n'
      << "quantity,size,threads,value,spread,reliable\n";
  std::ostringstream row;
  row.precision(17);
  for (const auto& p : b.points) {
    row.str("");
    row << board_quantity_names[static_cast<std::size_t>(p.quantity)] << ',' << p.size << ',' << p.threads << ',' << p.value << ','
        << p.spread << ',' << (p.reliable ? 1 : 0) << '\n';
    out << row.str();
  }
}

/// Writes `b` to `path`.
inline void write_board_file(const std::filesystem::path& path, const board_file& b) {
  std::ofstream out(path);
  if (!out) throw invalid_input(concat(path.string(), ": cannot open the board file for writing"));
  write_board_file(out, b);
  if (!out) throw invalid_input(concat(path.string(), ": write failed"));
}

}  // namespace idn::hw
