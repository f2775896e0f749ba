#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/any.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/profile_table.hpp"

using namespace idn::hw;
using namespace idn::dnn;

TEST_CASE("profile_table_device: name, then index, then kappa * fallback; kappa = median by sorting") {
  idn::rng g(5);
  const profile ref = resnet50({granularity::layers});
  const roofline_device fb(jetson_nano().params);
  for (int trial = 0; trial < 50; ++trial) {
    latency_table t;
    std::map<std::size_t, double> truth;  // layer index -> measured
    for (std::size_t i = 0; i < ref.num_layers(); ++i) {
      const auto r = g() % 4;
      const double m = fb.latency(ref.layer(i)) * (0.5 + 2 * idn::uniform01(g));
      if (r == 0) { t.by_name.emplace_back(ref.layer(i).name, m); truth[i] = m; }
      else if (r == 1) { t.by_index.emplace_back(i, m); truth[i] = m; }
    }
    // A name entry wins over an index entry for the same layer.
    t.by_index.emplace_back(0, 123.0);
    const bool name0 = std::any_of(t.by_name.begin(), t.by_name.end(), [&](auto& e) { return e.first == ref.layer(0).name; });
    if (!name0) { std::erase_if(t.by_index, [](auto& e) { return e.first == 0 && e.second != 123.0; }); truth[0] = 123.0; }
    const profile_table_device dev(t, fb, &ref);
    // Independent kappa: median of ratios per kind by sorting.
    std::map<layer_kind, std::vector<double>> ratios;
    for (const auto& [i, m] : truth) ratios[ref.layer(i).kind].push_back(m / fb.latency(ref.layer(i)));
    for (std::size_t k = 0; k < layer_kind_count; ++k) {
      const auto kind = static_cast<layer_kind>(k);
      auto v = ratios[kind];
      double expect = 1;
      if (!v.empty()) {
        std::sort(v.begin(), v.end());
        expect = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
      }
      REQUIRE(dev.correction(kind) == idn::test::rel(expect).epsilon(1e-14));
    }
    for (std::size_t i = 0; i < ref.num_layers(); ++i) {
      const auto& l = ref.layer(i);
      const auto src = dev.source_of(l);
      if (truth.count(i)) {
        REQUIRE(src != lookup_source::fallback);
        REQUIRE(dev.latency(l) == truth[i]);
      } else {
        REQUIRE(src == lookup_source::fallback);
        REQUIRE(dev.latency(l) == idn::test::rel(dev.correction(l.kind) * fb.latency(l)).epsilon(1e-15));
      }
    }
    // Other precision: plain fallback.
    const profile q = with_precision(ref, precision::int8);
    for (std::size_t i = 0; i < q.num_layers(); i += 7) {
      REQUIRE(dev.source_of(q.layer(i)) == lookup_source::fallback);
      REQUIRE(dev.latency(q.layer(i)) == fb.latency(q.layer(i)));
    }
  }
}

TEST_CASE("profile_table_device: bad entries") {
  const roofline_device fb(nvidia_t4().params);
  latency_table t;
  t.by_name = {{"a", 1.0}, {"a", 2.0}};
  CHECK_THROWS_AS(profile_table_device(t, fb), idn::invalid_input);
  t.by_name = {{"a", -1.0}};
  CHECK_THROWS_WITH_AS(profile_table_device(t, fb), "idn::hw::profile_table_device: latency_table.by_name[0].second ('a') = -1: must be finite and >= 0",
                       idn::invalid_input);
  t.by_name = {};
  t.by_index = {{3, 1.0}, {3, 1.0}};
  CHECK_THROWS_AS(profile_table_device(t, fb), idn::invalid_input);
  t.by_index = {};
  const profile ref = resnet50({granularity::units, precision::int8});
  CHECK_THROWS_AS(profile_table_device(t, fb, &ref), idn::invalid_input);
}
