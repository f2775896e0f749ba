#pragma once
/// Rounding one node's fractional point to a 0/1 allocation (docs/alloc.md "Rounding").
/// Weighted DepRound scans coordinates in order with one fractional carry. Each merge keeps
/// s_i y_i + s_j y_j and the expectations, and makes at least one of the pair integral. The last
/// fractional coordinate is rounded down (always feasible) or by a Bernoulli draw (unbiased).
/// Largest-first is deterministic: coordinates by decreasing y, each loaded if it still fits.
#include <algorithm>
#include <cstdint>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <random>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"

namespace idn::alloc {

/// What DepRound does with the one coordinate left fractional: round it down (always within the
/// budget), or up with probability equal to its value (unbiased; may exceed the budget, see excess_bytes).
enum class last_fractional { round_down, bernoulli };

/// What a rounding did (see its members).
struct rounding_result {
  double used_bytes = 0;    ///< Σ s x
  double excess_bytes = 0;  ///< max(0, Σ s x − b) (bernoulli mode only)
  std::size_t merges = 0;
  bool repaired = false;    ///< round_down: round-off made Σ s x > b and a coordinate was unloaded
};

namespace detail {

constexpr double integral_tol = 1e-12;

inline bool snap(double& v) noexcept {
  if (v <= integral_tol) { v = 0; return true; }
  if (v >= 1 - integral_tol) { v = 1; return true; }
  return false;
}

inline void check_rounding_input(const Eigen::Ref<const Eigen::VectorXd>& s, double b, const Eigen::Ref<const Eigen::VectorXd>& y,
                                 Eigen::Index xsize, const char* where = "dep_round") {
  if (s.size() != y.size() || xsize != s.size())
    fail(where, "(s, y, x) sizes", concat("(", s.size(), ", ", y.size(), ", ", xsize, ")"), "must be equal");
  if (!std::isfinite(b) || b < 0) fail(where, "b", b, "must be finite and >= 0");
  double used = 0, total = 0;
  for (Eigen::Index j = 0; j < s.size(); ++j) {
    if (!std::isfinite(s[j]) || s[j] <= 0) fail(where, concat("s[", j, "]"), s[j], "must be finite and > 0");
    if (!(y[j] >= 0 && y[j] <= 1)) fail(where, concat("y[", j, "]"), y[j], "must lie in [0, 1]");
    used += s[j] * y[j];
    total += s[j];
  }
  if (!std::isfinite(total)) fail(where, "sum of s", total, "must be finite");
  if (used > b * (1 + 1e-9) + 1e-300)
    fail(where, "sum of s*y", used, concat("must be <= b = ", b, " (tolerance 1e-9 relative)"));
}

/// x of a coordinate of size s holding mass m with room a = s − m: 0 or 1 within integral_tol·s
/// of either end (snap's test, on the mass), else m/s. Returns whether it is integral.
inline bool settle(double& x, double m, double a, double s) noexcept {
  const double tol = integral_tol * s;
  if (m <= tol) return x = 0, true;
  if (a <= tol) return x = 1, true;
  x = m / s;
  return false;
}

/// The kernel: x starts as a copy of y. coin(j) returns the uniform deciding the merge of j
/// (j = n: the last Bernoulli). observe(i, j) runs after each merge (test hook). noexcept when
/// coin and observe are. O(n).
template <class Coin, class Observe>
rounding_result dep_round_kernel(const double* s, double b, const double* y, double* x, std::size_t n, last_fractional mode,
                                 Coin&& coin, Observe&& observe) {
  rounding_result r;
  std::size_t carry = n;  // none
  // The carry as mass m = s·x and room a = s − m: a merge moves mass without dividing, so the
  // chain from one merge to the next is a min and an add.
  double m_i = 0, a_i = 0;
  for (std::size_t j = 0; j < n; ++j) {
    x[j] = y[j];
    if (snap(x[j])) continue;
    if (carry == n) { carry = j, m_i = s[j] * x[j], a_i = s[j] - m_i; continue; }
    const std::size_t i = carry;
    const double m_j = s[j] * x[j], a_j = s[j] - m_j;
    const double d1 = std::min(a_i, m_j);
    const double d2 = std::min(m_i, a_j);
    double mi, mj;
    if (coin(j) * (d1 + d2) < d2) {  // probability δ2/(δ1+δ2)
      mi = m_i + d1, mj = m_j - d1;
    } else {
      mi = m_i - d2, mj = m_j + d2;
    }
    ++r.merges;
    const double ai = s[i] - mi, aj = s[j] - mj;
    const bool i_int = settle(x[i], mi, ai, s[i]), j_int = settle(x[j], mj, aj, s[j]);
    observe(i, j);
    if (!i_int) m_i = mi, a_i = ai;
    else if (!j_int) carry = j, m_i = mj, a_i = aj;
    else carry = n;
  }
  if (carry != n) {
    if (mode == last_fractional::round_down) x[carry] = 0;
    else x[carry] = coin(n) < x[carry] ? 1.0 : 0.0;
  }
  for (std::size_t j = 0; j < n; ++j) r.used_bytes += s[j] * x[j];
  if (mode == last_fractional::round_down) {
    while (r.used_bytes > b) {  // only floating-point round-off in y can get here
      std::size_t victim = n;
      for (std::size_t j = 0; j < n; ++j)
        if (x[j] == 1 && (victim == n || y[j] < y[victim])) victim = j;
      if (victim == n) break;
      x[victim] = 0;
      r.used_bytes -= s[victim];
      r.repaired = true;
    }
  } else {
    r.excess_bytes = std::max(0.0, r.used_bytes - b);
  }
  return r;
}

/// Largest-first: visits j by decreasing y_j (ties: smaller j first) and sets x_j = 1 when
/// y_j >= largest_first_min_y and s_j still fits in b, else 0. order is scratch of n indices.
/// Deterministic and always feasible; unlike DepRound it keeps no marginals E[x] = y, so the
/// (1 − 1/e) guarantee of the rounding step does not carry over. O(n log n), no allocation.
constexpr double largest_first_min_y = 1e-6;
inline rounding_result largest_first_kernel(const double* s, double b, const double* y, double* x, std::size_t n,
                                            std::uint32_t* order) noexcept {
  for (std::size_t j = 0; j < n; ++j) order[j] = static_cast<std::uint32_t>(j);
  std::sort(order, order + n, [&](std::uint32_t a, std::uint32_t c) { return y[a] > y[c] || (y[a] == y[c] && a < c); });
  rounding_result r;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t j = order[k];
    const bool take = y[j] >= largest_first_min_y && r.used_bytes + s[j] <= b;
    x[j] = take ? 1.0 : 0.0;
    if (take) r.used_bytes += s[j];
  }
  return r;
}

}  // namespace detail

/// Largest-first rounding of one node's y (see detail::largest_first_kernel). Throws like dep_round.
inline rounding_result largest_first(const Eigen::Ref<const Eigen::VectorXd>& s, double b, const Eigen::Ref<const Eigen::VectorXd>& y,
                                     Eigen::Ref<Eigen::VectorXd> x) {
  detail::check_rounding_input(s, b, y, x.size(), "largest_first");
  std::vector<std::uint32_t> order(static_cast<std::size_t>(s.size()));
  return detail::largest_first_kernel(s.data(), b, y.data(), x.data(), order.size(), order.data());
}

/// DepRound with fresh coins drawn from `rng` (through idn::uniform01) in merge order.
template <std::uniform_random_bit_generator G>
rounding_result dep_round(const Eigen::Ref<const Eigen::VectorXd>& s, double b, const Eigen::Ref<const Eigen::VectorXd>& y,
                          Eigen::Ref<Eigen::VectorXd> x, last_fractional mode, G& rng) {
  detail::check_rounding_input(s, b, y, x.size());
  return detail::dep_round_kernel(s.data(), b, y.data(), x.data(), static_cast<std::size_t>(s.size()), mode,
                                  [&](std::size_t) { return idn::uniform01(rng); }, [](std::size_t, std::size_t) {});
}

/// DepRound with given coins: coins[j] decides the merge of j, coins[n] the last Bernoulli.
inline rounding_result dep_round(const Eigen::Ref<const Eigen::VectorXd>& s, double b,
                                 const Eigen::Ref<const Eigen::VectorXd>& y, const Eigen::Ref<const Eigen::VectorXd>& coins,
                                 Eigen::Ref<Eigen::VectorXd> x, last_fractional mode) {
  detail::check_rounding_input(s, b, y, x.size());
  if (coins.size() != s.size() + 1)
    detail::fail("dep_round", "coins.size()", coins.size(), concat("must equal n + 1 = ", s.size() + 1));
  for (Eigen::Index j = 0; j < coins.size(); ++j)
    if (!(coins[j] >= 0 && coins[j] < 1)) detail::fail("dep_round", concat("coins[", j, "]"), coins[j], "must lie in [0, 1)");
  return detail::dep_round_kernel(s.data(), b, y.data(), x.data(), static_cast<std::size_t>(s.size()), mode,
                                  [&](std::size_t j) { return coins[static_cast<Eigen::Index>(j)]; },
                                  [](std::size_t, std::size_t) {});
}

/// Number of coordinates that differ between two 0/1 allocations.
inline std::size_t churn(const Eigen::Ref<const Eigen::VectorXd>& x_old, const Eigen::Ref<const Eigen::VectorXd>& x_new) noexcept {
  std::size_t c = 0;
  const Eigen::Index n = std::min(x_old.size(), x_new.size());
  for (Eigen::Index j = 0; j < n; ++j) c += (x_old[j] > 0.5) != (x_new[j] > 0.5);
  return c;
}

}  // namespace idn::alloc
