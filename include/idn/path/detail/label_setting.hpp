#pragma once
/// Exact multi-criteria label setting over the block graph (docs/path.md §4.9).
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "idn/path/detail/prefix_bounds.hpp"
#include "idn/path/search_options.hpp"

namespace idn::path::detail {

/// Label setting for one query (reward_optimal or serve_all; decomposable estimator). A label is
/// a path prefix ending at a boundary node: its loads (one frame in ws.arena) and its meta (node,
/// parent, last move, switches, flags, estimator state) in ws.meta. Nodes are settled in
/// topological order; each live label at a node scores its heads, runs through blocks to the
/// next node where something can happen, and takes every useful switch. A new label is dropped
/// when its bound falls below the incumbent or another label at its node dominates it, and it
/// removes the labels it dominates. All storage is the workspace's (no allocation once warm).
template <decomposable_accuracy_estimator E, reward_function R>
class label_setting_search {
public:
  using state = typename E::state;
  static_assert(sizeof(state) <= sizeof(label_meta::est), "estimator state larger than the workspace slot");

  label_setting_search(const block_graph& g, std::size_t service, const E& est, scorer<R>& sc, const search_options& o, double incumbent0,
                       search_stats& st, search_buffers& ws)
      : g_(g), service_(service), est_(est), sc_(sc), o_(o), st_(st), ws_(ws), S_(g.num_servers()), E_(g.num_links()),
        width_(S_ + 2 * E_), sv_(g.spec().services[service]),
        task_(g.spec().models[static_cast<std::size_t>(sv_.model)].task), home_(g.server_of(sv_.model)), r_(o.rules.switch_budget),
        R1_(r_ + 1), incumbent_(incumbent0) {}

  /// Runs the search. Returns false if more than o.max_labels labels were created (the caller
  /// falls back); else sets best_score and best_path (p_0 if no head scores above −inf).
  bool run(double& best_score, path& best_path) {
    ws_.arena.clear(), ws_.meta.clear();
    build_completion(ws_.completion, est_, g_, service_, o_.rules, reads_transfer_time<R>(o_.eval.policy));
    ws_.at_node.resize(g_.num_nodes());
    for (auto& v : ws_.at_node) v.clear();
    build_reach();
    size_load(g_, ws_.scratch);
    const std::size_t root = new_label(no_parent, g_.node(sv_.model, 0), -3, 0, true, false, est_.start(g_, service_));
    ws_.at_node[ws_.meta[root].node].push_back(root);
    ++st_.labels_created;
    for (const std::size_t v : g_.topological_order())
      if (!settle(v)) return false;
    best_score = best_score_;
    if (best_head_ == npos) best_path = original_path(g_, service_);  // as brute force reports it
    else reconstruct(best_path);
    return true;
  }

private:
  static constexpr std::size_t no_parent = static_cast<std::size_t>(-1);

  /// reach[v·(r+1) + r']: a head of the task is reachable from v with r' more switches;
  /// event: v has an admissible head, or (with a switch left) a connection that reaches one.
  /// One backward pass in topological order: O((V + C)·r).
  void build_reach() {
    ws_.reach.assign(g_.num_nodes() * R1_, 0);
    ws_.event.assign(g_.num_nodes() * R1_, 0);
    const auto topo = g_.topological_order();
    for (std::size_t t = topo.size(); t-- > 0;) {
      const std::size_t v = topo[t], m = g_.node_model(v), k = g_.node_boundary(v);
      bool head = false;
      for (std::size_t h : g_.heads_at(v)) head = head || head_allowed(g_, h, task_, o_.rules);
      for (std::size_t rl = 0; rl <= r_; ++rl) {
        bool conn = false;
        if (rl > 0)
          for (std::size_t c : g_.connections_from(v)) {
            if (!depth_ok(g_, c, o_.rules)) continue;
            const connection_spec& cn = g_.spec().connections[c];
            conn = conn || ws_.reach[slot(g_.node(cn.to_model, cn.to_boundary), rl - 1)];
          }
        const bool next = k < g_.blocks(m) && ws_.reach[slot(v + 1, rl)];
        ws_.event[slot(v, rl)] = head || conn;
        ws_.reach[slot(v, rl)] = head || conn || next;
      }
    }
  }
  std::size_t slot(std::size_t v, std::size_t switches_left) const noexcept {
    return v * R1_ + switches_left;
  }
  /// By switches used so far.
  bool event_at(std::size_t v, std::size_t sw) const noexcept { return ws_.event[slot(v, r_ - sw)] != 0; }
  bool reach_at(std::size_t v, std::size_t sw) const noexcept { return ws_.reach[slot(v, r_ - sw)] != 0; }
  state state_of(std::size_t id) const noexcept {
    state s;
    std::memcpy(&s, ws_.meta[id].est, sizeof(state));
    return s;
  }
  const double* frame(std::size_t id) const noexcept { return ws_.arena.data() + id * width_; }

  /// ws.scratch = the loads of label id, plus head head_id when ≥ 0.
  void load_of(std::size_t id, std::size_t head_id) {
    path_load& L = ws_.scratch;
    const double* f = frame(id);
    std::copy(f, f + S_, L.server_flops.data());
    std::copy(f + S_, f + S_ + E_, L.link_bytes.data());
    std::copy(f + S_ + E_, f + S_ + 2 * E_, L.link_transfers.data());
    if (head_id != npos) {
      const std::size_t m = g_.node_model(ws_.meta[id].node);
      step_head(g_, L.server_flops.data(), L.link_bytes.data(), L.link_transfers.data(), head_id, g_.server_of(m), home_);
    }
    L.transfer_s = transfer_seconds(g_, L.link_bytes.data(), L.link_transfers.data());
    L.switches = ws_.meta[id].switches;
  }

  /// Label a dominates label b: no more switches, at least the same options, no more load on
  /// every server and link, and a dominating estimator state. Cheap necessary conditions first
  /// (the load sum: non-negative terms that are each no larger cannot sum to more).
  bool dominates(std::size_t a, std::size_t b) const {
    const auto &ma = ws_.meta[a], &mb = ws_.meta[b];
    if (ma.switches > mb.switches || (!ma.can_switch && mb.can_switch) || (!ma.has_block && mb.has_block) || ma.total > mb.total) return false;
    if (!est_.dominates(g_, state_of(a), state_of(b))) return false;
    const double *fa = frame(a), *fb = frame(b);
    for (std::size_t i = 0; i < width_; ++i)
      if (fa[i] > fb[i]) return false;
    return true;
  }

  /// After a join: the prefix's score under the bounding policy, at its loads plus the least
  /// load any completion adds and at the estimator's bound, is below the incumbent.
  bool bound_prunes(std::size_t id) {
    const std::size_t v = ws_.meta[id].node, left = r_ - ws_.meta[id].switches;
    path_load& L = ws_.scratch;
    load_of(id, npos);
    add_frame(L, ws_.completion.at(v, left), S_, E_);
    L.transfer_s = transfer_seconds(g_, L.link_bytes.data(), L.link_transfers.data());
    double abound = 0;
    if constexpr (rest_bounded_accuracy_estimator<E>) abound = est_.bound_with_rest(g_, state_of(id), ws_.completion.rest_weight(v, left));
    else abound = est_.bound(g_, state_of(id), v);
    ++st_.bounds_evaluated;
    if constexpr (scorer<R>::has_quick_bound) {
      if (bound_policy(o_.eval.policy) == split_policy::reward_optimal) return sc_.reward_optimal_below(L, std::min(1.0, abound), prune_cut(incumbent_));
    }
    return below(sc_.score(L, std::min(1.0, abound), bound_policy(o_.eval.policy), sp_), incumbent_);
  }

  /// Files a label already written at the arena's end at its node, unless a bound or a
  /// dominating label prunes it; removes the labels it dominates. Returns false past the cap.
  bool insert(std::size_t id) {
    {
      const double* f = frame(id);
      double t = 0;
      for (std::size_t i = 0; i < width_; ++i) t += f[i];
      ws_.meta[id].total = t;
    }
    if (ws_.meta[id].move >= 0 && bound_prunes(id)) {
      ++st_.pruned_by_bound;
      ws_.meta[id].alive = false;
      return true;
    }
    auto& list = ws_.at_node[ws_.meta[id].node];
    // The node's list holds live labels only (dominated ones are removed in place).
    for (std::size_t other : list)
      if (dominates(other, id)) {
        ++st_.pruned_by_dominance;
        ws_.meta[id].alive = false;
        return true;
      }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (dominates(id, list[i])) {
        ws_.meta[list[i]].alive = false, ++st_.pruned_by_dominance;
        continue;
      }
      list[kept++] = list[i];
    }
    list.resize(kept);
    list.push_back(id);
    ++st_.labels_created;
    return st_.labels_created <= o_.max_labels;
  }

  /// Appends a label with its parent's frame (zeros for the root). Returns its id.
  std::size_t new_label(std::size_t parent, std::size_t node, std::ptrdiff_t move, std::size_t switches, bool can, bool has, const state& s) {
    const std::size_t id = ws_.meta.size();
    label_meta m{};
    m.node = node, m.parent = parent, m.move = move, m.switches = switches, m.can_switch = can, m.has_block = has, m.alive = true;
    std::memcpy(m.est, &s, sizeof(state));
    ws_.meta.push_back(m);
    ws_.arena.resize(ws_.arena.size() + width_);
    if (parent != no_parent)
      std::copy(ws_.arena.begin() + static_cast<std::ptrdiff_t>(parent * width_), ws_.arena.begin() + static_cast<std::ptrdiff_t>((parent + 1) * width_),
                ws_.arena.begin() + static_cast<std::ptrdiff_t>(id * width_));
    return id;
  }

  /// Every live label at node v: score its heads, run through blocks, take each useful switch.
  /// Returns false past the label cap.
  bool settle(std::size_t v) {
    const std::size_t m = g_.node_model(v), k = g_.node_boundary(v);
    auto& list = ws_.at_node[v];
    for (std::size_t li = 0; li < list.size(); ++li) {
      const std::size_t id = list[li];
      if (!ws_.meta[id].alive) continue;
      const state s = state_of(id);
      if (ws_.meta[id].has_block) score_heads(id, v, s);
      if (k < g_.blocks(m) && !run_blocks(id, v, s)) return false;
      if (!take_switches(id, v, s)) return false;
    }
    return true;
  }

  void score_heads(std::size_t id, std::size_t v, const state& s) {
    for (std::size_t h : g_.heads_at(v)) {
      if (!head_allowed(g_, h, task_, o_.rules)) continue;
      load_of(id, h);
      const double a = std::clamp(static_cast<double>(est_.finish(g_, s, h)), 0.0, 1.0);
      if constexpr (scorer<R>::has_quick_bound) {  // cannot beat the best head: skip the exact score
        if (o_.eval.policy == split_policy::reward_optimal && sc_.reward_optimal_below(ws_.scratch, a, prune_cut(best_score_))) continue;
      }
      const double score = sc_.score(ws_.scratch, a, o_.eval.policy, sp_);
      ++st_.paths_evaluated;
      if (score > best_score_) best_score_ = score, best_label_ = id, best_head_ = h;
      incumbent_ = std::max(incumbent_, score);
    }
  }

  /// Runs through blocks to the next node where something can happen (a head, or a switch that
  /// can still reach a head); a run that meets none is a dead end and is dropped.
  bool run_blocks(std::size_t id, std::size_t v, const state& s) {
    const std::size_t m = g_.node_model(v), k = g_.node_boundary(v), server = g_.server_of(m), sw = ws_.meta[id].switches;
    state s2 = s;
    const std::size_t c = new_label(id, v, -2, sw, true, true, s);
    double* f = ws_.arena.data() + c * width_;
    std::size_t kk = k;
    do {
      ++kk;
      step_block(g_, f, server, m, kk);
      s2 = est_.add_block(g_, s2, m, kk);
    } while (kk < g_.blocks(m) && !event_at(g_.node(m, kk), sw));
    if (!event_at(g_.node(m, kk), sw)) {
      ws_.meta.pop_back(), ws_.arena.resize(ws_.arena.size() - width_);
      return true;
    }
    ws_.meta[c].node = g_.node(m, kk), ws_.meta[c].run = kk - k;
    std::memcpy(ws_.meta[c].est, &s2, sizeof(state));
    return insert(c);
  }

  bool take_switches(std::size_t id, std::size_t v, const state& s) {
    const std::size_t sw = ws_.meta[id].switches;
    if (sw >= o_.rules.switch_budget || !ws_.meta[id].can_switch) return true;
    const std::size_t m = g_.node_model(v), k = g_.node_boundary(v), server = g_.server_of(m);
    for (std::size_t cid : g_.connections_from(v)) {
      if (!depth_ok(g_, cid, o_.rules)) continue;
      const connection_spec& cn = g_.spec().connections[cid];
      if (!reach_at(g_.node(cn.to_model, cn.to_boundary), sw + 1)) continue;
      const state s2 = est_.add_join(g_, s, cid);
      const std::size_t c = new_label(id, g_.node(cn.to_model, cn.to_boundary), static_cast<std::ptrdiff_t>(cid), sw + 1, false, ws_.meta[id].has_block, s2);
      double* f = ws_.arena.data() + c * width_;
      step_join(g_, f, f + S_, f + S_ + E_, cid, m, k, server, cn.to_model, cn.to_boundary, g_.server_of(cn.to_model));
      if (!insert(c)) return false;
    }
    return true;
  }

  /// The best path from the best label's parent chain (into buffers that keep their capacity).
  void reconstruct(path& best_path) {
    std::vector<std::ptrdiff_t>& moves = ws_.moves;
    moves.clear();
    for (std::size_t id = best_label_; ws_.meta[id].move != -3; id = ws_.meta[id].parent)
      moves.push_back(ws_.meta[id].move == -2 ? -3 - static_cast<std::ptrdiff_t>(ws_.meta[id].run) : ws_.meta[id].move);
    best_path.service = service_, best_path.head = best_head_;
    best_path.segments.assign(1, segment{sv_.model, 0, 0, g_.server_of(sv_.model)});
    best_path.joins.clear();
    for (std::size_t i = moves.size(); i-- > 0;) {
      if (moves[i] < -3) {
        best_path.segments.back().end += static_cast<std::size_t>(-moves[i] - 3);
      } else {
        const connection_spec& cn = g_.spec().connections[static_cast<std::size_t>(moves[i])];
        best_path.joins.push_back(static_cast<std::size_t>(moves[i]));
        best_path.segments.push_back({cn.to_model, cn.to_boundary, cn.to_boundary, g_.server_of(cn.to_model)});
      }
    }
  }

  const block_graph& g_;
  std::size_t service_;
  const E& est_;
  scorer<R>& sc_;
  const search_options& o_;
  search_stats& st_;
  search_buffers& ws_;
  std::size_t S_, E_;
  std::size_t width_;
  const service_spec& sv_;
  std::size_t task_, home_, r_;
  std::size_t R1_;
  double incumbent_;
  split sp_;
  double best_score_ = -std::numeric_limits<double>::infinity();
  std::size_t best_label_ = 0;
  std::size_t best_head_ = npos;
};

/// Exact label setting (reward_optimal or serve_all; decomposable estimator). Returns false if
/// max_labels was exceeded (the caller falls back); else sets best_score / best_path.
template <decomposable_accuracy_estimator E, reward_function R>
bool label_setting(const block_graph& g, std::size_t service, const E& est, scorer<R>& sc, const search_options& o, double incumbent0,
                   search_stats& st, search_buffers& ws, double& best_score, path& best_path) {
  return label_setting_search<E, R>(g, service, est, sc, o, incumbent0, st, ws).run(best_score, best_path);
}

}  // namespace idn::path::detail
