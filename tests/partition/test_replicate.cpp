// partition/replicate.hpp: min_bottleneck_replicated against brute force over cuts × replicas;
// never worse than the plain one-worker solve.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "idn/partition/brute_force.hpp"
#include "idn/partition/replicate.hpp"
#include "idn/partition/solve.hpp"
#include "random_chain.hpp"

using namespace idn::partition;

TEST_CASE("replication == brute force over cuts x replicas (1000 instances); never worse than M distinct workers") {
  idn::rng g(9302);
  int solved = 0;  // instances with a plan: the comparisons below ran on them
  for (int rep = 0; rep < 1000; ++rep) {
    auto inst = idn::test::make_random_chain(g, 8, 1);
    const chain_problem& p = inst.problem;
    const std::size_t M = 1 + static_cast<std::size_t>(g() % 5);
    const partition_result a = min_bottleneck_replicated(p, M), b = brute_replicated(p, M);
    CAPTURE(rep);
    REQUIRE(a.status == b.status);
    if (a.status != solve_status::optimal) continue;
    ++solved;
    REQUIRE(a.bottleneck_s == b.bottleneck_s);
    int used = 0;
    for (const auto& s : a.stages) {
      used += s.replicas;
      REQUIRE(s.first < s.last);
    }
    REQUIRE(used <= M);
    // One copy: replication is the plain one-worker solve.
    if (M == 1) REQUIRE(a.bottleneck_s == min_bottleneck(p).bottleneck_s);
    // More copies never hurt.
    REQUIRE(a.bottleneck_s <= min_bottleneck_replicated(p, 1).bottleneck_s);
  }
  CHECK(solved >= 200);  // 276 of the 1000 have a plan; the others are infeasible and compare only their status
  CHECK_THROWS_AS(min_bottleneck_replicated(idn::test::make_random_chain(g, 4, 1).problem, 0), idn::invalid_input);
}

TEST_CASE("replication: the bisection over replica counts equals the exhaustive O(M) scan of every (m, j, i) (300 instances, M up to 64)") {
  idn::rng g(9303);
  int solved = 0;
  for (int rep = 0; rep < 300; ++rep) {
    auto inst = idn::test::make_random_chain(g, 8, 1);
    const chain_problem& p = inst.problem;
    const std::size_t L = p.num_layers(), M = 1 + static_cast<std::size_t>(g() % 64), stride = L + 1;
    // The DP with every replica count tried: the reference the bisection must match bit for bit.
    std::vector<double> A((M + 1) * stride, inf);
    for (std::size_t m = 0; m <= M; ++m) A[m * stride] = 0;
    for (std::size_t m = 1; m <= M; ++m)
      for (std::size_t j = 1; j <= L; ++j)
        for (std::size_t i = 0; i < j; ++i) {
          const double pi = p.period(0, i, j);
          if (!(pi < inf)) continue;
          for (std::size_t r = 1; r <= m; ++r) A[m * stride + j] = std::min(A[m * stride + j], std::max(A[(m - r) * stride + i], pi / static_cast<double>(r)));
        }
    const partition_result a = min_bottleneck_replicated(p, M);
    CAPTURE(rep);
    CAPTURE(M);
    REQUIRE((a.status == solve_status::optimal) == (A[M * stride + L] < inf));
    if (a.status != solve_status::optimal) continue;
    REQUIRE(a.bottleneck_s == std::max(p.fixed_period(), A[M * stride + L]));  // the plan's fixed period (the source link) is not replicated
    ++solved;
  }
  CHECK(solved >= 60);
}
