#pragma once
/// Partitioning baselines (docs/partition.md "Fluid proportional split", §4.5): equal layer
/// counts, everything on one worker, the water-filling fluid split of AR-MDI and its integer
/// rounding to cuts. Each returns a plan evaluated exactly like the solvers' plans.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>
#include <vector>

#include "idn/partition/chain.hpp"

namespace idn::partition {

/// Layer counts differing by at most one, the extra layers to the first workers. O(K).
template <chain_oracle O>
partition_result equal_split(const O& o) {
  const std::size_t K = o.num_workers(), L = o.num_layers();
  if (K < 1 || L < 1) idn::reject("partition::equal_split", "num_layers", static_cast<double>(L), "must be >= 1 with >= 1 worker");
  std::vector<std::size_t> cuts{0};
  for (std::size_t k = 0; k < K; ++k) cuts.push_back(cuts.back() + L / K + (k < L % K ? 1 : 0));
  return evaluate(o, std::span<const std::size_t>(cuts));
}

/// The whole chain on one worker (the others skipped). O(K).
template <chain_oracle O>
partition_result local_only(const O& o, std::size_t worker) {
  const std::size_t K = o.num_workers(), L = o.num_layers();
  if (worker >= K) idn::reject("partition::local_only", "worker", static_cast<double>(worker), concat("must lie in [0, ", K, ")"));
  std::vector<std::size_t> cuts(K + 1);
  for (std::size_t k = 0; k <= K; ++k) cuts[k] = k <= worker ? 0 : L;
  return evaluate(o, std::span<const std::size_t>(cuts));
}

/// The fluid split: stage time T* equal on every active worker, C_k = F_k(T* − τ_k), inactive
/// workers have τ_k ≥ T*.
struct fluid_allocation {
  double stage_time_s = 0;
  Eigen::VectorXd flop_share;
  std::vector<bool> active;
};

/// Water-filling: workers enter in ascending τ while τ_k < T* = (Σf + Σ_A F_k τ_k)/Σ_A F_k.
/// speeds finite > 0, comm finite ≥ 0, total finite ≥ 0. O(K log K).
inline fluid_allocation waterfill(std::span<const double> speed_flops, std::span<const double> comm_s, double total_flop) {
  const std::size_t K = speed_flops.size();
  if (K == 0) idn::reject("partition::waterfill", "speed_flops.size()", 0, "must be >= 1");
  if (comm_s.size() != K) idn::reject("partition::waterfill", "comm_s.size()", static_cast<double>(comm_s.size()), "must equal speed_flops.size()");
  for (std::size_t k = 0; k < K; ++k) {
    if (!std::isfinite(speed_flops[k]) || speed_flops[k] <= 0) idn::reject("partition::waterfill", concat("speed_flops[", k, "]"), speed_flops[k], "must be finite and > 0");
    check::finite_nonnegative_at("partition::waterfill", comm_s[k], "comm_s[", k, "]");
  }
  check::finite_nonnegative_at("partition::waterfill", total_flop, "total_flop");
  std::vector<std::size_t> order(K);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return comm_s[a] < comm_s[b]; });
  double sum_f = 0, sum_ft = 0, T = 0;
  std::size_t m = 0;
  while (m < K) {
    const std::size_t k = order[m];
    if (m > 0 && !(comm_s[k] < T)) break;
    sum_f += speed_flops[k], sum_ft += speed_flops[k] * comm_s[k];
    T = (total_flop + sum_ft) / sum_f;
    ++m;
  }
  fluid_allocation a;
  a.stage_time_s = T;
  a.flop_share = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(K));
  a.active.assign(K, false);
  for (std::size_t t = 0; t < m; ++t) {
    const std::size_t k = order[t];
    a.active[k] = true;
    a.flop_share[static_cast<Eigen::Index>(k)] = speed_flops[k] * (T - comm_s[k]);
  }
  return a;
}

/// comm_aware: τ_k = recv + send of the mean internal activation at worker k (else 0).
struct proportional_options {
  bool comm_aware = true;
};

/// AR-MDI-style proportional split: effective speeds F_k = Σf / Σ_l T(l, k), the water-filled
/// fluid shares, then b_k = argmin_{j ≥ b_{k−1}} |W(0, j) − Σ_{k'<k} C_k'| (ties to the earlier
/// cut). O(K·L).
inline partition_result proportional_split(const chain_problem& p, proportional_options opt = {}) {
  const std::size_t K = p.num_workers(), L = p.num_layers();
  const Eigen::VectorXd& f = p.profile().flop;
  const double total = f.sum();
  std::vector<double> F(static_cast<std::size_t>(K)), tau(static_cast<std::size_t>(K), 0.0);
  for (std::size_t k = 0; k < K; ++k) {
    const double t = p.time().col(k).sum();
    F[k] = t > 0 && total > 0 ? total / t : 1e300;  // a worker that takes no time is "infinitely" fast
    if (opt.comm_aware && L > 1) {
      double c = 0;
      for (std::size_t j = 1; j < L; ++j) c += p.down(k, j) + p.up(k, j);
      tau[k] = c / static_cast<double>(L - 1);
    }
  }
  const fluid_allocation a = waterfill(F, tau, total);
  std::vector<double> W(L + 1, 0.0);
  for (std::size_t l = 0; l < L; ++l) W[l + 1] = W[l] + f[l];
  std::vector<std::size_t> cuts{0};
  double target = 0;
  for (std::size_t k = 0; k + 1 < K; ++k) {
    target += a.flop_share[k];
    std::size_t best = cuts.back();
    for (std::size_t j = cuts.back(); j <= L; ++j)
      if (std::abs(W[j] - target) < std::abs(W[best] - target)) best = j;
    cuts.push_back(best);
  }
  cuts.push_back(L);
  return evaluate(p, std::span<const std::size_t>(cuts));
}

}  // namespace idn::partition
