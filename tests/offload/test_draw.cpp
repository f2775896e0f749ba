// idn/offload/draw.hpp: draw01 takes the top 24 / 53 bits of exactly one generator output.
#include <doctest/doctest.h>

#include <random>

#include "idn/core/random.hpp"
#include "idn/offload/draw.hpp"

using namespace idn::offload;

TEST_CASE("draw01: top 24 / 53 bits of one output") {
  idn::rng a(42), b(42);
  for (int i = 0; i < 10000; ++i) {
    const float f = draw01<float>(a);
    REQUIRE(f == float(b() >> 40) * 0x1p-24f);
    REQUIRE((f >= 0.f && f < 1.f));
    const double d = draw01<double>(a);
    REQUIRE(d == double(b() >> 11) * 0x1p-53);
  }
  std::mt19937 mt(1);  // 32-bit generator: top 24 bits
  std::mt19937 mt2(1);
  CHECK(draw01<float>(mt) == float(mt2() >> 8) * 0x1p-24f);
}
