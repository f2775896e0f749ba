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

/// joint_assign's knobs: path rules, capacity, per-service accuracy floors, pricing tolerance and iteration cap.
struct joint_options {
  path_rules rules;
  capacity_options capacity;
  std::vector<double> min_avg_accuracy;  ///< α_l per service, or empty
  std::size_t max_iterations = 1000;
  double tolerance = 1e-9;
};
/// One path of a joint assignment and the rate it carries.
struct joint_flow {
  std::size_t service = 0;
  path p;
  double rate = 0, path_accuracy = 0;
};
/// joint_assign's outcome: the flows, total throughput, server and link duals, and whether column generation converged.
struct joint_result {
  std::vector<joint_flow> flows;  ///< columns with a positive rate
  double throughput = 0;
  Eigen::VectorXd server_duals, link_duals;
  std::size_t iterations = 0;
  bool converged = false;
};

namespace detail {
/// joint_assign's master LP: rows are servers, links of finite bandwidth, one demand per service
/// and, with floors, one accuracy floor per service; columns are paths with their loads.
struct joint_master {
  struct column {
    std::size_t service;
    path p;
    double accuracy;
    Eigen::VectorXd a;
  };
  std::size_t S = 0, Lc = 0;
  bool floors = false;
  std::vector<std::size_t> link_rows;  ///< link index of each link row
  Eigen::Index dem = 0, flo = 0, m = 0;  ///< first demand row, first floor row, rows
  Eigen::VectorXd b;
  const joint_options& o;

  /// The rows and their right-hand sides. O(S + E + L).
  joint_master(const block_graph& g, const joint_options& opt) : o(opt) {
    S = g.num_servers(), Lc = g.spec().services.size(), floors = !o.min_avg_accuracy.empty();
    for (std::size_t e = 0; e < g.num_links(); ++e)
      if (std::isfinite(g.spec().links[e].bandwidth_bps)) link_rows.push_back(e);
    dem = static_cast<Eigen::Index>(S + link_rows.size()), flo = dem + static_cast<Eigen::Index>(Lc);
    m = flo + (floors ? static_cast<Eigen::Index>(Lc) : 0);
    b.resize(m);
    for (std::size_t s = 0; s < S; ++s) {
      const server_spec& sv = g.spec().servers[s];
      b[static_cast<Eigen::Index>(s)] = std::max(0.0, o.capacity.rho_bar * sv.capacity_flops - sv.background_flops);
    }
    for (std::size_t i = 0; i < link_rows.size(); ++i) b[static_cast<Eigen::Index>(S + i)] = o.capacity.link_rho_bar * g.spec().links[link_rows[i]].bandwidth_bps;
    for (std::size_t l = 0; l < Lc; ++l) {
      b[dem + static_cast<Eigen::Index>(l)] = g.spec().services[l].arrival_rate;
      if (floors) b[flo + static_cast<Eigen::Index>(l)] = 0;
    }
  }
  /// The column of path p of service l with load L and accuracy acc. O(m).
  column make_column(std::size_t l, const path& p, const path_load& L, double acc) const {
    column c{l, p, acc, Eigen::VectorXd::Zero(m)};
    for (std::size_t s = 0; s < S; ++s) c.a[static_cast<Eigen::Index>(s)] = L.server_flops[s];
    for (std::size_t i = 0; i < link_rows.size(); ++i) c.a[static_cast<Eigen::Index>(S + i)] = 8 * L.link_bytes[link_rows[i]];
    c.a[dem + static_cast<Eigen::Index>(l)] = 1;
    if (floors) c.a[flo + static_cast<Eigen::Index>(l)] = o.min_avg_accuracy[l] - acc;
    return c;
  }
  /// The reduced profit of a column with load L and accuracy acc under the duals y. O(m).
  double reduced_profit(const Eigen::VectorXd& y, std::size_t l, const path_load& L, double acc) const {
    double reduced = 1 - y[dem + static_cast<Eigen::Index>(l)];
    for (std::size_t s = 0; s < S; ++s) reduced -= y[static_cast<Eigen::Index>(s)] * L.server_flops[s];
    for (std::size_t i = 0; i < link_rows.size(); ++i) reduced -= y[static_cast<Eigen::Index>(S + i)] * 8 * L.link_bytes[link_rows[i]];
    if (floors) reduced -= y[flo + static_cast<Eigen::Index>(l)] * (o.min_avg_accuracy[l] - acc);
    return reduced;
  }
};
}  // namespace detail

/// Every service at once: the max-throughput assignment of requests to paths under shared server and link capacities, by column generation over the path LP (pricing by enumeration). O(iterations · paths · m).
template <decomposable_accuracy_estimator E>
joint_result joint_assign(const block_graph& g, const E& est, const joint_options& o) {
  const char* fn = "joint_assign";
  detail::check_rules(o.rules, fn);
  detail::check_capacity(o.capacity, fn);
  if constexpr (requires { est.check(g); }) est.check(g);
  const std::size_t Lc = g.spec().services.size();
  if (!o.min_avg_accuracy.empty() && o.min_avg_accuracy.size() != Lc)
    detail::fail(fn, "min_avg_accuracy.size()", o.min_avg_accuracy.size(), concat("must be 0 or the number of services ", Lc));
  for (std::size_t l = 0; l < o.min_avg_accuracy.size(); ++l)
    if (!detail::unit_interval(o.min_avg_accuracy[l])) detail::fail(fn, concat("min_avg_accuracy[", l, "]"), o.min_avg_accuracy[l], "must lie in [0,1]");
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance)) detail::fail(fn, "tolerance", o.tolerance, "must be finite and >= 0");
  const detail::joint_master master(g, o);
  using column = detail::joint_master::column;
  const std::size_t S = master.S, E_ = g.num_links();
  const Eigen::Index m = master.m;
  std::vector<column> cols;
  for (std::size_t l = 0; l < Lc; ++l) {
    const path p0 = original_path(g, l);
    cols.push_back(master.make_column(l, p0, compute_load(g, p0), detail::checked_accuracy(g, p0, static_cast<double>(est.estimate(g, p0)), fn)));
  }
  joint_result res;
  lp_result lp;
  path_load L;
  while (true) {
    Eigen::MatrixXd A(m, static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) A.col(static_cast<Eigen::Index>(j)) = cols[j].a;
    lp = maximize_lp(A, master.b, Eigen::VectorXd::Ones(static_cast<Eigen::Index>(cols.size())));
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
        const double reduced = master.reduced_profit(lp.duals, l, L, acc);
        if (reduced > best) best = reduced, arg = master.make_column(l, p, L, acc);
      });
      if (arg) cols.push_back(std::move(*arg)), added = true;
    }
    if (!added) {
      res.converged = true;
      break;
    }
  }
  res.throughput = lp.status == solve_status::optimal ? lp.objective : std::numeric_limits<double>::quiet_NaN();
  res.server_duals = lp.duals.head(static_cast<Eigen::Index>(S));
  res.link_duals = Eigen::VectorXd::Zero(E_);
  for (std::size_t i = 0; i < master.link_rows.size(); ++i) res.link_duals[static_cast<Eigen::Index>(master.link_rows[i])] = lp.duals[static_cast<Eigen::Index>(S + i)];
  for (std::size_t j = 0; j < cols.size(); ++j)
    if (lp.x[static_cast<Eigen::Index>(j)] > 0) res.flows.push_back({cols[j].service, cols[j].p, lp.x[static_cast<Eigen::Index>(j)], cols[j].accuracy});
  return res;
}

}  // namespace idn::path
