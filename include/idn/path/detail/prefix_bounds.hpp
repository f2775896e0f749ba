#pragma once
/// Bounds on every completion of a path prefix (docs/path.md §4.8): the completion frames, the
/// estimator's accuracy bound, the policy whose score bounds the others, the pruning test.
#include <algorithm>
#include <array>
#include <cmath>

#include "idn/path/detail/completion_bounds.hpp"
#include "idn/path/detail/load_stack.hpp"
#include "idn/path/evaluate.hpp"

namespace idn::path::detail {

/// Builds the completion bounds, with the estimator's block weight when it has one; transfers:
/// whether the scores read the transfer time X (else the transfer counts are left 0).
template <class E>
void build_completion(completion_bounds& cb, const E& est, const block_graph& g, std::size_t service, const path_rules& rules, bool transfers) {
  if constexpr (rest_bounded_accuracy_estimator<E>)
    cb.build(g, service, rules, [&](std::size_t m, std::size_t k) { return est.block_weight(g, m, k); }, transfers);
  else cb.build(g, service, rules, nullptr, transfers);
}

/// Whether a search's scores read the transfer time X: rewards that read delays, and serve_all.
template <class R>
bool reads_transfer_time(split_policy policy) noexcept {
  return uses_delay<R> || policy == split_policy::serve_all;
}

/// ≥ Â of every completion of the prefix ending at node with `left` switches left; `state` holds
/// the prefix's estimator state (decomposable estimators; else unused).
template <class E>
double accuracy_bound(const E& est, const block_graph& g, const path& prefix, const std::array<double, 10>& state, std::size_t node,
                      const completion_bounds& cb, std::size_t left) {
  if constexpr (rest_bounded_accuracy_estimator<E>) {
    return std::min(1.0, static_cast<double>(est.bound_with_rest(g, load_state<typename E::state>(state), cb.rest_weight(node, left))));
  } else if constexpr (decomposable_accuracy_estimator<E>) {
    return std::min(1.0, static_cast<double>(est.bound(g, load_state<typename E::state>(state), node)));
  } else if constexpr (bounded_accuracy_estimator<E>) {
    return std::min(1.0, static_cast<double>(est.upper_bound(g, prefix, node)));
  } else {
    return 1.0;
  }
}

/// The policy whose score bounds every completion: serve_all bounds itself (lighter loads widen
/// its interval); reward_optimal bounds both itself and max_throughput (whose split lies in 𝒫).
inline split_policy bound_policy(split_policy p) noexcept { return p == split_policy::serve_all ? p : split_policy::reward_optimal; }

/// The value a bound must fall below to prune against `incumbent`: 1e-9 relative under it, so
/// rounding in the bound never prunes a path that ties the incumbent.
inline double prune_cut(double incumbent) noexcept { return incumbent - 1e-9 * std::max(1.0, std::abs(incumbent)); }
/// The bound prunes against the incumbent.
inline bool below(double bound, double incumbent) noexcept { return bound < prune_cut(incumbent); }

}  // namespace idn::path::detail
