// idn/hw/measured_device.hpp: the device's terms against an independent interpolation of its
// board file; boards without the points it needs and bad options are named.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/concepts.hpp"
#include "idn/hw/measured_device.hpp"
#include "random_layers.hpp"
#include "synthetic_board.hpp"

using namespace idn::hw;

static_assert(idn::hw::compute_device<measured_device>);

namespace {

/// Independent log-linear interpolation over (size, value) pairs, clamped.
double interp(std::vector<std::pair<double, double>> s, double x) {
  std::sort(s.begin(), s.end());
  if (x <= s.front().first) return s.front().second;
  if (x >= s.back().first) return s.back().second;
  for (std::size_t k = 1; k < s.size(); ++k)
    if (x <= s[k].first) {
      const double w = (std::log(x) - std::log(s[k - 1].first)) / (std::log(s[k].first) - std::log(s[k - 1].first));
      return (1 - w) * s[k - 1].second + w * s[k].second;
    }
  return s.back().second;
}

}  // namespace

TEST_CASE("measured_device: terms against an independent interpolation (2,000 random layers)") {
  const board_file b = idn::test::synthetic_board();
  const measured_device d(b);
  const std::vector<std::pair<double, double>> copy{{16384, 200e9}, {1048576, 80e9}, {67108864, 20e9}},
      gemm{{1e6, 20e9}, {1e9, 100e9}}, ew{{16384, 30e9}, {1048576, 30e9}, {67108864, 30e9}};
  idn::rng g(7);
  std::size_t compute_bound = 0, memory_bound = 0;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    idn::dnn::layer l = idn::test::random_layer(g, i);
    const double B = l.param_bytes + l.input_bytes + l.output_bytes;
    double c = 0;
    switch (l.kind) {
      case idn::dnn::layer_kind::conv: case idn::dnn::layer_kind::fc: case idn::dnn::layer_kind::attention: case idn::dnn::layer_kind::block:
        c = l.flop / interp(gemm, l.flop);
        break;
      case idn::dnn::layer_kind::depthwise_conv: c = l.flop / 8e9; break;
      default: c = l.flop / (interp(ew, B) / 8);
    }
    const double m = B / interp(copy, B);
    const roofline_terms t = d.terms(l);
    CHECK(t.compute == doctest::Approx(c).epsilon(1e-12));
    CHECK(t.memory == doctest::Approx(m).epsilon(1e-12));
    CHECK(d.latency(l) == doctest::Approx(std::max(c, m)).epsilon(1e-12));
    (c >= m ? compute_bound : memory_bound) += 1;
  }
  CHECK(compute_bound > 200);
  CHECK(memory_bound > 200);
  idn::dnn::layer view;  // a view (dnn::node_layer of a Reshape): no FLOPs, no bytes, free
  view.kind = idn::dnn::layer_kind::other;
  CHECK(d.latency(view) == 0);
  view.output_bytes = view.input_bytes = 1e6;  // a copy (Concat, Transpose) is not free
  CHECK(d.latency(view) > 0);
}

TEST_CASE("measured_device: a board without the points it needs, or bad options, are named") {
  // A board without the points a device needs.
  board_file thin = idn::test::synthetic_board();
  thin.points.erase(std::remove_if(thin.points.begin(), thin.points.end(), [](const board_point& p) { return p.quantity == board_quantity::depthwise_fp32; }),
                    thin.points.end());
  CHECK_THROWS_WITH_AS(measured_device{thin}, doctest::Contains("idn::hw::measured_device: reliable depthwise_fp32 points of board 'synthetic' at 1 thread(s) = 0: must be >= 1"), idn::invalid_input);
  measured_device_options two_threads;
  two_threads.threads = 2;
  CHECK_THROWS_WITH_AS(measured_device(idn::test::synthetic_board(), two_threads), doctest::Contains("idn::hw::measured_device: reliable copy_bandwidth points of board 'synthetic' at 2 thread(s) = 0: must be >= 1"), idn::invalid_input);
  measured_device_options neg;
  neg.fit.assign(idn::dnn::layer_kind_count, layer_kind_fit{});
  neg.fit[3].memory = -1;
  CHECK_THROWS_WITH_AS(measured_device(idn::test::synthetic_board(), neg), doctest::Contains("options.fit[3] (attention)"), idn::invalid_input);
}
