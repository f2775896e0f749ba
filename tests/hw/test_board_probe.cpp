// idn/hw/board_probe.hpp: a quick probe of this machine (1 and 2 threads) yields a well-formed
// board file: every quantity at every thread count, finite positive values, reliability exactly
// as the spread limit says, one progress call per point, a file that round-trips and that
// measured_device accepts. No timing is asserted beyond physical plausibility.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "error_of.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/board_probe.hpp"
#include "idn/hw/measured_device.hpp"

using namespace idn::hw;

TEST_CASE("run_board_probe (quick, 2 threads): every quantity at both thread counts; values, spreads and reliability consistent") {
  board_probe_options o;
  o.quick = true;
  o.threads = 2;
  o.spread_limit = 0.25;
  std::size_t progress_calls = 0;
  o.progress = [&](const std::string& what) {
    CHECK_FALSE(what.empty());
    ++progress_calls;
  };
  const board_file b = run_board_probe(o);
  std::set<std::pair<board_quantity, std::uint32_t>> seen;
  std::size_t reliable = 0;
  for (const board_point& p : b.points) {
    CAPTURE(board_quantity_names[static_cast<std::size_t>(p.quantity)]);
    REQUIRE((std::isfinite(p.value) && p.value > 0));
    REQUIRE((std::isfinite(p.spread) && p.spread >= 0));
    REQUIRE(p.reliable == (p.spread <= o.spread_limit));
    if (p.quantity == board_quantity::timer_resolution) {
      CHECK(p.value < 1e-3);  // a steady clock ticks faster than a millisecond
      continue;
    }
    REQUIRE((p.threads == 1 || p.threads == 2));
    REQUIRE(p.size > 0);
    seen.insert({p.quantity, p.threads});
    reliable += p.reliable ? 1 : 0;
    // Physical plausibility on any machine without a GPU: below 10 TB/s and 100 TFLOP/s.
    CHECK(p.value < (p.quantity == board_quantity::copy_bandwidth || p.quantity == board_quantity::triad_bandwidth ? 1e13 : 1e14));
  }
  for (const board_quantity q : {board_quantity::copy_bandwidth, board_quantity::triad_bandwidth, board_quantity::elementwise_fp32,
                                 board_quantity::gemm_fp32, board_quantity::gemm_fp64, board_quantity::depthwise_fp32})
    for (const std::uint32_t t : {1u, 2u}) {
      CAPTURE(board_quantity_names[static_cast<std::size_t>(q)]);
      CAPTURE(t);
      CHECK(seen.count({q, t}) == 1);
    }
  CHECK(progress_calls >= b.points.size() - 1);  // one call per measured point (the timer is one more)
  CHECK(reliable > 0);
  // The file round-trips, and with every point trusted a measured_device is built from it.
  std::stringstream ss;
  write_board_file(ss, b);
  const board_file back = read_board_file(ss, "probe");
  REQUIRE(back.points.size() == b.points.size());
  for (std::size_t i = 0; i < b.points.size(); ++i) CHECK(back.points[i].value == b.points[i].value);
  board_file trusted = b;
  for (board_point& p : trusted.points) p.reliable = true;
  const measured_device d(trusted);
  idn::dnn::layer l;
  l.kind = idn::dnn::layer_kind::conv;
  l.flop = 1e9;
  l.param_bytes = 1e6;
  CHECK(d.latency(l) > 0);
}

TEST_CASE("run_board_probe: bad options are named before anything runs") {
  board_probe_options o;
  o.threads = 0;
  CHECK(idn::test::error_of([&] { (void)run_board_probe(o); }) == "idn::hw::run_board_probe: threads = 0: must be >= 1");
  o.threads = 1;
  o.spread_limit = 0;
  CHECK(idn::test::error_of([&] { (void)run_board_probe(o); }) == "idn::hw::run_board_probe: spread_limit = 0: must be > 0");
  o.spread_limit = std::nan("");
  CHECK(idn::test::error_of([&] { (void)run_board_probe(o); }) == "idn::hw::run_board_probe: spread_limit = nan: must be > 0");
}
