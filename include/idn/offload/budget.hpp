#pragma once
/// Budget wrappers around any offload policy (docs/offload.md "Budget wrappers", §4): a token
/// bucket (hard cap: offloads in any prefix of length t ≤ ρt + B), a Robbins–Monro quantile cap,
/// and a primal-dual price on offloading for cost-aware learners. Each holds the inner policy by
/// value, is itself an offload_policy, and adds O(1) work per sample. A veto cancels the inner
/// decision (for HIL-N that drops the ticket, biasing that estimate low) and returns an accept
/// with `vetoed` set.
#include <cmath>
#include <cstdint>
#include <random>
#include <type_traits>

#include "idn/offload/status.hpp"
#include "idn/offload/decision.hpp"
#include "idn/offload/policy.hpp"

namespace idn::offload {

/// Knobs of token_bucket: long-run rate ρ and burst B.
struct token_bucket_options {
  float rho;          ///< long-run offload rate, (0, 1]
  float burst = 1.f;  ///< bucket size B ≥ 1
};
/// Knobs of quantile_cap: target rate ρ, Robbins–Monro step γ, start threshold θ_0.
struct quantile_cap_options {
  float rho, gamma;  ///< target rate (0, 1]; step (0, 1]
  float theta0 = 1.f;
};
/// Knobs of primal_dual: base cost β, target rate ρ, dual step γ and the cap on the price μ.
struct primal_dual_options {
  float beta, rho, gamma;  ///< base offload cost [0, 1]; target rate (0, 1]; dual step (0, 1]
  float mu_max = 1.f;
};

namespace detail {
inline status check_rate(float rho) noexcept {
  if (status s = check_unit("rho", rho); !s) return s;
  if (rho == 0.f) return fail(errc::out_of_range, "rho", 0, "must lie in (0, 1]");
  return {};
}
inline status check_gamma(float gamma) noexcept {
  if (!finite(gamma)) return fail(errc::not_finite, "gamma", gamma, "not finite");
  if (!(gamma > 0.f && gamma <= 1.f)) return fail(errc::out_of_range, "gamma", gamma, "must lie in (0, 1]");
  return {};
}
template <class Policy>
decision veto(Policy& inner, decision d, bool certain) noexcept {
  inner.cancel(d);
  d.offload = false;
  d.vetoed = true;
  if (certain) d.offload_prob = 0.f;
  return d;
}
}  // namespace detail

/// Token bucket in 32.32 fixed point (ρ and B rounded down): τ_0 = B; per sample τ ← min(B, τ + ρ);
/// an inner offload is kept iff τ ≥ 1 (then τ ← τ − 1). Offloads in any prefix of length t ≤ ρt + B.
template <class Policy>
class token_bucket {
public:
  static constexpr feedback_kind feedback_model = Policy::feedback_model;
  token_bucket() = default;
  /// Wraps a copy of `inner`; unconfigured, it passes the inner decisions through.
  explicit token_bucket(const Policy& inner) noexcept(std::is_nothrow_copy_constructible_v<Policy>) : inner_(inner) {}

  /// Validates p and resets the bucket to full; on error the wrapper stays unconfigured (pass-through). O(1).
  [[nodiscard]] status configure(const token_bucket_options& p) noexcept {
    configured_ = false;
    if (status s = detail::check_rate(p.rho); !s) return s;
    if (!detail::finite(p.burst)) return detail::fail(errc::not_finite, "burst", p.burst, "not finite");
    if (!(p.burst >= 1.f && p.burst <= 1e9f)) return detail::fail(errc::out_of_range, "burst", p.burst, "must lie in [1, 1e9]");
    rate_ = static_cast<std::uint64_t>(std::ldexp(static_cast<double>(p.rho), 32));
    cap_ = static_cast<std::uint64_t>(std::ldexp(static_cast<double>(p.burst), 32));
    tokens_ = cap_;
    offloads_ = vetoes_ = 0;
    configured_ = true;
    return {};
  }
  /// The inner decision, its offload vetoed when the bucket holds less than one token. O(1).
  template <std::uniform_random_bit_generator G>
    requires offload_policy<Policy, G>
  decision decide(float score, G& g) noexcept {
    decision d = inner_.decide(score, g);
    if (!configured_) return d;
    tokens_ = tokens_ + rate_ > cap_ ? cap_ : tokens_ + rate_;
    constexpr std::uint64_t one = std::uint64_t{1} << 32;
    if (!d.offload) return d;
    if (tokens_ >= one) {
      tokens_ -= one;
      ++offloads_;
      return d;
    }
    ++vetoes_;
    return detail::veto(inner_, d, true);
  }
  /// Forwards the feedback to the inner policy.
  void feedback(const decision& d, bool local_wrong) noexcept { inner_.feedback(d, local_wrong); }
  /// Forwards the cancellation to the inner policy.
  void cancel(const decision& d) noexcept { inner_.cancel(d); }
  /// The wrapped policy.
  Policy& inner() noexcept { return inner_; }
  /// The wrapped policy.
  const Policy& inner() const noexcept { return inner_; }
  /// Offloads kept since configure().
  std::uint64_t offloads() const noexcept { return offloads_; }
  /// Offloads vetoed since configure().
  std::uint64_t vetoes() const noexcept { return vetoes_; }

private:
  Policy inner_{};
  std::uint64_t rate_ = 0, cap_ = 0, tokens_ = 0, offloads_ = 0, vetoes_ = 0;
  bool configured_ = false;
};

/// Quantile cap (Robbins–Monro): offload iff the inner policy offloads and s < θ_t, then
/// θ_{t+1} = clamp(θ_t − γ(1{offload_t} − ρ), 0, 1). Around always_offload, θ_t tracks the
/// ρ-quantile of the scores. Non-finite scores pass through (offloaded) without moving θ.
template <class Policy>
class quantile_cap {
public:
  static constexpr feedback_kind feedback_model = Policy::feedback_model;
  quantile_cap() = default;
  /// Wraps a copy of `inner`; unconfigured, it passes the inner decisions through.
  explicit quantile_cap(const Policy& inner) noexcept(std::is_nothrow_copy_constructible_v<Policy>) : inner_(inner) {}

  /// Validates p and sets θ = θ_0; on error the wrapper stays unconfigured (pass-through). O(1).
  [[nodiscard]] status configure(const quantile_cap_options& p) noexcept {
    configured_ = false;
    if (status s = detail::check_rate(p.rho); !s) return s;
    if (status s = detail::check_gamma(p.gamma); !s) return s;
    if (status s = detail::check_unit("theta0", p.theta0); !s) return s;
    rho_ = p.rho, gamma_ = p.gamma, theta_ = p.theta0;
    configured_ = true;
    return {};
  }
  /// The inner decision, its offload vetoed when the score is not below θ; then θ moves. O(1).
  template <std::uniform_random_bit_generator G>
    requires offload_policy<Policy, G>
  decision decide(float score, G& g) noexcept {
    decision d = inner_.decide(score, g);
    if (!configured_ || d.bad_input || !detail::finite(score)) return d;
    if (d.offload && !(score < theta_)) d = detail::veto(inner_, d, false);
    float t = theta_ - gamma_ * ((d.offload ? 1.f : 0.f) - rho_);
    theta_ = t < 0.f ? 0.f : (t > 1.f ? 1.f : t);
    return d;
  }
  /// Forwards the feedback to the inner policy.
  void feedback(const decision& d, bool local_wrong) noexcept { inner_.feedback(d, local_wrong); }
  /// Forwards the cancellation to the inner policy.
  void cancel(const decision& d) noexcept { inner_.cancel(d); }
  /// The wrapped policy.
  Policy& inner() noexcept { return inner_; }
  /// The wrapped policy.
  const Policy& inner() const noexcept { return inner_; }
  /// The current threshold θ_t.
  float theta() const noexcept { return theta_; }

private:
  Policy inner_{};
  float rho_ = 1, gamma_ = 0, theta_ = 1;
  bool configured_ = false;
};

/// Primal-dual pricing: the inner policy decides with cost β_t = min(1, β + μ_t), then
/// μ_{t+1} = clamp(μ_t + γ(1{offload_t} − ρ), 0, μ_max). Soft budget: the long-run offload rate
/// approaches ρ when the constraint binds.
template <cost_aware_policy Policy>
class primal_dual {
public:
  static constexpr feedback_kind feedback_model = Policy::feedback_model;
  primal_dual() = default;
  /// Wraps a copy of `inner`; unconfigured, it passes the inner decisions through.
  explicit primal_dual(const Policy& inner) noexcept(std::is_nothrow_copy_constructible_v<Policy>) : inner_(inner) {}

  /// Validates p and sets μ = 0; on error the wrapper stays unconfigured (pass-through). O(1).
  [[nodiscard]] status configure(const primal_dual_options& p) noexcept {
    configured_ = false;
    if (status s = detail::check_unit("beta", p.beta); !s) return s;
    if (status s = detail::check_rate(p.rho); !s) return s;
    if (status s = detail::check_gamma(p.gamma); !s) return s;
    if (!detail::finite(p.mu_max)) return detail::fail(errc::not_finite, "mu_max", p.mu_max, "not finite");
    if (p.mu_max < 0.f) return detail::fail(errc::out_of_range, "mu_max", p.mu_max, "must be >= 0");
    beta_ = p.beta, rho_ = p.rho, gamma_ = p.gamma, mu_max_ = p.mu_max, mu_ = 0;
    configured_ = true;
    return {};
  }
  /// The inner policy's decision at cost min(1, β + μ_t); then μ moves. O(1) plus the inner decide.
  template <std::uniform_random_bit_generator G>
    requires offload_policy<Policy, G>
  decision decide(float score, G& g) noexcept {
    if (!configured_) return inner_.decide(score, g);
    const float b = beta_ + mu_;
    (void)inner_.set_beta(b > 1.f ? 1.f : b);  // in [0, 1] by construction
    decision d = inner_.decide(score, g);
    if (d.bad_input) return d;
    const float m = mu_ + gamma_ * ((d.offload ? 1.f : 0.f) - rho_);
    mu_ = m < 0.f ? 0.f : (m > mu_max_ ? mu_max_ : m);
    return d;
  }
  /// Forwards the feedback to the inner policy.
  void feedback(const decision& d, bool local_wrong) noexcept { inner_.feedback(d, local_wrong); }
  /// Forwards the cancellation to the inner policy.
  void cancel(const decision& d) noexcept { inner_.cancel(d); }
  /// The wrapped policy.
  Policy& inner() noexcept { return inner_; }
  /// The wrapped policy.
  const Policy& inner() const noexcept { return inner_; }
  /// The current price μ_t.
  float mu() const noexcept { return mu_; }

private:
  Policy inner_{};
  float beta_ = 0, rho_ = 1, gamma_ = 0, mu_max_ = 1, mu_ = 0;
  bool configured_ = false;
};

}  // namespace idn::offload
