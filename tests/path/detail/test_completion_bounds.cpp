// The pieces behind branch and bound's pruning, each against enumeration on random graphs:
// completion bounds (the least load and the most block weight any completion still adds), the
// interpolation estimator's bound given that weight, and the scorer's quick bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "idn/path.hpp"
#include "../random_instance.hpp"

using namespace idn::path;
using idn::path::test::random_instance;

namespace {
constexpr int bound_graphs = idn::test::case_count(300, 2000);

/// Loads as one frame (server FLOPs, link bytes, link transfers) — completion_bounds' layout.
struct frame_load {
  std::vector<double> f;
  std::size_t S, E;
  frame_load(const block_graph& g) : f(static_cast<std::size_t>(g.num_servers() + 2 * g.num_links())), S(static_cast<std::size_t>(g.num_servers())), E(static_cast<std::size_t>(g.num_links())) {}
  double* L() { return f.data(); }
  double* b() { return f.data() + S; }
  double* n() { return f.data() + S + E; }
};
}  // namespace

TEST_CASE("completion bounds and the accuracy bound with the rest weight hold for every prefix of every enumerated path") {
  idn::rng g(4242);
  const interpolation_estimator work{}, depth{weight::depth, {}};
  std::size_t prefixes = 0, tight_load = 0;
  for (int trial = 0; trial < bound_graphs; ++trial) {
    const auto in = random_instance(g);
    const block_graph bg(in.spec);
    const interpolation_estimator& est = trial % 2 ? depth : work;
    detail::completion_bounds cb;
    cb.build(bg, 0, in.rules, [&](std::size_t m, std::size_t k) { return est.block_weight(bg, m, k); });
    enumerate_paths(bg, 0, in.rules, [&](const path& p) {
      const double A = est.estimate(bg, p);
      // The full path's load, then every prefix (after each move) against it.
      frame_load full(bg);
      {
        path_load L;
        compute_load_unchecked(bg, p, L);
        for (std::size_t i = 0; i < full.S; ++i) full.f[i] = L.server_flops[static_cast<Eigen::Index>(i)];
        for (std::size_t e = 0; e < full.E; ++e) full.f[full.S + e] = L.link_bytes[static_cast<Eigen::Index>(e)], full.f[full.S + full.E + e] = L.link_transfers[static_cast<Eigen::Index>(e)];
      }
      double total_weight = 0;
      for (const segment& s : p.segments)
        for (std::size_t k = s.begin + 1; k <= s.end; ++k) total_weight += est.block_weight(bg, s.model, k);
      frame_load pre(bg);
      auto s = est.start(bg, 0);
      double weight = 0;
      auto check_prefix = [&](std::size_t v, std::size_t left) {
        ++prefixes;
        CAPTURE(trial);
        REQUIRE(cb.reachable(v, left));
        const double* lb = cb.at(v, left);
        bool tight = true;
        for (std::size_t i = 0; i < pre.f.size(); ++i) {
          const double rest = full.f[i] - pre.f[i];
          REQUIRE(lb[i] <= rest + 1e-9 * std::max(1.0, std::abs(full.f[i])));
          tight = tight && lb[i] >= rest - 1e-9 * std::max(1.0, std::abs(full.f[i]));
        }
        tight_load += tight;
        const double rest_w = cb.rest_weight(v, left);
        REQUIRE(rest_w >= total_weight - weight - 1e-9 * std::max(1.0, total_weight));
        REQUIRE(est.bound_with_rest(bg, s, rest_w) >= A - 1e-12);
        REQUIRE(est.bound(bg, s, v) >= est.bound_with_rest(bg, s, rest_w) - 1e-12);
      };
      for (std::size_t i = 0; i < p.segments.size(); ++i) {
        const segment& sg = p.segments[i];
        const std::size_t left = in.rules.switch_budget - static_cast<std::size_t>(i);
        if (i > 0) {
          const segment& a = p.segments[i - 1];
          detail::step_join(bg, pre.L(), pre.b(), pre.n(), p.joins[i - 1], a.model, a.end, a.server, sg.model, sg.begin, sg.server);
          s = est.add_join(bg, s, p.joins[i - 1]);
        }
        check_prefix(bg.node(sg.model, sg.begin), left);
        for (std::size_t k = sg.begin + 1; k <= sg.end; ++k) {
          detail::step_block(bg, pre.L(), sg.server, sg.model, k);
          s = est.add_block(bg, s, sg.model, k);
          weight += est.block_weight(bg, sg.model, k);
          check_prefix(bg.node(sg.model, k), left);
        }
      }
    });
  }
  MESSAGE(prefixes << " prefixes checked; the load bound was exact on " << tight_load);
  CHECK(prefixes > 10 * static_cast<std::size_t>(bound_graphs));
  CHECK(tight_load > 0);  // the bound is not vacuous: it equals the rest for some prefixes
}

TEST_CASE("quick_bound >= the reward-optimal and max-throughput scores of every enumerated path (four stock product rewards)") {
  idn::rng g(4343);
  std::size_t checked = 0;
  auto run = [&](const auto& reward, const block_graph& bg, const path_rules& rules) {
    evaluation_options o;
    o.capacity.rho_bar = 0.9;
    using R = std::decay_t<decltype(reward)>;
    static_assert(detail::scorer<R>::has_quick_bound);
    detail::scorer<R> sc(bg, 0, reward, o, "test");
    const interpolation_estimator est{};
    split sp;
    path_load L;
    enumerate_paths(bg, 0, rules, [&](const path& p) {
      compute_load_unchecked(bg, p, L);
      const double a = est.estimate(bg, p), q = sc.quick_bound(L, a);
      const double opt = sc.score(L, a, split_policy::reward_optimal, sp), thr = sc.score(L, a, split_policy::max_throughput, sp);
      REQUIRE(q >= 0);
      if (std::isfinite(opt)) REQUIRE(q >= opt - 1e-12 * std::max(1.0, std::abs(opt)));
      if (std::isfinite(thr)) REQUIRE(q >= thr - 1e-12 * std::max(1.0, std::abs(thr)));
      ++checked;
    });
  };
  for (int trial = 0; trial < bound_graphs; ++trial) {
    const auto in = random_instance(g);
    const block_graph bg(in.spec);
    if (standalone_throughput(bg, 0, {0.9, 1, {}}) <= 0) continue;
    switch (trial % 4) {
      case 0: run(product_reward<power_utility, normalized_gain>{{2}, {}}, bg, in.rules); break;
      case 1: run(product_reward<exp_penalty_utility, log_throughput>{{20, 0.9}, {}}, bg, in.rules); break;
      case 2: run(product_reward<floor_utility, served_fraction>{{0.6}, {}}, bg, in.rules); break;
      default: run(product_reward<power_utility, served_fraction>{{0.5}, {}}, bg, in.rules);
    }
  }
  MESSAGE(checked << " paths checked");
  CHECK(checked > 3 * static_cast<std::size_t>(bound_graphs));
  static_assert(!detail::scorer<weighted_cost_v1>::has_quick_bound);  // reads delay, may be negative
}
