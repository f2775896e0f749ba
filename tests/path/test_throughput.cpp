// path/throughput.hpp: the split (closed form = exact 2-variable LP = maximize_lp) on random cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/path.hpp"
#include "two_servers.hpp"

using namespace idn::path;
using idn::path::test::two_servers;

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
