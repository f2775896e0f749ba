// partition/order.hpp: search_order (exhaustive and subset DP) against brute force over
// permutations × cuts.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/partition/brute_force.hpp"
#include "idn/partition/order.hpp"
#include "case_count.hpp"
#include "random_chain.hpp"

using namespace idn::partition;

TEST_CASE("search_order: exhaustive == subset_dp == brute force over permutations x cuts (2000 instances)") {
  idn::rng g(9301);
  const int n = idn::test::case_count(300, 2000);
  for (int rep = 0; rep < n; ++rep) {
    const auto inst = idn::test::make_random_chain(g, 8, 4);
    const chain_problem& p = inst.problem;
    for (const objective obj : {objective::bottleneck, objective::latency, objective::bottleneck_then_latency}) {
      CAPTURE(rep);
      CAPTURE(int(obj));
      const partition_result bf = brute_search_order(p, obj, inst.solve.allow_empty);
      const partition_result ex = search_order(p, {obj, order_method::exhaustive, inst.solve.allow_empty});
      const partition_result dp = search_order(p, {obj, order_method::subset_dp, inst.solve.allow_empty});
      REQUIRE(ex.status == bf.status);
      REQUIRE(dp.status == bf.status);
      if (bf.status != solve_status::optimal) continue;
      if (obj != objective::latency) {
        REQUIRE(ex.bottleneck_s == bf.bottleneck_s);
        REQUIRE(dp.bottleneck_s == bf.bottleneck_s);
      }
      if (obj != objective::bottleneck) {
        REQUIRE(idn::test::relatively_equal(ex.latency_s, bf.latency_s));
        REQUIRE(idn::test::relatively_equal(dp.latency_s, bf.latency_s));
      }
      // The relabelled workers form a permutation; input_local keeps worker 0 first.
      std::vector<int> seen(static_cast<std::size_t>(p.num_workers()), 0);
      for (const auto& s : dp.stages) ++seen[static_cast<std::size_t>(s.worker)];
      for (int c : seen) REQUIRE(c == 1);
      if (p.options().input_local) {
        REQUIRE(dp.stages.front().worker == 0);
        REQUIRE(ex.stages.front().worker == 0);
      }
    }
  }
  auto inst = idn::test::make_random_chain(g, 2, 4);
  while (inst.problem.num_layers() >= inst.problem.num_workers()) inst = idn::test::make_random_chain(g, 2, 4);
  CHECK_THROWS_WITH_AS(search_order(inst.problem, {objective::bottleneck, order_method::exhaustive, false}),
                       doctest::Contains("when allow_empty = false"), idn::invalid_input);
}
