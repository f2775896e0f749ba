#pragma once
/// Roofline calibration from measured runs (docs/hardware-models.md "Measured and fitted devices",
/// §4). Unknowns u = (t_0, v_c = 1/η_c, v_m = 1/η_m); any subset is fitted, the rest stay at the
/// start values. Objective Σ_s ((ŷ_s − m_s)/m_s)², subject to t_0 ≥ 0, v ≥ 1.
/// Sum form: exact (NNLS over ≤ 3 variables by support enumeration). Max form: heuristic that
/// alternates dominant-term assignment and the sum-form solve, returning the best iterate.
/// The start's call_overhead (T_fix) is part of each run and is held fixed.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"
#include "idn/hw/roofline.hpp"

namespace idn::hw {

/// A set of layers (each at its own precision) run once, measured as `seconds`.
struct calibration_sample {
  std::vector<dnn::layer> layers;
  double seconds = 0;
};

/// calibrate_roofline's knobs (see the members).
struct calibration_options {
  bool fit_compute = true, fit_memory = true, fit_layer_overhead = true;
  std::uint32_t max_rounds = 50;  ///< max-form rounds
};

/// calibrate_roofline's outcome: the fitted parameters and how well they fit.
struct calibration_result {
  roofline_params params;          ///< start with the fitted t_0, η_c, η_m
  double rms_relative_error = 0;   ///< sqrt(mean(((ŷ_s − m_s)/m_s)²))
  double max_relative_error = 0;   ///< max |ŷ_s − m_s|/m_s
  bool compute_at_bound = false;   ///< η_c was fitted and ended at 1
  bool memory_at_bound = false;    ///< η_m was fitted and ended at 1
  std::uint32_t rounds = 0;        ///< max-form rounds run (0 for the sum form)
};

namespace detail {

/// Per-layer terms: c = F/π_p, m = B/β (at η = 1).
struct layer_terms { double c, m; };

/// min ||A w − b||² s.t. w ≥ 0 for a few columns (k ≤ 4 in idn), exactly, by enumerating the
/// supports and solving each by column-pivoting QR; keeps the best feasible one. O(2^k · S).
inline Eigen::VectorXd nnls_small(const Eigen::MatrixXd& a, const Eigen::VectorXd& b) {
  const Eigen::Index k = a.cols();
  Eigen::VectorXd best = Eigen::VectorXd::Zero(k);
  double best_obj = b.squaredNorm();
  for (unsigned mask = 1; mask < (1u << k); ++mask) {
    std::vector<Eigen::Index> cols;
    for (Eigen::Index j = 0; j < k; ++j)
      if (mask & (1u << j)) cols.push_back(j);
    Eigen::MatrixXd sub(a.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) sub.col(static_cast<Eigen::Index>(j)) = a.col(cols[j]);
    const Eigen::VectorXd ws = sub.colPivHouseholderQr().solve(b);
    if (!ws.allFinite() || (ws.array() < 0).any()) continue;
    Eigen::VectorXd w = Eigen::VectorXd::Zero(k);
    for (std::size_t j = 0; j < cols.size(); ++j) w(cols[j]) = ws(static_cast<Eigen::Index>(j));
    const double obj = (a * w - b).squaredNorm();
    if (obj < best_obj) { best_obj = obj; best = w; }
  }
  return best;
}

}  // namespace detail

/// Fits the selected unknowns of `start` to measured samples. Throws invalid_input for invalid
/// `start`, a sample with seconds ≤ 0 or non-finite, an empty sample, a bad layer field, or
/// fewer samples than fitted parameters. O(S·L) (times rounds for the max form).
inline calibration_result calibrate_roofline(const roofline_params& start, std::span<const calibration_sample> samples,
                                             const calibration_options& opt = {}) {
  validate(start);
  const std::array<bool, 3> fit{opt.fit_layer_overhead, opt.fit_compute, opt.fit_memory};
  const int nfit = int(fit[0]) + int(fit[1]) + int(fit[2]);
  if (samples.size() < static_cast<std::size_t>(nfit))
    reject("hw::calibrate_roofline", "samples.size()", samples.size(), concat("must be >= the number of fitted parameters = ", nfit));
  // Per-layer terms, flattened.
  std::vector<detail::layer_terms> terms;
  std::vector<std::size_t> first(samples.size() + 1, 0);
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const std::string f = concat("idn::hw::calibrate_roofline: samples[", s) + "]";
    check::finite_positive(f + ".seconds", samples[s].seconds);
    if (samples[s].layers.empty()) reject("hw::calibrate_roofline", concat("samples[", s, "].layers.size()"), 0, "must be >= 1");
    double sample_c = 0, sample_m = 0;
    for (std::size_t i = 0; i < samples[s].layers.size(); ++i) {
      const auto& l = samples[s].layers[i];
      const std::string lf = f + concat(".layers[", i) + "]";
      check::finite_nonnegative(lf + ".flop", l.flop);
      check::finite_nonnegative(lf + ".param_bytes", l.param_bytes);
      check::finite_nonnegative(lf + ".input_bytes", l.input_bytes);
      check::finite_nonnegative(lf + ".output_bytes", l.output_bytes);
      const double bytes = start.activations_on_chip ? l.param_bytes : l.param_bytes + l.input_bytes + l.output_bytes;
      terms.push_back({l.flop / start.peak_flops[static_cast<std::size_t>(l.prec)], bytes / start.memory_bandwidth});
      sample_c += terms.back().c, sample_m += terms.back().m;
      if (!std::isfinite(sample_c + sample_m))  // aggregate rule (docs/reliability.md)
        reject("hw::calibrate_roofline", concat("samples[", s, "] compute + memory time at the start's peaks (through layers[", i, "])"), sample_c + sample_m,
               "must be finite (the sum overflows)");
    }
    first[s + 1] = terms.size();
  }
  const std::size_t S = samples.size();
  const std::array<double, 3> lower{0.0, 1.0, 1.0};
  std::array<double, 3> u{start.layer_overhead, 1.0 / start.compute_efficiency, 1.0 / start.memory_efficiency};
  const double tfix = start.call_overhead;

  // Rows a_s = (n_s, Σ_C c_i, Σ_M m_i) for an assignment (sum form: every layer in both).
  auto rows = [&](const std::vector<std::uint8_t>* assign) {
    Eigen::MatrixXd a(static_cast<Eigen::Index>(S), 3);
    for (std::size_t s = 0; s < S; ++s) {
      double c = 0, m = 0;
      for (std::size_t i = first[s]; i < first[s + 1]; ++i) {
        if (!assign || (*assign)[i] == 1) c += terms[i].c;
        if (!assign || (*assign)[i] == 0) m += terms[i].m;
      }
      a.row(static_cast<Eigen::Index>(s)) << double(first[s + 1] - first[s]), c, m;
    }
    return a;
  };
  // Solve the linear model for the fitted unknowns, the others held at u.
  auto solve = [&](const Eigen::MatrixXd& a, std::array<double, 3> cur) {
    std::vector<Eigen::Index> cols;
    for (Eigen::Index j = 0; j < 3; ++j)
      if (fit[static_cast<std::size_t>(j)]) cols.push_back(j);
    Eigen::MatrixXd az(static_cast<Eigen::Index>(S), static_cast<Eigen::Index>(cols.size()));
    Eigen::VectorXd b(static_cast<Eigen::Index>(S));
    for (std::size_t s = 0; s < S; ++s) {
      const auto r = static_cast<Eigen::Index>(s);
      const double inv = 1.0 / samples[s].seconds;
      double fixed = tfix;
      for (Eigen::Index j = 0; j < 3; ++j)
        fixed += a(r, j) * (fit[static_cast<std::size_t>(j)] ? lower[static_cast<std::size_t>(j)] : cur[static_cast<std::size_t>(j)]);
      b(r) = 1.0 - fixed * inv;
      for (std::size_t j = 0; j < cols.size(); ++j) az(r, static_cast<Eigen::Index>(j)) = a(r, cols[j]) * inv;
    }
    if (!cols.empty()) {
      const Eigen::VectorXd w = detail::nnls_small(az, b);
      for (std::size_t j = 0; j < cols.size(); ++j)
        cur[static_cast<std::size_t>(cols[j])] = lower[static_cast<std::size_t>(cols[j])] + w(static_cast<Eigen::Index>(j));
    }
    return cur;
  };
  // Relative errors of the true model (sum or max form) at u.
  auto errors = [&](const std::array<double, 3>& x, double& rms, double& mx) {
    double ss = 0;
    mx = 0;
    for (std::size_t s = 0; s < S; ++s) {
      double y = tfix;
      for (std::size_t i = first[s]; i < first[s + 1]; ++i) {
        const double c = x[1] * terms[i].c, m = x[2] * terms[i].m;
        y += x[0] + (start.overlap == overlap_mode::sum ? c + m : std::max(c, m));
      }
      const double e = (y - samples[s].seconds) / samples[s].seconds;
      ss += e * e;
      mx = std::max(mx, std::abs(e));
    }
    rms = std::sqrt(ss / double(S));
    return ss;
  };

  calibration_result res;
  std::array<double, 3> best = solve(rows(nullptr), u);
  double best_obj = errors(best, res.rms_relative_error, res.max_relative_error);
  if (start.overlap == overlap_mode::max) {
    std::vector<std::vector<std::uint8_t>> seen;
    std::array<double, 3> cur = best;
    for (std::uint32_t round = 0; round < opt.max_rounds; ++round) {
      std::vector<std::uint8_t> assign(terms.size());
      for (std::size_t i = 0; i < terms.size(); ++i) assign[i] = cur[1] * terms[i].c >= cur[2] * terms[i].m ? 1 : 0;
      if (std::find(seen.begin(), seen.end(), assign) != seen.end()) break;
      ++res.rounds;
      cur = solve(rows(&assign), cur);
      seen.push_back(std::move(assign));
      double rms = 0, mx = 0;
      const double obj = errors(cur, rms, mx);
      if (obj < best_obj) {
        best_obj = obj;
        best = cur;
        res.rms_relative_error = rms;
        res.max_relative_error = mx;
      }
    }
  }
  res.params = start;
  res.params.layer_overhead = best[0];
  res.params.compute_efficiency = 1.0 / best[1];
  res.params.memory_efficiency = 1.0 / best[2];
  // The fitted parameters must form a valid device whose reciprocals are finite.
  if (!std::isfinite(best[0]) || !std::isfinite(best[1]) || !std::isfinite(best[2]) || !(res.params.compute_efficiency > 0) ||
      !(res.params.memory_efficiency > 0) || !std::isfinite(res.rms_relative_error))
    reject("hw::calibrate_roofline", "fit (t_0, 1/eta_c, 1/eta_m)", concat("(", best[0], ", ", best[1], ", ", best[2], ")"),
           "must be finite (the samples must span less than double precision)");
  res.compute_at_bound = fit[1] && best[1] == 1.0;
  res.memory_at_bound = fit[2] && best[2] == 1.0;
  return res;
}

}  // namespace idn::hw
