#include <doctest/doctest.h>

#include <string>

#include "approx.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/energy.hpp"
#include "idn/hw/estimate.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"

using namespace idn::hw;
using namespace idn::dnn;

TEST_CASE("presets: all validate, have a source and a note, are uncalibrated") {
  const auto all = board_presets();
  CHECK(all.size() == 7);
  for (const auto& b : all) {
    CAPTURE(b.params.name);
    CHECK_NOTHROW(roofline_device(b.params));
    CHECK(!b.source.empty());
    CHECK(!b.note.empty());
    CHECK(!b.calibrated);
    CHECK(b.params.compute_efficiency == 1);
  }
}

TEST_CASE("presets: ResNet-50 fp32 does not fit the STM32H7A3, fits every GPU") {
  const auto r50 = resnet50();
  const auto mcu = memory_fit(roofline_device(stm32h7a3().params), r50);
  CHECK(!mcu.fits);
  CHECK(mcu.weight_capacity == 2.0 * 1024 * 1024);
  for (const auto& b : {jetson_nano(), jetson_xavier_nx(), jetson_agx_orin_64gb(), nvidia_t4(), nvidia_a100_40gb()})
    CHECK(memory_fit(roofline_device(b.params), r50).fits);
  // Independent recomputation of the report.
  const auto rep = memory_fit(roofline_device(nvidia_t4().params), r50, 2, 5);
  double w = 0, peak = 0;
  for (std::size_t i = 2; i < 5; ++i) { w += r50.layer(i).param_bytes; peak = std::max(peak, r50.layer(i).workspace_bytes); }
  CHECK(rep.weights == w);
  CHECK(rep.peak_activation == peak);
  CHECK_THROWS_AS(memory_fit(roofline_device(nvidia_t4().params), r50, 5, 2), idn::invalid_input);
  CHECK_THROWS_AS(memory_fit(roofline_device(nvidia_t4().params), r50, 0, 99), idn::invalid_input);
}

TEST_CASE("energy: MLPerf Tiny STM32H7A3 ResNet-8 ~ 8.70 mJ per inference") {
  const roofline_device mcu(stm32h7a3().params);
  CHECK(compute_energy(mcu, 1 / 18.44) == idn::test::rel(8.70e-3).epsilon(0.01));
  CHECK_THROWS_WITH_AS(compute_energy(roofline_device(raspberry_pi_4().params), 1.0),
                       "idn::hw::checked_active_power: active_power() of device 'raspberry_pi_4' = 0: must be finite and > 0 W (clause C4)", idn::invalid_input);
  auto p = jetson_nano().params;
  p.idle_power = 4;
  CHECK(compute_energy(roofline_device(p), 2.0, energy_basis::incremental) == 12);
  CHECK_THROWS_AS(compute_energy(roofline_device(p), -1.0), idn::invalid_input);
}

TEST_CASE("energy: split request = sum P_act t_i + E_tx(S_k) + P_idle T_wait") {
  auto p = jetson_nano().params;
  p.idle_power = 2;
  const roofline_device d(p);
  const affine_link link(0.01, 20e6, 1.5);
  const auto r50 = resnet50();
  for (std::size_t k = 0; k <= r50.num_layers(); ++k) {
    double e = 0;
    for (std::size_t i = 0; i < k; ++i) e += 10 * d.latency(r50.layer(i));
    if (k < r50.num_layers()) e += 1.5 * 8 * (k == 0 ? r50.input_bytes() : r50.layer(k - 1).output_bytes) / 20e6;
    e += 2 * 0.3;
    CHECK(split_request_energy(d, link, r50, k, 0.3) == idn::test::rel(e).epsilon(1e-12));
  }
  CHECK_THROWS_AS(split_request_energy(d, link, r50, 19, 0.0), idn::invalid_input);
}

TEST_CASE("estimate: model_time adds the call overhead once; layer_times checks clause C1") {
  auto p = nvidia_t4().params;
  p.call_overhead = 1e-3;
  p.layer_overhead = 1e-5;
  const roofline_device d(p);
  const auto r50 = resnet50({granularity::layers});
  const auto t = layer_times(d, r50);
  CHECK(model_time(d, r50) == idn::test::rel(1e-3 + t.sum()).epsilon(1e-12));
  CHECK(model_time(d, r50, 3, 3) == 1e-3);
  struct bad_device {
    double latency(const layer&) const noexcept { return -1; }
    double work_time(double, double, precision) const noexcept { return 0; }
    double memory_bytes() const noexcept { return 1; }
    std::string_view name() const noexcept { return "bad"; }
  };
  CHECK_THROWS_WITH_AS(layer_times(bad_device{}, r50),
                       "idn::hw::checked_latency: bad.latency(layers[0] 'stem/conv1') = -1: must be finite and >= 0 (clause C1)",
                       idn::invalid_input);
}
