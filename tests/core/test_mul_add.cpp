#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "idn/core/mul_add.hpp"
#include "idn/core/random.hpp"

namespace {
// Out of line, so the compiler cannot evaluate or contract across the call.
[[gnu::noinline]] double reference_fma(double a, double b, double c) { return std::fma(a, b, c); }
[[gnu::noinline]] double two_roundings(double a, double b, double c) {
  volatile double p = a * b;  // the product rounded on its own
  return p + c;
}
}  // namespace

TEST_CASE("mul_add is one fused rounding on FMA hardware and two roundings elsewhere, bit for bit") {
  idn::rng g(4242);
  int differ = 0;  // inputs where fused and unfused results differ: the check is not vacuous
  for (int i = 0; i < 20000; ++i) {
    const double a = idn::uniform01(g) * 1e3 - 500, b = idn::uniform01(g) * 1e-2, c = idn::uniform01(g) - 0.5;
    const double got = idn::mul_add(a, b, c);
    const double want = idn::has_hardware_fma ? reference_fma(a, b, c) : two_roundings(a, b, c);
    REQUIRE(std::memcmp(&got, &want, sizeof got) == 0);
    differ += reference_fma(a, b, c) != two_roundings(a, b, c);
  }
  CHECK(differ > 100);
}
