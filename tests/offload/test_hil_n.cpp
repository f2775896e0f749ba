// docs/offload.md (hil_n tree == naive_hil_n grid; ring semantics; out-of-order feedback)
// and §6.9 (HIL-N expected regret <= hil_n_bound, 30-seed means).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/offload/hil.hpp"
#include "idn/offload/reference.hpp"
#include "streams.hpp"

using namespace idn::offload;
using idn::test::labelled;
using idn::test::make_stream;

using idn::test::light;

namespace {

template <std::size_t Bins, class Real>
void lockstep(std::size_t n, int seeds, double q_tol, std::size_t max_ambiguous_per_1e5, hil_n_estimator est) {
  int run = 0;
  std::size_t ambiguous = 0, steps = 0;
  for (const auto fam : idn::test::all_families)
    for (int seed = 0; seed < seeds; ++seed, ++run) {
      const float beta = idn::test::beta_cycle[run % 5];
      const auto stream = make_stream(fam, n, 2000 + 31 * static_cast<std::uint64_t>(seed) + static_cast<std::uint64_t>(fam));
      hil_n<Bins, 32, Real> tree;
      naive_hil_n ref;
      hil_n_options p{beta};
      p.horizon = n;
      p.estimator = est;
      REQUIRE(tree.configure(p));
      REQUIRE(ref.configure_grid(Bins, p, 32));
      REQUIRE(tree.epsilon() == ref.epsilon());
      REQUIRE(tree.eta() == ref.eta());
      idn::rng g1(run), g3(run);
      steps += n;
      for (std::size_t t = 0; t < n; ++t) {
        const labelled x = stream[t];
        const decision d = tree.decide(x.s, g1);
        ref.observe(d);
        const double q_ref = ref.last_accept_probability();
        const double coin = static_cast<double>(draw01<Real>(g3)), u = static_cast<double>(draw01<Real>(g3));
        const double q_tree = 1.0 - (static_cast<double>(d.offload_prob) - tree.epsilon()) / (1.0 - tree.epsilon());
        if (tree.epsilon() < 0.5f) REQUIRE(std::abs(q_tree - q_ref) <= q_tol + 1e-6);  // offload_prob is a float
        REQUIRE(d.explored == (coin < static_cast<double>(tree.epsilon())));
        if (!d.explored) {
          if (std::abs(u - q_ref) <= q_tol) ++ambiguous;
          else REQUIRE(d.offload == !(u < q_ref));
        }
        if (d.offload) {
          tree.feedback(d, x.y);
          ref.feedback(d, x.y);
        }
      }
      // Estimates agree (the tree's importance weights use its own r_t, rounded like q).
      for (std::size_t j = 0; j <= Bins; j += (Bins >= 64 ? Bins / 16 : 1)) {
        const double a = tree.cumulative_estimate(j), b = ref.cumulative_estimate(j);
        REQUIRE(std::abs(a - b) <= 1e-4 * std::max(1.0, b));
      }
      for (std::size_t s = 0; s <= 20; ++s) {
        const float score = static_cast<float>(s) / 20.f;
        REQUIRE(std::abs(static_cast<double>(tree.accept_probability(score)) - ref.accept_probability(score)) <= q_tol);
      }
    }
  CHECK(ambiguous * 100000 <= max_ambiguous_per_1e5 * steps);
}
}  // namespace

TEST_CASE("hil_n<Bins, 32, double> == naive_hil_n (observe), both estimators") {
  for (auto est : {hil_n_estimator::inverse_propensity, hil_n_estimator::exploration_only}) {
    lockstep<2, double>(100000 / light, 10, 1e-9, 0, est);
    lockstep<64, double>(100000 / light, 10, 1e-9, 0, est);
    lockstep<256, double>(30000 / light, 10, 1e-9, 0, est);
    lockstep<4096, double>(5000 / light, 3, 1e-9, 0, est);
  }
}
TEST_CASE("hil_n<Bins, 32, float> == naive_hil_n within 2e-5") {
  lockstep<64, float>(100000 / light, 10, 2e-5, 10, hil_n_estimator::inverse_propensity);
  lockstep<256, float>(30000 / light, 10, 2e-5, 10, hil_n_estimator::inverse_propensity);
}

TEST_CASE("hil_n: feedback permuted within the ring gives the in-order weights; eviction, stale tickets, cancel") {
  hil_n_options p{0.3f, 0.2f, 0.05f};
  hil_n<64, 32, double> a, b;
  REQUIRE(a.configure(p));
  REQUIRE(b.configure(p));
  idn::rng ga(4), gb(4), shuffle(9);
  const auto stream = make_stream(idn::test::stream_family::calibrated, 32000, 5);
  std::vector<std::pair<decision, bool>> batch;
  for (std::size_t t = 0; t < stream.size(); ++t) {
    const decision da = a.decide(stream[t].s, ga), db = b.decide(stream[t].s, gb);
    REQUIRE(da.offload == db.offload);
    REQUIRE(da.ticket == db.ticket);
    if (da.offload) batch.push_back({da, stream[t].y});
    if (batch.size() == 32 || t + 1 == stream.size()) {  // the ring holds 32: deliver before eviction
      for (const auto& [d, y] : batch) a.feedback(d, y);
      for (std::size_t i = batch.size(); i > 1; --i) std::swap(batch[i - 1], batch[shuffle() % i]);
      for (const auto& [d, y] : batch) b.feedback(d, y);
      batch.clear();
      REQUIRE(a.pending() == 0);
      REQUIRE(b.pending() == 0);
    }
  }
  // Normalized weights: relative 1e-6, or 1e-12 absolute for experts near the dead floor.
  for (std::size_t j = 0; j <= 64; ++j) REQUIRE(std::abs(a.weight(j) - b.weight(j)) <= std::max(1e-6 * b.weight(j), 1e-12));
  CHECK(a.dropped_tickets() == 0);

  // Ring: 40 offloads without feedback into a ring of 32 evict the 8 oldest.
  hil_n<64, 32> r;
  REQUIRE(r.configure({0.3f, 1.f, 0.05f}));  // ε = 1: every sample is an explored offload
  idn::rng g(1);
  std::vector<decision> ds;
  for (int i = 0; i < 40; ++i) ds.push_back(r.decide(0.5f, g));
  CHECK(r.pending() == 32);
  CHECK(r.dropped_tickets() == 8);
  const double before = r.cumulative_estimate(0);
  r.feedback(ds[3], true);  // evicted: stale, a no-op
  CHECK(r.cumulative_estimate(0) == before);
  r.feedback(ds[39], true);  // live: charged 1/r = 1
  CHECK(r.cumulative_estimate(0) == idn::test::rel(before + 1.0));
  CHECK(r.pending() == 31);
  r.feedback(ds[39], true);  // consumed already
  CHECK(r.cumulative_estimate(0) == idn::test::rel(before + 1.0));
  r.cancel(ds[38]);
  CHECK(r.pending() == 30);
  r.feedback(ds[38], true);  // cancelled: no-op
  CHECK(r.cumulative_estimate(0) == idn::test::rel(before + 1.0));
  decision forged = ds[10];
  forged.ticket = 0;
  r.feedback(forged, true);
  CHECK(r.pending() == 30);
}

TEST_CASE("hil_n: validation, auto parameters need a horizon, theory values, two draws per decide") {
  hil_n<64> h;
  CHECK(h.configure({0.3f}).code == errc::out_of_range);  // auto ε/η without a horizon
  char buf[128];
  format(h.configure({0.3f}), buf);
  CHECK(std::string(buf) == "idn::offload: horizon = 0: must be > 0 when epsilon or eta is auto");
  CHECK(h.configure({0.3f, 1.5f, 0.1f}).code == errc::out_of_range);
  CHECK(h.configure({0.3f, -0.1f, 0.1f}).code == errc::out_of_range);
  CHECK(h.configure({0.3f, 0.1f, std::nanf("")}).code == errc::not_finite);
  CHECK(h.configure({std::nanf(""), 0.1f, 0.1f}).code == errc::not_finite);
  hil_n_options p{0.25f};
  p.horizon = 100000;
  REQUIRE(h.configure(p));
  const hil_n_tuning t = hil_n_theory(100000, 0.25f, grid_log_inv_lambda(64));
  CHECK(h.epsilon() == t.epsilon);
  CHECK(h.eta() == t.eta);
  CHECK(t.epsilon == idn::test::rel(std::cbrt(std::log(65.0) / (2 * 0.0625 * 1e5))).epsilon(1e-6));
  CHECK(t.eta == idn::test::rel(std::sqrt(2 * double(t.epsilon) * std::log(65.0) / 1e5)).epsilon(1e-6));
  CHECK(hil_n_theory(1000, 0.f, 1.0).epsilon == 1.f);
  CHECK(hil_n_theory(1, 0.01f, 5.0).epsilon == 1.f);  // clamped
  idn::rng a(3), b(3);
  (void)h.decide(0.4f, a);
  (void)b(), (void)b();
  CHECK(a() == b());
  (void)h.decide(std::nanf(""), a);  // bad input still consumes two draws
  (void)b(), (void)b();
  CHECK(a() == b());
  CHECK(h.bad_scores() == 1);
}

TEST_CASE("hil_n expected regret (30-seed mean) <= hil_n_bound at the theory parameters") {
  const std::size_t seeds = 30 / (light == 1 ? 1 : 3);
  int checked = 0;
  for (const std::size_t n : {std::size_t{1000}, std::size_t{10000}, std::size_t{100000} / light})
    for (const auto fam : idn::test::all_families)
      for (auto est : {hil_n_estimator::inverse_propensity, hil_n_estimator::exploration_only}) {
        const float beta = idn::test::beta_cycle[(checked++) % 5];
        const auto stream = make_stream(fam, n, 3000 + n + static_cast<std::uint64_t>(fam));
        // Best grid expert in hindsight from the true losses.
        std::vector<double> err(256, 0), cnt(256, 0);
        for (const auto& x : stream) err[bin_of<256>(x.s)] += x.y, cnt[bin_of<256>(x.s)] += 1;
        double best = INFINITY, Lj = 0;
        for (std::size_t b = 0; b < 256; ++b) Lj += err[b];
        for (std::size_t j = 0; j <= 256; ++j) {
          best = std::min(best, Lj);
          if (j < 256) Lj += double(beta) * cnt[j] - err[j];
        }
        double mean_regret = 0;
        hil_n_options p{beta};
        p.horizon = n;
        p.estimator = est;
        for (std::size_t s = 0; s < seeds; ++s) {
          hil_n<256, 32, double> h;
          REQUIRE(h.configure(p));
          idn::rng g(100 + s);
          double expected = 0;
          for (const auto& x : stream) {
            const decision d = h.decide(x.s, g);
            expected += double(d.offload_prob) * beta + (1 - double(d.offload_prob)) * x.y;
            if (d.offload) h.feedback(d, x.y);
          }
          mean_regret += (expected - best) / double(seeds);
        }
        const hil_n_tuning t = hil_n_theory(n, beta, grid_log_inv_lambda(256));
        CAPTURE(n);
        CAPTURE(int(fam));
        CAPTURE(beta);
        REQUIRE(mean_regret <= hil_n_bound(n, grid_log_inv_lambda(256), t.eta, t.epsilon, beta));
      }
}
