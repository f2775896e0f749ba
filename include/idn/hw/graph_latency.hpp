#pragma once
/// idn::hw::layer_latencies: the seconds of each linearized layer of a graph profile on a device,
/// as the sum of its nodes' latencies, each node with its own traffic (dnn::node_layer) rather
/// than the live-set bytes linearize reports as cut costs (docs/dnn.md, "Your model from ONNX").
#include <cstddef>
#include <cstdint>
#include <vector>

#include "idn/dnn/graph_profile.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::hw {

/// One value per layer of dnn::linearize(g, o): Σ d.latency(node_layer(g, i)) over the nodes i
/// that layer merges (dnn::layer_of_node). O(N + Σ inputs) device queries and additions.
template <compute_device D>
std::vector<double> layer_latencies(const dnn::graph_profile& g, const dnn::linearize_options& o, const D& d) {
  const std::vector<std::uint32_t> owner = dnn::layer_of_node(g, o);
  std::vector<double> out(owner.empty() ? 0 : owner.back() + 1, 0.0);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) out[owner[i]] += d.latency(dnn::node_layer(g, i, o.prec));
  return out;
}

}  // namespace idn::hw
