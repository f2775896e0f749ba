// hw/energy.hpp: MLPerf Tiny's measured ResNet-8 energy on the STM32H7A3, and the split-request
// energy formula term by term.
#include <doctest/doctest.h>

#include <string>

#include "approx.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/energy.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"

using namespace idn::hw;
using namespace idn::dnn;

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
