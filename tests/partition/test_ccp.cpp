// docs/partition.md solver test 3: ccp_nicol == ccp_probe_bisect == min_bottleneck(pure_sum_oracle),
// the exact ratio equals the DP value, the cuts achieve it; small instances vs brute force.
#include <doctest/doctest.h>

#include <vector>

#include "idn/core/random.hpp"
#include "idn/partition/brute_force.hpp"
#include "idn/partition/ccp.hpp"
#include "idn/partition/solve.hpp"

using namespace idn::partition;

namespace {
struct ccp_instance { std::vector<double> flop, speed; };
ccp_instance random_ccp(idn::rng& g, std::size_t max_L, std::size_t max_K) {
  ccp_instance c;
  const std::size_t L = 1 + static_cast<std::size_t>(g() % static_cast<std::uint64_t>(max_L)), K = 1 + static_cast<std::size_t>(g() % static_cast<std::uint64_t>(max_K));
  for (std::size_t l = 0; l < L; ++l) c.flop.push_back(static_cast<double>(g() % 1000001));
  for (int r = 0; r < 3 && L > 2; ++r) {  // runs of zeros
    const auto at = static_cast<std::size_t>(g() % static_cast<std::uint64_t>(L)), len = 1 + g() % 5;
    for (std::size_t l = at; l < std::min<std::size_t>(c.flop.size(), at + len); ++l) c.flop[l] = 0;
  }
  if (g() % 2) c.flop[g() % static_cast<std::uint64_t>(L)] = 1000000.0 * static_cast<double>(L);  // one dominant layer (≤ 2^53)
  const bool equal = g() % 2;
  const double common = static_cast<double>(1 + g() % 1000);
  for (std::size_t k = 0; k < K; ++k) c.speed.push_back(equal ? common : static_cast<double>(1 + g() % 1000));
  return c;
}
// The bottleneck of a cut vector as an exact check: max W/σ evaluated like the oracle.
double realized(const ccp_instance& c, const std::vector<std::size_t>& cuts) {
  double worst = 0;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    double w = 0;
    for (std::size_t l = cuts[k]; l < cuts[k + 1]; ++l) w += c.flop[static_cast<std::size_t>(l)];
    worst = std::max(worst, w / c.speed[k]);
  }
  return worst;
}
}  // namespace

TEST_CASE("CCP: nicol == probe_bisect == DP on pure sums, bitwise; exact ratio; cuts achieve it (3000 instances)") {
  idn::rng g(9201);
#ifdef IDN_TEST_LIGHT
  const int n = 300;
#else
  const int n = 3000;
#endif
  partition_workspace ws;
  for (int rep = 0; rep < n; ++rep) {
    const ccp_instance c = random_ccp(g, 300, 32);
    const ccp_result a = ccp_nicol(c.flop, c.speed), b = ccp_probe_bisect(c.flop, c.speed);
    const partition_result dp = min_bottleneck(pure_sum_oracle(c.flop, c.speed), {}, ws);
    CAPTURE(rep);
    REQUIRE(dp.status == solve_status::optimal);
    REQUIRE(a.bottleneck_s == dp.bottleneck_s);
    REQUIRE(b.bottleneck_s == dp.bottleneck_s);
    REQUIRE(a.bottleneck_flop * b.bottleneck_speed == b.bottleneck_flop * a.bottleneck_speed);  // same exact ratio
    REQUIRE(static_cast<double>(a.bottleneck_flop) / static_cast<double>(a.bottleneck_speed) == dp.bottleneck_s);
    REQUIRE(realized(c, a.cuts) == dp.bottleneck_s);
    REQUIRE(realized(c, b.cuts) == dp.bottleneck_s);
    REQUIRE(a.cuts.size() == c.speed.size() + 1);
  }
}

TEST_CASE("CCP: small instances vs brute force (500)") {
  idn::rng g(9202);
  for (int rep = 0; rep < 500; ++rep) {
    const ccp_instance c = random_ccp(g, 12, 4);
    const pure_sum_oracle o(c.flop, c.speed);
    const partition_result bf = brute_min_bottleneck(o);
    REQUIRE(ccp_nicol(c.flop, c.speed).bottleneck_s == bf.bottleneck_s);
    REQUIRE(ccp_probe_bisect(c.flop, c.speed).bottleneck_s == bf.bottleneck_s);
  }
}

TEST_CASE("CCP: bad input") {
  const std::vector<double> ok{1, 2, 3}, speeds{1, 2};
  CHECK_THROWS_WITH_AS(ccp_nicol(std::vector<double>{1, 2.5}, speeds), doctest::Contains("flop[1] = 2.5"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(ccp_nicol(ok, std::vector<double>{1, 0}), doctest::Contains("speed_flops[1] = 0"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(ccp_probe_bisect(std::vector<double>{1e16}, speeds), doctest::Contains("2^53"), idn::invalid_input);
  CHECK_THROWS_AS(ccp_probe_bisect({}, speeds), idn::invalid_input);
  std::vector<double> big(1100, 9007199254740992.0);
  CHECK_THROWS_WITH_AS(ccp_nicol(big, speeds), doctest::Contains("sum of flop"), idn::invalid_input);
}
