#pragma once
/// NPY and CSV load/save for Eigen vectors and matrices. Does not include xtensor.
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/io/detail/csv_numeric.hpp"
#include "idn/io/detail/npy_format.hpp"
#include "idn/io/detail/read_file.hpp"
#include "idn/io/file_error.hpp"

namespace idn::io {

/// Loads a rank-1 (as a column) or rank-2 NPY array of any supported dtype as doubles.
inline Eigen::MatrixXd load_npy_matrix(const std::filesystem::path& path, const load_options& opt = {}) {
  detail::npy_reader r(path);
  const npy_header& h = r.header();
  if (h.shape.size() != 1 && h.shape.size() != 2)
    throw file_error(path, 0, 0, concat("rank ", h.shape.size()) + " array: expected rank 1 or 2");
  const auto rows = static_cast<Eigen::Index>(h.shape[0]);
  const auto cols = static_cast<Eigen::Index>(h.shape.size() == 2 ? h.shape[1] : 1);
  // An empty array may still have a huge extent, e.g. shape (0, 2e17): converting it from row
  // to column major would loop over 2e17 empty columns (found by fuzzing), so return it as is.
  if (rows == 0 || cols == 0) return Eigen::MatrixXd(rows, cols);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m(rows, cols);
  detail::read_as_double(r, m.data(), opt);
  return m;
}

/// Loads a rank-1 array, or a rank-2 array with one dimension equal to 1.
inline Eigen::VectorXd load_npy_vector(const std::filesystem::path& path, const load_options& opt = {}) {
  detail::npy_reader r(path);
  const npy_header& h = r.header();
  const bool ok = h.shape.size() == 1 || (h.shape.size() == 2 && (h.shape[0] == 1 || h.shape[1] == 1));
  if (!ok) throw file_error(path, 0, 0, concat("rank ", h.shape.size()) + " array is not a vector");
  Eigen::VectorXd v(static_cast<Eigen::Index>(detail::element_count(h.shape)));
  detail::read_as_double(r, v.data(), opt);
  return v;
}

/// Saves a matrix as a rank-2 <f8 NPY array (C order).
inline void save_npy(const std::filesystem::path& path, const Eigen::MatrixXd& m) {
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
  const auto payload = detail::little_endian_payload(r.data(), static_cast<std::size_t>(r.size()));
  detail::write_file(path,
                     detail::make_npy_header(dtype::f8, {static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())}),
                     payload.data(), payload.size());
}

/// Saves a vector as a rank-1 <f8 NPY array.
inline void save_npy(const std::filesystem::path& path, const Eigen::VectorXd& v) {
  const auto payload = detail::little_endian_payload(v.data(), static_cast<std::size_t>(v.size()));
  detail::write_file(path, detail::make_npy_header(dtype::f8, {static_cast<std::size_t>(v.size())}), payload.data(),
                     payload.size());
}

/// Loads a numeric CSV file as a matrix (header names are dropped).
inline Eigen::MatrixXd load_csv_matrix(const std::filesystem::path& path, const csv_options& opt = {}) {
  const detail::numeric_table t = detail::load_numeric_csv(path, opt);
  const auto cols = static_cast<Eigen::Index>(t.columns.size());
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      t.values.data(), static_cast<Eigen::Index>(t.rows), cols);
}

/// Saves a matrix with column names; throws invalid_input on a count mismatch.
inline void save_csv(const std::filesystem::path& path, std::span<const std::string> columns, const Eigen::MatrixXd& m) {
  if (static_cast<Eigen::Index>(columns.size()) != m.cols())
    reject("io::save_csv", "columns.size()", columns.size(), concat("must equal m.cols() = ", m.cols()));
  detail::save_numeric_csv(path, columns, static_cast<std::size_t>(m.rows()),
                           [&](std::size_t r, std::size_t c) { return m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)); });
}

}  // namespace idn::io
