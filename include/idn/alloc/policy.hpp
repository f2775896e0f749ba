#pragma once
/// What one slot of an online allocation policy reports (slot_metrics) and the allocation_policy
/// concept that INFIDA, the baselines and user policies model (docs/alloc.md, "Writing your own
/// policy", clauses A1-A4).
#include <concepts>
#include <cstddef>

#include <Eigen/Dense>

#include "idn/alloc/network.hpp"

namespace idn::alloc {

/// Per-slot metrics of (y^t, x^t) and the churn x^t → x^{t+1}.
struct slot_metrics {
  double fractional_gain = 0, integral_gain = 0, repository_cost = 0;  ///< L(y^t), G(x^t), C(ω)
  std::size_t loads = 0, unloads = 0;
  double loaded_bytes = 0;
  double reconfiguration_cost = 0;  ///< Σ load_cost over the loads x^t → x^{t+1}
  /// G(x^t) minus this slot's reconfiguration cost: what the slot earned after paying for loads.
  double net_gain() const noexcept { return integral_gain - reconfiguration_cost; }
  double budget_excess_bytes = 0;  ///< bernoulli overflow
  std::size_t repairs = 0;         ///< round-off repairs
};

/// An online allocation policy over one validated instance.
/// (A1) step(b) plays one slot: it scores the allocation x^t in force against the batch b (made
///      by make_batch for the policy's own instance; a batch of another instance is rejected with
///      invalid_input), then moves to x^{t+1}; it returns that slot's
///      slot_metrics (integral_gain = G(x^t); loads, unloads and reconfiguration_cost describe
///      x^t → x^{t+1}; fractional_gain is the policy's relaxation, or integral_gain if it has none).
/// (A2) allocation() is x^t, the allocation the next step() is scored on: one entry per variable
///      of the instance (instance::num_vars()), each 0 or 1, within every node's memory budget
///      (a policy that rounds randomly may overshoot by budget_excess_bytes and says so).
/// (A3) Before the first step(), allocation() is x¹, what the policy installs at the start (a
///      randomly rounding policy reports budget overshoots from its first step on, not x¹'s).
/// (A4) Deterministic given its construction (seed included): the same batches give the same
///      metrics, on every platform.
/// tests/static/alloc_archetypes.cpp holds a minimal model.
template <class P>
concept allocation_policy = requires(P p, const batch& b) {
  { p.step(b) } -> std::same_as<slot_metrics>;
  { p.allocation() } -> std::convertible_to<const Eigen::VectorXd&>;
};

}  // namespace idn::alloc
