// idn/offload/reference.hpp: the naive learners are the oracles of hil_f and hil_n, so they are
// checked against the definitions by independent means: hand-computed weights for HIL-F (grid
// and interval experts), and for HIL-N the unbiasedness of its importance-weighted loss
// estimates (Monte-Carlo over seeds against the full-information losses of the same stream).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/offload/reference.hpp"
#include "streams.hpp"

using namespace idn::offload;

TEST_CASE("naive_hil_f grid: cumulative losses count y on accepting experts and beta on the others; q from them") {
  naive_hil_f f;
  REQUIRE(f.configure_grid(4, {0.25f, 0.5f}));
  CHECK(f.experts() == 5);
  const auto stream = idn::test::make_stream(idn::test::stream_family::calibrated, 400, 17);
  std::vector<double> want(5, 0.0);
  idn::rng g(3);
  for (const auto& x : stream) {
    const decision d = f.decide(x.s, g);
    REQUIRE(d.bin == std::min(3u, static_cast<std::uint32_t>(x.s * 4)));
    f.feedback(d, x.y);
    // Expert j is the threshold j/4: it accepts s >= j/4 and pays y, else offloads and pays beta
    // (from the score itself, not the learner's bin).
    for (std::uint32_t j = 0; j <= 4; ++j) want[j] += x.s >= static_cast<float>(j) / 4.f ? (x.y ? 1.0 : 0.0) : 0.25;
  }
  for (std::size_t j = 0; j <= 4; ++j) CHECK(f.cumulative_loss(j) == idn::test::rel(want[j]).epsilon(1e-12));
  // q(s) for a score in bin b: the weight of experts 0..b over all, w_j = exp(-eta (L_j - min L)).
  const double lmin = *std::min_element(want.begin(), want.end());
  for (std::uint32_t b = 0; b < 4; ++b) {
    double num = 0, den = 0;
    for (std::size_t j = 0; j <= 4; ++j) {
      const double w = std::exp(-0.5 * (want[j] - lmin));
      den += w;
      num += j <= b ? w : 0.0;
    }
    CHECK(f.accept_probability((static_cast<float>(b) + 0.5f) / 4.f) == idn::test::rel(num / den).epsilon(1e-9));
  }
  CHECK(f.accept_probability(-1.f) == f.accept_probability(0.f));                  // clamped
}

TEST_CASE("naive_hil_f intervals: one feedback splits the prior at s and reweights thresholds below it") {
  naive_hil_f f;
  REQUIRE(f.configure_intervals({0.25f, 1.f}));
  CHECK(f.experts() == 1);
  CHECK(f.accept_probability(0.3f) == idn::test::rel(0.3).epsilon(1e-7));  // uniform prior: q(s) = s
  idn::rng g(1);
  const decision d = f.decide(0.5f, g);
  f.feedback(d, true);  // thresholds theta <= 0.5 accept 0.5 and pay y = 1; the others pay beta
  CHECK(f.experts() == 2);
  CHECK(f.log_inv_lambda_min() == idn::test::rel(std::log(2.0)).epsilon(1e-12));
  const double w = std::exp(-1.0 * (1.0 - 0.25));  // relative weight of theta <= 0.5
  CHECK(f.accept_probability(0.25f) == idn::test::rel(0.25 * w / (0.5 * w + 0.5)).epsilon(1e-7));
  CHECK(f.accept_probability(0.75f) == idn::test::rel((0.5 * w + 0.25) / (0.5 * w + 0.5)).epsilon(1e-7));
  const decision e = f.decide(0.25f, g);  // a second split
  f.feedback(e, false);
  CHECK(f.experts() == 3);
  CHECK(f.log_inv_lambda_min() == idn::test::rel(std::log(4.0)).epsilon(1e-12));
  const double v = std::exp(-1.0 * (0.0 - 0.25));
  CHECK(f.accept_probability(0.25f) == idn::test::rel(0.25 * w * v / (0.25 * w * v + 0.25 * w + 0.5)).epsilon(1e-7));
}

TEST_CASE("naive_hil_n: loss estimates are unbiased for the full-information losses (Monte-Carlo, both estimators)") {
  const auto stream = idn::test::make_stream(idn::test::stream_family::miscalibrated, 150, 29);
  constexpr std::size_t bins = 8;
  constexpr float beta = 0.3f;
  std::vector<double> truth(bins + 1, 0.0);
  for (const auto& x : stream) {
    const auto b = std::min<std::uint32_t>(bins - 1, static_cast<std::uint32_t>(x.s * bins));
    for (std::uint32_t j = 0; j <= bins; ++j) truth[j] += j <= b ? (x.y ? 1.0 : 0.0) : static_cast<double>(beta);
  }
  for (const hil_n_estimator est : {hil_n_estimator::inverse_propensity, hil_n_estimator::exploration_only}) {
    CAPTURE(static_cast<int>(est));
    const int seeds = idn::test::light > 1 ? 300 : 2000;
    std::vector<double> sum(bins + 1, 0.0), sum2(bins + 1, 0.0);
    for (int seed = 0; seed < seeds; ++seed) {
      naive_hil_n h;
      hil_n_options p{beta, 0.25f, 0.8f};
      p.estimator = est;
      REQUIRE(h.configure_grid(bins, p, 256));
      idn::rng g(static_cast<std::uint64_t>(seed) + 1);
      for (const auto& x : stream) {
        const decision d = h.decide(x.s, g);
        if (d.ticket != 0) h.feedback(d, x.y);
      }
      for (std::size_t j = 0; j <= bins; ++j) {
        sum[j] += h.cumulative_estimate(j);
        sum2[j] += h.cumulative_estimate(j) * h.cumulative_estimate(j);
      }
    }
    for (std::size_t j = 0; j <= bins; ++j) {
      const double mean = sum[j] / seeds, var = sum2[j] / seeds - mean * mean;
      const double se = std::sqrt(std::max(var, 0.0) / seeds);
      CAPTURE(j);
      CHECK(std::abs(mean - truth[j]) <= 5 * se + 1e-9);
    }
    CHECK(truth[0] > 10);  // the accepting expert's loss is not trivially zero
  }
}
