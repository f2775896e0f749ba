#pragma once
/// The PA-MDI evaluation scenarios of docs/mdi.md (after Li & Seferoglu, ICMLCN 2025),
/// built from idn/hw roofline presets and an idn/dnn profile:
///  A: 5 fully connected Jetson Xavier NX nodes on one shared 20 Mbit/s medium; the
///     time-sensitive (TS, class 0) source at node 0, the non-time-sensitive (NTS, class 1) at node 3;
///  B: a 2×3 multi-hop grid, Xaviers X0–X1–X2 on top, Nanos N0–N1–N2 below, edges X_i–N_i,
///     one channel per link; TS at X0, NTS at N2.
/// The model is cut offline into 4 partitions (min bottleneck over a 4-Xavier reference chain
/// without empty stages). The load ρ is relative to the ar_mdi chain capacity of the TS source.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "idn/dnn/profile.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/partition/baselines.hpp"
#include "idn/mdi/scenario.hpp"
#include "idn/partition/solve.hpp"

namespace idn::mdi {

/// A (5 Xaviers on one shared medium) or B (the 2×3 multi-hop grid of Xaviers and Nanos).
enum class paper_topology { single_hop_xavier5, multi_hop_3x3n };

/// The knobs of make_paper_scenario.
struct paper_scenario_options {
  double load = 0.7;                 ///< ρ of the ar_mdi chain capacity, shared by the two sources
  std::size_t tasks_per_source = 100;
  double bandwidth_bps = 20e6, latency_s = 0.002;
  double ts_gamma = 4, nts_gamma = 1;  ///< weights γ (larger = more important)
  double compute_scale = 1;  ///< multiplies every layer time (e.g. to match measured, slower runtimes)
  /// What ρ is relative to: the ar_mdi chain capacity of the TS source (the spec's definition), or
  /// the TS node's own compute capacity 1/ΣT (ρ > 1 then forces offloading).
  enum class basis { ar_mdi_chain, local_compute } load_basis = basis::ar_mdi_chain;
  /// Per-layer seconds on a Xavier NX and on a Nano (one per model layer, e.g. a runtime's
  /// measurements scaled to the boards by a stated rule); empty = the roofline presets' times.
  /// compute_scale still multiplies them.
  std::vector<double> xavier_layer_s, nano_layer_s;
};

/// A reference scenario and the ar_mdi chain capacity (tasks/s) its rates were derived from.
struct paper_scenario {
  scenario s;
  double chain_capacity_per_s = 0;
};

/// Builds topology A or B for `model` (Jetson roofline presets or the given per-layer board
/// times), cuts the model offline into 4 partitions and sets both sources' rates to `load` of
/// the chosen capacity. Throws invalid_input naming the option. O(L·K) plus one chain solve.
/// long: one linear recipe (devices, links, times, cuts, rates) that reads best in one place.
inline paper_scenario make_paper_scenario(paper_topology topo, const dnn::profile& model, const paper_scenario_options& o = {}) {
  if (!(o.load > 0)) reject("mdi::make_paper_scenario", "load", o.load, "must be > 0");
  const hw::roofline_device xavier(hw::jetson_xavier_nx().params), nano(hw::jetson_nano().params);
  paper_scenario out;
  scenario& s = out.s;
  std::vector<hw::roofline_device> devices;
  if (topo == paper_topology::single_hop_xavier5) {
    devices.assign(5, xavier);
    for (std::ptrdiff_t a = 0; a < 5; ++a)
      for (std::ptrdiff_t b = a + 1; b < 5; ++b) s.links.push_back({a, b, o.bandwidth_bps, o.latency_s});
    s.medium = medium_kind::shared;
  } else {
    devices = {xavier, xavier, xavier, nano, nano, nano};  // X0 X1 X2 N0 N1 N2
    s.links = {{0, 1, o.bandwidth_bps, o.latency_s}, {1, 2, o.bandwidth_bps, o.latency_s}, {3, 4, o.bandwidth_bps, o.latency_s},
               {4, 5, o.bandwidth_bps, o.latency_s}, {0, 3, o.bandwidth_bps, o.latency_s}, {1, 4, o.bandwidth_bps, o.latency_s},
               {2, 5, o.bandwidth_bps, o.latency_s}};
    s.medium = medium_kind::per_link;
  }
  for (std::size_t n = 0; n < devices.size(); ++n) s.nodes.push_back({concat(devices[n].name(), "#", n), devices[n].memory_bytes(), 0});
  const partition::chain_profile prof = partition::make_profile(model);
  if (!(o.compute_scale > 0)) reject("mdi::make_paper_scenario", "compute_scale", o.compute_scale, "must be > 0");
  Eigen::MatrixXd T = o.compute_scale * partition::time_matrix(model, std::span<const hw::roofline_device>(devices));
  if (!o.xavier_layer_s.empty() || !o.nano_layer_s.empty()) {
    const auto layers = static_cast<std::size_t>(T.rows());
    for (const auto* v : {&o.xavier_layer_s, &o.nano_layer_s}) {
      const char* field = v == &o.xavier_layer_s ? "xavier_layer_s" : "nano_layer_s";
      const std::string rule = concat("must equal the model's layer count ", layers);
      if (v->size() != layers) reject("mdi::make_paper_scenario", concat(field, ".size()"), static_cast<double>(v->size()), rule.c_str());
      for (std::size_t l = 0; l < layers; ++l)
        if (!((*v)[l] >= 0) || !std::isfinite((*v)[l])) reject("mdi::make_paper_scenario", concat(field, "[", l, "]"), (*v)[l], "must be finite and >= 0");
    }
    for (std::size_t n = 0; n < devices.size(); ++n) {
      const bool is_xavier = devices[n].name() == xavier.name();
      for (std::size_t l = 0; l < layers; ++l)
        T(static_cast<Eigen::Index>(l), static_cast<Eigen::Index>(n)) = o.compute_scale * (is_xavier ? o.xavier_layer_s : o.nano_layer_s)[l];
    }
  }
  const std::ptrdiff_t L = prof.flop.size();
  // A serialized chain problem over some nodes (input at the first), from the scenario's times.
  auto chain_over = [&](const std::vector<std::ptrdiff_t>& nodes) {
    Eigen::MatrixXd Tc(L, static_cast<std::ptrdiff_t>(nodes.size()));
    for (std::size_t k = 0; k < nodes.size(); ++k) Tc.col(static_cast<std::ptrdiff_t>(k)) = T.col(nodes[k]);
    const std::vector<hw::affine_link> links(nodes.size(), hw::affine_link(o.latency_s, o.bandwidth_bps));
    return partition::make_chain_problem(prof, std::move(Tc), Eigen::VectorXd::Constant(static_cast<std::ptrdiff_t>(nodes.size()), INFINITY),
                              std::span<const hw::affine_link>(links), std::span<const hw::affine_link>(links), links[0],
                              partition::chain_options{partition::comm_mode::serialized, true, true});
  };
  // Offline partitions: min bottleneck over a chain of the first Xaviers (4 in A, 3 in B), no empty stages.
  const std::vector<std::ptrdiff_t> ref_nodes = topo == paper_topology::single_hop_xavier5 ? std::vector<std::ptrdiff_t>{0, 1, 2, 3} : std::vector<std::ptrdiff_t>{0, 1, 2, 2};
  const partition::partition_result cut = partition::min_bottleneck(chain_over(ref_nodes), partition::solve_options{L < 4});
  std::vector<std::ptrdiff_t> cuts{0};
  for (std::size_t k = 1; k < cut.cuts.size(); ++k)
    if (static_cast<std::ptrdiff_t>(cut.cuts[k]) != cuts.back()) cuts.push_back(static_cast<std::ptrdiff_t>(cut.cuts[k]));
  if (cuts.back() != L) cuts = {0, L};
  s.models.push_back({model.name(), prof, T, cuts});
  s.num_classes = 2;
  // ar_mdi chain capacity for the TS source: proportional split along the BFS chain.
  const std::ptrdiff_t ts_node = 0, nts_node = topo == paper_topology::single_hop_xavier5 ? 3 : 5;
  {
    std::vector<std::ptrdiff_t> chain{ts_node};
    std::vector<char> seen(devices.size(), 0);
    seen[static_cast<std::size_t>(ts_node)] = 1;
    for (std::size_t h = 0; h < chain.size(); ++h)
      for (const link_spec& l : s.links) {
        const std::ptrdiff_t u = chain[h], v = l.a == u ? l.b : (l.b == u ? l.a : -1);
        if (v >= 0 && !seen[static_cast<std::size_t>(v)]) seen[static_cast<std::size_t>(v)] = 1, chain.push_back(v);
      }
    const partition::chain_problem cp = chain_over(chain);
    const partition::partition_result pr = partition::proportional_split(cp);
    const double bottleneck = pr.status == partition::solve_status::optimal ? pr.bottleneck_s : partition::min_bottleneck(cp).bottleneck_s;
    out.chain_capacity_per_s = 1.0 / bottleneck;
  }
  const double capacity = o.load_basis == paper_scenario_options::basis::ar_mdi_chain ? out.chain_capacity_per_s : 1.0 / T.col(0).sum();
  const double rate = o.load * capacity / 2;
  source_spec ts{ts_node, 0, 0, o.ts_gamma, 1.0}, nts{nts_node, 0, 1, o.nts_gamma, 1.0};
  ts.rate_per_s = nts.rate_per_s = rate;
  ts.max_tasks = nts.max_tasks = o.tasks_per_source;
  s.sources = {ts, nts};
  s.warmup_s = 0;
  s.horizon_s = static_cast<double>(o.tasks_per_source) / rate * 3 + 10;  // every task is generated well before
  s.service = service_kind::deterministic;
  return out;
}

}  // namespace idn::mdi
