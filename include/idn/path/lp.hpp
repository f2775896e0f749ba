#pragma once
/// A small exact LP solver with no external dependency (docs/path.md lp.hpp, §4.3):
/// max cᵀx subject to Ax ≤ b, x ≥ 0, with b ≥ 0 so that x = 0 is a feasible start. Single-phase
/// dense tableau simplex with Bland's rule (smallest-index entering and leaving variables), which
/// never cycles. Duals are read from the final objective row. O(pivots·m·n).
#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>

#include "idn/core/solve_status.hpp"
#include "idn/path/graph.hpp"

namespace idn::path {

using idn::solve_status;

/// status: optimal, unbounded (objective +inf) or iteration_limit (max_pivots reached).
struct lp_result {
  solve_status status = solve_status::optimal;
  double objective = 0;
  Eigen::VectorXd x, duals;  ///< primal (n), row duals (m, ≥ 0)
  std::size_t pivots = 0;
};

/// max cᵀx s.t. Ax ≤ b, x ≥ 0 (b ≥ 0) by the simplex method above. O(pivots·m·n).
inline lp_result maximize_lp(const Eigen::MatrixXd& A, const Eigen::VectorXd& b, const Eigen::VectorXd& c, std::size_t max_pivots = 100000) {
  const Eigen::Index m = A.rows(), n = A.cols();
  if (b.size() != m) detail::fail("maximize_lp", "b.size()", b.size(), concat("must equal A.rows() = ", m));
  if (c.size() != n) detail::fail("maximize_lp", "c.size()", c.size(), concat("must equal A.cols() = ", n));
  for (Eigen::Index i = 0; i < m; ++i)
    if (!(b[i] >= 0) || !std::isfinite(b[i])) detail::fail("maximize_lp", concat("b[", i, "]"), b[i], "must be finite and >= 0");
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      if (!std::isfinite(A(i, j))) detail::fail("maximize_lp", concat("A(", i, ",", j, ")"), A(i, j), "must be finite");
  for (Eigen::Index j = 0; j < n; ++j)
    if (!std::isfinite(c[j])) detail::fail("maximize_lp", concat("c[", j, "]"), c[j], "must be finite");
  // Tableau rows 0..m−1: [A | I | b]; row m: reduced costs [−c | 0 | z].
  const Eigen::Index cols = n + m + 1;
  Eigen::MatrixXd T = Eigen::MatrixXd::Zero(m + 1, cols);
  T.topLeftCorner(m, n) = A;
  T.block(0, n, m, m).setIdentity();
  T.col(cols - 1).head(m) = b;
  T.row(m).head(n) = -c.transpose();
  Eigen::VectorXi basis(m);
  for (Eigen::Index i = 0; i < m; ++i) basis[i] = static_cast<int>(n + i);
  double scale = 1;
  for (Eigen::Index j = 0; j < n; ++j) scale = std::max(scale, std::abs(c[j]));
  const double tol = 1e-12 * scale;
  lp_result r;
  while (true) {
    Eigen::Index enter = -1;
    for (Eigen::Index j = 0; j < n + m; ++j)
      if (T(m, j) < -tol) {
        enter = j;
        break;
      }
    if (enter < 0) break;
    if (r.pivots == max_pivots) {
      r.status = solve_status::iteration_limit;
      break;
    }
    double best = std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < m; ++i)
      if (T(i, enter) > 1e-12) best = std::min(best, T(i, cols - 1) / T(i, enter));
    Eigen::Index leave = -1;  // Bland: among the minimum ratios, the smallest basic variable
    for (Eigen::Index i = 0; i < m; ++i)
      if (T(i, enter) > 1e-12 && T(i, cols - 1) / T(i, enter) <= best + 1e-12 * std::max(1.0, best) && (leave < 0 || basis[i] < basis[leave])) leave = i;
    if (leave < 0) {
      r.status = solve_status::unbounded;
      break;
    }
    T.row(leave) /= T(leave, enter);
    for (Eigen::Index i = 0; i <= m; ++i)
      if (i != leave && T(i, enter) != 0) T.row(i) -= T(i, enter) * T.row(leave);
    basis[leave] = static_cast<int>(enter);
    ++r.pivots;
  }
  r.x = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < m; ++i)
    if (basis[i] < n) r.x[basis[i]] = std::max(0.0, T(i, cols - 1));
  r.duals = T.row(m).segment(n, m).transpose();
  r.objective = r.status == solve_status::unbounded ? std::numeric_limits<double>::infinity() : c.dot(r.x);
  return r;
}

}  // namespace idn::path
