#pragma once
/// Fixed offload rules (docs/offload.md "Fixed rules"): never/always offload, a threshold on
/// the score, Chow's cost rule, the Bayes rule with a cost matrix, and the two-threshold binary
/// rule. Stateless policies: feedback_model = none, decide draws nothing, feedback/cancel no-ops.
#include <cstdint>
#include <random>
#include <span>

#include "idn/offload/status.hpp"
#include "idn/offload/decision.hpp"

namespace idn::offload {

namespace detail {
constexpr decision fixed(bool offload, float score, bool bad = false) noexcept {
  decision d;
  d.offload = offload;
  d.offload_prob = offload ? 1.f : 0.f;
  d.score = score;
  d.bad_input = bad;
  return d;
}
}  // namespace detail

/// Accepts every sample (the on-device-only baseline).
struct never_offload {
  static constexpr feedback_kind feedback_model = feedback_kind::none;
  /// Accepts the sample; a non-finite score is flagged bad_input. O(1).
  template <std::uniform_random_bit_generator G>
  decision decide(float score, G&) noexcept { return detail::fixed(false, score, !detail::finite(score)); }
  /// A fixed rule learns nothing.
  void feedback(const decision&, bool) noexcept {}
  /// A fixed rule issues no tickets.
  void cancel(const decision&) noexcept {}
};

/// Offloads every sample (the full-offload baseline).
struct always_offload {
  static constexpr feedback_kind feedback_model = feedback_kind::none;
  /// Offloads the sample; a non-finite score is flagged bad_input. O(1).
  template <std::uniform_random_bit_generator G>
  decision decide(float score, G&) noexcept { return detail::fixed(true, score, !detail::finite(score)); }
  /// A fixed rule learns nothing.
  void feedback(const decision&, bool) noexcept {}
  /// A fixed rule issues no tickets.
  void cancel(const decision&) noexcept {}
};

/// Offload iff s < θ (s = θ accepts); a non-finite score offloads with bad_input set.
struct threshold_rule {
  float theta;
  static constexpr feedback_kind feedback_model = feedback_kind::none;
  /// Offloads iff score < θ. O(1).
  template <std::uniform_random_bit_generator G>
  decision decide(float score, G&) const noexcept {
    if (!detail::finite(score)) return detail::fixed(true, score, true);
    return detail::fixed(score < theta, score);
  }
  /// A fixed rule learns nothing.
  void feedback(const decision&, bool) noexcept {}
  /// A fixed rule issues no tickets.
  void cancel(const decision&) noexcept {}
};

/// Chow's threshold for calibrated scores: clamp(1 − β − ε_R, 0, 1). O(1).
constexpr float chow_threshold(float beta, float remote_error = 0.f) noexcept {
  const float t = 1.f - beta - remote_error;
  return t < 0.f ? 0.f : (t > 1.f ? 1.f : t);
}

/// Validates β, ε_R ∈ [0, 1] and sets out = threshold_rule{chow_threshold(β, ε_R)}.
inline status make_chow_rule(float beta, float remote_error, threshold_rule& out) noexcept {
  if (status s = detail::check_unit("beta", beta); !s) return s;
  if (status s = detail::check_unit("remote_error", remote_error); !s) return s;
  out = threshold_rule{chow_threshold(beta, remote_error)};
  return {};
}

/// Bayes decision with a C×C cost matrix (c[j*C + k]: true j, predicted k): ρ_k = Σ_j c_jk π_j,
/// k* = argmin ρ_k (first on ties), offload iff ρ_k* > β + c_R. Mismatched sizes or an empty
/// vector give {offload = true, k = 0, local_risk = inf}. O(C²).
struct bayes_result {
  bool offload;
  std::uint32_t k;
  float local_risk;
};
/// The Bayes decision described above (bayes_result). O(C²).
inline bayes_result bayes_offload(std::span<const float> probs, std::span<const float> cost, float beta, float remote_cost) noexcept {
  const std::size_t C = probs.size();
  if (C == 0 || cost.size() != C * C) return {true, 0, std::numeric_limits<float>::infinity()};
  std::uint32_t best = 0;
  float best_risk = std::numeric_limits<float>::infinity();
  for (std::size_t k = 0; k < C; ++k) {
    float rho = 0;
    for (std::size_t j = 0; j < C; ++j) rho += cost[j * C + k] * probs[j];
    if (rho < best_risk) best_risk = rho, best = static_cast<std::uint32_t>(k);
  }
  const bool finite_risk = detail::finite(best_risk);
  return {!finite_risk || best_risk > beta + remote_cost, best, best_risk};
}

/// Actions of the two-threshold binary rule.
enum class binary_action : std::uint8_t { predict_0, predict_1, offload };

/// Binary classifier with score s = P(y = 1 | x): predict 1 iff s ≥ hi, else predict 0 iff
/// s ≤ lo, else offload; NaN offloads. Built by make_two_threshold.
struct two_threshold {
  float lo, hi;
  /// The action for score s. O(1).
  constexpr binary_action operator()(float s) const noexcept {
    if (!detail::finite(s)) return binary_action::offload;
    if (s >= hi) return binary_action::predict_1;
    if (s <= lo) return binary_action::predict_0;
    return binary_action::offload;
  }
};

/// θ_L = β/c_FN, θ_H = 1 − β/c_FP when β < c_FN·c_FP/(c_FN + c_FP); otherwise no band and the
/// single cut s* = c_FP/(c_FN + c_FP) (lo = hi = s*). c_FN, c_FP finite > 0; β ∈ [0, 1].
inline status make_two_threshold(float c_fn, float c_fp, float beta, two_threshold& out) noexcept {
  if (!detail::finite(c_fn)) return detail::fail(errc::not_finite, "c_fn", c_fn, "not finite");
  if (!(c_fn > 0.f)) return detail::fail(errc::out_of_range, "c_fn", c_fn, "must be > 0");
  if (!detail::finite(c_fp)) return detail::fail(errc::not_finite, "c_fp", c_fp, "not finite");
  if (!(c_fp > 0.f)) return detail::fail(errc::out_of_range, "c_fp", c_fp, "must be > 0");
  if (status s = detail::check_unit("beta", beta); !s) return s;
  const double fn = c_fn, fp = c_fp, b = beta;
  if (b < fn * fp / (fn + fp)) {
    out = two_threshold{static_cast<float>(b / fn), static_cast<float>(1.0 - b / fp)};
  } else {
    const auto cut = static_cast<float>(fp / (fn + fp));
    out = two_threshold{cut, cut};
  }
  return {};
}

}  // namespace idn::offload
