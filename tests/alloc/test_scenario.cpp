// idn/alloc/scenario.hpp: tiered_network builds the tree it describes (node, option and type
// counts, every type's path up the home parents to the root, link and inference latencies of
// every entry and fallback), synthetic_tiered is that tree with its documented ladders, and
// option_from_profile sums a device's layer latencies (oracle: the roofline formula by hand).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>

#include "approx.hpp"
#include "error_of.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/roofline.hpp"

using namespace idn::alloc;

namespace {
constexpr double gib = 1024.0 * 1024.0 * 1024.0;
}  // namespace

TEST_CASE("synthetic_tiered: counts, paths to the root, entry and fallback latencies from the tier ladders (4 shapes)") {
  const synthetic_options shapes[] = {{{2, 2, 2}, 2, 2, 2, 1}, {{3, 1, 2}, 3, 1, 4, 7}, {{1, 1, 1}, 1, 3, 3, 2}, {{2, 3, 2}, 4, 2, 4, 5}};
  for (const synthetic_options& sp : shapes) {
    const network net = synthetic_tiered(sp);
    const std::size_t regional = sp.fanout[0], edge = regional * sp.fanout[1], access = edge * sp.fanout[2];
    const std::size_t uplinks = std::min(sp.access_uplinks, edge);
    CHECK(net.num_nodes() == 1 + regional + edge + access);
    CHECK(net.num_models() == sp.tasks * sp.models_per_task);
    CHECK(net.num_types() == access * uplinks * sp.tasks);
    const instance in = net.build();
    // Options: every model on every non-root node, except sizes 0.25 GiB * 2^q above a 1 GiB access budget.
    std::size_t fit_access = 0;
    for (std::size_t q = 0; q < sp.models_per_task; ++q) fit_access += 0.25 * std::pow(2.0, static_cast<double>(q)) <= 1.0 ? 1 : 0;
    const std::size_t fit_edge = std::min<std::size_t>(sp.models_per_task, 5), fit_regional = std::min<std::size_t>(sp.models_per_task, 7);
    CHECK(in.num_vars() == sp.tasks * (regional * fit_regional + edge * fit_edge + access * fit_access));
    // Node ids are assigned tier by tier: root 0, then regional, edge, access.
    auto tier_of = [&](node_id v) -> int { return v == 0 ? 0 : (v <= regional ? 1 : (v <= regional + edge ? 2 : 3)); };
    const double link_s[4] = {0, 0.020, 0.010, 0.005};  // uplink latency of each tier
    std::set<std::pair<std::size_t, std::size_t>> leaf_uplinks;
    for (std::size_t t = 0; t < in.num_types(); ++t) {
      const auto path = in.type_path(type_id{static_cast<std::uint32_t>(t)});
      REQUIRE(path.size() == 4);
      for (std::size_t h = 0; h < 4; ++h) REQUIRE(tier_of(path[h]) == 3 - static_cast<int>(h));
      leaf_uplinks.insert({path[0], path[1]});
      // Above the first uplink, each node goes to its home parent: index / fanout within its tier.
      const std::size_t edge_index = path[1] - 1 - regional, regional_index = path[2] - 1;
      CHECK(regional_index == edge_index / sp.fanout[1]);
      double hop_latency[4] = {0, link_s[3], link_s[3] + link_s[2], link_s[3] + link_s[2] + link_s[1]};
      for (std::uint32_t e = in.type_begin()[t]; e < in.type_begin()[t + 1]; ++e) {
        const std::size_t var = in.entry_var()[e];
        const std::uint32_t hop = in.entry_hop()[e];
        REQUIRE(in.var_node()[var] == path[hop]);
        REQUIRE(in.entry_latency()[e] == idn::test::rel(hop_latency[hop] + in.var_delay()[var]).epsilon(1e-12));
      }
      // Fallback: the root's pin of the cheapest model of the task, 2 ms * (1 + q) at the root.
      const double q = static_cast<double>(in.fallback_model()[t] % sp.models_per_task);
      CHECK(in.fallback_latency()[t] == idn::test::rel(hop_latency[3] + 0.002 * (1 + q)).epsilon(1e-12));
    }
    CHECK(leaf_uplinks.size() == access * uplinks);  // distinct uplinks per leaf
    // Ladders: size 0.25 GiB * 2^q, delay (1 + q) * {4, 8, 16} ms, capacity floor({400, 200, 100} / (1 + q)).
    for (std::size_t j = 0; j < in.num_vars(); ++j) {
      const double q = static_cast<double>(in.var_model()[j] % sp.models_per_task);
      const int k = tier_of(in.var_node()[j]);
      const double delay_ms[4] = {2, 4, 8, 16}, cap[4] = {0, 400, 200, 100};
      REQUIRE(in.size()[static_cast<Eigen::Index>(j)] == 0.25 * gib * std::pow(2.0, q));
      REQUIRE(in.var_delay()[j] == idn::test::rel((1 + q) * delay_ms[k] * 1e-3).epsilon(1e-12));
      REQUIRE(in.capacity()[static_cast<Eigen::Index>(j)] == std::floor(cap[k] / (1 + q)));
    }
  }
  CHECK(synthetic_tiered({{2, 2, 2}, 2, 2, 2, 9}).build().num_vars() == synthetic_tiered({{2, 2, 2}, 2, 2, 2, 9}).build().num_vars());
}

TEST_CASE("tiered_network: a single tier gives one local type per task; options over budget are skipped; bad input is named") {
  tiered_options p;
  p.tiers = {{"only", 1, 4 * gib, 0, 1}};
  p.catalog = {{"vision", {{"small", 0.7}, {"big", 0.9}}}};
  p.option = [](std::size_t, model_id m) -> std::optional<option_data> { return option_data{(m == 0 ? 1 : 8) * gib, 0.01, 10}; };
  const network one = tiered_network(p);
  CHECK(one.num_nodes() == 1);
  CHECK(one.num_types() == 1);
  p.tiers = {{"cloud", 1, 0, 0, 1}, {"edge", 3, 4 * gib, 0.01, 1}};
  const instance two = tiered_network(p).build();
  CHECK(two.num_vars() == 3);  // the 8 GiB model does not fit a 4 GiB edge node
  for (std::size_t j = 0; j < two.num_vars(); ++j) CHECK(two.var_model()[j] == 0);
  tiered_options bad = p;
  bad.tiers.clear();
  CHECK(idn::test::error_of([&] { (void)tiered_network(bad); }) == "idn::alloc::tiered_network: tiers.size() = 0: must be >= 1");
  bad = p;
  bad.option = nullptr;
  CHECK(idn::test::error_of([&] { (void)tiered_network(bad); }) == "idn::alloc::tiered_network: option = empty: must be a callable");
  bad = p;
  bad.tiers[1].fanout = 0;
  CHECK(idn::test::error_of([&] { (void)tiered_network(bad); }) == "idn::alloc::tiered_network: tiers[1].fanout = 0: must be >= 1");
}

TEST_CASE("option_from_profile: delay = sum of roofline layer times + call overhead; size = params + peak workspace; make_option floors") {
  idn::hw::roofline_params rp;
  rp.name = "test";
  rp.peak_flops = {2e12, 4e12, 8e12};
  rp.memory_bandwidth = 50e9;
  rp.call_overhead = 3e-4;
  const idn::hw::roofline_device dev(rp);
  const idn::dnn::profile net = idn::dnn::resnet50();
  double delay = rp.call_overhead, params = 0, ws = 0;
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    const auto& x = net.layer(l);
    delay += std::max(x.flop / rp.peak_flops[static_cast<std::size_t>(x.prec)], (x.param_bytes + x.input_bytes + x.output_bytes) / rp.memory_bandwidth);
    params += x.param_bytes;
    ws = std::max(ws, x.workspace_bytes);
  }
  const option_data o = option_from_profile(net, dev, 1.0);
  CHECK(o.inference_delay_s == idn::test::rel(delay).epsilon(1e-12));
  CHECK(o.size_bytes == idn::test::rel(params + ws).epsilon(1e-12));
  CHECK(o.capacity_per_slot == std::floor(1.0 / o.inference_delay_s));
  CHECK(params > 90e6);  // ResNet-50's ~25.6 M fp32 parameters
  const option_data m = make_option(3e9, 0.02, 49.99, 2.0);
  CHECK(m.size_bytes == 3e9);
  CHECK(m.inference_delay_s == 0.02);
  CHECK(m.capacity_per_slot == 99);
}
