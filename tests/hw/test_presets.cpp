// hw/presets.hpp: every preset validates and names its source; memory fit against real models.
#include <doctest/doctest.h>

#include <string>

#include "idn/dnn/zoo.hpp"
#include "idn/hw/estimate.hpp"
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
