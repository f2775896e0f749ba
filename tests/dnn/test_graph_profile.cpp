// graph_profile: live bytes across every cut against a brute-force liveness scan on random DAGs,
// and linearize()'s units and cut costs.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/graph_profile.hpp"

using namespace idn::dnn;

namespace {
/// A random DAG in topological order: node i reads 1–3 tensors made earlier (or the input).
graph_profile random_dag(idn::rng& g) {
  graph_profile p;
  p.name = "dag";
  const std::size_t N = 1 + g() % 25;
  graph_tensor in;
  in.name = "input";
  in.bytes = 1 + static_cast<double>(g() % 100);
  p.tensors.push_back(in);
  p.inputs.push_back(0);
  for (std::size_t i = 0; i < N; ++i) {
    graph_node n;
    n.name = idn::concat("n", i);
    n.op_type = "Op";
    n.flops = static_cast<double>(g() % 1000);
    const std::size_t reads = 1 + g() % 3;
    for (std::size_t r = 0; r < reads; ++r) {
      const auto t = static_cast<std::uint32_t>(g() % p.tensors.size());
      if (std::find(n.inputs.begin(), n.inputs.end(), t) != n.inputs.end()) continue;
      n.inputs.push_back(t);
      p.tensors[t].consumers.push_back(static_cast<std::uint32_t>(i));
    }
    const std::size_t writes = 1 + (g() % 4 == 0);
    for (std::size_t w = 0; w < writes; ++w) {
      graph_tensor t;
      t.name = idn::concat(n.name, "_out", w);
      t.bytes = 1 + static_cast<double>(g() % 100);
      t.producer = static_cast<std::int64_t>(i);
      n.outputs.push_back(static_cast<std::uint32_t>(p.tensors.size()));
      n.output_bytes += t.bytes;
      p.tensors.push_back(t);
    }
    p.nodes.push_back(n);
  }
  // Graph outputs: the last node's outputs plus, sometimes, an earlier tensor.
  for (const auto t : p.nodes.back().outputs) p.tensors[t].graph_output = true, p.outputs.push_back(t);
  if (g() % 3 == 0) {
    const auto t = static_cast<std::uint32_t>(1 + g() % (p.tensors.size() - 1));
    if (!p.tensors[t].graph_output) p.tensors[t].graph_output = true, p.outputs.push_back(t);
  }
  return p;
}

/// Brute force: for each boundary b (after node b; b = −1 before the first), scan every tensor
/// and ask whether it exists before the cut and is still needed after it.
double brute_live(const graph_profile& p, std::int64_t b) {
  double s = 0;
  const auto N = static_cast<std::int64_t>(p.nodes.size());
  for (const auto& t : p.tensors) {
    if (t.producer > b) continue;  // not yet made
    bool needed = t.graph_output && b < N;
    for (const auto c : t.consumers) needed = needed || static_cast<std::int64_t>(c) > b;
    if (needed) s += t.bytes;
  }
  return s;
}
}  // namespace

TEST_CASE("live_bytes equals a brute-force liveness scan on 3000 random DAGs (residual and dense edges)") {
  idn::rng g(1801);
  for (int run = 0; run < 3000; ++run) {
    const graph_profile p = random_dag(g);
    const auto live = live_bytes(p);
    REQUIRE(live.size() == p.nodes.size() + 1);
    for (std::int64_t b = -1; b < static_cast<std::int64_t>(p.nodes.size()); ++b) {
      CAPTURE(run);
      CAPTURE(b);
      REQUIRE(live[static_cast<std::size_t>(b + 1)] == brute_live(p, b));
    }
  }
}

TEST_CASE("linearize: a residual block's inner cuts ship two tensors; single_tensor cuts only at articulation points") {
  // x -> a -> b -> add(b, x) -> y : a residual block. Inside it both x and the branch are live.
  graph_profile p;
  p.name = "residual";
  auto tensor = [&](const char* name, double bytes, std::int64_t producer) {
    graph_tensor t;
    t.name = name, t.bytes = bytes, t.producer = producer;
    p.tensors.push_back(t);
    return static_cast<std::uint32_t>(p.tensors.size() - 1);
  };
  const auto x = tensor("x", 100, -1), a = tensor("a", 50, 0), b = tensor("b", 40, 1), y = tensor("y", 100, 2);
  auto node = [&](const char* name, std::vector<std::uint32_t> in, std::uint32_t out) {
    graph_node n;
    n.name = name, n.op_type = "Op", n.flops = 10, n.inputs = in, n.outputs = {out};
    for (const auto t : in) p.tensors[t].consumers.push_back(static_cast<std::uint32_t>(p.nodes.size()));
    p.nodes.push_back(n);
  };
  node("conv1", {x}, a);
  node("conv2", {a}, b);
  node("add", {b, x}, y);
  p.tensors[y].graph_output = true;
  p.inputs = {x};
  p.outputs = {y};
  const profile all = linearize(p);
  REQUIRE(all.num_units() == 3);
  CHECK(all.input_bytes() == 100);
  CHECK(all.layer(0).output_bytes == 150);  // a and x
  CHECK(all.layer(1).output_bytes == 140);  // b and x
  CHECK(all.layer(2).output_bytes == 100);  // y
  const profile single = linearize(p, {cut_candidates::single_tensor});
  CHECK(single.num_layers() == 1);  // no single-tensor cut inside the block: one merged layer
  CHECK(single.layer(0).flop == 30);
  CHECK(single.layer(0).output_bytes == 100);
  graph_profile empty;
  CHECK_THROWS_WITH_AS(linearize(empty), doctest::Contains("idn::dnn::linearize: .nodes.size() = 0: must be >= 1"), idn::invalid_input);
}

TEST_CASE("layer_of_node and node_layer against brute force on 2000 random DAGs") {
  idn::rng g(41);
  std::size_t merged = 0, views = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    graph_profile p = random_dag(g);
    for (auto& n : p.nodes)
      if (g() % 5 == 0) n.op_type = "Reshape", n.flops = 0;  // some views
    for (const auto mode : {cut_candidates::every_position, cut_candidates::single_tensor}) {
      const linearize_options o{mode};
      const profile chain = linearize(p, o);
      const std::vector<std::uint32_t> owner = layer_of_node(p, o);
      REQUIRE(owner.size() == p.nodes.size());
      // Owners are contiguous, start at 0, end at the last layer; a layer's FLOPs are its nodes'.
      CHECK(owner.front() == 0);
      CHECK(owner.back() + 1 == chain.num_layers());
      std::vector<double> flop(chain.num_layers(), 0.0);
      for (std::size_t i = 0; i < owner.size(); ++i) {
        if (i > 0) CHECK((owner[i] == owner[i - 1] || owner[i] == owner[i - 1] + 1));
        flop[owner[i]] += p.nodes[i].flops;
      }
      for (std::size_t l = 0; l < chain.num_layers(); ++l) CHECK(chain.layer(l).flop == flop[l]);
      // single_tensor: a layer ends exactly where the brute-force live count is one tensor.
      if (mode == cut_candidates::single_tensor)
        for (std::size_t i = 0; i + 1 < owner.size(); ++i) {
          std::size_t live = 0;
          for (const auto& t : p.tensors) {
            if (t.producer > static_cast<std::int64_t>(i)) continue;
            bool needed = t.graph_output;
            for (const auto c : t.consumers) needed = needed || c > i;
            live += needed ? 1 : 0;
          }
          CHECK((owner[i + 1] != owner[i]) == (live == 1));
          merged += owner[i + 1] == owner[i] ? 1 : 0;
        }
    }
    for (std::size_t i = 0; i < p.nodes.size(); ++i) {
      const layer l = node_layer(p, i);
      const bool view = p.nodes[i].op_type == "Reshape";
      double in = 0;
      for (const auto t : p.nodes[i].inputs) in += p.tensors[t].bytes;
      CHECK(l.flop == p.nodes[i].flops);
      CHECK(l.input_bytes == (view ? 0 : in));
      CHECK(l.output_bytes == (view ? 0 : p.nodes[i].output_bytes));
      views += view ? 1 : 0;
    }
  }
  CHECK(merged > 1000);
  CHECK(views > 1000);
  CHECK(is_view_op("Flatten"));
  CHECK_FALSE(is_view_op("Concat"));
  CHECK_FALSE(is_view_op("Transpose"));
}
