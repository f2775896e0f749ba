// idn/hw/link.hpp: affine_link's transfer time against L + 8S/R in long double (10,000 random
// links and sizes), its validation (including a subnormal rate, whose 8/R overflows), and
// function_link forwarding.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/link.hpp"

using namespace idn::hw;

TEST_CASE("affine_link: x(S) = L + 8S/R within 2 ulps of a long-double reference; monotone; x(0) = L") {
  idn::rng g(99);
  int checked = 0;
  for (int i = 0; i < 10000; ++i) {
    const double L = idn::uniform01(g) * 0.1, R = std::pow(10.0, 3 + 8 * idn::uniform01(g)), S = std::pow(10.0, 9 * idn::uniform01(g));
    const affine_link a(L, R, 1.5);
    const long double want = static_cast<long double>(L) + 8.0L * static_cast<long double>(S) / static_cast<long double>(R);
    const double got = a.transfer_time(S);
    REQUIRE(std::abs(static_cast<long double>(got) - want) <= 4 * std::numeric_limits<double>::epsilon() * want);
    REQUIRE(a.transfer_time(0) == L);
    REQUIRE(a.transfer_time(S * 2) >= got);
    ++checked;
  }
  CHECK(checked == 10000);
  const affine_link inf_rate(0.002, std::numeric_limits<double>::infinity());
  CHECK(inf_rate.transfer_time(1e12) == 0.002);
  CHECK(inf_rate.latency() == 0.002);
  CHECK(affine_link(0, 1e6, 0.7).transmit_power() == 0.7);
  CHECK(affine_link(0, 1e6).rate() == 1e6);
}

TEST_CASE("affine_link: bad latency, rate or power is named; function_link forwards") {
  CHECK(idn::test::error_of([] { affine_link(-1, 1e6); }).find("idn::hw::affine_link: latency") == 0);
  CHECK(idn::test::error_of([] { affine_link(std::nan(""), 1e6); }).find("idn::hw::affine_link: latency") == 0);
  CHECK(idn::test::error_of([] { affine_link(0, 0); }).find("idn::hw::affine_link: rate") == 0);
  CHECK(idn::test::error_of([] { affine_link(0, -5); }).find("idn::hw::affine_link: rate") == 0);
  CHECK(idn::test::error_of([] { affine_link(0, 1e-310); }).find("8/rate (seconds per byte) overflows") != std::string::npos);
  CHECK(idn::test::error_of([] { affine_link(0, 1e6, -1); }).find("idn::hw::affine_link: transmit_power") == 0);
  const function_link f([](double b) noexcept { return 0.5 + b * b; });
  CHECK(f.transfer_time(3) == 9.5);
  static_assert(link_model<function_link<double (*)(double) noexcept>>);
  static_assert(!powered_link<function_link<double (*)(double) noexcept>>);
}
