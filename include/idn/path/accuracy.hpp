#pragma once
/// Accuracy estimators (docs/path.md "Accuracy", §3 accuracy.hpp). idn predicts and ranks
/// mixed paths; their real accuracies come from adapters trained outside idn and are fed back
/// through measured_table. The default interpolation_estimator interpolates monotonically between
/// stand-alone accuracies (as SN-Net observed for stitched networks):
///   Â_p = a_h                                   if p uses no connection and the head has a_h,
///   Â_p = clamp(Σ ω α_m / Σ ω − Σ π_c − π_h)     otherwise, ω = w_{m,k} (work) or 1/B_m (depth).
#include <algorithm>
#include <cmath>
#include <concepts>
#include <limits>
#include <map>
#include <type_traits>
#include <vector>

#include "idn/path/path.hpp"
#include "idn/core/mul_add.hpp"

namespace idn::path {

template <class E>
concept accuracy_estimator = std::copy_constructible<E> && requires(const E& e, const block_graph& g, const path& p) {
  { e.estimate(g, p) } -> std::convertible_to<double>;
};
/// upper_bound(g, prefix, node) ≥ Â of every completion of the prefix (which ends at node).
template <class E>
concept bounded_accuracy_estimator = accuracy_estimator<E> && requires(const E& e, const block_graph& g, const path& prefix, std::size_t node) {
  { e.upper_bound(g, prefix, node) } -> std::convertible_to<double>;
};
/// Incremental form used by label setting; finish() is bitwise equal to estimate().
template <class E>
concept decomposable_accuracy_estimator = accuracy_estimator<E> && std::is_trivially_copyable_v<typename E::state> &&
  requires(const E& e, const block_graph& g, const typename E::state& s, std::size_t i, std::size_t k) {
    { e.start(g, i) } -> std::same_as<typename E::state>;
    { e.add_block(g, s, i, k) } -> std::same_as<typename E::state>;
    { e.add_join(g, s, i) } -> std::same_as<typename E::state>;
    { e.finish(g, s, i) } -> std::convertible_to<double>;
    { e.dominates(g, s, s) } -> std::convertible_to<bool>;
    { e.bound(g, s, i) } -> std::convertible_to<double>;
  };
/// A decomposable estimator whose bound tightens with the most block weight a completion can
/// still add: the searches precompute that weight per (node, switches left) from block_weight
/// (path/detail/completion_bounds.hpp). bound_with_rest(g, s, w) ≥ finish of every completion of
/// s that adds at most w block weight (w = +inf: bound(g, s, ·)).
template <class E>
concept rest_bounded_accuracy_estimator = decomposable_accuracy_estimator<E> &&
  requires(const E& e, const block_graph& g, const typename E::state& s, std::size_t m, std::size_t k, double w) {
    { e.block_weight(g, m, k) } -> std::convertible_to<double>;
    { e.bound_with_rest(g, s, w) } -> std::convertible_to<double>;
  };

/// How interpolation_estimator weighs a block: by its FLOPs (work) or equally within its model (depth, 1/B_m).
enum class weight : std::uint8_t { work, depth };

/// Â(p) = (Σ_blocks ω·α_m) / (Σ ω) − Σ penalties of joins and head, clamped to [0, 1]; a path that crosses no connection and ends at a head of known accuracy gets that accuracy. Decomposable and bounded (see the concepts above).
struct interpolation_estimator {
  weight w = weight::work;
  std::vector<double> anchors;  ///< α_m per model; empty = the models' accuracies A_m

  /// The running sums of a path prefix (what add_block / add_join update and finish reads).
  struct state {
    double num = 0, den = 0, penalty = 0;
    bool native = true;
    double alpha_min = 0, alpha_max = 1;  ///< anchor range, fixed at start()
    double native_head = 1;               ///< ≥ Â of a path that never switches, fixed at start()
    double least_join_penalty = 0, least_head_penalty = 0;  ///< over the graph, fixed at start()
  };

  /// α_m: anchors[m], or model m's accuracy when anchors is empty.
  double anchor(const block_graph& g, std::size_t m) const noexcept {
    return anchors.empty() ? g.spec().models[m].accuracy : anchors[m];
  }
  /// Throws if anchors are malformed for g.
  void check(const block_graph& g) const {
    if (!anchors.empty() && anchors.size() != g.num_models())
      detail::fail("interpolation_estimator", "anchors.size()", anchors.size(), concat("must equal the number of models ", g.num_models()));
    for (std::size_t m = 0; m < anchors.size(); ++m)
      if (!detail::unit_interval(anchors[m])) detail::fail("interpolation_estimator", concat("anchors[", m, "]"), anchors[m], "must lie in [0,1]");
  }
  /// O(M + H + C): the anchor range, the least penalties, and the best a path that never
  /// switches can reach (a head of the service's model: its fixed accuracy, or the anchor).
  state start(const block_graph& g, std::size_t service) const noexcept {
    state s;
    s.alpha_min = 1, s.alpha_max = 0;
    for (std::size_t m = 0; m < g.num_models(); ++m) s.alpha_min = std::min(s.alpha_min, anchor(g, m)), s.alpha_max = std::max(s.alpha_max, anchor(g, m));
    const std::size_t model = g.spec().services[service].model;
    s.least_join_penalty = 1, s.least_head_penalty = 1, s.native_head = 0;
    for (const connection_spec& c : g.spec().connections) s.least_join_penalty = std::min(s.least_join_penalty, c.accuracy_penalty);
    for (const head_spec& h : g.spec().heads) {
      s.least_head_penalty = std::min(s.least_head_penalty, h.accuracy_penalty);
      if (h.model == model) s.native_head = std::max(s.native_head, h.accuracy ? *h.accuracy : anchor(g, model));
    }
    return s;
  }
  /// ω of block k of model m: its FLOPs (weight::work) or 1/B_m (weight::depth).
  double block_weight(const block_graph& g, std::size_t m, std::size_t k) const noexcept {
    return w == weight::work ? g.block_flops(m, k) : 1.0 / static_cast<double>(g.blocks(m));
  }
  /// s extended by block k of model m. O(1).
  state add_block(const block_graph& g, const state& s, std::size_t m, std::size_t k) const noexcept {
    state r = s;
    const double om = block_weight(g, m, k);
    // idn::mul_add: the incremental state of the label-setting search and estimate() then agree
    // bit for bit whether or not the compiler contracts a·b + c (aarch64 does).
    r.num = idn::mul_add(om, anchor(g, m), r.num), r.den += om;
    return r;
  }
  /// s extended by a join (a connection's penalty; a handoff adds none). O(1).
  state add_join(const block_graph& g, const state& s, std::size_t join) const noexcept {
    state r = s;
    if (join != handoff) r.penalty += g.spec().connections[join].accuracy_penalty, r.native = false;
    return r;
  }
  /// Â of the prefix s ending at head h. O(1).
  double finish(const block_graph& g, const state& s, std::size_t h) const noexcept {
    const head_spec& hd = g.spec().heads[h];
    if (s.native && hd.accuracy) return *hd.accuracy;
    const double a = (s.den > 0 ? s.num / s.den : 0.0) - s.penalty - hd.accuracy_penalty;
    return std::clamp(a, 0.0, 1.0);
  }
  /// a beats b for every common suffix: same nativeness, no more penalty, and a ratio at least
  /// as large after adding any (n, d) with n/d ∈ [α_min, α_max] (checked at both ends).
  bool dominates(const block_graph&, const state& a, const state& b) const noexcept {
    if (a.native != b.native || a.penalty > b.penalty) return false;
    if (a.num * b.den < b.num * a.den) return false;
    for (const double al : {a.alpha_min, a.alpha_max})
      if (idn::mul_add(-al, a.den, a.num) < idn::mul_add(-al, b.den, b.num)) return false;
    return true;
  }
  /// ≥ finish of every completion: the ratio can rise at most to α_max.
  double bound(const block_graph& g, const state& s, std::size_t /*node*/) const noexcept {
    return bound_with_rest(g, s, std::numeric_limits<double>::infinity());
  }
  /// ≥ finish of every completion adding at most `rest` block weight: the ratio Σωα/Σω is a
  /// weighted mean, so the most it can become is (num + α_max·rest)/(den + rest); every further
  /// join and the head subtract at least the least penalties. A prefix that has not switched may
  /// also stay native (native_head). O(1).
  double bound_with_rest(const block_graph&, const state& s, double rest) const noexcept {
    double ratio = s.alpha_max;
    if (rest < std::numeric_limits<double>::infinity()) ratio = s.den + rest > 0 ? (s.num + s.alpha_max * rest) / (s.den + rest) : 0.0;
    double b = ratio - s.penalty - s.least_head_penalty;
    if (s.native) b = std::max(s.native_head, b - s.least_join_penalty);
    return std::clamp(b, 0.0, 1.0);
  }
  /// The state after a prefix path's segments and joins (its head is ignored).
  state state_of(const block_graph& g, const path& p) const noexcept {
    state s = start(g, p.service);
    for (std::size_t i = 0; i < p.segments.size(); ++i) {
      if (i > 0) s = add_join(g, s, p.joins[i - 1]);
      for (std::size_t k = p.segments[i].begin + 1; k <= p.segments[i].end; ++k) s = add_block(g, s, p.segments[i].model, k);
    }
    return s;
  }
  /// Â(p). O(blocks of p).
  double estimate(const block_graph& g, const path& p) const { return finish(g, state_of(g, p), p.head); }
  /// An upper bound on Â of every completion of `prefix` from `node`. O(blocks of the prefix).
  double upper_bound(const block_graph& g, const path& prefix, std::size_t node) const { return bound(g, state_of(g, prefix), node); }
};
static_assert(decomposable_accuracy_estimator<interpolation_estimator>);
static_assert(bounded_accuracy_estimator<interpolation_estimator>);

/// Measured accuracies of trained paths (key_of(path) → accuracy), the fallback for all others.
template <accuracy_estimator Fallback = interpolation_estimator>
struct measured_table {
  Fallback fallback{};
  std::map<std::vector<std::size_t>, double> measured;

  /// Records the measured accuracy of p (in [0, 1]; a different value for the same path is invalid_input). O(log size).
  void add(const block_graph& g, const path& p, double accuracy) {
    detail::validate_structure(g, p, {}, true);
    if (!detail::unit_interval(accuracy)) detail::fail("measured_table::add", "accuracy", accuracy, "must lie in [0,1]");
    const auto [it, fresh] = measured.emplace(key_of(p), accuracy);
    if (!fresh && it->second != accuracy)
      detail::fail("measured_table::add", "accuracy", accuracy, concat("conflicts with the recorded ", it->second, " for ", to_string(g, p)));
  }
  /// Whether p has a measured accuracy.
  bool is_measured(const path& p) const { return measured.count(key_of(p)) > 0; }
  /// The measured accuracy of p, else the fallback's estimate. O(log size).
  double estimate(const block_graph& g, const path& p) const {
    const auto it = measured.find(key_of(p));
    return it != measured.end() ? it->second : static_cast<double>(fallback.estimate(g, p));
  }
  /// The fallback's bound, raised to the largest measured accuracy (a measured path may complete the prefix). O(size).
  double upper_bound(const block_graph& g, const path& prefix, std::size_t node) const
    requires bounded_accuracy_estimator<Fallback>
  {
    double m = fallback.upper_bound(g, prefix, node);
    for (const auto& [k, a] : measured) m = std::max(m, a);
    return m;
  }
};

}  // namespace idn::path
