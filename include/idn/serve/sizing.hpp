#pragma once
/// Replica sizing for a latency SLO (docs/serve.md): the fewest M/M/c servers meeting a
/// percentile or mean SLO (with an explicit "no finite number of replicas meets it" status),
/// Halfin–Whitt square-root staffing, and the tandem-tier mean-latency allocation by marginal
/// analysis (optimal by convexity, Dyer–Proll).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <queue>
#include <span>
#include <vector>

#include "idn/core/solve_status.hpp"
#include "idn/serve/queueing.hpp"

namespace idn::serve {

using idn::solve_status;

/// P(T > latency) ≤ 1 − quantile, or E[T] ≤ latency when on_mean.
struct slo {
  double latency = 0;
  double quantile = 0.99;
  bool on_mean = false;
};
/// Why a sizing is infeasible: no replica count meets the SLO (it is below the service time
/// itself), or the count that meets it exceeds max_replicas. none when the sizing is optimal.
enum class sizing_limit : std::uint8_t { none, slo_below_service_time, exceeds_max_replicas };
/// The enumerator's name ("none", "slo_below_service_time", "exceeds_max_replicas").
constexpr const char* to_string(sizing_limit s) noexcept {
  switch (s) {
    case sizing_limit::none: return "none";
    case sizing_limit::slo_below_service_time: return "slo_below_service_time";
    case sizing_limit::exceeds_max_replicas: return "exceeds_max_replicas";
  }
  return "unknown";
}
/// replicas: c* (or the cap); utilization a/c; achieved: P(T > d) or E[T] at `replicas`. When the
/// cap itself is unstable (a ≥ max_replicas) the queue grows without bound: achieved is then 1
/// (percentile form) or +inf (mean form), the one documented non-finite value, and utilization
/// is a/c > 1.
/// status: optimal (replicas = c*, the fewest that meet the SLO) or infeasible (limit says why).
struct sizing {
  solve_status status;
  sizing_limit limit;
  std::uint64_t replicas;
  double utilization, achieved;
};

/// c* = min{c > a : the SLO holds}. No finite c meets it iff e^{−μd} ≥ 1 − q (mean form: 1/μ ≥ d);
/// that is reported as slo_below_service_time, a cap below c* as exceeds_max_replicas. The SLO
/// value falls with c (C falls, c − a grows), so with O(1) Erlang B (erlang_is_constant_time) the
/// search evaluates the square-root staffing guess g = ⌈a + √a⌉; if g meets the SLO it gallops
/// up from ⌊a⌋ + 1, else up from g, and bisects the last gap: O(log(c* − a)) evaluations. Without it Erlang B is stepped upward from ⌊a⌋ + 1 in O(1)
/// per c: O(min(max_replicas, 2a + 1100)) with a ≤ max_offered_load (checked, invalid_input
/// beyond). Either way O(1) when a ≥ max_replicas (exceeds_max_replicas at once), and every call
/// is bounded whatever max_replicas is. Requires μ·latency finite (the SLO in service times).
inline sizing min_replicas(double lambda, double mu, const slo& s, std::uint64_t max_replicas = 1'000'000) {
  detail::check_rates("serve::min_replicas", lambda, mu, 1, false);
  if (!(s.latency > 0) || !std::isfinite(s.latency)) idn::reject("serve::min_replicas", "slo.latency", s.latency, "must be finite and > 0");
  if (!s.on_mean && !(s.quantile > 0 && s.quantile < 1)) idn::reject("serve::min_replicas", "slo.quantile", s.quantile, "must lie in (0, 1)");
  if (max_replicas == 0) idn::reject("serve::min_replicas", "max_replicas", 0, "must be >= 1");
  const double d = s.latency, a = lambda / mu, target = 1 - s.quantile, u = mu * d;  // u: the SLO in service times
  if (!std::isfinite(u)) idn::reject("serve::min_replicas", "slo.latency * mu", u, "must be finite (the SLO in mean service times)");
  const bool impossible = s.on_mean ? 1 / mu >= d : std::exp(-u) >= target;
  if (impossible) return {idn::solve_status::infeasible, sizing_limit::slo_below_service_time, 0, 0, s.on_mean ? 1 / mu : std::exp(-u)};
  const double cap = static_cast<double>(max_replicas);
  if (!(a < cap))  // even the cap is unstable: no call to the O(a) recurrence, no cast of a
    return {idn::solve_status::infeasible, sizing_limit::exceeds_max_replicas, max_replicas, a / cap, s.on_mean ? INFINITY : 1.0};
  detail::check_rates("serve::min_replicas", lambda, mu, 1);  // now the offered-load limit that bounds the work below
  std::uint64_t c = static_cast<std::uint64_t>(std::floor(a)) + 1;  // a < cap ≤ 2^64: exact
  // Mean form: E[T] = (C/(c − a) + 1)/μ ≤ (1/(c − a) + 1)/μ falls with c, so it is finite for
  // every c tried iff this bound is at the first one (aggregate rule, docs/reliability.md).
  if (s.on_mean && !std::isfinite((1 / (static_cast<double>(c) - a) + 1) / mu))
    idn::reject("serve::min_replicas", "mu", mu, "is too small: the mean response time at floor(a) + 1 replicas overflows");
  // The SLO value at k replicas given B = Erlang B(k, a), in service-time units so that nothing
  // overflows (E[T]·μ = C/(k − a) + 1, P(T > d) at u = μd), and whether it meets the SLO.
  auto value_at = [&](std::uint64_t k, double B) {
    const double cd = static_cast<double>(k), C = std::min(1.0, std::max(0.0, cd * B / (cd - a * (1 - B))));
    return s.on_mean ? (C / (cd - a) + 1) / mu : detail::response_tail_units(C, cd - a, u);
  };
  auto meets = [&](double v) { return s.on_mean ? v <= d : v <= target; };
  if constexpr (erlang_is_constant_time) {
    auto value = [&](std::uint64_t k) { return value_at(k, erlang_b(k, a)); };
    const std::uint64_t first = c;
    // Invariant: lo fails (or is first − 1, below every candidate), hi meets with value hi_value.
    std::uint64_t lo = first - 1, hi = 0, guess = std::max(first, std::min(max_replicas, static_cast<std::uint64_t>(std::ceil(a + std::sqrt(a)))));
    double hi_value = 0;
    if (const double v = value(guess); meets(v)) {
      hi = guess, hi_value = v;
      // Gallop up from the first stable c (c* is often a few servers above a: a loose SLO).
      for (std::uint64_t step = 1, probe = first; probe < hi; step *= 2) {
        const double pv = value(probe);
        if (meets(pv)) {
          hi = probe, hi_value = pv;
          break;
        }
        lo = probe;
        probe = hi - probe > step ? probe + step : hi;
      }
    } else {
      lo = guess;
      for (std::uint64_t step = 1;; step *= 2) {  // gallop up, the cap always checked
        if (lo >= max_replicas) return {idn::solve_status::infeasible, sizing_limit::exceeds_max_replicas, max_replicas, a / static_cast<double>(max_replicas), v};
        const std::uint64_t probe = max_replicas - lo > step ? lo + step : max_replicas;
        const double pv = value(probe);
        if (meets(pv)) {
          hi = probe, hi_value = pv;
          break;
        }
        if (probe == max_replicas) return {idn::solve_status::infeasible, sizing_limit::exceeds_max_replicas, max_replicas, a / static_cast<double>(max_replicas), pv};
        lo = probe;
      }
    }
    while (hi - lo > 1) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      const double mv = value(mid);
      if (meets(mv)) hi = mid, hi_value = mv;
      else lo = mid;
    }
    return {idn::solve_status::optimal, sizing_limit::none, hi, a / static_cast<double>(hi), hi_value};
  }
  double B = erlang_b(c, a);
  double achieved = 0;
  while (true) {
    achieved = value_at(c, B);
    if (meets(achieved)) {
      if (c > max_replicas) break;
      return {idn::solve_status::optimal, sizing_limit::none, c, a / static_cast<double>(c), achieved};
    }
    if (c >= max_replicas) break;
    ++c;
    B = a * B / (static_cast<double>(c) + a * B);
  }
  return {idn::solve_status::infeasible, sizing_limit::exceeds_max_replicas, max_replicas, a / static_cast<double>(max_replicas), achieved};
}

/// β solving α = [1 + βΦ(β)/φ(β)]^{−1} (Halfin–Whitt), 0 < α < 1, by bisection on [0, 10].
inline double halfin_whitt_beta(double alpha) {
  if (!(alpha > 0 && alpha < 1)) idn::reject("serve::halfin_whitt_beta", "alpha", alpha, "must lie in (0, 1)");
  auto rhs = [](double b) {
    const double Phi = 0.5 * std::erfc(-b / std::sqrt(2.0)), pdf = std::exp(-b * b / 2) / std::sqrt(2 * 3.14159265358979323846);
    return 1 / (1 + b * Phi / pdf);
  };
  double lo = 0, hi = 10;
  if (rhs(hi) > alpha) return hi;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (rhs(mid) > alpha ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

/// Square-root staffing: c = max(⌊a⌋ + 1, ⌈a + β√a⌉) for a target probability of waiting α.
/// a ≤ max_offered_load (so both casts are exact). O(1).
inline std::uint64_t sqrt_staffing(double lambda, double mu, double alpha) {
  detail::check_rates("serve::sqrt_staffing", lambda, mu, 1);
  const double a = lambda / mu, beta = halfin_whitt_beta(alpha);
  const auto floor1 = static_cast<std::uint64_t>(std::floor(a)) + 1, hw = static_cast<std::uint64_t>(std::ceil(a + beta * std::sqrt(a)));
  return floor1 > hw ? floor1 : hw;
}

/// Replicas per tier and the resulting Σ E[T_k] + fixed latency; infeasible if no allocation
/// within max_total meets the SLO.
struct tandem_sizing {
  solve_status status;  ///< optimal, or infeasible when no allocation within max_total meets the SLO
  std::vector<std::uint64_t> replicas;
  double mean_latency;
};

/// Fewest total replicas with Σ_k E[T_k](c_k) + fixed ≤ SLO for tandem M/M/c tiers at rate λ:
/// start at ⌊a_k⌋ + 1, then repeatedly add a replica where E[T_k] falls most (max-heap, Erlang
/// B stepped in O(1)). O(C log K).
inline tandem_sizing size_for_mean(double lambda, std::span<const double> mean_service, double fixed_latency, double mean_slo,
                                   std::uint64_t max_total = 1'000'000) {
  if (mean_service.empty()) idn::reject("serve::size_for_mean", "mean_service.size()", 0, "must be >= 1");
  if (!(lambda >= 0) || !std::isfinite(lambda)) idn::reject("serve::size_for_mean", "lambda", lambda, "must be finite and >= 0");
  if (!(fixed_latency >= 0) || !std::isfinite(fixed_latency)) idn::reject("serve::size_for_mean", "fixed_latency", fixed_latency, "must be finite and >= 0");
  if (!(mean_slo > 0) || !std::isfinite(mean_slo)) idn::reject("serve::size_for_mean", "mean_slo", mean_slo, "must be finite and > 0");
  const std::size_t K = mean_service.size();
  struct tier_state {
    double a, mu, B;
    std::uint64_t c;
    double mean() const noexcept {
      const double cd = static_cast<double>(c), C = std::min(1.0, std::max(0.0, cd * B / (cd - a * (1 - B))));
      return (C / (cd - a) + 1) / mu;
    }
    tier_state next() const noexcept {
      tier_state n = *this;
      ++n.c;
      n.B = a * B / (static_cast<double>(n.c) + a * B);
      return n;
    }
  };
  std::vector<tier_state> t;
  double total = fixed_latency;
  std::uint64_t count = 0;
  for (std::size_t k = 0; k < K; ++k) {
    const double s = mean_service[k];
    if (!(s > 0) || !std::isfinite(s)) throw invalid_input(concat("idn::serve::size_for_mean: mean_service[", k, "] = ", s, ": must be finite and > 0"));
    const double mu = 1 / s, a = lambda * s;
    if (!std::isfinite(mu)) throw invalid_input(concat("idn::serve::size_for_mean: mean_service[", k, "] = ", s, ": too small, 1/mean_service overflows"));
    if (!(a <= max_offered_load))
      throw invalid_input(concat("idn::serve::size_for_mean: lambda * mean_service[", k, "] = ", a, ": the offered load must be <= idn::serve::max_offered_load = 1e7"));
    const auto c = static_cast<std::uint64_t>(std::floor(a)) + 1;
    t.push_back({a, mu, erlang_b(c, a), c});
    // Aggregate rule (docs/reliability.md): E[T_k] only falls as replicas are added, so finite
    // starting means and a finite starting total keep every later total and decrease finite.
    total += t.back().mean();
    if (!std::isfinite(total))
      throw invalid_input(concat("idn::serve::size_for_mean: mean_service[", k, "] = ", s, ": fixed_latency plus the mean latencies at floor(a) + 1 replicas overflows"));
    count += c;
  }
  using entry = std::pair<double, std::size_t>;  // decrease of E[T_k] from one more replica
  std::priority_queue<entry> heap;
  for (std::size_t k = 0; k < K; ++k) heap.push({t[k].mean() - t[k].next().mean(), k});
  while (total > mean_slo) {
    if (count >= max_total || heap.empty() || !(heap.top().first > 0)) {
      std::vector<std::uint64_t> r;
      for (const tier_state& x : t) r.push_back(x.c);
      return {solve_status::infeasible, r, total};
    }
    const std::size_t k = heap.top().second;
    heap.pop();
    const double before = t[k].mean();
    t[k] = t[k].next();
    total += t[k].mean() - before;
    ++count;
    heap.push({t[k].mean() - t[k].next().mean(), k});
  }
  std::vector<std::uint64_t> r;
  for (const tier_state& x : t) r.push_back(x.c);
  return {solve_status::optimal, r, total};
}

}  // namespace idn::serve
