// The code of docs/hardware-models.md, compiled and run so the document cannot rot.
#include <doctest/doctest.h>

#include <cmath>
#include <string_view>
#include <vector>

#include "approx.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/energy.hpp"
#include "idn/hw/estimate.hpp"
#include "idn/hw/presets.hpp"

// --- docs: a custom device -------------------------------------------------------------
/// An NPU whose vendor tool reports a fixed cost per conv plus a throughput for the rest.
class my_npu {
 public:
  my_npu(double conv_seconds, double flops_per_second, double sram_bytes)
      : conv_s_(conv_seconds), flops_(flops_per_second), sram_(sram_bytes) {}

  // (C1) seconds for one layer at its own precision: finite, >= 0, noexcept, exactly double.
  double latency(const idn::dnn::layer& l) const noexcept {
    const double base = l.kind == idn::dnn::layer_kind::conv ? conv_s_ : 0.0;
    return base + work_time(l.flop, l.param_bytes, l.prec);
  }
  // (C2) an opaque workload: non-decreasing in flop and bytes.
  double work_time(double flop, double /*bytes*/, idn::dnn::precision p) const noexcept {
    return flop / (p == idn::dnn::precision::int8 ? 2 * flops_ : flops_);
  }
  // (C3) capacity for weights + activations.
  double memory_bytes() const noexcept { return sram_; }
  // Optional members the library honours when present:
  std::string_view name() const noexcept { return "my_npu"; }
  double active_power() const noexcept { return 2.5; }  // (C4) makes it a powered_device
  double idle_power() const noexcept { return 0.4; }

 private:
  double conv_s_, flops_, sram_;
};
static_assert(idn::hw::powered_device<my_npu>);
// --------------------------------------------------------------------------------------------

TEST_CASE("docs: the custom device works with every chain estimate") {
  const my_npu npu(20e-6, 1e12, 8e6);
  const auto net = idn::dnn::mobilenet_v2(224, 1.0, {idn::dnn::granularity::layers, idn::dnn::precision::int8});
  const double t = idn::hw::model_time(npu, net);
  CHECK(t > 0);
  CHECK(idn::hw::memory_fit(npu, net).fits);  // 3.5 MB of int8 weights + activations in 8 MB
  CHECK(idn::hw::compute_energy(npu, t) == idn::test::rel(2.5 * t));
}

TEST_CASE("docs: calibrating a preset from three measurements") {
  // --- docs: calibration -------------------------------------------------------------------
  const auto r50 = idn::dnn::resnet50({idn::dnn::granularity::layers});
  auto slice = [&](std::size_t first, std::size_t last) {
    return std::vector<idn::dnn::layer>(r50.layers().begin() + static_cast<std::ptrdiff_t>(first),
                                        r50.layers().begin() + static_cast<std::ptrdiff_t>(last));
  };
  // Three timed runs on the real board: the stem, stage 1, and the whole network.
  const std::vector<idn::hw::calibration_sample> runs{
      {slice(0, 4), 4.025e-3}, {slice(4, 34), 30.5e-3}, {slice(0, r50.num_layers()), 112.0e-3}};
  // Three runs cannot pin down three unknowns robustly: fix the per-layer overhead from an
  // empty-kernel measurement (15 us) and fit the two efficiencies.
  auto start = idn::hw::jetson_nano().params;
  start.layer_overhead = 15e-6;
  idn::hw::calibration_options only_efficiencies;
  only_efficiencies.fit_layer_overhead = false;
  const auto fit = idn::hw::calibrate_roofline(start, runs, only_efficiencies);
  const idn::hw::roofline_device calibrated(fit.params);
  // fit.params.compute_efficiency, .memory_efficiency, .layer_overhead now describe the board.
  // ------------------------------------------------------------------------------------------
  CHECK(fit.params.compute_efficiency <= 1);
  CHECK(fit.params.memory_efficiency <= 1);
  CHECK(fit.params.layer_overhead >= 0);
  CHECK(fit.rms_relative_error < 0.05);
  CHECK(idn::hw::model_time(calibrated, r50) == idn::test::rel(112.0e-3).epsilon(0.05));
  CHECK(fit.params.compute_efficiency == idn::test::rel(0.35).epsilon(0.15));  // the board's hidden truth
  // Held out: each run predicted by the fit of the other two (the checks above only see runs the
  // fit was made from). Measured: the stem and stage 1 within 10 %; the whole network, from the
  // stem and stage 1 alone, 20 % low (0.089 s for 0.112 s): the two early slices do not pin down
  // the efficiencies that the other 80 % of the network's time depends on, so calibrate on runs
  // that cover the whole network.
  const double tolerance[] = {0.10, 0.10, 0.25};
  for (std::size_t out = 0; out < runs.size(); ++out) {
    std::vector<idn::hw::calibration_sample> rest;
    for (std::size_t k = 0; k < runs.size(); ++k)
      if (k != out) rest.push_back(runs[k]);
    const idn::hw::roofline_device other(idn::hw::calibrate_roofline(start, rest, only_efficiencies).params);
    double predicted = 0;
    for (const auto& l : runs[out].layers) predicted += other.latency(l);
    CAPTURE(out);
    CHECK(predicted == idn::test::rel(runs[out].seconds).epsilon(tolerance[out]));
  }
}
