#pragma once
/// Replica sizing for a latency percentile under general service times (docs/serve.md "Replicas
/// for general service times"): M/G/c with FCFS, Poisson arrivals and a service-time
/// distribution given by samples (measured inference times) or one value (deterministic, M/D/c).
///
/// Wait model (validated against idn::sim in tests/serve/test_general_sizing.cpp): with
/// a = λ·E[S], μ = 1/E[S], c_s² the squared coefficient of variation of S, C = Erlang C(c, a):
///   E[W] = c_s²·W_{M/M/c} + (1 − c_s²)·W_{M/D/c}   for c_s² ≤ 1 (W_{M/D/c}: Cosmetatos),
///   E[W] = W_{M/M/c}·(1 + c_s²)/2                  for c_s² > 1 (Allen–Cunneen);
///   θ > 0 solving λ·(E[e^{θS/c}] − 1) = θ           (the tail's decay rate: Cramér–Lundberg for
///                                                    one server c times faster, over the samples);
///   P(W > t) = p·e^{−θt}, p = min(1, θ·E[W])         (an exponential tail with the right mean);
/// and the response time T = W + S with S independent of W:
///   P(T > d) = mean over the samples s_i of P(W > d − s_i)   (P(W > t) = 1 for t < 0).
/// Exact for M/M/c's wait (θ = cμ − λ, p = C) and for the M/G/1 mean and decay rate; elsewhere an
/// approximation whose error the tests measure.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/serve/queueing.hpp"
#include "idn/serve/sizing.hpp"

namespace idn::serve {

/// A service-time distribution: sorted samples (seconds), their mean and squared coefficient of
/// variation. One sample = deterministic service.
class service_distribution {
public:
  /// Throws invalid_input naming the index and value of a sample that is not finite and > 0, or
  /// if there is none; the mean must be finite. O(n log n).
  explicit service_distribution(std::span<const double> samples) : samples_(samples.begin(), samples.end()) {
    if (samples_.empty()) idn::reject("serve::service_distribution", "service samples", 0, "must hold at least one value");
    for (std::size_t i = 0; i < samples_.size(); ++i)
      if (!(samples_[i] > 0) || !std::isfinite(samples_[i]))
        throw invalid_input(concat("idn::serve::service_distribution: samples[", i, "] = ", samples_[i], ": must be finite and > 0"));
    std::sort(samples_.begin(), samples_.end());
    double sum = 0;
    for (const double s : samples_) sum += s;
    mean_ = sum / static_cast<double>(samples_.size());
    if (!std::isfinite(mean_) || !std::isfinite(1 / mean_)) idn::reject("serve::service_distribution", "service mean", mean_, "must be finite with a finite reciprocal");
    double var = 0;
    for (const double s : samples_) var += (s - mean_) * (s - mean_);
    scv_ = var / static_cast<double>(samples_.size()) / (mean_ * mean_);
  }
  /// Deterministic service time s (M/D/c).
  static service_distribution deterministic(double s) { return service_distribution(std::span<const double>(&s, 1)); }

  /// The mean service time.
  double mean() const noexcept { return mean_; }
  /// Var[S]/E[S]² (0: deterministic, 1: exponential-like).
  double scv() const noexcept { return scv_; }
  /// The samples, as given.
  std::span<const double> samples() const noexcept { return samples_; }
  /// P(S > d), from the samples. O(log n).
  double tail(double d) const noexcept {
    return static_cast<double>(samples_.end() - std::upper_bound(samples_.begin(), samples_.end(), d)) / static_cast<double>(samples_.size());
  }

private:
  std::vector<double> samples_;
  double mean_ = 0, scv_ = 0;
};

namespace detail {

/// θ > 0 with λ·(mean_i e^{θ s_i / c} − 1) = θ, for ρ = λE[S]/c < 1 (the left side is convex with
/// slope ρ − 1 < 0 at 0, so the root is unique); bisection to 1e-12 relative. O(n·100).
inline double decay_rate(const service_distribution& s, double lambda, double c) noexcept {
  if (lambda == 0) return INFINITY;
  auto f = [&](double theta) {
    double m = 0;
    for (const double x : s.samples()) m += std::exp(theta * x / c);
    m /= static_cast<double>(s.samples().size());
    return std::isfinite(m) ? lambda * (m - 1) - theta : INFINITY;
  };
  double hi = c / s.samples().back();
  while (!(f(hi) > 0)) hi *= 2;
  double lo = 0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > 0 ? hi : lo) = mid;
  }
  return 0.5 * (lo + hi);
}

/// P(T > d) of the header's model given θ and E[W]; O(n).
inline double general_response_tail(const service_distribution& s, double theta, double mean_wait, double d) noexcept {
  const double p = mean_wait > 0 && std::isfinite(theta) ? std::min(1.0, theta * mean_wait) : 0.0;
  double sum = 0;
  for (const double x : s.samples()) {
    const double t = d - x;
    sum += t < 0 ? 1.0 : (p == 0 ? 0.0 : p * std::exp(-t * theta));
  }
  return sum / static_cast<double>(s.samples().size());
}

/// E[W] of the header's model from C, the M/M/c mean wait and the load; c ≥ 1, ρ = a/c ∈ (0, 1).
inline double general_mean_wait(double mmc_wait, double rho, double c, double scv) noexcept {
  if (mmc_wait == 0) return 0;
  const double mdc = 0.5 * mmc_wait * (1 + (1 - rho) * (c - 1) * (std::sqrt(4 + 5 * c) - 2) / (16 * rho * c));
  return scv <= 1 ? scv * mmc_wait + (1 - scv) * mdc : mmc_wait * (1 + scv) / 2;
}

}  // namespace detail

namespace detail {
/// The wait of the header's model at c replicas: its tail's decay rate θ and its mean E[W]
/// (λ = 0: no wait). Everything P(T > d) needs except d. O(c + 100·n).
struct wait_model {
  double theta, mean_wait;
};
inline wait_model model_wait(double lambda, const service_distribution& s, std::uint64_t c) {
  const double mu = 1 / s.mean();
  check_stable("serve::model_wait", lambda, mu, c);
  if (lambda == 0) return {INFINITY, 0};
  const mmc_metrics m = mmc(lambda, mu, c);
  const double cd = static_cast<double>(c);
  return {decay_rate(s, lambda, cd), general_mean_wait(m.mean_wait, m.utilization, cd, s.scv())};
}
}  // namespace detail

/// P(T > d) for c replicas at arrival rate λ (the header's model). λ ≥ 0 finite, a = λ·E[S] < c,
/// d ≥ 0 finite. O(c + 100·n).
inline double general_response_tail(double lambda, const service_distribution& s, std::uint64_t c, double d) {
  const detail::wait_model w = detail::model_wait(lambda, s, c);
  detail::check_time("serve::general_response_tail", d);
  return detail::general_response_tail(s, w.theta, w.mean_wait, d);
}

/// The q-quantile of T (smallest t with P(T > t) ≤ 1 − q), by bisection to 1e-9 relative; the
/// wait model is built once. Throws invalid_input if it exceeds the largest finite double.
/// O(c + 100·n + 60·n).
inline double general_response_quantile(double lambda, const service_distribution& s, std::uint64_t c, double q) {
  if (!(q > 0 && q < 1)) idn::reject("serve::general_response_quantile", "q", q, "must lie in (0, 1)");
  const detail::wait_model w = detail::model_wait(lambda, s, c);
  auto tail = [&](double t) { return detail::general_response_tail(s, w.theta, w.mean_wait, t); };
  // Gallop up from the largest sample (T ≥ S), saturating at DBL_MAX: a quantile beyond it is
  // an error, never +inf.
  double lo = 0, hi = s.samples().back();
  while (tail(hi) > 1 - q) {
    if (hi == DBL_MAX) idn::reject("serve::general_response_quantile", "q", q, "puts the response-time quantile beyond the largest finite double");
    lo = hi, hi = hi > DBL_MAX / 2 ? DBL_MAX : 2 * hi;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-9 * hi; ++i) {
    const double mid = lo + 0.5 * (hi - lo);  // lo + hi may overflow
    (tail(mid) > 1 - q ? lo : hi) = mid;
  }
  return hi;
}

/// c* = min{c > a : the SLO holds} under the header's model (percentile form: P(T > d) ≤ 1 − q;
/// mean form: E[W] + E[S] ≤ d), which falls with c (C and E[W] fall, θ grows; the tests check the
/// search against a linear scan). No finite c meets it iff P(S > d) ≥ 1 − q (mean form:
/// E[S] ≥ d): slo_below_service_time; a cap below c* is exceeds_max_replicas. Galloping search:
/// Erlang B stepped in O(1) per c up to the first checkpoint that meets the SLO (gaps doubling),
/// the model evaluated there (O(100·n)), then bisection of the last gap with Erlang B recomputed
/// (O(c*) each): O(c*·log c* + (100·n)·log c*) with c* ≤ min(max_replicas, 2a + 1100), a ≤
/// max_offered_load (checked).
inline sizing min_replicas(double lambda, const service_distribution& s, const slo& o, std::uint64_t max_replicas = 1'000'000) {
  const double mu = 1 / s.mean();
  detail::check_rates("serve::min_replicas", lambda, mu, 1, false);
  if (!(o.latency > 0) || !std::isfinite(o.latency)) idn::reject("serve::min_replicas", "slo.latency", o.latency, "must be finite and > 0");
  if (!o.on_mean && !(o.quantile > 0 && o.quantile < 1)) idn::reject("serve::min_replicas", "slo.quantile", o.quantile, "must lie in (0, 1)");
  if (max_replicas == 0) idn::reject("serve::min_replicas", "max_replicas", 0, "must be >= 1");
  const double d = o.latency, a = lambda / mu, target = 1 - o.quantile;
  const double floor_value = o.on_mean ? s.mean() : s.tail(d);  // what infinitely many replicas achieve
  if (o.on_mean ? floor_value >= d : floor_value >= target) return {idn::solve_status::infeasible, sizing_limit::slo_below_service_time, 0, 0, floor_value};
  const double cap = static_cast<double>(max_replicas);
  if (!(a < cap)) return {idn::solve_status::infeasible, sizing_limit::exceeds_max_replicas, max_replicas, a / cap, o.on_mean ? INFINITY : 1.0};
  detail::check_rates("serve::min_replicas", lambda, mu, 1);
  // The modelled value at c replicas given B = Erlang B(c, a).
  auto evaluate = [&](std::uint64_t c, double B) {
    const double cd = static_cast<double>(c), C = std::min(1.0, std::max(0.0, cd * B / (cd - a * (1 - B))));
    const double mmc_wait = C / (cd * mu - lambda);
    const double w = detail::general_mean_wait(mmc_wait, a / cd, cd, s.scv());
    const double v = o.on_mean ? w + s.mean() : detail::general_response_tail(s, detail::decay_rate(s, lambda, cd), w, d);
    if (!std::isfinite(v)) idn::reject("serve::min_replicas", "lambda", lambda, "is too close to the service rate: the mean wait overflows");
    return v;
  };
  auto meets = [&](double v) { return o.on_mean ? v <= d : v <= target; };
  // Gallop: evaluate at c0, c0 + 1, c0 + 3, c0 + 7, … (gaps doubling, the cap always checked),
  // stepping Erlang B in O(1) per c between checkpoints; then bisect the last gap.
  const std::uint64_t c0 = static_cast<std::uint64_t>(std::floor(a)) + 1;
  std::uint64_t c = c0, next = c0, gap = 1, last_bad = c0 - 1;
  double B = erlang_b(c0, a), achieved = 0;
  while (true) {
    if (c == next || c == max_replicas) {
      achieved = evaluate(c, B);
      if (meets(achieved)) break;
      if (c == max_replicas) return {idn::solve_status::infeasible, sizing_limit::exceeds_max_replicas, max_replicas, a / static_cast<double>(max_replicas), achieved};
      last_bad = c;
      next = max_replicas - c > gap ? c + gap : max_replicas;
      gap = gap > max_replicas ? gap : 2 * gap;
    }
    ++c;
    B = a * B / (static_cast<double>(c) + a * B);
  }
  std::uint64_t lo = last_bad, hi = c;  // lo fails (or is c0 − 1), hi meets the SLO
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    const double v = evaluate(mid, erlang_b(mid, a));
    if (meets(v)) hi = mid, achieved = v;
    else lo = mid;
  }
  return {idn::solve_status::optimal, sizing_limit::none, hi, a / static_cast<double>(hi), achieved};
}

}  // namespace idn::serve
