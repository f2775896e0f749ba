#pragma once
/// InferLine-style planning of one inference stage (docs/serve.md "Batch and replica planning"):
/// the cheapest (maximum batch size, replicas) configuration whose simulated latency quantile
/// meets the SLO, with measured per-batch service times. As in InferLine (Crankshaw et al.,
/// SoCC 2020), the estimator that checks a configuration is a discrete-event simulation driven by
/// the profiled latencies, here on idn::sim:
///   - Poisson items at rate λ join one FIFO queue in front of c identical replicas;
///   - dynamic batching (Clipper, InferLine): a replica that is idle when an item arrives, or that
///     finishes a batch while items wait, takes min(queued, B) items at once;
///   - a batch of b items takes a service time drawn uniformly from the samples measured at the
///     smallest profiled batch size >= b (conservative between profiled sizes);
///   - an item's latency is its departure minus its arrival; the first 10 % of the items are
///     discarded as warm-up.
/// The planner tries every profiled B; for each, replicas from the stability bound
/// ⌊λ·E[t(B)]/B⌋ + 1 up while the simulated quantile misses the SLO (at most max_replicas); the
/// plan is the fewest replicas × cost_per_replica, ties to the smaller B (lower latency).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/serve/sizing.hpp"
#include "idn/sim/simulator.hpp"

namespace idn::serve {

/// Measured seconds per batch by batch size (read_batch_service_times gives one per model).
class batch_latency_profile {
public:
  /// Throws invalid_input naming the batch and index of a sample that is not finite and > 0, a
  /// batch size 0, an empty sample list, or an empty profile. O(total samples).
  explicit batch_latency_profile(const std::map<std::uint32_t, std::vector<double>>& by_batch) {
    if (by_batch.empty()) reject("serve::batch_latency_profile", "by_batch.size()", 0, "must be >= 1");
    for (const auto& [b, samples] : by_batch) {
      if (b == 0) reject("serve::batch_latency_profile", "batch size", 0, "must be >= 1");
      if (samples.empty()) reject("serve::batch_latency_profile", concat("by_batch[", b, "].size()"), 0, "must be >= 1");
      double sum = 0;
      for (std::size_t i = 0; i < samples.size(); ++i) {
        if (!(samples[i] > 0) || !std::isfinite(samples[i]))
          reject("serve::batch_latency_profile", concat("by_batch[", b, "][", i, "]"), samples[i], "must be finite and > 0");
        sum += samples[i];
      }
      if (!std::isfinite(sum)) reject("serve::batch_latency_profile", concat("sum of by_batch[", b, "]"), sum, "must be finite (the sum overflows)");
      sizes_.push_back(b), samples_.push_back(samples), means_.push_back(sum / static_cast<double>(samples.size()));
    }
  }
  /// The profiled batch sizes, increasing.
  std::span<const std::uint32_t> sizes() const noexcept { return sizes_; }
  /// Position of the smallest profiled size >= b (b ≤ the largest size). O(log sizes).
  std::size_t slot(std::uint32_t b) const noexcept { return static_cast<std::size_t>(std::lower_bound(sizes_.begin(), sizes_.end(), b) - sizes_.begin()); }
  /// The measured times of the batch size at `slot`.
  std::span<const double> samples_at(std::size_t slot) const noexcept { return samples_[slot]; }
  /// Their mean.
  double mean_at(std::size_t slot) const noexcept { return means_[slot]; }
  /// The smallest mean over the batch sizes. O(sizes).
  double shortest_mean() const noexcept { return *std::min_element(means_.begin(), means_.end()); }

private:
  std::vector<std::uint32_t> sizes_;
  std::vector<std::vector<double>> samples_;
  std::vector<double> means_;
};

/// A batched stage's configuration: the largest batch and the replica count.
struct stage_config {
  std::uint32_t max_batch = 1;
  std::uint64_t replicas = 1;
};
/// What the estimator saw: the latency quantile asked for, the mean, items per second served,
/// and the mean batch size.
struct stage_estimate {
  double quantile_latency = 0, mean_latency = 0, throughput = 0, mean_batch = 0;
};

namespace detail {
/// The estimator's event logic on idn::sim (every event captures only `this`).
class batched_stage_sim {
public:
  batched_stage_sim(double rate, const batch_latency_profile& profile, std::uint32_t max_batch, std::uint64_t replicas, std::uint64_t items, std::uint64_t seed)
      : profile_(profile), rate_(rate), max_batch_(max_batch), idle_(replicas), items_(items), warmup_(items / 10), arrivals_(seed),
        service_(seed ^ 0x9e3779b97f4a7c15ULL) {
    latency_.reserve(static_cast<std::size_t>(items - warmup_));
    schedule_arrival();
    sim_.run();
  }
  stage_estimate result(double q) {
    stage_estimate e;
    const std::size_t n = latency_.size();
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
    const auto kth = latency_.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
    std::nth_element(latency_.begin(), kth, latency_.end());  // nearest rank, O(n)
    e.quantile_latency = *kth;
    e.mean_latency = sum_ / static_cast<double>(n);
    e.throughput = last_departure_ > first_counted_ ? static_cast<double>(n) / (last_departure_ - first_counted_) : 0;
    e.mean_batch = static_cast<double>(batched_items_) / static_cast<double>(batches_);
    return e;
  }

private:
  void schedule_arrival() { sim_.schedule_in(standard_exponential(arrivals_) / rate_, [this] { arrive(); }); }
  void arrive() {
    queue_.push_back({sim_.now(), arrived_++});
    if (idle_ > 0) start_batch();
    if (arrived_ < items_) schedule_arrival();
  }
  /// Takes min(queued, B) items; their latencies are known now (FIFO, finish time drawn).
  void start_batch() {
    const std::uint64_t b = std::min<std::uint64_t>(queue_.size(), max_batch_);
    const std::span<const double> t = profile_.samples_at(profile_.slot(static_cast<std::uint32_t>(b)));
    const double finish = sim_.now() + t[uniform_index(t.size(), service_)];
    for (std::uint64_t i = 0; i < b; ++i) {
      const auto [arrival, id] = queue_.front();
      queue_.pop_front();
      if (id < warmup_) continue;
      if (latency_.empty()) first_counted_ = arrival;
      latency_.push_back(finish - arrival), sum_ += finish - arrival;
    }
    --idle_, ++batches_, batched_items_ += b, last_departure_ = std::max(last_departure_, finish);
    sim_.schedule_at(finish, [this] { finish_batch(); });
  }
  void finish_batch() {
    ++idle_;
    if (!queue_.empty()) start_batch();
  }

  const batch_latency_profile& profile_;
  double rate_;
  std::uint32_t max_batch_;
  std::uint64_t idle_, items_, warmup_, arrived_ = 0, batches_ = 0, batched_items_ = 0;
  idn::rng arrivals_, service_;
  sim::simulator sim_;
  std::deque<std::pair<double, std::uint64_t>> queue_;  // (arrival time, arrival index)
  std::vector<double> latency_;
  double sum_ = 0, first_counted_ = 0, last_departure_ = 0;
};
}  // namespace detail

/// Simulates the stage (header's model) for `items` Poisson items at `rate`. Throws
/// invalid_input for a rate that is not finite and > 0, max_batch above the largest profiled
/// size or 0, replicas 0 or above 2^20, items outside [1000, 10⁸], q outside (0, 1], a load at
/// or above the configuration's capacity c·B/E[t(B)] (no steady state), or a batch size whose
/// mean service time is below 2.2e-10 of the horizon items/λ (latencies would round away on a
/// double clock). O(items·log replicas) time, O(items) memory.
inline stage_estimate simulate_batched_stage(double rate, const batch_latency_profile& profile, const stage_config& config, double q, std::uint64_t items, std::uint64_t seed) {
  if (!(rate > 0) || !std::isfinite(rate)) throw invalid_input(concat("idn::serve::simulate_batched_stage: rate = ", rate, ": must be finite and > 0"));
  if (config.max_batch == 0 || config.max_batch > profile.sizes().back())
    throw invalid_input(concat("idn::serve::simulate_batched_stage: max_batch = ", config.max_batch, ": must lie in [1, ", profile.sizes().back(), "]"));
  if (config.replicas == 0 || config.replicas > (1u << 20))
    throw invalid_input(concat("idn::serve::simulate_batched_stage: replicas = ", config.replicas, ": must lie in [1, 2^20]"));
  if (items < 1000 || items > 100'000'000)  // the latencies are kept for the quantile: 8 bytes each
    throw invalid_input(concat("idn::serve::simulate_batched_stage: items = ", items, ": must lie in [1000, 1e8]"));
  if (!(q > 0 && q <= 1)) throw invalid_input(concat("idn::serve::simulate_batched_stage: q = ", q, ": must lie in (0, 1]"));
  // Latencies are differences of absolute times up to the horizon items/λ: every batch size's
  // mean service time must stay resolvable there (relative error <= 1e-6), or latencies would
  // silently round.
  const double horizon = static_cast<double>(items) / rate;
  if (!(profile.shortest_mean() >= horizon * 0x1p-52 * 1e6))
    reject("serve::simulate_batched_stage", "profile.shortest_mean()", profile.shortest_mean(),
           concat("must be >= 2^-52 * 1e6 of the horizon items / rate = ", horizon, " s (else a double-precision clock cannot resolve it)"));
  const std::size_t full = profile.slot(config.max_batch);
  const double capacity = static_cast<double>(config.replicas) * config.max_batch / profile.mean_at(full);
  if (!(rate < capacity))
    reject("serve::simulate_batched_stage", "rate", rate, concat("must be below the capacity ", capacity, " items/s of ", config.replicas, " replicas at batch ", config.max_batch));
  detail::batched_stage_sim run(rate, profile, config.max_batch, config.replicas, items, seed);
  return run.result(q);
}

/// plan_batched_stage's knobs: replica cap, price per replica, simulated items and seed.
struct batch_plan_options {
  std::uint64_t max_replicas = 64;
  double cost_per_replica = 1;
  std::uint64_t items = 60'000;  ///< per simulated configuration
  std::uint64_t seed = 1;
};
/// One configuration the planner simulated.
struct batch_plan_row {
  stage_config config;
  stage_estimate estimate;
  bool meets = false;
};
/// plan_batched_stage's outcome: status, the plan and its cost and estimate, and every configuration it simulated.
struct batch_plan {
  solve_status status = solve_status::infeasible;  ///< optimal: the cheapest (batch, replicas) whose simulated estimate meets the SLO
  sizing_limit limit = sizing_limit::exceeds_max_replicas;
  stage_config config;  ///< the plan (valid if status == optimal)
  double cost = 0;
  stage_estimate estimate;
  std::vector<batch_plan_row> considered;  ///< every simulated configuration, in search order
};

/// The cheapest configuration meeting `target` (quantile form: the simulated q-quantile ≤
/// latency; mean form: the simulated mean ≤ latency) under the header's model.
/// slo_below_service_time if even the fastest profiled batch time exceeds the SLO at every size;
/// exceeds_max_replicas if no B meets it within max_replicas. Throws invalid_input for a bad
/// rate, SLO or options. O(Σ_B (replicas tried)·items·log replicas).
inline batch_plan plan_batched_stage(double rate, const batch_latency_profile& profile, const slo& target, const batch_plan_options& o = {}) {
  if (!(rate > 0) || !std::isfinite(rate)) throw invalid_input(concat("idn::serve::plan_batched_stage: rate = ", rate, ": must be finite and > 0"));
  if (!(target.latency > 0) || !std::isfinite(target.latency))
    throw invalid_input(concat("idn::serve::plan_batched_stage: slo.latency = ", target.latency, ": must be finite and > 0"));
  if (!target.on_mean && !(target.quantile > 0 && target.quantile < 1))
    throw invalid_input(concat("idn::serve::plan_batched_stage: slo.quantile = ", target.quantile, ": must lie in (0, 1)"));
  if (o.max_replicas == 0 || o.max_replicas > (1u << 20))
    throw invalid_input(concat("idn::serve::plan_batched_stage: max_replicas = ", o.max_replicas, ": must lie in [1, 2^20]"));
  if (!(o.cost_per_replica > 0) || !std::isfinite(o.cost_per_replica))
    throw invalid_input(concat("idn::serve::plan_batched_stage: cost_per_replica = ", o.cost_per_replica, ": must be finite and > 0"));
  batch_plan plan;
  bool any_fast_enough = false;
  for (const std::uint32_t B : profile.sizes()) {
    const std::size_t slot = profile.slot(B);
    const std::span<const double> t = profile.samples_at(slot);
    if (*std::min_element(t.begin(), t.end()) > target.latency) continue;  // no replica count helps this B
    any_fast_enough = true;
    const double per_replica = B / profile.mean_at(slot);
    std::uint64_t c = static_cast<std::uint64_t>(std::floor(rate / per_replica)) + 1;
    for (; c <= o.max_replicas; ++c) {
      if (plan.status == idn::solve_status::optimal && static_cast<double>(c) * o.cost_per_replica >= plan.cost) break;  // cannot beat the plan
      const stage_config cfg{B, c};
      const stage_estimate e = simulate_batched_stage(rate, profile, cfg, target.on_mean ? 0.5 : target.quantile, o.items, o.seed);
      const bool meets = (target.on_mean ? e.mean_latency : e.quantile_latency) <= target.latency;
      plan.considered.push_back({cfg, e, meets});
      if (meets) {
        plan.status = solve_status::optimal, plan.limit = sizing_limit::none, plan.config = cfg, plan.cost = static_cast<double>(c) * o.cost_per_replica, plan.estimate = e;
        break;
      }
    }
  }
  if (!any_fast_enough) plan.limit = sizing_limit::slo_below_service_time;
  return plan;
}

}  // namespace idn::serve
