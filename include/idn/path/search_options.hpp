#pragma once
/// What a path search takes and returns (docs/path.md §4.7): the method, its options, the
/// statistics it reports, the result, and the reusable workspace.
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "idn/path/detail/completion_bounds.hpp"
#include "idn/path/detail/load_stack.hpp"
#include "idn/path/evaluate.hpp"

namespace idn::path {

/// How best_path / k_best search (docs/path.md §4.7). automatic picks by the measured rule in
/// search.hpp; label_setting needs a decomposable estimator and reward_optimal or serve_all.
enum class search_method : std::uint8_t { automatic, label_setting, branch_and_bound, brute_force };

/// The knobs of a path search.
struct search_options {
  path_rules rules;          ///< which paths are admissible (switch budget, depth limits)
  evaluation_options eval;   ///< how each path is scored (split policy, capacity, delay bound)
  search_method method = search_method::automatic;
  std::size_t max_labels = std::size_t{1} << 24;  ///< label cap (≥ 1); beyond it label setting falls back to branch and bound
};

/// What a search did: the method used and its work counters.
struct search_stats {
  search_method used = search_method::automatic;
  /// The best score as the method computed it (incremental loads, labels); equals
  /// best.score = evaluate(best.p).score bitwise, which the tests check.
  double search_score = -std::numeric_limits<double>::infinity();
  std::uint64_t labels_created = 0, pruned_by_dominance = 0, pruned_by_bound = 0, paths_evaluated = 0;
  std::uint64_t bounds_evaluated = 0;  ///< prefix bound tests (branch and bound: most end at the O(S + E) quick bound)
  bool fell_back = false;              ///< label setting hit max_labels and branch and bound finished
};

/// The outcome of best_path: the best path's evaluation, p_0's for reference, and the counters.
struct search_result {
  evaluation_result best, original;
  search_stats stats;
};

class search_workspace;

namespace detail {
/// One label of label setting (detail/label_setting.hpp).
struct label_meta {
  std::size_t node, parent, switches;
  std::ptrdiff_t move;  ///< a signed code: −2 a run of blocks, −3 start, else the connection's position
  std::size_t run;      ///< blocks in the run (move −2)
  double total;                        ///< Σ of the label's loads and bytes: a cheap dominance prefilter
  bool can_switch, has_block, alive;
  double est[10];  ///< estimator state bytes (trivially copyable, ≤ 80 bytes)
};
/// The buffers every search reuses (the storage of search_workspace).
struct search_buffers {
  std::vector<double> arena, stack;  ///< label frames; branch and bound's frame per segment
  std::vector<load_depth> depths;    ///< branch and bound: per depth, the segment's server load and frame
  std::vector<label_meta> meta;
  std::vector<std::vector<std::size_t>> at_node;
  std::vector<char> event, reach;  ///< per node: an admissible head or enabled connection; a head reachable with r' switches
  path_load scratch;
  std::vector<double> utilization;  ///< the scorer's per-server scratch
  std::vector<std::uint64_t> memo;  ///< count_paths
  path dfs, best;                   ///< the DFS path and the incumbent
  std::vector<std::ptrdiff_t> moves;  ///< label-setting reconstruction (codes as label_meta::move, or −3 − run)
  std::vector<std::array<double, 10>> est_stack;  ///< branch and bound: estimator state per depth
  completion_bounds completion;     ///< per (node, switches left): the least load still to come
};
inline search_buffers& buffers_of(search_workspace& ws) noexcept;
}  // namespace detail

/// Reusable scratch for best_path, k_best and pareto_front, passed by reference: once a query has
/// run (or after reserve), repeating it on a graph of the same size allocates only its result.
/// Not thread-safe: one workspace per thread.
class search_workspace {
public:
  /// Reserves room for `labels` labels of label setting and the DFS frames of g. O(labels·(S + 2E)).
  void reserve(const block_graph& g, std::size_t labels) {
    const auto w = g.num_servers() + 2 * g.num_links();
    b_.arena.reserve(labels * w), b_.meta.reserve(labels), b_.stack.reserve(g.num_nodes() * 4 * w);
  }

private:
  friend detail::search_buffers& detail::buffers_of(search_workspace&) noexcept;
  detail::search_buffers b_;
};

namespace detail {
inline search_buffers& buffers_of(search_workspace& ws) noexcept { return ws.b_; }
}  // namespace detail

}  // namespace idn::path
