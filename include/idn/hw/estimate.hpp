#pragma once
/// Chain-level estimates on any compute_device: per-layer times, model time and memory fit.
/// Each checks the device's answers against the concept clauses (C1, C3) once.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include <Eigen/Dense>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::hw {

namespace detail {
/// Resolves [first, last) with last = SIZE_MAX meaning the end; throws on a bad range.
template <dnn::layer_chain N>
std::size_t checked_range(const N& n, std::size_t first, std::size_t last) {
  const std::size_t size = n.num_layers();
  const std::size_t end = last == SIZE_MAX ? size : last;
  if (end > size || first > end)
    reject("hw::checked_range", "layer range [first, last)", concat("[", first, ", ", end, ")"), concat("must lie within [0, ", size, ")"));
  return end;
}
}  // namespace detail

/// t_i for every layer, checked against (C1). O(L).
template <compute_device D, dnn::layer_chain N>
Eigen::VectorXd layer_times(const D& d, const N& n) {
  Eigen::VectorXd t(static_cast<Eigen::Index>(n.num_layers()));
  for (std::size_t i = 0; i < n.num_layers(); ++i) t(static_cast<Eigen::Index>(i)) = checked_latency(d, n.layer(i));
  return t;
}

/// T = T_fix + Σ_{i∈[first,last)} t_i (T_fix = call_overhead() if the device has one); throws
/// invalid_input if the sum overflows. O(last − first).
template <compute_device D, dnn::layer_chain N>
double model_time(const D& d, const N& n, std::size_t first = 0, std::size_t last = SIZE_MAX) {
  const std::size_t end = detail::checked_range(n, first, last);
  double t = call_overhead_of(d);
  for (std::size_t i = first; i < end; ++i) {
    const double li = checked_latency(d, n.layer(i));
    t += li;
    if (!std::isfinite(t))  // aggregate rule (docs/reliability.md)
      reject("hw::model_time", concat(device_name(d), ".latency(layers[", i, "])"), li, "too large: the model time (their sum) overflows");
  }
  return t;
}

/// memory_fit's outcome: weight and peak activation bytes, the capacities they are checked against, and whether they fit.
struct memory_fit_result {
  double weights = 0;          ///< Σ P_i (bytes)
  double peak_activation = 0;  ///< max W_i (bytes)
  double capacity = 0;         ///< memory_bytes()
  double weight_capacity = 0;  ///< weight_storage() if > 0, else capacity
  bool fits = false;
};

/// Whether layers [first, last) fit: Σ P + max W ≤ capacity, or with separate weight storage,
/// Σ P ≤ weight_storage and max W ≤ capacity. O(last − first).
template <compute_device D, dnn::layer_chain N>
memory_fit_result memory_fit(const D& d, const N& n, std::size_t first = 0, std::size_t last = SIZE_MAX) {
  const std::size_t end = detail::checked_range(n, first, last);
  memory_fit_result r;
  r.capacity = checked_memory_bytes(d);
  const double ws = weight_storage_of(d);
  if (std::isnan(ws) || ws < 0)
    reject("hw::memory_fit", concat(device_name(d), ".weight_storage()"), ws, "must be >= 0");
  for (std::size_t i = first; i < end; ++i) {
    const auto& l = n.layer(i);
    r.weights += l.param_bytes;
    r.peak_activation = std::max(r.peak_activation, l.workspace_bytes);
  }
  if (!std::isfinite(r.weights + r.peak_activation))
    reject("hw::memory_fit", concat("param_bytes of layers [", first, ", ", end, ") plus the peak workspace"), r.weights + r.peak_activation, "must be finite (the sum overflows)");
  r.weight_capacity = ws > 0 ? ws : r.capacity;
  r.fits = ws > 0 ? (r.weights <= ws && r.peak_activation <= r.capacity) : (r.weights + r.peak_activation <= r.capacity);
  return r;
}

}  // namespace idn::hw
