#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "npy_bytes.hpp"
#include "idn/core/random.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/npy.hpp"

namespace fs = std::filesystem;
using namespace idn::io;
using idn::test::error_of;

namespace {
fs::path tmp(const std::string& name) { return fs::temp_directory_path() / ("idn_test_io_" + name); }

// An independent writer: any header dict text, payload given in file order.
void write_raw(const fs::path& p, const std::string& dict, const std::vector<char>& payload) {
  std::ofstream(p, std::ios::binary) << idn::test::npy_bytes(dict, std::string_view(payload.data(), payload.size()));
}

template <class T>
T random_value(idn::rng& g) {
  if constexpr (std::is_same_v<T, bool>) return g() & 1;
  else if constexpr (std::is_floating_point_v<T>) {
    T v;
    do {
      const std::uint64_t bits = g();
      if constexpr (sizeof(T) == 8) std::memcpy(&v, &bits, 8);
      else { const auto b32 = static_cast<std::uint32_t>(bits); std::memcpy(&v, &b32, 4); }
    } while (!std::isfinite(v));
    return v;
  } else {
    return static_cast<T>(g());
  }
}

template <class T>
void round_trips(const char* descr_text) {
  idn::rng g(std::hash<std::string>{}(descr_text));
  for (int t = 0; t < 100; ++t) {
    const std::size_t rank = g() % 4;
    std::vector<std::size_t> shape(rank);
    for (auto& d : shape) d = g() % 5;  // zero-size dimensions included
    xt::xarray<T> a = xt::xarray<T>::from_shape(shape);
    for (auto& v : a) v = random_value<T>(g);
    // C order through save_npy.
    const auto p = tmp(std::string("rt_") + (descr_text + 1) + ".npy");
    save_npy(p, a);
    REQUIRE((fs::file_size(p) - a.size() * sizeof(T)) % 64 == 0);
    const auto b = load_npy<T>(p);
    REQUIRE(b.shape() == a.shape());
    REQUIRE(std::equal(a.begin(), a.end(), b.begin()));
    // Fortran order through the independent writer.
    std::vector<char> payload(a.size() * sizeof(T));
    std::vector<std::size_t> idx(rank, 0);
    for (std::size_t c = 0; c < a.size(); ++c) {
      std::size_t f = 0, stride = 1;
      for (std::size_t k = 0; k < rank; ++k) { f += idx[k] * stride; stride *= shape[k]; }
      const T v = a.data()[c];
      std::memcpy(payload.data() + f * sizeof(T), &v, sizeof(T));
      for (std::size_t k = rank; k-- > 0;) { if (++idx[k] < shape[k]) break; idx[k] = 0; }
    }
    std::string sh = "(";
    for (std::size_t k = 0; k < rank; ++k) sh += std::to_string(shape[k]) + (rank == 1 ? "," : (k + 1 < rank ? ", " : ""));
    sh += ")";
    const auto pf = tmp(std::string("rtf_") + (descr_text + 1) + ".npy");
    write_raw(pf, std::string("{'descr': '") + descr_text + "', 'fortran_order': True, 'shape': " + sh + ", }", payload);
    const auto c = load_npy<T>(pf);
    REQUIRE(c.shape() == a.shape());
    REQUIRE(std::equal(a.begin(), a.end(), c.begin()));
    fs::remove(p);
    fs::remove(pf);
  }
}

const fs::path npy_data = "data";
}  // namespace

TEST_CASE("npy: 100 random arrays per dtype round-trip (ranks 0-3, C and Fortran order)") {
  static_assert(std::endian::native == std::endian::little, "the raw writer assumes a little-endian host");
  round_trips<double>("<f8");
  round_trips<float>("<f4");
  round_trips<std::int64_t>("<i8");
  round_trips<std::int32_t>("<i4");
  round_trips<std::int16_t>("<i2");
  round_trips<std::int8_t>("|i1");
  round_trips<std::uint64_t>("<u8");
  round_trips<std::uint32_t>("<u4");
  round_trips<std::uint16_t>("<u2");
  round_trips<std::uint8_t>("|u1");
  round_trips<bool>("|b1");
}

TEST_CASE("npy: numpy-written fixtures (C, Fortran, big-endian, v2, v3, rank 0, bool)") {
  for (const char* name : {"f8_c.npy", "f8_fortran.npy", "f8_be.npy", "f8_v2.npy", "f8_v3.npy"}) {
    CAPTURE(name);
    const auto a = load_npy<double>(npy_data / name);
    REQUIRE(a.dimension() == 2);
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 4; ++j) CHECK(a(i, j) == 1.5 * double(4 * i + j) - 2);
    const auto m = load_npy_matrix(npy_data / name);
    CHECK(m(2, 3) == 1.5 * 11 - 2);
    CHECK(m(1, 0) == 1.5 * 4 - 2);
  }
  CHECK(read_npy_header(npy_data / "f8_be.npy").big_endian);
  CHECK(read_npy_header(npy_data / "f8_fortran.npy").fortran_order);
  const auto be = load_npy<std::int16_t>(npy_data / "i2_be_3d.npy");
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k) CHECK(be(i, j, k) == std::int16_t(12 * i + 4 * j + k - 7));
  const auto f4 = load_npy<float>(npy_data / "f4_fortran_3d.npy");
  CHECK(f4(1, 2, 3) == 23.0f / 4);
  CHECK(f4(0, 1, 2) == 6.0f / 4);
  const auto s = load_npy<std::uint8_t>(npy_data / "u1_scalar.npy");
  CHECK(s.dimension() == 0);
  CHECK(s() == 200);
  const auto b = load_npy<bool>(npy_data / "b1.npy");
  CHECK(b(0));
  CHECK(!b(1));
  const auto wide = load_npy_as_double(npy_data / "i4_1d.npy");
  CHECK(wide(4) == -12);
  const auto v = load_npy_vector(npy_data / "i4_1d.npy");
  CHECK(v.size() == 5);
  CHECK(v[3] == -9);
}

TEST_CASE("npy: every malformed case names file, row and column") {
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "missing.npy"); }).find("data/missing.npy:0:0: cannot open: No such file") == 0);
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "bad_magic.npy"); }) == "data/bad_magic.npy:0:0: not an NPY file (bad magic)");
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "bad_version.npy"); }) == "data/bad_version.npy:0:0: unsupported NPY version 4.0");
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "no_descr.npy"); }) == "data/no_descr.npy:0:0: header has no 'descr'");
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "no_shape.npy"); }) == "data/no_shape.npy:0:0: header has no 'shape'");
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "c16.npy"); }) == "data/c16.npy:0:0: dtype '<c16' not supported");
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "i4_1d.npy"); }) == "data/i4_1d.npy:0:0: expected <f8, file has <i4");
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "short_payload.npy"); }) ==
        "data/short_payload.npy:0:0: payload is 88 bytes, shape x itemsize is 96");
  CHECK(error_of<idn::io::file_error>([] { load_npy<double>(npy_data / "long_payload.npy"); }) ==
        "data/long_payload.npy:0:0: payload is 104 bytes, shape x itemsize is 96");
  CHECK(error_of<idn::io::file_error>([] { load_npy<float>(npy_data / "f4_nan.npy"); }) == "data/f4_nan.npy:2:2: NaN not allowed");
  CHECK(error_of<idn::io::file_error>([] { load_npy_as_double(npy_data / "f8_inf.npy"); }) == "data/f8_inf.npy:2:0: inf not allowed");
  CHECK(error_of<idn::io::file_error>([] { load_npy_as_double(npy_data / "u8_big.npy"); }).find("data/u8_big.npy:2:0: integer magnitude exceeds 2^53") == 0);
  CHECK(error_of<idn::io::file_error>([] { load_npy_matrix(npy_data / "i2_be_3d.npy"); }) == "data/i2_be_3d.npy:0:0: rank 3 array: expected rank 1 or 2");
  CHECK(error_of<idn::io::file_error>([] { load_npy_vector(npy_data / "f8_c.npy"); }) == "data/f8_c.npy:0:0: rank 2 array is not a vector");
  // Allowed when asked.
  CHECK(std::isnan(load_npy<float>(npy_data / "f4_nan.npy", {true, false})(1, 1)));
  CHECK(std::isinf(load_npy_as_double(npy_data / "f8_inf.npy", {false, true})(1)));
  // file_error carries the location.
  try {
    load_npy<float>(npy_data / "f4_nan.npy");
  } catch (const file_error& e) {
    CHECK(e.row() == 2);
    CHECK(e.column() == 2);
    CHECK(e.file() == npy_data / "f4_nan.npy");
  }
}

TEST_CASE("npy: Eigen matrices and vectors round-trip") {
  idn::rng g(61);
  Eigen::MatrixXd m(7, 3);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = idn::uniform01(g) - 0.5;
  const auto p = tmp("eigen_m.npy");
  save_npy(p, m);
  CHECK(load_npy_matrix(p) == m);
  CHECK(load_npy<double>(p)(6, 2) == m(6, 2));  // C order on disk
  Eigen::VectorXd v = m.col(1);
  save_npy(p, v);
  CHECK(load_npy_vector(p) == v);
  CHECK(read_npy_header(p).shape == std::vector<std::size_t>{7});
  fs::remove(p);
}
