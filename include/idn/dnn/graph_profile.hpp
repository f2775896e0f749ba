#pragma once
/// idn::dnn::graph_profile: a model as a DAG of operator nodes and the tensors between them
/// (what dnn::read_onnx returns), and linearize(), which turns it into a chain profile whose cut
/// costs are the bytes of *every* tensor live across a cut (two for a cut inside a residual
/// block, not one). Standard library only; docs/dnn.md "Your model from ONNX".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"
#include "idn/dnn/profile.hpp"

namespace idn::dnn {

/// An activation tensor: graph input, node output or graph output (weights are not tensors here;
/// they are counted in their node's params).
struct graph_tensor {
  std::string name;
  double bytes = 0;                     ///< elements × element size (as inferred, at the given batch)
  std::vector<std::int64_t> dims;       ///< its shape, when known (read_onnx fills it)
  std::int64_t producer = -1;           ///< node index, or −1 for a graph input
  std::vector<std::uint32_t> consumers;  ///< node indices, increasing
  bool graph_output = false;
};

/// One operator node. Counting convention (docs/dnn.md): a multiply-add is 1 MAC and 2 FLOPs
/// for Conv/ConvTranspose/Gemm/MatMul (groups, dilations, strides and batched MatMul included);
/// elementwise, normalization and softmax nodes cost 1 FLOP per output element, pooling the
/// kernel size per output element, reductions 1 per input element; shape operators cost 0.
struct graph_node {
  std::string name, op_type;
  layer_kind kind = layer_kind::other;
  double macs = 0, flops = 0;
  double params = 0;       ///< elements of the floating-point weights this node reads (each weight counted once)
  double param_bytes = 0;
  double output_bytes = 0;  ///< Σ bytes of its output tensors
  std::vector<std::uint32_t> inputs, outputs;  ///< activation tensor indices
};

/// A DAG profile. nodes are in a topological order (the order linearize uses).
struct graph_profile {
  std::string name;
  std::vector<graph_node> nodes;
  std::vector<graph_tensor> tensors;
  std::vector<std::uint32_t> inputs, outputs;  ///< graph input / output tensor indices
  std::vector<std::string> zero_cost_ops;      ///< op types counted as 0 because they were unknown (read_onnx option)

  /// Σ MACs over nodes.
  double total_macs() const noexcept { return sum(&graph_node::macs); }
  /// Σ FLOPs over nodes.
  double total_flops() const noexcept { return sum(&graph_node::flops); }
  /// Σ parameters over nodes.
  double total_params() const noexcept { return sum(&graph_node::params); }
  /// Σ parameter bytes over nodes.
  double total_param_bytes() const noexcept { return sum(&graph_node::param_bytes); }

private:
  double sum(double graph_node::*f) const noexcept {
    double s = 0;
    for (const auto& n : nodes) s += n.*f;
    return s;
  }
};

namespace detail {
/// Σ weight(t) over the tensors t live across each boundary −1..N−1 (N + 1 values): a tensor is
/// live from the boundary after its producer (graph inputs: before the first node) to the
/// boundary before its last consumer, or to the end if it is a graph output; one nobody reads is
/// never live. A difference array: O(tensors + Σ consumers + N).
template <class Weight>
std::vector<double> live_sum(const graph_profile& g, Weight weight) {
  const std::size_t N = g.nodes.size();
  std::vector<double> delta(N + 2, 0.0);  // delta[b + 1]: change when crossing boundary b
  for (const graph_tensor& t : g.tensors) {
    const std::int64_t from = t.producer;
    std::int64_t until = from - 1;
    for (const std::uint32_t c : t.consumers) until = std::max<std::int64_t>(until, static_cast<std::int64_t>(c) - 1);
    if (t.graph_output) until = static_cast<std::int64_t>(N) - 1;
    if (until < from) continue;  // dead tensor
    delta[static_cast<std::size_t>(from + 1)] += weight(t);
    delta[static_cast<std::size_t>(until + 2)] -= weight(t);
  }
  std::vector<double> live(N + 1);
  double run = 0;
  for (std::size_t b = 0; b <= N; ++b) {
    run += delta[b];
    live[b] = std::max(run, 0.0);
  }
  return live;
}
}  // namespace detail

/// Bytes of the tensors live across the boundary after topological position i (i = −1: before
/// the first node): produced at or before i (graph inputs count as produced before 0) and
/// consumed after i or a graph output (a tensor nobody reads is never live). Returns one value
/// per boundary −1..N−1 (N + 1 values). O(tensors + Σ consumers + N).
inline std::vector<double> live_bytes(const graph_profile& g) {
  return detail::live_sum(g, [](const graph_tensor& t) { return t.bytes; });
}

/// Where linearize may cut a graph.
enum class cut_candidates {
  every_position,  ///< one layer per node: a cut may fall after any node
  single_tensor,   ///< one layer per segment between single-tensor cuts (articulation points)
};

/// linearize's knobs: the cut candidates and the precision of the resulting profile.
struct linearize_options {
  cut_candidates cuts = cut_candidates::every_position;
  precision prec = precision::fp32;
};

/// The linearized layer each node belongs to (see linearize): every_position gives node i layer
/// i; single_tensor starts a new layer after each node where exactly one tensor is live.
/// O(N + tensors).
inline std::vector<std::uint32_t> layer_of_node(const graph_profile& g, const linearize_options& o = {}) {
  const std::size_t N = g.nodes.size();
  const std::vector<double> live_count =
      o.cuts == cut_candidates::single_tensor ? detail::live_sum(g, [](const graph_tensor&) { return 1.0; }) : std::vector<double>{};
  std::vector<std::uint32_t> owner(N);
  std::uint32_t layer_index = 0;
  for (std::size_t i = 0; i < N; ++i) {
    owner[i] = layer_index;
    if (o.cuts == cut_candidates::every_position || live_count[i + 1] == 1) ++layer_index;
  }
  return owner;
}

/// True for ONNX op types that only reinterpret a tensor's shape (runtimes run them as views or
/// fold them): Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout (inference), Shape, Size,
/// Constant. Concat, Transpose, Slice, Split, Pad, Expand, Gather and the like copy data: not views.
inline bool is_view_op(std::string_view op_type) noexcept {
  for (const std::string_view v : {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Shape", "Size", "Constant"})
    if (op_type == v) return true;
  return false;
}

/// Node i as a layer for a per-node latency model: its own traffic (param_bytes, the bytes of its
/// input tensors, of its output tensors), not the live set that linearize reports as cut costs;
/// a view op (is_view_op) moves nothing, so its bytes are 0. O(inputs of the node).
inline layer node_layer(const graph_profile& g, std::size_t i, precision prec = precision::fp32) {
  const graph_node& n = g.nodes.at(i);
  layer l;
  l.name = n.name.empty() ? concat(n.op_type, '_', i) : n.name;
  l.kind = n.kind;
  l.flop = n.flops;
  l.prec = prec;
  if (is_view_op(n.op_type)) return l;
  l.param_bytes = n.param_bytes;
  for (const std::uint32_t t : n.inputs) l.input_bytes += g.tensors[t].bytes;
  l.output_bytes = n.output_bytes;
  return l;
}

/// node_layer for every node of g, in order. O(N + Σ inputs).
inline std::vector<layer> node_layers(const graph_profile& g, precision prec = precision::fp32) {
  std::vector<layer> out;
  out.reserve(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) out.push_back(node_layer(g, i, prec));
  return out;
}

/// The chain profile of g in its topological order. every_position: one layer per node (flop,
/// param_bytes); single_tensor: consecutive nodes merged into one layer until a boundary where
/// exactly one tensor is live, so that every chain solver (which cuts between layers) can only
/// cut there. Each layer's input_bytes / output_bytes are the live bytes before / after it; each
/// layer is its own unit; a merged layer takes the last node's name and the kind of its
/// largest-FLOP node. Throws invalid_input if g has no nodes. O(N + tensors).
inline profile linearize(const graph_profile& g, const linearize_options& o = {}) {
  if (g.nodes.empty()) reject("dnn::linearize", concat(g.name, ".nodes.size()"), 0, "must be >= 1");
  const std::size_t N = g.nodes.size();
  const std::vector<double> live = live_bytes(g);
  const std::vector<std::uint32_t> owner = layer_of_node(g, o);
  profile_spec spec;
  spec.name = g.name.empty() ? "onnx_model" : g.name;
  spec.prec = o.prec;
  spec.input_bytes = live[0];
  std::unordered_map<std::string, std::size_t> used;  // layer names must be unique; ONNX's need not be
  layer cur;
  double cur_max_flop = -1;
  std::size_t first = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const graph_node& n = g.nodes[i];
    cur.flop += n.flops;
    cur.param_bytes += n.param_bytes;
    if (n.flops > cur_max_flop) cur_max_flop = n.flops, cur.kind = n.kind;
    const bool boundary = i + 1 == N || owner[i + 1] != owner[i];
    if (!boundary) continue;
    cur.name = n.name.empty() ? concat(n.op_type, '_', i) : n.name;
    if (!used.emplace(cur.name, i).second) cur.name = concat(cur.name, '#', i);
    cur.input_bytes = live[first];
    cur.output_bytes = live[i + 1];
    cur.unit = static_cast<std::uint32_t>(spec.layers.size());
    spec.layers.push_back(std::move(cur));
    cur = layer{};
    cur_max_flop = -1;
    first = i + 1;
  }
  return profile(std::move(spec));
}

}  // namespace idn::dnn
