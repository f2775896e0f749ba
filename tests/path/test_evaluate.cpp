// path/evaluate.hpp: its scorer (this header's detail) against a grid over each inner
// optimizer's feasible set, and monotone in load and accuracy.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "idn/path.hpp"
#include "two_servers.hpp"

using namespace idn::path;
using idn::path::test::two_servers;

namespace {
/// The capacity constraints of service 0's split (x0, xp), checked from first principles: every
/// server the split uses below rho_bar (utilization by ps_delay), every link within its
/// bandwidth, the accuracy floor if any. An oracle independent of the split LP.
bool feasible(const block_graph& bg, const path_load& L, double x0, double xp, const operating_point& op, const evaluation_options& o) {
  if (op.status != idn::solve_status::feasible) return false;
  const Eigen::VectorXd u = ps_delay(bg, 0, L, x0, xp).utilization;
  const std::size_t home = bg.server_of(bg.spec().services[0].model);
  for (std::size_t srv = 0; srv < bg.num_servers(); ++srv)
    if ((srv == home || L.server_flops[srv] > 0) && !(u[static_cast<Eigen::Index>(srv)] <= o.capacity.rho_bar * (1 + 1e-12))) return false;
  for (std::size_t e = 0; e < bg.num_links(); ++e)
    if (!(8 * L.link_bytes[static_cast<Eigen::Index>(e)] * xp <= o.capacity.link_rho_bar * bg.spec().links[e].bandwidth_bps * (1 + 1e-12))) return false;
  return !o.capacity.min_avg_accuracy || op.avg_accuracy >= *o.capacity.min_avg_accuracy - 1e-12;
}
/// A random two-server graph (2-3 models, 2 services) and one of its paths, drawn from g: the
/// path's loads and interpolated accuracy.
struct random_split_case {
  block_graph bg;
  path_load L;
  double a = 0;
};
random_split_case draw_split_case(idn::rng& g) {
  random_graph_options p;
  p.models = 2 + static_cast<std::size_t>(idn::uniform01(g) * 2), p.servers = 2, p.fanout = 2, p.extra_head_prob = 1.5, p.services = 2;
  random_split_case c{block_graph(random_graph_spec(g, p)), {}, 0};
  std::vector<path> all;
  enumerate_paths(c.bg, 0, {}, [&](const path& q) { all.push_back(q); });
  const path& q = all[static_cast<std::size_t>(idn::uniform01(g) * static_cast<double>(all.size()))];
  c.L = compute_load(c.bg, q);
  c.a = interpolation_estimator{}.estimate(c.bg, q);
  return c;
}
/// The best reward r on a 101 x 101 grid over (x0, xp) ∈ [0, λ]², among the points within the
/// demand that pass feasible() under o; −inf if none.
template <class Scorer, class R>
double polygon_grid_max(const block_graph& bg, const path_load& L, double a, Scorer& sc, const R& r, const evaluation_options& o) {
  const double lam = bg.spec().services[0].arrival_rate;
  double grid = -INFINITY;
  for (int i = 0; i <= 100; ++i)
    for (int j = 0; j <= 100; ++j) {
      const double x0 = lam * i / 100, xp = lam * j / 100;
      const operating_point op = sc.point(L, a, x0, xp);
      if (x0 + xp <= lam * (1 + 1e-12) && feasible(bg, L, x0, xp, op, o)) grid = std::max(grid, r(op));
    }
  return grid;
}
}  // namespace

TEST_CASE("inner optimizers: reward_optimal and serve_all are >= the best of a 10^4-point grid over their feasible sets") {
  idn::rng g(77);
  for (int trial = 0; trial < 300; ++trial) {
    const random_split_case c = draw_split_case(g);
    const auto& [bg, L, a] = c;
    evaluation_options o;
    o.capacity.rho_bar = 0.9;
    if (trial % 3 == 0) o.capacity.min_avg_accuracy = 0.6;
    CAPTURE(trial);
    {  // reward_optimal over the polygon (grid over x0, xp filtered by the split LP's constraints)
      const product_reward<power_utility, log_throughput> r{{1 + 3 * idn::uniform01(g)}, {}};
      idn::path::detail::scorer<decltype(r)> sc(bg, 0, r, o, "test");
      split sp;
      const double s = sc.score(L, a, split_policy::reward_optimal, sp);
      const double grid = polygon_grid_max(bg, L, a, sc, r, o);
      CHECK(s >= grid - 1e-9 * std::max(1.0, std::abs(grid)));
    }
    {  // serve_all over x0 + xp = λ
      const weighted_cost_v1 r{1, 5 * idn::uniform01(g), idn::uniform01(g)};
      idn::path::detail::scorer<weighted_cost_v1> sc(bg, 0, r, o, "test");
      split sp;
      const double s = sc.score(L, a, split_policy::serve_all, sp);
      const double lam = bg.spec().services[0].arrival_rate;
      double grid = -INFINITY;
      for (int i = 0; i <= 10000; ++i) {
        const double xp = lam * i / 10000, x0 = lam * (10000 - i) / 10000;
        const operating_point op = sc.point(L, a, x0, xp);
        if (feasible(bg, L, x0, xp, op, o)) grid = std::max(grid, r(op));
      }
      if (std::isfinite(grid)) CHECK(s >= grid - 1e-9 * std::max(1.0, std::abs(grid)));
      else CHECK(s == -INFINITY);
    }
  }
}

namespace {
/// One random stock separable reward's check of reward_optimal_below against the golden-section
/// score and a 101 x 101 grid over the polygon. Returns whether the case was compared.
template <class R>
bool check_below(const block_graph& bg, const path_load& L, double a, const R& r, const evaluation_options& o) {
  idn::path::detail::scorer<R> sc(bg, 0, r, o, "test");
  evaluation_options inner = o;
  inner.capacity = sc.capacity();  // with a floor utility's implied floor
  split sp;
  const double s = sc.score(L, a, split_policy::reward_optimal, sp);
  const double sup = std::max(s, polygon_grid_max(bg, L, a, sc, r, inner));
  if (!(sup > 0)) return false;
  // 1e-4 above the supremum: every split scores below, so the test must say so (it has to
  // bisect the hull edges to get there). Below it, down to 0.8 sup: the optimum scores above the
  // cut, so it must never answer "below" (a piece bound that is too low fails here).
  CHECK(sc.reward_optimal_below(L, a, sup * (1 + 1e-4)));
  CHECK_FALSE(sc.reward_optimal_below(L, a, sup * (1 - 1e-7)));
  for (int k = 1; k <= 50; ++k) CHECK_FALSE(sc.reward_optimal_below(L, a, sup * (1 - 0.004 * k)));
  return true;
}
}  // namespace

TEST_CASE("reward_optimal_below: decides sup F over the polygon just above and just below it, against golden section and a grid") {
  idn::rng g(79);
  int compared = 0;
  for (int trial = 0; trial < 600; ++trial) {
    const random_split_case c = draw_split_case(g);
    const auto& [bg, L, a] = c;
    evaluation_options o;
    o.capacity.rho_bar = 0.5 + 0.5 * idn::uniform01(g);
    if (trial % 3 == 0) o.capacity.min_avg_accuracy = 0.6;
    CAPTURE(trial);
    // The exp penalty's kink at A_av = reference, between the two accuracies, puts the optimum
    // inside a hull edge (the case the bisection exists for).
    const double A_l = bg.spec().models[bg.spec().services[0].model].accuracy;
    const double ref = std::min(A_l, a) + idn::uniform01(g) * std::abs(A_l - a);
    switch (trial % 4) {
      case 0: compared += check_below(bg, L, a, product_reward<power_utility, normalized_gain>{{16 * idn::uniform01(g)}, {}}, o); break;
      case 1: compared += check_below(bg, L, a, product_reward<power_utility, log_throughput>{{1 + 15 * idn::uniform01(g)}, {}}, o); break;
      case 2: compared += check_below(bg, L, a, product_reward<exp_penalty_utility, served_fraction>{{60 * idn::uniform01(g), ref}, {}}, o); break;
      default: compared += check_below(bg, L, a, product_reward<floor_utility, normalized_gain>{{0.5 * idn::uniform01(g)}, {}}, o); break;
    }
  }
  CHECK(compared >= 500);
}

TEST_CASE("monotonicity: a lighter, more accurate path scores at least as high (reward_optimal, serve_all)") {
  idn::rng g(78);
  const interpolation_estimator est;
  int compared = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    random_graph_options p;
    p.models = 2 + static_cast<std::size_t>(idn::uniform01(g) * 2), p.servers = 1 + static_cast<std::size_t>(idn::uniform01(g) * 3), p.fanout = 2, p.extra_head_prob = 1.5;
    const block_graph bg(random_graph_spec(g, p));
    std::vector<path> all;
    enumerate_paths(bg, 0, {}, [&](const path& q) { all.push_back(q); });
    const path& q = all[static_cast<std::size_t>(idn::uniform01(g) * static_cast<double>(all.size()))];
    path_load b = compute_load(bg, q), a = b;
    const double Ab = est.estimate(bg, q) * (0.8 + 0.2 * idn::uniform01(g));
    const double Aa = std::min(1.0, Ab + 0.1 * idn::uniform01(g));
    a.server_flops *= idn::uniform01(g), a.link_bytes *= idn::uniform01(g), a.transfer_s *= idn::uniform01(g);
    evaluation_options o;
    o.capacity.rho_bar = 0.9;
    CAPTURE(trial);
    {
      const product_reward<exp_penalty_utility, served_fraction> r{{20, 0.9}, {}};
      idn::path::detail::scorer<decltype(r)> sc(bg, 0, r, o, "test");
      split s1, s2;
      CHECK(sc.score(a, Aa, split_policy::reward_optimal, s1) >= sc.score(b, Ab, split_policy::reward_optimal, s2) - 1e-9);
    }
    {
      const weighted_cost_v1 r{1, 5, 1};
      idn::path::detail::scorer<weighted_cost_v1> sc(bg, 0, r, o, "test");
      split s1, s2;
      const double fa = sc.score(a, Aa, split_policy::serve_all, s1), fb = sc.score(b, Ab, split_policy::serve_all, s2);
      CHECK(fa >= fb - 1e-9 * std::max(1.0, std::abs(fb)));
      ++compared;
    }
  }
  CHECK(compared == 2000);
}
