#pragma once
/// Output statistics: Welford sample moments with nearest-rank quantiles, time-weighted
/// averages, and batch means with a standard error (docs/sim.md "Simulation").
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::sim {

/// Welford mean and unbiased variance, min/max, and the samples for quantiles.
class sample_stats {
public:
  /// Empty, with room for `reserve` samples.
  explicit sample_stats(std::size_t reserve = 0) { samples_.reserve(reserve); }

  /// Adds x. O(1) amortized; allocates only when the sample buffer grows past its reserve.
  void add(double x) {
    ++n_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
    samples_.push_back(x);
    sorted_valid_ = false;
  }
  /// Forgets every sample (keeps the storage).
  void clear() noexcept {
    n_ = 0;
    mean_ = m2_ = 0;
    min_ = std::numeric_limits<double>::infinity();
    max_ = -std::numeric_limits<double>::infinity();
    samples_.clear();
    sorted_valid_ = false;
  }
  /// Samples added.
  std::uint64_t count() const noexcept { return n_; }
  /// Mean; 0 when empty.
  double mean() const noexcept { return mean_; }
  /// Unbiased variance; 0 with fewer than 2 samples.
  double variance() const noexcept { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  /// The smallest sample (+inf when empty).
  double min() const noexcept { return min_; }
  /// The largest sample (−inf when empty).
  double max() const noexcept { return max_; }
  /// Nearest-rank quantile x_(⌈q n⌉) for q ∈ (0, 1]; q = 0 gives the minimum. Sorts a cached
  /// copy lazily (O(n log n) after an add, O(1) otherwise). Throws on q ∉ [0,1] or no samples.
  double quantile(double q) const {
    if (!(q >= 0 && q <= 1)) reject("sim::sample_stats::quantile", "q", q, "must lie in [0, 1]");
    if (n_ == 0) reject("sim::sample_stats::quantile", "samples.size()", 0, "must be >= 1");
    if (!sorted_valid_) {
      sorted_.assign(samples_.begin(), samples_.end());
      std::sort(sorted_.begin(), sorted_.end());
      sorted_valid_ = true;
    }
    if (q == 0) return sorted_.front();
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n_)));
    rank = std::clamp<std::size_t>(rank, 1, sorted_.size());
    return sorted_[rank - 1];
  }
  /// Every sample in insertion order.
  std::span<const double> samples() const noexcept { return samples_; }

private:
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0;
  double min_ = std::numeric_limits<double>::infinity(), max_ = -std::numeric_limits<double>::infinity();
  std::vector<double> samples_;
  mutable std::vector<double> sorted_;
  mutable bool sorted_valid_ = false;
};

/// The time average ∫ level dt / (t − t0) of a piecewise-constant level.
class time_weighted {
public:
  /// Starts at time t0 with the given level.
  explicit time_weighted(double t0 = 0, double level = 0) noexcept : t0_(t0), last_(t0), level_(level), max_(level) {}

  /// The level changes to `level` at time t (t >= the previous change). O(1).
  void set(double t, double level) {
    if (!(t >= last_))
      reject("sim::time_weighted::set", "t", t, concat("must be >= the last change ", last_));
    const double area = area_ + level_ * (t - last_);
    if (!std::isfinite(area))  // aggregate rule (docs/reliability.md): levels × times beyond double's range
      reject("sim::time_weighted::set", "t", t, concat("the area (integral of level dt) overflows at level ", level_));
    area_ = area;
    last_ = t;
    level_ = level;
    max_ = std::max(max_, level);
  }
  /// Average over [t0, t_now]; the current level when t_now == t0. Throws if t_now < last change.
  double mean(double t_now) const {
    if (!(t_now >= last_))
      reject("sim::time_weighted::mean", "t_now", t_now, concat("must be >= the last change ", last_));
    if (t_now == t0_) return level_;
    const double area = area_ + level_ * (t_now - last_);
    if (!std::isfinite(area))
      reject("sim::time_weighted::mean", "t_now", t_now, concat("the area (integral of level dt) overflows at level ", level_));
    return area / (t_now - t0_);
  }
  /// The highest level seen.
  double max_level() const noexcept { return max_; }
  /// The current level.
  double level() const noexcept { return level_; }
  /// Restarts the average at t (e.g. after warm-up), keeping the current level.
  void reset(double t) {
    set(t, level_);
    t0_ = t;
    area_ = 0;
    max_ = level_;
  }

private:
  double t0_, last_, level_, max_;
  double area_ = 0;
};

/// The batch-means estimate of a steady-state mean and its confidence half-width.
struct batch_means_result {
  double mean = 0, std_error = 0;
  std::size_t batches = 0;
};

/// Batch means: drops the first n mod b samples, averages b consecutive batches, and reports
/// SE = sd(batch means)/√b. Throws with fewer than 2 batches or fewer samples than batches. O(n).
inline batch_means_result batch_means(std::span<const double> samples, std::size_t batches = 32) {
  if (batches < 2) reject("sim::batch_means", "batches", batches, "must be >= 2");
  if (samples.size() < batches)
    reject("sim::batch_means", "samples.size()", samples.size(), concat("must be >= batches = ", batches));
  const std::size_t size = samples.size() / batches, skip = samples.size() % batches;
  double mean = 0, m2 = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    double s = 0;
    for (std::size_t i = 0; i < size; ++i) s += samples[skip + b * size + i];
    const double x = s / static_cast<double>(size);
    const double d = x - mean;
    mean += d / static_cast<double>(b + 1);
    m2 += d * (x - mean);
  }
  const double var = m2 / static_cast<double>(batches - 1);
  return {mean, std::sqrt(var / static_cast<double>(batches)), batches};
}

}  // namespace idn::sim
