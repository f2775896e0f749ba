#pragma once
/// The best path and the k best paths of a service (docs/path.md §4.6–4.9): brute force (the
/// oracle), branch and bound, or exact multi-criteria label setting, chosen by
/// search_options::method. Enumeration and counting live in enumerate.hpp, the Pareto front in
/// pareto.hpp, the options, statistics and workspace in search_options.hpp.
///
/// Pruning rests on §2's monotonicity: under reward_optimal and serve_all, a path with lighter
/// loads (L, b, n, hence X) and a higher accuracy scores at least as high.
///  - Branch and bound (detail/branch_and_bound.hpp) bounds a prefix by its reward_optimal score
///    (serve_all: its own score) at its loads plus the least load any completion adds and at the
///    estimator's accuracy bound (detail/completion_bounds.hpp): loads only grow along a path, and
///    the max-throughput split lies in the polygon. For separable_nonnegative_reward rewards a
///    quick bound is tried first and the search runs under falling optimistic thresholds.
///  - Label setting (detail/label_setting.hpp; reward_optimal or serve_all, decomposable
///    estimators) discards a label when another at the same boundary node has no more load on
///    every server and link, no more switches, at least the same options (may still switch, has a
///    block) and an accuracy state that dominates. Labels run through blocks to the next node
///    where a head or a useful switch is possible; dead ends are dropped.
///  - `automatic` (measured, docs/path.md) enumerates up to 64 paths when the quick bound
///    applies, else up to 10^6, and uses branch and bound beyond.
#include <cstdint>
#include <limits>
#include <vector>

#include "idn/path/detail/branch_and_bound.hpp"
#include "idn/path/detail/label_setting.hpp"
#include "idn/path/enumerate.hpp"
#include "idn/path/search_options.hpp"

namespace idn::path {

namespace detail {
inline void check_search(const block_graph& g, std::size_t service, const search_options& o, const char* fn) {
  service_at(g, service, fn);
  check_rules(o.rules, fn);
  if (o.max_labels == 0) fail(fn, "max_labels", 0, "must be >= 1");
}
}  // namespace detail

/// The best admissible path of the service (score desc, then canonical order for brute force and
/// branch and bound), with p_0's evaluation for reference.
template <accuracy_estimator E, reward_function R>
search_result best_path(const block_graph& g, std::size_t service, const E& est, const R& reward, const search_options& o, search_workspace& ws) {
  detail::check_search(g, service, o, "best_path");
  if constexpr (requires { est.check(g); }) est.check(g);
  detail::search_buffers& w = detail::buffers_of(ws);
  detail::scorer<R> sc(g, service, reward, o.eval, "best_path", &w.utilization);
  search_result res;
  path& best = w.best;  // starts as p_0, built in place (the workspace keeps its capacity)
  {
    const service_spec& sv = g.spec().services[static_cast<std::size_t>(service)];
    best.service = service, best.head = g.original_head(sv.model);
    best.segments.assign(1, segment{sv.model, 0, g.blocks(sv.model), g.server_of(sv.model)});
    best.joins.clear();
  }
  res.original = evaluate(g, best, est, reward, o.eval);
  search_method m = o.method;
  constexpr bool decomposable = decomposable_accuracy_estimator<E>;
  const std::uint64_t n_paths = detail::count_into(g, service, o.rules, w.memo);
  // automatic (bench/path_bench.cpp): with a quick bound (product rewards without delay, not
  // serve_all) branch and bound beyond 64 paths (2x enumeration at ~100 paths, 5-17x at 3e3 to
  // 1.5e4); otherwise enumeration up to 10^6 paths (each bound then costs a full reward
  // evaluation and pays only on large graphs), branch and bound beyond.
  if (m == search_method::automatic) {
    const bool quick = detail::scorer<R>::has_quick_bound && o.eval.policy != split_policy::serve_all;
    m = n_paths <= (quick ? 64u : 1'000'000u) ? search_method::brute_force : search_method::branch_and_bound;
  }
  if (m == search_method::label_setting && !(decomposable && o.eval.policy != split_policy::max_throughput))
    detail::fail("best_path", "search_options.method", "label_setting", "requires a decomposable estimator and policy reward_optimal or serve_all");
  res.stats.used = m;
  if (m == search_method::brute_force) {
    if (n_paths > detail::brute_force_limit) detail::fail("best_path", "count_paths", static_cast<double>(n_paths), "brute_force is limited to 1e8 paths");
    double bs = -std::numeric_limits<double>::infinity();
    split sp;
    detail::enumerate_into(
        g, service, o.rules,
        [&](const path& p) {
          compute_load_unchecked(g, p, w.scratch);
          const double a = detail::checked_accuracy(g, p, static_cast<double>(est.estimate(g, p)), "best_path");
          const double s = sc.score(w.scratch, a, o.eval.policy, sp);
          ++res.stats.paths_evaluated;
          if (s > bs) bs = s, best = p;
        },
        w.dfs);
    res.stats.search_score = bs;
  } else {
    bool done = false;
    if constexpr (decomposable) {
      if (m == search_method::label_setting) {
        done = detail::label_setting(g, service, est, sc, o, res.original.score, res.stats, w, res.stats.search_score, best);
        if (!done) res.stats.fell_back = true, res.stats.used = search_method::branch_and_bound;
      }
    }
    if (!done) {
      res.stats.search_score = detail::branch_and_bound_falling(g, service, est, sc, o, res.original.score, res.stats, w);
      if (res.stats.search_score == -std::numeric_limits<double>::infinity()) best = res.original.p;
    }
  }
  res.best = evaluate(g, best, est, reward, o.eval);
  return res;
}

/// The k best paths, score descending, then canonical order (branch and bound, or brute force).
template <accuracy_estimator E, reward_function R>
std::vector<evaluation_result> k_best(const block_graph& g, std::size_t service, std::size_t k, const E& est, const R& reward, const search_options& o,
                                    search_workspace& ws) {
  detail::check_search(g, service, o, "k_best");
  if (k == 0) detail::fail("k_best", "k", 0, "must be >= 1");
  if constexpr (requires { est.check(g); }) est.check(g);
  detail::search_buffers& w = detail::buffers_of(ws);
  detail::scorer<R> sc(g, service, reward, o.eval, "k_best");
  search_stats st;
  std::vector<detail::ranked> top;
  if (o.method == search_method::brute_force) {
    split sp;
    enumerate_paths(g, service, o.rules, [&](const path& p) {
      compute_load_unchecked(g, p, w.scratch);
      const double s = sc.score(w.scratch, detail::checked_accuracy(g, p, static_cast<double>(est.estimate(g, p)), "k_best"), o.eval.policy, sp);
      detail::offer(top, k, s, p);
    });
  } else {
    detail::branch_and_bound(g, service, k, est, sc, o, -std::numeric_limits<double>::infinity(), st, w, top);
  }
  std::vector<evaluation_result> out;
  for (const auto& r : top) out.push_back(evaluate(g, r.p, est, reward, o.eval));
  return out;
}

/// best_path with a fresh workspace (allocates its buffers).
template <accuracy_estimator E, reward_function R>
search_result best_path(const block_graph& g, std::size_t service, const E& est, const R& reward, const search_options& o) {
  search_workspace ws;
  return best_path(g, service, est, reward, o, ws);
}

/// k_best with a fresh workspace (allocates its buffers).
template <accuracy_estimator E, reward_function R>
std::vector<evaluation_result> k_best(const block_graph& g, std::size_t service, std::size_t k, const E& est, const R& reward, const search_options& o) {
  search_workspace ws;
  return k_best(g, service, k, est, reward, o, ws);
}

}  // namespace idn::path
