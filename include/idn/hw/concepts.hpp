#pragma once
/// The hardware cost-model concepts users instantiate for their own boards (docs/hardware-models.md,
/// clauses C1-C6), helpers for the optional members, and the semantic checks builders run once.
#include <cmath>
#include <concepts>
#include <string>
#include <string_view>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"

namespace idn::hw {

/// A device that turns work into seconds.
/// (C1) latency(l): seconds for layer l at its own precision l.prec; l.name and l.index let
///      measured tables key on name or position. Finite, >= 0, a pure function of its argument,
///      safe to call concurrently on a const object. noexcept, returns exactly double.
/// (C2) work_time(flop, bytes, p): seconds for an opaque workload; finite, >= 0, non-decreasing
///      in both arguments.
/// (C3) memory_bytes(): bytes for weights plus activations; > 0, possibly +inf. An optional
///      weight_storage() (separate flash for weights) is honoured when present.
template <class D>
concept compute_device = std::copy_constructible<D> &&
    requires(const D& d, const dnn::layer& l, dnn::precision p, double flop, double bytes) {
      { d.latency(l) } noexcept -> std::same_as<double>;
      { d.work_time(flop, bytes, p) } noexcept -> std::same_as<double>;
      { d.memory_bytes() } noexcept -> std::same_as<double>;
    };

/// (C4) active_power() >= idle_power() >= 0, in watts; active 0 means unknown (energy functions
///      then reject the device).
template <class D>
concept powered_device = compute_device<D> && requires(const D& d) {
  { d.active_power() } noexcept -> std::same_as<double>;
  { d.idle_power() } noexcept -> std::same_as<double>;
};

/// (C5) transfer_time(bytes): one-way seconds; finite, >= 0, non-decreasing; transfer_time(0) is
///      the latency.
template <class L>
concept link_model = std::copy_constructible<L> && requires(const L& l, double bytes) {
  { l.transfer_time(bytes) } noexcept -> std::same_as<double>;
};

/// (C6) transmit_power(): watts while transmitting.
template <class L>
concept powered_link = link_model<L> && requires(const L& l) {
  { l.transmit_power() } noexcept -> std::same_as<double>;
};

/// The device's name() if it has one, else "device".
template <class D>
std::string device_name(const D& d) {
  if constexpr (requires { { d.name() } -> std::convertible_to<std::string_view>; })
    return std::string(std::string_view(d.name()));
  else
    return "device";
}

/// weight_storage() if the device has it (0 = weights share memory_bytes()), else 0.
template <class D>
double weight_storage_of(const D& d) noexcept {
  if constexpr (requires { { d.weight_storage() } noexcept -> std::same_as<double>; })
    return d.weight_storage();
  else
    return 0;
}

/// call_overhead() (T_fix, seconds per call) if the device has it, else 0.
template <class D>
double call_overhead_of(const D& d) noexcept {
  if constexpr (requires { { d.call_overhead() } noexcept -> std::same_as<double>; })
    return d.call_overhead();
  else
    return 0;
}

/// d.latency(l), checked against (C1): throws invalid_input naming device, layer and value.
template <compute_device D>
double checked_latency(const D& d, const dnn::layer& l) {
  const double t = d.latency(l);
  if (!std::isfinite(t) || t < 0)
    reject("hw::checked_latency", concat(device_name(d), ".latency(layers[", l.index, "] '", l.name, "')"), t, "must be finite and >= 0 (clause C1)");
  return t;
}

/// l.transfer_time(bytes), checked against (C5).
template <link_model L>
double checked_transfer_time(const L& l, double bytes) {
  const double t = l.transfer_time(bytes);
  if (!std::isfinite(t) || t < 0)
    reject("hw::checked_transfer_time", concat("link.transfer_time(", bytes, ")"), t, "must be finite and >= 0 (clause C5)");
  return t;
}

/// d.memory_bytes(), checked against (C3).
template <compute_device D>
double checked_memory_bytes(const D& d) {
  const double m = d.memory_bytes();
  if (std::isnan(m) || m <= 0)
    reject("hw::checked_memory_bytes", concat(device_name(d), ".memory_bytes()"), m, "must be > 0 (clause C3)");
  return m;
}

}  // namespace idn::hw
