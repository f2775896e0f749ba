#pragma once
/// idn::hw::fit_layer_kinds: fits a measured_device's per-kind coefficients (t0, compute, memory,
/// size_slope) to per-layer latencies a real runtime measured (docs/hardware-validation.md §2).
/// Per layer kind k: min Σ_i ((t0 + (a + s·z_i)·c_i + b·m_i − y_i) / y_i)² over t0, a, b, s ≥ 0,
/// z_i = ln(F_ref/F_i)⁺ (relative error, so small layers count as much as large ones), solved
/// exactly (non-negative least squares over 4 variables by support enumeration). A kind with
/// fewer than options.min_samples samples takes the fit pooled over all samples.
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/layer_measurements.hpp"
#include "idn/hw/measured_device.hpp"

namespace idn::hw {

/// fit_layer_kinds' knobs.
struct layer_fit_options {
  std::size_t min_samples = 8;  ///< a kind with fewer samples uses the pooled fit
};

/// The per-kind coefficients (one entry per dnn::layer_kind) for measured_device_options::fit.
/// `probe` supplies c(l), m(l) (its own fit is ignored). Throws invalid_input if the spans differ
/// in length, are empty, or a time is not finite and > 0 (naming the index and value).
/// O(S) plus 15 four-column QRs per kind.
inline std::vector<layer_kind_fit> fit_layer_kinds(const measured_device& probe, std::span<const dnn::layer> layers,
                                                   std::span<const double> seconds, const layer_fit_options& o = {}) {
  if (layers.size() != seconds.size() || layers.empty())
    reject("hw::fit_layer_kinds", "(layers, seconds) sizes", concat("(", layers.size(), ", ", seconds.size(), ")"), "must be equal and > 0");
  for (std::size_t i = 0; i < seconds.size(); ++i)
    if (!(seconds[i] > 0) || !std::isfinite(seconds[i]))
      reject("hw::fit_layer_kinds", concat("seconds[", i, "]"), seconds[i], "must be finite and > 0");
  auto solve = [&](auto&& take) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < layers.size(); ++i)
      if (take(layers[i])) rows.push_back(i);
    Eigen::MatrixXd a(static_cast<Eigen::Index>(rows.size()), 4);
    Eigen::VectorXd b = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const roofline_terms t = probe.terms(layers[rows[r]]);
      const double y = seconds[rows[r]];
      const double z = measured_device::size_term(layers[rows[r]].flop);
      a.row(static_cast<Eigen::Index>(r)) << 1 / y, t.compute / y, t.memory / y, z * t.compute / y;
    }
    const Eigen::VectorXd w = detail::nnls_small(a, b);
    return std::pair{rows.size(), layer_kind_fit{w(0), w(1), w(2), w(3)}};
  };
  const layer_kind_fit pooled = solve([](const dnn::layer&) { return true; }).second;
  std::vector<layer_kind_fit> fit(dnn::layer_kind_count, pooled);
  for (std::size_t k = 0; k < dnn::layer_kind_count; ++k) {
    const auto [n, f] = solve([k](const dnn::layer& l) { return static_cast<std::size_t>(l.kind) == k; });
    if (n >= o.min_samples) fit[k] = f;
  }
  return fit;
}

/// The per-node dispatch overhead τ ≥ 0 of a runtime: what a whole-model run costs beyond the sum
/// of its layers (framework dispatch, functional ops outside the timed layers). Given, per model,
/// the predicted node latencies' sum P_m, its node count n_m (nodes that do work) and the
/// measured whole-model seconds Y_m: min Σ_m ((P_m + τ·n_m − Y_m)/Y_m)² over τ ≥ 0, in closed
/// form. Add τ to every fitted t0 to include it. Throws invalid_input for unequal or empty spans
/// or a non-finite / non-positive Y_m or P_m, or a negative n_m. O(models).
inline double fit_dispatch_overhead(std::span<const double> predicted_s, std::span<const double> nodes, std::span<const double> measured_s) {
  if (predicted_s.size() != nodes.size() || nodes.size() != measured_s.size() || nodes.empty())
    reject("hw::fit_dispatch_overhead", "(predicted_s, nodes, measured_s) sizes", concat("(", predicted_s.size(), ", ", nodes.size(), ", ", measured_s.size(), ")"),
           "must be equal and > 0");
  double num = 0, den = 0;
  for (std::size_t m = 0; m < nodes.size(); ++m) {
    const double y = measured_s[m], p = predicted_s[m], n = nodes[m];
    if (!(y > 0) || !std::isfinite(y)) reject("hw::fit_dispatch_overhead", concat("measured_s[", m, "]"), y, "must be finite and > 0");
    if (!(p > 0) || !std::isfinite(p)) reject("hw::fit_dispatch_overhead", concat("predicted_s[", m, "]"), p, "must be finite and > 0");
    if (!(n >= 0) || !std::isfinite(n)) reject("hw::fit_dispatch_overhead", concat("nodes[", m, "]"), n, "must be finite and >= 0");
    num += (n / y) * (1 - p / y);
    den += (n / y) * (n / y);
  }
  return den > 0 ? std::max(0.0, num / den) : 0.0;
}

/// The two fits of docs/hardware-validation.md §2 in one call: per-kind coefficients on every
/// measured layer of `runs`, then the dispatch overhead τ (added to every t0) on the whole-model
/// times of the runs whose graph is given — graph_nodes[m] holds run m's nodes as layers (e.g.
/// dnn::node_layer of its imported ONNX graph), or is empty to leave run m out of the τ fit; τ = 0
/// when no run has a graph. Throws as fit_layer_kinds and fit_dispatch_overhead; invalid_input if
/// the spans differ in length.
struct runtime_fit {
  measured_device_options options;  ///< for measured_device (threads from the probe); t0 includes τ
  double dispatch_overhead = 0;     ///< τ, seconds per node (subtract from t0 to time layers alone)
};
/// Fits per-kind coefficients and the dispatch overhead τ to a runtime's measurements (see runtime_fit above). O(S) plus the per-kind QRs.
inline runtime_fit fit_device_to_runtime(const measured_device& probe, std::span<const model_measurements> runs,
                                                     std::span<const std::vector<dnn::layer>> graph_nodes, const layer_fit_options& o = {}) {
  if (graph_nodes.size() != runs.size())
    reject("hw::fit_device_to_runtime", "runs.size()", runs.size(), concat("must equal graph_nodes.size() = ", graph_nodes.size()));
  std::vector<dnn::layer> layers;
  std::vector<double> seconds;
  for (const auto& r : runs) {
    layers.insert(layers.end(), r.layers.begin(), r.layers.end());
    seconds.insert(seconds.end(), r.layer_seconds.begin(), r.layer_seconds.end());
  }
  runtime_fit out{probe.options(), 0};
  out.options.fit = fit_layer_kinds(probe, layers, seconds, o);
  const measured_device layers_only(probe.board(), out.options);
  std::vector<double> predicted, nodes, whole;
  for (std::size_t m = 0; m < runs.size(); ++m) {
    if (graph_nodes[m].empty()) continue;
    double t = 0, n = 0;
    for (const auto& l : graph_nodes[m]) {
      const double s = layers_only.latency(l);
      t += s;
      n += s > 0 ? 1 : 0;  // views (no work) carry no dispatch either
    }
    predicted.push_back(t);
    nodes.push_back(n);
    whole.push_back(runs[m].model_seconds);
  }
  if (!predicted.empty()) {
    out.dispatch_overhead = fit_dispatch_overhead(predicted, nodes, whole);
    for (auto& f : out.options.fit) f.t0 += out.dispatch_overhead;
  }
  return out;
}

}  // namespace idn::hw
