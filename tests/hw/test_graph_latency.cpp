// hw/graph_latency.hpp on a hand-made residual block (in → n0 → n1 → n2 → n3(n0's and n2's
// outputs) → out): the single-tensor layers are {n0} and {n1, n2, n3}, worked out by hand; every
// layer's time is the sum of its nodes' own-traffic latencies, not of its live-set bytes.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/dnn/graph_profile.hpp"
#include "idn/hw/graph_latency.hpp"
#include "idn/hw/roofline.hpp"

using namespace idn;

namespace {
dnn::graph_profile residual_block() {
  dnn::graph_profile g;
  g.name = "residual";
  auto tensor = [&](double bytes, std::int64_t producer) {
    dnn::graph_tensor t;
    t.name = idn::concat("t", g.tensors.size());
    t.bytes = bytes;
    t.producer = producer;
    g.tensors.push_back(t);
    return static_cast<std::uint32_t>(g.tensors.size() - 1);
  };
  const auto in = tensor(100, -1);
  g.inputs = {in};
  auto node = [&](std::vector<std::uint32_t> inputs, double flops, double out_bytes, const char* op) {
    dnn::graph_node n;
    n.name = idn::concat("n", g.nodes.size());
    n.op_type = op;
    n.flops = flops;
    const auto idx = static_cast<std::uint32_t>(g.nodes.size());
    for (const auto t : inputs) g.tensors[t].consumers.push_back(idx);
    n.inputs = std::move(inputs);
    n.outputs = {tensor(out_bytes, idx)};
    n.output_bytes = out_bytes;
    g.nodes.push_back(n);
    return n.outputs[0];
  };
  const auto a = node({in}, 1e6, 200, "Conv");
  const auto b = node({a}, 2e6, 300, "Conv");
  const auto c = node({b}, 0, 300, "Reshape");  // a view: no traffic
  const auto d = node({a, c}, 1e3, 200, "Add");
  g.tensors[d].graph_output = true;
  g.outputs = {d};
  return g;
}
}  // namespace

TEST_CASE("layer_latencies: per-node own-traffic latencies summed over each linearized layer") {
  const dnn::graph_profile g = residual_block();
  hw::roofline_params p;
  p.name = "test";
  p.peak_flops = {1e9, 1e9, 1e9};
  p.memory_bandwidth = 1e3;  // memory-bound: a layer's bytes decide its time
  const hw::roofline_device dev(p);
  // Own traffic by hand: n0 reads 100, writes 200; n1 200 → 300; n2 is a view (0); n3 reads 200 + 300, writes 200.
  const double n0 = (100 + 200) / 1e3, n1 = (200 + 300) / 1e3, n2 = 0, n3 = (200 + 300 + 200) / 1e3;
  const std::vector<double> every = hw::layer_latencies(g, {dnn::cut_candidates::every_position}, dev);
  REQUIRE(every.size() == 4);
  CHECK(every[0] == doctest::Approx(n0));
  CHECK(every[1] == doctest::Approx(n1));
  CHECK(every[2] == n2);
  CHECK(every[3] == doctest::Approx(n3));
  const std::vector<double> single = hw::layer_latencies(g, {dnn::cut_candidates::single_tensor}, dev);
  REQUIRE(single.size() == 2);
  CHECK(single[0] == doctest::Approx(n0));
  CHECK(single[1] == doctest::Approx(n1 + n2 + n3));
  // The linearized layer for {n1, n2, n3} carries live-set bytes (its cut costs), far more than its nodes move.
  const dnn::profile chain = dnn::linearize(g, {dnn::cut_candidates::single_tensor});
  CHECK(dev.latency(chain.layer(1)) != doctest::Approx(single[1]));
}
