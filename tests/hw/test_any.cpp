// idn/hw/any.hpp: any_device and any_link forward every query to the held model, copies share it,
// and optional members (power, weight storage, call overhead, name) default when absent.
#include <doctest/doctest.h>

#include "idn/dnn/zoo.hpp"
#include "idn/hw/any.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"

using namespace idn::hw;
using namespace idn::dnn;

TEST_CASE("any_device / any_link forward every query and report power presence") {
  const roofline_device d(jetson_xavier_nx().params);
  const any_device a = d;
  const profile p = resnet50();
  for (const auto& l : p.layers()) CHECK(a.latency(l) == d.latency(l));
  CHECK(a.work_time(1e9, 1e6, precision::fp16) == d.work_time(1e9, 1e6, precision::fp16));
  CHECK(a.memory_bytes() == d.memory_bytes());
  CHECK(a.active_power() == 15);
  CHECK(a.has_power());
  CHECK(a.name() == "jetson_xavier_nx");
  const any_device copy = a;
  CHECK(copy.name() == "jetson_xavier_nx");
  const any_link l = affine_link(0.001, 1e6, 2);
  CHECK(l.transfer_time(1000) == affine_link(0.001, 1e6, 2).transfer_time(1000));
  CHECK(l.transmit_power() == 2);
}

namespace {
/// The minimum a compute_device needs: no power, name, weight storage or call overhead.
struct bare_device {
  double latency(const layer& l) const noexcept { return l.flop * 1e-9; }
  double work_time(double flop, double bytes, precision) const noexcept { return flop * 1e-9 + bytes * 1e-10; }
  double memory_bytes() const noexcept { return 5e8; }
};
}  // namespace

TEST_CASE("any_device: absent optional members default (no power, 'device', no weight storage or overhead); present ones forward") {
  const any_device a = bare_device{};
  CHECK_FALSE(a.has_power());
  CHECK(a.active_power() == 0);
  CHECK(a.idle_power() == 0);
  CHECK(a.name() == "device");
  CHECK(a.weight_storage() == 0);
  CHECK(a.call_overhead() == 0);
  layer l;
  l.flop = 3e9;
  CHECK(a.latency(l) == 3.0);
  CHECK(a.work_time(1e9, 1e10, precision::int8) == 2.0);
  roofline_params p = stm32h7a3().params;
  p.call_overhead = 2e-3;
  const roofline_device mcu(p);
  const any_device b = mcu;
  CHECK(b.weight_storage() == mcu.weight_storage());
  CHECK(b.weight_storage() > 0);  // the MCU keeps weights in flash
  CHECK(b.call_overhead() == 2e-3);
  CHECK(b.idle_power() == mcu.idle_power());
  const any_link f = function_link([](double bytes) noexcept { return 1 + bytes; });
  CHECK_FALSE(f.has_power());
  CHECK(f.transmit_power() == 0);
  CHECK(f.name() == "link");
  CHECK(f.transfer_time(2) == 3);
  const any_link named(affine_link(0, 8), "uplink");
  CHECK(named.name() == "uplink");
  CHECK(named.transfer_time(5) == 5);
}
