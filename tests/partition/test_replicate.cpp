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
