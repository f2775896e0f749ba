#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "idn/alloc/baselines.hpp"
#include "idn/alloc/infida.hpp"
#include "adversary.hpp"
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
    const instance in = d.net.build({d.alpha, d.nu});
    if (in.num_vars() == 0 || in.num_vars() > 16) continue;
    Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
    for (auto& v : r) v = static_cast<double>(1 + g() % 20);
    const batch b = make_batch(in, r);
    const double best = brute_force_gain(in, b);
    for (mirror_map map : {mirror_map::entropic, mirror_map::euclidean}) {
      const auto info = theory_step_size(in, map, T, r.maxCoeff());
      infida_options o;
      o.map = map;
      o.step = step_rule::fixed;
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
  const instance in = d.net.build({d.alpha, d.nu});
  infida_options o;
  CHECK_NOTHROW(infida(in, o));  // the default (adaptive) needs no step size
  o.eta = 0.1;
  CHECK_THROWS_WITH_AS(infida(in, o), doctest::Contains("idn::alloc::infida: eta = 0.1: must be 0 with step = adaptive, which ignores it (set step = step_rule::fixed to use it)"), idn::invalid_input);
  o.eta = 0;
  o.adaptive_scale = -1;
  CHECK_THROWS_WITH_AS(infida(in, o), doctest::Contains("adaptive_scale = -1"), idn::invalid_input);
  o.adaptive_scale = 1;
  o.step = step_rule::fixed;
  CHECK_THROWS_WITH_AS(infida(in, o), doctest::Contains("eta = 0: must be finite and > 0 with step = fixed"), idn::invalid_input);
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
  const instance other = d.net.build({d.alpha, d.nu});
  CHECK_THROWS_WITH_AS(a.step(make_batch(other, r)), doctest::Contains("another instance"), idn::invalid_input);
}

TEST_CASE("infida: certified relaxation bound brackets the running average for T in {250, 1000, 4000}") {
  idn::rng g(603);
  int checked = 0;
#ifdef IDN_TEST_LIGHT
  const int instances = 10;
#else
  const int instances = 50;
#endif
  while (checked < instances) {
    auto d = idn::test::random_idn(g, 12);
    const instance in = d.net.build({d.alpha, d.nu});
    if (in.num_vars() == 0 || in.num_vars() > 16) continue;
    Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
    for (auto& v : r) v = static_cast<double>(1 + g() % 20);
    const batch b = make_batch(in, r);
    const relaxation_bound_result rb = relaxation_bound(in, std::span<const batch>(&b, 1), 4000);
    REQUIRE(rb.lower <= rb.upper + 1e-9 * std::max(1.0, rb.upper));
    for (mirror_map map : {mirror_map::entropic, mirror_map::euclidean})
      for (std::size_t T : {250u, 1000u, 4000u}) {
        const auto info = theory_step_size(in, map, T, r.maxCoeff());
        infida_options o;
        o.map = map;
        o.step = step_rule::fixed;
        o.eta = info.eta;
        infida policy(in, o);
        double sum = 0;
        for (std::size_t t = 0; t < T; ++t) sum += policy.step(b).fractional_gain;
        const double avg = sum / double(T);
        CAPTURE(T);
        CAPTURE(rb.upper);
        CAPTURE(rb.lower);
        CAPTURE(avg);
        // The time average never beats the certified upper bound ...
        REQUIRE(avg <= rb.upper + 1e-9 * std::max(1.0, rb.upper));
        // ... and trails it by at most the bracket width plus the regret bound.
        REQUIRE(rb.upper - avg <= (rb.upper - rb.lower) + info.regret_bound / double(T) + 1e-9 * std::max(1.0, rb.upper));
      }
    ++checked;
  }
}

namespace {
// Mean over `seeds` of (1/T) Σ G(x^t) and its standard error; also returns G*_bf − B/T.
struct rounded_stats { double mean, se, target; };
rounded_stats rounded_gain(const instance& in, const batch& b, double rmax, mirror_map map, last_fractional last, std::size_t T, int seeds) {
  const auto info = theory_step_size(in, map, T, rmax);
  std::vector<double> avg;
  for (int s = 0; s < seeds; ++s) {
    infida_options o;
    o.map = map;
    o.step = step_rule::fixed;
    o.eta = info.eta;
    o.rounding.last = last;
    o.seed = 1000 + static_cast<std::uint64_t>(s);
    infida policy(in, o);
    double sum = 0;
    for (std::size_t t = 0; t < T; ++t) sum += policy.step(b).integral_gain;
    avg.push_back(sum / double(T));
  }
  double mean = 0, var = 0;
  for (double a : avg) mean += a;
  mean /= double(seeds);
  for (double a : avg) var += (a - mean) * (a - mean);
  var /= double(seeds - 1);
  return {mean, std::sqrt(var / double(seeds)), brute_force_gain(in, b) - info.regret_bound / double(T)};
}
}  // namespace

TEST_CASE("infida: rounded gain over 20 seeds >= (1-1/e)(G*_bf - B/T) - 3 SE (bernoulli; round_down with unit sizes)") {
  constexpr double psi = 1.0 - 0.36787944117144233;
#ifdef IDN_TEST_LIGHT
  const std::size_t T = 300;
  const int instances = 4;
#else
  const std::size_t T = 2000;
  const int instances = 15;
#endif
  for (bool unit : {false, true}) {
    idn::rng g(unit ? 605 : 604);
    int checked = 0;
    while (checked < instances) {
      auto d = idn::test::random_idn(g, 12, 8, unit);
      const instance in = d.net.build({d.alpha, d.nu});
      if (in.num_vars() == 0 || in.num_vars() > 16) continue;
      Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
      for (auto& v : r) v = static_cast<double>(1 + g() % 20);
      const batch b = make_batch(in, r);
      for (mirror_map map : {mirror_map::entropic, mirror_map::euclidean}) {
        const auto s = rounded_gain(in, b, r.maxCoeff(), map, unit ? last_fractional::round_down : last_fractional::bernoulli, T, 20);
        CAPTURE(unit);
        CAPTURE(s.mean);
        CAPTURE(s.se);
        CAPTURE(s.target);
        REQUIRE(s.mean >= psi * s.target - 3 * s.se - 1e-9 * std::max(1.0, std::abs(s.target)));
      }
      ++checked;
    }
  }
}

TEST_CASE("infida: fractional regret under period-1 alternation is <= B and grows as sqrt(T) (spec 9.3)") {
  const instance in = idn::test::two_task_edge().build();
  for (mirror_map map : {mirror_map::entropic, mirror_map::euclidean}) {
    double log_r[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
      const std::size_t T = k == 0 ? 250 : 16000;
      const std::vector<batch> slots = idn::test::period1_slots(in, T, 100);
      const double opt = brute_force(in, slots).gain;
      const auto info = theory_step_size(in, map, T, 100);
      infida_options o;
      o.map = map;
      o.step = step_rule::fixed;
      o.eta = info.eta;
      infida policy(in, o);
      double frac = 0;
      for (const batch& s : slots) frac += policy.step(s).fractional_gain;
      CAPTURE(T);
      REQUIRE(opt - frac > 0);  // the adversary does extract regret ...
      REQUIRE(opt - frac <= info.regret_bound);  // ... but never more than B
      log_r[k] = std::log(opt - frac);
    }
    CHECK((log_r[1] - log_r[0]) / std::log(16000.0 / 250.0) <= 0.6);
  }
}
