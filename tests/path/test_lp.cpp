// path/lp.hpp: maximize_lp against the best feasible basis by enumeration, unbounded LPs and
// Beale's cycling example.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/LU>

#include "approx.hpp"
#include "idn/path.hpp"
#include "two_servers.hpp"

using namespace idn::path;
using idn::path::test::two_servers;

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
