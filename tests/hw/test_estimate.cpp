// hw/estimate.hpp: model_time adds the call overhead once; layer_times checks clause C1.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "approx.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/estimate.hpp"
#include "idn/hw/presets.hpp"

using namespace idn::hw;
using namespace idn::dnn;

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
