// idn/offload/bins.hpp: bin_of and bin_of_int8 map scores to grid bins exactly and totally.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>

#include "idn/offload/bins.hpp"

using namespace idn::offload;

TEST_CASE("bin_of is exact and total; bin_of_int8 maps the int8 code range onto 256 bins") {
  CHECK(bin_of<256>(std::nanf("")) == 0);
  CHECK(bin_of<256>(-1.f) == 0);
  CHECK(bin_of<256>(2.f) == 255);
  CHECK(bin_of<256>(1.f) == 255);
  CHECK(bin_of<256>(0.5f) == 128);
  CHECK(bin_of<256>(std::nextafter(0.5f, 0.f)) == 127);
  for (std::uint32_t k = 0; k < 4096; ++k) REQUIRE(bin_of<4096>(static_cast<float>(k) / 4096.f) == k);
  CHECK(bin_of_int8(-128) == 0);
  CHECK(bin_of_int8(127) == 255);
  // Oracle: floor(s * K) in double, clamped, for random floats (exact for K a power of two).
  std::uint32_t state = 12345;
  for (int i = 0; i < 100000; ++i) {
    state = state * 1664525u + 1013904223u;
    const float s = static_cast<float>(state >> 8) * 0x1p-24f * 1.25f - 0.125f;
    const double fl = std::floor(static_cast<double>(s) * 64.0);
    const auto want = static_cast<std::uint32_t>(fl < 0 ? 0 : (fl > 63 ? 63 : fl));
    REQUIRE(bin_of<64>(s) == want);
  }
  for (int q = -128; q < 128; ++q) REQUIRE(bin_of_int8(static_cast<std::int8_t>(q)) == bin_of<256>(static_cast<float>(q + 128) / 256.f));
}
