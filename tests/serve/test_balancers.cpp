// docs/serve.md "Balancers" and "optimal_static_split".
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/serve/balancers.hpp"

using namespace idn::serve;

namespace {
std::vector<replica_state> random_states(idn::rng& g, std::size_t n, bool ties) {
  std::vector<replica_state> s(n);
  for (auto& r : s) {
    r.outstanding = static_cast<std::uint32_t>(ties ? g() % 3 : g() % 50);
    r.in_system = static_cast<std::uint32_t>(ties ? g() % 3 : g() % 50);
    r.weight = ties ? 1.0 : 0.5 + 4 * idn::uniform01(g);
  }
  return s;
}
template <class P>
void picks_valid_and_deterministic(P proto, std::size_t n) {
  idn::rng g(1), h(1), s(7);
  P a = proto, b = proto;
  for (int t = 0; t < 100000; ++t) {
    const auto st = random_states(s, n, t % 2 == 0);
    const std::size_t i = a.pick(std::span<const replica_state>(st), g), j = b.pick(std::span<const replica_state>(st), h);
    REQUIRE(i < n);
    REQUIRE(i == j);
  }
}
double chi2(const std::vector<double>& counts, const std::vector<double>& expected) {
  double x = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) x += (counts[i] - expected[i]) * (counts[i] - expected[i]) / expected[i];
  return x;
}
}  // namespace

static_assert(load_balancer<random_choice>);
static_assert(load_balancer<round_robin>);
static_assert(load_balancer<least_outstanding>);
static_assert(load_balancer<join_shortest_queue>);
static_assert(load_balancer<weighted_random>);
static_assert(load_balancer<smooth_weighted_round_robin>);
static_assert(load_balancer<power_of_d>);

TEST_CASE("balancers: every pick < n, the same seed gives the same sequence (10^5 picks each)") {
  picks_valid_and_deterministic(random_choice{}, 7);
  picks_valid_and_deterministic(round_robin{}, 7);
  picks_valid_and_deterministic(least_outstanding{}, 7);
  picks_valid_and_deterministic(join_shortest_queue{}, 7);
  picks_valid_and_deterministic(weighted_random(std::vector<double>{1, 2, 3, 0.5, 1, 1, 9}), 7);
  picks_valid_and_deterministic(smooth_weighted_round_robin({1, 2, 3, 1, 1, 1, 9}), 7);
  picks_valid_and_deterministic(power_of_d(2), 7);
  picks_valid_and_deterministic(power_of_d(3), 7);
}

TEST_CASE("round robin repeats an exact cycle; SWRR exact per-cycle counts, over-service <= 1 - 1/n, equal weights = RR") {
  idn::rng g(2);
  round_robin rr;
  const std::vector<replica_state> st(5);
  for (int t = 0; t < 50; ++t) REQUIRE(rr.pick(std::span<const replica_state>(st), g) == static_cast<std::size_t>(t % 5));
#ifdef IDN_TEST_LIGHT  // sanitizers and qemu (this case took 33 s under qemu-aarch64 at 2,000)
  const int reps = 300;
#else
  const int reps = 2000;
#endif
  for (int rep = 0; rep < reps; ++rep) {
    const std::size_t n = 1 + g() % 40;
    std::vector<std::uint32_t> w(n);
    for (auto& x : w) x = static_cast<std::uint32_t>(1 + g() % 1000);
    const double W = std::accumulate(w.begin(), w.end(), 0.0);
    smooth_weighted_round_robin p(w);
    const std::vector<replica_state> s(n);
    std::vector<double> count(n, 0);
    for (int cycle = 0; cycle < 2; ++cycle) {
      std::fill(count.begin(), count.end(), 0.0);
      for (std::uint64_t t = 1; t <= static_cast<std::uint64_t>(W); ++t) {
        count[p.pick(std::span<const replica_state>(s), g)] += 1;
        if (rep % 20 == 0 || t == static_cast<std::uint64_t>(W))
          for (std::size_t i = 0; i < n; ++i) REQUIRE(count[i] - static_cast<double>(t) * w[i] / W <= 1 - 1.0 / static_cast<double>(n) + 1e-9);
      }
      for (std::size_t i = 0; i < n; ++i) REQUIRE(count[i] == w[i]);
    }
  }
  smooth_weighted_round_robin eq({3, 3, 3, 3});
  const std::vector<replica_state> s4(4);
  for (int t = 0; t < 40; ++t) REQUIRE(eq.pick(std::span<const replica_state>(s4), g) == static_cast<std::size_t>(t % 4));
  CHECK_THROWS_AS(smooth_weighted_round_robin({1, 0}), idn::invalid_input);
}

TEST_CASE("LOR and JSQ return minimizers, ties uniform (chi^2); power-of-d never returns the worse sample; weighted random frequencies") {
  idn::rng g(3), s(4);
  for (int rep = 0; rep < 20000; ++rep) {
    const std::size_t n = 1 + g() % 12;
    const auto st = random_states(s, n, rep % 2 == 0);
    least_outstanding lor;
    join_shortest_queue jsq;
    const std::size_t i = lor.pick(std::span<const replica_state>(st), g), j = jsq.pick(std::span<const replica_state>(st), g);
    for (std::size_t k = 0; k < n; ++k) {
      REQUIRE((st[i].outstanding + 1.0) / st[i].weight <= (st[k].outstanding + 1.0) / st[k].weight);
      REQUIRE((st[j].in_system + 1.0) / st[j].weight <= (st[k].in_system + 1.0) / st[k].weight);
    }
    // power-of-d: replay Floyd's d draws on a copy of the generator to recover the samples.
    const std::uint32_t d = 1 + static_cast<std::uint32_t>(g() % 3);
    if (d > n) continue;
    power_of_d p(d);
    idn::rng copy = g;
    std::vector<std::size_t> samples;
    if (d == 2) {  // one 64-bit draw: multiply-shift on each half, Floyd's collision rule
      const std::uint64_t r = copy();
      const std::size_t t0 = static_cast<std::size_t>(((r >> 32) * (n - 1)) >> 32), t1 = static_cast<std::size_t>(((r & 0xffffffffu) * n) >> 32);
      samples = {t0, t1 == t0 ? n - 1 : t1};
    } else {
      for (std::size_t jj = n - d; jj < n; ++jj) {
        std::size_t t = static_cast<std::size_t>(idn::uniform01(copy) * static_cast<double>(jj + 1));
        if (t > jj) t = jj;
        if (std::find(samples.begin(), samples.end(), t) != samples.end()) t = jj;
        samples.push_back(t);
      }
    }
    const std::size_t got = p.pick(std::span<const replica_state>(st), g);
    REQUIRE(std::find(samples.begin(), samples.end(), got) != samples.end());
    for (std::size_t x : samples) REQUIRE((st[got].outstanding + 1.0) / st[got].weight <= (st[x].outstanding + 1.0) / st[x].weight);
  }
  // Ties are uniform: all-equal states, 8 replicas, 10^5 picks; chi^2(7) < 24.32 (p = 1e-3).
  const std::vector<replica_state> flat(8);
  std::vector<double> c1(8, 0), c2(8, 0), expected(8, 100000.0 / 8);
  least_outstanding lor;
  power_of_d p2(2);
  for (int t = 0; t < 100000; ++t) c1[lor.pick(std::span<const replica_state>(flat), g)] += 1, c2[p2.pick(std::span<const replica_state>(flat), g)] += 1;
  CHECK(chi2(c1, expected) < 24.32);
  CHECK(chi2(c2, expected) < 24.32);
  // The pair is uniform: with strictly increasing loads power-of-2 returns the pair's smaller
  // index i, P(i) = (n − 1 − i)/C(n, 2); n = 6, 150,000 picks, chi^2(4) < 18.47 (p = 1e-3).
  std::vector<replica_state> rising(6);
  for (std::size_t i = 0; i < rising.size(); ++i) rising[i].outstanding = static_cast<std::uint32_t>(i);
  std::vector<double> cmin(5, 0), emin(5);
  for (std::size_t i = 0; i < 5; ++i) emin[i] = 150000.0 * static_cast<double>(5 - i) / 15.0;
  for (int t = 0; t < 150000; ++t) cmin[p2.pick(std::span<const replica_state>(rising), g)] += 1;
  CHECK(chi2(cmin, emin) < 18.47);
  const std::vector<double> w{1, 2, 3, 4};
  weighted_random wr(w);
  std::vector<double> c3(4, 0), e3{10000, 20000, 30000, 40000};
  for (int t = 0; t < 100000; ++t) c3[wr.pick(std::span<const replica_state>(flat), g)] += 1;
  CHECK(chi2(c3, e3) < 16.27);  // chi^2(3), p = 1e-3
  CHECK_THROWS_AS(weighted_random(std::vector<double>{0, 0}), idn::invalid_input);
  CHECK_THROWS_AS(power_of_d(0), idn::invalid_input);
}

TEST_CASE("weights_from_speeds is proportional within 1/resolution; optimal_static_split KKT and grid search") {
  idn::rng g(5);
  for (int rep = 0; rep < 1000; ++rep) {
    const std::size_t n = 1 + g() % 10;
    std::vector<double> sp(n);
    for (auto& x : sp) x = 0.1 + 10 * idn::uniform01(g);
    const auto w = weights_from_speeds(sp, 100);
    const double top = *std::max_element(sp.begin(), sp.end());
    const double wtop = *std::max_element(w.begin(), w.end());
    for (std::size_t i = 0; i < n; ++i) REQUIRE((std::abs(w[i] / wtop - sp[i] / top) <= 1.0 / 100 + 1e-12 || w[i] == 1));
  }
  for (int rep = 0; rep < 1000; ++rep) {
    const std::size_t n = 1 + g() % 6;
    std::vector<double> mu(n);
    for (auto& x : mu) x = 0.5 + 10 * idn::uniform01(g);
    const double total = std::accumulate(mu.begin(), mu.end(), 0.0), lambda = total * 0.98 * idn::uniform01(g);
    const Eigen::VectorXd x = optimal_static_split(mu, lambda);
    REQUIRE(std::abs(x.sum() - lambda) <= 1e-9 * std::max(1.0, lambda));
    double nu = -1;
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE(x[static_cast<Eigen::Index>(i)] >= 0);
      REQUIRE(x[static_cast<Eigen::Index>(i)] < mu[i]);
      if (x[static_cast<Eigen::Index>(i)] > 0) {
        const double m = mu[i] / ((mu[i] - x[static_cast<Eigen::Index>(i)]) * (mu[i] - x[static_cast<Eigen::Index>(i)]));
        if (nu < 0) nu = m;
        REQUIRE(std::abs(m - nu) <= 1e-9 * nu);
      }
    }
    for (std::size_t i = 0; i < n; ++i)
      if (x[static_cast<Eigen::Index>(i)] == 0 && nu > 0) REQUIRE(1 / mu[i] >= nu * (1 - 1e-9));
    if (n == 2 && lambda > 0) {  // a fine grid never beats it (mean sojourn Σ λ_i/(μ_i − λ_i) / λ)
      auto cost = [&](double a) { return a / (mu[0] - a) + (lambda - a) / (mu[1] - (lambda - a)); };
      const double opt = cost(x[0]);
      for (int k = 0; k <= 2000; ++k) {
        const double a = lambda * k / 2000.0;
        if (a < mu[0] && lambda - a < mu[1]) REQUIRE(opt <= cost(a) + 1e-9 * opt);
      }
    }
  }
  const Eigen::VectorXd eq = optimal_static_split(std::vector<double>{2, 2, 2}, 3);
  CHECK(eq[0] == idn::test::rel(1.0));
  CHECK(eq[2] == idn::test::rel(1.0));
  CHECK_THROWS_WITH_AS(optimal_static_split(std::vector<double>{1, 1}, 2), doctest::Contains("lambda = 2"), idn::invalid_input);
}
