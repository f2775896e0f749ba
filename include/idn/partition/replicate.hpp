#pragma once
/// Stage replication for inference (docs/partition.md "Replication", §4.5): up to M identical
/// workers, a stage served round-robin by r of them has period π/r and unchanged latency.
/// A(m, j) = min_{i<j, 1≤r≤m} max(A(m − r, i), π(i, j)/r); O(M·L²·log M) time (the r that
/// minimises is bisected), O(M·L) memory.
#include <algorithm>
#include <vector>

#include "idn/partition/chain.hpp"

namespace idn::partition {

namespace detail {
/// Evaluates a replicated plan on a one-worker problem: stage s = [cuts[s], cuts[s+1]) × reps[s].
inline partition_result evaluate_replicated(const chain_problem& p, const std::vector<std::size_t>& cuts, const std::vector<int>& reps) {
  partition_result r;
  r.cuts = cuts;
  double P = p.fixed_period(), lat = 0;
  const chain_options& o = p.options();
  for (std::size_t s = 0; s + 1 < cuts.size(); ++s) {
    const std::size_t i = cuts[s], j = cuts[s + 1];
    stage_info st{0, i, j, reps[s]};
    st.compute_s = p.delay(0, i, j), st.memory_bytes = p.memory(0, i, j);
    st.recv_s = p.recv(0, i), st.send_s = p.send(0, j);
    st.period_s = p.period(0, i, j) / reps[s];
    P = std::max(P, st.period_s);
    // Hops: into the first stage from the source (none under input_local: the input is local),
    // then between physically different replicas of consecutive stages.
    if (s == 0) lat += o.input_local ? 0.0 : p.hop(endpoint, 0, 0);
    else lat += std::max(p.up(0, i), p.down(0, i));
    lat += st.compute_s;
    r.stages.push_back(st);
  }
  if (o.return_output) lat += o.input_local ? (cuts.size() > 2 ? std::max(p.up(0, p.num_layers()), p.down(0, p.num_layers())) : 0.0)
                                            : p.hop(0, endpoint, p.num_layers());
  if (!(P < inf)) {
    r.cuts.clear();
    return r;
  }
  if (!std::isfinite(lat))  // L hops of finite transfers can still overflow (aggregate rule)
    idn::reject("partition::evaluate_replicated", "latency of the replicated plan", lat, "must be finite: the sum of hops and stage times overflows");
  r.status = solve_status::optimal;
  r.bottleneck_s = P, r.throughput_per_s = P > 0 ? 1 / P : inf, r.latency_s = lat;
  return r;
}
}  // namespace detail

/// Minimum bottleneck with up to max_workers identical copies of the single worker of
/// `one_worker` (K must be 1): contiguous non-empty stages, each with r ≥ 1 replicas, Σr ≤ M.
/// The result's stages carry `replicas`; cuts has one entry per stage boundary.
/// The largest max_workers × num_layers that min_bottleneck_replicated accepts: its tables hold
/// (M + 1)(L + 1) entries, and the DP makes M·L²/2 bisections of about log₂ M steps (at most
/// about 2·10⁸ steps, at M = 1 and L = 20,000; 3·10⁵ at M = 20,000 and L = 1).
inline constexpr std::size_t max_replicated_work = 20'000;

/// The minimum-bottleneck plan with replication: stages of the one-worker problem, each served by up to max_workers identical replicas in total (max_workers × layers ≤ max_replicated_work). O(M·L²·log M).
inline partition_result min_bottleneck_replicated(const chain_problem& one_worker, std::size_t max_workers) {
  if (one_worker.num_workers() != 1) idn::reject("partition::min_bottleneck_replicated", "num_workers", static_cast<double>(one_worker.num_workers()), "replication needs exactly 1");
  if (max_workers < 1) idn::reject("partition::min_bottleneck_replicated", "max_workers", static_cast<double>(max_workers), "must be >= 1");
  // The DP takes O(M·L²·log M) steps and O(M·L) memory: refuse up front what would not finish.
  if (max_workers > max_replicated_work / one_worker.num_layers())
    idn::reject("partition::min_bottleneck_replicated", "max_workers", static_cast<double>(max_workers),
                 concat("max_workers * num_layers must be <= ", max_replicated_work, " (the DP is O(M L^2 log M) with O(M L) tables)").c_str());
  const std::size_t L = one_worker.num_layers(), M = max_workers, stride = L + 1;
  std::vector<double> A((M + 1) * stride, inf);
  std::vector<std::size_t> arg_i(A.size(), -1), arg_r(A.size(), 0);
  for (std::size_t m = 0; m <= M; ++m) A[m * stride] = 0;
  for (std::size_t m = 1; m <= M; ++m)
    for (std::size_t j = 1; j <= L; ++j) {
      double best = inf;
      for (std::size_t i = 0; i < j; ++i) {
        const double pi = one_worker.period(0, i, j);
        if (!(pi < inf)) continue;
        // min over r of max(A[m − r][i], π/r): the first term never decreases in r (fewer copies
        // left for the prefix), the second never increases (division is monotone), so the
        // minimum sits where they cross. Bisect for the first r with A[m − r][i] >= π/r; the
        // minimum is at r or r − 1. O(log m) instead of O(m).
        std::size_t lo = 1, hi = m + 1;
        while (lo < hi) {
          const std::size_t r = lo + (hi - lo) / 2;
          if (A[(m - r) * stride + i] >= pi / static_cast<double>(r)) hi = r;
          else lo = r + 1;
        }
        for (const std::size_t r : {lo - 1, lo}) {
          if (r < 1 || r > m) continue;
          const double v = std::max(A[(m - r) * stride + i], pi / static_cast<double>(r));
          if (v < best) best = v, arg_i[m * stride + j] = i, arg_r[m * stride + j] = r;
        }
      }
      A[m * stride + j] = best;
    }
  if (!(A[M * stride + L] < inf)) return {};
  std::vector<std::size_t> cuts{L};
  std::vector<int> reps;
  for (std::size_t m = M, j = L; j > 0;) {
    const std::size_t i = arg_i[m * stride + j], r = arg_r[m * stride + j];
    cuts.push_back(i), reps.push_back(static_cast<int>(r));
    m -= r, j = i;
  }
  std::reverse(cuts.begin(), cuts.end());
  std::reverse(reps.begin(), reps.end());
  return detail::evaluate_replicated(one_worker, cuts, reps);
}

/// Brute force over cut compositions × replica counts with Σr ≤ M (tests; small L and M).
inline partition_result brute_replicated(const chain_problem& one_worker, std::size_t max_workers) {
  if (one_worker.num_workers() != 1) idn::reject("partition::brute_replicated", "num_workers", static_cast<double>(one_worker.num_workers()), "replication needs exactly 1");
  const std::size_t L = one_worker.num_layers();
  partition_result best;
  std::vector<std::size_t> cuts{0};
  std::vector<int> reps;
  auto rec = [&](auto&& self, std::size_t at, std::size_t left) -> void {
    if (at == L) {
      partition_result r = detail::evaluate_replicated(one_worker, cuts, reps);
      if (r.status == solve_status::optimal && r.bottleneck_s < best.bottleneck_s) best = std::move(r);
      return;
    }
    for (std::size_t j = at + 1; j <= L; ++j)
      for (std::size_t r = 1; r <= left; ++r) {
        cuts.push_back(j), reps.push_back(static_cast<int>(r));
        self(self, j, left - r);
        cuts.pop_back(), reps.pop_back();
      }
  };
  rec(rec, 0, max_workers);
  return best;
}

}  // namespace idn::partition
