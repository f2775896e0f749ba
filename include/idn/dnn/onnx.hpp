#pragma once
/// dnn::read_onnx: imports an ONNX model into a graph_profile (docs/dnn.md "Your model from
/// ONNX"). Needs the optional component `idn::onnx` (find_package(idn COMPONENTS onnx)), which
/// links ONNX's own protobuf classes and shape inference (Debian: libonnx-dev, libprotobuf-dev).
/// The model is parsed, symbolic input dims are fixed from the options, ONNX shape inference
/// (with data propagation) gives every tensor's shape, and each node is costed by its op type.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/graph_profile.hpp"

namespace idn::dnn {

/// What read_onnx does with an op type it has no cost rule for.
enum class unknown_op_policy { error, zero_cost };

/// read_onnx's knobs: input sizes and the unknown-op policy.
struct onnx_options {
  /// Input sizes: input name → full shape, e.g. {"input", {1, 3, 224, 224}}. Required for symbolic
  /// dims; overriding static dims works where the graph holds no constants derived from them
  /// (a fixed-size trace can bake them into Reshape targets: export with dynamic axes instead).
  std::map<std::string, std::vector<std::int64_t>> input_shapes;
  /// error: an op type without a cost rule is an invalid_input naming node and op type;
  /// zero_cost: it costs 0 and is listed in graph_profile::zero_cost_ops.
  unknown_op_policy unknown_ops = unknown_op_policy::error;
};

namespace onnx_detail {

[[noreturn]] inline void fail(const std::string& file, const std::string& what) {
  throw invalid_input(concat("idn::dnn::read_onnx: ", file, ": ", what));
}

inline double element_bytes(std::int32_t t) {
  using T = onnx::TensorProto;
  switch (t) {
    case T::FLOAT: case T::INT32: case T::UINT32: return 4;
    case T::DOUBLE: case T::INT64: case T::UINT64: case T::COMPLEX64: return 8;
    case T::FLOAT16: case T::BFLOAT16: case T::INT16: case T::UINT16: return 2;
    case T::INT8: case T::UINT8: case T::BOOL: return 1;
    case T::COMPLEX128: return 16;
    default: return 4;  // STRING / UNDEFINED: treated as 4 bytes per element
  }
}
inline bool is_float(std::int32_t t) {
  using T = onnx::TensorProto;
  return t == T::FLOAT || t == T::DOUBLE || t == T::FLOAT16 || t == T::BFLOAT16;
}

struct shape {
  std::vector<std::int64_t> dims;
  std::int32_t elem = 0;
  bool known = false;
  double elements() const {
    double e = 1;
    for (auto d : dims) e *= static_cast<double>(d);
    return e;
  }
};

/// Op types whose cost is 0 (they move or reinterpret data).
inline bool is_shape_op(const std::string& op) {
  static const std::set<std::string> ops{"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice",
                                         "Gather", "Shape", "Constant", "ConstantOfShape", "Identity", "Expand", "Cast", "Range",
                                         "Dropout", "Pad", "Tile", "GatherElements", "ScatterND", "NonZero", "Size", "CastLike",
                                         "SpaceToDepth", "DepthToSpace", "EyeLike", "Trilu", "GatherND", "ScatterElements", "Scatter",
                                         "OneHot", "ReverseSequence", "Compress", "Unique", "Optional", "OptionalHasElement",
                                         "OptionalGetElement", "RandomUniformLike", "RandomNormalLike", "RandomUniform", "RandomNormal",
                                         "Bernoulli"};
  return ops.count(op) > 0;
}
/// Elementwise / activation / normalization: 1 FLOP per output element.
inline bool is_per_element(const std::string& op) {
  static const std::set<std::string> ops{"Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal",
                                         "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
                                         "Erf", "Gelu", "Softplus", "Softsign", "Clip", "Min", "Max", "Mean", "Sum", "Where",
                                         "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
                                         "Floor", "Ceil", "Round", "Sign", "Mod", "Softmax", "LogSoftmax", "BatchNormalization",
                                         "LayerNormalization", "InstanceNormalization", "LRN", "Resize", "Upsample", "Mish",
                                         "IsNaN", "IsInf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh",
                                         "Acosh", "Atanh", "ThresholdedRelu", "Celu", "Shrink", "Hardmax", "CumSum", "BitShift",
                                         "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "BitwiseAnd", "BitwiseOr",
                                         "BitwiseXor", "BitwiseNot", "MeanVarianceNormalization", "GroupNormalization"};
  return ops.count(op) > 0;
}
inline layer_kind kind_of(const std::string& op, std::int64_t group, std::int64_t in_channels) {
  if (op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" || op == "QLinearConv")
    return group > 1 && group == in_channels ? layer_kind::depthwise_conv : layer_kind::conv;
  if (op == "Gemm" || op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul") return layer_kind::fc;
  if (op.rfind("Global", 0) == 0 || op.rfind("Reduce", 0) == 0) return layer_kind::global_pool;
  if (op.find("Pool") != std::string::npos) return layer_kind::pool;
  if (op.find("Normalization") != std::string::npos || op == "LRN") return layer_kind::norm;
  if (op == "Add" || op == "Sum") return layer_kind::add;
  if (op == "Gather") return layer_kind::embedding;
  if (is_per_element(op)) return layer_kind::activation;
  return layer_kind::other;
}

inline std::int64_t int_attr(const onnx::NodeProto& n, const char* name, std::int64_t fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.i();
  return fallback;
}
inline std::vector<std::int64_t> ints_attr(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  return {};
}


inline std::string dims_text(const std::vector<std::int64_t>& d) {
  std::string r;
  for (std::size_t k = 0; k < d.size(); ++k) r.append(k ? "x" : "").append(std::to_string(d[k]));
  return d.empty() ? "a scalar" : r;
}

/// The shapes of a node's inputs and outputs must agree with its op's semantics where they are
/// known: element count kept by reshaping ops, non-axis dims equal for Concat, numpy
/// broadcasting for elementwise ops, the contraction dim for MatMul/Gemm, input channels for
/// Conv. ONNX shape inference does not check all of these, and a size baked into a graph (a
/// fixed-size trace's batch size after options.input_shapes changed it) would otherwise give
/// silently wrong counts. `shape_of(name)` returns nullptr when unknown. Throws invalid_input.
template <class ShapeOf>
void check_shapes_agree(const std::string& file, const onnx::NodeProto& n, ShapeOf shape_of) {
  const std::string& op = n.op_type();
  auto in = [&](int k) -> const shape* { return k < n.input_size() && !n.input(k).empty() ? shape_of(n.input(k)) : nullptr; };
  auto out0 = [&]() -> const shape* { return n.output_size() > 0 && !n.output(0).empty() ? shape_of(n.output(0)) : nullptr; };
  auto disagree = [&](int a, const shape& sa, const std::string& what_b, const shape& sb, const char* rule) {
    fail(file, concat("node '", n.name(), "' (", op, "): input ", a, " '", n.input(a), "' has shape ", dims_text(sa.dims), " but ", what_b,
                      " has ", dims_text(sb.dims), " (", rule, "); a size baked into the graph, e.g. the batch size of a fixed-size "
                      "trace, may contradict options.input_shapes"));
  };
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" || op == "Transpose" || op == "Identity") {
    const shape *x = in(0), *y = out0();
    if (x && y && x->elements() != y->elements())
      disagree(0, *x, concat("output '", n.output(0), "'"), *y, "a reshape keeps the element count");
  } else if (op == "Concat") {
    const std::int64_t axis = int_attr(n, "axis", 0);
    const shape* first = nullptr;
    int first_k = 0;
    for (int k = 0; k < n.input_size(); ++k) {
      const shape* x = in(k);
      if (!x) continue;
      if (!first) { first = x; first_k = k; continue; }
      const auto r = static_cast<std::int64_t>(first->dims.size());
      bool ok = x->dims.size() == first->dims.size();
      for (std::int64_t d = 0; ok && d < r; ++d)
        if (d != (axis < 0 ? axis + r : axis) && x->dims[static_cast<std::size_t>(d)] != first->dims[static_cast<std::size_t>(d)]) ok = false;
      if (!ok) disagree(k, *x, concat("input ", first_k, " '", n.input(first_k), "'"), *first, "Concat needs equal dims off its axis");
    }
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow" || op == "Where" || op == "Min" || op == "Max" ||
             op == "Sum" || op == "Mean" || op == "Equal" || op == "Less" || op == "Greater" || op == "And" || op == "Or") {
    // (PRelu, and ops with opset-1..6's broadcast/axis attributes, align legacy-style: not checked)
    for (const auto& at : n.attribute())
      if (at.name() == "broadcast" || at.name() == "axis") return;
    for (int a = 0; a < n.input_size(); ++a)
      for (int b = a + 1; b < n.input_size(); ++b) {
        const shape *x = in(a), *y = in(b);
        if (!x || !y) continue;
        for (std::size_t d = 1; d <= std::min(x->dims.size(), y->dims.size()); ++d) {
          const auto dx = x->dims[x->dims.size() - d], dy = y->dims[y->dims.size() - d];
          if (dx != dy && dx != 1 && dy != 1) disagree(a, *x, concat("input ", b, " '", n.input(b), "'"), *y, "not broadcastable");
        }
      }
  } else if (op == "MatMul") {
    const shape *a = in(0), *b = in(1);
    if (a && b && !a->dims.empty() && !b->dims.empty() && a->dims.back() != b->dims[b->dims.size() >= 2 ? b->dims.size() - 2 : 0])
      disagree(0, *a, concat("input 1 '", n.input(1), "'"), *b, "MatMul contracts A's last dim with B's second-to-last");
  } else if (op == "Conv") {
    const shape *x = in(0), *w = in(1);
    if (x && w && x->dims.size() > 1 && w->dims.size() > 1 && static_cast<double>(x->dims[1]) != static_cast<double>(w->dims[1]) * static_cast<double>(int_attr(n, "group", 1)))
      disagree(0, *x, concat("the weight '", n.input(1), "'"), *w, "input channels = weight dim 1 x group");
  }
}

/// The dims of a tensor value whose shape is fully static; nullopt otherwise.
inline std::optional<std::vector<std::int64_t>> static_dims(const onnx::ValueInfoProto& v) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return std::nullopt;
  std::vector<std::int64_t> d;
  for (const auto& x : v.type().tensor_type().shape().dim()) {
    if (!x.has_dim_value()) return std::nullopt;
    d.push_back(x.dim_value());
  }
  return d;
}

/// A small integer tensor (shape arithmetic: shapes, indices, axes).
struct int_tensor {
  std::vector<std::int64_t> dims, values;
};

/// The values of an int32/int64 TensorProto (raw or typed storage); nullopt for other types or
/// more than `limit` elements.
inline std::optional<int_tensor> read_ints(const onnx::TensorProto& t, std::size_t limit = 4096) {
  using T = onnx::TensorProto;
  if (t.data_type() != T::INT64 && t.data_type() != T::INT32) return std::nullopt;
  int_tensor r;
  std::size_t n = 1;
  for (const auto d : t.dims()) {
    if (d < 0 || static_cast<std::size_t>(d) > limit) return std::nullopt;
    r.dims.push_back(d);
    n *= static_cast<std::size_t>(d);
    if (n > limit) return std::nullopt;
  }
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    const std::size_t w = t.data_type() == T::INT64 ? 8 : 4;
    if (raw.size() != n * w) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t u = 0;
      for (std::size_t b = 0; b < w; ++b) u |= static_cast<std::uint64_t>(static_cast<unsigned char>(raw[i * w + b])) << (8 * b);
      r.values.push_back(w == 8 ? static_cast<std::int64_t>(u) : static_cast<std::int64_t>(static_cast<std::int32_t>(static_cast<std::uint32_t>(u))));
    }
  } else if (t.data_type() == T::INT64) {
    r.values.assign(t.int64_data().begin(), t.int64_data().end());
  } else {
    r.values.assign(t.int32_data().begin(), t.int32_data().end());
  }
  if (r.values.size() != n) return std::nullopt;
  return r;
}

/// One node of shape arithmetic evaluated on known integer inputs (`in(k)`: input k's value or
/// null; `static_shape`: known static shapes by name), or nullopt when it cannot be folded.
/// Covers Constant, Shape, Add/Sub/Mul/Div, Gather, Unsqueeze/Squeeze/Cast/Identity and Concat
/// along axis 0. O(elements).
template <class In>
std::optional<int_tensor> fold_int_node(const onnx::NodeProto& n, In in, const std::unordered_map<std::string, std::vector<std::int64_t>>& static_shape) {
  const std::string& op = n.op_type();
  std::optional<int_tensor> out;
  if (op == "Constant") {
    for (const auto& a : n.attribute())
      if (a.name() == "value") out = read_ints(a.t());
  } else if (op == "Shape" && n.input_size() == 1) {
    const auto it = static_shape.find(n.input(0));
    if (it != static_shape.end() && int_attr(n, "start", 0) == 0 && int_attr(n, "end", INT64_MAX) == INT64_MAX)
      out = int_tensor{{static_cast<std::int64_t>(it->second.size())}, it->second};
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    const int_tensor *a = in(0), *b = in(1);
    if (a && b && (a->values.size() == b->values.size() || a->values.size() == 1 || b->values.size() == 1)) {
      int_tensor r;
      r.dims = a->values.size() >= b->values.size() ? a->dims : b->dims;
      const std::size_t m = std::max(a->values.size(), b->values.size());
      bool ok = true;
      for (std::size_t k = 0; k < m && ok; ++k) {
        const std::int64_t x = a->values[a->values.size() == 1 ? 0 : k], y = b->values[b->values.size() == 1 ? 0 : k];
        if (op == "Div" && y == 0) ok = false;
        else r.values.push_back(op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y);
      }
      if (ok) out = std::move(r);
    }
  } else if (op == "Gather") {
    const int_tensor *d = in(0), *ix = in(1);
    if (d && ix && d->dims.size() == 1 && int_attr(n, "axis", 0) == 0) {
      int_tensor r;
      r.dims = ix->dims;
      const auto len = static_cast<std::int64_t>(d->values.size());
      bool ok = true;
      for (auto k : ix->values) {
        if (k < 0) k += len;
        if (k < 0 || k >= len) { ok = false; break; }
        r.values.push_back(d->values[static_cast<std::size_t>(k)]);
      }
      if (ok) out = std::move(r);
    }
  } else if (op == "Unsqueeze" || op == "Squeeze" || op == "Cast" || op == "Identity") {
    const int_tensor* a = in(0);
    if (a && (op != "Cast" || int_attr(n, "to", 0) == onnx::TensorProto::INT64 || int_attr(n, "to", 0) == onnx::TensorProto::INT32)) {
      int_tensor r = *a;
      if (op == "Unsqueeze" || op == "Squeeze") r.dims = {static_cast<std::int64_t>(r.values.size())};  // scalars ↔ 1-D
      if (op == "Squeeze" && r.values.size() == 1) r.dims.clear();
      out = std::move(r);
    }
  } else if (op == "Concat" && int_attr(n, "axis", 0) == 0) {
    int_tensor r;
    bool ok = n.input_size() > 0;
    for (int k = 0; k < n.input_size() && ok; ++k) {
      const int_tensor* a = in(k);
      ok = a && a->dims.size() <= 1;
      if (ok) r.values.insert(r.values.end(), a->values.begin(), a->values.end());
    }
    r.dims = {static_cast<std::int64_t>(r.values.size())};
    if (ok) out = std::move(r);
  }
  return out;
}

/// Shape arithmetic the exporters emit (Shape → Gather → Div → Mul → Slice, …) that ONNX 1.12's
/// data propagation does not follow (it lacks Div, for one): evaluates integer nodes whose inputs
/// are all known, replaces them by int64 initializers, and returns whether anything changed.
/// Inputs are known from initializers, Constant nodes and the static shapes inferred so far.
inline bool fold_shape_arithmetic(onnx::GraphProto& graph) {
  std::unordered_map<std::string, int_tensor> known;
  for (const auto& t : graph.initializer())
    if (auto v = read_ints(t)) known.emplace(t.name(), std::move(*v));
  std::unordered_map<std::string, std::vector<std::int64_t>> static_shape;
  auto note_shape = [&](const onnx::ValueInfoProto& v) {
    if (auto d = static_dims(v)) static_shape[v.name()] = std::move(*d);
  };
  for (const auto& v : graph.input()) note_shape(v);
  for (const auto& v : graph.value_info()) note_shape(v);
  bool changed = false;
  std::vector<int> drop;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    if (n.output_size() != 1) continue;
    auto in = [&](int k) -> const int_tensor* {
      if (k >= n.input_size() || n.input(k).empty()) return nullptr;
      const auto it = known.find(n.input(k));
      return it == known.end() ? nullptr : &it->second;
    };
    std::optional<int_tensor> out = fold_int_node(n, in, static_shape);
    if (!out) continue;
    onnx::TensorProto* t = graph.add_initializer();
    t->set_name(n.output(0));
    t->set_data_type(onnx::TensorProto::INT64);
    for (const auto d : out->dims) t->add_dims(d);
    for (const auto v : out->values) t->add_int64_data(v);
    known[n.output(0)] = std::move(*out);
    drop.push_back(i);
    changed = true;
  }
  // Remove the folded nodes (from the back, keeping the others' order).
  for (auto it = drop.rbegin(); it != drop.rend(); ++it) graph.mutable_node()->DeleteSubrange(*it, 1);
  // value_info is kept: the next round merges it with what the folded constants reveal.
  return changed;
}

/// Whether some node output still lacks a fully known static shape (then folding more shape
/// arithmetic and inferring again can help).
inline bool has_unknown_shape(const onnx::GraphProto& graph) {
  std::unordered_set<std::string> known;
  auto note = [&](const onnx::ValueInfoProto& v) {
    if (static_dims(v)) known.insert(v.name());
  };
  for (const auto& v : graph.value_info()) note(v);
  for (const auto& v : graph.output()) note(v);
  for (const auto& t : graph.initializer()) known.insert(t.name());
  for (const auto& n : graph.node())
    for (const auto& o : n.output())
      if (!o.empty() && !known.count(o)) return true;
  return false;
}

}  // namespace onnx_detail

namespace onnx_detail {

/// Step 1 of read_onnx: fixes every graph input's dims, from options.input_shapes or else from
/// the file (which must then be concrete), and checks that every name in input_shapes is a
/// graph input. Drops the file's stored shapes when a size was overridden (they were inferred
/// for the exported sizes and would contradict the new inference). O(inputs · dims).
inline void fix_input_shapes(onnx::GraphProto& graph, const std::unordered_set<std::string>& initializer_names, const onnx_options& opt,
                             const std::string& file) {
  bool overridden = false;
  for (auto& in : *graph.mutable_input()) {
    if (initializer_names.count(in.name())) continue;  // old-style models list weights as inputs
    if (!in.type().has_tensor_type()) fail(file, concat("input '", in.name(), "' is not a tensor"));
    auto* shp = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    const auto it = opt.input_shapes.find(in.name());
    if (it != opt.input_shapes.end()) {
      shp->clear_dim();
      overridden = true;
      for (const auto d : it->second) {
        if (d <= 0) fail(file, concat("options.input_shapes['", in.name(), "'] has dim ", d, ": must be >= 1"));
        shp->add_dim()->set_dim_value(d);
      }
      continue;
    }
    for (int k = 0; k < shp->dim_size(); ++k)
      if (!shp->dim(k).has_dim_value() || shp->dim(k).dim_value() <= 0)
        fail(file, concat("input '", in.name(), "' dim ", k, " is symbolic ('", shp->dim(k).dim_param(),
                          "'): give its size with options.input_shapes (idn-profile --input ", in.name(), "=1x3x224x224)"));
  }
  for (const auto& [name, dims] : opt.input_shapes) {
    bool found = false;
    std::string names;
    for (const auto& in : graph.input())
      if (!initializer_names.count(in.name())) {
        found = found || in.name() == name;
        names.append(names.empty() ? "'" : ", '").append(in.name()).append("'");
      }
    if (!found) fail(file, concat("options.input_shapes names '", name, "', which is not a graph input (inputs: ", names, ")"));
  }
  if (overridden) {
    graph.clear_value_info();
    for (auto& out : *graph.mutable_output())
      if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();
  }
}

/// Step 2: Constant nodes become initializers (they are not activations; their values are not
/// parameters either). Returns their names; adds them to initializer_names. O(nodes).
inline std::unordered_set<std::string> constants_to_initializers(onnx::ModelProto& model, std::unordered_set<std::string>& initializer_names) {
  onnx::GraphProto& graph = *model.mutable_graph();
  std::unordered_set<std::string> constant_values;
  // Before IR 4 shape inference types initializers only through graph inputs; the initializers
  // added here are not inputs, so the model is read with IR 4 semantics (nothing else changes).
  if (model.ir_version() < 4) model.set_ir_version(4);
  for (int i = graph.node_size() - 1; i >= 0; --i) {
    const onnx::NodeProto& n = graph.node(i);
    if (n.op_type() != "Constant" || n.output_size() != 1) continue;
    for (const auto& a : n.attribute())
      if (a.name() == "value" && a.has_t()) {
        onnx::TensorProto* t = graph.add_initializer();
        *t = a.t();
        t->set_name(n.output(0));
        constant_values.insert(n.output(0));
        initializer_names.insert(n.output(0));
        graph.mutable_node()->DeleteSubrange(i, 1);
        break;
      }
  }
  return constant_values;
}

/// Step 3, before ONNX sees the graph: every input a node reads is defined somewhere, and the
/// attributes ONNX 1.12's shape inference divides by or allocates from without checking are in
/// range (found by fuzzing: a zero stride is a SIGFPE inside libonnx). O(nodes + attributes).
inline void check_graph_before_inference(const onnx::GraphProto& graph, const std::unordered_set<std::string>& initializer_names, const std::string& file) {
  std::unordered_set<std::string> defined(initializer_names.begin(), initializer_names.end());
  defined.reserve(initializer_names.size() + static_cast<std::size_t>(graph.node_size()) * 2);
  for (const auto& v : graph.input()) defined.insert(v.name());
  for (const auto& n : graph.node())
    for (const auto& o : n.output()) defined.insert(o);
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto& in : graph.node(i).input())
      if (!in.empty() && !defined.count(in))
        fail(file, concat("node ", i, " '", graph.node(i).name(), "' (", graph.node(i).op_type(), ") reads '", in,
                          "', which no node, input or initializer defines"));
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    for (const auto& a : n.attribute()) {
      const std::string& an = a.name();
      const bool positive = an == "strides" || an == "dilations" || an == "kernel_shape" || an == "group" || an == "blocksize";
      const bool nonnegative = an == "pads" || an == "output_padding";
      if (!positive && !nonnegative) continue;
      auto check = [&](std::int64_t v) {
        if (v > (std::int64_t{1} << 31) || (positive && v <= 0) || (nonnegative && v < 0))
          fail(file, concat("node ", i, " '", n.name(), "' (", n.op_type(), ") attribute ", an, " = ", v,
                            positive ? ": must be >= 1" : ": must be >= 0", " (and at most 2^31)"));
      };
      if (a.type() == onnx::AttributeProto::INT) check(a.i());
      for (const auto v : a.ints()) check(v);
    }
  }
}

/// Step 4: ONNX shape inference (with data propagation) and shape-arithmetic folding alternate
/// until nothing more folds (each round removes nodes, so at most node-count rounds).
inline void infer_shapes(onnx::ModelProto& model, const std::string& file) {
  onnx::GraphProto& graph = *model.mutable_graph();
  for (int round = 0;; ++round) {
    try {
      onnx::ShapeInferenceOptions sio{/*check_type=*/false, /*error_mode=*/1, /*enable_data_propagation=*/true};
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), sio);
    } catch (const std::exception& e) {
      fail(file, concat("ONNX shape inference failed: ", e.what()));
    }
    if (round > graph.node_size() || !fold_shape_arithmetic(graph) || !has_unknown_shape(graph)) break;
  }
}

/// Step 5: the shape of every named value (inputs, value_info, outputs, initializers), checked:
/// no negative dim, element counts whose byte size stays finite. Fills `inits` (initializer by
/// name). O(values · dims).
inline std::unordered_map<std::string, shape> collect_shapes(const onnx::GraphProto& graph, const std::string& file,
                                                             std::unordered_map<std::string, const onnx::TensorProto*>& inits) {
  std::unordered_map<std::string, shape> shapes;
  shapes.reserve(static_cast<std::size_t>(graph.value_info_size() + graph.initializer_size() + graph.input_size() + graph.output_size()));
  auto record = [&](const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type()) return;
    shape s;
    s.elem = v.type().tensor_type().elem_type();
    if (auto d = static_dims(v)) s.known = true, s.dims = std::move(*d);
    for (const auto d : s.dims)
      if (d < 0) fail(file, concat("tensor '", v.name(), "' has dim ", d));
    if (s.known && !std::isfinite(s.elements() * 16)) fail(file, concat("tensor '", v.name(), "': the product of its dims overflows"));
    shapes[v.name()] = s;
  };
  for (const auto& v : graph.input()) record(v);
  for (const auto& v : graph.value_info()) record(v);
  for (const auto& v : graph.output()) record(v);
  for (const auto& t : graph.initializer()) {
    shape s;
    s.elem = t.data_type();
    s.known = true;
    for (const auto d : t.dims()) {
      if (d < 0) fail(file, concat("initializer '", t.name(), "' has dim ", d));
      s.dims.push_back(d);
    }
    if (!std::isfinite(s.elements() * 16)) fail(file, concat("initializer '", t.name(), "': the product of its dims overflows"));
    shapes[t.name()] = s;
    inits[t.name()] = &t;
  }
  return shapes;
}

/// Step 6: a topological order of the nodes: the file's, which the ONNX spec requires, verified
/// with Kahn's algorithm (stable: ready nodes in file order), which also orders files that
/// violate it. Throws naming a node on a cycle. O(nodes · log nodes + edges).
inline std::vector<int> topological_order(const onnx::GraphProto& graph, const std::string& file) {
  const int N = graph.node_size();
  std::unordered_map<std::string, int> producer_of;
  for (int i = 0; i < N; ++i)
    for (const auto& o : graph.node(i).output())
      if (!o.empty()) producer_of[o] = i;
  std::vector<int> order;
  std::vector<int> indeg(static_cast<std::size_t>(N), 0);
  std::vector<std::vector<int>> succ(static_cast<std::size_t>(N));
  for (int i = 0; i < N; ++i)
    for (const auto& in : graph.node(i).input()) {
      if (in.empty()) continue;
      const auto p = producer_of.find(in);
      if (p == producer_of.end()) continue;  // an input or initializer (undefined names were rejected before)
      ++indeg[static_cast<std::size_t>(i)];
      succ[static_cast<std::size_t>(p->second)].push_back(i);
    }
  std::set<int> ready;
  for (int i = 0; i < N; ++i)
    if (indeg[static_cast<std::size_t>(i)] == 0) ready.insert(i);
  while (!ready.empty()) {
    const int i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (const int j : succ[static_cast<std::size_t>(i)])
      if (--indeg[static_cast<std::size_t>(j)] == 0) ready.insert(j);
  }
  if (static_cast<int>(order.size()) != N)
    for (int i = 0; i < N; ++i)
      if (indeg[static_cast<std::size_t>(i)] > 0)
        fail(file, concat("the graph has a cycle through node ", i, " '", graph.node(i).name(), "' (", graph.node(i).op_type(), ")"));
  return order;
}

/// Step 7, per node: its MACs and FLOPs by op type (writes gn.macs, gn.flops, gn.kind). `need(n,
/// slot)` and `need_out(n)` return a known input / output shape or throw. An op type without a
/// rule throws, or with unknown_ops = zero_cost costs 0 and is added to `unknown`. O(dims).
template <class Need, class NeedOut>
void cost_node(const onnx::NodeProto& n, int i, graph_node& gn, Need need, NeedOut need_out, const onnx_options& opt, std::set<std::string>& unknown,
               const std::string& file) {
  const std::string& op = n.op_type();
  std::int64_t group = 1, in_channels = 0;
  if (op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" || op == "QLinearConv") {
    const shape& x = need(n, 0);
    const shape& w = need(n, op == "QLinearConv" ? 3 : 1);  // QLinearConv: x, x_scale, x_zero_point, w, …
    const shape& y = need_out(n);
    group = int_attr(n, "group", 1);
    in_channels = x.dims.size() > 1 ? x.dims[1] : 0;
    double kernel = 1;
    for (std::size_t k = 2; k < w.dims.size(); ++k) kernel *= static_cast<double>(w.dims[k]);
    if (op != "ConvTranspose") {
      // W: [M, C/group, k...]; every output element needs C/group × kernel MACs.
      gn.macs = y.elements() * static_cast<double>(w.dims.size() > 1 ? w.dims[1] : 0) * kernel;
    } else {
      // W: [C, M/group, k...]; every input element is spread over M/group × kernel outputs.
      gn.macs = x.elements() * static_cast<double>(w.dims.size() > 1 ? w.dims[1] : 0) * kernel;
    }
    gn.flops = 2 * gn.macs;
  } else if (op == "Gemm") {
    const shape& a = need(n, 0);
    const shape& b = need(n, 1);
    if (a.dims.size() != 2 || b.dims.size() != 2) fail(file, concat("node '", n.name(), "' (Gemm): inputs must be 2-D"));
    const bool ta = int_attr(n, "transA", 0) != 0, tb = int_attr(n, "transB", 0) != 0;
    const double M = static_cast<double>(ta ? a.dims[1] : a.dims[0]), K = static_cast<double>(ta ? a.dims[0] : a.dims[1]);
    const double Nn = static_cast<double>(tb ? b.dims[0] : b.dims[1]);
    gn.macs = M * K * Nn;
    gn.flops = 2 * gn.macs;
  } else if (op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul") {
    const shape& a = need(n, 0);
    const shape& y = need_out(n);
    // numpy semantics: K is A's last dim; every output element is one length-K dot product.
    const double K = a.dims.empty() ? 1.0 : static_cast<double>(a.dims.back());
    gn.macs = y.elements() * K;
    gn.flops = 2 * gn.macs;
  } else if (op == "MaxPool" || op == "AveragePool" || op == "LpPool") {
    const shape& y = need_out(n);
    double kernel = 1;
    for (const auto k : ints_attr(n, "kernel_shape")) kernel *= static_cast<double>(k);
    gn.flops = y.elements() * kernel;
  } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "GlobalLpPool" || op.rfind("Reduce", 0) == 0 || op == "ArgMax" ||
             op == "ArgMin" || op == "TopK") {
    gn.flops = need(n, 0).elements();
  } else if (is_per_element(op)) {
    gn.flops = need_out(n).elements();
  } else if (is_shape_op(op)) {
    // moves data only
  } else {
    if (opt.unknown_ops == unknown_op_policy::error)
      fail(file, concat("node ", i, " '", n.name(), "' has op type '", op,
                        "', which has no cost rule (options.unknown_ops = zero_cost counts it as 0 and lists it)"));
    unknown.insert(op);
  }
  gn.kind = kind_of(op, group, in_channels);
  if (!std::isfinite(gn.macs) || !std::isfinite(gn.flops)) fail(file, concat("node '", n.name(), "' (", op, "): its MAC or FLOP count overflows"));
}

/// Step 8: builds the graph_profile node by node (in topological order): tensors by name,
/// weights counted once at the first real node that reads them, nodes that read only constants
/// folded away, each node costed by cost_node. O(1) amortized per tensor reference.
class profile_builder {
public:
  profile_builder(const onnx::GraphProto& graph, const std::unordered_map<std::string, shape>& shapes,
                  const std::unordered_map<std::string, const onnx::TensorProto*>& inits, const std::unordered_set<std::string>& constant_values,
                  const onnx_options& opt, const std::string& file)
      : shapes_(shapes), inits_(inits), constant_values_(constant_values), opt_(opt), file_(file) {
    g.name = graph.name();
    const auto n = static_cast<std::size_t>(graph.node_size());
    g.nodes.reserve(n);
    g.tensors.reserve(n * 2 + 8);
    tensor_of.reserve(n * 2 + 8);
  }

  /// The id of the tensor named `name`, created (with its bytes and dims when known) on first use.
  std::uint32_t tensor_id(const std::string& name) {
    if (const auto found = tensor_of.find(name); found != tensor_of.end()) return found->second;
    const auto [it, fresh] = tensor_of.emplace(name, static_cast<std::uint32_t>(g.tensors.size()));
    if (fresh) {
      graph_tensor t;
      t.name = name;
      const auto s = shapes_.find(name);
      if (s != shapes_.end() && s->second.known) {
        t.bytes = s->second.elements() * element_bytes(s->second.elem);
        t.dims = s->second.dims;
      }
      g.tensors.push_back(std::move(t));
    }
    return it->second;
  }

  /// Adds node i (or folds it away when it reads only constants).
  void add_node(int i, const onnx::NodeProto& n) {
    // A node that reads only constants (e.g. the Identity an exporter puts on a shared weight)
    // computes a constant: it is folded away, its outputs are weights (never live), and the
    // initializers it reads are counted at the first real node that reads its outputs.
    if (fold_constant(n)) return;
    graph_node gn;
    gn.name = n.name().empty() ? concat(n.op_type(), '_', i) : n.name();
    gn.op_type = n.op_type();
    const auto idx = static_cast<std::uint32_t>(g.nodes.size());
    for (const auto& in : n.input()) {
      if (in.empty()) continue;
      if (const auto it = constant_sources_.find(in); it != constant_sources_.end()) {
        for (const auto& w : it->second) count_weight(gn, w);
        continue;
      }
      if (inits_.count(in)) {
        count_weight(gn, in);
        continue;
      }
      const std::uint32_t t = tensor_id(in);
      gn.inputs.push_back(t);
      g.tensors[t].consumers.push_back(idx);
    }
    for (const auto& o : n.output()) {
      if (o.empty()) continue;
      const std::uint32_t t = tensor_id(o);
      g.tensors[t].producer = idx;
      gn.outputs.push_back(t);
      gn.output_bytes += g.tensors[t].bytes;
    }
    check_shapes_agree(file_, n, [&](const std::string& name) -> const shape* {
      const auto it = shapes_.find(name);
      return it != shapes_.end() && it->second.known ? &it->second : nullptr;
    });
    cost_node(
        n, i, gn, [&](const onnx::NodeProto& m, int slot) -> const shape& { return need(m, slot); },
        [&](const onnx::NodeProto& m) -> const shape& { return need_out(m); }, opt_, unknown, file_);
    g.nodes.push_back(std::move(gn));
  }

  graph_profile g;
  std::unordered_map<std::string, std::uint32_t> tensor_of;
  std::set<std::string> unknown;  ///< op types costed 0 (unknown_ops = zero_cost)

private:
  bool fold_constant(const onnx::NodeProto& n) {
    bool all_constant = n.input_size() > 0;
    for (const auto& in : n.input())
      if (!in.empty() && !inits_.count(in) && !constant_sources_.count(in)) all_constant = false;
    if (!all_constant) return false;
    for (const auto& o : n.output()) {
      auto& src = constant_sources_[o];
      for (const auto& in : n.input()) {
        if (in.empty()) continue;
        if (inits_.count(in)) src.push_back(in);
        else if (const auto it = constant_sources_.find(in); it != constant_sources_.end()) src.insert(src.end(), it->second.begin(), it->second.end());
      }
    }
    return true;
  }
  void count_weight(graph_node& gn, const std::string& w) {
    const shape& s = shapes_.at(w);
    if (is_float(s.elem) && !constant_values_.count(w) && counted_weights_.insert(w).second) {
      gn.params += s.elements();
      gn.param_bytes += s.elements() * element_bytes(s.elem);
    }
  }
  const shape& need(const onnx::NodeProto& n, int slot) const {
    if (slot >= n.input_size() || n.input(slot).empty())
      fail(file_, concat("node '", n.name(), "' (", n.op_type(), ") has ", n.input_size(), " inputs: input ", slot, " is required"));
    const std::string& name = n.input(slot);
    const auto s = shapes_.find(name);
    if (s == shapes_.end() || !s->second.known)
      fail(file_, concat("node '", n.name(), "' (", n.op_type(), "): the shape of input ", slot, " '", name, "' is unknown after shape inference"));
    return s->second;
  }
  const shape& need_out(const onnx::NodeProto& n) const {
    if (n.output_size() == 0 || n.output(0).empty()) fail(file_, concat("node '", n.name(), "' (", n.op_type(), ") has no output"));
    const auto s = shapes_.find(n.output(0));
    if (s == shapes_.end() || !s->second.known)
      fail(file_, concat("node '", n.name(), "' (", n.op_type(), "): the shape of output '", n.output(0), "' is unknown after shape inference"));
    return s->second;
  }

  const std::unordered_map<std::string, shape>& shapes_;
  const std::unordered_map<std::string, const onnx::TensorProto*>& inits_;
  const std::unordered_set<std::string>& constant_values_;
  const onnx_options& opt_;
  const std::string& file_;
  std::unordered_set<std::string> counted_weights_;
  std::unordered_map<std::string, std::vector<std::string>> constant_sources_;  ///< folded constant → initializers it derives from
};

}  // namespace onnx_detail

/// Reads an ONNX model from a stream of its bytes (`file` names it in errors) into a
/// graph_profile (batch as given by the input shapes). Throws
/// invalid_input naming the file and the node/tensor and value on: an unreadable, truncated or
/// corrupt file; a graph that is not a DAG or uses an undefined tensor; an input with a symbolic
/// dim and no size in options; a shape inference failure; a tensor whose shape stays unknown
/// where a cost needs it; dims that are negative or whose products overflow; an unknown op type
/// (unless options.unknown_ops = zero_cost). O(nodes + tensors) after ONNX's own parse and
/// shape inference. Errors read "idn::dnn::read_onnx: <file>: <what>", like the other file readers.
inline graph_profile read_onnx(std::istream& bytes, const std::string& file, const onnx_options& opt = {}) {
  using namespace onnx_detail;
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&bytes)) fail(file, "not a valid ONNX protobuf (truncated or corrupt)");
  if (!model.has_graph()) fail(file, "the model has no graph");
  onnx::GraphProto& graph = *model.mutable_graph();
  std::unordered_set<std::string> initializer_names;
  for (const auto& t : graph.initializer()) initializer_names.insert(t.name());
  fix_input_shapes(graph, initializer_names, opt, file);
  const std::unordered_set<std::string> constant_values = constants_to_initializers(model, initializer_names);
  check_graph_before_inference(graph, initializer_names, file);
  infer_shapes(model, file);
  for (const auto& t : graph.initializer()) initializer_names.insert(t.name());
  std::unordered_map<std::string, const onnx::TensorProto*> inits;
  const std::unordered_map<std::string, shape> shapes = collect_shapes(graph, file, inits);

  profile_builder b(graph, shapes, inits, constant_values, opt, file);
  for (const auto& in : graph.input())
    if (!initializer_names.count(in.name())) b.g.inputs.push_back(b.tensor_id(in.name()));
  for (const int i : topological_order(graph, file)) b.add_node(i, graph.node(i));
  for (const auto& o : graph.output()) {
    const auto it = b.tensor_of.find(o.name());
    if (it == b.tensor_of.end()) fail(file, concat("graph output '", o.name(), "' is produced by no node"));
    b.g.tensors[it->second].graph_output = true;
    b.g.outputs.push_back(it->second);
  }
  b.g.zero_cost_ops.assign(b.unknown.begin(), b.unknown.end());
  return std::move(b.g);
}

/// Reads the ONNX model file at `path` (see the stream overload).
inline graph_profile read_onnx(const std::filesystem::path& path, const onnx_options& opt = {}) {
  std::ifstream in(path, std::ios::binary);
  if (!in) onnx_detail::fail(path.string(), "cannot open the file");
  return read_onnx(in, path.string(), opt);
}

}  // namespace idn::dnn
