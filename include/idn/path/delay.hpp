#pragma once
/// Processor-sharing delay (docs/path.md "Delay (v1)"): Poisson arrivals, M/G/1-PS servers
/// with mean sojourn (work/μ)/(1 − u); links add transmission and latency only. Unstable (delays
/// +inf) when a server the split uses (home with x_0 > 0, or any server of the path with x_p > 0)
/// has u ≥ 1. O(S + E).
#include <Eigen/Core>

#include <cmath>
#include <limits>

#include "idn/core/solve_status.hpp"
#include "idn/path/path.hpp"

namespace idn::path {

/// ps_delay's result: the mean delays D̄, D_0, D_p (+inf if unstable) and each server's utilization.
struct delay_result {
  solve_status status = solve_status::feasible;  ///< unstable when a server this split uses reaches u_s >= 1
  double mean_delay_s = 0, original_delay_s = 0, path_delay_s = 0;  ///< D̄, D_0, D_p (+inf if unstable)
  Eigen::VectorXd utilization;
};

namespace detail {
/// u_s for the split (x0, xp); writes into u (size S). noexcept, no allocation once sized.
inline void utilizations(const block_graph& g, std::size_t service, const path_load& L, double x0, double xp, double* u) noexcept {
  const std::size_t home = g.server_of(g.spec().services[service].model);
  const double W = g.service_flops(service);
  for (std::size_t s = 0; s < g.num_servers(); ++s) {
    const server_spec& sv = g.spec().servers[s];
    u[s] = (sv.background_flops + g.other_load(s, service) + (s == home ? x0 * W : 0.0) + xp * L.server_flops[s]) / sv.capacity_flops;
  }
}
/// D̄, D_0, D_p from the utilizations u.
inline delay_result delays_from(const block_graph& g, std::size_t service, const path_load& L, double x0, double xp, const double* u) noexcept {
  delay_result r;
  const std::size_t home = g.server_of(g.spec().services[service].model);
  const double W = g.service_flops(service), inf = std::numeric_limits<double>::infinity();
  // Only servers this split uses decide stability (spec correction: with "any u_s >= 1", one
  // overloaded service would make every other service's delay infinite).
  for (std::size_t s = 0; s < g.num_servers(); ++s)
    if (((s == home && x0 > 0) || (xp > 0 && L.server_flops[s] > 0)) && !(u[s] < 1)) r.status = solve_status::unstable;
  if (r.status == solve_status::unstable) {
    r.mean_delay_s = r.original_delay_s = r.path_delay_s = inf;
    return r;
  }
  const double mu_h = g.spec().servers[static_cast<std::size_t>(home)].capacity_flops;
  r.original_delay_s = (W / mu_h) / (1 - u[home]);
  r.path_delay_s = L.transfer_s;
  for (std::size_t s = 0; s < g.num_servers(); ++s)
    if (L.server_flops[s] > 0) r.path_delay_s += (L.server_flops[s] / g.spec().servers[s].capacity_flops) / (1 - u[s]);
  const double T = x0 + xp;
  r.mean_delay_s = T > 0 ? (x0 * r.original_delay_s + xp * r.path_delay_s) / T : r.original_delay_s;
  return r;
}
}  // namespace detail

/// Mean delays and utilizations when x_original req/s take the original model and x_path the path.
inline delay_result ps_delay(const block_graph& g, std::size_t service, const path_load& L, double x_original, double x_path) {
  detail::service_at(g, service, "ps_delay");
  if (!detail::finite_nonneg(x_original)) detail::fail("ps_delay", "x_original", x_original, "must be finite and >= 0");
  if (!detail::finite_nonneg(x_path)) detail::fail("ps_delay", "x_path", x_path, "must be finite and >= 0");
  if (static_cast<std::size_t>(L.server_flops.size()) != g.num_servers() || static_cast<std::size_t>(L.link_bytes.size()) != g.num_links())
    detail::fail("ps_delay", "load.server_flops.size()", L.server_flops.size(), concat("must match the graph (", g.num_servers(), " servers)"));
  Eigen::VectorXd u(g.num_servers());
  detail::utilizations(g, service, L, x_original, x_path, u.data());
  delay_result r = detail::delays_from(g, service, L, x_original, x_path, u.data());
  r.utilization = u;
  return r;
}

}  // namespace idn::path
