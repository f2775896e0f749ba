// idn/hw/concepts.hpp: the optional-member helpers (device_name, weight_storage_of,
// call_overhead_of), the checked_* calls that enforce clauses C1, C3 and C5 with named messages,
// and clauses C1-C5 checked at run time on every shipped board preset and the stock link.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/concepts.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "random_layers.hpp"

using namespace idn::hw;

namespace {
/// A device whose answers are set by the test, to violate the clauses on purpose.
struct scripted_device {
  double t = 0, mem = 1;
  double latency(const idn::dnn::layer&) const noexcept { return t; }
  double work_time(double, double, idn::dnn::precision) const noexcept { return t; }
  double memory_bytes() const noexcept { return mem; }
  std::string_view name() const noexcept { return "scripted"; }
  double weight_storage() const noexcept { return 7; }
  double call_overhead() const noexcept { return 0.25; }
};
struct anonymous_device {
  double latency(const idn::dnn::layer&) const noexcept { return 0; }
  double work_time(double, double, idn::dnn::precision) const noexcept { return 0; }
  double memory_bytes() const noexcept { return 1; }
};
struct scripted_link {
  double t = 0;
  double transfer_time(double) const noexcept { return t; }
};
}  // namespace

static_assert(compute_device<scripted_device> && !powered_device<scripted_device>);
static_assert(link_model<scripted_link> && !powered_link<scripted_link>);

TEST_CASE("concepts: optional members are used when present and default when absent") {
  CHECK(device_name(scripted_device{}) == "scripted");
  CHECK(device_name(anonymous_device{}) == "device");
  CHECK(weight_storage_of(scripted_device{}) == 7);
  CHECK(weight_storage_of(anonymous_device{}) == 0);
  CHECK(call_overhead_of(scripted_device{}) == 0.25);
  CHECK(call_overhead_of(anonymous_device{}) == 0);
}

TEST_CASE("concepts: checked_latency / checked_transfer_time / checked_memory_bytes reject what C1, C5, C3 forbid, naming it") {
  idn::dnn::layer l;
  l.name = "conv1";
  l.index = 4;
  constexpr double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  for (const double bad : {-1e-9, inf, nan}) {
    CAPTURE(bad);
    CHECK(idn::test::error_of([&] { (void)checked_latency(scripted_device{bad}, l); })
              .find("idn::hw::checked_latency: scripted.latency(layers[4] 'conv1') = ") == 0);
    CHECK(idn::test::error_of([&] { (void)checked_transfer_time(scripted_link{bad}, 1000); })
              .find("idn::hw::checked_transfer_time: link.transfer_time(1000) = ") == 0);
  }
  CHECK(checked_latency(scripted_device{0.5}, l) == 0.5);
  CHECK(checked_latency(scripted_device{0}, l) == 0);
  CHECK(checked_transfer_time(scripted_link{0.125}, 1) == 0.125);
  for (const double bad : {0.0, -1.0, nan}) {
    CAPTURE(bad);
    CHECK(idn::test::error_of([&] { (void)checked_memory_bytes(scripted_device{0, bad}); }).find("idn::hw::checked_memory_bytes: scripted.memory_bytes() = ") == 0);
  }
  CHECK(checked_memory_bytes(scripted_device{0, inf}) == inf);  // unlimited memory is allowed
}

TEST_CASE("concepts: every board preset keeps C1-C4 and the stock link keeps C5 (2,000 random layers and workloads each)") {
  idn::rng g(31);
  int checked = 0;
  for (const board_preset& b : board_presets()) {
    CAPTURE(b.params.name);
    const roofline_device d(b.params);
    static_assert(powered_device<roofline_device>);
    CHECK(d.memory_bytes() > 0);                            // C3
    CHECK(d.active_power() >= d.idle_power());              // C4
    CHECK(d.idle_power() >= 0);
    for (std::uint32_t i = 0; i < 2000; ++i) {
      const idn::dnn::layer l = idn::test::random_layer(g, i);
      const double t = d.latency(l);
      REQUIRE((std::isfinite(t) && t >= 0));                // C1
      REQUIRE(d.latency(l) == t);                           // C1: a pure function
      const double flop = std::pow(10.0, 12 * idn::uniform01(g)), bytes = std::pow(10.0, 10 * idn::uniform01(g));
      const auto p = static_cast<idn::dnn::precision>(g() % 3);
      const double w = d.work_time(flop, bytes, p);
      REQUIRE((std::isfinite(w) && w >= 0));                // C2
      REQUIRE(d.work_time(flop * 1.5, bytes, p) >= w);      // C2: non-decreasing in both
      REQUIRE(d.work_time(flop, bytes * 1.5, p) >= w);
      ++checked;
    }
  }
  CHECK(checked == 2000 * static_cast<int>(board_presets().size()));
  const affine_link link(0.003, 1e8);
  double prev = link.transfer_time(0);
  CHECK(prev == 0.003);                                     // C5: x(0) is the latency
  for (double bytes = 1; bytes < 1e12; bytes *= 1.7) {
    const double t = link.transfer_time(bytes);
    REQUIRE((std::isfinite(t) && t >= prev));               // C5: finite, non-decreasing
    prev = t;
  }
}
