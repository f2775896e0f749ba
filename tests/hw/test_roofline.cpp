#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/energy.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/roofline.hpp"
#include "random_layers.hpp"

using namespace idn::hw;
using idn::dnn::layer;

namespace {
roofline_params random_params(idn::rng& g, overlap_mode ov) {
  roofline_params p;
  p.name = "rand";
  for (auto& v : p.peak_flops) v = std::exp(18 + idn::uniform01(g) * 16);
  p.memory_bandwidth = std::exp(18 + idn::uniform01(g) * 10);
  p.compute_efficiency = 0.05 + 0.95 * idn::uniform01(g);
  p.memory_efficiency = 0.05 + 0.95 * idn::uniform01(g);
  p.layer_overhead = idn::uniform01(g) * 1e-5;
  p.overlap = ov;
  return p;
}
}  // namespace

TEST_CASE("roofline: monotone, max <= sum <= 2 max - t0, peak scaling, bound classification") {
  idn::rng g(11);
  for (int t = 0; t < 10000; ++t) {
    auto pm = random_params(g, overlap_mode::max);
    auto ps = pm;
    ps.overlap = overlap_mode::sum;
    const roofline_device dm(pm), ds(ps);
    const layer l = idn::test::random_layer(g);
    const double tmax = dm.latency(l), tsum = ds.latency(l), t0 = pm.layer_overhead;
    // monotone in F and B
    layer more_f = l, more_b = l;
    more_f.flop *= 1.5;
    more_b.output_bytes *= 1.5;
    REQUIRE(dm.latency(more_f) >= tmax);
    REQUIRE(dm.latency(more_b) >= tmax);
    REQUIRE(ds.latency(more_f) > tsum);
    REQUIRE(ds.latency(more_b) > tsum);
    // max <= sum <= 2 max - t0
    REQUIRE(tmax <= tsum);
    REQUIRE(tsum <= (2 * tmax - t0) * (1 + 1e-15));
    // doubling the peak halves the compute term (sum form isolates it)
    const auto prec = static_cast<std::size_t>(l.prec);
    const double bytes = l.param_bytes + l.input_bytes + l.output_bytes;
    const double compute_term = ds.latency(l) - t0 - bytes / (ps.memory_efficiency * ps.memory_bandwidth);
    auto ps2 = ps;
    ps2.peak_flops[prec] *= 2;
    const double compute_term2 = roofline_device(ps2).latency(l) - t0 - bytes / (ps.memory_efficiency * ps.memory_bandwidth);
    // Both terms come from subtracting from the whole latency: compare on that scale.
    REQUIRE(std::abs(compute_term2 - compute_term / 2) <= 1e-12 * ds.latency(l));
    // compute bound <=> I >= I* * eta_c / eta_m (independently recomputed)
    const double intensity = l.flop / bytes;
    const double threshold = pm.peak_flops[prec] / pm.memory_bandwidth * pm.compute_efficiency / pm.memory_efficiency;
    if (std::abs(intensity / threshold - 1) > 1e-12) REQUIRE(compute_bound(pm, l, l.prec) == (intensity >= threshold));
    REQUIRE(arithmetic_intensity(l) == idn::test::rel(intensity));
    // work_time = latency - t0
    REQUIRE(std::abs(dm.work_time(l.flop, bytes, l.prec) - (tmax - t0)) <= 1e-14 * tmax);  // tmax − t0 rounds on tmax's scale
  }
}

TEST_CASE("roofline: activations on chip move only parameters; ridge point") {
  roofline_params p;
  p.name = "x";
  p.peak_flops = {1e12, 2e12, 4e12};
  p.memory_bandwidth = 1e11;
  p.activations_on_chip = true;
  const roofline_device d(p);
  layer l;
  l.flop = 0;
  l.param_bytes = 1e6;
  l.input_bytes = 1e9;
  l.output_bytes = 1e9;
  CHECK(d.latency(l) == idn::test::rel(1e6 / 1e11));
  CHECK(ridge_point(p, idn::dnn::precision::fp16) == 20);
  CHECK(d.memory_bytes() == std::numeric_limits<double>::infinity());
}

TEST_CASE("roofline: invalid parameters are named") {
  auto msg = [](roofline_params p) {
    try { roofline_device d(std::move(p)); } catch (const idn::invalid_input& e) { return std::string(e.what()); }
    return std::string();
  };
  roofline_params ok;
  ok.name = "b";
  ok.peak_flops = {1e9, 1e9, 1e9};
  ok.memory_bandwidth = 1e9;
  CHECK(msg(ok).empty());
  auto p = ok;
  p.peak_flops[2] = 0;
  CHECK(msg(p) == "idn::hw::roofline_device: device 'b': peak_flops[int8] = 0: must be finite and > 0");
  p = ok; p.memory_bandwidth = -1;
  CHECK(msg(p).find("memory_bandwidth = -1") != std::string::npos);
  p = ok; p.compute_efficiency = 1.5;
  CHECK(msg(p).find("compute_efficiency = 1.5") != std::string::npos);
  p = ok; p.memory_efficiency = 0;
  CHECK(msg(p).find("memory_efficiency = 0") != std::string::npos);
  p = ok; p.layer_overhead = -1e-6;
  CHECK(msg(p).find("layer_overhead") != std::string::npos);
  p = ok; p.memory_bytes = -5;
  CHECK(msg(p).find("memory_bytes = -5") != std::string::npos);
  p = ok; p.active_power = 5; p.idle_power = 6;
  CHECK(msg(p).find("idle_power = 6") != std::string::npos);
  p = ok; p.peak_flops[0] = NAN;
  CHECK(msg(p).find("peak_flops[fp32] = nan") != std::string::npos);
}

TEST_CASE("links: affine additivity within 4 ulp, transmit energy, bad input") {
  idn::rng g(3);
  for (int t = 0; t < 10000; ++t) {
    const double lat = idn::uniform01(g) * 1e-2, rate = std::exp(10 + idn::uniform01(g) * 15), pw = idn::uniform01(g) * 3;
    const affine_link l(lat, rate, pw);
    const double a = std::exp(idn::uniform01(g) * 20), b = std::exp(idn::uniform01(g) * 20);
    const double lhs = l.transfer_time(a) + l.transfer_time(b), rhs = l.transfer_time(a + b) + l.transfer_time(0);
    REQUIRE(std::abs(lhs - rhs) <= 4 * std::numeric_limits<double>::epsilon() * std::max(lhs, rhs));
    // transmit_energy = P·(x(a) − x(0)): the subtraction rounds on the scale of P·x(a).
    REQUIRE(std::abs(transmit_energy(l, a) - pw * 8 * a / rate) <= 1e-14 * pw * l.transfer_time(a));
  }
  CHECK(affine_link(0.01, 1e6).transfer_time(0) == 0.01);
  CHECK_THROWS_AS(affine_link(-1, 1e6), idn::invalid_input);
  CHECK_THROWS_AS(affine_link(0, 0), idn::invalid_input);
  CHECK_THROWS_AS(affine_link(0, 1e6, -1), idn::invalid_input);
  CHECK(affine_link(0.5, INFINITY).transfer_time(1e9) == 0.5);
}
