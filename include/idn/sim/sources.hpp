#pragma once
/// Arrival sources: Poisson (gaps −ln(1−U)/λ with U = idn::uniform01), periodic
/// (t_j = phase + j·period) and trace replay. Each calls OnArrival(k) for the k-th arrival
/// (k = 0, 1, ...) at its time. Sources own their generator, so equal seeds give identical runs.
/// They capture `this` in events: not copyable or movable; they must outlive the run.
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"

namespace idn::sim {

/// Poisson arrivals of rate λ on [start, stop).
template <class OnArrival, std::uniform_random_bit_generator G = idn::rng>
class poisson_source {
public:
  /// Arrivals at rate (finite, > 0) per second from `start` until before `stop`, drawn from g.
  poisson_source(simulator& sim, double rate, G g, OnArrival on_arrival, double start = 0,
                 double stop = INFINITY)
      : sim_(sim), rate_(rate), g_(std::move(g)), f_(std::move(on_arrival)), stop_(stop) {
    check::finite_positive("idn::sim::poisson_source: rate", rate);
    check::finite("idn::sim::poisson_source: start", start);
    if (start < sim.now()) check::fail("idn::sim::poisson_source: start", start, concat("must be >= now = ", sim.now()));
    if (std::isnan(stop)) check::fail("idn::sim::poisson_source: stop", stop, "must not be NaN");
    schedule_from(start);
  }
  poisson_source(const poisson_source&) = delete;
  poisson_source& operator=(const poisson_source&) = delete;

  /// Arrivals fired so far.
  std::uint64_t arrivals() const noexcept { return k_; }

private:
  void schedule_from(double t) {
    const double next = t + idn::standard_exponential(g_) / rate_;
    if (next < stop_) sim_.schedule_at(next, [this] { fire(); });
  }
  void fire() {
    const double t = sim_.now();
    f_(k_++);
    schedule_from(t);
  }
  simulator& sim_;
  double rate_;
  G g_;
  OnArrival f_;
  double stop_;
  std::uint64_t k_ = 0;
};

/// Arrivals at phase + j·period for j = 0, 1, ... while < stop.
template <class OnArrival>
class periodic_source {
public:
  /// Arrivals at phase + j·period (period finite, > 0; phase ≥ now) while before stop.
  periodic_source(simulator& sim, double period, double phase, OnArrival on_arrival, double stop = INFINITY)
      : sim_(sim), period_(period), phase_(phase), f_(std::move(on_arrival)), stop_(stop) {
    check::finite_positive("idn::sim::periodic_source: period", period);
    check::finite("idn::sim::periodic_source: phase", phase);
    if (!(phase + period > phase))  // aggregate rule: else every arrival happens at `phase`, forever
      check::fail("idn::sim::periodic_source: period", period, concat("must exceed half an ulp of phase = ", phase, " (phase + period == phase)"));
    if (phase < sim.now()) check::fail("idn::sim::periodic_source: phase", phase, concat("must be >= now = ", sim.now()));
    if (std::isnan(stop)) check::fail("idn::sim::periodic_source: stop", stop, "must not be NaN");
    schedule();
  }
  periodic_source(const periodic_source&) = delete;
  periodic_source& operator=(const periodic_source&) = delete;

private:
  void schedule() {
    const double t = phase_ + static_cast<double>(k_) * period_;
    if (t < stop_) sim_.schedule_at(t, [this] { fire(); });
  }
  void fire() {
    f_(k_++);
    schedule();
  }
  simulator& sim_;
  double period_, phase_;
  OnArrival f_;
  double stop_;
  std::uint64_t k_ = 0;
};

/// Replays a copy of `times` (finite, non-decreasing, >= now()).
template <class OnArrival>
class trace_source {
public:
  /// Arrivals at the given times (finite, non-decreasing, ≥ now); the span must outlive the run.
  trace_source(simulator& sim, std::span<const double> times, OnArrival on_arrival)
      : sim_(sim), times_(times.begin(), times.end()), f_(std::move(on_arrival)) {
    for (std::size_t i = 0; i < times_.size(); ++i) {
      if (!std::isfinite(times_[i])) check::fail(concat("idn::sim::trace_source: times[", i) + "]", times_[i], "must be finite");
      if (i > 0 && times_[i] < times_[i - 1])
        reject("sim::trace_source", concat("times[", i, "]"), times_[i], concat("must be >= times[", i - 1, "] = ", times_[i - 1]));
    }
    if (!times_.empty() && times_.front() < sim.now())
      reject("sim::trace_source", "times[0]", times_.front(), concat("must be >= now = ", sim.now()));
    schedule();
  }
  trace_source(const trace_source&) = delete;
  trace_source& operator=(const trace_source&) = delete;

private:
  void schedule() {
    if (k_ < times_.size()) sim_.schedule_at(times_[k_], [this] { fire(); });
  }
  void fire() {
    f_(k_++);
    schedule();
  }
  simulator& sim_;
  std::vector<double> times_;
  OnArrival f_;
  std::uint64_t k_ = 0;
};

}  // namespace idn::sim
