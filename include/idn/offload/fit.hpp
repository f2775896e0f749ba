#pragma once
/// Offline score calibration fits (docs/offload.md "Temperature", §4): temperature scaling
/// by safeguarded Newton on the convex NLL in a = 1/T, and the top-2 logistic decision module by
/// Newton/IRLS with a 3×3 Cholesky solve and backtracking. O(mC) per temperature step, O(m) per
/// top-2 step; no allocation, no exceptions.
#include <cmath>
#include <cstdint>
#include <span>

#include "idn/offload/status.hpp"
#include "idn/offload/decision.hpp"
#include "idn/offload/scores.hpp"

namespace idn::offload {

/// temperature: T* = 1/a*; NLL (natural log, summed) before (T = 1) and after; at_bound when the
/// optimum is clamped to a ∈ [2^−6, 2^6].
struct temperature_result {
  status st;
  float temperature = 1;
  double nll_before = 0, nll_after = 0;
  int iterations = 0;
  bool at_bound = false;
};

namespace detail {
/// NLL(a) = Σ_i [log Σ_k e^{a z_ik} − a z_{i,y_i}] and its first two derivatives in a.
struct nll_eval {
  double f = 0, d1 = 0, d2 = 0;
};
inline nll_eval temperature_nll(std::span<const float> z, std::size_t C, std::span<const std::uint32_t> y, double a) noexcept {
  nll_eval r;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const float* row = z.data() + i * C;
    // max_k a·z_k = a·max_k z_k exactly for a > 0 (rounding is monotone). Taking the float maximum
    // first also keeps this loop out of GCC 12's aarch64 -O3 vectoriser, which crashes (ICE in
    // vect_transform_reduction) on an fmax reduction over float→double products.
    float zmax = row[0];
    for (std::size_t k = 1; k < C; ++k) zmax = row[k] > zmax ? row[k] : zmax;
    const double m = a * zmax;
    double d = 0, s1 = 0, s2 = 0;
    for (std::size_t k = 0; k < C; ++k) {
      const double e = std::exp(a * row[k] - m);
      d += e, s1 += e * row[k], s2 += e * static_cast<double>(row[k]) * row[k];
    }
    const double mean = s1 / d;
    r.f += m + std::log(d) - a * row[y[i]];
    r.d1 += mean - row[y[i]];
    r.d2 += std::fmax(0.0, s2 / d - mean * mean);
  }
  return r;
}
}  // namespace detail

/// Temperature scaling (Guo et al.): minimises the NLL over a = 1/T ∈ [2^−6, 2^6] by Newton
/// steps kept inside a sign bracket (bisection otherwise); stops at |Δa| ≤ 1e-7·a or 64
/// iterations. logits is m×C row-major, labels[i] < C, C ≥ 2. O(mC) per iteration.
inline temperature_result fit_temperature(std::span<const float> logits, std::size_t classes,
                                          std::span<const std::uint32_t> labels) noexcept {
  temperature_result r;
  if (classes < 2) return r.st = detail::fail(errc::out_of_range, "classes", static_cast<double>(classes), "must be >= 2"), r;
  if (labels.empty()) return r.st = detail::fail(errc::empty, "labels.size", 0, "must not be empty"), r;
  if (logits.size() != labels.size() * classes)
    return r.st = detail::fail(errc::size_mismatch, "logits.size", static_cast<double>(logits.size()), "must equal labels.size * classes"), r;
  for (std::size_t i = 0; i < logits.size(); ++i)
    if (!detail::finite(logits[i])) return r.st = detail::fail(errc::not_finite, "logits", logits[i], "not finite", i), r;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= classes) return r.st = detail::fail(errc::out_of_range, "labels", labels[i], "must be < classes", i), r;
  double lo = 0x1p-6, hi = 0x1p6;
  r.nll_before = detail::temperature_nll(logits, classes, labels, 1.0).f;
  const detail::nll_eval at_lo = detail::temperature_nll(logits, classes, labels, lo);
  const detail::nll_eval at_hi = detail::temperature_nll(logits, classes, labels, hi);
  double a = 1;
  if (at_lo.d1 >= 0) {
    a = lo, r.at_bound = true;
  } else if (at_hi.d1 <= 0) {
    a = hi, r.at_bound = true;
  } else {
    for (r.iterations = 1; r.iterations <= 64; ++r.iterations) {
      const detail::nll_eval e = detail::temperature_nll(logits, classes, labels, a);
      if (e.d1 > 0) hi = a;
      else lo = a;
      double next = e.d2 > 0 ? a - e.d1 / e.d2 : (lo + hi) / 2;
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      const double step = std::fabs(next - a);
      a = next;
      if (step <= 1e-7 * a || e.d1 == 0) break;
    }
  }
  r.temperature = static_cast<float>(1.0 / a);
  r.nll_after = detail::temperature_nll(logits, classes, labels, a).f;
  return r;
}

/// Fitted top-2 logistic module: P(local correct) = σ(b + w1·p1 + w2·p2); nll is the mean
/// logistic NLL plus (l2/2)(w1² + w2²) at the returned coefficients.
struct top2_fit_result {
  status st;
  top2_linear_coeffs coeffs{0, 0, 0};
  double nll = 0;
  int iterations = 0;
};

namespace detail {
/// Objective, gradient and Hessian of the top-2 logistic fit at w = (b, w1, w2).
struct logistic_eval {
  double f = 0, g[3] = {0, 0, 0}, h[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
};
inline logistic_eval top2_objective(std::span<const top2> t, std::span<const std::uint8_t> wrong, const double w[3], double l2,
                                    bool with_hessian) noexcept {
  logistic_eval e;
  const double inv_m = 1.0 / static_cast<double>(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double x[3] = {1.0, t[i].p1, t[i].p2};
    const double gi = w[0] + w[1] * x[1] + w[2] * x[2];
    const double c = wrong[i] ? 0.0 : 1.0;  // target: local correct
    const double softplus = std::fmax(gi, 0.0) + std::log1p(std::exp(-std::fabs(gi)));
    const double sig = gi >= 0 ? 1.0 / (1.0 + std::exp(-gi)) : std::exp(gi) / (1.0 + std::exp(gi));
    e.f += (softplus - c * gi) * inv_m;
    for (int a = 0; a < 3; ++a) {
      e.g[a] += (sig - c) * x[a] * inv_m;
      if (with_hessian)
        for (int b = 0; b < 3; ++b) e.h[a][b] += sig * (1 - sig) * x[a] * x[b] * inv_m;
    }
  }
  e.f += 0.5 * l2 * (w[1] * w[1] + w[2] * w[2]);
  e.g[1] += l2 * w[1], e.g[2] += l2 * w[2];
  e.h[1][1] += l2, e.h[2][2] += l2;
  return e;
}
/// Solves H d = g for symmetric positive definite H by Cholesky; false if H is not SPD.
inline bool cholesky_solve3(const double H[3][3], const double g[3], double d[3]) noexcept {
  double L[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = H[i][j];
      for (int k = 0; k < j; ++k) s -= L[i][k] * L[j][k];
      if (i == j) {
        if (!(s > 1e-300)) return false;
        L[i][i] = std::sqrt(s);
      } else {
        L[i][j] = s / L[j][j];
      }
    }
  double z[3];
  for (int i = 0; i < 3; ++i) {
    double s = g[i];
    for (int k = 0; k < i; ++k) s -= L[i][k] * z[k];
    z[i] = s / L[i][i];
  }
  for (int i = 2; i >= 0; --i) {
    double s = z[i];
    for (int k = i + 1; k < 3; ++k) s -= L[k][i] * d[k];
    d[i] = s / L[i][i];
  }
  return true;
}
}  // namespace detail

/// Fits (b, w1, w2) of the top-2 module (Behera et al.) by Newton/IRLS with backtracking on the
/// mean logistic NLL + (l2/2)(w1² + w2²), target "local correct" (so g ≥ 0 accepts). Stops at
/// gradient ∞-norm ≤ 1e-9 or 50 iterations. Invalid entries → not_finite; one class only →
/// degenerate. O(m) per iteration.
inline top2_fit_result fit_top2_linear(std::span<const top2> t, std::span<const std::uint8_t> local_wrong, float l2 = 1e-4f) noexcept {
  top2_fit_result r;
  if (t.empty()) return r.st = detail::fail(errc::empty, "t.size", 0, "must not be empty"), r;
  if (local_wrong.size() != t.size())
    return r.st = detail::fail(errc::size_mismatch, "local_wrong.size", static_cast<double>(local_wrong.size()), "must equal t.size"), r;
  if (!detail::finite(l2) || l2 < 0.f) return r.st = detail::fail(errc::out_of_range, "l2", l2, "must be finite and >= 0"), r;
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!t[i].valid || !detail::finite(t[i].p1) || !detail::finite(t[i].p2))
      return r.st = detail::fail(errc::not_finite, "t.valid", 0, "invalid top-2 entry", i), r;
    if (local_wrong[i] > 1) return r.st = detail::fail(errc::not_binary, "local_wrong", local_wrong[i], "must be 0 or 1", i), r;
    wrong += local_wrong[i];
  }
  if (wrong == 0 || wrong == t.size())
    return r.st = detail::fail(errc::degenerate, "local_wrong", static_cast<double>(wrong), "only one class present"), r;
  double w[3] = {0, 0, 0};
  const double lambda = l2;
  detail::logistic_eval e = detail::top2_objective(t, local_wrong, w, lambda, true);
  for (r.iterations = 0; r.iterations < 50; ++r.iterations) {
    const double gmax = std::fmax(std::fabs(e.g[0]), std::fmax(std::fabs(e.g[1]), std::fabs(e.g[2])));
    if (gmax <= 1e-9) break;
    double d[3];
    if (!detail::cholesky_solve3(e.h, e.g, d)) d[0] = e.g[0], d[1] = e.g[1], d[2] = e.g[2];  // gradient step
    double step = 1;
    detail::logistic_eval next;
    double trial[3];
    for (int k = 0; k < 60; ++k, step /= 2) {
      for (int a = 0; a < 3; ++a) trial[a] = w[a] - step * d[a];
      next = detail::top2_objective(t, local_wrong, trial, lambda, true);
      if (next.f <= e.f - 1e-4 * step * (e.g[0] * d[0] + e.g[1] * d[1] + e.g[2] * d[2])) break;
    }
    if (!(next.f <= e.f)) break;  // no descent left at double precision
    for (int a = 0; a < 3; ++a) w[a] = trial[a];
    e = next;
  }
  r.coeffs = {static_cast<float>(w[0]), static_cast<float>(w[1]), static_cast<float>(w[2])};
  r.nll = e.f;
  return r;
}

}  // namespace idn::offload
