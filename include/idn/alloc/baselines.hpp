#pragma once
/// Baselines and oracles for model allocation (docs/alloc.md): a fixed allocation, the
/// brute-force static optimum, lazy static greedy, myopic greedy (global / per node), LFU, and
/// a certified upper bound on the static optimum from the concave relaxation.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <queue>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/gain.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/network.hpp"
#include "idn/alloc/projection.hpp"
#include "idn/core/format.hpp"

namespace idn::alloc {

namespace detail {
/// Aggregate rule (docs/reliability.md) for functions of F = Σ_t G_t: each batch's repository
/// cost is finite (make_batch), and so must their sum be, since it bounds F and every marginal
/// gain. Also checks that every batch belongs to `in`. O(slots · types).
inline void check_slots(const char* where, const instance& in, std::span<const batch> slots) {
  double total = 0;
  for (std::size_t t = 0; t < slots.size(); ++t) {
    if (slots[t].instance_uid() != in.uid()) fail(where, concat("slots[", t, "].instance_uid()"), slots[t].instance_uid(), concat("must be in.uid() = ", in.uid(), " (the batch was made by another instance)"));
    total += repository_cost(in, slots[t]);
    if (!std::isfinite(total))
      fail(where, concat("repository cost of slots[0..", t, "]"), total, "must be finite (the sum over the slots overflows)");
  }
}
/// Σ_t L_t(y) over slots.
inline double total_gain(const instance& in, const Eigen::VectorXd& y, std::span<const batch> slots) {
  double g = 0;
  for (const batch& b : slots) g += gain(in, y, b);
  return g;
}
inline slot_metrics fixed_metrics(const instance& in, const Eigen::VectorXd& x, const batch& b) {
  slot_metrics m;
  m.integral_gain = m.fractional_gain = gain(in, x, b);
  m.repository_cost = repository_cost(in, b);
  return m;
}
/// Counts loads/unloads from old to new and swaps new into old.
inline void account_churn(const instance& in, Eigen::VectorXd& x, const Eigen::VectorXd& next, slot_metrics& m) {
  count_churn(in.size().data(), in.var_load_cost().data(), x.data(), next.data(), static_cast<std::size_t>(x.size()), m);
  x = next;
}
/// Σ over the types listing j of [L_ρ(x with x_j = 1) − L_ρ(x)], summed over slots.
inline double marginal_gain(const instance& in, Eigen::VectorXd& x, var_id j, std::span<const batch> slots) {
  const auto veb = in.var_entry_begin();
  const auto ve = in.var_entries();
  const auto tb = in.type_begin();
  double delta = 0;
  for (const batch& b : slots) {
    std::uint32_t last_type = UINT32_MAX;
    for (std::uint32_t k = veb[j]; k < veb[j + 1]; ++k) {
      // the type owning entry ve[k]
      const std::uint32_t e = ve[k];
      const auto t = static_cast<std::uint32_t>(std::upper_bound(tb.begin(), tb.end(), e) - tb.begin() - 1);
      if (t == last_type || b.requests()[t] <= 0) continue;
      last_type = t;
      double c = 0;
      const double before = scan_type(in, x.data(), b, t, c, [](std::uint32_t) {});
      x[j] = 1;
      const double after = scan_type(in, x.data(), b, t, c, [](std::uint32_t) {});
      x[j] = 0;
      delta += after - before;
    }
  }
  return delta;
}
/// Lazy greedy by marginal gain per byte over `vars`, from x (entries of vars must be 0), keeping
/// each node within budget; used holds bytes per node and is updated.
inline void lazy_greedy(const instance& in, Eigen::VectorXd& x, std::span<const var_id> vars, std::span<const batch> slots,
                        std::vector<double>& used, std::size_t& evaluations) {
  using item = std::pair<double, var_id>;  // (upper bound on gain per byte, var)
  std::priority_queue<item> heap;
  for (const var_id j : vars) heap.push({INFINITY, j});
  while (!heap.empty()) {
    const auto [bound, j] = heap.top();
    heap.pop();
    const node_id v = in.var_node()[j];
    if (used[v] + in.size()[j] > in.budget()[v]) continue;
    const double ratio = marginal_gain(in, x, j, slots) / in.size()[j];
    ++evaluations;
    if (ratio <= 0) continue;
    if (!heap.empty() && ratio < heap.top().first) {
      heap.push({ratio, j});
      continue;
    }
    x[j] = 1;
    used[v] += in.size()[j];
  }
}
}  // namespace detail

/// A fixed allocation (zeros = repository only). Models allocation_policy.
class static_policy {
public:
  /// Keeps x (0/1 per variable, length num_vars; else invalid_input) in every slot; `in` must outlive the policy.
  static_policy(const instance& in, Eigen::VectorXd x) : in_(in), x_(std::move(x)) {
    if (static_cast<std::size_t>(x_.size()) != in.num_vars())
      detail::fail("static_policy", "x.size()", x_.size(), concat("must equal num_vars = ", in.num_vars()));
    for (Eigen::Index j = 0; j < x_.size(); ++j)
      if (x_[j] != 0 && x_[j] != 1) detail::fail("static_policy", concat("x[", j, "]"), x_[j], "must be 0 or 1");
  }
  /// This slot's metrics of the fixed allocation. O(E).
  slot_metrics step(const batch& b) { return detail::fixed_metrics(in_, x_, b); }
  /// The fixed allocation.
  const Eigen::VectorXd& allocation() const noexcept { return x_; }

private:
  const instance& in_;
  Eigen::VectorXd x_;
};

/// greedy_static's allocation, its gain, and how many marginal gains it evaluated.
struct greedy_result {
  Eigen::VectorXd x;
  double gain = 0;
  std::size_t evaluations = 0;
};

/// Lazy greedy by marginal gain per byte on F(x) = Σ_t G(x; slots[t]), returning the better of
/// the greedy set and the best single option (½(1−1/e) for one node; a heuristic otherwise).
inline greedy_result greedy_static(const instance& in, std::span<const batch> slots) {
  detail::check_slots("greedy_static", in, slots);
  greedy_result r;
  r.x = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()));
  std::vector<double> used(in.num_nodes(), 0.0);
  std::vector<var_id> all(in.num_vars());
  std::iota(all.begin(), all.end(), var_id{0});
  detail::lazy_greedy(in, r.x, all, slots, used, r.evaluations);
  r.gain = detail::total_gain(in, r.x, slots);
  // The best single option: its gain is its marginal gain from the empty allocation, which only
  // rescans the types listing it (O(entries of j · list length), not a full gain evaluation).
  Eigen::VectorXd empty = Eigen::VectorXd::Zero(r.x.size());
  for (var_id j{0}; j < in.num_vars(); ++j) {
    const double g = detail::marginal_gain(in, empty, j, slots);
    ++r.evaluations;
    if (g > r.gain) {
      r.gain = g;
      r.x.setZero();
      r.x[j] = 1;
    }
  }
  return r;
}

/// myopic_greedy's order: greedy over all variables at once, or each node over its own.
enum class greedy_scope { global, per_node };

/// Re-solves greedy on the previous slot's batch: x¹ = 0, x^{t+1} = greedy(batch t). per_node:
/// each node runs greedy over its own variables while the others stay at x^t (Jacobi order).
class myopic_greedy {
public:
  /// Starts from x = 0; `in` must outlive the policy.
  explicit myopic_greedy(const instance& in, greedy_scope scope = greedy_scope::global)
      : in_(in), scope_(scope), x_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()))) {}
  /// This slot's metrics of the current allocation, then re-solves greedy on b for the next slot.
  slot_metrics step(const batch& b) {
    slot_metrics m = detail::fixed_metrics(in_, x_, b);
    const std::span<const batch> one(&b, 1);
    Eigen::VectorXd next;
    if (scope_ == greedy_scope::global) {
      next = greedy_static(in_, one).x;
    } else {
      next = x_;
      const auto nb = in_.node_begin();
      for (node_id v{0}; v < in_.num_nodes(); ++v) {
        Eigen::VectorXd ctx = x_;
        for (std::uint32_t j = nb[v]; j < nb[v + 1]; ++j) ctx[j] = 0;
        std::vector<double> used(in_.num_nodes(), 0.0);
        std::vector<var_id> own(nb[v + 1] - nb[v]);
        std::iota(own.begin(), own.end(), var_id{nb[v]});
        std::size_t evals = 0;
        detail::lazy_greedy(in_, ctx, own, one, used, evals);
        for (std::uint32_t j = nb[v]; j < nb[v + 1]; ++j) next[j] = ctx[j];
      }
    }
    detail::account_churn(in_, x_, next, m);
    return m;
  }
  /// The allocation the next step will be charged for.
  const Eigen::VectorXd& allocation() const noexcept { return x_; }

private:
  const instance& in_;
  greedy_scope scope_;
  Eigen::VectorXd x_;
};

/// Least-frequently-used per node and task: F ← decay·F + Σ_{ρ through v, task i} r_ρ; taking
/// tasks by decreasing F, load the fitting option with the smallest D + α(1 − A), one per task.
class lfu {
public:
  /// Starts from x = 0 and F = 0 with decay in [0, 1) (else invalid_input); `in` must outlive the policy.
  explicit lfu(const instance& in, double decay = 0.9)
      : in_(in), decay_(decay), x_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()))) {
    if (!(decay >= 0 && decay < 1)) detail::fail("lfu", "decay", decay, "must lie in [0, 1)");
    for (std::size_t t = 0; t < in.num_types(); ++t) tasks_ = std::max<std::size_t>(tasks_, in.type_task(static_cast<type_id>(t)) + 1);
    freq_.assign(in.num_nodes() * tasks_, 0.0);
    // Each variable's task, through the types that list it (a variable no type lists never serves).
    var_task_.assign(in.num_vars(), SIZE_MAX);
    const auto tb = in.type_begin();
    for (std::size_t t = 0; t < in.num_types(); ++t)
      for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) var_task_[in.entry_var()[e]] = in.type_task(static_cast<type_id>(t));
  }
  /// This slot's metrics of the current allocation, then updates F with b and reloads. O(E + V·T log T + n·T) for T tasks.
  slot_metrics step(const batch& b) {
    slot_metrics m = detail::fixed_metrics(in_, x_, b);
    for (auto& f : freq_) f *= decay_;
    for (std::size_t t = 0; t < in_.num_types(); ++t) {
      const double r = b.requests()[static_cast<Eigen::Index>(t)];
      if (r <= 0) continue;
      for (const node_id v : in_.type_path(static_cast<type_id>(t))) freq_[v * tasks_ + in_.type_task(static_cast<type_id>(t))] += r;
    }
    Eigen::VectorXd next = Eigen::VectorXd::Zero(x_.size());
    const auto nb = in_.node_begin();
    const double alpha = in_.costs().alpha_s;
    std::vector<std::size_t> order(tasks_);
    for (node_id v{0}; v < in_.num_nodes(); ++v) {
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t c) { return freq_[v * tasks_ + a] > freq_[v * tasks_ + c]; });
      double used = 0;
      for (const std::size_t task : order) {
        if (freq_[v * tasks_ + task] <= 0) break;
        var_id best{UINT32_MAX};
        double best_cost = INFINITY;
        for (var_id j{nb[v]}; j < nb[v + 1]; ++j) {
          const model_id mdl = in_.var_model()[j];
          if (var_task_[j] != task || used + in_.size()[j] > in_.budget()[v]) continue;
          const double c = in_.var_delay()[j] + alpha * (1 - in_.model_accuracy(mdl));
          if (c < best_cost) { best_cost = c; best = j; }
        }
        if (best != var_id{UINT32_MAX}) { next[best] = 1; used += in_.size()[best]; }
      }
    }
    detail::account_churn(in_, x_, next, m);
    return m;
  }
  /// The allocation the next step will be charged for.
  const Eigen::VectorXd& allocation() const noexcept { return x_; }

private:
  const instance& in_;
  double decay_;
  Eigen::VectorXd x_;
  std::size_t tasks_ = 0;
  std::vector<double> freq_;
  std::vector<std::size_t> var_task_;
};

/// brute_force's static optimum: the allocation, its total gain, and how many points it enumerated.
struct brute_force_result {
  Eigen::VectorXd x;
  double gain = 0;
  std::uint64_t points = 0;
};

/// The static optimum of F(x) = Σ_t G(x; slots[t]) by enumerating feasible subsets per node and
/// their product. Rejects num_vars > max_vars. O(points · |slots| · E).
inline brute_force_result brute_force(const instance& in, std::span<const batch> slots, std::size_t max_vars = 24) {
  if (in.num_vars() > max_vars) detail::fail("brute_force", "in.num_vars()", in.num_vars(), concat("must be <= max_vars = ", max_vars));
  detail::check_slots("brute_force", in, slots);
  const auto nb = in.node_begin();
  std::vector<std::vector<std::uint32_t>> feasible(in.num_nodes());
  for (node_id v{0}; v < in.num_nodes(); ++v) {
    const std::uint32_t n = nb[v + 1] - nb[v];
    for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
      double used = 0;
      for (std::uint32_t k = 0; k < n; ++k)
        if (mask >> k & 1) used += in.size()[nb[v] + k];
      if (used <= in.budget()[v]) feasible[v].push_back(mask);
    }
  }
  brute_force_result best;
  best.x = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()));
  Eigen::VectorXd x = best.x;
  std::vector<std::size_t> odo(in.num_nodes(), 0);
  while (true) {
    for (node_id v{0}; v < in.num_nodes(); ++v)
      for (std::uint32_t k = 0; k < nb[v + 1] - nb[v]; ++k) x[nb[v] + k] = (feasible[v][odo[v]] >> k & 1) ? 1.0 : 0.0;
    const double g = detail::total_gain(in, x, slots);
    ++best.points;
    if (g > best.gain) { best.gain = g; best.x = x; }
    std::size_t v = 0;
    while (v < odo.size() && ++odo[v] == feasible[v].size()) odo[v++] = 0;
    if (v == odo.size()) break;
  }
  return best;
}

/// relaxation_bound's bracket [lower, upper] on the fractional static optimum, with the averaged point y.
struct relaxation_bound_result {
  Eigen::VectorXd y;
  double lower = 0, upper = 0;
  std::size_t iterations = 0;
  double regret_bound = 0;  ///< the ascent's regret bound: upper − lower <= regret_bound / iterations
};

/// Entropic ascent on F = Σ_t L_t (INFIDA's adaptive rule) for `iterations` steps. lower =
/// max_i F(y_i); upper = mean_i F(y_i) + max_{y∈Y} ⟨ḡ, y⟩ − mean_i ⟨g_i, y_i⟩ (ḡ = mean g_i; the
/// linear maximisation is a per-node fractional knapsack). By concavity `upper` is certified
/// whatever the iterates; the adaptive rule only makes the bracket close fast.
inline relaxation_bound_result relaxation_bound(const instance& in, std::span<const batch> slots, std::size_t iterations = 10000) {
  if (iterations == 0) detail::fail("relaxation_bound", "iterations", 0, "must be >= 1");
  detail::check_slots("relaxation_bound", in, slots);
  const infida_options o;  // entropic, adaptive
  const auto n = static_cast<Eigen::Index>(in.num_vars());
  Eigen::VectorXd y(n), g(n), gs(n), gbar = Eigen::VectorXd::Zero(n), tmp(n);
  std::vector<detail::node_state> nodes;
  const auto nb = in.node_begin();
  for (node_id v{0}; v < in.num_nodes(); ++v) { nodes.emplace_back(in, v, o); nodes.back().init(y.data() + nb[v]); }
  relaxation_bound_result r;
  r.iterations = iterations;
  double mean_f = 0, mean_inner = 0;
  r.lower = -INFINITY;
  for (std::size_t i = 0; i < iterations; ++i) {
    double f = 0;
    gs.setZero();
    for (const batch& b : slots) { f += supergradient(in, y, b, g); gs += g; }
    if (f > r.lower) { r.lower = f; r.y = y; }
    mean_f += f;
    mean_inner += gs.dot(y);
    gbar += gs;
    for (node_id v{0}; v < in.num_nodes(); ++v) nodes[v].check_update("relaxation_bound", gs.data() + nb[v]);
    for (node_id v{0}; v < in.num_nodes(); ++v)
      nodes[v].update(in.size().data() + nb[v], gs.data() + nb[v], y.data() + nb[v], tmp.data() + nb[v]);
  }
  for (const auto& nd : nodes) r.regret_bound += nd.regret_bound();
  const double it = static_cast<double>(iterations);
  mean_f /= it;
  mean_inner /= it;
  gbar /= it;
  // max over Y of <gbar, y>: per node, fill by gbar/s descending until Σ s y = b (or all, if S <= b).
  double lin = 0;
  for (node_id v{0}; v < in.num_nodes(); ++v) {
    std::vector<std::uint32_t> idx(nb[v + 1] - nb[v]);
    std::iota(idx.begin(), idx.end(), nb[v]);
    std::sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t c) { return gbar[a] / in.size()[a] > gbar[c] / in.size()[c]; });
    double room = in.node_total_size(v) <= in.budget()[v] ? INFINITY : in.budget()[v];
    for (const std::uint32_t j : idx) {
      const double take = std::min(1.0, room / in.size()[j]);
      lin += gbar[j] * take;
      room -= take * in.size()[j];
      if (room <= 0) break;
    }
  }
  r.upper = mean_f + lin - mean_inner;
  return r;
}

static_assert(allocation_policy<static_policy>);
static_assert(allocation_policy<myopic_greedy>);
static_assert(allocation_policy<lfu>);

}  // namespace idn::alloc
