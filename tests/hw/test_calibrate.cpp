#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/presets.hpp"
#include "random_layers.hpp"

using namespace idn::hw;

namespace {
// Independent model evaluation: ŷ_s for u = (t0, vc, vm).
double predict(const roofline_params& p, const calibration_sample& s, const std::array<double, 3>& u) {
  double y = p.call_overhead;
  for (const auto& l : s.layers) {
    const double c = u[1] * l.flop / p.peak_flops[static_cast<std::size_t>(l.prec)];
    const double m = u[2] * (l.param_bytes + l.input_bytes + l.output_bytes) / p.memory_bandwidth;
    y += u[0] + (p.overlap == overlap_mode::sum ? c + m : std::max(c, m));
  }
  return y;
}
double objective(const roofline_params& p, const std::vector<calibration_sample>& ss, const std::array<double, 3>& u) {
  double o = 0;
  for (const auto& s : ss) {
    const double e = (predict(p, s, u) - s.seconds) / s.seconds;
    o += e * e;
  }
  return o;
}
std::array<double, 3> unknowns(const roofline_params& p) {
  return {p.layer_overhead, 1 / p.compute_efficiency, 1 / p.memory_efficiency};
}
roofline_params base(overlap_mode ov) {
  auto p = jetson_xavier_nx().params;
  p.overlap = ov;
  return p;
}
std::vector<calibration_sample> make_samples(idn::rng& g, const roofline_params& p, const std::array<double, 3>& truth,
                                             int n, double noise) {
  std::vector<calibration_sample> ss;
  for (int s = 0; s < n; ++s) {
    calibration_sample cs;
    const int layers = 1 + static_cast<int>(g() % 8);
    for (int i = 0; i < layers; ++i) cs.layers.push_back(idn::test::random_layer(g, static_cast<std::uint32_t>(i)));
    cs.seconds = predict(p, cs, truth) * (1 + noise * (2 * idn::uniform01(g) - 1));
    ss.push_back(std::move(cs));
  }
  return ss;
}
}  // namespace

TEST_CASE("calibration (sum form): noise-free data are recovered to 1e-8") {
  idn::rng g(31);
  const auto p = base(overlap_mode::sum);
  for (int trial = 0; trial < 100; ++trial) {
    const std::array<double, 3> truth{1e-6 * (0.1 + idn::uniform01(g)), 1 + 9 * idn::uniform01(g), 1 + 4 * idn::uniform01(g)};
    const auto ss = make_samples(g, p, truth, 12, 0);
    const auto r = calibrate_roofline(p, ss);
    const auto u = unknowns(r.params);
    for (int j = 0; j < 3; ++j) REQUIRE(u[j] == idn::test::rel(truth[j]).epsilon(1e-8));
    REQUIRE(r.max_relative_error < 1e-10);
  }
}

TEST_CASE("calibration (sum form): KKT holds and a brute-force grid never beats the fit (200 noisy instances)") {
  idn::rng g(32);
  const auto p = base(overlap_mode::sum);
  for (int trial = 0; trial < 200; ++trial) {
    // Truths near the bounds make active constraints common.
    const std::array<double, 3> truth{(g() % 3 == 0) ? 0.0 : 1e-6 * idn::uniform01(g),
                                      (g() % 3 == 0) ? 1.0 : 1 + 5 * idn::uniform01(g),
                                      (g() % 3 == 0) ? 1.0 : 1 + 3 * idn::uniform01(g)};
    const auto ss = make_samples(g, p, truth, 6 + static_cast<int>(g() % 10), 0.3);
    calibration_options opt;
    opt.fit_layer_overhead = g() % 4 != 0;
    const auto r = calibrate_roofline(p, ss, opt);
    const auto u = unknowns(r.params);
    REQUIRE(u[0] >= 0);
    REQUIRE(u[1] >= 1);
    REQUIRE(u[2] >= 1);
    if (!opt.fit_layer_overhead) REQUIRE(u[0] == p.layer_overhead);
    const double f = objective(p, ss, u);
    // KKT by central finite differences of the independent objective.
    const std::array<double, 3> lower{0, 1, 1};
    for (int j = opt.fit_layer_overhead ? 0 : 1; j < 3; ++j) {
      const double h = std::max(1e-7 * std::abs(u[j]), j == 0 ? 1e-13 : 1e-7);
      auto up = u, dn = u;
      up[j] += h;
      dn[j] = std::max(lower[j], dn[j] - h);
      const double grad = (objective(p, ss, up) - objective(p, ss, dn)) / (up[j] - dn[j]);
      const double scale = j == 0 ? 1e-6 : 1.0;  // gradient per unit of a typical step
      if (u[j] > lower[j] + 10 * h)
        REQUIRE(std::abs(grad * scale) <= 1e-5 * (1 + f));
      else
        REQUIRE(grad * scale >= -1e-5 * (1 + f));
    }
    // Brute-force grid over the box.
    double best_grid = INFINITY;
    for (int a = 0; a <= 12; ++a)
      for (int b = 0; b <= 12; ++b)
        for (int c = 0; c <= 12; ++c) {
          const std::array<double, 3> v{opt.fit_layer_overhead ? 2e-6 * a / 12 : p.layer_overhead, 1 + 8.0 * b / 12, 1 + 5.0 * c / 12};
          best_grid = std::min(best_grid, objective(p, ss, v));
        }
    REQUIRE(f <= best_grid * (1 + 1e-12) + 1e-15);
    REQUIRE(r.rms_relative_error == idn::test::rel(std::sqrt(f / double(ss.size()))).epsilon(1e-9));
  }
}

TEST_CASE("calibration (max form): never ends above its sum-form start") {
  idn::rng g(33);
  const auto pmax = base(overlap_mode::max);
  const auto psum = base(overlap_mode::sum);
  int improved = 0;
  for (int trial = 0; trial < 100; ++trial) {
    const std::array<double, 3> truth{1e-6 * idn::uniform01(g), 1 + 9 * idn::uniform01(g), 1 + 4 * idn::uniform01(g)};
    const auto ss = make_samples(g, pmax, truth, 15, 0.05);
    const auto start_fit = calibrate_roofline(psum, ss);
    const double start_obj = objective(pmax, ss, unknowns(start_fit.params));
    const auto r = calibrate_roofline(pmax, ss);
    const double end_obj = objective(pmax, ss, unknowns(r.params));
    REQUIRE(end_obj <= start_obj * (1 + 1e-12));
    REQUIRE(r.rounds >= 1);
    improved += end_obj < 0.5 * start_obj;
  }
  CHECK(improved > 50);  // the heuristic does real work on max-form data
}

TEST_CASE("calibration: bad input") {
  const auto p = base(overlap_mode::sum);
  std::vector<calibration_sample> ss(2);
  ss[0].layers.resize(1);
  ss[0].seconds = 1;
  ss[1].layers.resize(1);
  ss[1].seconds = 1;
  CHECK_THROWS_WITH_AS(calibrate_roofline(p, ss),
                       "idn::hw::calibrate_roofline: samples.size() = 2: must be >= the number of fitted parameters = 3",
                       idn::invalid_input);
  calibration_options only_c;
  only_c.fit_layer_overhead = only_c.fit_memory = false;
  CHECK_NOTHROW(calibrate_roofline(p, ss, only_c));
  ss[1].seconds = -1;
  CHECK_THROWS_WITH_AS(calibrate_roofline(p, ss, only_c), "idn::hw::calibrate_roofline: samples[1].seconds = -1: must be finite and > 0",
                       idn::invalid_input);
  ss[1].seconds = 1;
  ss[1].layers.clear();
  CHECK_THROWS_AS(calibrate_roofline(p, ss, only_c), idn::invalid_input);
}
