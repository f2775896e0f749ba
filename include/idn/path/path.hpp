#pragma once
/// Inference paths (docs/path.md "Paths", §3 path.hpp, §4.2): segments of blocks joined by
/// adapter connections (or handoffs in mirroring baselines), ending on a head. compute_load
/// gives the per-server work L_p, per-link bytes b_p and transfer counts n_p, and the load-free
/// transfer time X_p. All sums accumulate in path order (blocks, each adapter at its join, the
/// head last) through the detail:: step functions, which the searches reuse, so every method
/// produces bitwise-identical loads.
#include <Eigen/Core>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "idn/path/graph.hpp"

namespace idn::path {

/// A run of blocks [begin, end) of one model on one server.
struct segment {
  std::size_t model = 0, begin = 0, end = 0, server = 0;  ///< blocks begin+1..end of model, on server
};
/// An inference path: its segments, the joins between them (connections or handoffs) and the head it ends at.
struct path {
  std::size_t service = 0;
  std::vector<segment> segments;
  std::vector<std::size_t> joins;  ///< connection id, or handoff
  std::size_t head = 0;
};
/// The largest switch budget a search accepts: the searches keep per-(node, switches left) tables,
/// so the budget bounds their memory (CoDE's paths use 1-3 joins).
inline constexpr std::size_t max_switch_budget = 64;
/// Which paths are admissible: the switch budget, mirroring, and how far back in depth a connection may go.
struct path_rules {
  std::size_t switch_budget = 2;   ///< r: joins allowed, ≤ max_switch_budget
  double depth_slack = 0;    ///< ε: a connection needs δ(j,k') ≥ δ(i,k) − ε
  bool extra_heads = true, early_exits = false, mirroring = false;
};
/// L (FLOP/request per server), b (bytes/request per link), n (transfers per link), X, switches.
struct path_load {
  Eigen::VectorXd server_flops, link_bytes, link_transfers;
  double transfer_s = 0;
  std::size_t switches = 0;
};

namespace detail {
inline const service_spec& service_at(const block_graph& g, std::size_t l, const char* fn) {
  if (l >= g.spec().services.size())
    fail(fn, "service", l, concat("unknown service (", g.spec().services.size(), " services)"));
  return g.spec().services[l];
}
inline void check_rules(const path_rules& r, const char* fn) {
  if (r.switch_budget > max_switch_budget) fail(fn, "rules.switch_budget", r.switch_budget, concat("must be <= max_switch_budget = ", max_switch_budget));
  if (!(r.depth_slack >= 0 && r.depth_slack < 1)) fail(fn, "rules.depth_slack", r.depth_slack, "must lie in [0,1)");
}
/// May a path of task `task` end on head h under the rules?
inline bool head_allowed(const block_graph& g, std::size_t h, std::size_t task, const path_rules& r) noexcept {
  const head_spec& hd = g.spec().heads[h];
  if (hd.task != task) return false;
  switch (hd.kind) {
    case head_kind::original: return true;
    case head_kind::extra: return r.extra_heads;
    case head_kind::early_exit: return r.early_exits;
  }
  return false;
}
/// Does connection c respect the depth rule?
inline bool depth_ok(const block_graph& g, std::size_t c, const path_rules& r) noexcept {
  const auto [from, to] = g.connection_depths(c);
  return to >= from - r.depth_slack;
}

// Path-order steps on raw arrays (L: S entries, b and n: E entries).
inline void step_block(const block_graph& g, double* L, std::size_t server, std::size_t m, std::size_t k) noexcept { L[server] += g.block_flops(m, k); }
/// A transfer of `bytes` from server a to b (nothing when a == b).
inline void step_transfer(const block_graph& g, double* b, double* n, std::size_t from, std::size_t to, double bytes) noexcept {
  if (from == to) return;
  const std::size_t e = g.link_or_none(from, to);
  b[e] += bytes, n[e] += 1;
}
/// Join from segment (model i ending at k on server a) into (model j beginning at k' on server c).
inline void step_join(const block_graph& g, double* L, double* b, double* n, std::size_t join, std::size_t i, std::size_t k, std::size_t a, std::size_t j, std::size_t kp, std::size_t c) noexcept {
  if (join == handoff) return step_transfer(g, b, n, a, c, g.boundary_bytes(i, k));
  const connection_spec& cn = g.spec().connections[join];
  if (cn.site == adapter_site::destination) {
    step_transfer(g, b, n, a, c, g.boundary_bytes(i, k));
    L[c] += cn.adapter_flops;
  } else {
    L[a] += cn.adapter_flops;
    step_transfer(g, b, n, a, c, g.boundary_bytes(j, kp));
  }
}
/// Head h on `server`, result back to the service's home.
inline void step_head(const block_graph& g, double* L, double* b, double* n, std::size_t h, std::size_t server, std::size_t home) noexcept {
  const head_spec& hd = g.spec().heads[h];
  L[server] += hd.flops;
  step_transfer(g, b, n, server, home, hd.output_bytes);
}
/// X = Σ_e 8·b_e/BW_e + n_e·τ_e, in link order.
inline double transfer_seconds(const block_graph& g, const double* b, const double* n) noexcept {
  double x = 0;
  for (std::size_t e = 0; e < g.num_links(); ++e) {
    const link_spec& l = g.spec().links[e];
    if (n[e] > 0) x += 8 * b[e] / l.bandwidth_bps + n[e] * l.latency_s;
  }
  return x;
}
inline void size_load(const block_graph& g, path_load& out) {
  if (static_cast<std::size_t>(out.server_flops.size()) != g.num_servers()) out.server_flops.resize(static_cast<Eigen::Index>(g.num_servers()));
  if (static_cast<std::size_t>(out.link_bytes.size()) != g.num_links())
    out.link_bytes.resize(static_cast<Eigen::Index>(g.num_links())), out.link_transfers.resize(static_cast<Eigen::Index>(g.num_links()));
}
}  // namespace detail

/// p_0: all of m_l on σ_l, then the original head.
inline path original_path(const block_graph& g, std::size_t service) {
  const service_spec& sv = detail::service_at(g, service, "original_path");
  return {service, {{sv.model, 0, g.blocks(sv.model), g.server_of(sv.model)}}, {}, g.original_head(sv.model)};
}

namespace detail {
/// The structure checks of validate_path; with `structure_only`, the rules' switch budget, depth
/// rule, head kinds and mirroring switch are not applied (every structurally valid path passes).
inline void validate_structure(const block_graph& g, const path& p, const path_rules& given, bool structure_only) {
  const char* fn = "validate_path";
  path_rules rules = given;
  if (structure_only) {
    rules.switch_budget = max_switch_budget, rules.early_exits = true, rules.extra_heads = true, rules.mirroring = true;
  }
  detail::check_rules(rules, fn);
  const service_spec& sv = detail::service_at(g, p.service, fn);
  const auto& segs = p.segments;
  if (segs.empty()) detail::fail(fn, "segments.size()", 0, "must be >= 1");
  if (p.joins.size() + 1 != segs.size()) detail::fail(fn, "joins.size()", p.joins.size(), concat("must be segments.size() - 1 = ", segs.size() - 1));
  if (!structure_only && p.joins.size() > rules.switch_budget)
    detail::fail(fn, "joins.size()", p.joins.size(), concat("exceeds rules.switch_budget = ", rules.switch_budget));
  if (segs[0].model != sv.model || segs[0].begin != 0)
    detail::fail(fn, "segments[0] (model, begin)", concat("(", segs[0].model, ", ", segs[0].begin, ")"), concat("must be (", sv.model, ", 0), the service's model at block 0"));
  std::size_t total = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const segment& s = segs[i];
    if (s.model >= g.num_models()) detail::fail(fn, concat("segments[", i, "].model"), s.model, "unknown model");
    if (s.begin > s.end || s.end > g.blocks(s.model))
      detail::fail(fn, concat("segments[", i, "] [begin, end)"), concat("[", s.begin, ", ", s.end, ")"), concat("must satisfy 0 <= begin <= end <= ", g.blocks(s.model)));
    if (s.server >= g.num_servers()) detail::fail(fn, concat("segments[", i, "].server"), s.server, "unknown server");
    if (s.server != g.server_of(s.model) && !rules.mirroring)
      detail::fail(fn, concat("segments[", i, "].server"), s.server, concat("foreign server for models[", s.model, "] (owner ", g.server_of(s.model), ") while mirroring is off"));
    if (i > 0 && i + 1 < segs.size() && s.begin == s.end) detail::fail(fn, concat("segments[", i, "] [begin, end)"), concat("[", s.begin, ", ", s.end, ")"), "a middle segment must not be empty");
    total += s.end - s.begin;
  }
  if (total == 0) detail::fail(fn, "blocks over all segments", 0, "must be >= 1");
  for (std::size_t i = 0; i < p.joins.size(); ++i) {
    const segment &a = segs[i], &b = segs[i + 1];
    const std::size_t j = p.joins[i];
    if (j == handoff) {
      if (!rules.mirroring) detail::fail(fn, concat("joins[", i, "]"), "handoff", "allowed only with rules.mirroring");
      if (b.model != a.model || b.begin != a.end) detail::fail(fn, concat("segments[", i + 1, "].begin"), b.begin, concat("a handoff continues models[", a.model, "] at ", a.end));
    } else {
      if (j >= g.spec().connections.size()) detail::fail(fn, concat("joins[", i, "]"), j, "unknown connection");
      const connection_spec& c = g.spec().connections[static_cast<std::size_t>(j)];
      if (c.from_model != a.model || c.from_boundary != a.end)
        detail::fail(fn, concat("segments[", i, "].end"), a.end, concat("must equal connections[", j, "].from_boundary = ", c.from_boundary, " of models[", c.from_model, "]"));
      if (c.to_model != b.model || c.to_boundary != b.begin)
        detail::fail(fn, concat("segments[", i + 1, "].begin"), b.begin, concat("must equal connections[", j, "].to_boundary = ", c.to_boundary, " of models[", c.to_model, "]"));
      if (!structure_only && !detail::depth_ok(g, j, rules))
        detail::fail(fn, concat("joins[", i, "]"), j,
                     concat("connections[", j, "] goes back in depth: ", g.depth(c.to_model, c.to_boundary), " < ", g.depth(c.from_model, c.from_boundary), " - rules.depth_slack (",
                            rules.depth_slack, ")"));
    }
    if (a.server != b.server && !g.link(a.server, b.server)) detail::fail(fn, concat("joins[", i, "] (servers)"), concat(a.server, " -> ", b.server), "needs a link between the servers");
  }
  const segment& last = segs.back();
  if (p.head >= g.spec().heads.size()) detail::fail(fn, "head", p.head, "unknown head");
  const head_spec& h = g.spec().heads[static_cast<std::size_t>(p.head)];
  if (h.model != last.model || h.boundary != last.end)
    detail::fail(fn, "head", p.head, concat("sits at models[", h.model, "]@", h.boundary, ", the path ends at models[", last.model, "]@", last.end));
  const std::size_t task = g.spec().models[static_cast<std::size_t>(sv.model)].task;
  if (!detail::head_allowed(g, p.head, task, rules))
    detail::fail(fn, "head", p.head, concat("not an admissible head for task ", task, " under the rules"));
  const std::size_t home = g.server_of(sv.model);
  if (last.server != home && !g.link(last.server, home)) detail::fail(fn, "head", p.head, concat("no link from server ", last.server, " to server ", home));
}
}  // namespace detail

/// Throws idn::invalid_input naming the first violation of §2's path structure or the rules.
inline void validate_path(const block_graph& g, const path& p, const path_rules& rules) { detail::validate_structure(g, p, rules, false); }

/// L, b, n, X of a structurally valid path; no allocation once `out` is sized. O(#blocks + n + E).
inline void compute_load_unchecked(const block_graph& g, const path& p, path_load& out) noexcept {
  detail::size_load(g, out);
  out.server_flops.setZero(), out.link_bytes.setZero(), out.link_transfers.setZero();
  double *L = out.server_flops.data(), *b = out.link_bytes.data(), *n = out.link_transfers.data();
  for (std::size_t i = 0; i < p.segments.size(); ++i) {
    const segment& s = p.segments[i];
    if (i > 0) {
      const segment& a = p.segments[i - 1];
      detail::step_join(g, L, b, n, p.joins[i - 1], a.model, a.end, a.server, s.model, s.begin, s.server);
    }
    for (std::size_t k = s.begin + 1; k <= s.end; ++k) detail::step_block(g, L, s.server, s.model, k);
  }
  const std::size_t home = g.server_of(g.spec().services[static_cast<std::size_t>(p.service)].model);
  detail::step_head(g, L, b, n, p.head, p.segments.back().server, home);
  out.transfer_s = detail::transfer_seconds(g, b, n);
  out.switches = p.joins.size();
}

/// Validates the structure (any switch count, head kind, depth change or server) and computes the load.
inline path_load compute_load(const block_graph& g, const path& p) {
  detail::validate_structure(g, p, {}, true);
  path_load out;
  compute_load_unchecked(g, p, out);
  return out;
}

/// Σ_s L[s]/μ_s + X_p (no queueing).
inline double unloaded_latency_s(const block_graph& g, const path_load& L) noexcept {
  double t = L.transfer_s;
  for (std::size_t s = 0; s < g.num_servers(); ++s) t += L.server_flops[s] / g.spec().servers[s].capacity_flops;
  return t;
}

/// "alexnet[0..3] =c4=> mobilenet_v2[6..9] > h7"; a foreign server shows as "@s", a handoff as "=h=>".
inline std::string to_string(const block_graph& g, const path& p) {
  std::string s;
  for (std::size_t i = 0; i < p.segments.size(); ++i) {
    const segment& x = p.segments[i];
    if (i > 0) s += p.joins[i - 1] == handoff ? std::string(" =h=> ") : concat(" =c", p.joins[i - 1], "=> ");
    s += concat(g.spec().models[static_cast<std::size_t>(x.model)].name, "[", x.begin, "..", x.end, "]");
    if (x.server != g.server_of(x.model)) s += concat("@", x.server);
  }
  return s + concat(" > h", p.head);
}

/// Canonical encoding: service, then (model, begin, end, server) per segment, the joins, the head.
inline std::vector<std::size_t> key_of(const path& p) {
  std::vector<std::size_t> k{p.service, p.segments.size()};
  for (const segment& s : p.segments) k.insert(k.end(), {s.model, s.begin, s.end, s.server});
  k.insert(k.end(), p.joins.begin(), p.joins.end());
  k.push_back(p.head);
  return k;
}

/// The emission order of enumerate_paths: compare the move sequences (at each node: a head
/// first, then one more block, then connections by id), lexicographically.
inline bool canonical_less(const path& a, const path& b) noexcept {
  // Moves: (0, h) head, (1, 0) block, (2, c) connection or (2, −1) handoff.
  auto move = [](const path& p, std::size_t seg, std::size_t step) -> std::pair<int, std::size_t> {
    const segment& s = p.segments[seg];
    if (step < s.end - s.begin) return {1, 0};
    if (seg + 1 < p.segments.size()) return {2, p.joins[seg]};
    return {0, p.head};
  };
  std::size_t sa = 0, sb = 0;
  std::size_t ka = 0, kb = 0;
  if (a.service != b.service) return a.service < b.service;
  while (true) {
    const auto ma = move(a, sa, ka), mb = move(b, sb, kb);
    if (ma != mb) return ma < mb;
    if (ma.first == 0) return false;  // identical paths
    if (ma.first == 1) ++ka, ++kb;
    else ++sa, ++sb, ka = kb = 0;
  }
}

}  // namespace idn::path
