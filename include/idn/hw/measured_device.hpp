#pragma once
/// idn::hw::measured_device: a compute_device built from a board file (what the board probe
/// measured on the machine) — a roofline whose compute roof depends on the layer's kind and size
/// and whose memory roof depends on the layer's working set (docs/hardware-validation.md).
///
/// For layer l with F = l.flop and working set B = param + input + output bytes:
///   c(l) = F / π(l): π = the probed FP32 GEMM throughput at F (conv, fc, attention, block), the
///          probed depthwise throughput at F (depthwise_conv), or the probed elementwise rate
///          (1 FLOP per 8 bytes of its bandwidth at B; every other kind);
///   m(l) = B / β(B): β = the probed copy bandwidth at working set B (so a layer that fits in L2
///          sees L2 bandwidth);
/// both interpolated linearly in log(size) between probed points (points of equal size averaged)
/// and clamped at the ends.
/// Probe only (no layer measurements): latency = max(c, m), the roofline.
/// A layer with no FLOPs and no bytes (a view, e.g. dnn::node_layer of an imported Reshape) does
/// nothing and costs 0 in both forms.
/// Fitted (hw/fit_measured_device.hpp): latency = t0_k + (a_k + s_k·ln(F_ref/F)⁺)·c + b_k·m per
/// layer kind k, F_ref = 10¹⁰ FLOP: a_k scales the compute roof for the largest layers and s_k ≥ 0
/// lets smaller layers of a kind run less efficiently than the probe's kernel suggests (runtime
/// overheads that large layers amortize).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"
#include "idn/hw/board_file.hpp"

namespace idn::hw {

/// Coefficients of one layer kind: latency = t0 + (compute + size_slope·ln(F_ref/F)⁺)·c(l) +
/// memory·m(l), F_ref = measured_device::reference_flop.
struct layer_kind_fit {
  double t0 = 0;          ///< seconds per layer call
  double compute = 1;     ///< multiplies c(l) at F ≥ F_ref
  double memory = 1;      ///< multiplies m(l)
  double size_slope = 0;  ///< extra multiplier of c(l) per e-fold below F_ref
};

/// measured_device's knobs: the thread count of the board file, per-kind fits, memory and call overhead.
struct measured_device_options {
  std::uint32_t threads = 1;  ///< which thread count of the board file to use
  /// Per-kind coefficients; empty = probe only (latency = max(c, m)).
  std::vector<layer_kind_fit> fit;
  double memory_bytes = 0;    ///< bytes; 0 = unlimited (+inf)
  double call_overhead = 0;   ///< seconds per call (T_fix)
};

/// The roofline terms of one layer on a measured board.
struct roofline_terms {
  double compute = 0;  ///< c(l), seconds
  double memory = 0;   ///< m(l), seconds
};

/// The compute_device of this header: the probed roofs, optionally corrected per kind by fit.
class measured_device {
public:
  /// Takes the reliable points of `board` at options.threads. Throws invalid_input if the board
  /// lacks a reliable copy_bandwidth, gemm_fp32, depthwise_fp32 or elementwise_fp32 point at that
  /// thread count, if fit is neither empty nor one entry per layer kind, or if a coefficient is
  /// negative or not finite. O(points).
  explicit measured_device(const board_file& board, measured_device_options o = {}) : board_(board), o_(std::move(o)) {
    auto need = [&](board_quantity q) {
      series s;  // points of equal size merge into their mean
      std::size_t same = 0;
      for (const auto& p : board.series(q, o_.threads)) {
        const double x = std::max(p.size, 1.0);
        if (!s.size.empty() && s.size.back() == x) {
          s.value.back() += (p.value - s.value.back()) / static_cast<double>(++same + 1);
        } else {
          s.size.push_back(x);
          s.log_size.push_back(std::log(x));
          s.value.push_back(p.value);
          same = 0;
        }
      }
      if (s.size.empty())
        reject("hw::measured_device", concat("reliable ", board_quantity_names[static_cast<std::size_t>(q)], " points of board '", board.name, "' at ", o_.threads, " thread(s)"), 0,
                 "must be >= 1");
      return s;
    };
    copy_ = need(board_quantity::copy_bandwidth);
    gemm_ = need(board_quantity::gemm_fp32);
    depthwise_ = need(board_quantity::depthwise_fp32);
    elementwise_ = need(board_quantity::elementwise_fp32);
    gemm_peak_ = board.peak(board_quantity::gemm_fp32, o_.threads);
    if (!o_.fit.empty() && o_.fit.size() != dnn::layer_kind_count)
      reject("hw::measured_device", "options.fit.size()", o_.fit.size(), concat("must be 0 or ", dnn::layer_kind_count));
    for (std::size_t k = 0; k < o_.fit.size(); ++k) {
      const auto& f = o_.fit[k];
      for (const double v : {f.t0, f.compute, f.memory, f.size_slope})
        if (!(v >= 0) || !std::isfinite(v))
          reject("hw::measured_device", concat("a coefficient of options.fit[", k, "] (", dnn::layer_kind_names[k], ")"), v, "must be finite and >= 0");
    }
    if (!(o_.memory_bytes >= 0) || !(o_.call_overhead >= 0) || !std::isfinite(o_.call_overhead))
      reject("hw::measured_device", "(options.memory_bytes, options.call_overhead)", concat("(", o_.memory_bytes, ", ", o_.call_overhead, ")"),
           "must be >= 0 (call_overhead finite)");
  }

  /// c(l) and m(l) of the header comment. O(points).
  roofline_terms terms(const dnn::layer& l) const noexcept {
    const double B = l.param_bytes + l.input_bytes + l.output_bytes, F = l.flop;
    roofline_terms t;
    t.memory = B > 0 ? B / at(copy_, B) : 0;
    if (F > 0) {
      switch (l.kind) {
        case dnn::layer_kind::conv: case dnn::layer_kind::fc: case dnn::layer_kind::attention: case dnn::layer_kind::block:
          t.compute = F / at(gemm_, F);
          break;
        case dnn::layer_kind::depthwise_conv:
          t.compute = F / at(depthwise_, F);
          break;
        default:
          t.compute = F / (at(elementwise_, B) / 8.0);
      }
    }
    return t;
  }

  /// (C1) seconds for layer l at batch 1 (see the header comment): finite and >= 0, or +inf when
  /// a term overflows (a layer far beyond any board); never NaN. O(points), noexcept.
  double latency(const dnn::layer& l) const noexcept {
    if (l.flop == 0 && l.param_bytes + l.input_bytes + l.output_bytes == 0) return 0;
    const roofline_terms t = terms(l);
    if (o_.fit.empty()) return std::max(t.compute, t.memory);
    const layer_kind_fit& f = o_.fit[static_cast<std::size_t>(l.kind)];
    // A zero coefficient drops its term even when the term overflowed to +inf (never 0·inf = NaN).
    auto scaled = [](double coefficient, double term) { return coefficient == 0 ? 0.0 : coefficient * term; };
    return f.t0 + scaled(f.compute + f.size_slope * size_term(l.flop), t.compute) + scaled(f.memory, t.memory);
  }
  /// F_ref of the fitted form, FLOP.
  static constexpr double reference_flop = 1e10;
  /// ln(F_ref / F)⁺, the size feature of the fitted form (F < 1 counts as 1).
  static double size_term(double flop) noexcept { return std::max(0.0, std::log(reference_flop / std::max(flop, 1.0))); }
  /// (C2) max(flop / peak probed GEMM FLOP/s, bytes / DRAM copy bandwidth).
  double work_time(double flop, double bytes, dnn::precision) const noexcept {
    return std::max(flop / gemm_peak_, bytes / copy_.value.back());
  }
  /// (C3)
  double memory_bytes() const noexcept { return o_.memory_bytes > 0 ? o_.memory_bytes : INFINITY; }
  /// Seconds per call (options.call_overhead).
  double call_overhead() const noexcept { return o_.call_overhead; }
  /// The board's name.
  const std::string& name() const noexcept { return board_.name; }
  /// The board file it was built from.
  const board_file& board() const noexcept { return board_; }
  /// The options, as validated.
  const measured_device_options& options() const noexcept { return o_; }

private:
  /// Probed points by increasing size (sizes distinct, ≥ 1), with their logarithms.
  struct series {
    std::vector<double> size, log_size, value;
  };
  /// Linear interpolation in log(size) of a series, clamped at the ends; one log only for a size
  /// strictly inside the probed range. O(points).
  static double at(const series& s, double size) noexcept {
    if (!(size > s.size.front())) return s.value.front();
    if (size >= s.size.back()) return s.value.back();
    std::size_t k = 1;
    while (s.size[k] < size) ++k;
    const double w = (std::log(size) - s.log_size[k - 1]) / (s.log_size[k] - s.log_size[k - 1]);
    return s.value[k - 1] + w * (s.value[k] - s.value[k - 1]);
  }

  board_file board_;
  measured_device_options o_;
  series copy_, gemm_, depthwise_, elementwise_;
  double gemm_peak_ = 0;  ///< the fastest probed FP32 GEMM, FLOP/s (work_time's compute roof)
};

}  // namespace idn::hw
