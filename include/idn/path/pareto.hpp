#pragma once
/// The Pareto front of a service's paths over (Â_p, Th_p) (docs/path.md §4.10).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "idn/path/enumerate.hpp"
#include "idn/path/search_options.hpp"

namespace idn::path {

/// The knobs of pareto_front.
struct pareto_options {
  path_rules rules;           ///< which paths are admissible
  capacity_options capacity;  ///< the utilization cap ρ̄ and floor of the max-throughput split
};
/// One non-dominated path of pareto_front.
struct pareto_point {
  path p;
  path_load load;             ///< its loads (compute_load)
  double path_accuracy = 0;   ///< Â_p from the estimator
  double throughput = 0;      ///< Th_p of the max-throughput split, requests/s
  split flows;                ///< that split
  bool measured = false;      ///< Â_p is a measured accuracy, not a prediction
};

/// The non-dominated (Â_p, Th_p) points over all admissible paths (Th_p of the max-throughput
/// split), one path per point (the first in canonical order), Th ascending. Enumerates every path
/// (at most 1e8) and sweeps in O(P log P).
template <accuracy_estimator E>
std::vector<pareto_point> pareto_front(const block_graph& g, std::size_t service, const E& est, const pareto_options& o, search_workspace& ws) {
  detail::service_at(g, service, "pareto_front");
  detail::check_rules(o.rules, "pareto_front");
  detail::check_capacity(o.capacity, "pareto_front");
  if constexpr (requires { est.check(g); }) est.check(g);
  const std::uint64_t n = count_paths(g, service, o.rules);
  if (n > detail::brute_force_limit) detail::fail("pareto_front", "count_paths", static_cast<double>(n), "enumeration is limited to 1e8 paths");
  detail::search_buffers& w = detail::buffers_of(ws);
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

/// pareto_front with a fresh workspace (allocates its buffers).
template <accuracy_estimator E>
std::vector<pareto_point> pareto_front(const block_graph& g, std::size_t service, const E& est, const pareto_options& o) {
  search_workspace ws;
  return pareto_front(g, service, est, o, ws);
}

}  // namespace idn::path
