#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "idn/alloc/infida.hpp"
#include "random_idn.hpp"

using namespace idn::alloc;

namespace {
// Independent brute force: every 0/1 point with Σ s x ≤ b per node.
double brute_force_gain(const instance& in, const batch& b) {
  const std::size_t n = in.num_vars();
  double best = 0;
  Eigen::VectorXd x(static_cast<Eigen::Index>(n));
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << n); ++mask) {
    std::vector<double> used(in.num_nodes(), 0.0);
    bool ok = true;
    for (std::size_t j = 0; j < n; ++j) {
      x[static_cast<Eigen::Index>(j)] = (mask >> j) & 1 ? 1.0 : 0.0;
      if ((mask >> j) & 1) {
        used[in.var_node()[j]] += in.size()[static_cast<Eigen::Index>(j)];
        ok = ok && used[in.var_node()[j]] <= in.budget()[in.var_node()[j]];
      }
    }
    if (ok) best = std::max(best, gain(in, x, b));
  }
  return best;
}
}  // namespace

TEST_CASE("infida: time-averaged fractional gain >= G*_bf - B/T on 50 tiny instances, both maps") {
  idn::rng g(601);
  int checked = 0;
#ifdef IDN_TEST_LIGHT
  const std::size_t T = 400;
#else
  const std::size_t T = 2000;
#endif
  while (checked < 50) {
    auto d = idn::test::random_idn(g, 12);
    const instance in = d.net.compile({d.alpha, d.nu});
    if (in.num_vars() == 0 || in.num_vars() > 16) continue;
    Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
    for (auto& v : r) v = static_cast<double>(1 + g() % 20);
    const batch b = make_batch(in, r);
    const double best = brute_force_gain(in, b);
    for (mirror_map map : {mirror_map::entropic, mirror_map::euclidean}) {
      const auto info = theory_step_size(in, map, T, r.maxCoeff());
      infida_options o;
      o.map = map;
      o.eta = info.eta;
      infida policy(in, o);
      double sum_frac = 0;
      for (std::size_t t = 0; t < T; ++t) {
        const slot_metrics m = policy.step(b);
        sum_frac += m.fractional_gain;
        REQUIRE(m.integral_gain <= best + 1e-9 * std::max(1.0, best));  // x^t is feasible (round_down)
        REQUIRE(m.fractional_gain >= -1e-12);
      }
      CAPTURE(best);
      CAPTURE(info.regret_bound);
      REQUIRE(sum_frac / double(T) >= best - info.regret_bound / double(T) - 1e-9 * std::max(1.0, best));
      // y stays in Y: box and (for active nodes) the budget equality.
      const auto& y = policy.fractional();
      for (Eigen::Index j = 0; j < y.size(); ++j) REQUIRE((y[j] >= 0 && y[j] <= 1));
    }
    ++checked;
  }
}

TEST_CASE("infida: options validation, determinism by seed, reuse coins give zero churn at a fixed point") {
  idn::rng g(602);
  auto d = idn::test::random_idn(g, 12);
  const instance in = d.net.compile({d.alpha, d.nu});
  infida_options o;
  CHECK_THROWS_WITH_AS(infida(in, o), doctest::Contains("eta = 0"), idn::invalid_input);
  o.eta = 0.1;
  o.rounding.refresh_period = 0;
  CHECK_THROWS_WITH_AS(infida(in, o), doctest::Contains("refresh_period = 0"), idn::invalid_input);
  o.rounding.refresh_period = 1;
  o.seed = 9;
  Eigen::VectorXd r = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(in.num_types()), 5.0);
  const batch b = make_batch(in, r);
  infida a(in, o), c(in, o);
  for (int t = 0; t < 50; ++t) {
    const auto ma = a.step(b), mc = c.step(b);
    REQUIRE(ma.integral_gain == mc.integral_gain);
    REQUIRE(a.allocation() == c.allocation());
    REQUIRE(a.fractional() == c.fractional());
  }
  CHECK_THROWS_AS(theory_step_size(in, mirror_map::entropic, 0, 1.0), idn::invalid_input);
  CHECK_THROWS_AS(theory_step_size(in, mirror_map::entropic, 10, 0.0), idn::invalid_input);
  const instance other = d.net.compile({d.alpha, d.nu});
  CHECK_THROWS_WITH_AS(a.step(make_batch(other, r)), doctest::Contains("another instance"), idn::invalid_input);
}
