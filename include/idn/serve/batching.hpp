#pragma once
/// Batched serving (docs/serve.md "Batching"): a replica serves batches of B items in t(B)
/// seconds, so its capacity is μ(B) = B/t(B) items/s. For Poisson items at rate λ and a fixed B,
/// the mean item latency is the batch-formation wait (B − 1)/(2λ) (0 when clients form batches)
/// + the Allen–Cunneen queueing wait of batches (arrival SCV 1/B, or 1 for client batches) + t(B).
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/solve_status.hpp"
#include "idn/serve/queueing.hpp"

namespace idn::serve {

/// t(b) = fixed + per_item·b seconds.
struct affine_batch_latency {
  double fixed = 0, per_item = 0;
  /// t(b) in seconds.
  double operator()(std::uint32_t b) const noexcept { return fixed + per_item * b; }
};
/// batching_table's knobs: whether clients send whole batches, and the service-time variability.
struct batching_options {
  bool client_formed = false;  ///< clients send whole batches (no formation wait; batch arrivals Poisson)
  double service_scv = 0;      ///< squared coefficient of variation of t(B) (0: deterministic)
};
/// One batch size: t(B), capacity per replica (items/s), utilization, mean item latency (+inf if
/// unstable), and `status`: feasible, or unstable when the batch arrival rate reaches the capacity.
struct batch_row {
  std::uint32_t batch;
  double batch_seconds, capacity, utilization, mean_latency;
  solve_status status;
};

/// The batching trade-off table for `replicas` replicas at item rate λ. F: double(uint32_t),
/// seconds per batch, checked finite and > 0. O(|batches|·c).
template <class F>
std::vector<batch_row> batching_table(double item_rate, std::uint64_t replicas, F batch_latency, std::span<const std::uint32_t> batches,
                                      const batching_options& o = {}) {
  if (!(item_rate > 0) || !std::isfinite(item_rate)) idn::reject("serve::batching_table", "item_rate", item_rate, "must be finite and > 0");
  if (replicas == 0) idn::reject("serve::batching_table", "replicas", 0, "must be >= 1");
  if (!(o.service_scv >= 0) || !std::isfinite(o.service_scv)) idn::reject("serve::batching_table", "service_scv", o.service_scv, "must be finite and >= 0");
  std::vector<batch_row> rows;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const std::uint32_t B = batches[i];
    if (B == 0) idn::reject("serve::batching_table", concat("batches[", i, "]"), 0, "must be >= 1");
    const double t = batch_latency(B);
    if (!(t > 0) || !std::isfinite(t)) idn::reject("serve::batching_table", concat("batch_latency(", B, ")"), t, "must be finite and > 0");
    const double lb = item_rate / B, mu = 1 / t, c = static_cast<double>(replicas);
    batch_row r{B, t, B / t, lb / (c * mu), INFINITY, lb / mu < c ? solve_status::feasible : solve_status::unstable};
    if (r.status == solve_status::feasible) {
      const double formation = o.client_formed ? 0.0 : (B - 1) / (2 * item_rate);
      const double ca2 = o.client_formed ? 1.0 : 1.0 / B;
      r.mean_latency = formation + ggc_mean_wait(lb, mu, replicas, ca2, o.service_scv) + t;
    }
    rows.push_back(r);
  }
  return rows;
}

}  // namespace idn::serve
