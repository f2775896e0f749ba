#pragma once
// The CoDE scenario of docs/path.md, shared by the path examples: AlexNet (service A, task A)
// on a Jetson Nano and MobileNetV2 (service B, task B) on a Jetson Xavier NX, 100 Mbit/s, 2 ms.
// Each trunk carries extra heads for the other task on its last two boundaries; every boundary
// connects both ways to the other model's boundary of nearest spatial size (ties: nearest depth)
// through a 1x1 conv adapter (linear at fc boundaries); skip-returns go to the requester's last
// two boundaries; a connection that would close a cycle with earlier ones is skipped.
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "idn/dnn/zoo.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/path.hpp"

namespace code_example {
using namespace idn::path;

/// Boundary tensor shapes (C, H, W) after each block (torchvision layouts at 224×224).
struct shape {
  double c, h, w;
  double size() const { return c * h * w; }
};
inline const std::vector<shape> alexnet_shapes{{3, 224, 224}, {64, 27, 27}, {192, 13, 13}, {384, 13, 13}, {256, 13, 13}, {256, 6, 6}, {4096, 1, 1}, {4096, 1, 1}};
inline const std::vector<shape> mobilenet_shapes{{3, 224, 224}, {32, 112, 112}, {16, 112, 112}, {24, 56, 56}, {32, 28, 28}, {64, 14, 14},
                                          {96, 14, 14},  {160, 7, 7},    {320, 7, 7},    {1280, 7, 7}};

struct settings {
  double penalty = 0.01, head_penalty = 0.02, load_a = 1.5, load_b = 0.3, rho = 0.9;
  /// The two models (defaults: torchvision's AlexNet and MobileNetV2, ImageNet top-1).
  std::string name_a = "alexnet", name_b = "mobilenet_v2";
  double accuracy_a = 0.56522, accuracy_b = 0.71878, classes = 1000;
  /// Early-exit accuracies after blocks 1..B-1 of each model (the Edgent baseline); empty: linear
  /// in depth from chance to the model's accuracy, an assumption.
  std::vector<double> exits_a, exits_b;
};

/// 1×1 conv adapter at the destination's resolution, or a linear map when either side is a vector.
inline double adapter_flops(const shape& from, const shape& to) {
  if (from.h == 1 || to.h == 1) return 2 * from.size() * to.size();
  return 2 * from.c * to.c * to.h * to.w;
}

/// The zoo profiles' block boundaries (cut after these layers), one per shape after the input.
inline const std::vector<std::size_t> zoo_alexnet_cuts{0, 1, 2, 3, 4, 5, 6}, zoo_mobilenet_cuts{0, 1, 3, 6, 10, 13, 16, 17, 18};

/// The scenario for two chains cut after the given layers, with the boundary shapes there (input
/// first, then one per cut; defaults: the zoo profiles' cuts and torchvision's shapes, or an
/// imported model's cut nodes and the shapes ONNX inferred for their outputs).
inline graph_spec build(const settings& s, const idn::dnn::profile& alex, const idn::dnn::profile& mob,
                        const std::vector<std::size_t>& alex_cuts = zoo_alexnet_cuts, const std::vector<std::size_t>& mob_cuts = zoo_mobilenet_cuts,
                        const std::vector<shape>& alex_shapes = alexnet_shapes, const std::vector<shape>& mob_shapes = mobilenet_shapes) {
  if (alex_shapes.size() != alex_cuts.size() + 1 || mob_shapes.size() != mob_cuts.size() + 1)
    throw idn::invalid_input("code_example::build: one boundary shape per cut plus the input's");
  graph_spec g;
  const idn::hw::roofline_device nano(idn::hw::jetson_nano().params), nx(idn::hw::jetson_xavier_nx().params);
  g.servers.push_back(server_from_device("jetson_nano", nano, alex));
  g.servers.push_back(server_from_device("jetson_xavier_nx", nx, mob));
  add_duplex_link(g, 0, 1, 100e6, 2e-3);
  model_and_head a = model_from_chain(s.name_a, alex, alex_cuts, 0, 0, s.accuracy_a);
  model_and_head b = model_from_chain(s.name_b, mob, mob_cuts, 1, 1, s.accuracy_b);
  b.head.model = 1;
  g.models = {a.model, b.model};
  g.heads = {a.head, b.head};
  const std::vector<const std::vector<shape>*> shapes{&alex_shapes, &mob_shapes};
  for (std::size_t m = 0; m < 2; ++m) {
    const std::size_t B = static_cast<std::size_t>(g.models[static_cast<std::size_t>(m)].blocks.size()), other_task = 1 - m;
    const auto& sh = *shapes[static_cast<std::size_t>(m)];
    // Extra heads for the other task on the last two boundaries (pooled linear classifier).
    for (std::size_t k = B - 1; k <= B; ++k)
      g.heads.push_back({m, k, other_task, head_kind::extra, 2 * sh[static_cast<std::size_t>(k)].c * s.classes, 4 * s.classes, std::nullopt, s.head_penalty});
    // Early exits for the Edgent baseline (not used by CoDE: rules.early_exits = false): measured
    // accuracies if given, else linear in depth from chance to A_m (an assumption, printed).
    const std::vector<double>& exits = m == 0 ? s.exits_a : s.exits_b;
    if (!exits.empty() && exits.size() != static_cast<std::size_t>(B - 1)) throw idn::invalid_input("code_example::build: one early-exit accuracy per block but the last");
    for (std::size_t k = 1; k < B; ++k) {
      const double chance = 1 / s.classes;
      const double acc = exits.empty() ? chance + (g.models[static_cast<std::size_t>(m)].accuracy - chance) * static_cast<double>(k) / static_cast<double>(B)
                                       : exits[static_cast<std::size_t>(k - 1)];
      g.heads.push_back({m, k, m, head_kind::early_exit, 2 * sh[static_cast<std::size_t>(k)].c * s.classes, 4 * s.classes, acc, 0});
    }
  }
  // Connections, in order; one that would close a cycle with those before it is skipped (a path
  // never loops, and block_graph requires a DAG).
  std::size_t skipped = 0;
  acyclic_connections dag(g);
  auto connect = [&](const connection_spec& c) { skipped += dag.add(c) ? 0 : 1; };
  // Each boundary to the other model's nearest spatial size (ties: nearest depth).
  const block_graph tmp(graph_spec{g.servers, g.links, g.models, g.heads, {}, {{"A", 0, 1}, {"B", 1, 1}}});
  for (std::size_t i = 0; i < 2; ++i) {
    const std::size_t j = 1 - i, Bi = static_cast<std::size_t>(g.models[static_cast<std::size_t>(i)].blocks.size()), Bj = static_cast<std::size_t>(g.models[static_cast<std::size_t>(j)].blocks.size());
    const auto &si = *shapes[static_cast<std::size_t>(i)], &sj = *shapes[static_cast<std::size_t>(j)];
    for (std::size_t k = 1; k <= Bi; ++k) {
      std::size_t best = 1;
      for (std::size_t q = 1; q < Bj; ++q) {
        const double d = std::abs(sj[static_cast<std::size_t>(q)].h - si[static_cast<std::size_t>(k)].h), db = std::abs(sj[static_cast<std::size_t>(best)].h - si[static_cast<std::size_t>(k)].h);
        const double dd = std::abs(tmp.depth(j, q) - tmp.depth(i, k)), ddb = std::abs(tmp.depth(j, best) - tmp.depth(i, k));
        if (d < db || (d == db && dd < ddb)) best = q;
      }
      connect({i, k, j, best, adapter_flops(si[static_cast<std::size_t>(k)], sj[static_cast<std::size_t>(best)]), adapter_site::destination, s.penalty});
    }
  }
  // Skip-returns: from every boundary of the other model into the requester's last two boundaries.
  for (std::size_t r = 0; r < 2; ++r) {
    const std::size_t o = 1 - r, Br = static_cast<std::size_t>(g.models[static_cast<std::size_t>(r)].blocks.size()), Bo = static_cast<std::size_t>(g.models[static_cast<std::size_t>(o)].blocks.size());
    const auto &sr = *shapes[static_cast<std::size_t>(r)], &so = *shapes[static_cast<std::size_t>(o)];
    for (std::size_t k = 1; k <= Bo; ++k)
      for (std::size_t t = Br - 2; t <= Br - 1; ++t)
        connect({o, k, r, t, adapter_flops(so[static_cast<std::size_t>(k)], sr[static_cast<std::size_t>(t)]), adapter_site::destination, s.penalty});
  }
  if (skipped > 0) std::printf("(%zu of %zu candidate connections skipped: each would close a cycle with earlier ones)\n", skipped, skipped + g.connections.size());
  // Demands: λ_A = load_a and λ_B = load_b times each server's stand-alone capacity ρ̄μ/W.
  for (std::size_t m = 0; m < 2; ++m) {
    const double W = tmp.model_flops(m), cap = s.rho * g.servers[static_cast<std::size_t>(m)].capacity_flops / W;
    g.services.push_back({m == 0 ? "A (" + s.name_a + ")" : "B (" + s.name_b + ")", m, (m == 0 ? s.load_a : s.load_b) * cap});
  }
  return g;
}

}  // namespace code_example
