#pragma once
/// Tiered IDN generators (docs/alloc.md): a tree of tiers rooted at a repository that pins
/// every model, options from a user function (typically from idn/hw devices and idn/dnn
/// profiles), and one request type per leaf × uplink path × task.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/concepts.hpp"
#include "idn/hw/estimate.hpp"

namespace idn::alloc {

/// One tier of tiered_network: its name, fan-out, budget, uplinks and their latency.
struct tier {
  std::string name;
  std::size_t fanout = 1;        ///< nodes per parent; root: 1
  double budget_bytes = 0;
  double uplink_latency_s = 0;   ///< latency of each link to the tier above
  std::size_t uplinks = 1;       ///< parents per node (used at the leaf tier)
};

/// tiered_network's input: the tiers (root first), the model catalog and where each model may be hosted.
struct tiered_options {
  std::vector<tier> tiers;  ///< root first
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> catalog;  ///< task → (model, accuracy)
  /// Option data of model m (ids in catalog order) on a node of tier k; nullopt: cannot host.
  std::function<std::optional<option_data>(std::size_t tier, model_id)> option;
  std::uint64_t seed = 0;
};

/// Builds the tiered network. The root pins every model with option(0, m)'s delay. Options that
/// do not fit their node's budget are skipped. O(nodes × models + types).
inline network tiered_network(const tiered_options& p) {
  if (p.tiers.empty()) detail::fail("tiered_network", "tiers.size()", 0, "must be >= 1");
  if (!p.option) detail::fail("tiered_network", "option", "empty", "must be a callable");
  network net;
  std::vector<model_id> models;
  std::vector<task_id> model_task;
  for (const auto& [task_name, list] : p.catalog) {
    const task_id t = net.add_task(task_name);
    for (const auto& [model_name, acc] : list) {
      models.push_back(net.add_model(t, acc, model_name));
      model_task.push_back(t);
    }
  }
  idn::rng g(p.seed);
  std::vector<std::vector<node_id>> levels(p.tiers.size());
  std::vector<std::vector<node_id>> parents;  // per node: parents in the tier above
  for (std::size_t k = 0; k < p.tiers.size(); ++k) {
    const tier& tr = p.tiers[k];
    if (tr.fanout == 0) detail::fail("tiered_network", concat("tiers[", k, "].fanout"), 0, "must be >= 1");
    const std::size_t count = k == 0 ? 1 : levels[k - 1].size() * tr.fanout;
    for (std::size_t i = 0; i < count; ++i) {
      const node_id v = net.add_node(tr.budget_bytes, concat(tr.name, i));
      levels[k].push_back(v);
      parents.emplace_back();
      if (k == 0) continue;
      const auto& above = levels[k - 1];
      const std::size_t home = i / tr.fanout;
      std::vector<node_id> ps{above[home]};
      const std::size_t want = std::min(tr.uplinks, above.size());
      while (ps.size() < want) {  // extra uplinks: distinct random parents
        const node_id c = above[static_cast<std::size_t>(idn::uniform01(g) * static_cast<double>(above.size())) % above.size()];
        if (std::find(ps.begin(), ps.end(), c) == ps.end()) ps.push_back(c);
      }
      for (const node_id u : ps) net.add_link(v, u, tr.uplink_latency_s);
      parents[v] = std::move(ps);
    }
  }
  for (std::size_t m = 0; m < models.size(); ++m) {
    const auto root_opt = p.option(0, static_cast<model_id>(m));
    net.pin(levels[0][0], models[m], root_opt ? root_opt->inference_delay_s : 0.0);
  }
  for (std::size_t k = 1; k < p.tiers.size(); ++k)
    for (const node_id v : levels[k])
      for (std::size_t m = 0; m < models.size(); ++m) {
        const auto o = p.option(k, static_cast<model_id>(m));
        if (o && o->size_bytes <= p.tiers[k].budget_bytes) net.add_option(v, models[m], *o);
      }
  // Types: every leaf × uplink path × task; above the leaf, follow home parents to the root.
  const std::size_t ntasks = p.catalog.size();
  for (const node_id leaf : levels.back()) {
    for (const node_id up : (p.tiers.size() > 1 ? parents[leaf] : std::vector<node_id>{})) {
      std::vector<node_id> path{leaf, up};
      while (!parents[path.back()].empty()) path.push_back(parents[path.back()].front());
      for (std::size_t t = 0; t < ntasks; ++t) net.add_request_type(static_cast<task_id>(t), path);
    }
    if (p.tiers.size() == 1)
      for (std::size_t t = 0; t < ntasks; ++t) net.add_request_type(static_cast<task_id>(t), {leaf});
  }
  return net;
}

/// {memory, latency, ⌊throughput·slot⌋}.
inline option_data make_option(double memory_bytes, double latency_s, double throughput_per_s, double slot_s) {
  return {memory_bytes, latency_s, std::floor(throughput_per_s * slot_s)};
}

/// D = Σ_l device.latency(layer l); s = Σ param_bytes + max workspace bytes; L = ⌊slot_s / D⌋.
template <dnn::layer_chain Net, hw::compute_device D>
option_data option_from_profile(const Net& net, const D& device, double slot_s) {
  double delay = 0, params = 0, act = 0;
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    delay += hw::checked_latency(device, net.layer(l));
    params += net.layer(l).param_bytes;
    act = std::max(act, net.layer(l).workspace_bytes);
  }
  delay += hw::call_overhead_of(device);
  return {params + act, delay, delay > 0 ? std::floor(slot_s / delay) : INFINITY};
}

/// synthetic_network's knobs: the tree's fan-outs, access uplinks, tasks, models per task and the seed.
struct synthetic_options {
  std::array<std::size_t, 3> fanout{9, 10, 10};  ///< regional per root, edge per regional, access per edge
  std::size_t access_uplinks = 4;
  std::size_t tasks = 25;
  std::size_t models_per_task = 4;
  std::uint64_t seed = 1;
};

/// The benchmark IDN: 1 + 9 + 90 + 900 nodes, tasks × models_per_task models, and
/// 900 × 4 × 25 = 90,000 types by default. Ladders (model q = 0.. of each task):
///   size 0.25 GiB · 2^q, accuracy 0.60 + 0.30·q/(models_per_task−1);
///   tiers cloud/regional/edge/access: budget ∞(pins)/16/4/1 GiB, links 20/10/5 ms,
///   inference delay (1 + q)·{2, 4, 8, 16} ms, capacity {∞, 400, 200, 100}/(1 + q) per slot.
inline network synthetic_tiered(const synthetic_options& sp = {}) {
  constexpr double gib = 1024.0 * 1024.0 * 1024.0;
  tiered_options p;
  p.seed = sp.seed;
  p.tiers = {{"cloud", 1, 0, 0, 1},
             {"regional", sp.fanout[0], 16 * gib, 0.020, 1},
             {"edge", sp.fanout[1], 4 * gib, 0.010, 1},
             {"access", sp.fanout[2], 1 * gib, 0.005, sp.access_uplinks}};
  for (std::size_t t = 0; t < sp.tasks; ++t) {
    std::vector<std::pair<std::string, double>> list;
    for (std::size_t q = 0; q < sp.models_per_task; ++q)
      list.push_back({concat("task", t, "/m", q),
                      0.60 + 0.30 * static_cast<double>(q) / static_cast<double>(std::max<std::size_t>(sp.models_per_task - 1, 1))});
    p.catalog.push_back({concat("task", t), std::move(list)});
  }
  const std::size_t per_task = sp.models_per_task;
  p.option = [per_task](std::size_t k, model_id m) -> std::optional<option_data> {
    const double q = static_cast<double>(m % per_task);
    constexpr double delay_ms[4] = {2, 4, 8, 16};
    constexpr double cap[4] = {INFINITY, 400, 200, 100};
    return option_data{0.25 * gib * std::pow(2.0, q), (1 + q) * delay_ms[k] * 1e-3, std::floor(cap[k] / (1 + q))};
  };
  return tiered_network(p);
}

}  // namespace idn::alloc
