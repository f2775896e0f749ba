#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "idn/core/random.hpp"

// Known answers computed by an independent Python implementation of xoshiro256** and
// splitmix64 (Blackman & Vigna's reference algorithm).
TEST_CASE("rng: xoshiro256** reference outputs from state {1,2,3,4}") {
  idn::rng g(std::array<std::uint64_t, 4>{1, 2, 3, 4});
  const std::uint64_t expected[] = {11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL,
                                    1216172134540287360ULL, 607988272756665600ULL};
  for (auto e : expected) CHECK(g() == e);
}

TEST_CASE("rng: splitmix64 seeding and uniform01 known outputs for seed 42") {
  idn::rng g(42);
  CHECK(g.state() == std::array<std::uint64_t, 4>{13679457532755275413ULL, 2949826092126892291ULL,
                                                  5139283748462763858ULL, 6349198060258255764ULL});
  idn::rng h(42);
  CHECK(idn::uniform01(h) == 0.08386297105988216);
  CHECK(idn::uniform01(h) == 0.3789802506626686);
  CHECK(idn::uniform01(h) == 0.6800434110281394);
  const std::uint64_t raw[] = {1546998764402558742ULL, 6990951692964543102ULL, 12544586762248559009ULL};
  for (auto r : raw) CHECK(g() == r);
}

TEST_CASE("rng: all-zero state is rejected, jump gives a different stream, equality") {
  idn::rng z(std::array<std::uint64_t, 4>{0, 0, 0, 0});
  CHECK(z == idn::rng(0));
  idn::rng a(7), b(7);
  CHECK(a == b);
  b.jump();
  CHECK(!(a == b));
  int same = 0;
  for (int i = 0; i < 1000; ++i) same += a() == b();
  CHECK(same == 0);
}

TEST_CASE("uniform01: range, mean and variance over 1e6 draws (within 5 sigma)") {
  idn::rng g(123);
  const int n = 1'000'000;
  double s = 0, s2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const double u = idn::uniform01(g);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    s += u; s2 += u * u; lo = std::min(lo, u); hi = std::max(hi, u);
  }
  const double mean = s / n, var = s2 / n - mean * mean;
  CHECK(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(var - 1.0 / 12) < 5 * std::sqrt(1.0 / 180 / n));
  CHECK(lo < 1e-5);
  CHECK(hi > 1 - 1e-5);
}

TEST_CASE("uniform01: works with 32-bit generators and keeps [0,1)") {
  std::mt19937 mt(5);
  std::minstd_rand ms(5);  // range 1..2^31-2: not a power of two, exercises rejection
  double s = 0;
  for (int i = 0; i < 100000; ++i) {
    const double a = idn::uniform01(mt), b = idn::uniform01(ms);
    REQUIRE(a >= 0.0); REQUIRE(a < 1.0); REQUIRE(b >= 0.0); REQUIRE(b < 1.0);
    s += a + b;
  }
  CHECK(std::abs(s / 200000 - 0.5) < 0.005);
}
