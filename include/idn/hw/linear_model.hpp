#pragma once
/// Neurosurgeon-style per-kind latency regression (Kang et al., ASPLOS 2017).
/// linear:      t = a_τ + b1·F + b2·P + b3·(A_in + A_out)
/// logarithmic: t = a_τ + b1·ln(1+F) + b2·ln(1+B),  B = P + A_in + A_out
/// A kind with at least (features + 1) samples gets its own fit; others use the pooled fit.
/// Least squares by Eigen::CompleteOrthogonalDecomposition (minimum-norm when rank-deficient).
#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <string>

#include <Eigen/Dense>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"

namespace idn::hw {

/// The regression's features: linear in FLOP and bytes, or in their logarithms.
enum class regression_form : std::uint8_t { linear, logarithmic };

/// One measured layer.
struct layer_sample {
  dnn::layer layer;
  double seconds = 0;
};

/// Models compute_device. One fit per precision: l.prec is ignored.
class linear_layer_model {
public:
  /// Fits per-kind and pooled models. Throws invalid_input with fewer than 5 samples, a
  /// non-positive or non-finite seconds value, or a negative/non-finite layer field. O(S).
  static linear_layer_model fit(std::span<const layer_sample> samples, regression_form form = regression_form::linear,
                                double memory_bytes = INFINITY) {
    if (samples.size() < 5)
      reject("hw::linear_layer_model::fit", "samples.size()", samples.size(), "must be >= 5");
    check::positive_or_inf("idn::hw::linear_layer_model::fit: memory_bytes", memory_bytes);
    for (std::size_t s = 0; s < samples.size(); ++s) {
      const std::string f = concat("idn::hw::linear_layer_model::fit: samples[", s) + "]";
      check::finite_positive(f + ".seconds", samples[s].seconds);
      const auto& l = samples[s].layer;
      check::finite_nonnegative(f + ".layer.flop", l.flop);
      check::finite_nonnegative(f + ".layer.param_bytes", l.param_bytes);
      check::finite_nonnegative(f + ".layer.input_bytes", l.input_bytes);
      check::finite_nonnegative(f + ".layer.output_bytes", l.output_bytes);
      check::finite_derived(f + ".layer.output_bytes", l.output_bytes, l.param_bytes + l.input_bytes + l.output_bytes,
                            "param_bytes + input_bytes + output_bytes");
    }
    linear_layer_model m;
    m.form_ = form;
    m.memory_ = memory_bytes;
    const Eigen::Index p = m.num_coefficients();
    auto solve = [&](auto&& include) {
      Eigen::Index rows = 0;
      for (const auto& s : samples) rows += include(s) ? 1 : 0;
      Eigen::MatrixXd x(rows, p);
      Eigen::VectorXd y(rows);
      Eigen::Index r = 0;
      for (const auto& s : samples) {
        if (!include(s)) continue;
        x.row(r) = m.features(s.layer.flop, s.layer.param_bytes, s.layer.input_bytes + s.layer.output_bytes).transpose();
        y(r++) = s.seconds;
      }
      return Eigen::VectorXd(Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(x).solve(y));
    };
    // Aggregate rule (docs/reliability.md): a least-squares solution over features that span
    // more than double's range can be inf or NaN; such a fit is rejected, not returned.
    auto finite_fit = [](Eigen::VectorXd c, const char* which) {
      if (!c.allFinite())
        reject("hw::linear_layer_model::fit", concat("the ", which, " coefficients"), "not finite", "the samples' features must span less than double precision");
      return c;
    };
    m.pooled_ = finite_fit(solve([](const layer_sample&) { return true; }), "pooled");
    std::array<std::size_t, dnn::layer_kind_count> count{};
    for (const auto& s : samples) ++count[static_cast<std::size_t>(s.layer.kind)];
    for (std::size_t k = 0; k < dnn::layer_kind_count; ++k)
      if (count[k] >= static_cast<std::size_t>(p))
        m.per_kind_[k] = finite_fit(solve([k](const layer_sample& s) { return static_cast<std::size_t>(s.layer.kind) == k; }), "per-kind");
    return m;
  }

  /// The kind's fit if it has one, else the pooled fit; clamped at 0; +inf when a term overflows
  /// (never NaN). O(1), no allocation.
  double latency(const dnn::layer& l) const noexcept {
    const auto& c = per_kind_[static_cast<std::size_t>(l.kind)];
    return predict(c ? *c : pooled_, l.flop, l.param_bytes, l.input_bytes + l.output_bytes);
  }
  /// Pooled fit with P = 0 and A = bytes; clamped at 0.
  double work_time(double flop, double bytes, dnn::precision) const noexcept { return predict(pooled_, flop, 0, bytes); }
  /// The memory capacity given at fit time.
  double memory_bytes() const noexcept { return memory_; }
  /// The kind's own coefficients (intercept first), or nothing when it uses the pooled fit.
  std::optional<Eigen::VectorXd> coefficients(dnn::layer_kind k) const { return per_kind_[static_cast<std::size_t>(k)]; }
  /// The pooled coefficients (used for kinds with too few samples).
  const Eigen::VectorXd& pooled() const noexcept { return pooled_; }
  /// The regression form.
  regression_form form() const noexcept { return form_; }
  /// Number of coefficients including the intercept: 4 (linear) or 3 (logarithmic).
  Eigen::Index num_coefficients() const noexcept { return form_ == regression_form::linear ? 4 : 3; }

  /// Feature row for (F, P, A = A_in + A_out), intercept first.
  Eigen::VectorXd features(double flop, double params, double act) const {
    Eigen::VectorXd x(num_coefficients());
    if (form_ == regression_form::linear)
      x << 1.0, flop, params, act;
    else
      x << 1.0, std::log1p(flop), std::log1p(params + act);
    return x;
  }

private:
  double predict(const Eigen::VectorXd& c, double flop, double params, double act) const noexcept {
    double t;
    if (form_ == regression_form::linear)
      t = c[0] + c[1] * flop + c[2] * params + c[3] * act;
    else
      t = c[0] + c[1] * std::log1p(flop) + c[2] * std::log1p(params + act);
    if (std::isnan(t)) return INFINITY;  // inf − inf from terms that overflowed: checked_latency rejects it
    return t > 0 ? t : 0.0;
  }

  regression_form form_ = regression_form::linear;
  double memory_ = INFINITY;
  Eigen::VectorXd pooled_;
  std::array<std::optional<Eigen::VectorXd>, dnn::layer_kind_count> per_kind_{};
};

}  // namespace idn::hw
