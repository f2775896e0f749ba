// docs/path.md: the split (closed form = exact 2-variable LP =
// maximize_lp), maximize_lp against basis enumeration and Beale's cycling example, the PS delay
// against a FIFO simulation (M/M/1 means are insensitive to the discipline), estimator
// properties, and validation messages.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/LU>

#include "approx.hpp"
#include "idn/path.hpp"
#include "idn/sim/stats.hpp"

using namespace idn::path;

namespace {
/// One service on server 0 with W = 1e9 FLOP, a remote server 1, a duplex link; the path load is
/// set directly.
graph_spec two_servers(double cap0, double cap1, double lambda, double bw) {
  graph_spec g;
  g.servers = {{"a", cap0, 0}, {"b", cap1, 0}};
  add_duplex_link(g, 0, 1, bw, 1e-3);
  g.models.push_back({"m", 0, 0, 1000, {{5e8, 100}, {5e8, 100}}, 0.8});
  g.heads.push_back({0, 2, 0, head_kind::original, 0, 10, 0.8, 0});
  g.services.push_back({"s", 0, lambda});
  return g;
}
}  // namespace

TEST_CASE("split: closed form = exact 2-variable LP = maximize_lp (throughput) on 10^4 random cases") {
  idn::rng g(71);
  int closed = 0;
  for (int t = 0; t < 10000; ++t) {
    const double cap0 = 1e9 * (0.5 + 5 * idn::uniform01(g)), cap1 = 1e9 * (0.5 + 5 * idn::uniform01(g));
    const double lambda = 0.5 + 6 * idn::uniform01(g), bw = 1e5 * std::pow(1e4, idn::uniform01(g));
    const block_graph bg(two_servers(cap0, cap1, lambda, bw));
    path_load L;
    L.server_flops = Eigen::Vector2d(1e9 * idn::uniform01(g) * 1.5, 1e9 * idn::uniform01(g));
    L.link_bytes = Eigen::Vector2d(1e3 * idn::uniform01(g), 100);
    L.link_transfers = Eigen::Vector2d(1, 1);
    if (t % 7 == 0) L.server_flops[0] = 1e9;  // L_home = W: the closed form must step aside
    const double Ap = idn::uniform01(g);
    capacity_options o;
    o.rho_bar = 0.5 + 0.5 * idn::uniform01(g);
    if (t % 3 == 0) o.min_avg_accuracy = 0.8 * idn::uniform01(g) + 0.1;
    const split a = max_throughput_split(bg, 0, L, Ap, o), b = max_throughput_split_lp(bg, 0, L, Ap, o);
    CAPTURE(t);
    closed += a.closed_form;
    CHECK(a.throughput == idn::test::rel(b.throughput).epsilon(1e-12));
    if (a.closed_form) CHECK(a.x_path == idn::test::rel(b.x_path).epsilon(1e-9));
    // maximize_lp over the same constraints (rows: local, remote, link ×2, demand, floor).
    const double W = 1e9, R0 = o.rho_bar * cap0, R1 = o.rho_bar * cap1, Re = bw;
    Eigen::MatrixXd A(6, 2);
    Eigen::VectorXd rhs(6);
    A << W, L.server_flops[0], 0, L.server_flops[1], 0, 8 * L.link_bytes[0], 0, 8 * L.link_bytes[1], 1, 1, 0, 0;
    rhs << R0, R1, Re, Re, lambda, 0;
    if (o.min_avg_accuracy) A(5, 0) = -(0.8 - *o.min_avg_accuracy), A(5, 1) = -(Ap - *o.min_avg_accuracy);
    const lp_result lp = maximize_lp(A, rhs, Eigen::Vector2d(1, 1));
    REQUIRE(lp.status == solve_status::optimal);
    CHECK(lp.objective == idn::test::rel(b.throughput).epsilon(1e-9));
    // KKT: duals >= 0, Aᵀy >= c, complementary slackness.
    CHECK((lp.duals.array() >= -1e-12).all());
    const Eigen::VectorXd red = A.transpose() * lp.duals - Eigen::Vector2d(1, 1);
    CHECK((red.array() >= -1e-9).all());
    CHECK(std::abs(rhs.dot(lp.duals) - lp.objective) <= 1e-9 * std::max(1.0, lp.objective));
  }
  CHECK(closed > 3000);
}

TEST_CASE("maximize_lp equals the best feasible basis by enumeration (2,000 LPs); unbounded; Beale's example terminates") {
  idn::rng g(72);
  for (int t = 0; t < 2000; ++t) {
    const int n = 1 + static_cast<int>(idn::uniform01(g) * 4), m = 1 + static_cast<int>(idn::uniform01(g) * 5);
    Eigen::MatrixXd A(m, n);
    Eigen::VectorXd b(m), c(n);
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) A(i, j) = std::round(10 * (idn::uniform01(g) - 0.2));
      b[i] = idn::uniform01(g) < 0.2 ? 0 : std::round(10 * idn::uniform01(g));  // degenerate rows
    }
    for (int j = 0; j < n; ++j) c[j] = std::round(10 * (idn::uniform01(g) - 0.3));
    const lp_result r = maximize_lp(A, b, c);
    CAPTURE(t);
    // Enumerate every basis of [A | I] (choose m of n + m columns), keep feasible vertices.
    const int N = n + m;
    Eigen::MatrixXd F(m, N);
    F << A, Eigen::MatrixXd::Identity(m, m);
    double best = -INFINITY;
    for (unsigned mask = 0; mask < (1u << N); ++mask) {
      if (__builtin_popcount(mask) != m) continue;
      Eigen::MatrixXd Bm(m, m);
      std::vector<int> cols;
      for (int j = 0; j < N; ++j)
        if (mask >> j & 1) cols.push_back(j);
      for (int k = 0; k < m; ++k) Bm.col(k) = F.col(cols[static_cast<std::size_t>(k)]);
      Eigen::FullPivLU<Eigen::MatrixXd> lu(Bm);
      if (!lu.isInvertible()) continue;
      const Eigen::VectorXd xb = lu.solve(b);
      if ((xb.array() < -1e-9).any()) continue;
      double obj = 0;
      for (int k = 0; k < m; ++k)
        if (cols[static_cast<std::size_t>(k)] < n) obj += c[cols[static_cast<std::size_t>(k)]] * xb[k];
      best = std::max(best, obj);
    }
    if (r.status == solve_status::optimal) {
      CHECK(r.objective == idn::test::rel(best).epsilon(1e-9).scale(1));
      CHECK(((A * r.x).array() <= b.array() + 1e-9).all());
    } else {
      CHECK(r.status == solve_status::unbounded);
      // Unbounded: some column with c_j > 0 and A_j <= 0 exists or a ray; at least check the best vertex is finite.
      bool ray = false;
      for (int j = 0; j < n; ++j) ray = ray || (c[j] > 0 && (A.col(j).array() <= 0).all());
      if (ray) CHECK(r.status == solve_status::unbounded);
    }
  }
  // Beale (1955): cycles under the textbook largest-coefficient rule; Bland's rule terminates.
  Eigen::MatrixXd A(3, 4);
  A << 0.25, -60, -0.04, 9, 0.5, -90, -0.02, 3, 0, 0, 1, 0;
  const lp_result r = maximize_lp(A, Eigen::Vector3d(0, 0, 1), Eigen::Vector4d(0.75, -150, 0.02, -6));
  CHECK(r.status == solve_status::optimal);
  CHECK(r.objective == idn::test::rel(0.05).epsilon(1e-12));
  CHECK(maximize_lp(Eigen::MatrixXd::Zero(1, 1), Eigen::VectorXd::Ones(1), Eigen::VectorXd::Ones(1)).status == solve_status::unbounded);
}

TEST_CASE("ps_delay: one server = M/M/1 (PS and FIFO share the mean), checked against a Lindley simulation") {
  for (const double u : {0.3, 0.7}) {
    const double cap = 2e9, W = 1e9, lambda = u * cap / W;
    const block_graph bg(two_servers(cap, 1e9, lambda, 1e9));
    const path_load L = compute_load(bg, original_path(bg, 0));
    const delay_result d = ps_delay(bg, 0, L, lambda, 0);
    CHECK(d.utilization[0] == idn::test::rel(u).epsilon(1e-12));
    idn::rng g(73);
#ifdef IDN_TEST_LIGHT
    const int n = 200'000;
#else
    const int n = 1'000'000;
#endif
    // FIFO M/M/1 by Lindley's recursion, 50 batch means.
    std::vector<double> sojourn(static_cast<std::size_t>(n));
    double wait = 0;
    for (int i = 0; i < n; ++i) {
      const double s = idn::standard_exponential(g) * W / cap, a = idn::standard_exponential(g) / lambda;
      sojourn[static_cast<std::size_t>(i)] = wait + s;
      wait = std::max(0.0, wait + s - a);
    }
    const idn::sim::batch_means_result bm = idn::sim::batch_means(sojourn, 50);
    const double mean = bm.mean, se = bm.std_error;
    CAPTURE(u);
    CHECK(std::abs(d.mean_delay_s - mean) <= std::max(4 * se, 0.01 * mean));
    // Overload is reported, not NaN.
    const delay_result over = ps_delay(bg, 0, L, 3 * lambda / u, 0);
    CHECK(over.status == idn::solve_status::unstable);
    CHECK(std::isinf(over.mean_delay_s));
  }
}

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

TEST_CASE("inner optimizers: reward_optimal and serve_all are >= the best of a 10^4-point grid over their feasible sets") {
  idn::rng g(77);
  const interpolation_estimator est;
  for (int trial = 0; trial < 300; ++trial) {
    random_graph_options p;
    p.models = 2 + static_cast<std::size_t>(idn::uniform01(g) * 2), p.servers = 2, p.fanout = 2, p.extra_head_prob = 1.5, p.services = 2;
    const block_graph bg(random_graph_spec(g, p));
    std::vector<path> all;
    enumerate_paths(bg, 0, {}, [&](const path& q) { all.push_back(q); });
    const path& q = all[static_cast<std::size_t>(idn::uniform01(g) * static_cast<double>(all.size()))];
    const path_load L = compute_load(bg, q);
    const double a = est.estimate(bg, q);
    evaluation_options o;
    o.capacity.rho_bar = 0.9;
    if (trial % 3 == 0) o.capacity.min_avg_accuracy = 0.6;
    CAPTURE(trial);
    {  // reward_optimal over the polygon (grid over x0, xp filtered by the split LP's constraints)
      const product_reward<power_utility, log_throughput> r{{1 + 3 * idn::uniform01(g)}, {}};
      idn::path::detail::scorer<decltype(r)> sc(bg, 0, r, o, "test");
      split sp;
      const double s = sc.score(L, a, split_policy::reward_optimal, sp);
      const auto P = idn::path::detail::make_split_problem(bg, 0, L, a, o.capacity);
      const double lam = bg.spec().services[0].arrival_rate;
      double grid = -INFINITY;
      for (int i = 0; i <= 100; ++i)
        for (int j = 0; j <= 100; ++j) {
          const double x0 = lam * i / 100, xp = lam * j / 100;
          bool ok = true;
          for (int h = 0; h < P.count && ok; ++h) ok = P.h[h].a0 * x0 + P.h[h].ap * xp <= P.h[h].rhs * (1 + 1e-12) + 1e-300;
          if (ok) grid = std::max(grid, r(sc.point(L, a, x0, xp)));
        }
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
        Eigen::VectorXd u = ps_delay(bg, 0, L, x0, xp).utilization;
        bool ok = op.status == idn::solve_status::feasible;
        const std::size_t home = bg.server_of(bg.spec().services[0].model);
        for (std::size_t srv = 0; srv < bg.num_servers() && ok; ++srv)
          if (srv == home || L.server_flops[srv] > 0) ok = u[srv] <= 0.9 * (1 + 1e-12);
        for (std::size_t e = 0; e < bg.num_links() && ok; ++e) ok = 8 * L.link_bytes[e] * xp <= bg.spec().links[static_cast<std::size_t>(e)].bandwidth_bps * (1 + 1e-12);
        if (ok && o.capacity.min_avg_accuracy) ok = op.avg_accuracy >= *o.capacity.min_avg_accuracy - 1e-12;
        if (ok) grid = std::max(grid, r(op));
      }
      if (std::isfinite(grid)) CHECK(s >= grid - 1e-9 * std::max(1.0, std::abs(grid)));
      else CHECK(s == -INFINITY);
    }
  }
}

TEST_CASE("monotonicity: a lighter, more accurate path scores at least as high (reward_optimal, serve_all); baselines") {
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
  // Baselines: mirror offload = evaluate of its documented path; zero host residual = zero gain.
  graph_spec spec = two_servers(1e9, 4e9, 3, 1e9);
  spec.models.push_back({"helper", 1, 1, 1000, {{3e8, 100}, {3e8, 100}}, 0.7});
  spec.heads.push_back({1, 2, 1, head_kind::original, 0, 10, 0.7, 0});
  spec.heads.push_back({1, 2, 0, head_kind::extra, 1e6, 10, std::nullopt, 0.01});
  spec.connections.push_back({0, 1, 1, 1, 1e6, adapter_site::destination, 0.01});
  const product_reward<power_utility, normalized_gain> r{{1}, {}};
  evaluation_options o;
  {
    const block_graph bg(spec);
    const path mirror{0, {{0, 0, 0, 0}, {0, 0, 2, 1}}, {handoff}, 0};
    const evaluation_result m = full_offload(bg, 0, est, r, o, offload_mode::mirror_model), e = evaluate(bg, mirror, est, r, o);
    CHECK(key_of(m.p) == key_of(mirror));
    CHECK(m.score == e.score);
    const search_result best = best_path(bg, 0, est, r, {});
    CHECK(best.best.point.throughput > best.original.point.throughput);  // the helper has spare capacity
  }
  spec.servers[1].background_flops = 4e9 * (1 - 1e-12);  // the host is full: zero residual
  {
    const block_graph bg(spec);
    const search_result best = best_path(bg, 0, est, r, {});
    CHECK(best.best.point.throughput == idn::test::rel(best.original.point.throughput).epsilon(1e-9));
    CHECK(best.best.flows.x_path == doctest::Approx(0).epsilon(1e-9));
  }
  // Edgent equals a brute-force scan of (exit, split, server) under its latency bound.
  spec.heads.push_back({0, 1, 0, head_kind::early_exit, 1e5, 10, 0.5, 0});
  const block_graph bg(spec);
  const double bound = 0.6;  // excludes the all-local original (1 s) and the split after block 1
  const evaluation_result ed = edgent_baseline(bg, 0, est, r, o, {bound});
  double best_acc = -1, best_lat = 0;
  for (const path& q : {path{0, {{0, 0, 1, 0}}, {}, 3}, path{0, {{0, 0, 2, 0}}, {}, 0}, path{0, {{0, 0, 0, 0}, {0, 0, 1, 1}}, {handoff}, 3},
                        path{0, {{0, 0, 1, 0}, {0, 1, 2, 1}}, {handoff}, 0}, path{0, {{0, 0, 0, 0}, {0, 0, 2, 1}}, {handoff}, 0}}) {
    const double lat = unloaded_latency_s(bg, compute_load(bg, q)), acc = *bg.spec().heads[static_cast<std::size_t>(q.head)].accuracy;
    if (lat <= bound && (acc > best_acc || (acc == best_acc && lat < best_lat))) best_acc = acc, best_lat = lat;
  }
  CHECK(ed.path_accuracy == best_acc);
  CHECK(unloaded_latency_s(bg, ed.load) == best_lat);
}

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

namespace {
/// Event-driven processor sharing with exponential work: n jobs share rate μ equally. Jobs of
/// the "path" class visit server 0 (work w0), then wait a constant transfer X, then server 1
/// (work w1); "original" jobs visit server 0 only (work W). Returns the per-class mean sojourn.
struct ps_result {
  double original, path, original_se, path_se;
};
ps_result simulate_ps(double mu0, double mu1, double x0, double xp, double W, double w0, double w1, double X, int n, std::uint64_t seed) {
  idn::rng g(seed);
  auto expo = [&](double mean) { return idn::standard_exponential(g) * mean; };
  struct job {
    double remaining, start;
    int cls, id;
  };
  std::vector<job> s0, s1;
  std::vector<std::pair<double, job>> transfer;  // (arrival time at server 1, job)
  double now = 0, next_arrival = expo(1 / (x0 + xp));
  std::vector<double> so, sp;  // sojourns per class, in completion order
  int arrived = 0, finished = 0;
  auto advance = [&](std::vector<job>& q, double mu, double dt) {
    if (q.empty()) return;
    const double each = mu * dt / static_cast<double>(q.size());
    for (job& j : q) j.remaining -= each;
  };
  auto record = [&](const job& j) {
    if (j.id >= n / 10) (j.cls == 0 ? so : sp).push_back(now - j.start);  // the first 10 % is warm-up
    ++finished;
  };
  while (finished < n) {
    // Next event: arrival, a completion at either server, or a transfer landing.
    double t_arr = arrived < n ? next_arrival : INFINITY, t0 = INFINITY, t1 = INFINITY, tt = INFINITY;
    std::size_t i0 = 0, i1 = 0, it = 0;
    for (std::size_t i = 0; i < s0.size(); ++i)
      if (const double t = now + s0[i].remaining * static_cast<double>(s0.size()) / mu0; t < t0) t0 = t, i0 = i;
    for (std::size_t i = 0; i < s1.size(); ++i)
      if (const double t = now + s1[i].remaining * static_cast<double>(s1.size()) / mu1; t < t1) t1 = t, i1 = i;
    for (std::size_t i = 0; i < transfer.size(); ++i)
      if (transfer[i].first < tt) tt = transfer[i].first, it = i;
    const double t = std::min({t_arr, t0, t1, tt});
    advance(s0, mu0, t - now), advance(s1, mu1, t - now);
    now = t;
    if (t == t_arr) {
      const int cls = idn::uniform01(g) < xp / (x0 + xp) ? 1 : 0;
      s0.push_back({expo(cls == 0 ? W : w0), now, cls, arrived++});
      next_arrival = now + expo(1 / (x0 + xp));
    } else if (t == t0) {
      const job j = s0[i0];
      s0.erase(s0.begin() + static_cast<std::ptrdiff_t>(i0));
      if (j.cls == 0) record(j);
      else transfer.push_back({now + X, j});
    } else if (t == t1) {
      const job j = s1[i1];
      s1.erase(s1.begin() + static_cast<std::ptrdiff_t>(i1));
      record(j);
    } else {
      job j = transfer[it].second;
      transfer.erase(transfer.begin() + static_cast<std::ptrdiff_t>(it));
      j.remaining = expo(w1);
      s1.push_back(j);
    }
  }
  const idn::sim::batch_means_result o = idn::sim::batch_means(so, 45), q = idn::sim::batch_means(sp, 45);
  ps_result r{o.mean, q.mean, o.std_error, q.std_error};
  return r;
}
}  // namespace

TEST_CASE("ps_delay: two linked servers against a processor-sharing simulation (u in {0.3, 0.7})") {
#ifdef IDN_TEST_LIGHT
  const int n = 100'000;
#else
  const int n = 1'000'000;
#endif
  for (const double u : {0.3, 0.7}) {
    // Server 0: the original model (W = 1e9) plus the path's first part; server 1: the rest.
    graph_spec spec = two_servers(2e9, 2e9, 1, 1e9);
    spec.models.push_back({"helper", 1, 1, 1000, {{4e8, 5000}, {4e8, 100}}, 0.7});
    spec.heads.push_back({1, 2, 1, head_kind::original, 0, 10, 0.7, 0});
    spec.heads.push_back({1, 2, 0, head_kind::extra, 2e8, 10, std::nullopt, 0});
    spec.connections.push_back({0, 1, 1, 1, 0, adapter_site::destination, 0});
    // Split λ: x0 = 40 % on the original, xp = 60 % on the path; scale λ so server 0's u = target.
    const block_graph probe(spec);
    const path p{0, {{0, 0, 1, 0}, {1, 1, 2, 1}}, {0}, 2};
    const path_load L = compute_load(probe, p);
    const double W = probe.service_flops(0), lam = u * 2e9 / (0.4 * W + 0.6 * L.server_flops[0]);
    const double x0 = 0.4 * lam, xp = 0.6 * lam;
    const delay_result d = ps_delay(probe, 0, L, x0, xp);
    REQUIRE(d.status == idn::solve_status::feasible);
    CHECK(d.utilization[0] == idn::test::rel(u).epsilon(1e-12));
    const ps_result sim = simulate_ps(2e9, 2e9, x0, xp, W, L.server_flops[0], L.server_flops[1], L.transfer_s, n, 79);
    CAPTURE(u);
    CHECK(std::abs(sim.original - d.original_delay_s) <= std::max(4 * sim.original_se, 0.01 * d.original_delay_s));
    CHECK(std::abs(sim.path - d.path_delay_s) <= std::max(4 * sim.path_se, 0.01 * d.path_delay_s));
  }
}
