#pragma once
/// The roofline device (Williams, Waterman & Patterson 2009) with per-layer and per-call
/// overheads and max/sum overlap. docs/hardware-models.md "Roofline".
#include <array>
#include <cmath>
#include <string>
#include <string_view>

#include "idn/core/check.hpp"
#include "idn/dnn/layer.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::hw {

/// max: compute and memory overlap (GPUs, out-of-order CPUs); sum: they don't (in-order MCUs).
enum class overlap_mode : std::uint8_t { max, sum };

/// A roofline device's datasheet: peaks per precision, bandwidth, efficiencies, overheads, memory and power.
struct roofline_params {
  std::string name;
  std::array<double, 3> peak_flops{};     ///< FLOP/s (OP/s for int8), indexed by dnn::precision
  double memory_bandwidth = 0;            ///< byte/s
  double compute_efficiency = 1;          ///< η_c ∈ (0, 1]
  double memory_efficiency = 1;           ///< η_m ∈ (0, 1]
  double layer_overhead = 0;              ///< t_0, seconds per layer
  double call_overhead = 0;               ///< T_fix, seconds per call
  overlap_mode overlap = overlap_mode::max;
  bool activations_on_chip = false;       ///< bytes moved are parameters only
  double memory_bytes = 0;                ///< bytes; 0 = unlimited (+inf)
  double weight_storage = 0;              ///< bytes of separate weight storage (flash); 0 = shared
  double active_power = 0, idle_power = 0;  ///< W; active 0 = unknown
};

/// Throws invalid_input for any §5 violation, naming the preset and field.
inline void validate(const roofline_params& p) {
  const std::string who = "idn::hw::roofline_device: device '" + p.name + "': ";
  for (std::size_t i = 0; i < 3; ++i) {
    const double v = p.peak_flops[i];
    if (!std::isfinite(v) || v <= 0)
      check::fail(who + "peak_flops[" + std::string(dnn::to_string(static_cast<dnn::precision>(i))) + "]", v,
                  "must be finite and > 0");
  }
  check::finite_positive(who + "memory_bandwidth", p.memory_bandwidth);
  check::unit_interval_open_closed(who + "compute_efficiency", p.compute_efficiency);
  check::unit_interval_open_closed(who + "memory_efficiency", p.memory_efficiency);
  check::finite_nonnegative(who + "layer_overhead", p.layer_overhead);
  check::finite_nonnegative(who + "call_overhead", p.call_overhead);
  check::nonnegative_or_inf(who + "memory_bytes", p.memory_bytes);
  check::nonnegative_or_inf(who + "weight_storage", p.weight_storage);
  check::finite_nonnegative(who + "active_power", p.active_power);
  check::finite_nonnegative(who + "idle_power", p.idle_power);
  if (p.active_power > 0 && p.idle_power > p.active_power)
    check::fail(who + "idle_power", p.idle_power, concat("must not exceed active_power = ", p.active_power));
}

/// I_i = F_i / B_i (FLOP per byte moved); +inf when nothing moves.
inline double arithmetic_intensity(const dnn::layer& l, bool activations_on_chip = false) noexcept {
  const double b = activations_on_chip ? l.param_bytes : l.param_bytes + l.input_bytes + l.output_bytes;
  return b > 0 ? l.flop / b : (l.flop > 0 ? INFINITY : 0.0);
}

/// I*_p = π_p / β.
inline double ridge_point(const roofline_params& p, dnn::precision prec) noexcept {
  return p.peak_flops[static_cast<std::size_t>(prec)] / p.memory_bandwidth;
}

/// Compute term >= memory term at precision `prec`, i.e. I_i >= I*_p · η_c / η_m.
inline bool compute_bound(const roofline_params& p, const dnn::layer& l, dnn::precision prec) noexcept {
  const double b = p.activations_on_chip ? l.param_bytes : l.param_bytes + l.input_bytes + l.output_bytes;
  return l.flop / (p.compute_efficiency * p.peak_flops[static_cast<std::size_t>(prec)]) >=
         b / (p.memory_efficiency * p.memory_bandwidth);
}

/// A device modelled by the roofline. Models powered_device. O(1) queries, no allocation.
class roofline_device {
public:
  /// Validates `p` (§5) and precomputes reciprocals.
  /// The reciprocals must be finite (aggregate rule, docs/reliability.md): a subnormal peak,
  /// bandwidth or efficiency product is rejected, so latency() is never 0·inf = NaN.
  explicit roofline_device(roofline_params p) : p_(std::move(p)) {
    validate(p_);
    const std::string who = "device '" + p_.name + "': ";
    for (std::size_t i = 0; i < 3; ++i)
      inv_compute_[i] = check::finite_reciprocal(
          who + "compute_efficiency * peak_flops[" + std::string(dnn::to_string(static_cast<dnn::precision>(i))) + "]",
          p_.compute_efficiency * p_.peak_flops[i]);
    inv_memory_ = check::finite_reciprocal(who + "memory_efficiency * memory_bandwidth", p_.memory_efficiency * p_.memory_bandwidth);
  }

  /// t_0 + combine(F/(η_c π_p), B/(η_m β)) for the layer at its own precision. (C1)
  double latency(const dnn::layer& l) const noexcept {
    const double b = p_.activations_on_chip ? l.param_bytes : l.param_bytes + l.input_bytes + l.output_bytes;
    return p_.layer_overhead + work_time(l.flop, b, l.prec);
  }
  /// combine(F/(η_c π_p), B/(η_m β)), without t_0. (C2)
  double work_time(double flop, double bytes, dnn::precision prec) const noexcept {
    const double c = flop * inv_compute_[static_cast<std::size_t>(prec)], m = bytes * inv_memory_;
    return p_.overlap == overlap_mode::max ? (c > m ? c : m) : c + m;
  }
  /// Capacity in bytes (+inf when the params say 0). (C3)
  double memory_bytes() const noexcept { return p_.memory_bytes > 0 ? p_.memory_bytes : INFINITY; }
  /// Bytes reserved for weights (0: weights share memory_bytes).
  double weight_storage() const noexcept { return p_.weight_storage; }
  /// Fixed seconds per inference call.
  double call_overhead() const noexcept { return p_.call_overhead; }
  /// Active power in W.
  double active_power() const noexcept { return p_.active_power; }
  /// Idle power in W.
  double idle_power() const noexcept { return p_.idle_power; }
  /// The parameters, as validated.
  const roofline_params& params() const noexcept { return p_; }
  /// The device's name.
  std::string_view name() const noexcept { return p_.name; }

private:
  roofline_params p_;
  std::array<double, 3> inv_compute_{};
  double inv_memory_ = 0;
};

static_assert(powered_device<roofline_device>);

}  // namespace idn::hw
