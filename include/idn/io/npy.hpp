#pragma once
/// NPY load/save for xtensor arrays. docs/io.md "Formats".
#include <filesystem>
#include <string>
#include <vector>

#include "idn/io/detail/npy_format.hpp"
#include "idn/io/detail/read_file.hpp"
#include "idn/io/detail/xtensor_includes.hpp"
#include "idn/io/file_error.hpp"

namespace idn::io {

/// Reads and validates only the header (payload size included).
inline npy_header read_npy_header(const std::filesystem::path& path) { return detail::npy_reader(path).header(); }

/// Loads an array whose dtype is exactly T's (e.g. double <-> <f8); C or Fortran order, either
/// endianness. NaN/inf rejected unless allowed. O(n), one read and one conversion pass.
template <class T>
xt::xarray<T> load_npy(const std::filesystem::path& path, const load_options& opt = {}) {
  detail::npy_reader r(path);
  xt::xarray<T> a = xt::xarray<T>::from_shape(r.header().shape);
  detail::read_exact(r, a.data(), opt);
  return a;
}

/// Loads any supported dtype widened to double; integers beyond ±2^53 are rejected.
inline xt::xarray<double> load_npy_as_double(const std::filesystem::path& path, const load_options& opt = {}) {
  detail::npy_reader r(path);
  xt::xarray<double> a = xt::xarray<double>::from_shape(r.header().shape);
  detail::read_as_double(r, a.data(), opt);
  return a;
}

/// Saves as NPY v1.0, little-endian, C order, header padded to 64 bytes.
template <class T>
void save_npy(const std::filesystem::path& path, const xt::xarray<T>& a) {
  const std::vector<std::size_t> shape(a.shape().begin(), a.shape().end());
  const xt::xarray<T> c = a;  // row-major copy (xarray's default layout)
  const auto payload = detail::little_endian_payload(c.data(), c.size());
  detail::write_file(path, detail::make_npy_header(detail::dtype_of<T>(), shape), payload.data(), payload.size());
}

}  // namespace idn::io
