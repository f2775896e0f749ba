#pragma once
/// INFIDA as a network of node agents (docs/alloc.md). Node v's agent holds only v's
/// slice: its variables, its entries of each request type through it, and the cost lists of the
/// types that end at it. Per active type: open at p_1, relay at every hop (each appends (rank,
/// l̃, y, x) for its entries), close at p_J (scan by rank: C*_ρ and the slot's gains), then absorb
/// along the path. end_slot adds the buffered l̃·(C* − C)⁺ per variable in increasing entry
/// order — the centralized order — and runs the shared per-node kernel, so y, x and the coins are
/// bit-identical to `infida`. That is 2(|p| − 1) neighbour messages per active type.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/gain.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/core/mul_add.hpp"
#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"

namespace idn::alloc {

/// One entry's report: its rank k in ρ's list, its capacity l̃ and its y and x. The closing node
/// forms l̃·y and l̃·x itself, with the same idn::mul_add as the centralized scan.
struct option_report {
  std::uint32_t rank;
  double capacity, y, x;
};
/// What a node forwards along a type's path: the type, its requests, and one report per entry seen so far.
struct forward_message {
  type_id type;
  double requests;
  std::vector<option_report> reports;
};
/// What the closing node sends back along the path: the type and its marginal cost C*_ρ.
struct backward_message {
  type_id type;
  double marginal_cost;  ///< C*_ρ
};
/// The closing node's result for one type: the backward message and the type's gains.
struct closure {
  backward_message back;
  double fractional_gain, integral_gain;  ///< L_ρ(y), G_ρ(x)
};

/// One node's INFIDA agent: it owns the node's variables, relays and closes messages, and steps its own y and x; bit-identical to the centralized infida.
class node_agent {
public:
  /// The types whose path ends at each node, in increasing type order. O(T).
  static std::vector<std::vector<type_id>> closing_types(const instance& in) {
    std::vector<std::vector<type_id>> out(in.num_nodes());
    for (std::size_t t = 0; t < in.num_types(); ++t) out[in.type_path(static_cast<type_id>(t)).back()].push_back(static_cast<type_id>(t));
    return out;
  }

  /// The types whose path ends at v, in increasing type order. O(T).
  static std::vector<type_id> closing_at(const instance& in, node_id v) {
    std::vector<type_id> out;
    for (std::size_t t = 0; t < in.num_types(); ++t)
      if (in.type_path(static_cast<type_id>(t)).back() == v) out.push_back(static_cast<type_id>(t));
    return out;
  }

  /// O(T + E_v log T): scans every type's path for the ones v closes (closing_at).
  node_agent(const instance& in, node_id v, const infida_options& o) : node_agent(in, v, o, closing_at(in, v)) {}

  /// closing: the types whose path ends at v, increasing (closing_types(in)[v], computed once for
  /// many agents). O(E_v log T + Σ_closing K_ρ), E_v the entries of v's variables.
  node_agent(const instance& in, node_id v, const infida_options& o, std::span<const type_id> closing)
      : v_(v), begin_(in.node_begin()[v]), kernel_(in, v, o), o_(o) {
    detail::check_options(o);
    const std::uint32_t n = kernel_.size();
    s_.assign(in.size().data() + begin_, in.size().data() + begin_ + n);
    load_cost_.assign(in.var_load_cost().data() + begin_, in.var_load_cost().data() + begin_ + n);
    y_.resize(n);
    x_.resize(n);
    next_.resize(n);
    g_.resize(n);
    tmp_.resize(n);
    // Entries of v's variables (the instance's transpose), in increasing global entry index
    // (= increasing type order), grouped by type.
    const auto tb = in.type_begin();
    std::vector<std::uint32_t> mine;
    for (var_id j{begin_}; j < begin_ + n; ++j)
      mine.insert(mine.end(), in.var_entries().begin() + in.var_entry_begin()[j], in.var_entries().begin() + in.var_entry_begin()[j + 1]);
    std::sort(mine.begin(), mine.end());
    for (const std::uint32_t e : mine) {
      const auto t = static_cast<type_id>(std::upper_bound(tb.begin(), tb.end(), e) - tb.begin() - 1);
      if (types_.empty() || types_.back().type != t) types_.push_back({t, static_cast<std::uint32_t>(entry_.size()), 0});
      const var_id j = in.entry_var()[e];
      entry_.push_back({e, e - tb[t], static_cast<std::uint32_t>(j - begin_), in.entry_cost()[e], in.capacity()[j], 0.0, 0.0});
      types_.back().last = static_cast<std::uint32_t>(entry_.size());
    }
    for (const type_id t : closing) {  // the closing node keeps ρ's cost list
      if (in.type_path(t).back() != v) detail::fail("node_agent", concat("path of closing type ", t, ".back()"), in.type_path(t).back(), concat("must be this agent's node ", v));
      const auto c0 = static_cast<std::uint32_t>(costs_.size());
      for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) costs_.push_back(in.entry_cost()[e]);
      costs_.push_back(in.fallback_cost()[t]);
      closing_.push_back({t, c0, static_cast<std::uint32_t>(costs_.size())});
    }
    kernel_.init(y_.data());
    kernel_.round(s_.data(), y_.data(), x_.data());
  }

  /// The node this agent runs.
  node_id node() const noexcept { return v_; }

  /// Starts type ρ's forward message at its ingress node.
  forward_message open(type_id rho, double requests) const { return {rho, requests, {}}; }

  /// Appends this node's reports for m.type. local_capacity: l̃ for this node's entries of the
  /// type, in the order of local_entries(type); empty means min(L, requests).
  void relay(forward_message& m, std::span<const double> local_capacity = {}) const {
    const range r = find(types_, m.type);
    if (r.first == r.last) return;
    if (!local_capacity.empty() && local_capacity.size() != r.last - r.first)
      detail::fail("node_agent::relay", "local_capacity.size()", local_capacity.size(), concat("must equal ", r.last - r.first));
    for (std::uint32_t k = r.first; k < r.last; ++k) {
      entry& en = entry_[k];
      en.cap = local_capacity.empty() ? std::min(en.max_cap, m.requests) : local_capacity[k - r.first];
      m.reports.push_back({en.rank, en.cap, y_[en.local_var], x_[en.local_var]});
    }
  }

  /// relay with each entry's l̃ read from the batch's capacity (what run_slot hands every hop);
  /// allocation-free apart from the message's report vector.
  void relay(forward_message& m, const batch& b) const {
    const range r = find(types_, m.type);
    const double* cap = b.capacity().data();
    for (std::uint32_t k = r.first; k < r.last; ++k) {
      entry& en = entry_[k];
      en.cap = cap[en.global];
      m.reports.push_back({en.rank, en.cap, y_[en.local_var], x_[en.local_var]});
    }
  }

  /// Global entry indices of this node's entries of type ρ (the order relay expects capacities in).
  std::vector<std::uint32_t> local_entries(type_id rho) const {
    const range r = find(types_, rho);
    std::vector<std::uint32_t> out;
    for (std::uint32_t k = r.first; k < r.last; ++k) out.push_back(entry_[k].global);
    return out;
  }

  /// At p_J: sorts the message's reports by rank (in place: the message ends here) and scans
  /// them exactly as the centralized gain does.
  closure close(forward_message& m) const {
    const range r = find(closing_, m.type);
    if (r.first == r.last) detail::fail("node_agent::close", "m.type", m.type, concat("must be a type whose path ends at this agent's node ", v_));
    std::vector<option_report>& reps = m.reports;
    std::sort(reps.begin(), reps.end(), [](const option_report& a, const option_report& b) { return a.rank < b.rank; });
    const double* cost = costs_.data() + r.first;
    const std::uint32_t K = r.last - r.first - 1;  // entries before the fallback
    if (reps.size() != K) detail::fail("node_agent::close", concat("m.reports.size() (type ", m.type, ")"), reps.size(), concat("must equal the type's entries before the fallback = ", K));
    closure c{{m.type, cost[K]}, 0, 0};
    auto scan = [&](bool fractional, double& cstar) {
      double s = 0, value = 0;
      for (std::uint32_t k = 0; k < K; ++k) {
        s = idn::mul_add(reps[k].capacity, fractional ? reps[k].y : reps[k].x, s);
        if (s >= m.requests) { cstar = cost[k]; return idn::mul_add(m.requests, cost[K] - cost[k], value); }
        value = idn::mul_add(cost[k + 1] - cost[k], s, value);
      }
      cstar = cost[K];
      return value;
    };
    double unused = 0;
    c.fractional_gain = scan(true, c.back.marginal_cost);
    c.integral_gain = scan(false, unused);
    return c;
  }

  /// Buffers (C* − C)⁺ for this node's entries of the type; end_slot multiplies by l̃.
  void absorb(const backward_message& m) {
    const range r = find(types_, m.type);
    for (std::uint32_t k = r.first; k < r.last; ++k) {
      entry& en = entry_[k];
      const double d = m.marginal_cost - en.cost;
      en.pending = d > 0 ? d : 0.0;
    }
  }

  /// Applies the buffered contributions (increasing entry order), steps, projects and — every
  /// P-th slot — rounds. Returns this node's churn, excess and repairs.
  slot_metrics end_slot() {
    slot_metrics m;
    std::fill(g_.begin(), g_.end(), 0.0);
    for (entry& en : entry_) {
      if (en.pending > 0) g_[en.local_var] = idn::mul_add(en.cap, en.pending, g_[en.local_var]);  // as supergradient
      en.pending = 0;
    }
    kernel_.check_update("node_agent::end_slot", g_.data());
    kernel_.update(s_.data(), g_.data(), y_.data(), tmp_.data());
    ++slot_;
    if (slot_ % o_.rounding.refresh_period == 0) {
      const rounding_result r = kernel_.round(s_.data(), y_.data(), next_.data());
      m.budget_excess_bytes = r.excess_bytes;
      m.repairs = r.repaired ? 1 : 0;
      detail::count_churn(s_.data(), load_cost_.data(), x_.data(), next_.data(), x_.size(), m);
      x_.swap(next_);
    }
    return m;
  }

  /// y of this node's variables.
  std::span<const double> fractional() const noexcept { return y_; }
  /// x of this node's variables.
  std::span<const double> allocation() const noexcept { return x_; }

private:
  struct entry {
    std::uint32_t global, rank, local_var;
    double cost, max_cap;
    mutable double cap;  // l̃ of the current slot (set by relay)
    double pending;      // buffered (C* − C)⁺ of the current slot
  };
  struct range { std::uint32_t first = 0, last = 0; };
  struct type_range { type_id type; std::uint32_t first, last; };
  static range find(const std::vector<type_range>& v, type_id t) {
    const auto it = std::lower_bound(v.begin(), v.end(), t, [](const type_range& a, type_id b) { return a.type < b; });
    return (it != v.end() && it->type == t) ? range{it->first, it->last} : range{};
  }

  node_id v_;
  std::uint32_t begin_;
  detail::node_state kernel_;
  infida_options o_;
  std::vector<double> s_, load_cost_, y_, x_, next_, g_, tmp_;
  mutable std::vector<entry> entry_;
  std::vector<type_range> types_, closing_;
  std::vector<double> costs_;
  std::size_t slot_ = 0;
};

/// One distributed slot: its metrics and the messages (count and bytes) it took.
struct distributed_slot {
  slot_metrics metrics;
  std::size_t messages = 0;       ///< neighbour messages (forward + backward)
  std::size_t payload_bytes = 0;  ///< 12-byte headers + 20 bytes per carried report
};

/// Runs one slot over in-process agents (agents[v] for node v), processing active types in
/// `order` (all types in id order when empty) and handing each hop its slice of b.capacity().
inline distributed_slot run_slot(std::span<node_agent> agents, const instance& in, const batch& b,
                                 std::span<const type_id> order = {}) {
  if (agents.size() != in.num_nodes())
    detail::fail("run_slot", "agents.size()", agents.size(), concat("must equal num_nodes = ", in.num_nodes()));
  if (b.instance_uid() != in.uid()) detail::fail("run_slot", "b.instance_uid()", b.instance_uid(), concat("must be in.uid() = ", in.uid(), " (the batch was made by another instance)"));
  distributed_slot out;
  out.metrics.repository_cost = repository_cost(in, b);
  auto process = [&](type_id t) {
    const double r = b.requests()[static_cast<Eigen::Index>(t)];
    if (r <= 0) return;
    const auto path = in.type_path(t);
    forward_message m = agents[path.front()].open(t, r);
    for (std::size_t h = 0; h < path.size(); ++h) {
      node_agent& a = agents[path[h]];
      a.relay(m, b);
      if (h + 1 < path.size()) {
        ++out.messages;
        out.payload_bytes += 12 + 20 * m.reports.size();
      }
    }
    const closure c = agents[path.back()].close(m);
    out.metrics.fractional_gain += c.fractional_gain;
    out.metrics.integral_gain += c.integral_gain;
    for (std::size_t h = 0; h < path.size(); ++h) {
      agents[path[h]].absorb(c.back);
      if (h + 1 < path.size()) {
        ++out.messages;
        out.payload_bytes += 12;
      }
    }
  };
  if (order.empty())
    for (type_id t{0}; t < in.num_types(); ++t) process(t);
  else
    for (const type_id t : order) process(t);
  for (node_agent& a : agents) {
    const slot_metrics m = a.end_slot();
    out.metrics.loads += m.loads;
    out.metrics.unloads += m.unloads;
    out.metrics.loaded_bytes += m.loaded_bytes;
    out.metrics.reconfiguration_cost += m.reconfiguration_cost;
    out.metrics.budget_excess_bytes += m.budget_excess_bytes;
    out.metrics.repairs += m.repairs;
  }
  return out;
}

}  // namespace idn::alloc
