// docs/offload.md (hil_f tree == naive_hil_f grid mode, decision for decision) and §6.8
// (HIL-F regret <= the exponential-weights bound, fixed, anytime and interval forms).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/offload/calibrate.hpp"
#include "idn/offload/hil.hpp"
#include "idn/offload/reference.hpp"
#include "streams.hpp"

using namespace idn::offload;
using idn::test::labelled;
using idn::test::make_stream;

using idn::test::light;

namespace {

template <std::size_t Bins, class Real>
void lockstep(std::size_t n, int seeds, double q_tol, std::size_t max_ambiguous_per_1e5) {
  int run = 0;
  std::size_t ambiguous = 0, steps = 0;
  for (const auto fam : idn::test::all_families)
    for (int seed = 0; seed < seeds; ++seed, ++run) {
      const float beta = idn::test::beta_cycle[run % 5];
      const auto stream = make_stream(fam, n, 1000 + 17 * static_cast<std::uint64_t>(seed) + static_cast<std::uint64_t>(fam));
      hil_f<Bins, Real> tree;
      naive_hil_f ref;
      const hil_f_options p{beta, 0, n};
      REQUIRE(tree.configure(p));
      REQUIRE(ref.configure_grid(Bins, p));
      REQUIRE(tree.eta() == ref.eta());
      idn::rng g1(run), g2(run), g3(run);
      steps += n;
      for (std::size_t t = 0; t < n; ++t) {
        const labelled x = stream[t];
        const double q_tree = static_cast<double>(tree.accept_probability(x.s));
        const decision a = tree.decide(x.s, g1), b = ref.decide(x.s, g2);
        const double q_ref = ref.last_accept_probability();
        const double u = static_cast<double>(draw01<Real>(g3));
        REQUIRE(std::abs(q_tree - q_ref) <= q_tol);
        if (std::abs(u - q_ref) <= q_tol) ++ambiguous;
        else REQUIRE(a.offload == b.offload);
        REQUIRE(a.bin == b.bin);
        tree.feedback(a, x.y);
        ref.feedback(b, x.y);
      }
      CAPTURE(run);
      // Exact counters: cumulative losses equal the reference's (bit-exact for dyadic β).
      for (std::size_t j = 0; j <= Bins; j += (Bins >= 64 ? Bins / 16 : 1)) {
        const double l = tree.cumulative_loss(j), r = ref.cumulative_loss(j);
        if (beta == 0.f || beta == 1.f / 64 || beta == 0.5f || beta == 1.f) REQUIRE(l == r);
        else REQUIRE(std::abs(l - r) <= 1e-9 * std::max(1.0, r));
      }
    }
  // Steps where u falls within the tolerance of q_ref may legitimately differ: few of them.
  CHECK(ambiguous * 100000 <= max_ambiguous_per_1e5 * steps);
}
}  // namespace

TEST_CASE("hil_f<2|64, double> == naive_hil_f grid, 7 families x 10 seeds, identical decisions") {
  lockstep<2, double>(100000 / light, 10, 1e-9, 0);
  lockstep<64, double>(100000 / light, 10, 1e-9, 0);
}
TEST_CASE("hil_f<256|4096, double> == naive_hil_f grid") {
  lockstep<256, double>(30000 / light, 10, 1e-9, 0);
  lockstep<4096, double>(5000 / light, 3, 1e-9, 0);
}
TEST_CASE("hil_f<Bins, float> == naive_hil_f grid within 2e-5, at most 10 ambiguous steps per 1e5") {
  lockstep<2, float>(100000 / light, 10, 2e-5, 10);
  lockstep<64, float>(100000 / light, 10, 2e-5, 10);
  lockstep<256, float>(30000 / light, 10, 2e-5, 10);
  lockstep<4096, float>(5000 / light, 3, 2e-5, 10);
}

TEST_CASE("hil_f stress: eta = 8, 1e5 Y = 0 steps in the top bin keep q in [0,1], no NaN/inf/subnormal") {
  hil_f<256, float> f;
  REQUIRE(f.configure({1.f, 8.f}));
  idn::rng g(5);
  for (int t = 0; t < 100000; ++t) {
    const decision d = f.decide(0.999f, g);
    f.feedback(d, false);
    const float q = f.accept_probability(0.999f), q0 = f.accept_probability(0.f);
    REQUIRE((q >= 0.f && q <= 1.f));
    REQUIRE((q0 >= 0.f && q0 <= 1.f));
  }
  auto range_ok = [](const hil_f<256, float>& h) {
    bool ok = true;
    h.for_each_stored([&](float v) { ok = ok && std::isfinite(v) && std::fpclassify(v) != FP_SUBNORMAL && (v == 0.f || (v >= 0x1p-108f && v <= 0x1p108f)); });
    return ok;
  };
  REQUIRE(range_ok(f));
  CHECK(f.accept_probability(0.999f) == idn::test::rel(1.0f));
  // The other direction: Y = 1 every step drives everything toward always-offload.
  REQUIRE(f.configure({0.f, 8.f}));
  for (int t = 0; t < 100000; ++t) f.feedback(f.decide(0.999f, g), true);
  CHECK(f.accept_probability(0.999f) == idn::test::rel(0.0f));
  REQUIRE(range_ok(f));
}

namespace {
struct regret_run { double expected, best, n; };
// Σ[q_t Y_t + (1 − q_t)β] and min_j L_j over the grid experts, for hil_f<256> on a stream.
template <class Learner>
regret_run run_regret(Learner& f, const std::vector<labelled>& s, float beta, bool adaptive, idn::rng& g) {
  double expected = 0;
  for (std::size_t t = 0; t < s.size(); ++t) {
    float score = s[t].s;
    bool y = s[t].y;
    if (adaptive) {  // adversary: random bin, Y = 1 iff the learner currently accepts w.p. > 1/2
      score = static_cast<float>(g() % 256) / 256.f;
      y = f.accept_probability(score) > 0.5f;
    }
    const double q = static_cast<double>(f.accept_probability(score));
    expected += q * y + (1 - q) * beta;
    f.feedback(f.decide(score, g), y);
  }
  double best = INFINITY;
  for (std::size_t j = 0; j <= 256; ++j) best = std::min(best, f.cumulative_loss(j));
  return {expected, best, static_cast<double>(s.size())};
}
}  // namespace

TEST_CASE("hil_f regret <= L/eta + n*eta/8 (+1e-5 n) for auto eta and x1/4, x4; anytime <= L/eta_{n+1} + sum eta_t/2") {
  const double L = grid_log_inv_lambda(256);
  int run = 0;
  for (const std::size_t n : {std::size_t{1000}, std::size_t{10000}, std::size_t{100000} / light})
    for (int fam = 0; fam <= 7; ++fam, ++run) {
      const bool adaptive = fam == 7;
      const auto stream = make_stream(adaptive ? idn::test::stream_family::calibrated : idn::test::all_families[fam], n, 77 + static_cast<std::uint64_t>(run));
      const float beta = idn::test::beta_cycle[run % 5];
      for (const double mult : {1.0, 0.25, 4.0}) {
        const double eta = std::min(16.0, mult * std::sqrt(8 * L / double(n)));
        hil_f<256, double> f;
        REQUIRE(f.configure({beta, static_cast<float>(eta)}));
        idn::rng g(static_cast<std::uint64_t>(run));
        const regret_run r = run_regret(f, stream, beta, adaptive, g);
        CAPTURE(n);
        CAPTURE(fam);
        CAPTURE(mult);
        REQUIRE(r.expected - r.best <= hil_f_bound(n, L, static_cast<double>(f.eta())) + 1e-5 * r.n);
      }
      // Anytime: η_k = sqrt(8L/2^k) on rounds [2^k, 2^{k+1}).
      hil_f<256, double> f;
      REQUIRE(f.configure({beta}));
      idn::rng g(static_cast<std::uint64_t>(run));
      const regret_run r = run_regret(f, stream, beta, adaptive, g);
      double sum_eta = 0;
      for (std::size_t t = 1; t <= n; ++t) sum_eta += std::sqrt(8 * L / std::ldexp(1.0, static_cast<int>(std::floor(std::log2(double(t))))));
      const double eta_next = std::sqrt(8 * L / std::ldexp(1.0, static_cast<int>(std::floor(std::log2(double(n + 1))))));
      REQUIRE(r.expected - r.best <= L / eta_next + sum_eta / 2);
    }
}

TEST_CASE("naive_hil_f interval mode: regret <= ln(1/lambda_min)/eta + n*eta/8 against the best continuous threshold") {
  const std::size_t n = 20000 / light;
  for (int fam = 0; fam < 3; ++fam) {
    const auto stream = make_stream(idn::test::all_families[fam], n, 99 + static_cast<std::uint64_t>(fam));
    const float beta = 0.3f;
    naive_hil_f f;
    const float eta = static_cast<float>(std::sqrt(8 * 20.0 / double(n)));
    REQUIRE(f.configure_intervals({beta, eta}));
    idn::rng g(3);
    double expected = 0;
    std::vector<float> s(n);
    std::vector<std::uint8_t> y(n);
    for (std::size_t t = 0; t < n; ++t) {
      const double q = f.accept_probability(stream[t].s);
      expected += q * stream[t].y + (1 - q) * beta;
      f.feedback(f.decide(stream[t].s, g), stream[t].y);
      s[t] = stream[t].s, y[t] = stream[t].y;
    }
    std::vector<std::uint32_t> work(n);
    const threshold_result best = optimal_threshold(calibration_set{s, y}, beta, work);
    const double regret = expected - best.expected_cost * double(n);
    CAPTURE(fam);
    CAPTURE(f.log_inv_lambda_min());
    REQUIRE(regret <= f.log_inv_lambda_min() / double(eta) + double(n) * double(eta) / 8);
    CHECK(f.experts() > n / 2);  // float scores rarely repeat
  }
}

TEST_CASE("hil_f: configuration errors, unconfigured fail-safe, bad scores, stale feedback, set_beta") {
  hil_f<64> f;
  idn::rng g(1);
  decision d = f.decide(0.5f, g);
  CHECK(d.offload);
  CHECK(d.ticket == 0);
  f.feedback(d, true);  // ignored
  CHECK(f.configure({1.5f}).code == errc::out_of_range);
  CHECK_FALSE(f.configured());
  CHECK(f.configure({0.2f, 17.f}).code == errc::out_of_range);
  CHECK(f.configure({0.2f, std::nanf("")}).code == errc::not_finite);
  CHECK(f.configure({0.2f, 0.1f, 0, 10}).code == errc::out_of_range);
  char buf[128];
  format(f.configure({0.2f, 0.1f, 0, 10}), buf);
  CHECK(std::string(buf) == "idn::offload: rebuild_period = 10: must be 0 (auto) or >= 64");
  REQUIRE(f.configure({0.2f, 0.1f}));
  d = f.decide(std::nanf(""), g);
  CHECK(d.offload);
  CHECK(d.bad_input);
  CHECK(f.bad_scores() == 1);
  const double before = f.cumulative_loss(0);
  f.feedback(d, true);
  CHECK(f.cumulative_loss(0) == before);
  CHECK(f.decide_bin(64, g).bad_input);
  CHECK(f.decide(-3.f, g).bin == 0);  // finite scores are clamped
  CHECK(f.decide(7.f, g).bin == 63);
  CHECK(f.set_beta(2.f).code == errc::out_of_range);
  REQUIRE(f.set_beta(0.4f));
  d = f.decide(0.5f, g);
  CHECK(d.beta == 0.4f);
  // A decision taken under an older β is charged that β.
  REQUIRE(f.configure({0.2f, 0.1f}));
  const decision old = f.decide(0.5f, g);
  REQUIRE(f.set_beta(0.6f));
  f.feedback(old, false);
  CHECK(f.cumulative_loss(64) == idn::test::rel(0.2));
}
