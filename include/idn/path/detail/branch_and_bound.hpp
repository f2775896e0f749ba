#pragma once
/// Branch and bound over the path DFS (docs/path.md §4.8): the k best paths, and the best path
/// under falling optimistic thresholds.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "idn/path/detail/load_stack.hpp"
#include "idn/path/detail/prefix_bounds.hpp"
#include "idn/path/enumerate.hpp"
#include "idn/path/search_options.hpp"

namespace idn::path::detail {

/// One scored path kept by k_best / branch and bound.
struct ranked {
  double score;
  path p;
};
/// Keeps the k best offers in `top`, score descending; a tie goes after the earlier offer, so
/// offers in canonical order keep canonical order among equal scores.
inline void offer(std::vector<ranked>& top, std::size_t k, double s, const path& p) {
  if (top.size() == k && !(s > top.back().score)) return;
  auto it = std::find_if(top.begin(), top.end(), [&](const ranked& r) { return s > r.score; });
  top.insert(it, ranked{s, p});
  if (top.size() > k) top.pop_back();
}

/// The prefix bound test of branch and bound: the score of the bounding policy at the prefix's
/// loads L (completion included) and accuracy bound abound is below threshold t. With a quick
/// bound (separable rewards, reward_optimal) the rigorous test scorer::reward_optimal_below;
/// otherwise one exact evaluation under the bounding policy.
template <reward_function R>
bool bound_below(scorer<R>& sc, split_policy policy, const path_load& L, double abound, double t, split& sp, search_stats& st) {
  ++st.bounds_evaluated;
  if constexpr (scorer<R>::has_quick_bound) {
    if (bound_policy(policy) == split_policy::reward_optimal) return sc.reward_optimal_below(L, abound, prune_cut(t));
  }
  return below(sc.score(L, abound, bound_policy(policy), sp), t);
}

/// Branch and bound bounds a prefix at every bound_stride-th block of a segment. Measured on the
/// bench's 5×32×4 and 10×64×8 instances: every block 465 / 3,450 µs a query, every 4th 350 /
/// 2,250, every 8th 350 / 1,920, every 16th 400 / 2,080, only the first 460 / 2,700.
inline constexpr std::size_t bound_stride = 8;

/// Branch and bound keeping the k best (score desc, canonical order) in `top`; with `single`
/// (k = 1) the incumbent lives in ws.best instead (reusing its capacity: no allocation).
/// incumbent0: a score known to be achievable (p_0), used for pruning only. Returns the best
/// score (−inf if none, or if no path scores above −inf).
template <accuracy_estimator E, reward_function R>
double branch_and_bound(const block_graph& g, std::size_t service, std::size_t k, const E& est, scorer<R>& sc, const search_options& o, double incumbent0,
                        search_stats& st, search_buffers& ws, std::vector<ranked>& top, bool single = false, bool bounds_built = false) {
  if (single) k = 1;
  load_stack ls(g, ws.stack, ws.depths, reads_transfer_time<R>(o.eval.policy));
  path_load& L = ws.scratch;
  split sp;
  double best1 = -std::numeric_limits<double>::infinity();
  bool have1 = false;
  auto threshold = [&] {
    if (single) return std::max(incumbent0, best1);
    return top.size() < k ? -std::numeric_limits<double>::infinity() : top.back().score;
  };
  if (!bounds_built) build_completion(ws.completion, est, g, service, o.rules, reads_transfer_time<R>(o.eval.policy));
  // Decomposable estimators keep their state per depth (bitwise what estimate() computes).
  constexpr bool incremental = decomposable_accuracy_estimator<E>;
  std::size_t depth = 0;
  if constexpr (incremental) {
    static_assert(sizeof(typename E::state) <= sizeof(std::array<double, 10>), "estimator state larger than the workspace slot");
    const typename E::state s0 = est.start(g, service);
    if (ws.est_stack.empty()) ws.est_stack.resize(1);
    std::memcpy(ws.est_stack[0].data(), &s0, sizeof s0);
  }
  auto ext = [&](int kind, std::size_t, const path& p) {
    ls.apply(kind, p);
    const segment& s = p.segments.back();
    if constexpr (incremental) {
      const auto parent = load_state<typename E::state>(ws.est_stack[depth]);
      const auto child = kind == 1 ? est.add_block(g, parent, s.model, s.end) : est.add_join(g, parent, p.joins.back());
      if (ws.est_stack.size() < depth + 2) ws.est_stack.resize(depth + 2);
      std::memcpy(ws.est_stack[depth + 1].data(), &child, sizeof child);
    }
    ++depth;
    const std::size_t v = g.node(s.model, s.end), left = o.rules.switch_budget - p.joins.size();
    if (!ws.completion.reachable(v, left)) {
      ++st.pruned_by_bound;
      return false;
    }
    // Bounds are taken after a join and at every bound_stride-th block of a segment (the 1st,
    // the 9th, ...): a bound costs about what walking that many blocks does.
    if (kind == 1 && (s.end - s.begin) % bound_stride != 1) return true;
    ls.to_load(L, p, false, ws.completion.at(v, left));
    if (ws.est_stack.size() <= depth) ws.est_stack.resize(depth + 1);  // non-decomposable: unused slots
    const double abound = accuracy_bound(est, g, p, ws.est_stack[depth], v, ws.completion, left);
    if (bound_below(sc, o.eval.policy, L, abound, threshold(), sp, st)) {
      ++st.pruned_by_bound;
      return false;
    }
    return true;
  };
  auto leave = [&] { ls.pop(), --depth; };
  auto head = [&](const path& p) {
    ls.to_load(L, p, true);
    double a0 = 0;
    if constexpr (incremental) a0 = static_cast<double>(est.finish(g, load_state<typename E::state>(ws.est_stack[depth]), p.head));
    else a0 = static_cast<double>(est.estimate(g, p));
    const double a = checked_accuracy(g, p, a0, "best_path");
    if constexpr (scorer<R>::has_quick_bound) {  // cannot enter the top k: skip the exact score
      if (o.eval.policy != split_policy::serve_all && sc.reward_optimal_below(L, a, prune_cut(threshold()))) return;
    }
    const double s = sc.score(L, a, o.eval.policy, sp);
    ++st.paths_evaluated;
    if (single) {
      if (!have1 || s > best1) best1 = s, ws.best = p, have1 = true;
      return;
    }
    offer(top, k, s, p);
  };
  path_dfs dfs(g, service, o.rules, ext, leave, head, ws.dfs);
  dfs.run();
  return single ? (have1 ? best1 : -std::numeric_limits<double>::infinity()) : (top.empty() ? -std::numeric_limits<double>::infinity() : top.front().score);
}

/// The best path by branch and bound under falling optimistic thresholds. A run with threshold t
/// (pruning every prefix whose bound is below t) still meets every path scoring ≥ t, so the
/// first run whose best path reaches t is exact; a run seeded close below the optimum prunes
/// almost as well as one seeded with it, and runs with higher thresholds are cheaper. For
/// rewards ≥ 0 with a quick bound under reward_optimal: t starts at 0.9 × the root's quick bound
/// and falls by `fall` per run (to the best score a failed run met, if higher); once it reaches
/// incumbent0 or 0, or after 24 runs, one plain run finishes. Else one plain run. Returns what
/// branch_and_bound returns.
template <accuracy_estimator E, reward_function R>
double branch_and_bound_falling(const block_graph& g, std::size_t service, const E& est, scorer<R>& sc, const search_options& o, double incumbent0,
                                search_stats& st, search_buffers& ws, double fall = 0.75) {
  std::vector<ranked> unused;
  build_completion(ws.completion, est, g, service, o.rules, reads_transfer_time<R>(o.eval.policy));
  if constexpr (scorer<R>::has_quick_bound) {
    if (bound_policy(o.eval.policy) == split_policy::reward_optimal) {
      const std::size_t root = g.node(g.spec().services[service].model, 0), budget = o.rules.switch_budget;
      if (ws.completion.reachable(root, budget)) {
        path_load& L = ws.scratch;
        size_load(g, L);
        L.server_flops.setZero(), L.link_bytes.setZero(), L.link_transfers.setZero();
        add_frame(L, ws.completion.at(root, budget), g.num_servers(), g.num_links());
        double abound = 1;
        if constexpr (rest_bounded_accuracy_estimator<E>) abound = std::min(1.0, static_cast<double>(est.bound_with_rest(g, est.start(g, service), ws.completion.rest_weight(root, budget))));
        double t = 0.9 * sc.quick_bound(L, abound);
        // At most 24 runs (t falls by fall^24 ≈ 1e-3 at 0.75), then the plain run.
        for (int run = 0; run < 24 && std::isfinite(t) && t > 0 && t > incumbent0; ++run) {
          const double b = branch_and_bound(g, service, 1, est, sc, o, t, st, ws, unused, true, true);
          if (b >= t) return b;
          t = std::max(b, fall * t);
        }
      }
    }
  }
  return branch_and_bound(g, service, 1, est, sc, o, incumbent0, st, ws, unused, true, true);
}

}  // namespace idn::path::detail
