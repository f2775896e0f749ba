#pragma once
/// Capacity-limited throughput of a path and the original model side by side (docs/path.md
/// "Capacity and split", §4.3). Requests of service l split into x_0 on the original model and
/// x_p on the path, inside the polygon 𝒫(p) of residual server capacities, link capacities, the
/// demand λ_l and an optional average-accuracy floor. The max-throughput split maximizes
/// Th = x_0 + x_p, then A_l x_0 + Â_p x_p, then x_0: by the closed form where it is valid, else
/// by exact vertex enumeration of the 2-variable LP (at most 7 lines, O(S + E)).
#include <Eigen/Core>

#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "idn/path/path.hpp"

namespace idn::path {

/// Utilization caps of servers and links, and an optional floor on the average accuracy.
struct capacity_options {
  double rho_bar = 1, link_rho_bar = 1;       ///< ρ̄, ρ̄_e ∈ (0,1]
  std::optional<double> min_avg_accuracy;     ///< α ∈ [0,1]
};
/// The constraint that bounds a split's throughput (none, a server, a link, the demand, the accuracy floor) or no_gain.
enum class limit : std::uint8_t { none, local_server, remote_server, link, demand, accuracy_floor, no_gain };
/// "-", "local server", "remote server", "link", "demand", "accuracy floor" or "no gain".
inline const char* to_string(limit l) noexcept {
  switch (l) {
    case limit::none: return "-";
    case limit::local_server: return "local server";
    case limit::remote_server: return "remote server";
    case limit::link: return "link";
    case limit::demand: return "demand";
    case limit::accuracy_floor: return "accuracy floor";
    case limit::no_gain: return "no gain";
  }
  return "?";
}
/// A split (x_0 on the original path, x_p on the path) with its throughput and average accuracy.
struct split {
  double x_original = 0, x_path = 0, throughput = 0, avg_accuracy = 0;
  limit binding = limit::none;
  std::size_t binding_index = npos;
  bool closed_form = false;
};

namespace detail {
inline void check_capacity(const capacity_options& o, const char* fn) {
  if (!(o.rho_bar > 0 && o.rho_bar <= 1)) fail(fn, "capacity.rho_bar", o.rho_bar, "must lie in (0,1]");
  if (!(o.link_rho_bar > 0 && o.link_rho_bar <= 1)) fail(fn, "capacity.link_rho_bar", o.link_rho_bar, "must lie in (0,1]");
  if (o.min_avg_accuracy && !unit_interval(*o.min_avg_accuracy)) fail(fn, "capacity.min_avg_accuracy", *o.min_avg_accuracy, "must lie in [0,1]");
}
/// The polygon as half-planes a0·x0 + ap·xp ≤ rhs, tagged with the limit they express.
struct half_plane {
  double a0, ap, rhs;
  limit tag;
  std::size_t which;
};
struct split_problem {
  double W, A_l, A_p, lambda;
  std::array<half_plane, 7> h{};  ///< local, tightest remote, tightest link, demand, floor, x0 ≥ 0, xp ≥ 0
  int count = 0;
  double remote_cap = std::numeric_limits<double>::infinity();  ///< min over remote servers and links of R/coef
  limit remote_tag = limit::none;
  std::size_t remote_index = npos;
  double L_home = 0, R_home = 0;
};
/// min over remote servers (R_s/L_s) and links (R_e/8b_e) with positive load; +inf if none.
struct remote_limit {
  double cap = std::numeric_limits<double>::infinity();
  limit tag = limit::none;
  std::size_t which = npos;
};
/// The per-service constants remote_capacity reads, as arrays: residual FLOP/s per server
/// (R_s at ρ̄) and ρ̄_e·BW_e per link (+inf for an unlimited link). A scorer fills one per query.
struct capacity_table {
  const double* residual;
  const double* link_cap;
};
/// Fills residual (S entries) and link_cap (E entries) for the service.
inline void fill_capacity_table(const block_graph& g, std::size_t service, const capacity_options& o, double* residual, double* link_cap) noexcept {
  for (std::size_t s = 0; s < g.num_servers(); ++s) residual[s] = g.residual_flops(s, service, o.rho_bar);
  for (std::size_t e = 0; e < g.num_links(); ++e) link_cap[e] = o.link_rho_bar * g.spec().links[e].bandwidth_bps;
}
/// min over remote servers (residual(s)/L_s) and links (link_cap(e)/8b_e) with positive load;
/// +inf if none. O(S + E).
template <class Residual, class LinkCap>
remote_limit remote_capacity_of(std::size_t S, std::size_t E, std::size_t home, const path_load& L, Residual residual, LinkCap link_cap) noexcept {
  remote_limit r;
  const double *f = L.server_flops.data(), *b = L.link_bytes.data();
  for (std::size_t s = 0; s < S; ++s) {
    if (s == home || !(f[s] > 0)) continue;
    const double cap = residual(s) / f[s];
    if (cap < r.cap) r = {cap, limit::remote_server, s};
  }
  for (std::size_t e = 0; e < E; ++e) {
    if (!(b[e] > 0)) continue;
    const double c = link_cap(e);
    if (std::isinf(c)) continue;
    const double cap = c / (8 * b[e]);
    if (cap < r.cap) r = {cap, limit::link, e};
  }
  return r;
}
/// remote_capacity over a capacity_table: the same quotients, so bitwise the same limit.
inline remote_limit remote_capacity(const capacity_table& t, std::size_t S, std::size_t E, std::size_t home, const path_load& L) noexcept {
  return remote_capacity_of(S, E, home, L, [&](std::size_t s) { return t.residual[s]; }, [&](std::size_t e) { return t.link_cap[e]; });
}
/// min over remote servers (R_s/L_s) and links (ρ̄_e·BW_e/8b_e) with positive load; +inf if none.
inline remote_limit remote_capacity(const block_graph& g, std::size_t service, std::size_t home, const path_load& L, const capacity_options& o) noexcept {
  return remote_capacity_of(
      g.num_servers(), g.num_links(), home, L, [&](std::size_t s) { return g.residual_flops(s, service, o.rho_bar); },
      [&](std::size_t e) { return o.link_rho_bar * g.spec().links[e].bandwidth_bps; });
}
/// The split polygon for loads L and path accuracy A_p, given L's remote limit rl (remote_capacity).
inline split_problem make_split_problem(const block_graph& g, std::size_t service, const path_load& L, double A_p, const capacity_options& o,
                                        const remote_limit& rl) noexcept {
  const service_spec& sv = g.spec().services[service];
  const std::size_t home = g.server_of(sv.model);
  split_problem P;
  P.W = g.service_flops(service), P.A_l = g.spec().models[static_cast<std::size_t>(sv.model)].accuracy, P.A_p = A_p, P.lambda = sv.arrival_rate;
  P.L_home = L.server_flops[home], P.R_home = g.residual_flops(home, service, o.rho_bar);
  P.h[P.count++] = {P.W, P.L_home, P.R_home, limit::local_server, home};
  P.remote_cap = rl.cap, P.remote_tag = rl.tag, P.remote_index = rl.which;
  if (std::isfinite(P.remote_cap)) P.h[P.count++] = {0, 1, P.remote_cap, P.remote_tag, P.remote_index};
  P.h[P.count++] = {1, 1, P.lambda, limit::demand, npos};
  if (o.min_avg_accuracy) {
    const double a = *o.min_avg_accuracy;
    P.h[P.count++] = {-(P.A_l - a), -(P.A_p - a), 0, limit::accuracy_floor, npos};
  }
  P.h[P.count++] = {-1, 0, 0, limit::none, npos};
  P.h[P.count++] = {0, -1, 0, limit::none, npos};
  return P;
}
/// The split (x0, xp) with its throughput and request-weighted accuracy (A_l when nothing is served).
inline split make_split(double A_l, double A_p, double x0, double xp) noexcept {
  split r;
  r.x_original = x0, r.x_path = xp, r.throughput = x0 + xp;
  r.avg_accuracy = r.throughput > 0 ? (A_l * x0 + A_p * xp) / r.throughput : A_l;
  return r;
}
inline split finish_split(const split_problem& P, double x0, double xp) noexcept { return make_split(P.A_l, P.A_p, x0, xp); }
/// A feasible vertex of the polygon with its throughput T and M = A_l x0 + Â xp.
struct polygon_vertex {
  double x0, xp, T, M;
};
/// Every feasible pairwise intersection of the polygon's lines (at most 21; the origin is always
/// among them since every right-hand side is ≥ 0), feasibility at 1e-12 relative. Returns the count.
inline int polygon_vertices(const split_problem& P, std::array<polygon_vertex, 28>& out) noexcept {
  int n = 0;
  for (int i = 0; i < P.count; ++i)
    for (int j = i + 1; j < P.count; ++j) {
      const half_plane &a = P.h[i], &b = P.h[j];
      const double det = a.a0 * b.ap - a.ap * b.a0;
      if (det == 0) continue;
      const double x0 = std::max(0.0, (a.rhs * b.ap - a.ap * b.rhs) / det), xp = std::max(0.0, (a.a0 * b.rhs - a.rhs * b.a0) / det);
      if (!std::isfinite(x0) || !std::isfinite(xp)) continue;
      bool ok = true;
      for (int q = 0; q < P.count && ok; ++q) {
        const half_plane& h = P.h[q];
        const double excess = h.a0 * x0 + h.ap * xp - h.rhs;  // the tolerance is > 0: only a positive excess needs it
        ok = excess <= 0 || excess <= 1e-12 * std::max({1e-300, std::abs(h.rhs), std::abs(h.a0 * x0), std::abs(h.ap * xp)});
      }
      if (ok) out[static_cast<std::size_t>(n++)] = {x0, xp, x0 + xp, P.A_l * x0 + P.A_p * xp};
    }
  return n;
}

/// Exact lexicographic optimum (T, then M, then x0) by vertex enumeration; also names a binding
/// constraint.
inline split solve_split_vertices(const split_problem& P) noexcept {
  double best0 = 0, bestp = 0, bT = 0, bM = 0;
  bool have = false;
  std::array<polygon_vertex, 28> v{};
  const int nv = polygon_vertices(P, v);
  for (int i = 0; i < nv; ++i) {
    const auto [x0, xp, T, M] = v[static_cast<std::size_t>(i)];
    const double tolT = 1e-12 * std::max(T, bT), tolM = 1e-12 * std::max(std::abs(M), std::abs(bM));
    const bool better = !have || T > bT + tolT || (T >= bT - tolT && (M > bM + tolM || (M >= bM - tolM && x0 > best0)));
    if (better) best0 = x0, bestp = xp, bT = T, bM = M, have = true;
  }
  split r = finish_split(P, best0, bestp);
  // The binding constraint: the first tight one that limits the path (or the original side).
  for (int i = 0; i < P.count; ++i) {
    const half_plane& q = P.h[i];
    if (q.tag == limit::none) continue;
    const double lhs = q.a0 * best0 + q.ap * bestp;
    if (std::abs(lhs - q.rhs) <= 1e-9 * std::max({1.0, std::abs(q.rhs), std::abs(lhs)})) {
      if (q.tag == limit::local_server && bestp == 0 && P.L_home >= P.W) continue;
      r.binding = q.tag, r.binding_index = q.which;
      if (q.tag != limit::local_server) break;
    }
  }
  if (bestp == 0 && r.binding == limit::none) r.binding = limit::no_gain;
  if (bestp == 0 && P.L_home >= P.W) r.binding = limit::no_gain;
  return r;
}
}  // namespace detail

/// Th_0 = min(λ_l, R_{σ_l}/W_l).
inline double standalone_throughput(const block_graph& g, std::size_t service, const capacity_options& o) {
  detail::service_at(g, service, "standalone_throughput");
  detail::check_capacity(o, "standalone_throughput");
  const service_spec& sv = g.spec().services[service];
  return std::min(sv.arrival_rate, g.residual_flops(g.server_of(sv.model), service, o.rho_bar) / g.service_flops(service));
}

namespace detail {
/// The split without argument checks: the closed form when valid, else the exact 2-variable LP.
/// The largest x0 + xp under the local server's and the remote constraints alone (no demand, no
/// accuracy floor): while the path loads the home server less than the original model does
/// (L_p[σ] < W), each unit moved to the path frees local capacity, so xp takes the tightest of
/// the remote limits and R_σ/L_p[σ] and x0 what the home server has left; else xp = 0. binding:
/// what limits xp (cap = +inf when nothing does). O(S + E).
struct local_remote_split {
  double x0, xp;
  remote_limit binding;
};
/// The split without demand given the remote limit `remote` of L (remote_capacity).
inline local_remote_split split_without_demand(const block_graph& g, std::size_t service, const path_load& L, const capacity_options& o,
                                               remote_limit remote) noexcept {
  const std::size_t home = g.server_of(g.spec().services[service].model);
  const double W = g.service_flops(service), Lh = L.server_flops[home], Rh = g.residual_flops(home, service, o.rho_bar);
  if (Lh > 0 && Rh / Lh <= remote.cap) remote = {Rh / Lh, limit::local_server, home};
  const double xp = Lh < W ? remote.cap : 0.0;  // +inf only when Lh = 0 and nothing remote is loaded
  return {(Rh - (Lh > 0 ? Lh * xp : 0.0)) / W, xp, remote};
}
/// max_throughput_split_unchecked given the remote limit rl of L (computed once for the closed
/// form and the LP).
inline split max_throughput_split_unchecked(const block_graph& g, std::size_t service, const path_load& L, double A_p, const capacity_options& o,
                                            bool allow_closed_form, const remote_limit& rl) noexcept {
  if (allow_closed_form && !o.min_avg_accuracy) {
    // Closed form: x_p* = c_p if L_p[σ_l] < W_l (else 0), x_0* = (R_σ − L_p[σ]x_p*)/W, valid when
    // the result stays within the demand; L_p[σ] = W (a tie in Th) goes to the LP.
    const service_spec& sv = g.spec().services[service];
    if (L.server_flops[g.server_of(sv.model)] != g.service_flops(service)) {
      const local_remote_split c = split_without_demand(g, service, L, o, rl);
      if (std::isfinite(c.binding.cap) && c.x0 + c.xp <= sv.arrival_rate) {
        split r = make_split(g.spec().models[static_cast<std::size_t>(sv.model)].accuracy, A_p, c.x0, c.xp);
        r.closed_form = true;
        if (c.xp > 0) r.binding = c.binding.tag, r.binding_index = c.binding.which;
        else r.binding = limit::no_gain;
        return r;
      }
    }
  }
  return solve_split_vertices(make_split_problem(g, service, L, A_p, o, rl));
}
inline split max_throughput_split_unchecked(const block_graph& g, std::size_t service, const path_load& L, double A_p, const capacity_options& o,
                                            bool allow_closed_form) noexcept {
  return max_throughput_split_unchecked(g, service, L, A_p, o, allow_closed_form,
                                        remote_capacity(g, service, g.server_of(g.spec().services[service].model), L, o));
}
}  // namespace detail

/// The max-throughput split of service l between its original model and a path with load L and
/// predicted accuracy Â_p (closed form if valid, else exact LP). O(S + E).
inline split max_throughput_split(const block_graph& g, std::size_t service, const path_load& L, double path_accuracy, const capacity_options& o) {
  detail::service_at(g, service, "max_throughput_split");
  detail::check_capacity(o, "max_throughput_split");
  if (!detail::unit_interval(path_accuracy)) detail::fail("max_throughput_split", "path_accuracy", path_accuracy, "must lie in [0,1]");
  return detail::max_throughput_split_unchecked(g, service, L, path_accuracy, o, true);
}
/// The same split, always by the exact 2-variable LP (the oracle of the closed form).
inline split max_throughput_split_lp(const block_graph& g, std::size_t service, const path_load& L, double path_accuracy, const capacity_options& o) {
  detail::service_at(g, service, "max_throughput_split_lp");
  detail::check_capacity(o, "max_throughput_split_lp");
  if (!detail::unit_interval(path_accuracy)) detail::fail("max_throughput_split_lp", "path_accuracy", path_accuracy, "must lie in [0,1]");
  return detail::max_throughput_split_unchecked(g, service, L, path_accuracy, o, false);
}

}  // namespace idn::path
