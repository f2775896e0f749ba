#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

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
