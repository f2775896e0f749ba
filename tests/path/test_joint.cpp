// docs/path.md: joint_assign (column generation) equals maximize_lp over every enumerated
// column within 1e-7 on 500 instances with 2-3 services (half of them with accuracy floors); with
// one service it is at least the best single-path max-throughput split.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "approx.hpp"
#include "idn/path.hpp"

using namespace idn::path;

TEST_CASE("joint_assign equals the LP over all enumerated columns; one service: >= the best single path") {
  idn::rng g(91);
  const interpolation_estimator est;
  int converged = 0;
#ifdef IDN_TEST_LIGHT
  const int instances = 100;
#else
  const int instances = 500;
#endif
  for (int t = 0; t < instances; ++t) {
    random_graph_options p;
    p.models = 2 + static_cast<std::size_t>(idn::uniform01(g) * 3);
    p.blocks = 1 + static_cast<std::size_t>(idn::uniform01(g) * 4);
    p.servers = 1 + static_cast<std::size_t>(idn::uniform01(g) * 3);
    p.services = std::min<std::size_t>(p.models, 2 + static_cast<std::size_t>(idn::uniform01(g) * 2));
    p.fanout = 1 + static_cast<std::size_t>(idn::uniform01(g) * 2);
    p.extra_head_prob = 1.5;
    const block_graph bg(random_graph_spec(g, p));
    joint_options o;
    o.rules.switch_budget = 2;
    o.capacity.rho_bar = 0.9;
    if (t % 2) o.min_avg_accuracy.assign(static_cast<std::size_t>(p.services), 0.55);
    const joint_result r = joint_assign(bg, est, o);
    CAPTURE(t);
    REQUIRE(r.converged);
    converged += r.converged;
    // The full LP over every admissible column of every service.
    const std::size_t S = bg.num_servers(), E = bg.num_links(), Lc = p.services;
    const bool floors = !o.min_avg_accuracy.empty();
    const Eigen::Index m = S + E + Lc + (floors ? Lc : 0);
    std::vector<Eigen::VectorXd> cols;
    for (std::size_t l = 0; l < Lc; ++l)
      enumerate_paths(bg, l, o.rules, [&](const path& q) {
        const path_load L = compute_load(bg, q);
        Eigen::VectorXd a = Eigen::VectorXd::Zero(m);
        for (std::size_t s = 0; s < S; ++s) a[s] = L.server_flops[s];
        for (std::size_t e = 0; e < E; ++e) a[S + e] = 8 * L.link_bytes[e];
        a[S + E + l] = 1;
        if (floors) a[S + E + Lc + l] = 0.55 - est.estimate(bg, q);
        cols.push_back(a);
      });
    Eigen::MatrixXd A(m, static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) A.col(static_cast<Eigen::Index>(j)) = cols[j];
    Eigen::VectorXd b = Eigen::VectorXd::Zero(m);
    for (std::size_t s = 0; s < S; ++s) b[s] = 0.9 * bg.spec().servers[static_cast<std::size_t>(s)].capacity_flops - bg.spec().servers[static_cast<std::size_t>(s)].background_flops;
    for (std::size_t e = 0; e < E; ++e) b[S + e] = bg.spec().links[static_cast<std::size_t>(e)].bandwidth_bps;
    for (std::size_t l = 0; l < Lc; ++l) b[S + E + l] = bg.spec().services[static_cast<std::size_t>(l)].arrival_rate;
    const lp_result full = maximize_lp(A, b, Eigen::VectorXd::Ones(A.cols()));
    REQUIRE(full.status == solve_status::optimal);
    CHECK(r.throughput == idn::test::rel(full.objective).epsilon(1e-7));
    double rate = 0;
    for (const joint_flow& f : r.flows) rate += f.rate;
    CHECK(rate == idn::test::rel(r.throughput).epsilon(1e-9));
  }
  CHECK(converged == instances);
  // One service: at least the best single path's max-throughput split.
  for (int t = 0; t < 100; ++t) {
    random_graph_options p;
    p.models = 3, p.blocks = 4, p.servers = 2, p.services = 1, p.fanout = 2, p.extra_head_prob = 1.5;
    const block_graph bg(random_graph_spec(g, p));
    joint_options o;
    o.capacity.rho_bar = 0.9;
    const joint_result r = joint_assign(bg, est, o);
    double best = 0;
    enumerate_paths(bg, 0, o.rules, [&](const path& q) {
      best = std::max(best, max_throughput_split(bg, 0, compute_load(bg, q), est.estimate(bg, q), o.capacity).throughput);
    });
    CAPTURE(t);
    CHECK(r.throughput >= best * (1 - 1e-9));
  }
  CHECK_THROWS_WITH_AS(joint_assign(block_graph(random_graph_spec(g, {})), est, joint_options{{}, {}, {0.5, 0.5}, 10, 1e-9}),
                       doctest::Contains("min_avg_accuracy.size() = 2"), idn::invalid_input);
}

