#pragma once
/// Path search (docs/path.md search.hpp, §4.6–4.10): enumerate_paths / count_paths, the best
/// path by brute force (the oracle), branch and bound, or exact multi-criteria label setting;
/// the k best paths; the Pareto front over (Â_p, Th_p).
///
/// Pruning rests on §2's monotonicity: under reward_optimal and serve_all, a path with lighter
/// loads (L, b, n, hence X) and a higher accuracy scores at least as high. Branch and bound
/// bounds a prefix by its reward_optimal score (serve_all: its own score) at its loads plus the
/// least load any completion adds and at the estimator's accuracy bound
/// (detail/completion_bounds.hpp): loads only grow along a path, and the max-throughput split
/// lies in the polygon. For separable_nonnegative_reward rewards a quick bound is tried first and
/// the search runs under falling optimistic thresholds (branch_and_bound_falling). Label setting
/// (reward_optimal or serve_all, decomposable estimators) discards a label when another at the
/// same boundary node has no more load on every server and link, no more switches, at least the
/// same options (may still switch, has a block) and an accuracy state that dominates. Labels run through blocks to the next node where a head or a useful switch is
/// possible; dead ends are dropped. `automatic` (measured, docs/path.md) enumerates up to 64
/// paths when the quick bound applies, else up to 10^6, and uses branch and bound beyond.
#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "idn/path/detail/completion_bounds.hpp"
#include "idn/path/evaluate.hpp"

namespace idn::path {

/// Calls visit(path) for every admissible path of the service, in canonical order: at each
/// boundary node the admissible heads (ascending), then one more block, then each enabled
/// connection (ascending). Returns the number of paths. O(P·B̄).
template <class F>
  requires std::invocable<F&, const path&>
std::uint64_t enumerate_paths(const block_graph& g, index service, const path_rules& rules, F&& visit);

namespace detail {
/// The DFS behind enumerate_paths, branch and bound and k_best. Hooks: on_extend(kind, id, p)
/// before descending (returns false to prune), on_leave() after, on_head(p) at every path.
template <class Ext, class Leave, class Head>
class path_dfs {
public:
  /// buffer: the path built in place (its capacity is reused across queries).
  path_dfs(const block_graph& g, index service, const path_rules& rules, Ext ext, Leave leave, Head head, path& buffer)
      : g_(g), rules_(rules), ext_(ext), leave_(leave), head_(head), p_(buffer) {
    const service_spec& sv = g.spec().services[static_cast<std::size_t>(service)];
    task_ = g.spec().models[static_cast<std::size_t>(sv.model)].task;
    p_.service = service;
    p_.segments.clear(), p_.joins.clear();
    p_.segments.push_back({sv.model, 0, 0, g.server_of(sv.model)});
  }
  void run() { visit(true, 0); }
  const path& current() const noexcept { return p_; }

private:
  void visit(bool g0, index blocks) {
    segment& s = p_.segments.back();
    const index m = s.model, k = s.end, v = g_.node(m, k);
    if (blocks > 0)
      for (index h : g_.heads_at(v))
        if (head_allowed(g_, h, task_, rules_)) {
          p_.head = h;
          head_(p_);
        }
    if (k < g_.blocks(m)) {
      ++p_.segments.back().end;
      if (ext_(1, k + 1, p_)) visit(g0, blocks + 1);
      leave_();
      --p_.segments.back().end;
    }
    const segment cur = p_.segments.back();
    if (static_cast<index>(p_.joins.size()) < rules_.switch_budget && (cur.end > cur.begin || g0))
      for (index c : g_.connections_from(v)) {
        if (!depth_ok(g_, c, rules_)) continue;
        const connection_spec& cn = g_.spec().connections[static_cast<std::size_t>(c)];
        p_.joins.push_back(c);
        p_.segments.push_back({cn.to_model, cn.to_boundary, cn.to_boundary, g_.server_of(cn.to_model)});
        if (ext_(2, c, p_)) visit(false, blocks);
        leave_();
        p_.segments.pop_back();
        p_.joins.pop_back();
      }
  }

  const block_graph& g_;
  const path_rules& rules_;
  Ext ext_;
  Leave leave_;
  Head head_;
  index task_ = 0;
  path& p_;
};
template <class Ext, class Leave, class Head>
path_dfs(const block_graph&, index, const path_rules&, Ext, Leave, Head, path&) -> path_dfs<Ext, Leave, Head>;
}  // namespace detail

namespace detail {
template <class F>
std::uint64_t enumerate_into(const block_graph& g, index service, const path_rules& rules, F&& visit, path& buffer) {
  std::uint64_t count = 0;
  path_dfs dfs(
      g, service, rules, [](int, index, const path&) { return true; }, [] {},
      [&](const path& p) {
        ++count;
        visit(p);
      },
      buffer);
  dfs.run();
  return count;
}
}  // namespace detail

template <class F>
  requires std::invocable<F&, const path&>
std::uint64_t enumerate_paths(const block_graph& g, index service, const path_rules& rules, F&& visit) {
  detail::service_at(g, service, "enumerate_paths");
  detail::check_rules(rules, "enumerate_paths");
  path buffer;
  return detail::enumerate_into(g, service, rules, visit, buffer);
}

/// The number of admissible paths, by a DP over (node, switches, may switch, has a block);
/// saturates at 2^64 − 1. O((V + C)·r).
namespace detail {
inline std::uint64_t count_into(const block_graph& g, index service, const path_rules& rules, std::vector<std::uint64_t>& memo);
}
inline std::uint64_t count_paths(const block_graph& g, index service, const path_rules& rules) {
  detail::service_at(g, service, "count_paths");
  detail::check_rules(rules, "count_paths");
  std::vector<std::uint64_t> memo;
  return detail::count_into(g, service, rules, memo);
}
namespace detail {
/// count_paths with a reusable memo.
inline std::uint64_t count_into(const block_graph& g, index service, const path_rules& rules, std::vector<std::uint64_t>& memo) {
  const service_spec& sv = g.spec().services[static_cast<std::size_t>(service)];
  const index task = g.spec().models[static_cast<std::size_t>(sv.model)].task, r = rules.switch_budget;
  const auto V = static_cast<std::size_t>(g.num_nodes());
  constexpr std::uint64_t sat = std::numeric_limits<std::uint64_t>::max();
  auto add = [](std::uint64_t a, std::uint64_t b) { return a > sat - b ? sat : a + b; };
  // memo[(v·(r+1) + sw)·4 + can·2 + has]
  memo.assign(V * static_cast<std::size_t>(r + 1) * 4, sat);
  auto rec = [&](auto&& self, index v, index sw, bool can, bool has) -> std::uint64_t {
    std::uint64_t& slot = memo[(static_cast<std::size_t>(v) * static_cast<std::size_t>(r + 1) + static_cast<std::size_t>(sw)) * 4 + (can ? 2 : 0) + (has ? 1 : 0)];
    if (slot != sat) return slot;
    std::uint64_t n = 0;
    if (has)
      for (index h : g.heads_at(v)) n = add(n, detail::head_allowed(g, h, task, rules) ? 1 : 0);
    const index m = g.node_model(v), k = g.node_boundary(v);
    if (k < g.blocks(m)) n = add(n, self(self, v + 1, sw, true, true));
    if (sw < r && can)
      for (index c : g.connections_from(v)) {
        if (!detail::depth_ok(g, c, rules)) continue;
        const connection_spec& cn = g.spec().connections[static_cast<std::size_t>(c)];
        n = add(n, self(self, g.node(cn.to_model, cn.to_boundary), sw + 1, false, has));
      }
    return slot = n;
  };
  return rec(rec, g.node(sv.model, 0), 0, true, false);
}
}  // namespace detail

enum class search_method : std::uint8_t { automatic, label_setting, branch_and_bound, brute_force };
struct search_options {
  path_rules rules;
  evaluation_options eval;
  search_method method = search_method::automatic;
  std::size_t max_labels = std::size_t{1} << 24;  ///< label cap; beyond it label setting falls back to branch and bound
};
struct search_stats {
  search_method used = search_method::automatic;
  /// The best score as the method computed it (incremental loads, labels); equals
  /// best.score = evaluate(best.p).score bitwise, which the tests check.
  double search_score = -std::numeric_limits<double>::infinity();
  std::uint64_t labels_created = 0, pruned_by_dominance = 0, pruned_by_bound = 0, paths_evaluated = 0;
  std::uint64_t bounds_evaluated = 0;  ///< prefix bounds computed (each costs about one path evaluation)
  bool fell_back = false;
};
struct search_result {
  path_evaluation best, original;
  search_stats stats;
};

/// Reusable buffers: with a reserved, reused workspace a query allocates only its result.
class search_workspace {
public:
  void reserve(const block_graph& g, std::size_t labels) {
    const auto w = static_cast<std::size_t>(g.num_servers() + 2 * g.num_links());
    arena.reserve(labels * w), meta.reserve(labels), stack.reserve(static_cast<std::size_t>(g.num_nodes()) * 4 * w);
  }
  std::vector<double> arena, stack;
  struct label_meta {
    index node, parent, move, switches;  ///< move: −2 a run of blocks, −3 start, else connection id
    index run;                           ///< blocks in the run (move −2)
    double total;                        ///< Σ of the label's loads and bytes: a cheap dominance prefilter
    bool can_switch, has_block, alive;
    std::uint8_t pad[5];
    double est[10];  ///< estimator state bytes (trivially copyable, ≤ 80 bytes)
  };
  std::vector<label_meta> meta;
  std::vector<std::vector<std::size_t>> at_node;
  std::vector<char> event, reach;  ///< per node: an admissible head or enabled connection; a head reachable with r' switches
  path_load scratch;
  std::vector<double> utilization;  ///< the scorer's per-server scratch
  std::vector<std::uint64_t> memo;  ///< count_paths
  path dfs, best;                   ///< the DFS path and the incumbent
  std::vector<index> moves;         ///< label-setting reconstruction
  std::vector<std::array<double, 10>> est_stack;  ///< branch and bound: estimator state per depth
  detail::completion_bounds completion;  ///< per (node, switches left): the least load still to come
};

namespace detail {
inline constexpr std::uint64_t brute_force_limit = 100'000'000;

inline void check_search(const block_graph& g, index service, const search_options& o, const char* fn) {
  service_at(g, service, fn);
  check_rules(o.rules, fn);
  if (o.max_labels == 0) fail(fn, "max_labels = 0: must be >= 1");
}

/// L += frame (server FLOPs, link bytes, link transfers).
inline void add_frame(path_load& L, const double* f, std::size_t S, std::size_t E) noexcept {
  for (std::size_t i = 0; i < S; ++i) L.server_flops.data()[i] += f[i];
  for (std::size_t i = 0; i < E; ++i) L.link_bytes.data()[i] += f[S + i], L.link_transfers.data()[i] += f[S + E + i];
}

/// Prefix loads along a DFS: one (L, b, n) frame per depth, updated by the path-order steps.
struct load_stack {
  const block_graph& g;
  std::vector<double>& buf;
  std::size_t width, S, E, depth = 0;
  load_stack(const block_graph& gr, std::vector<double>& b) : g(gr), buf(b), width(static_cast<std::size_t>(gr.num_servers() + 2 * gr.num_links())),
        S(static_cast<std::size_t>(gr.num_servers())), E(static_cast<std::size_t>(gr.num_links())) {
    buf.assign(width, 0.0);
  }
  double* top() noexcept { return buf.data() + depth * width; }
  void push() {
    if (buf.size() < (depth + 2) * width) buf.resize((depth + 2) * width);
    std::copy(buf.begin() + static_cast<std::ptrdiff_t>(depth * width), buf.begin() + static_cast<std::ptrdiff_t>((depth + 1) * width),
              buf.begin() + static_cast<std::ptrdiff_t>((depth + 1) * width));
    ++depth;
  }
  void pop() noexcept { --depth; }
  /// Applies the last move of p (a block or a join) to a fresh frame.
  void apply(int kind, const path& p) {
    push();
    double* f = top();
    const segment& s = p.segments.back();
    if (kind == 1) step_block(g, f, s.server, s.model, s.end);
    else {
      const segment& a = p.segments[p.segments.size() - 2];
      step_join(g, f, f + S, f + S + E, p.joins.back(), a.model, a.end, a.server, s.model, s.begin, s.server);
    }
  }
  /// Copies the top frame into a path_load, optionally adding head h, or adding `rest` (a
  /// completion bound frame, same layout).
  void to_load(path_load& L, const path& p, bool with_head, const double* rest = nullptr) const {
    const double* f = buf.data() + depth * width;
    size_load(g, L);
    std::copy(f, f + S, L.server_flops.data());
    std::copy(f + S, f + S + E, L.link_bytes.data());
    std::copy(f + S + E, f + S + 2 * E, L.link_transfers.data());
    if (rest) add_frame(L, rest, S, E);
    if (with_head)
      step_head(g, L.server_flops.data(), L.link_bytes.data(), L.link_transfers.data(), p.head, p.segments.back().server,
                g.server_of(g.spec().services[static_cast<std::size_t>(p.service)].model));
    L.transfer_s = transfer_seconds(g, L.link_bytes.data(), L.link_transfers.data());
    L.switches = static_cast<index>(p.joins.size());
  }
};

/// A trivially copyable estimator state stored in a workspace slot.
template <class State>
State load_state(const std::array<double, 10>& slot) noexcept {
  State s;
  std::memcpy(static_cast<void*>(&s), slot.data(), sizeof s);
  return s;
}

/// Builds the completion bounds, with the estimator's block weight when it has one.
template <class E>
void build_completion(completion_bounds& cb, const E& est, const block_graph& g, index service, const path_rules& rules) {
  if constexpr (rest_bounded_accuracy_estimator<E>) cb.build(g, service, rules, [&](index m, index k) { return est.block_weight(g, m, k); });
  else cb.build(g, service, rules);
}

/// ≥ Â of every completion of the prefix ending at node with `left` switches left; `state` holds
/// the prefix's estimator state (decomposable estimators; else unused).
template <class E>
double accuracy_bound(const E& est, const block_graph& g, const path& prefix, const std::array<double, 10>& state, index node,
                      const completion_bounds& cb, index left) {
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

inline bool below(double bound, double incumbent) noexcept {
  return bound < incumbent - 1e-9 * std::max(1.0, std::abs(incumbent));
}

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

/// Branch and bound keeping the k best (score desc, canonical order) in `top`; with `single`
/// (k = 1) the incumbent lives in ws.best instead (reusing its capacity: no allocation).
/// incumbent0: a score known to be achievable (p_0), used for pruning only. Returns the best
/// score (−inf if none, or if no path scores above −inf).
template <accuracy_estimator E, reward_function R>
double branch_and_bound(const block_graph& g, index service, std::size_t k, const E& est, scorer<R>& sc, const search_options& o, double incumbent0,
                        search_stats& st, search_workspace& ws, std::vector<ranked>& top, bool single = false, bool bounds_built = false) {
  if (single) k = 1;
  load_stack ls(g, ws.stack);
  path_load& L = ws.scratch;
  split sp;
  double best1 = -std::numeric_limits<double>::infinity();
  bool have1 = false;
  auto threshold = [&] {
    if (single) return std::max(incumbent0, best1);
    return top.size() < k ? -std::numeric_limits<double>::infinity() : top.back().score;
  };
  if (!bounds_built) build_completion(ws.completion, est, g, service, o.rules);
  // Decomposable estimators keep their state per depth (bitwise what estimate() computes).
  constexpr bool incremental = decomposable_accuracy_estimator<E>;
  std::size_t depth = 0;
  if constexpr (incremental) {
    static_assert(sizeof(typename E::state) <= sizeof(std::array<double, 10>), "estimator state larger than the workspace slot");
    const typename E::state s0 = est.start(g, service);
    if (ws.est_stack.empty()) ws.est_stack.resize(1);
    std::memcpy(ws.est_stack[0].data(), &s0, sizeof s0);
  }
  auto ext = [&](int kind, index, const path& p) {
    ls.apply(kind, p);
    const segment& s = p.segments.back();
    if constexpr (incremental) {
      const auto parent = load_state<typename E::state>(ws.est_stack[depth]);
      const auto child = kind == 1 ? est.add_block(g, parent, s.model, s.end) : est.add_join(g, parent, p.joins.back());
      if (ws.est_stack.size() < depth + 2) ws.est_stack.resize(depth + 2);
      std::memcpy(ws.est_stack[depth + 1].data(), &child, sizeof child);
    }
    ++depth;
    const index v = g.node(s.model, s.end), left = o.rules.switch_budget - static_cast<index>(p.joins.size());
    if (!ws.completion.reachable(v, left)) {
      ++st.pruned_by_bound;
      return false;
    }
    // Bounds are taken after a join and at the first block of a segment: inside a segment the
    // extra block rarely changes the decision, and a bound costs a reward_optimal evaluation.
    if (kind == 1 && s.end != s.begin + 1) return true;
    ls.to_load(L, p, false, ws.completion.at(v, left));
    if (ws.est_stack.size() <= depth) ws.est_stack.resize(depth + 1);  // non-decomposable: unused slots
    const double abound = accuracy_bound(est, g, p, ws.est_stack[depth], v, ws.completion, left);
    if constexpr (scorer<R>::has_quick_bound) {
      if (bound_policy(o.eval.policy) == split_policy::reward_optimal) {
        const double q = sc.quick_bound(L, abound), t = threshold();
        if (below(q, t)) {
          ++st.pruned_by_bound;
          return false;
        }
        if (!(q < t + 0.1 * std::abs(t))) return true;
      }
    }
    const double b = sc.score(L, abound, bound_policy(o.eval.policy), sp);
    ++st.bounds_evaluated;
    if (below(b, threshold())) {
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
      if (o.eval.policy != split_policy::serve_all && below(sc.quick_bound(L, a), threshold())) return;
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
double branch_and_bound_falling(const block_graph& g, index service, const E& est, scorer<R>& sc, const search_options& o, double incumbent0,
                                search_stats& st, search_workspace& ws, double fall = 0.75) {
  std::vector<ranked> unused;
  build_completion(ws.completion, est, g, service, o.rules);
  if constexpr (scorer<R>::has_quick_bound) {
    if (bound_policy(o.eval.policy) == split_policy::reward_optimal) {
      const index root = g.node(g.spec().services[static_cast<std::size_t>(service)].model, 0), budget = o.rules.switch_budget;
      if (ws.completion.reachable(root, budget)) {
        path_load& L = ws.scratch;
        size_load(g, L);
        L.server_flops.setZero(), L.link_bytes.setZero(), L.link_transfers.setZero();
        add_frame(L, ws.completion.at(root, budget), static_cast<std::size_t>(g.num_servers()), static_cast<std::size_t>(g.num_links()));
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

/// Exact label setting (reward_optimal; decomposable estimator). Returns false if max_labels was
/// exceeded (the caller falls back); else sets best_score / best_path.
template <decomposable_accuracy_estimator E, reward_function R>
bool label_setting(const block_graph& g, index service, const E& est, scorer<R>& sc, const search_options& o, double incumbent0,
                   search_stats& st, search_workspace& ws, double& best_score, path& best_path) {
  using state = typename E::state;
  static_assert(sizeof(state) <= sizeof(search_workspace::label_meta::est), "estimator state larger than the workspace slot");
  const index S = g.num_servers(), Ecount = g.num_links();
  const auto width = static_cast<std::size_t>(S + 2 * Ecount);
  const service_spec& sv = g.spec().services[static_cast<std::size_t>(service)];
  const index task = g.spec().models[static_cast<std::size_t>(sv.model)].task, home = g.server_of(sv.model);
  ws.arena.clear(), ws.meta.clear();
  build_completion(ws.completion, est, g, service, o.rules);
  ws.at_node.resize(static_cast<std::size_t>(g.num_nodes()));
  for (auto& v : ws.at_node) v.clear();
  // reach[v·(r+1) + r']: a head of the task is reachable from v with r' more switches;
  // event: v has an admissible head, or (with a switch left) a connection that reaches one.
  const index r = o.rules.switch_budget;
  const auto R1 = static_cast<std::size_t>(r + 1);
  ws.reach.assign(static_cast<std::size_t>(g.num_nodes()) * R1, 0);
  ws.event.assign(static_cast<std::size_t>(g.num_nodes()) * R1, 0);
  const auto topo = g.topological_order();
  for (std::size_t t = topo.size(); t-- > 0;) {
    const index v = topo[t], m = g.node_model(v), k = g.node_boundary(v);
    bool head = false;
    for (index h : g.heads_at(v)) head = head || head_allowed(g, h, task, o.rules);
    for (index rl = 0; rl <= r; ++rl) {
      bool conn = false;
      if (rl > 0)
        for (index c : g.connections_from(v)) {
          if (!depth_ok(g, c, o.rules)) continue;
          const connection_spec& cn = g.spec().connections[static_cast<std::size_t>(c)];
          conn = conn || ws.reach[static_cast<std::size_t>(g.node(cn.to_model, cn.to_boundary)) * R1 + static_cast<std::size_t>(rl - 1)];
        }
      const bool next = k < g.blocks(m) && ws.reach[static_cast<std::size_t>(v + 1) * R1 + static_cast<std::size_t>(rl)];
      ws.event[static_cast<std::size_t>(v) * R1 + static_cast<std::size_t>(rl)] = head || conn;
      ws.reach[static_cast<std::size_t>(v) * R1 + static_cast<std::size_t>(rl)] = head || conn || next;
    }
  }
  // Indexed by switches used so far.
  auto event_at = [&](index v, index sw) { return ws.event[static_cast<std::size_t>(v) * R1 + static_cast<std::size_t>(r - sw)] != 0; };
  auto reach_at = [&](index v, index sw) { return ws.reach[static_cast<std::size_t>(v) * R1 + static_cast<std::size_t>(r - sw)] != 0; };
  auto st_of = [&](std::size_t id) {
    state s;
    std::memcpy(&s, ws.meta[id].est, sizeof(state));
    return s;
  };
  path_load& L = ws.scratch;
  size_load(g, L);
  split sp;
  double incumbent = incumbent0;
  best_score = -std::numeric_limits<double>::infinity();
  std::size_t best_label = 0;
  index best_head = -1;
  auto load_of = [&](std::size_t id, index head_id) {
    const double* f = ws.arena.data() + id * width;
    std::copy(f, f + S, L.server_flops.data());
    std::copy(f + S, f + S + Ecount, L.link_bytes.data());
    std::copy(f + S + Ecount, f + S + 2 * Ecount, L.link_transfers.data());
    if (head_id >= 0) {
      const index m = g.node_model(ws.meta[id].node);
      step_head(g, L.server_flops.data(), L.link_bytes.data(), L.link_transfers.data(), head_id, g.server_of(m), home);
    }
    L.transfer_s = transfer_seconds(g, L.link_bytes.data(), L.link_transfers.data());
    L.switches = ws.meta[id].switches;
  };
  auto dominates = [&](std::size_t a, std::size_t b) {
    const auto &ma = ws.meta[a], &mb = ws.meta[b];
    // Necessary conditions first: counts and flags, the sum of the load vector (a sum of
    // non-negative terms that are each no larger cannot be larger), the estimator state.
    if (ma.switches > mb.switches || (!ma.can_switch && mb.can_switch) || (!ma.has_block && mb.has_block) || ma.total > mb.total) return false;
    if (!est.dominates(g, st_of(a), st_of(b))) return false;
    const double *fa = ws.arena.data() + a * width, *fb = ws.arena.data() + b * width;
    for (std::size_t i = 0; i < width; ++i)
      if (fa[i] > fb[i]) return false;
    return true;
  };
  // Creates a label (already written at the arena's end) at node v; returns false if capped.
  auto insert = [&](std::size_t id) -> bool {
    const index v = ws.meta[id].node;
    {
      const double* f = ws.arena.data() + id * width;
      double t = 0;
      for (std::size_t i = 0; i < width; ++i) t += f[i];
      ws.meta[id].total = t;
    }
    // Bound pruning after joins: the prefix's reward_optimal score with the estimator's bound,
    // the prefix's loads plus the least load any completion still adds.
    if (ws.meta[id].move >= 0) {
      load_of(id, -1);
      add_frame(L, ws.completion.at(v, r - ws.meta[id].switches), static_cast<std::size_t>(S), static_cast<std::size_t>(Ecount));
      L.transfer_s = transfer_seconds(g, L.link_bytes.data(), L.link_transfers.data());
      double abound = 0;
      if constexpr (rest_bounded_accuracy_estimator<E>) abound = est.bound_with_rest(g, st_of(id), ws.completion.rest_weight(v, r - ws.meta[id].switches));
      else abound = est.bound(g, st_of(id), v);
      const double b = sc.score(L, std::min(1.0, abound), bound_policy(o.eval.policy), sp);
      ++st.bounds_evaluated;
      if (below(b, incumbent)) {
        ++st.pruned_by_bound;
        ws.meta[id].alive = false;
        return true;
      }
    }
    auto& list = ws.at_node[static_cast<std::size_t>(v)];
    // The node's list holds live labels only (dominated ones are removed in place).
    for (std::size_t other : list)
      if (dominates(other, id)) {
        ++st.pruned_by_dominance;
        ws.meta[id].alive = false;
        return true;
      }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (dominates(id, list[i])) {
        ws.meta[list[i]].alive = false, ++st.pruned_by_dominance;
        continue;
      }
      list[kept++] = list[i];
    }
    list.resize(kept);
    list.push_back(id);
    ++st.labels_created;
    return st.labels_created <= o.max_labels;
  };
  auto new_label = [&](std::size_t parent, index node, index move, index switches, bool can, bool has, const state& s) {
    const std::size_t id = ws.meta.size();
    search_workspace::label_meta m{};
    m.node = node, m.parent = static_cast<index>(parent), m.move = move, m.switches = switches, m.can_switch = can, m.has_block = has, m.alive = true;
    std::memcpy(m.est, &s, sizeof(state));
    ws.meta.push_back(m);
    ws.arena.resize(ws.arena.size() + width);
    if (parent != static_cast<std::size_t>(-1))
      std::copy(ws.arena.begin() + static_cast<std::ptrdiff_t>(parent * width), ws.arena.begin() + static_cast<std::ptrdiff_t>((parent + 1) * width),
                ws.arena.begin() + static_cast<std::ptrdiff_t>(id * width));
    return id;
  };
  {
    const std::size_t root = new_label(static_cast<std::size_t>(-1), g.node(sv.model, 0), -3, 0, true, false, est.start(g, service));
    ws.at_node[static_cast<std::size_t>(ws.meta[root].node)].push_back(root);
    ++st.labels_created;
  }
  for (const index v : g.topological_order()) {
    const index m = g.node_model(v), k = g.node_boundary(v), server = g.server_of(m);
    auto& list = ws.at_node[static_cast<std::size_t>(v)];
    for (std::size_t li = 0; li < list.size(); ++li) {
      const std::size_t id = list[li];
      if (!ws.meta[id].alive) continue;
      const state s = st_of(id);
      if (ws.meta[id].has_block)
        for (index h : g.heads_at(v)) {
          if (!head_allowed(g, h, task, o.rules)) continue;
          load_of(id, h);
          const double a = std::clamp(static_cast<double>(est.finish(g, s, h)), 0.0, 1.0);
          const double sc_v = sc.score(L, a, o.eval.policy, sp);
          ++st.paths_evaluated;
          if (sc_v > best_score) best_score = sc_v, best_label = id, best_head = h;
          incumbent = std::max(incumbent, sc_v);
        }
      const index sw = ws.meta[id].switches;
      if (k < g.blocks(m)) {
        // Run through blocks to the next node where something can happen (a head, or a switch
        // that can still reach a head); a run that meets none is a dead end and is dropped.
        state s2 = s;
        const std::size_t c = new_label(id, v, -2, sw, true, true, s);
        double* f = ws.arena.data() + c * width;
        index kk = k;
        do {
          ++kk;
          step_block(g, f, server, m, kk);
          s2 = est.add_block(g, s2, m, kk);
        } while (kk < g.blocks(m) && !event_at(g.node(m, kk), sw));
        if (!event_at(g.node(m, kk), sw)) {
          ws.meta.pop_back(), ws.arena.resize(ws.arena.size() - width);
        } else {
          ws.meta[c].node = g.node(m, kk), ws.meta[c].run = kk - k;
          std::memcpy(ws.meta[c].est, &s2, sizeof(state));
          if (!insert(c)) return false;
        }
      }
      if (sw < o.rules.switch_budget && ws.meta[id].can_switch)
        for (index cid : g.connections_from(v)) {
          if (!depth_ok(g, cid, o.rules)) continue;
          const connection_spec& cn = g.spec().connections[static_cast<std::size_t>(cid)];
          if (!reach_at(g.node(cn.to_model, cn.to_boundary), sw + 1)) continue;
          const state s2 = est.add_join(g, s, cid);
          const std::size_t c = new_label(id, g.node(cn.to_model, cn.to_boundary), cid, sw + 1, false, ws.meta[id].has_block, s2);
          double* f = ws.arena.data() + c * width;
          step_join(g, f, f + S, f + S + Ecount, cid, m, k, server, cn.to_model, cn.to_boundary, g.server_of(cn.to_model));
          if (!insert(c)) return false;
        }
    }
  }
  if (best_head < 0) {  // no head scored above −inf: report p_0, as brute force does
    best_path = original_path(g, service);
    return true;
  }
  // Reconstruct the best path from the parent chain (into buffers that keep their capacity).
  std::vector<index>& moves = ws.moves;
  moves.clear();
  for (std::size_t id = best_label; ws.meta[id].move != -3; id = static_cast<std::size_t>(ws.meta[id].parent))
    moves.push_back(ws.meta[id].move == -2 ? -3 - ws.meta[id].run : ws.meta[id].move);
  best_path.service = service, best_path.head = best_head;
  best_path.segments.assign(1, segment{sv.model, 0, 0, g.server_of(sv.model)});
  best_path.joins.clear();
  for (std::size_t i = moves.size(); i-- > 0;) {
    if (moves[i] < -3) {
      best_path.segments.back().end += -moves[i] - 3;
    } else {
      const connection_spec& cn = g.spec().connections[static_cast<std::size_t>(moves[i])];
      best_path.joins.push_back(moves[i]);
      best_path.segments.push_back({cn.to_model, cn.to_boundary, cn.to_boundary, g.server_of(cn.to_model)});
    }
  }
  return true;
}
}  // namespace detail

/// The best admissible path of the service (score desc, then canonical order for brute force and
/// branch and bound), with p_0's evaluation for reference.
template <accuracy_estimator E, reward_function R>
search_result best_path(const block_graph& g, index service, const E& est, const R& reward, const search_options& o, search_workspace* ws = nullptr) {
  detail::check_search(g, service, o, "best_path");
  if constexpr (requires { est.check(g); }) est.check(g);
  search_workspace local;
  search_workspace& w = ws ? *ws : local;
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
    detail::fail("best_path", "search_options.method = label_setting: requires a decomposable estimator and policy reward_optimal or serve_all");
  res.stats.used = m;
  if (m == search_method::brute_force) {
    if (n_paths > detail::brute_force_limit) detail::fail("best_path", "count_paths = ", static_cast<double>(n_paths), ": brute_force is limited to 1e8 paths");
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
std::vector<path_evaluation> k_best(const block_graph& g, index service, std::size_t k, const E& est, const R& reward, const search_options& o,
                                    search_workspace* ws = nullptr) {
  detail::check_search(g, service, o, "k_best");
  if (k == 0) detail::fail("k_best", "k = 0: must be >= 1");
  if constexpr (requires { est.check(g); }) est.check(g);
  search_workspace local;
  search_workspace& w = ws ? *ws : local;
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
  std::vector<path_evaluation> out;
  for (const auto& r : top) out.push_back(evaluate(g, r.p, est, reward, o.eval));
  return out;
}

struct pareto_options {
  path_rules rules;
  capacity_options capacity;
};
struct pareto_point {
  path p;
  path_load load;
  double path_accuracy = 0, throughput = 0;
  split flows;
  bool measured = false;
};

/// The non-dominated (Â_p, Th_p) points over all admissible paths (Th_p of the max-throughput
/// split), one path per point (the first in canonical order), Th ascending. Enumerates every path
/// (at most 1e8) and sweeps in O(P log P).
template <accuracy_estimator E>
std::vector<pareto_point> pareto_front(const block_graph& g, index service, const E& est, const pareto_options& o, search_workspace* ws = nullptr) {
  detail::service_at(g, service, "pareto_front");
  detail::check_rules(o.rules, "pareto_front");
  detail::check_capacity(o.capacity, "pareto_front");
  if constexpr (requires { est.check(g); }) est.check(g);
  const std::uint64_t n = count_paths(g, service, o.rules);
  if (n > detail::brute_force_limit) detail::fail("pareto_front", "count_paths = ", static_cast<double>(n), ": enumeration is limited to 1e8 paths");
  search_workspace local;
  search_workspace& w = ws ? *ws : local;
  struct cand {
    double a, t;
    std::uint64_t order;
    path p;
  };
  std::vector<cand> all;
  std::uint64_t seq = 0;
  enumerate_paths(g, service, o.rules, [&](const path& p) {
    compute_load_unchecked(g, p, w.scratch);
    const double a = detail::checked_accuracy(g, p, static_cast<double>(est.estimate(g, p)), "pareto_front");
    const split s = detail::max_throughput_split_unchecked(g, service, w.scratch, a, o.capacity, true);
    all.push_back({a, s.throughput, seq++, p});
  });
  std::sort(all.begin(), all.end(), [](const cand& x, const cand& y) {
    return x.t > y.t || (x.t == y.t && (x.a > y.a || (x.a == y.a && x.order < y.order)));
  });
  std::vector<pareto_point> front;
  double best_a = -1;
  for (const cand& c : all) {
    if (!(c.a > best_a)) continue;
    best_a = c.a;
    pareto_point pt;
    pt.p = c.p, pt.load = compute_load(g, c.p), pt.path_accuracy = c.a, pt.throughput = c.t;
    pt.flows = detail::max_throughput_split_unchecked(g, service, pt.load, c.a, o.capacity, true);
    pt.measured = detail::is_measured_path(est, c.p);
    front.push_back(std::move(pt));
  }
  std::reverse(front.begin(), front.end());
  return front;
}

}  // namespace idn::path
