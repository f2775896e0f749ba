#pragma once
/// The IDN builder (`network`), the compiled immutable `instance`, and validated `batch`es
/// (docs/alloc.md). build() enumerates each request type's candidates, sorts them by
/// (cost, pins first, hop, model), truncates after the first pin (the fallback), and lays the
/// result out as CSR arrays with their transpose.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/ids.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::alloc {

/// What hosting model m on node v costs: s (bytes), D (s), L (requests per slot, +inf ok), and
/// what loading it costs, in the unit of the gain (s of request cost), charged once per load
/// (slot_metrics::reconfiguration_cost; see load_cost_of_transfer).
struct option_data {
  double size_bytes = 0;
  double inference_delay_s = 0;
  double capacity_per_slot = 0;
  double load_cost = 0;
};

/// α (s per unit of inaccuracy) and ν (network latency factor; 2 charges the response path).
struct cost_options {
  double alpha_s = 0.0;
  double network_factor = 1.0;
};

class instance;

namespace detail {
/// Throws the house message "idn::alloc::<function>: <field> = <value>: <requirement>".
template <class Value>
[[noreturn]] void fail(std::string_view function, std::string_view field, const Value& value, std::string_view requirement) {
  reject(concat("alloc::", function), field, value, requirement);
}
inline std::uint64_t next_instance_uid() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}
}  // namespace detail

/// The builder. Every call checks its arguments (§5) and throws invalid_input naming the
/// function, field, index and value.
class network {
public:
  /// Adds a task (what requests ask for; models serve one task each). O(1).
  task_id add_task(std::string name) {
    tasks_.push_back(std::move(name));
    return static_cast<task_id>(tasks_.size() - 1);
  }
  /// Adds a model of `task` with stand-alone accuracy in [0, 1]. O(1).
  model_id add_model(task_id task, double accuracy, std::string name = {}) {
    if (task >= tasks_.size()) detail::fail("network::add_model", "task", task, concat("must be < the number of tasks = ", tasks_.size()));
    if (!(accuracy >= 0 && accuracy <= 1))
      detail::fail("network::add_model", concat("accuracy of ", label("model", models_.size(), name)), accuracy, "must lie in [0, 1]");
    models_.push_back({task, accuracy, std::move(name)});
    return static_cast<model_id>(models_.size() - 1);
  }
  /// Adds a node with a model-memory budget of `budget_bytes` (finite, >= 0; 0: a repository that only pins). O(1).
  node_id add_node(double budget_bytes, std::string name = {}) {
    if (!std::isfinite(budget_bytes) || budget_bytes < 0)
      detail::fail("network::add_node", concat("budget_bytes of ", label("node", nodes_.size(), name)), budget_bytes, "must be finite and >= 0");
    nodes_.push_back({budget_bytes, std::move(name)});
    return static_cast<node_id>(nodes_.size() - 1);
  }
  /// Adds an undirected link u–v of `latency_s` (finite, >= 0; no self-links, no duplicates). O(log links).
  void add_link(node_id u, node_id v, double latency_s) {
    check_node("network::add_link", "u", u);
    check_node("network::add_link", "v", v);
    if (u == v) detail::fail("network::add_link", "v", v, "must differ from u (self-links are not allowed)");
    if (!std::isfinite(latency_s) || latency_s < 0)
      detail::fail("network::add_link", concat("latency_s of link (", node_label(u), ", ", node_label(v), ")"), latency_s, "must be finite and >= 0");
    if (!links_.emplace(key(u, v), latency_s).second)
      detail::fail("network::add_link", "(u, v)", concat("(", node_label(u), ", ", node_label(v), ")"), "already linked");
  }
  /// Makes (v, m) an option: a variable the allocation may load on v. O(log options).
  void add_option(node_id v, model_id m, const option_data& d) {
    check_node("network::add_option", "v", v);
    check_model("network::add_option", "m", m);
    auto field = [&](const char* name) { return concat("option (", node_label(v), ", ", model_label(m), ").", name); };
    if (!std::isfinite(d.size_bytes) || d.size_bytes <= 0)
      detail::fail("network::add_option", field("size_bytes"), d.size_bytes, "must be finite and > 0");
    if (!std::isfinite(1 / d.size_bytes))  // projections and rounding divide by it (aggregate rule)
      detail::fail("network::add_option", field("size_bytes"), d.size_bytes, "too small: 1/size_bytes overflows");
    if (!std::isfinite(d.inference_delay_s) || d.inference_delay_s < 0)
      detail::fail("network::add_option", field("inference_delay_s"), d.inference_delay_s, "must be finite and >= 0");
    if (std::isnan(d.capacity_per_slot) || d.capacity_per_slot < 0)
      detail::fail("network::add_option", field("capacity_per_slot"), d.capacity_per_slot, "must be >= 0 (may be +inf)");
    if (!std::isfinite(d.load_cost) || d.load_cost < 0)
      detail::fail("network::add_option", field("load_cost"), d.load_cost, "must be finite and >= 0");
    if (hosted_.count(key_vm(v, m)))
      detail::fail("network::add_option", "(v, m)", concat("(", node_label(v), ", ", model_label(m), ")"), "already an option or a pin");
    hosted_[key_vm(v, m)] = false;
    options_.push_back({v, m, d});
  }
  /// Pins m on v: always hosted, never counted against the budget (a repository or a fallback). O(log options).
  void pin(node_id v, model_id m, double inference_delay_s) {
    check_node("network::pin", "v", v);
    check_model("network::pin", "m", m);
    if (!std::isfinite(inference_delay_s) || inference_delay_s < 0)
      detail::fail("network::pin", concat("inference_delay_s of pin (", node_label(v), ", ", model_label(m), ")"), inference_delay_s,
                   "must be finite and >= 0");
    if (hosted_.count(key_vm(v, m)))
      detail::fail("network::pin", "(v, m)", concat("(", node_label(v), ", ", model_label(m), ")"), "already an option or a pin");
    hosted_[key_vm(v, m)] = true;
    pins_.push_back({v, m, inference_delay_s});
  }
  /// Adds a request type: requests of `task` entering at path[0] and forwarded along linked, distinct nodes; the last node must pin a model of the task. O(|path|² + |path| log links).
  type_id add_request_type(task_id task, std::vector<node_id> path) {
    if (task >= tasks_.size()) detail::fail("network::add_request_type", "task", task, concat("must be < the number of tasks = ", tasks_.size()));
    if (path.empty()) detail::fail("network::add_request_type", concat("path.size() of type ", types_.size()), 0, "must be >= 1");
    for (std::size_t h = 0; h < path.size(); ++h) {
      if (path[h] >= nodes_.size())
        detail::fail("network::add_request_type", concat("path[", h, "]"), path[h], concat("must be < the number of nodes = ", nodes_.size()));
      for (std::size_t g = 0; g < h; ++g)
        if (path[g] == path[h])
          detail::fail("network::add_request_type", concat("path[", h, "]"), node_label(path[h]), concat("repeats path[", g, "]"));
      if (h > 0 && !links_.count(key(path[h - 1], path[h])))
        detail::fail("network::add_request_type", concat("(path[", h - 1, "], path[", h, "])"), concat("(", node_label(path[h - 1]), ", ", node_label(path[h]), ")"),
                     "must be linked (add_link)");
    }
    types_.push_back({task, std::move(path)});
    return static_cast<type_id>(types_.size() - 1);
  }

  /// Nodes added so far.
  std::size_t num_nodes() const noexcept { return nodes_.size(); }
  /// Models added so far.
  std::size_t num_models() const noexcept { return models_.size(); }
  /// Tasks added so far.
  std::size_t num_tasks() const noexcept { return tasks_.size(); }
  /// Request types added so far.
  std::size_t num_types() const noexcept { return types_.size(); }

  /// Checks the cost conditions and compiles the instance (variables by node, every type's cost-sorted entries and fallback).
  [[nodiscard]] instance build(const cost_options& p = {}) const;

private:
  friend class instance;
  struct model_rec { task_id task; double accuracy; std::string name; };
  struct node_rec { double budget; std::string name; };
  struct option_rec { node_id v; model_id m; option_data d; };
  struct pin_rec { node_id v; model_id m; double delay; };
  struct type_rec { task_id task; std::vector<node_id> path; };
  /// What build() knows about every node while it lists each type's candidates: the models
  /// hosted there (an option's variable, or nullopt for a pin) and the pins' delays.
  struct hosting {
    std::vector<std::vector<std::pair<model_id, std::optional<var_id>>>> at;
    std::map<std::uint64_t, double> pin_delay;
  };
  struct candidate { double cost, latency; bool pinned; std::uint32_t hop; model_id m; var_id j; };

  std::vector<std::size_t> build_variables(instance& in) const;
  void build_type(instance& in, std::size_t t, const hosting& host, const std::vector<std::size_t>& order, std::vector<candidate>& cands,
                  std::vector<std::vector<std::uint32_t>>& var_lists) const;

  static std::uint64_t key(node_id u, node_id v) noexcept {
    return (std::uint64_t{std::min(u, v)} << 32) | std::max(u, v);
  }
  static std::uint64_t key_vm(node_id v, model_id m) noexcept { return (std::uint64_t{v} << 32) | m; }
  /// "node 3" or, when the node has a name, "node 3 'edge-a'" (likewise for models and tasks).
  static std::string label(const char* kind, std::size_t i, const std::string& name) {
    return name.empty() ? concat(kind, ' ', i) : concat(kind, ' ', i, " '", name, "'");
  }
  std::string node_label(node_id v) const { return v < nodes_.size() ? label("node", v, nodes_[v].name) : concat("node ", v); }
  std::string model_label(model_id m) const { return m < models_.size() ? label("model", m, models_[m].name) : concat("model ", m); }
  void check_node(const char* where, const char* field, node_id v) const {
    if (v >= nodes_.size()) detail::fail(where, field, v, concat("must be < the number of nodes = ", nodes_.size()));
  }
  void check_model(const char* where, const char* field, model_id m) const {
    if (m >= models_.size()) detail::fail(where, field, m, concat("must be < the number of models = ", models_.size()));
  }

  std::vector<std::string> tasks_;
  std::vector<model_rec> models_;
  std::vector<node_rec> nodes_;
  std::map<std::uint64_t, double> links_;
  std::map<std::uint64_t, bool> hosted_;  // (v,m) -> pinned?
  std::vector<option_rec> options_;
  std::vector<pin_rec> pins_;
  std::vector<type_rec> types_;
};

/// A compiled, validated, immutable IDN. Safe to share between threads.
class instance {
public:
  /// Number of nodes.
  std::size_t num_nodes() const noexcept { return budget_.size(); }
  /// Number of variables (options) n.
  std::size_t num_vars() const noexcept { return static_cast<std::size_t>(size_.size()); }
  /// Number of request types.
  std::size_t num_types() const noexcept { return fallback_cost_.size(); }
  /// Number of entries over all types (fallbacks excluded).
  std::size_t num_entries() const noexcept { return entry_var_.size(); }
  /// Node v owns vars [node_begin[v], node_begin[v+1]).
  std::span<const std::uint32_t> node_begin() const noexcept { return node_begin_; }
  /// The node of each variable.
  std::span<const node_id> var_node() const noexcept { return var_node_; }
  /// The model of each variable.
  std::span<const model_id> var_model() const noexcept { return var_model_; }
  /// s per variable: the option's size in bytes.
  const Eigen::VectorXd& size() const noexcept { return size_; }
  /// L per variable: requests the option can serve per slot (+inf allowed).
  const Eigen::VectorXd& capacity() const noexcept { return capacity_; }
  /// D per var: the option's inference delay (s).
  std::span<const double> var_delay() const noexcept { return var_delay_; }
  /// Per var: the cost of one load (option_data::load_cost), in the unit of the gain.
  std::span<const double> var_load_cost() const noexcept { return var_load_cost_; }
  /// b per node: its memory budget in bytes.
  const Eigen::VectorXd& budget() const noexcept { return budget_; }
  /// CSR: type ρ owns entries [type_begin[ρ], type_begin[ρ+1]), cost-sorted, fallback excluded.
  std::span<const std::uint32_t> type_begin() const noexcept { return type_begin_; }
  /// The variable of each entry.
  std::span<const var_id> entry_var() const noexcept { return entry_var_; }
  /// C per entry: the cost of serving a request of its type there (s).
  std::span<const double> entry_cost() const noexcept { return entry_cost_; }
  /// The hop of each entry along its type's path (0: the entry node).
  std::span<const std::uint32_t> entry_hop() const noexcept { return entry_hop_; }
  /// The cost of each type's fallback (its cheapest pin).
  std::span<const double> fallback_cost() const noexcept { return fallback_cost_; }
  /// The model of each type's fallback.
  std::span<const model_id> fallback_model() const noexcept { return fallback_model_; }
  /// Transpose: the entries that list var j, in increasing type order.
  std::span<const std::uint32_t> var_entry_begin() const noexcept { return var_entry_begin_; }
  /// The entries listing each variable, grouped by var_entry_begin.
  std::span<const std::uint32_t> var_entries() const noexcept { return var_entries_; }
  /// Latency part (network + inference) of each entry's cost, and of each fallback (s).
  std::span<const double> entry_latency() const noexcept { return entry_latency_; }
  /// The latency part of each type's fallback cost (s).
  std::span<const double> fallback_latency() const noexcept { return fallback_latency_; }
  /// The task of type t.
  task_id type_task(type_id t) const { return type_task_.at(t); }
  /// The nodes of type t's path, entry node first.
  std::span<const node_id> type_path(type_id t) const {
    return std::span<const node_id>(path_nodes_).subspan(path_begin_.at(t), path_begin_.at(t + 1) - path_begin_.at(t));
  }
  /// The stand-alone accuracy of model m.
  double model_accuracy(model_id m) const { return model_accuracy_.at(m); }
  /// Σ_j∈J_v s_j.
  double node_total_size(node_id v) const { return node_total_.at(v); }
  /// The cost options the instance was built with.
  const cost_options& costs() const noexcept { return params_; }
  /// Identifies this compiled instance (batches are bound to it).
  std::uint64_t uid() const noexcept { return uid_; }

private:
  friend class network;
  instance() = default;

  cost_options params_;
  std::uint64_t uid_ = 0;
  std::vector<std::uint32_t> node_begin_;
  std::vector<node_id> var_node_;
  std::vector<model_id> var_model_;
  std::vector<double> var_delay_, var_load_cost_;
  Eigen::VectorXd size_, capacity_, budget_;
  std::vector<double> node_total_;
  std::vector<std::uint32_t> type_begin_;
  std::vector<var_id> entry_var_;
  std::vector<double> entry_cost_, entry_latency_;
  std::vector<std::uint32_t> entry_hop_;
  std::vector<double> fallback_cost_, fallback_latency_;
  std::vector<model_id> fallback_model_;
  std::vector<std::uint32_t> var_entry_begin_, var_entries_;
  std::vector<task_id> type_task_;
  std::vector<std::uint32_t> path_begin_;
  std::vector<node_id> path_nodes_;
  std::vector<double> model_accuracy_;
};

/// build(), step 1: the variables are the options grouped by node (stable in insertion order),
/// each checked to fit its node's budget, with per-node totals. Returns the option index of each
/// variable. O(n log n).
inline std::vector<std::size_t> network::build_variables(instance& in) const {
  const std::size_t V = nodes_.size(), n = options_.size();
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return options_[a].v < options_[b].v; });
  in.size_.resize(static_cast<Eigen::Index>(n));
  in.capacity_.resize(static_cast<Eigen::Index>(n));
  in.budget_.resize(static_cast<Eigen::Index>(V));
  in.node_begin_.assign(V + 1, 0);
  in.node_total_.assign(V, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const auto& o = options_[order[j]];
    if (o.d.size_bytes > nodes_[o.v].budget)
      detail::fail("network::build", concat("option (", node_label(o.v), ", ", model_label(o.m), ").size_bytes"), o.d.size_bytes,
                   concat("must be <= the node's budget_bytes = ", nodes_[o.v].budget));
    in.var_node_.push_back(o.v);
    in.var_model_.push_back(o.m);
    in.var_delay_.push_back(o.d.inference_delay_s);
    in.var_load_cost_.push_back(o.d.load_cost);
    in.size_[static_cast<Eigen::Index>(j)] = o.d.size_bytes;
    in.capacity_[static_cast<Eigen::Index>(j)] = o.d.capacity_per_slot;
    in.node_total_[o.v] += o.d.size_bytes;
    if (!std::isfinite(in.node_total_[o.v]))
      detail::fail("network::build", concat("option (", node_label(o.v), ", ", model_label(o.m), ").size_bytes"), o.d.size_bytes,
                   "the sum of option sizes at the node overflows");
    ++in.node_begin_[o.v + 1];
  }
  for (std::size_t v = 0; v < V; ++v) {
    in.node_begin_[v + 1] += in.node_begin_[v];
    in.budget_[static_cast<Eigen::Index>(v)] = nodes_[v].budget;
  }
  return order;
}

/// build(), step 2 for type t: every model of its task hosted along its path is a candidate at
/// cost path latency + inference delay + α(1 − accuracy); candidates sorted by cost (ties: pins
/// first, then nearer hops, then smaller model ids) become the type's entries up to and
/// including the first pin, which is the fallback. O(c log c) for c candidates.
inline void network::build_type(instance& in, std::size_t t, const hosting& host, const std::vector<std::size_t>& order, std::vector<candidate>& cands,
                                std::vector<std::vector<std::uint32_t>>& var_lists) const {
  const cost_options& p = in.params_;
  const auto& ty = types_[t];
  in.type_task_.push_back(ty.task);
  in.path_nodes_.insert(in.path_nodes_.end(), ty.path.begin(), ty.path.end());
  in.path_begin_.push_back(static_cast<std::uint32_t>(in.path_nodes_.size()));
  cands.clear();
  double prefix = 0;  // ν Σ_{h'<h} w, summed left to right
  bool last_pins = false;
  for (std::size_t h = 0; h < ty.path.size(); ++h) {
    if (h > 0) {
      const double w = links_.at(key(ty.path[h - 1], ty.path[h]));
      prefix += p.network_factor * w;
      if (!std::isfinite(prefix))  // aggregate rule: path costs must be finite (docs/reliability.md)
        detail::fail("network::build", concat("latency_s of link (", node_label(ty.path[h - 1]), ", ", node_label(ty.path[h]), ") on the path of type ", t), w,
                     concat("network_factor times the path's latency sum overflows at path[", h, "]"));
    }
    const node_id v = ty.path[h];
    for (const auto& [m, var] : host.at[v]) {
      if (models_[m].task != ty.task) continue;
      const double delay = var ? options_[order[*var]].d.inference_delay_s : host.pin_delay.at(key_vm(v, m));
      const double lat = prefix + delay;
      const double cost = lat + p.alpha_s * (1 - models_[m].accuracy);
      if (!std::isfinite(cost))
        detail::fail("network::build", concat("cost of ", model_label(m), " at path[", h, "] (", node_label(v), ") of type ", t), cost,
                     "must be finite (path latency + inference delay + alpha_s (1 - accuracy))");
      cands.push_back({cost, lat, !var.has_value(), static_cast<std::uint32_t>(h), m, var ? *var : var_id{0}});
      if (h + 1 == ty.path.size() && !var) last_pins = true;
    }
  }
  if (!last_pins)
    detail::fail("network::build", concat("path.back() of type ", t), node_label(ty.path.back()), concat("must pin a model of ", label("task", ty.task, tasks_[ty.task])));
  std::sort(cands.begin(), cands.end(), [](const candidate& a, const candidate& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    if (a.pinned != b.pinned) return a.pinned;
    if (a.hop != b.hop) return a.hop < b.hop;
    return a.m < b.m;
  });
  for (const candidate& c : cands) {
    if (c.pinned) {
      in.fallback_cost_.push_back(c.cost);
      in.fallback_latency_.push_back(c.latency);
      in.fallback_model_.push_back(c.m);
      break;
    }
    var_lists[c.j].push_back(static_cast<std::uint32_t>(in.entry_var_.size()));
    in.entry_var_.push_back(c.j);
    in.entry_cost_.push_back(c.cost);
    in.entry_latency_.push_back(c.latency);
    in.entry_hop_.push_back(c.hop);
  }
  in.type_begin_.push_back(static_cast<std::uint32_t>(in.entry_var_.size()));
}

/// O(Σ_ρ c_ρ log c_ρ) with c_ρ candidates per type. Throws on §5 compile-time conditions.
inline instance network::build(const cost_options& p) const {
  if (!std::isfinite(p.alpha_s) || p.alpha_s < 0)
    detail::fail("network::build", "alpha_s", p.alpha_s, "must be finite and >= 0");
  if (!std::isfinite(p.network_factor) || p.network_factor < 0)
    detail::fail("network::build", "network_factor", p.network_factor, "must be finite and >= 0");
  instance in;
  in.params_ = p;
  in.uid_ = detail::next_instance_uid();
  const std::vector<std::size_t> order = build_variables(in);
  for (const auto& m : models_) in.model_accuracy_.push_back(m.accuracy);
  // Per node: its options (variables; order is stable by node, so each node's options keep
  // their insertion order) and then its pins, for candidate enumeration.
  hosting host;
  host.at.resize(nodes_.size());
  for (std::size_t j = 0; j < order.size(); ++j) host.at[options_[order[j]].v].push_back({options_[order[j]].m, static_cast<var_id>(j)});
  for (const auto& pn : pins_) {
    host.at[pn.v].push_back({pn.m, std::nullopt});
    host.pin_delay[key_vm(pn.v, pn.m)] = pn.delay;
  }
  std::vector<std::vector<std::uint32_t>> var_lists(options_.size());
  in.type_begin_.push_back(0);
  in.path_begin_.push_back(0);
  std::vector<candidate> cands;
  for (std::size_t t = 0; t < types_.size(); ++t) build_type(in, t, host, order, cands, var_lists);
  in.var_entry_begin_.push_back(0);
  for (const auto& l : var_lists) {
    in.var_entries_.insert(in.var_entries_.end(), l.begin(), l.end());
    in.var_entry_begin_.push_back(static_cast<std::uint32_t>(in.var_entries_.size()));
  }
  return in;
}

/// How default per-entry capacities l are derived when none are given.
enum class capacity_split { none, even, proportional };

/// One slot's requests r (per type) and capped capacities l̃ = min(l, r) (per entry), validated
/// and bound to the instance that made it.
class batch {
public:
  /// r per type: this slot's requests.
  const Eigen::VectorXd& requests() const noexcept { return r_; }
  /// l̃ per entry: this slot's capacities, capped by the requests.
  const Eigen::VectorXd& capacity() const noexcept { return cap_; }
  /// The uid of the instance that made this batch.
  std::uint64_t instance_uid() const noexcept { return uid_; }

private:
  friend batch make_batch(const instance&, Eigen::VectorXd, std::optional<Eigen::VectorXd>, capacity_split);
  Eigen::VectorXd r_, cap_;
  std::uint64_t uid_ = 0;
};

/// Validates r (length num_types, finite, >= 0) and l (length num_entries, in [0, L]); without
/// l, derives it from L with `split` (none: L; even: L shared evenly; proportional: ∝ r among the
/// active types listing the variable). O(num_entries).
inline batch make_batch(const instance& in, Eigen::VectorXd requests, std::optional<Eigen::VectorXd> capacity = {},
                        capacity_split split = capacity_split::none) {
  if (static_cast<std::size_t>(requests.size()) != in.num_types())
    detail::fail("make_batch", "requests.size()", requests.size(), concat("must equal num_types = ", in.num_types()));
  // Aggregate rule (docs/reliability.md): C(ω) = Σ r_ρ C_ρK bounds every gain, supergradient
  // entry and serving cost this batch can produce, so it must be finite (Σ r then is too).
  double total_requests = 0, repository = 0;
  for (Eigen::Index t = 0; t < requests.size(); ++t) {
    if (!std::isfinite(requests[t]) || requests[t] < 0)
      detail::fail("make_batch", concat("requests[", t, "]"), requests[t], "must be finite and >= 0");
    total_requests += requests[t];
    repository += requests[t] * in.fallback_cost()[static_cast<std::size_t>(t)];
    if (!std::isfinite(total_requests) || !std::isfinite(repository))
      detail::fail("make_batch", concat("requests[", t, "]"), requests[t], "the sum of requests times their fallback costs (the repository cost) overflows");
  }
  const auto tb = in.type_begin();
  const auto ev = in.entry_var();
  const std::size_t E = in.num_entries();
  Eigen::VectorXd l(static_cast<Eigen::Index>(E));
  if (capacity) {
    if (static_cast<std::size_t>(capacity->size()) != E)
      detail::fail("make_batch", "capacity.size()", capacity->size(), concat("must equal num_entries = ", E));
    for (std::size_t t = 0; t < in.num_types(); ++t)
      for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) {
        const double c = (*capacity)[e], L = in.capacity()[ev[e]];
        if (std::isnan(c) || c < 0 || c > L)
          detail::fail("make_batch", concat("capacity[", e, "] (type ", t, ", entry ", e - tb[t], ")"), c, concat("must lie in [0, L = ", L, "]"));
        l[e] = c;
      }
  } else {
    for (std::size_t e = 0; e < E; ++e) l[static_cast<Eigen::Index>(e)] = in.capacity()[ev[e]];
    if (split != capacity_split::none) {
      const std::size_t n = in.num_vars();
      std::vector<double> share(n, 0.0);  // active count or Σ r per var
      for (std::size_t t = 0; t < in.num_types(); ++t) {
        if (requests[static_cast<Eigen::Index>(t)] <= 0) continue;
        for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e)
          share[ev[e]] += split == capacity_split::even ? 1.0 : requests[static_cast<Eigen::Index>(t)];
      }
      for (std::size_t t = 0; t < in.num_types(); ++t) {
        const double r = requests[static_cast<Eigen::Index>(t)];
        for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) {
          const double w = share[ev[e]];
          if (r <= 0 || w <= 0) continue;
          l[e] *= (split == capacity_split::even ? 1.0 : r) / w;
        }
      }
    }
  }
  for (std::size_t t = 0; t < in.num_types(); ++t)
    for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) l[e] = std::min(l[e], requests[static_cast<Eigen::Index>(t)]);
  batch b;
  b.r_ = std::move(requests);
  b.cap_ = std::move(l);
  b.uid_ = in.uid();
  return b;
}

}  // namespace idn::alloc
