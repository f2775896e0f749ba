#pragma once
/// A device backed by measured per-layer latencies with a fallback model and per-kind correction
/// κ_k = median(measured / fallback) over a reference profile. docs/hardware-models.md
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::hw {

/// Measured seconds, keyed by layer name and/or layer index, at one precision.
struct latency_table {
  dnn::precision measured_at = dnn::precision::fp32;
  std::vector<std::pair<std::string, double>> by_name;
  std::vector<std::pair<std::size_t, double>> by_index;
};

/// Where profile_table_device's latency of a layer came from.
enum class lookup_source : std::uint8_t { name, index, fallback };

/// Lookup order for a layer at the table's precision: measured(name), measured(index), then
/// κ_{kind} · fallback. Other precisions go to the plain fallback. Lookups are binary searches
/// (O(log n), no allocation); κ is computed once at construction. Models compute_device.
template <compute_device Fallback>
class profile_table_device {
public:
  /// Validates entries (finite, >= 0, non-empty unique names, unique indices) and computes κ
  /// from `reference` (which must be at measured_at precision) when given.
  profile_table_device(latency_table table, Fallback fallback, const dnn::profile* reference = nullptr)
      : prec_(table.measured_at), fallback_(std::move(fallback)), by_name_(std::move(table.by_name)),
        by_index_(std::move(table.by_index)) {
    for (std::size_t i = 0; i < by_name_.size(); ++i) {
      if (by_name_[i].first.empty()) reject("hw::profile_table_device", concat("latency_table.by_name[", i, "].first"), "empty", "must name a layer");
      check::finite_nonnegative_at("hw::profile_table_device", by_name_[i].second, "latency_table.by_name[", i, "].second ('", by_name_[i].first, "')");
    }
    for (std::size_t i = 0; i < by_index_.size(); ++i)
      check::finite_nonnegative_at("hw::profile_table_device", by_index_[i].second, "latency_table.by_index[", i, "].second (layer ", by_index_[i].first, ")");
    std::stable_sort(by_name_.begin(), by_name_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::stable_sort(by_index_.begin(), by_index_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 1; i < by_name_.size(); ++i)
      if (by_name_[i].first == by_name_[i - 1].first)
        reject("hw::profile_table_device", "latency_table.by_name", by_name_[i].first, "names must be unique");
    for (std::size_t i = 1; i < by_index_.size(); ++i)
      if (by_index_[i].first == by_index_[i - 1].first)
        reject("hw::profile_table_device", "latency_table.by_index", by_index_[i].first, "layer indices must be unique");
    kappa_.fill(1.0);
    if (reference != nullptr) compute_kappa(*reference);
  }

  /// The measured time if the table has the layer, else κ_kind times the fallback's; other precisions: the fallback's.
  double latency(const dnn::layer& l) const noexcept {
    if (l.prec != prec_) return fallback_.latency(l);
    if (const double* m = measured(l)) return *m;
    const double t = kappa_[static_cast<std::size_t>(l.kind)] * fallback_.latency(l);
    return std::isnan(t) ? INFINITY : t;  // κ = 0 times an overflowed (+inf) fallback: inf, never NaN
  }
  /// The fallback's work time (tables hold layers, not raw work).
  double work_time(double flop, double bytes, dnn::precision p) const noexcept {
    return fallback_.work_time(flop, bytes, p);
  }
  /// The fallback's memory capacity.
  double memory_bytes() const noexcept { return fallback_.memory_bytes(); }
  /// The fallback's weight storage.
  double weight_storage() const noexcept { return weight_storage_of(fallback_); }
  /// The fallback's call overhead.
  double call_overhead() const noexcept { return call_overhead_of(fallback_); }

  /// Where latency(l) comes from.
  lookup_source source_of(const dnn::layer& l) const noexcept {
    if (l.prec != prec_) return lookup_source::fallback;
    if (find_name(l.name)) return lookup_source::name;
    if (find_index(l.index)) return lookup_source::index;
    return lookup_source::fallback;
  }
  /// κ_k: the multiplier applied to the fallback for unmeasured layers of kind k.
  double correction(dnn::layer_kind k) const noexcept { return kappa_[static_cast<std::size_t>(k)]; }
  /// The device used for layers the table lacks.
  const Fallback& fallback() const noexcept { return fallback_; }
  /// The precision the table was measured at.
  dnn::precision measured_at() const noexcept { return prec_; }

private:
  const double* find_name(std::string_view n) const noexcept {
    const auto it = std::lower_bound(by_name_.begin(), by_name_.end(), n,
                                     [](const auto& e, std::string_view key) { return std::string_view(e.first) < key; });
    return (it != by_name_.end() && it->first == n) ? &it->second : nullptr;
  }
  const double* find_index(std::size_t i) const noexcept {
    const auto it = std::lower_bound(by_index_.begin(), by_index_.end(), i,
                                     [](const auto& e, std::size_t key) { return e.first < key; });
    return (it != by_index_.end() && it->first == i) ? &it->second : nullptr;
  }
  const double* measured(const dnn::layer& l) const noexcept {
    if (const double* m = find_name(l.name)) return m;
    return find_index(l.index);
  }
  void compute_kappa(const dnn::profile& ref) {
    if (ref.prec() != prec_)
      reject("hw::profile_table_device", concat("reference->prec() ('", ref.name(), "')"), dnn::to_string(ref.prec()),
             concat("must equal latency_table.measured_at = ", dnn::to_string(prec_)));
    std::array<std::vector<double>, dnn::layer_kind_count> ratios;
    for (const auto& l : ref.layers()) {
      const double* m = measured(l);
      if (m == nullptr) continue;
      const double fb = checked_latency(fallback_, l);
      if (fb > 0) ratios[static_cast<std::size_t>(l.kind)].push_back(*m / fb);
    }
    for (std::size_t k = 0; k < dnn::layer_kind_count; ++k) {
      auto& r = ratios[k];
      if (r.empty()) continue;
      const std::size_t mid = r.size() / 2;
      std::nth_element(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(mid), r.end());
      double med = r[mid];
      if (r.size() % 2 == 0) med = 0.5 * (med + *std::max_element(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(mid)));
      if (!std::isfinite(med))  // a measured time over a subnormal fallback time (aggregate rule)
        reject("hw::profile_table_device", concat("correction for kind ", dnn::layer_kind_names[k]), med,
               "must be finite (measured / fallback latency overflows: the fallback's times are too small)");
      kappa_[k] = med;
    }
  }

  dnn::precision prec_;
  Fallback fallback_;
  std::vector<std::pair<std::string, double>> by_name_;
  std::vector<std::pair<std::size_t, double>> by_index_;
  std::array<double, dnn::layer_kind_count> kappa_{};
};

}  // namespace idn::hw
