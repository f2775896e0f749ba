// Compiled with tests/io/shim first on the include path: a fake xtensor >= 0.26 layout.
#include <doctest/doctest.h>

#include <filesystem>

#include "idn/io/npy.hpp"

#ifndef IDN_FAKE_XTENSOR_026_LAYOUT
#error "the xtensor include shim did not pick the >= 0.26 layout"
#endif

TEST_CASE("io shim: builds and works against the xtensor >= 0.26 header layout") {
  const auto p = std::filesystem::temp_directory_path() / "idn_test_io_shim.npy";
  xt::xarray<double> a = {{1.0, 2.0}, {3.0, 4.0}};
  idn::io::save_npy(p, a);
  CHECK(idn::io::load_npy<double>(p) == a);
  std::filesystem::remove(p);
}
