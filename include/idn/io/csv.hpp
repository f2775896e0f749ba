#pragma once
/// Numeric CSV tables as xtensor arrays. RFC 4180 subset; exact number round trip.
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/io/detail/csv_numeric.hpp"
#include "idn/io/detail/xtensor_includes.hpp"

namespace idn::io {

/// Column names and a rows × columns array.
struct csv_table {
  std::vector<std::string> columns;
  xt::xtensor<double, 2> values;
};

/// Loads a numeric CSV file. Errors (file_error) name file, row (line) and column.
inline csv_table load_csv(const std::filesystem::path& path, const csv_options& opt = {}) {
  detail::numeric_table t = detail::load_numeric_csv(path, opt);
  csv_table out;
  out.columns = std::move(t.columns);
  out.values = xt::xtensor<double, 2>::from_shape({t.rows, out.columns.size()});
  std::copy(t.values.begin(), t.values.end(), out.values.data());
  return out;
}

/// Saves a table; throws invalid_input if the column count does not match the array.
inline void save_csv(const std::filesystem::path& path, const csv_table& t) {
  if (t.values.shape()[1] != t.columns.size() && t.values.shape()[0] != 0)
    reject("io::save_csv", "columns.size()", t.columns.size(), concat("must equal the number of value columns = ", t.values.shape()[1]));
  detail::save_numeric_csv(path, std::span<const std::string>(t.columns), t.values.shape()[0],
                           [&](std::size_t r, std::size_t c) { return t.values(r, c); });
}

}  // namespace idn::io
