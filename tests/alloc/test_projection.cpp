#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>

#include "approx.hpp"
#include "idn/alloc/projection.hpp"
#include "idn/core/random.hpp"

using namespace idn::alloc;

namespace {
// degenerate: b = S(1 − 1e-15), a slack below the rounding noise of Σ s (≈ n·ε·S). There the
// saturated set is not determined in double arithmetic, so KKT and equality with the reference
// are not checked (box, budget, determinism and aliasing still are).
struct case_data { Eigen::VectorXd s, yhat; double b, total; bool degenerate = false; };

case_data random_case(idn::rng& g, bool entropic) {
  const auto n = static_cast<Eigen::Index>(std::floor(std::exp(idn::uniform01(g) * std::log(2000.0)))) ;
  case_data c;
  c.s.resize(n);
  c.yhat.resize(n);
  const int size_mode = static_cast<int>(g() % 3);
  for (Eigen::Index j = 0; j < n; ++j)
    c.s[j] = size_mode == 0 ? 1.0 : size_mode == 1 ? std::exp(std::log(1e-6) + idn::uniform01(g) * std::log(1e12)) : 1 + std::floor(10 * idn::uniform01(g));
  const int value_mode = static_cast<int>(g() % 4);
  for (Eigen::Index j = 0; j < n; ++j) {
    if (value_mode == 0) c.yhat[j] = entropic ? 0.3 : 0.7;                                  // all equal
    else if (value_mode == 1) c.yhat[j] = entropic ? 0.1 * (1 + g() % 3) : 0.5 * (static_cast<double>(g() % 5) - 1);  // ties
    else if (value_mode == 2) c.yhat[j] = entropic ? std::exp(std::log(1e-300) + idn::uniform01(g) * 600 * std::log(10.0))
                                                   : (2 * idn::uniform01(g) - 1) * 1e12;
    else c.yhat[j] = entropic ? std::exp(std::log(1e-3) + 3 * std::log(10.0) * idn::uniform01(g)) : 2 * idn::uniform01(g) - 0.5;
  }
  c.total = c.s.sum();
  const int b_mode = static_cast<int>(g() % 6);
  c.b = b_mode == 0 ? 0.0 : b_mode == 1 ? c.total * (1 - 1e-15) : b_mode == 2 ? c.total * 1.5 : c.total * idn::uniform01(g);
  c.degenerate = b_mode == 1;
  return c;
}

void check_common(const case_data& c, const Eigen::VectorXd& y, const projection_result& r) {
  for (Eigen::Index j = 0; j < y.size(); ++j) {
    REQUIRE(y[j] >= 0.0);
    REQUIRE(y[j] <= 1.0);
  }
  if (c.total <= c.b) {
    REQUIRE(r.slack);
    REQUIRE(y.minCoeff() == 1.0);
  } else {
    REQUIRE(std::abs(c.s.dot(y) - c.b) <= 1e-12 * c.total);
  }
}
}  // namespace

TEST_CASE("project_entropic: 5000 random instances: box, budget, KKT, == sorted reference, determinism, aliasing") {
  idn::rng g(401);
  projection_workspace ws;
  for (int t = 0; t < 5000; ++t) {
    const case_data c = random_case(g, true);
    CAPTURE(t);
    CAPTURE(c.s.size());
    CAPTURE(c.b / c.total);
    Eigen::VectorXd y(c.s.size()), y2(c.s.size()), ys(c.s.size());
    const auto r = project_entropic(c.s, c.b, c.yhat, y, ws);
    CAPTURE(r.saturated);
    check_common(c, y, r);
    // KKT: one c reproduces every free coordinate; saturated ones have c·ŷ >= 1 (log domain).
    if (!r.slack && c.b > 0 && !c.degenerate) {
      Eigen::Index ref = -1;
      for (Eigen::Index j = 0; j < y.size(); ++j)
        if (y[j] < 1 && y[j] > 1e-200 && (ref < 0 || y[j] > y[ref])) ref = j;
      if (ref >= 0) {
        const double logc = std::log(y[ref]) - std::log(c.yhat[ref]);
        for (Eigen::Index j = 0; j < y.size(); ++j) {
          const double pred = logc + std::log(c.yhat[j]);
          if (y[j] == 1) REQUIRE(pred >= -1e-11);
          else if (y[j] > 1e-200) REQUIRE(std::log(y[j]) == idn::test::rel(pred).epsilon(1e-12).scale(1));
          else REQUIRE(pred <= std::log(1e-200) + 1e-9);
        }
      }
    }
    const auto rs = project_entropic_sorted(c.s, c.b, c.yhat, ys);
    CAPTURE(rs.saturated);
    CAPTURE(c.s.dot(ys) - c.b);
    check_common(c, ys, rs);
    if (!c.degenerate) {
      REQUIRE((y - ys).lpNorm<Eigen::Infinity>() <= 1e-12);
      REQUIRE(rs.saturated == r.saturated);
    }
    project_entropic(c.s, c.b, c.yhat, y2, ws);
    REQUIRE(std::memcmp(y.data(), y2.data(), sizeof(double) * static_cast<std::size_t>(y.size())) == 0);
    Eigen::VectorXd alias = c.yhat;
    project_entropic(c.s, c.b, alias, alias, ws);
    REQUIRE(std::memcmp(y.data(), alias.data(), sizeof(double) * static_cast<std::size_t>(y.size())) == 0);
  }
}

TEST_CASE("project_euclidean: 5000 random instances: box, budget, KKT, == sorted reference, determinism, aliasing") {
  idn::rng g(402);
  projection_workspace ws;
  for (int t = 0; t < 5000; ++t) {
    const case_data c = random_case(g, false);
    CAPTURE(t);
    CAPTURE(c.s.size());
    CAPTURE(c.b / c.total);
    Eigen::VectorXd y(c.s.size()), y2(c.s.size()), ys(c.s.size());
    const auto r = project_euclidean(c.s, c.b, c.yhat, y, ws);
    CAPTURE(r.saturated);
    CAPTURE(r.multiplier);
    check_common(c, y, r);
    if (!r.slack && !c.degenerate) {
      const double tau = r.multiplier;
      for (Eigen::Index j = 0; j < y.size(); ++j) {
        const double free_value = c.yhat[j] - tau * c.s[j];
        const double tol = 1e-12 * std::max(1.0, std::abs(c.yhat[j])) * 4;
        if (y[j] == 1) REQUIRE(free_value >= 1 - tol);
        else if (y[j] == 0) REQUIRE(free_value <= tol);
        else REQUIRE(std::abs(y[j] - free_value) <= tol);
      }
    }
    const auto rs = project_euclidean_sorted(c.s, c.b, c.yhat, ys);
    check_common(c, ys, rs);
    if (!c.degenerate) REQUIRE((y - ys).lpNorm<Eigen::Infinity>() <= 1e-12);
    project_euclidean(c.s, c.b, c.yhat, y2, ws);
    REQUIRE(std::memcmp(y.data(), y2.data(), sizeof(double) * static_cast<std::size_t>(y.size())) == 0);
    Eigen::VectorXd alias = c.yhat;
    project_euclidean(c.s, c.b, alias, alias, ws);
    REQUIRE(std::memcmp(y.data(), alias.data(), sizeof(double) * static_cast<std::size_t>(y.size())) == 0);
  }
}

// What both built-from-answer tests check alike, for a map's project(s, b, ŷ, y, ws) and its sorted
// reference: slack only when every coordinate is at 1 (then returns false: nothing else to
// check), the count at 1, the budget, |y − y*| ≤ tol_y(j), the sorted reference within tol_sorted,
// and the in-place projection bitwise equal. y holds the projection afterwards.
template <class Project, class Sorted, class Tol>
bool check_against_answer(const Eigen::VectorXd& s, double b, const Eigen::VectorXd& yhat, const Eigen::VectorXd& ystar, std::size_t at_one,
                          Project project, Sorted sorted, Tol tol_y, double tol_sorted, projection_workspace& ws, Eigen::VectorXd& y,
                          projection_result& r) {
  const auto n = s.size();
  y.resize(n);
  r = project(s, b, yhat, y, ws);
  if (r.slack) {  // every coordinate at 1 (tiny n): then b = Σ s
    REQUIRE(at_one == static_cast<std::size_t>(n));
    return false;
  }
  REQUIRE(r.saturated == at_one);
  REQUIRE(std::abs(s.dot(y) - b) <= 1e-12 * s.sum());
  for (Eigen::Index j = 0; j < n; ++j) REQUIRE(std::abs(y[j] - ystar[j]) <= tol_y(j));
  Eigen::VectorXd ys(n);
  sorted(s, b, yhat, ys);
  REQUIRE((y - ys).lpNorm<Eigen::Infinity>() <= tol_sorted);
  Eigen::VectorXd alias = yhat;
  project(s, b, alias, alias, ws);
  REQUIRE(std::memcmp(y.data(), alias.data(), sizeof(double) * static_cast<std::size_t>(n)) == 0);
  return true;
}

// Instances built from their answer, so the answer is the oracle. Pick τ* and y*: inside
// (0.05, 0.95) for free coordinates, 1 or 0 for a share of clipped ones; set ŷ = y* + τ* s for
// the free ones, 1 + τ* s + δ and τ* s − δ (δ > 0) for the clipped ones, and b = Σ s y*. Then y*
// is the projection (up to the rounding of ŷ). Shares of 0 (the one-pass fast path), 1, 5 and
// 20 % exercise the Newton rounds on τ; large offsets τ* s (up to 1e6) make the first τ's
// rounding matter, so the Newton refinement and its skip test run too.
TEST_CASE("project_euclidean: 3000 instances built from their answer (0-20 % clipped): == y*, budget, sorted reference, aliasing") {
  idn::rng g(403);
  projection_workspace ws;
  for (int t = 0; t < 3000; ++t) {
    const auto n = static_cast<Eigen::Index>(1 + std::floor(std::exp(idn::uniform01(g) * std::log(20000.0))));
    const int size_mode = static_cast<int>(g() % 3);
    const double offset = std::exp(std::log(1e-3) + idn::uniform01(g) * std::log(1e9));  // |τ* s| up to 1e6
    const double clipped_share = std::array{0.0, 0.01, 0.05, 0.2}[g() % 4];
    Eigen::VectorXd s(n), ystar(n), yhat(n);
    for (Eigen::Index j = 0; j < n; ++j)
      s[j] = size_mode == 0 ? 1.0 : size_mode == 1 ? std::exp(std::log(1e-3) + idn::uniform01(g) * std::log(1e6)) : 1e6 + 9e6 * idn::uniform01(g);
    const double tau_star = (g() % 2 ? 1 : -1) * offset / s.maxCoeff();
    long double b = 0;
    std::size_t at_one = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double u = idn::uniform01(g), delta = 0.01 + 3 * idn::uniform01(g);
      ystar[j] = u < clipped_share ? 1.0 : u < 2 * clipped_share ? 0.0 : 0.05 + 0.9 * idn::uniform01(g);
      yhat[j] = ystar[j] + tau_star * s[j] + (u < clipped_share ? delta : u < 2 * clipped_share ? -delta : 0.0);
      b += static_cast<long double>(s[j]) * ystar[j];
      at_one += ystar[j] == 1.0;
    }
    CAPTURE(t);
    CAPTURE(n);
    CAPTURE(offset);
    CAPTURE(clipped_share);
    // ŷ_j carries a rounding error of ε·|ŷ_j|, which moves y*_j by as much.
    Eigen::VectorXd y;
    projection_result r;
    check_against_answer(
        s, static_cast<double>(b), yhat, ystar, at_one,
        [](auto&&... a) { return project_euclidean(std::forward<decltype(a)>(a)...); }, [](auto&&... a) { return project_euclidean_sorted(std::forward<decltype(a)>(a)...); },
        [&](Eigen::Index j) { return 1e-12 * std::max(1.0, std::abs(yhat[j])) * 4; }, 1e-12 * std::max(1.0, yhat.lpNorm<Eigen::Infinity>()) * 4, ws, y, r);
  }
}

// The entropic counterpart: y* log-uniform in [1e-6, 0.95] for free coordinates and 1 for a
// share of saturated ones; ŷ = y*/c* for the free ones and (1 + δ)/c* for the saturated ones,
// b = Σ s y*. Shares of 0 (one round), 1, 5 (five rounds of the fixed point) and 20 % (the
// fallbacks).
TEST_CASE("project_entropic: 3000 instances built from their answer (0-20 % saturated): == y*, budget, multiplier, sorted reference, aliasing") {
  idn::rng g(404);
  projection_workspace ws;
  for (int t = 0; t < 3000; ++t) {
    const auto n = static_cast<Eigen::Index>(1 + std::floor(std::exp(idn::uniform01(g) * std::log(20000.0))));
    const int size_mode = static_cast<int>(g() % 3);
    const double c_star = std::exp(std::log(1e-6) + idn::uniform01(g) * std::log(1e12));
    const double saturated_share = std::array{0.0, 0.01, 0.05, 0.2}[g() % 4];
    Eigen::VectorXd s(n), ystar(n), yhat(n);
    long double b = 0;
    std::size_t at_one = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      s[j] = size_mode == 0 ? 1.0 : size_mode == 1 ? std::exp(std::log(1e-3) + idn::uniform01(g) * std::log(1e6)) : 1e6 + 9e6 * idn::uniform01(g);
      const bool one = idn::uniform01(g) < saturated_share;
      ystar[j] = one ? 1.0 : std::exp(std::log(1e-6) + idn::uniform01(g) * std::log(0.95e6));
      yhat[j] = (one ? 1 + 0.01 + 3 * idn::uniform01(g) : ystar[j]) / c_star;
      b += static_cast<long double>(s[j]) * ystar[j];
      at_one += one;
    }
    CAPTURE(t);
    CAPTURE(n);
    CAPTURE(c_star);
    CAPTURE(saturated_share);
    Eigen::VectorXd y;
    projection_result r;
    if (!check_against_answer(
            s, static_cast<double>(b), yhat, ystar, at_one,
            [](auto&&... a) { return project_entropic(std::forward<decltype(a)>(a)...); }, [](auto&&... a) { return project_entropic_sorted(std::forward<decltype(a)>(a)...); },
            [](Eigen::Index) { return 1e-12; }, 1e-12, ws, y, r))
      continue;
    // c = (b − Σ_sat s)/Σ_free s ŷ: the subtraction loses digits when the free coordinates hold a
    // small share of b, so the multiplier's relative tolerance grows with b/Σ_free s y*.
    double free_mass = 0;
    for (Eigen::Index j = 0; j < n; ++j) free_mass += ystar[j] < 1 ? s[j] * ystar[j] : 0.0;
    REQUIRE(r.multiplier == idn::test::rel(c_star).epsilon(1e-12 + 1e-14 * s.sum() / free_mass));
  }
}

TEST_CASE("projections: bad input") {
  projection_workspace ws;
  Eigen::VectorXd s = Eigen::VectorXd::Ones(3), yhat = Eigen::VectorXd::Constant(3, 0.5), y(3), y2(2);
  CHECK_THROWS_WITH_AS(project_entropic(s, 1, yhat, y2, ws), doctest::Contains("idn::alloc::project_entropic: (s, yhat, y) sizes = (3, 3, 2): must be equal"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(project_entropic(s, -1, yhat, y, ws), doctest::Contains("b = -1"), idn::invalid_input);
  s[1] = 0;
  CHECK_THROWS_WITH_AS(project_euclidean(s, 1, yhat, y, ws), doctest::Contains("s[1] = 0"), idn::invalid_input);
  s[1] = 1;
  yhat[2] = 0;
  CHECK_THROWS_WITH_AS(project_entropic(s, 1, yhat, y, ws), doctest::Contains("yhat[2] = 0"), idn::invalid_input);
  CHECK_NOTHROW(project_euclidean(s, 1, yhat, y, ws));
  yhat[2] = NAN;
  CHECK_THROWS_WITH_AS(project_euclidean(s, 1, yhat, y, ws), doctest::Contains("yhat[2] = nan"), idn::invalid_input);
  s[0] = 1e308;
  s[1] = 1e308;
  yhat[2] = 1;
  CHECK_THROWS_WITH_AS(project_euclidean(s, 1, yhat, y, ws), doctest::Contains("idn::alloc::project_euclidean: sum of s = inf: must be finite"), idn::invalid_input);
}
