// path/reward.hpp and the option checks: every bad reward or option names its field and value.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "idn/path.hpp"
#include "two_servers.hpp"

using namespace idn::path;
using idn::path::test::two_servers;

TEST_CASE("validation: reward and option checks name the field and value") {
  const block_graph ok(two_servers(1e9, 1e9, 1, 1e9));
  const path p0 = original_path(ok, 0);
  evaluation_options o;
  CHECK_THROWS_WITH_AS(evaluate(ok, p0, interpolation_estimator{}, product_reward<power_utility, log_throughput>{{-1}, {}}, o), doctest::Contains("kappa = -1"),
                       idn::invalid_input);
  CHECK_THROWS_WITH_AS(evaluate(ok, p0, interpolation_estimator{}, product_reward<exp_penalty_utility, log_throughput>{{-2, 0.5}, {}}, o),
                       doctest::Contains("beta = -2"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(evaluate(ok, p0, interpolation_estimator{}, product_reward<floor_utility, log_throughput>{{1.5}, {}}, o),
                       doctest::Contains("min_accuracy = 1.5"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(evaluate(ok, p0, interpolation_estimator{}, weighted_cost_v1{0, 0, 0}, o), doctest::Contains("must not all be zero"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(evaluate(ok, p0, interpolation_estimator{}, weighted_cost_v1{-1, 0, 0}, o), doctest::Contains("must be >= 0"), idn::invalid_input);
  o.max_mean_delay_s = 0;
  CHECK_THROWS_WITH_AS(evaluate(ok, p0, interpolation_estimator{}, weighted_cost_v1{}, o), doctest::Contains("max_mean_delay_s = 0"), idn::invalid_input);
  interpolation_estimator bad;
  bad.anchors = {0.5, 0.5};
  CHECK_THROWS_WITH_AS(best_path(ok, 0, bad, weighted_cost_v1{}, {}), doctest::Contains("anchors.size() = 2"), idn::invalid_input);
  search_options so;
  so.rules.switch_budget = max_switch_budget + 1;
  CHECK_THROWS_WITH_AS(best_path(ok, 0, interpolation_estimator{}, weighted_cost_v1{}, so), doctest::Contains("rules.switch_budget = 65: must be <= max_switch_budget = 64"),
                       idn::invalid_input);
  so = {};
  so.rules.depth_slack = 1;
  CHECK_THROWS_WITH_AS(count_paths(ok, 0, so.rules), doctest::Contains("rules.depth_slack = 1"), idn::invalid_input);
  // normalized_gain needs Th_0 > 0.
  graph_spec full = two_servers(1e9, 1e9, 1, 1e9);
  full.servers[0].background_flops = 1e9 * (1 - 1e-15);
  const block_graph zero(full);
  evaluation_options half;
  half.capacity.rho_bar = 0.5;
  CHECK_THROWS_WITH_AS(evaluate(zero, original_path(zero, 0), interpolation_estimator{}, product_reward<power_utility, normalized_gain>{}, half),
                       doctest::Contains("standalone_throughput = 0"), idn::invalid_input);
}
