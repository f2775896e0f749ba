#pragma once
/// Operating points and rewards (docs/path.md "Operating point", "Reward"). v2 scores
/// F = ξ(A_av)·ζ(op); v1 scores −J with J = ω_D·D̄/D_ref + ω_A·(A_l − A_av) + ω_W·(local work
/// share). Every stock reward is non-decreasing in Th and A_av and non-increasing in D̄ and the
/// local work share, which is what makes the searches' pruning exact.
#include <cmath>
#include <concepts>
#include <optional>
#include <type_traits>

#include "idn/core/solve_status.hpp"
#include "idn/path/graph.hpp"

namespace idn::path {

/// What a path and its split achieve: throughput, demand, accuracies, delays and shares, as rewards read them; status unstable when the split overloads a server.
struct operating_point {
  double throughput = 0, standalone_throughput = 0, demand = 0, avg_accuracy = 0, original_accuracy = 0, path_share = 0,
         mean_delay_s = 0, reference_delay_s = 0, local_work_share = 0;
  solve_status status = solve_status::feasible;  ///< unstable when the split overloads a server it uses
};

/// Larger is better.
template <class R>
concept reward_function = std::copy_constructible<R> && requires(const R& r, const operating_point& op) {
  { r(op) } -> std::convertible_to<double>;
};

/// ξ(A) = A^κ (κ > 0; κ = 0 gives 1: throughput only).
struct power_utility {
  double kappa = 1;
  /// ξ at accuracy a.
  double operator()(double a) const noexcept {
    // Small integer exponents by repeated squaring (exact powers, ~20× cheaper than std::pow).
    if (kappa >= 0 && kappa <= 64 && kappa == std::floor(kappa)) {
      double r = 1, base = a;
      for (auto e = static_cast<unsigned>(kappa); e != 0; e >>= 1, base *= base)
        if (e & 1u) r *= base;
      return r;
    }
    return std::pow(a, kappa);
  }
};
/// ξ(A) = A·[A ≥ A_min]; searches apply A_min as the LP floor α.
struct floor_utility {
  double min_accuracy = 0;
  /// ξ at accuracy a.
  double operator()(double a) const noexcept { return a >= min_accuracy ? a : 0.0; }
};
/// ξ(A) = exp(−β·max(0, A_ref − A)).
struct exp_penalty_utility {
  double beta = 0, reference = 1;
  /// ξ at accuracy a.
  double operator()(double a) const noexcept { return std::exp(-beta * std::max(0.0, reference - a)); }
};
/// ζ = Th/Th_0 (throws if Th_0 = 0).
struct normalized_gain {
  /// ζ of op (invalid_input when op.standalone_throughput is 0).
  double operator()(const operating_point& op) const {
    if (!(op.standalone_throughput > 0)) detail::fail("normalized_gain", "standalone_throughput", op.standalone_throughput, "must be > 0");
    return op.throughput / op.standalone_throughput;
  }
};
/// ζ = log(1 + Th).
struct log_throughput {
  /// ζ of op.
  double operator()(const operating_point& op) const noexcept { return std::log1p(op.throughput); }
};
/// ζ = min(Th, λ)/λ.
struct served_fraction {
  /// ζ of op.
  double operator()(const operating_point& op) const noexcept { return std::min(op.throughput, op.demand) / op.demand; }
};
/// F = ξ(A_av)·ζ(op).
template <class Xi, class Zeta>
struct product_reward {
  Xi xi{};
  Zeta zeta{};
  /// F of op.
  double operator()(const operating_point& op) const { return xi(op.avg_accuracy) * zeta(op); }
};
/// −J, J = ω_D·D̄/D_ref + ω_A·(A_l − A_av) + ω_W·(local work share); −inf when unstable.
struct weighted_cost_v1 {
  double w_delay = 1, w_accuracy = 1, w_local = 1;
  /// −J of op.
  double operator()(const operating_point& op) const noexcept {
    if (op.status != solve_status::feasible || !std::isfinite(op.mean_delay_s)) return -std::numeric_limits<double>::infinity();
    return -(w_delay * op.mean_delay_s / op.reference_delay_s + w_accuracy * (op.original_accuracy - op.avg_accuracy) + w_local * op.local_work_share);
  }
};

/// Whether a reward reads the delay fields of the operating point (searches skip the PS delay
/// computation for rewards that do not). Conservative default: true.
template <class R>
inline constexpr bool uses_delay = true;
template <class Xi>
inline constexpr bool uses_delay<product_reward<Xi, normalized_gain>> = false;
template <class Xi>
inline constexpr bool uses_delay<product_reward<Xi, log_throughput>> = false;
template <class Xi>
inline constexpr bool uses_delay<product_reward<Xi, served_fraction>> = false;

/// True for a product reward ξ(A_av)·ζ(op) that is ≥ 0, non-decreasing in A_av and Th and reads
/// no delay: then ξ(max accuracy)·ζ(max throughput) bounds it, which the path searches use as a
/// cheap first bound. The stock ξ and ζ qualify; specialize it for a reward of your own only if
/// it has all three properties.
template <class R>
inline constexpr bool separable_nonnegative_reward = false;
template <class Xi, class Zeta>
inline constexpr bool separable_nonnegative_reward<product_reward<Xi, Zeta>> =
    (std::is_same_v<Xi, power_utility> || std::is_same_v<Xi, floor_utility> || std::is_same_v<Xi, exp_penalty_utility>) &&
    !uses_delay<product_reward<Xi, Zeta>>;

/// A_min of a product_reward<floor_utility, ·>, else empty.
template <class R>
std::optional<double> implied_accuracy_floor(const R& r) {
  if constexpr (requires { r.xi.min_accuracy; }) return r.xi.min_accuracy;
  else return std::nullopt;
}

namespace detail {
/// The §5 option checks of the stock rewards.
template <class R>
void check_reward(const R& r, const char* fn) {
  if constexpr (requires { r.xi; }) check_reward(r.xi, fn);
  if constexpr (requires { r.kappa; })
    if (!(r.kappa >= 0) || !std::isfinite(r.kappa)) fail(fn, "kappa", r.kappa, "must be finite and >= 0");
  if constexpr (requires { r.min_accuracy; })
    if (!unit_interval(r.min_accuracy)) fail(fn, "min_accuracy", r.min_accuracy, "must lie in [0,1]");
  if constexpr (requires { r.beta; }) {
    if (!(r.beta >= 0) || !std::isfinite(r.beta)) fail(fn, "beta", r.beta, "must be finite and >= 0");
    if (!unit_interval(r.reference)) fail(fn, "reference", r.reference, "must lie in [0,1]");
  }
  if constexpr (requires { r.w_delay; }) {
    if (!(r.w_delay >= 0 && r.w_accuracy >= 0 && r.w_local >= 0)) fail(fn, "(w_delay, w_accuracy, w_local)", concat("(", r.w_delay, ", ", r.w_accuracy, ", ", r.w_local, ")"), "each must be >= 0");
    if (r.w_delay + r.w_accuracy + r.w_local == 0) fail(fn, "(w_delay, w_accuracy, w_local)", "(0, 0, 0)", "must not all be zero");
  }
}
}  // namespace detail

}  // namespace idn::path
