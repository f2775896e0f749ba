// path/accuracy.hpp: the interpolation estimator (finish = estimate, sound dominance, bounds,
// monotone) and measured_table.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "idn/path.hpp"
#include "two_servers.hpp"

using namespace idn::path;
using idn::path::test::two_servers;

TEST_CASE("interpolation_estimator: finish = estimate bitwise, dominance is sound on random suffixes, bounds hold, monotone") {
  idn::rng g(74);
  for (int trial = 0; trial < 300; ++trial) {
    random_graph_options p;
    p.models = 2 + static_cast<std::size_t>(idn::uniform01(g) * 3), p.blocks = 2 + static_cast<std::size_t>(idn::uniform01(g) * 5), p.fanout = 2;
    p.extra_head_prob = 1.5;
    const block_graph bg(random_graph_spec(g, p));
    interpolation_estimator est;
    if (trial % 2) est.w = weight::depth;
    path_rules rules;
    rules.switch_budget = 3, rules.depth_slack = 0.999;
    std::vector<path> all;
    enumerate_paths(bg, 0, rules, [&](const path& q) { all.push_back(q); });
    for (const path& q : all) {
      const double a = est.estimate(bg, q);
      CHECK(a >= 0);
      CHECK(a <= 1);
      // Prefix bound: every completion of every prefix stays below bound().
      auto s = est.start(bg, 0);
      for (std::size_t i = 0; i < q.segments.size(); ++i) {
        if (i > 0) s = est.add_join(bg, s, q.joins[i - 1]);
        for (std::size_t k = q.segments[i].begin + 1; k <= q.segments[i].end; ++k) {
          CHECK(est.bound(bg, s, 0) >= a - 1e-15);
          s = est.add_block(bg, s, q.segments[i].model, k);
        }
      }
      CHECK(est.finish(bg, s, q.head) == a);
    }
    // Dominance soundness: random state pairs at random suffixes (n, d) with n/d in the anchor range.
    int dominating_pairs = 0;
    for (int k = 0; k < 300; ++k) {
      interpolation_estimator::state a = est.start(bg, 0), b = a;
      a.num = idn::uniform01(g) * 5, a.den = a.num / (a.alpha_min + (a.alpha_max - a.alpha_min) * idn::uniform01(g)) + 1e-3;
      b.num = idn::uniform01(g) * 5, b.den = b.num / (b.alpha_min + (b.alpha_max - b.alpha_min) * idn::uniform01(g)) + 1e-3;
      a.native = b.native = false, a.penalty = 0.02 * idn::uniform01(g), b.penalty = a.penalty + 0.01 * idn::uniform01(g);
      if (!est.dominates(bg, a, b)) continue;
      ++dominating_pairs;
      for (int s = 0; s < 20; ++s) {
        const double d = 5 * idn::uniform01(g), n = d * (a.alpha_min + (a.alpha_max - a.alpha_min) * idn::uniform01(g));
        const double fa = (a.num + n) / (a.den + d) - a.penalty, fb = (b.num + n) / (b.den + d) - b.penalty;
        CHECK(fa >= fb - 1e-12);
      }
    }
    CHECK(dominating_pairs > 0);
  }
  // Monotone in anchors and penalties.
  idn::rng h(75);
  const block_graph bg(random_graph_spec(h, {}));
  path_rules rules;
  rules.switch_budget = 2;
  std::vector<path> all;
  enumerate_paths(bg, 0, rules, [&](const path& q) { all.push_back(q); });
  interpolation_estimator lo, hi;
  for (std::size_t m = 0; m < bg.num_models(); ++m) lo.anchors.push_back(bg.spec().models[static_cast<std::size_t>(m)].accuracy * 0.9);
  hi.anchors = lo.anchors;
  hi.anchors[1] += 0.05;
  for (const path& q : all) CHECK(hi.estimate(bg, q) >= lo.estimate(bg, q));
}

TEST_CASE("measured_table overrides only measured paths; validation messages name field, index and value") {
  idn::rng h(76);
  const block_graph bg(random_graph_spec(h, {}));
  measured_table<> t;
  path_rules rules;
  std::vector<path> all;
  enumerate_paths(bg, 0, rules, [&](const path& q) { all.push_back(q); });
  REQUIRE(all.size() > 2);
  t.add(bg, all[1], 0.42);
  CHECK(t.estimate(bg, all[1]) == 0.42);
  CHECK(t.estimate(bg, all[0]) == t.fallback.estimate(bg, all[0]));
  CHECK(t.is_measured(all[1]));
  CHECK(t.upper_bound(bg, all[0], 0) >= 0.42);
  CHECK_THROWS_WITH_AS(t.add(bg, all[1], 0.5), doctest::Contains("conflicts"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(t.add(bg, all[2], 1.5), doctest::Contains("accuracy = 1.5"), idn::invalid_input);

  auto bad = [](auto mutate, const char* text) {
    graph_spec g = two_servers(1e9, 1e9, 1, 1e9);
    mutate(g);
    CHECK_THROWS_WITH_AS(block_graph{g}, doctest::Contains(text), idn::invalid_input);
  };
  bad([](graph_spec& g) { g.models[0].blocks[1].flops = -2.5e8; }, "idn::path::block_graph: models[0].blocks[1].flops = -2.5e+08: must be finite and > 0");
  bad([](graph_spec& g) { g.links[1].to = 7; }, "links[1].to = 7: unknown server (2 servers)");
  bad([](graph_spec& g) { g.links[1].to = 1; }, "links[1].to = 1: self-loop");
  bad([](graph_spec& g) { g.links.push_back(g.links[0]); }, "duplicate");
  bad([](graph_spec& g) { g.servers[0].capacity_flops = NAN; }, "servers[0].capacity_flops = nan");
  bad([](graph_spec& g) { g.servers.clear(); }, "servers.size() = 0");
  bad([](graph_spec& g) { g.models[0].accuracy = NAN; }, "models[0].accuracy = nan: must lie in [0,1]");
  bad([](graph_spec& g) { g.heads.clear(); }, "idn::path::block_graph: original heads of models[0] ('m') = 0: must be 1 (kind=original at boundary 2 with task 0)");
  bad([](graph_spec& g) { g.heads.push_back({0, 1, 0, head_kind::extra, 0, 0, 0.7, 0}); }, "heads[1].accuracy = 0.7: must be empty for kind=extra; use measured_table");
  bad([](graph_spec& g) { g.heads.push_back({0, 1, 0, head_kind::early_exit, 0, 0, std::nullopt, 0}); }, "idn::path::block_graph: heads[1].accuracy = empty: required for kind=early_exit");
  bad([](graph_spec& g) { g.connections.push_back({0, 1, 0, 0, 0, adapter_site::destination, 0}); }, "connections[0].to_boundary = 0: must be > from_boundary = 1 within models[0]");
  bad([](graph_spec& g) { g.connections.push_back({0, 0, 3, 0, 0, adapter_site::destination, 0}); }, "connections[0].to_model = 3: unknown model");
  bad([](graph_spec& g) { g.connections.push_back({0, 0, 0, 1, -1, adapter_site::destination, 0}); }, "connections[0].adapter_flops = -1");
  bad([](graph_spec& g) { g.services[0].arrival_rate = 0; }, "services[0].arrival_rate = 0");
  bad([](graph_spec& g) { g.services.push_back(g.services[0]); }, "services[1].model = 0: already used by services[0]");
  bad(
      [](graph_spec& g) {
        g.models.push_back({"n", 1, 1, 10, {{1e8, 10}, {1e8, 10}, {1e8, 10}}, 0.7});
        g.heads.push_back({1, 3, 1, head_kind::original, 0, 0, 0.7, 0});
        g.connections.push_back({0, 1, 1, 0, 0, adapter_site::destination, 0});
        g.connections.push_back({1, 2, 0, 0, 0, adapter_site::destination, 0});
      },
      "idn::path::block_graph: connections = models[0]@0 -> models[0]@1 -c0-> models[1]@0 -> models[1]@1 -> models[1]@2 -c1-> models[0]@0: must not form a cycle");
  bad(
      [](graph_spec& g) {
        g.links.pop_back();  // no 1 -> 0
        g.models.push_back({"n", 1, 1, 10, {{1e8, 10}}, 0.7});
        g.heads.push_back({1, 1, 1, head_kind::original, 0, 0, 0.7, 0});
        g.heads.push_back({1, 1, 0, head_kind::extra, 0, 0, std::nullopt, 0});
      },
      "idn::path::block_graph: heads[2] (server) = 1: needs a link to server 0, the home of task 0, to return results");
  // Paths and options.
  const block_graph ok(two_servers(1e9, 1e9, 1, 1e9));
  path p = original_path(ok, 0);
  p.segments[0].end = 3;
  CHECK_THROWS_WITH_AS(validate_path(ok, p, {}), doctest::Contains("idn::path::validate_path: segments[0] [begin, end) = [0, 3): must satisfy 0 <= begin <= end <= 2"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(original_path(ok, 4), doctest::Contains("service = 4: unknown service"), idn::invalid_input);
  capacity_options c;
  c.rho_bar = 1.5;
  CHECK_THROWS_WITH_AS(standalone_throughput(ok, 0, c), doctest::Contains("capacity.rho_bar = 1.5"), idn::invalid_input);
  search_options so;
  so.method = search_method::label_setting;
  so.eval.policy = split_policy::max_throughput;
  CHECK_THROWS_WITH_AS(best_path(ok, 0, interpolation_estimator{}, product_reward<power_utility, log_throughput>{}, so),
                       doctest::Contains("search_options.method = label_setting: requires a decomposable estimator and policy reward_optimal or serve_all"), idn::invalid_input);
  struct wild {
    double estimate(const block_graph&, const path&) const { return 1.3; }
  };
  CHECK_THROWS_WITH_AS(evaluate(ok, original_path(ok, 0), wild{}, product_reward<power_utility, log_throughput>{}, {}),
                       doctest::Contains("idn::path::evaluate: estimator(m[0..2] > h0) = 1.3: must lie in [0,1]"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(k_best(ok, 0, 0, interpolation_estimator{}, product_reward<power_utility, log_throughput>{}, {}), doctest::Contains("k = 0"),
                       idn::invalid_input);
}
