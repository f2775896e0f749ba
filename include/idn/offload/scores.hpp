#pragma once
/// Confidence scores for hierarchical inference (docs/offload.md "Scores", §4): top-2
/// probabilities from probabilities, int8 softmax codes or logits (one online-softmax pass that
/// also yields the normalised entropy), max-softmax, margin and the top-2 linear/logistic rule.
/// All O(C), allocation-free, noexcept; invalid input gives valid = false and every score 0.
#include <cmath>
#include <cstdint>
#include <span>

#include "idn/offload/status.hpp"

namespace idn::offload {

/// The two largest probabilities π^(1) ≥ π^(2) (π^(2) = π^(1) on ties, 0 if C = 1) and the
/// index of the first maximum.
struct top2 {
  float p1 = 0, p2 = 0;
  std::uint32_t k1 = 0;
  bool valid = false;
};

/// top2 of softmax(z/T) plus the normalised-entropy confidence 1 − H/ln C and log Σ e^{z/T}.
struct softmax_summary {
  top2 t;
  float entropy_conf = 0, log_sum_exp = 0;
};

namespace detail {
/// One comparison-only pass keeping the two largest values and the first argmax.
template <class T, class F>
constexpr top2 top2_pass(std::span<const T> v, F&& to_prob) noexcept {
  top2 r;
  if (v.empty()) return r;
  float p1 = to_prob(v[0]), p2 = 0;
  std::uint32_t k1 = 0;
  bool has2 = false;
  for (std::size_t k = 1; k < v.size(); ++k) {
    const float p = to_prob(v[k]);
    if (p > p1) {
      p2 = p1, p1 = p, k1 = static_cast<std::uint32_t>(k);
    } else if (!has2 || p > p2) {
      p2 = p;
    }
    has2 = true;
  }
  r.p1 = p1, r.p2 = has2 ? p2 : 0.f, r.k1 = k1, r.valid = true;
  return r;
}
}  // namespace detail

/// Top-2 of a probability vector in one pass (comparisons only). Invalid (empty, non-finite or
/// negative entry) → valid = false. O(C).
inline top2 top2_probs(std::span<const float> probs) noexcept {
  // Validity is folded into the same pass: a finite p ≥ 0 (or −0) has magnitude bits below the
  // exponent-all-ones pattern and no sign bit except for −0.
  std::uint32_t bad = 0;
  const top2 r = detail::top2_pass(probs, [&bad](float p) {
    const auto bits = std::bit_cast<std::uint32_t>(p);
    bad |= static_cast<std::uint32_t>((bits & 0x7fffffffu) >= 0x7f800000u) | static_cast<std::uint32_t>(bits > 0x80000000u);
    return p;
  });
  return bad ? top2{} : r;
}

/// Top-2 of int8 softmax codes (TFLite-Micro: p = (q + 128)/256). Invalid only when empty. O(C).
inline top2 top2_int8(std::span<const std::int8_t> codes) noexcept {
  return detail::top2_pass(codes, [](std::int8_t q) { return static_cast<float>(q + 128) * (1.f / 256.f); });
}

/// Online-softmax summary of logits z at temperature T: keeps the running max m, d = Σ e^{u−m}
/// and S = Σ e^{u−m}(u − m) (u = z/T), rescaling both when m rises, so every exponent is ≤ 0;
/// one exp per element plus one log (§4). Invalid (empty, non-finite z or z/T, T not finite > 0)
/// → everything 0 and t.valid = false. O(C).
inline softmax_summary summarize_logits(std::span<const float> z, float temperature = 1.f) noexcept {
  softmax_summary r;
  if (z.empty() || !detail::finite(temperature) || !(temperature > 0.f)) return r;
  float m = z[0] / temperature;
  if (!detail::finite(m)) return r;
  float u2 = -std::numeric_limits<float>::infinity();  // second largest u
  float d = 1.f, S = 0.f;
  std::uint32_t k1 = 0;
  for (std::size_t k = 1; k < z.size(); ++k) {
    const float u = z[k] / temperature;
    if (!detail::finite(u)) return r;
    if (u > m) {
      const float delta = u - m, e = std::exp(-delta);
      S = e * (S - delta * d);
      d = d * e + 1.f;
      u2 = m, m = u, k1 = static_cast<std::uint32_t>(k);
    } else {
      const float x = u - m, e = std::exp(x);
      d += e;
      S += e * x;
      if (u > u2) u2 = u;
    }
  }
  const float inv_d = 1.f / d;
  r.t.p1 = inv_d;
  r.t.p2 = z.size() == 1 ? 0.f : std::exp(u2 - m) * inv_d;
  r.t.k1 = k1;
  r.t.valid = true;
  const float log_d = std::log(d);
  r.log_sum_exp = m + log_d;
  if (z.size() == 1) {
    r.entropy_conf = 1.f;
  } else {
    float H = log_d - S * inv_d;
    const float lnC = std::log(static_cast<float>(z.size()));
    H = H < 0.f ? 0.f : (H > lnC ? lnC : H);
    r.entropy_conf = 1.f - H / lnC;
  }
  return r;
}

/// 1 − H(π)/ln C with 0·ln 0 = 0 (1 if C = 1); one log per positive entry. Invalid → 0. O(C).
inline float entropy_confidence(std::span<const float> probs) noexcept {
  if (probs.empty()) return 0.f;
  float H = 0;
  for (const float p : probs) {
    if (!detail::finite(p) || p < 0.f) return 0.f;
    if (p > 0.f) H -= p * std::log(p);
  }
  if (probs.size() == 1) return 1.f;
  const float lnC = std::log(static_cast<float>(probs.size()));
  const float c = 1.f - H / lnC;
  return c < 0.f ? 0.f : (c > 1.f ? 1.f : c);
}

/// Max-softmax probability π^(1) (Hendrycks & Gimpel). 0 if invalid.
constexpr float max_softmax(const top2& t) noexcept { return t.valid ? t.p1 : 0.f; }
/// Margin π^(1) − π^(2). 0 if invalid.
constexpr float margin(const top2& t) noexcept { return t.valid ? t.p1 - t.p2 : 0.f; }

/// Coefficients of the top-2 linear decision module g = b + w1·π^(1) + w2·π^(2) (Behera et al.).
struct top2_linear_coeffs {
  float b, w1, w2;
};
/// g = b + w1·p1 + w2·p2; offload iff g < 0 (g = 0 accepts). 0 if invalid.
constexpr float top2_linear(const top2& t, const top2_linear_coeffs& c) noexcept {
  return t.valid ? c.b + c.w1 * t.p1 + c.w2 * t.p2 : 0.f;
}
/// σ(g) = 1/(1 + e^{−g}), evaluated without overflow; the learners' probability-form score. 0 if invalid.
inline float top2_logistic(const top2& t, const top2_linear_coeffs& c) noexcept {
  if (!t.valid) return 0.f;
  const float g = top2_linear(t, c);
  if (g >= 0.f) return 1.f / (1.f + std::exp(-g));
  const float e = std::exp(g);
  return e / (1.f + e);
}
/// Coefficients on int8 codes q (p = (q + 128)/256) rewritten for probabilities:
/// b − 128(w1 + w2), 256·w1, 256·w2.
constexpr top2_linear_coeffs codes_to_probs(const top2_linear_coeffs& c) noexcept {
  return {c.b - 128.f * (c.w1 + c.w2), 256.f * c.w1, 256.f * c.w2};
}

/// Checks a probability vector: non-empty, finite, ≥ 0, |Σ − 1| ≤ sum_tol (field `probs.sum`). O(C).
inline status validate_probs(std::span<const float> probs, float sum_tol = 1e-3f) noexcept {
  if (probs.empty()) return detail::fail(errc::empty, "probs.size", 0, "must not be empty");
  double sum = 0;
  for (std::size_t k = 0; k < probs.size(); ++k) {
    if (!detail::finite(probs[k])) return detail::fail(errc::not_finite, "probs", probs[k], "not finite", k);
    if (probs[k] < 0.f) return detail::fail(errc::out_of_range, "probs", probs[k], "must be >= 0", k);
    sum += probs[k];
  }
  if (!(std::fabs(sum - 1.0) <= static_cast<double>(sum_tol))) return detail::fail(errc::out_of_range, "probs.sum", sum, "must be 1 within sum_tol");
  return {};
}

/// Checks logits (non-empty, finite) and the temperature (finite, > 0). O(C).
inline status validate_logits(std::span<const float> z, float t = 1.f) noexcept {
  if (!detail::finite(t)) return detail::fail(errc::not_finite, "temperature", t, "not finite");
  if (!(t > 0.f)) return detail::fail(errc::out_of_range, "temperature", t, "must be > 0");
  if (z.empty()) return detail::fail(errc::empty, "logits.size", 0, "must not be empty");
  for (std::size_t k = 0; k < z.size(); ++k)
    if (!detail::finite(z[k])) return detail::fail(errc::not_finite, "logits", z[k], "not finite", k);
  return {};
}

}  // namespace idn::offload
