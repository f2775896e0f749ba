#pragma once
/// Arrival traces for idn::sim::trace_source: a column of a CSV file or a 1-D NPY array of
/// times (seconds), finite, >= 0 and non-decreasing.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "idn/core/format.hpp"
#include "idn/io/detail/csv_numeric.hpp"
#include "idn/io/detail/npy_format.hpp"
#include "idn/io/detail/read_file.hpp"
#include "idn/io/file_error.hpp"

namespace idn::io {

/// Loads arrival times from `.csv` (column `column`) or `.npy` (1-D). Throws file_error naming
/// the first bad entry, e.g. "times[812] = 10.5 < times[811] = 11".
inline Eigen::VectorXd load_arrival_trace(const std::filesystem::path& path, std::string_view column = "time") {
  Eigen::VectorXd t;
  const auto ext = path.extension().string();
  std::vector<std::size_t> lines;  // CSV: the file line of each element (NPY: element index + 1)
  if (ext == ".npy") {
    detail::npy_reader r(path);
    const npy_header& h = r.header();
    if (h.shape.size() != 1) throw file_error(path, 0, 0, concat("arrival trace must be a 1-D array, has rank ", h.shape.size()));
    t.resize(static_cast<Eigen::Index>(h.shape[0]));
    detail::read_as_double(r, t.data(), {});
  } else if (ext == ".csv") {
    detail::numeric_table tab = detail::load_numeric_csv(path, {});
    const auto it = std::find(tab.columns.begin(), tab.columns.end(), column);
    if (it == tab.columns.end()) throw file_error(path, 1, 0, "no column named '" + std::string(column) + "'");
    const std::size_t c = static_cast<std::size_t>(it - tab.columns.begin());
    t.resize(static_cast<Eigen::Index>(tab.rows));
    for (std::size_t r = 0; r < tab.rows; ++r) t[static_cast<Eigen::Index>(r)] = tab.values[r * tab.columns.size() + c];
    lines = std::move(tab.lines);
  } else {
    throw file_error(path, 0, 0, "arrival trace must be .csv or .npy");
  }
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    const auto row = lines.empty() ? static_cast<std::size_t>(i) + 1 : lines[static_cast<std::size_t>(i)];
    if (!std::isfinite(t[i]) || t[i] < 0)
      throw file_error(path, row, 0, concat("times[", i) + concat("] = ", t[i]) + ": must be finite and >= 0");
    if (i > 0 && t[i] < t[i - 1])
      throw file_error(path, row, 0,
                       concat("times[", i) + concat("] = ", t[i]) + concat(" < times[", i - 1) +
                           concat("] = ", t[i - 1]));
  }
  return t;
}

}  // namespace idn::io
