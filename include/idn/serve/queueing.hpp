#pragma once
/// M/M/c queueing at one tier (docs/serve.md "Queueing at one tier"): Erlang B and C (O(1) in c
/// through the regularized incomplete gamma function when Boost.Math's headers are available,
/// else, and always for c < 128, the stable O(c) forward recurrence), the M/M/c metrics, the
/// waiting and response-time tails (the two-exponential form rewritten so nothing divides by
/// θ − μ), response-time quantiles, and Allen–Cunneen for G/G/c.
#include <cmath>
#include <cstdint>
#include <numbers>

#if __has_include(<boost/math/special_functions/gamma.hpp>) && __has_include(<boost/math/special_functions/log1p.hpp>) && !defined(IDN_NO_BOOST_MATH)
#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/log1p.hpp>
#define IDN_HAVE_BOOST_MATH 1
#endif

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::serve {

/// The largest offered load a = λ/μ the Erlang recurrences accept. Their work is
/// O(min(c, 2a + 1100)): beyond c ≈ 2a each step halves B until it underflows to 0 (exact in
/// double), after which the recurrence stops. 10⁷ Erlangs bound every call to a few hundred
/// milliseconds, far beyond any real serving tier.
inline constexpr double max_offered_load = 1e7;

namespace detail {
/// λ finite ≥ 0; μ finite > 0 with a finite 1/μ (mean service time); c ≥ 1; a = λ/μ within
/// max_offered_load unless limit_load is false (callers that check it later themselves).
inline void check_rates(const char* where, double lambda, double mu, std::uint64_t c, bool limit_load = true) {
  if (!(lambda >= 0) || !std::isfinite(lambda)) idn::reject(where, "lambda", lambda, "must be finite and >= 0");
  if (!(mu > 0) || !std::isfinite(mu)) idn::reject(where, "mu", mu, "must be finite and > 0");
  if (!std::isfinite(1 / mu)) idn::reject(where, "mu", mu, "is too small: the mean service time 1/mu overflows");
  if (c == 0) idn::reject(where, "c", 0, "must be >= 1");
  if (limit_load && !(lambda / mu <= max_offered_load))
    idn::reject(where, "lambda / mu", lambda / mu, "the offered load must be <= idn::serve::max_offered_load = 1e7");
}
/// check_rates, a < c, and a finite total service rate c·μ (θ = cμ − λ is formed from it).
inline void check_stable(const char* where, double lambda, double mu, std::uint64_t c) {
  check_rates(where, lambda, mu, c);
  const double a = lambda / mu;
  if (!(a < static_cast<double>(c))) idn::reject(where, "lambda / mu", a, concat("must be < c = ", c, " (else the queue is unstable)"));
  if (!std::isfinite(static_cast<double>(c) * mu)) idn::reject(where, "c * mu", static_cast<double>(c) * mu, "the total service rate must be finite");
}
/// t finite and >= 0, and not −0 (a sign on a time is a caller's bug, not a time).
inline void check_time(const char* where, double t) {
  if (!(t >= 0) || !std::isfinite(t) || std::signbit(t)) idn::reject(where, "t", t, "must be finite and >= 0 (not -0)");
}
/// φ(x) = −expm1(−x)/x with φ(0) = 1 (so that (1 − e^{−x})/x is evaluated without cancellation).
inline double phi1(double x) noexcept { return x == 0 ? 1.0 : -std::expm1(-x) / x; }
/// A derived result must be finite; the message names the result and the inputs' scale.
inline double finite_result(const char* where, const char* what, double v) {
  if (!std::isfinite(v)) idn::reject(where, what, v, "overflows: the rates or times are too far apart for double precision");
  return v;
}
}  // namespace detail

/// True when erlang_b (and everything built on it) is O(1) in c: Boost.Math was found.
#ifdef IDN_HAVE_BOOST_MATH
inline constexpr bool erlang_is_constant_time = true;
#else
inline constexpr bool erlang_is_constant_time = false;
#endif

namespace detail {
/// The forward recurrence B_0 = 1, B_k = a·B_{k−1}/(k + a·B_{k−1}); stops once B underflows to 0.
/// The exact reference (relative error ≤ 2e-14 against an 80-bit evaluation up to c = 10⁶).
inline double erlang_b_recurrence(std::uint64_t c, double a) noexcept {
  double b = 1;
  for (std::uint64_t k = 1; k <= c && b > 0; ++k) b = a * b / (static_cast<double>(k) + a * b);
  return b;
}
#ifdef IDN_HAVE_BOOST_MATH
/// B(c, a) = P(N = c)/P(N ≤ c) for N ~ Poisson(a), in long double: ln P(N = c) =
/// c·log1pmx((a − c)/c) − ½ln(2πc) − (Stirling's series for ln c! beyond its leading terms), and
/// P(N ≤ c) = Q(c + 1, a), the regularized upper incomplete gamma function (Boost.Math, Temme's
/// uniform expansion for large arguments). O(1) where Boost takes Temme's expansion; O(√a) for
/// a > 1000 and c + 1 < a + 50 (Boost's large-x series: erlang_b_fast avoids that zone for
/// c ≥ a − 64) and in deep overload (a > c + 37√a, where P(N = c) leaves the long double range
/// and a series of O(min(c, √a)) terms takes over); relative
/// error ≤ 1e-12 against the 80-bit recurrence for c ∈ [128, 10⁶] and a/c ∈ [0.01, 50]
/// (tests/serve/test_queueing.cpp).
/// Preconditions: c ≥ 1, 0 < a ≤ max_offered_load.
inline double erlang_b_gamma(std::uint64_t c, double a) {
  using namespace boost::math::policies;
  using quiet = policy<domain_error<errno_on_error>, pole_error<errno_on_error>, overflow_error<errno_on_error>, underflow_error<ignore_error>,
                       evaluation_error<errno_on_error>, promote_double<false>, promote_float<false>>;
  const long double cd = static_cast<long double>(c), t = (static_cast<long double>(a) - cd) / cd, ic = 1 / cd, ic2 = ic * ic;
  const long double stirling = ic * (1.0L / 12 - ic2 * (1.0L / 360 - ic2 * (1.0L / 1260 - ic2 / 1680)));
  const long double log_pmf =
      cd * boost::math::log1pmx(t, quiet()) - 0.5L * std::log(2 * std::numbers::pi_v<long double> * cd) - stirling;
  if (!(log_pmf >= -700)) {
    // a < c: B < P(N = c)/½, below the smallest double (the recurrence underflows to 0 too); also
    // t = −1 (a/c < 2^-64), where log1pmx has its pole.
    if (!(t > 0)) return 0;
    // a > c + 37√a: 1/B = Σ_j Π_{i<j} (c − i)/a, whose terms fall at least as fast as (c/a)^j:
    // about √a·ln(10^17)/37 terms at worst (deep overload; never for Erlang C, where a < c).
    long double sum = 1, term = 1;
    for (std::uint64_t j = 0; j < c && term > 1e-21L * sum; ++j) term *= (cd - static_cast<long double>(j)) / a, sum += term;
    return static_cast<double>(1 / sum);
  }
  const long double q = boost::math::gamma_q(cd + 1, static_cast<long double>(a), quiet());
  const long double b = std::exp(log_pmf) / q;
  return b > 1 ? 1.0 : static_cast<double>(b);
}
/// erlang_b_gamma without Boost's slow zone. Boost.Math evaluates Q(s, x) for x > 1000 and
/// s < x + 50 by its large-x asymptotic series, which needs O(√x) terms when s is near x (50 µs at
/// x = 10⁶, 450 µs at 10⁸, against 0.3 µs for Temme's expansion). For a > 1000 and
/// a − 64 ≤ c < a + 50, B is therefore evaluated at c₀ = ⌊a⌋ + 50 (Temme's expansion) and stepped
/// down to c by the inverse recurrence 1/B_{k−1} = a·(1/B_k − 1)/k in long double, at most 115
/// steps, each multiplying the relative error by 1 + O(B_k) ≈ 1 (1/B_k − 1 ≥ k/a: no cancellation
/// near c = a). Every Erlang C (c > a) is then O(1); only Erlang B in overload below a − 64
/// keeps Boost's O(√a) series.
inline double erlang_b_fast(std::uint64_t c, double a) {
  const double cd = static_cast<double>(c);
  if (!(a > 1000 && cd + 64 >= a && cd < a + 50)) return erlang_b_gamma(c, a);
  const std::uint64_t c0 = static_cast<std::uint64_t>(a) + 50;  // a ≤ max_offered_load: exact
  const double b0 = erlang_b_gamma(c0, a);
  if (!(b0 > 0)) return erlang_b_gamma(c, a);  // not reached for a ≤ 1e7 (B(a + 50, a) ≥ 1e-5)
  long double r = 1 / static_cast<long double>(b0);
  for (std::uint64_t k = c0; k > c; --k) r = static_cast<long double>(a) * (r - 1) / static_cast<long double>(k);
  return r < 1 ? 1.0 : static_cast<double>(1 / r);
}
#endif
}  // namespace detail

/// Erlang B, the blocking probability of c servers at offered load a: B_0 = 1,
/// B_k = a·B_{k−1}/(k + a·B_{k−1}). 0 ≤ a ≤ max_offered_load, c ≥ 0. O(1) with Boost.Math
/// (erlang_is_constant_time) for c ≥ 128 and c ≥ a − 64 (every Erlang C); in overload below
/// that, O(√a) (Boost's large-x series; a series of O(min(c, √a)) terms beyond a > c + 37√a).
/// Without Boost.Math, or for c < 128: the recurrence, O(min(c, 2a + 1100)) (it stops once B
/// underflows to 0).
inline double erlang_b(std::uint64_t c, double a) {
  if (!(a >= 0) || !std::isfinite(a)) idn::reject("serve::erlang_b", "a", a, "must be finite and >= 0");
  if (!(a <= max_offered_load)) idn::reject("serve::erlang_b", "a", a, "must be <= idn::serve::max_offered_load = 1e7");
#ifdef IDN_HAVE_BOOST_MATH
  if (c >= 128 && a > 0) return detail::erlang_b_fast(c, a);
#endif
  return detail::erlang_b_recurrence(c, a);
}

/// Erlang C, the probability of waiting: C = c·B_c/(c − a(1 − B_c)). 0 ≤ a < c. The cost of
/// erlang_b.
inline double erlang_c(std::uint64_t c, double a) {
  if (c == 0) idn::reject("serve::erlang_c", "c", 0, "must be >= 1");
  if (!(a >= 0) || !std::isfinite(a)) idn::reject("serve::erlang_c", "a", a, "must be finite and >= 0");
  if (!(a < static_cast<double>(c))) idn::reject("serve::erlang_c", "a", a, concat("must be < c = ", c, " (else the queue is unstable)"));
  const double b = erlang_b(c, a), cd = static_cast<double>(c);
  const double C = cd * b / (cd - a * (1 - b));
  return C < 0 ? 0.0 : (C > 1 ? 1.0 : C);
}

/// Utilization ρ = a/c, P(wait) = C, W_q = C/θ, E[T] = W_q + 1/μ, E[N] = λ·E[T] (θ = cμ − λ).
struct mmc_metrics {
  double utilization, prob_wait, mean_wait, mean_response, mean_in_system;
};
/// Every field is finite: throws invalid_input when the mean wait C/θ or E[N] overflows (λ within
/// a few ulps of cμ at extreme scales). The cost of erlang_b.
inline mmc_metrics mmc(double lambda, double mu, std::uint64_t c) {
  detail::check_stable("serve::mmc", lambda, mu, c);
  const double C = erlang_c(c, lambda / mu), theta = static_cast<double>(c) * mu - lambda;
  const double wq = detail::finite_result("serve::mmc", "mean wait C / (c mu - lambda)", C / theta), t = detail::finite_result("serve::mmc", "mean response", wq + 1 / mu);
  return {lambda / (static_cast<double>(c) * mu), C, wq, t, detail::finite_result("serve::mmc", "mean in system lambda * E[T]", lambda * t)};
}

/// P(W_q > t) = C·e^{−θt}. t ≥ 0 finite (not −0).
inline double mmc_wait_tail(double lambda, double mu, std::uint64_t c, double t) {
  detail::check_stable("serve::mmc_wait_tail", lambda, mu, c);
  detail::check_time("serve::mmc_wait_tail", t);
  return erlang_c(c, lambda / mu) * std::exp(-(static_cast<double>(c) * mu - lambda) * t);
}

namespace detail {
/// P(T > t) in service-time units: u = μt, r = θ/μ = c − a. Equals e^{−u}·[1 + C·u·φ((r − 1)u)]
/// (no division by θ − μ). u ≥ 0, r > 0. Never NaN for finite or infinite u.
inline double response_tail_units(double C, double r, double u) noexcept {
  const double x = (r - 1) * u;
  // For x ≪ 0 (θ < μ) φ(x) alone would overflow; the two exponentials are then far apart and the
  // classic form has no cancellation.
  if (x < -700) return std::exp(-u) + C / (1 - r) * (std::exp(-r * u) - std::exp(-u));
  // Beyond u = 1500 with x ≥ −700 both terms are below 1e-324 (r·u ≥ 800): exactly 0 in double.
  if (u > 1500) return 0;
  return std::exp(-u) * (1 + C * u * phi1(x));
}
/// P(T > t) = e^{−μt}·[1 + C·μt·φ((θ − μ)t)] given C and θ.
inline double response_tail(double C, double mu, double theta, double t) noexcept {
  return response_tail_units(C, theta / mu, mu * t);
}
}  // namespace detail

/// P(T > t) for the M/M/c response time (wait + service). t ≥ 0 finite (not −0).
inline double mmc_response_tail(double lambda, double mu, std::uint64_t c, double t) {
  detail::check_stable("serve::mmc_response_tail", lambda, mu, c);
  detail::check_time("serve::mmc_response_tail", t);
  const double C = erlang_c(c, lambda / mu);
  const double p = detail::response_tail(C, mu, static_cast<double>(c) * mu - lambda, t);
  return p > 1 ? 1.0 : p;
}

/// t_q = min{t : P(T > t) ≤ 1 − q}, 0 < q < 1: −ln(1 − q)/μ when C = 0, else, in service-time
/// units u = μt, doubling from u = 1 then bisection to relative 1e-12 (≤ 60 steps; the tail is
/// 0 beyond u = 1500, so at most 11 doublings). Throws if t_q = u/μ overflows.
inline double mmc_response_quantile(double lambda, double mu, std::uint64_t c, double q) {
  detail::check_stable("serve::mmc_response_quantile", lambda, mu, c);
  if (!(q > 0 && q < 1)) idn::reject("serve::mmc_response_quantile", "q", q, "must lie in (0, 1)");
  const double a = lambda / mu, C = erlang_c(c, a), r = static_cast<double>(c) - a, target = 1 - q;
  if (C == 0) return detail::finite_result("serve::mmc_response_quantile", "quantile", -std::log1p(-q) / mu);
  double lo = 0, hi = 1;
  while (detail::response_tail_units(C, r, hi) > target) lo = hi, hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (detail::response_tail_units(C, r, mid) > target ? lo : hi) = mid;
  }
  return detail::finite_result("serve::mmc_response_quantile", "quantile", hi / mu);
}

/// Allen–Cunneen: W_q ≈ W_q^{M/M/c}·(c_a² + c_s²)/2 (exact for M/G/1). c_a², c_s² ≥ 0 finite,
/// and the result must be finite (throws invalid_input if the product overflows).
inline double ggc_mean_wait(double lambda, double mu, std::uint64_t c, double ca2, double cs2) {
  if (!(ca2 >= 0) || !std::isfinite(ca2)) idn::reject("serve::ggc_mean_wait", "ca2", ca2, "must be finite and >= 0");
  if (!(cs2 >= 0) || !std::isfinite(cs2)) idn::reject("serve::ggc_mean_wait", "cs2", cs2, "must be finite and >= 0");
  const double wq = mmc(lambda, mu, c).mean_wait;
  if (wq == 0) return 0;  // no queueing (λ = 0): 0 whatever the variability
  return detail::finite_result("serve::ggc_mean_wait", "Allen-Cunneen mean wait", wq * (0.5 * ca2 + 0.5 * cs2));
}

/// M/D/c mean wait with Cosmetatos' correction of Allen–Cunneen:
/// W_q ≈ ½·W_q^{M/M/c}·[1 + (1 − ρ)(c − 1)(√(4 + 5c) − 2)/(16ρc)]. Allen–Cunneen alone
/// underestimates M/D/c as c grows at moderate load (−12 % at c = 16, ρ = 0.8, measured in
/// tests/serve/test_batching_sim.cpp); the correction is within 5 % there. Exact for c = 1. The cost
/// of erlang_b.
inline double mdc_mean_wait(double lambda, double mu, std::uint64_t c) {
  const mmc_metrics m = mmc(lambda, mu, c);
  if (m.mean_wait == 0) return 0;  // λ = 0 (or C underflowed): no wait; the correction's ρ would be 0
  const double rho = m.utilization, cc = static_cast<double>(c);
  return detail::finite_result("serve::mdc_mean_wait", "Cosmetatos mean wait",
                               0.5 * m.mean_wait * (1 + (1 - rho) * (cc - 1) * (std::sqrt(4 + 5 * cc) - 2) / (16 * rho * cc)));
}

}  // namespace idn::serve
