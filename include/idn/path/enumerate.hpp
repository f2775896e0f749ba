#pragma once
/// Enumerating and counting the admissible paths of a service (docs/path.md §4.6): the DFS in
/// canonical order that brute force, branch and bound and k_best walk, and the DP that counts
/// paths without walking them.
#include <concepts>
#include <cstdint>
#include <limits>
#include <vector>

#include "idn/path/evaluate.hpp"

namespace idn::path {

namespace detail {
/// The most paths an enumeration (brute force, the Pareto front) will walk.
inline constexpr std::uint64_t brute_force_limit = 100'000'000;
}  // namespace detail

/// Calls visit(path) for every admissible path of the service, in canonical order: at each
/// boundary node the admissible heads (ascending), then one more block, then each enabled
/// connection (ascending). Returns the number of paths. O(P·B̄).
template <class F>
  requires std::invocable<F&, const path&>
std::uint64_t enumerate_paths(const block_graph& g, std::size_t service, const path_rules& rules, F&& visit);

namespace detail {
/// The DFS behind enumerate_paths, branch and bound and k_best. Hooks: on_extend(kind, id, p)
/// before descending (returns false to prune), on_leave() after, on_head(p) at every path.
template <class Ext, class Leave, class Head>
class path_dfs {
public:
  /// buffer: the path built in place (its capacity is reused across queries).
  path_dfs(const block_graph& g, std::size_t service, const path_rules& rules, Ext ext, Leave leave, Head head, path& buffer)
      : g_(g), rules_(rules), ext_(ext), leave_(leave), head_(head), p_(buffer) {
    const service_spec& sv = g.spec().services[service];
    task_ = g.spec().models[static_cast<std::size_t>(sv.model)].task;
    p_.service = service;
    p_.segments.clear(), p_.joins.clear();
    p_.segments.push_back({sv.model, 0, 0, g.server_of(sv.model)});
  }
  void run() { visit(true, 0); }
  const path& current() const noexcept { return p_; }

private:
  void visit(bool g0, std::size_t blocks) {
    segment& s = p_.segments.back();
    const std::size_t m = s.model, k = s.end, v = g_.node(m, k);
    if (blocks > 0)
      for (std::size_t h : g_.heads_at(v))
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
    if (p_.joins.size() < rules_.switch_budget && (cur.end > cur.begin || g0))
      for (std::size_t c : g_.connections_from(v)) {
        if (!depth_ok(g_, c, rules_)) continue;
        const connection_spec& cn = g_.spec().connections[c];
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
  std::size_t task_ = 0;
  path& p_;
};
template <class Ext, class Leave, class Head>
path_dfs(const block_graph&, std::size_t, const path_rules&, Ext, Leave, Head, path&) -> path_dfs<Ext, Leave, Head>;
}  // namespace detail

namespace detail {
template <class F>
std::uint64_t enumerate_into(const block_graph& g, std::size_t service, const path_rules& rules, F&& visit, path& buffer) {
  std::uint64_t count = 0;
  path_dfs dfs(
      g, service, rules, [](int, std::size_t, const path&) { return true; }, [] {},
      [&](const path& p) {
        ++count;
        visit(p);
      },
      buffer);
  dfs.run();
  return count;
}
}  // namespace detail

/// Calls visit(p) for every admissible path of `service` under `rules`, depth first; returns how many. O(paths · length).
template <class F>
  requires std::invocable<F&, const path&>
std::uint64_t enumerate_paths(const block_graph& g, std::size_t service, const path_rules& rules, F&& visit) {
  detail::service_at(g, service, "enumerate_paths");
  detail::check_rules(rules, "enumerate_paths");
  path buffer;
  return detail::enumerate_into(g, service, rules, visit, buffer);
}

/// The number of admissible paths, by a DP over (node, switches, may switch, has a block);
/// saturates at 2^64 − 1. O((V + C)·r).
namespace detail {
inline std::uint64_t count_into(const block_graph& g, std::size_t service, const path_rules& rules, std::vector<std::uint64_t>& memo);
}
/// The number of admissible paths of `service` under `rules`, counted by memoized recursion without listing them (saturates at 2^64 − 1). O(V · switch_budget + connections · switch_budget).
inline std::uint64_t count_paths(const block_graph& g, std::size_t service, const path_rules& rules) {
  detail::service_at(g, service, "count_paths");
  detail::check_rules(rules, "count_paths");
  std::vector<std::uint64_t> memo;
  return detail::count_into(g, service, rules, memo);
}
namespace detail {
/// count_paths with a reusable memo.
inline std::uint64_t count_into(const block_graph& g, std::size_t service, const path_rules& rules, std::vector<std::uint64_t>& memo) {
  const service_spec& sv = g.spec().services[service];
  const std::size_t task = g.spec().models[static_cast<std::size_t>(sv.model)].task, r = rules.switch_budget;
  const auto V = g.num_nodes();
  constexpr std::uint64_t sat = std::numeric_limits<std::uint64_t>::max();
  auto add = [](std::uint64_t a, std::uint64_t b) { return a > sat - b ? sat : a + b; };
  // memo[(v·(r+1) + sw)·4 + can·2 + has]
  memo.assign(V * (r + 1) * 4, sat);
  auto rec = [&](auto&& self, std::size_t v, std::size_t sw, bool can, bool has) -> std::uint64_t {
    std::uint64_t& slot = memo[(v * (r + 1) + sw) * 4 + (can ? 2 : 0) + (has ? 1 : 0)];
    if (slot != sat) return slot;
    std::uint64_t n = 0;
    if (has)
      for (std::size_t h : g.heads_at(v)) n = add(n, detail::head_allowed(g, h, task, rules) ? 1 : 0);
    const std::size_t m = g.node_model(v), k = g.node_boundary(v);
    if (k < g.blocks(m)) n = add(n, self(self, v + 1, sw, true, true));
    if (sw < r && can)
      for (std::size_t c : g.connections_from(v)) {
        if (!detail::depth_ok(g, c, rules)) continue;
        const connection_spec& cn = g.spec().connections[c];
        n = add(n, self(self, g.node(cn.to_model, cn.to_boundary), sw + 1, false, has));
      }
    return slot = n;
  };
  return rec(rec, g.node(sv.model, 0), 0, true, false);
}
}  // namespace detail

}  // namespace idn::path
