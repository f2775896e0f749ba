#pragma once
/// Joint assignment of several services to several paths each (docs/path.md joint.hpp, §4.12),
/// by column generation. The master LP maximizes Σ x over the columns found so far, subject to
/// server rows Σ L_p[s]·x ≤ ρ̄μ_s − ℓ_s (service loads enter through the columns: p_0 of every
/// service is a column), link rows Σ 8b_p[e]·x ≤ ρ̄_e·BW_e, demand rows Σ_p x_{l,p} ≤ λ_l and,
/// with floors, Σ_p x_{l,p}(α_l − Â_p) ≤ 0. Pricing finds, per service, the path of largest
/// reduced profit 1 − Σ_s π_s L_p[s] − Σ_e π_e 8b_p[e] − γ_l − δ_l(α_l − Â_p), by enumerating
/// the service's admissible paths (exact; the cost is the path count per service and round).
/// Columns above the tolerance are added; the loop ends at the LP optimum over all paths.
#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <vector>

#include "idn/path/accuracy.hpp"
#include "idn/path/lp.hpp"
#include "idn/path/search.hpp"

namespace idn::path {

struct joint_options {
  path_rules rules;
  capacity_options capacity;
  std::vector<double> min_avg_accuracy;  ///< α_l per service, or empty
  std::size_t max_iterations = 1000;
  double tolerance = 1e-9;
};
struct joint_flow {
  std::size_t service = 0;
  path p;
  double rate = 0, path_accuracy = 0;
};
struct joint_result {
  std::vector<joint_flow> flows;  ///< columns with a positive rate
  double throughput = 0;
  Eigen::VectorXd server_duals, link_duals;
  std::size_t iterations = 0;
  bool converged = false;
};

template <decomposable_accuracy_estimator E>
joint_result joint_assign(const block_graph& g, const E& est, const joint_options& o) {
  const char* fn = "joint_assign";
  detail::check_rules(o.rules, fn);
  detail::check_capacity(o.capacity, fn);
  if constexpr (requires { est.check(g); }) est.check(g);
  const auto Lc = static_cast<std::size_t>(g.spec().services.size());
  if (!o.min_avg_accuracy.empty() && static_cast<std::size_t>(o.min_avg_accuracy.size()) != Lc)
    detail::fail(fn, "min_avg_accuracy.size()", o.min_avg_accuracy.size(), concat("must be 0 or the number of services ", Lc));
  for (std::size_t l = 0; l < o.min_avg_accuracy.size(); ++l)
    if (!detail::unit_interval(o.min_avg_accuracy[l])) detail::fail(fn, concat("min_avg_accuracy[", l, "]"), o.min_avg_accuracy[l], "must lie in [0,1]");
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance)) detail::fail(fn, "tolerance", o.tolerance, "must be finite and >= 0");
  const std::size_t S = g.num_servers(), E_ = g.num_links();
  const bool floors = !o.min_avg_accuracy.empty();
  // Row layout: servers, finite links, demands, floors.
  std::vector<std::size_t> link_rows;
  for (std::size_t e = 0; e < E_; ++e)
    if (std::isfinite(g.spec().links[static_cast<std::size_t>(e)].bandwidth_bps)) link_rows.push_back(e);
  const Eigen::Index m = S + static_cast<Eigen::Index>(link_rows.size()) + Lc + (floors ? Lc : 0);
  Eigen::VectorXd b(m);
  for (std::size_t s = 0; s < S; ++s) {
    const server_spec& sv = g.spec().servers[static_cast<std::size_t>(s)];
    b[s] = std::max(0.0, o.capacity.rho_bar * sv.capacity_flops - sv.background_flops);
  }
  for (std::size_t i = 0; i < link_rows.size(); ++i)
    b[S + static_cast<Eigen::Index>(i)] = o.capacity.link_rho_bar * g.spec().links[static_cast<std::size_t>(link_rows[i])].bandwidth_bps;
  const Eigen::Index dem = S + static_cast<Eigen::Index>(link_rows.size()), flo = dem + Lc;
  for (std::size_t l = 0; l < Lc; ++l) {
    b[dem + l] = g.spec().services[static_cast<std::size_t>(l)].arrival_rate;
    if (floors) b[flo + l] = 0;
  }
  struct column {
    std::size_t service;
    path p;
    double accuracy;
    Eigen::VectorXd a;
  };
  std::vector<column> cols;
  auto make_column = [&](std::size_t l, const path& p, const path_load& L, double acc) {
    column c{l, p, acc, Eigen::VectorXd::Zero(m)};
    for (std::size_t s = 0; s < S; ++s) c.a[s] = L.server_flops[s];
    for (std::size_t i = 0; i < link_rows.size(); ++i) c.a[S + static_cast<Eigen::Index>(i)] = 8 * L.link_bytes[link_rows[i]];
    c.a[dem + l] = 1;
    if (floors) c.a[flo + l] = o.min_avg_accuracy[static_cast<std::size_t>(l)] - acc;
    return c;
  };
  for (std::size_t l = 0; l < Lc; ++l) {
    const path p0 = original_path(g, l);
    cols.push_back(make_column(l, p0, compute_load(g, p0), detail::checked_accuracy(g, p0, static_cast<double>(est.estimate(g, p0)), fn)));
  }
  joint_result res;
  lp_result lp;
  path_load L;
  while (true) {
    Eigen::MatrixXd A(m, static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) A.col(static_cast<Eigen::Index>(j)) = cols[j].a;
    lp = maximize_lp(A, b, Eigen::VectorXd::Ones(static_cast<Eigen::Index>(cols.size())));
    ++res.iterations;
    if (lp.status != solve_status::optimal || res.iterations >= o.max_iterations) break;
    // Pricing: the best reduced profit per service, over all its admissible paths.
    bool added = false;
    for (std::size_t l = 0; l < Lc; ++l) {
      double best = o.tolerance;
      std::optional<column> arg;
      enumerate_paths(g, l, o.rules, [&](const path& p) {
        compute_load_unchecked(g, p, L);
        const double acc = detail::checked_accuracy(g, p, static_cast<double>(est.estimate(g, p)), fn);
        double reduced = 1 - lp.duals[dem + l];
        for (std::size_t s = 0; s < S; ++s) reduced -= lp.duals[s] * L.server_flops[s];
        for (std::size_t i = 0; i < link_rows.size(); ++i) reduced -= lp.duals[S + static_cast<Eigen::Index>(i)] * 8 * L.link_bytes[link_rows[i]];
        if (floors) reduced -= lp.duals[flo + l] * (o.min_avg_accuracy[static_cast<std::size_t>(l)] - acc);
        if (reduced > best) best = reduced, arg = make_column(l, p, L, acc);
      });
      if (arg) cols.push_back(std::move(*arg)), added = true;
    }
    if (!added) {
      res.converged = true;
      break;
    }
  }
  res.throughput = lp.status == solve_status::optimal ? lp.objective : std::numeric_limits<double>::quiet_NaN();
  res.server_duals = lp.duals.head(S);
  res.link_duals = Eigen::VectorXd::Zero(E_);
  for (std::size_t i = 0; i < link_rows.size(); ++i) res.link_duals[link_rows[i]] = lp.duals[S + static_cast<Eigen::Index>(i)];
  for (std::size_t j = 0; j < cols.size(); ++j)
    if (lp.x[static_cast<Eigen::Index>(j)] > 0) res.flows.push_back({cols[j].service, cols[j].p, lp.x[static_cast<Eigen::Index>(j)], cols[j].accuracy});
  return res;
}

}  // namespace idn::path
