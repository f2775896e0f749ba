#pragma once
/// Baselines (docs/path.md baselines.hpp, §4.11): the original model only; full offload to the
/// fastest host (largest residual capacity, ties to the lower id), either by mirroring the model
/// there (reference only: CoDE forbids copying models) or by the best path whose every block runs
/// on the host; and an Edgent-style split point + early exit under a latency bound (Edgent's
/// latency regression replaced by the unloaded latency).
#include <limits>

#include "idn/path/search.hpp"

namespace idn::path {

/// full_offload's model on the host: a mirror of the service's own model, or the host's own model.
enum class offload_mode : std::uint8_t { mirror_model, host_model };
/// edgent_baseline's knob: the latency bound its exit and split must meet.
struct early_exit_options {
  double latency_bound_s = 0;
};

/// The baseline that never leaves the original path: evaluate of original_path.
template <accuracy_estimator E, reward_function R>
evaluation_result original_only(const block_graph& g, std::size_t service, const E& est, const R& reward, const evaluation_options& o) {
  return evaluate(g, original_path(g, service), est, reward, o);
}

namespace detail {
/// s* = argmax_{s ≠ σ_l} R_s among servers linked both ways with σ_l; npos if none.
inline std::size_t fastest_host(const block_graph& g, std::size_t service, const capacity_options& c) {
  const std::size_t home = g.server_of(g.spec().services[service].model);
  std::size_t best = npos;
  double r = -1;
  for (std::size_t s = 0; s < g.num_servers(); ++s) {
    if (s == home || !g.link(home, s) || !g.link(s, home)) continue;
    const double x = g.residual_flops(s, service, c.rho_bar);
    if (x > r) r = x, best = s;
  }
  return best;
}
}  // namespace detail

/// Full offload to s*. mirror_model: (m_l,0,0,σ_l) =handoff=> (m_l,0,B,s*), original head on s*.
/// host_model: the best path (under `rules`) with an empty g_0 and every later segment on s*;
/// score −inf (feasible = false, p = p_0) if there is none.
template <accuracy_estimator E, reward_function R>
evaluation_result full_offload(const block_graph& g, std::size_t service, const E& est, const R& reward, const evaluation_options& o,
                             offload_mode mode = offload_mode::mirror_model, const path_rules& rules = {}) {
  detail::service_at(g, service, "full_offload");
  detail::check_capacity(o.capacity, "full_offload");
  const std::size_t host = detail::fastest_host(g, service, o.capacity);
  if (host == npos) detail::fail("full_offload", "service", service, "no other server linked both ways with the home server");
  const std::size_t m = g.spec().services[service].model, home = g.server_of(m);
  if (mode == offload_mode::mirror_model) {
    const path p{service, {{m, 0, 0, home}, {m, 0, g.blocks(m), host}}, {handoff}, g.original_head(m)};
    return evaluate(g, p, est, reward, o);
  }
  detail::scorer<R> sc(g, service, reward, o, "full_offload");
  path_load L;
  split sp;
  double best = -std::numeric_limits<double>::infinity();
  std::optional<path> arg;
  enumerate_paths(g, service, rules, [&](const path& p) {
    if (p.segments.size() < 2 || p.segments[0].end != 0) return;
    for (std::size_t i = 1; i < p.segments.size(); ++i)
      if (p.segments[i].server != host) return;
    compute_load_unchecked(g, p, L);
    const double s = sc.score(L, detail::checked_accuracy(g, p, static_cast<double>(est.estimate(g, p)), "full_offload"), o.policy, sp);
    if (s > best) best = s, arg = p;
  });
  if (!arg) {
    evaluation_result r = evaluate(g, original_path(g, service), est, reward, o);
    r.score = -std::numeric_limits<double>::infinity(), r.status = solve_status::infeasible;
    return r;
  }
  return evaluate(g, *arg, est, reward, o);
}

/// Edgent-style: over heads of m_l with a known accuracy (original, early exits), split points
/// k ∈ [0, k_h] and servers s ≠ σ_l linked both ways, keep the candidates whose unloaded latency
/// is within the bound; pick max a_h, then min latency, then min k, then min s. O(H_l·B_l·S).
/// Throws if no candidate meets the bound.
template <accuracy_estimator E, reward_function R>
evaluation_result edgent_baseline(const block_graph& g, std::size_t service, const E& est, const R& reward, const evaluation_options& o,
                                const early_exit_options& x) {
  detail::service_at(g, service, "edgent_baseline");
  if (!(x.latency_bound_s > 0) || !std::isfinite(x.latency_bound_s)) detail::fail("edgent_baseline", "latency_bound_s", x.latency_bound_s, "must be finite and > 0");
  const std::size_t m = g.spec().services[service].model, home = g.server_of(m);
  std::optional<path> best;
  double ba = -1, bl = 0;
  path_load L;
  for (std::size_t h = 0; h < g.spec().heads.size(); ++h) {
    const head_spec& hd = g.spec().heads[h];
    if (hd.model != m || !hd.accuracy || hd.task != g.spec().models[static_cast<std::size_t>(m)].task) continue;
    for (std::size_t k = 0; k <= hd.boundary; ++k)
      for (std::size_t s = 0; s < g.num_servers(); ++s) {
        path p;
        if (k == hd.boundary) {
          if (s != home) continue;  // all local: one candidate
          p = {service, {{m, 0, k, home}}, {}, h};
        } else {
          if (s == home || !g.link(home, s) || !g.link(s, home)) continue;
          p = {service, {{m, 0, k, home}, {m, k, hd.boundary, s}}, {handoff}, h};
        }
        compute_load_unchecked(g, p, L);
        const double lat = unloaded_latency_s(g, L);
        if (lat > x.latency_bound_s) continue;
        if (*hd.accuracy > ba || (*hd.accuracy == ba && lat < bl)) ba = *hd.accuracy, bl = lat, best = p;
      }
  }
  if (!best) detail::fail("edgent_baseline", "latency_bound_s", x.latency_bound_s, "no split point and exit meets it");
  return evaluate(g, *best, est, reward, o);
}

}  // namespace idn::path
