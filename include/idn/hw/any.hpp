#pragma once
/// Type-erased devices and links: copyable handles to a shared immutable model. One indirect call
/// per query; builders precompute time matrices so hot loops never go through these.
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "idn/hw/concepts.hpp"

namespace idn::hw {

/// Holds any compute_device. Models powered_device: active/idle power are 0 (unknown) when the
/// held device has no power model (has_power() is then false).
class any_device {
public:
  // The self-exclusion comes first and short-circuits: checking compute_device<any_device>
  // (copy_constructible) while any_device's own copy constructor is being chosen would make the
  // constraint depend on itself (clang rejects that; GCC happens to accept it).
  /// Wraps any compute_device (by value; copies share it). O(1).
  template <class D>
    requires(!std::same_as<std::remove_cvref_t<D>, any_device> && compute_device<D>)
  any_device(D d)  // NOLINT(google-explicit-constructor): a device converts to any_device
      : p_(std::make_shared<const model<D>>(std::move(d))) {}

  /// The held device's latency of layer l (clause C1 of compute_device).
  double latency(const dnn::layer& l) const noexcept { return p_->latency(l); }
  /// The held device's time for `flop` FLOP moving `bytes` bytes at precision p.
  double work_time(double flop, double bytes, dnn::precision p) const noexcept { return p_->work_time(flop, bytes, p); }
  /// The held device's memory capacity in bytes (clause C3).
  double memory_bytes() const noexcept { return p_->memory_bytes(); }
  /// Bytes reserved for weights (0: weights share memory_bytes), see weight_storage_of.
  double weight_storage() const noexcept { return p_->weight_storage(); }
  /// Fixed seconds per inference call, see call_overhead_of.
  double call_overhead() const noexcept { return p_->call_overhead(); }
  /// Active power in W (0 when has_power() is false).
  double active_power() const noexcept { return p_->active_power(); }
  /// Idle power in W (0 when has_power() is false).
  double idle_power() const noexcept { return p_->idle_power(); }
  /// Whether the held device models power (powered_device).
  bool has_power() const noexcept { return p_->has_power(); }
  /// The held device's name (device_name).
  std::string_view name() const noexcept { return p_->name(); }

private:
  struct iface {
    virtual ~iface() = default;
    virtual double latency(const dnn::layer&) const noexcept = 0;
    virtual double work_time(double, double, dnn::precision) const noexcept = 0;
    virtual double memory_bytes() const noexcept = 0;
    virtual double weight_storage() const noexcept = 0;
    virtual double call_overhead() const noexcept = 0;
    virtual double active_power() const noexcept = 0;
    virtual double idle_power() const noexcept = 0;
    virtual bool has_power() const noexcept = 0;
    virtual std::string_view name() const noexcept = 0;
  };
  template <class D>
  struct model final : iface {
    explicit model(D d) : dev(std::move(d)), label(device_name(dev)) {}
    double latency(const dnn::layer& l) const noexcept override { return dev.latency(l); }
    double work_time(double f, double b, dnn::precision p) const noexcept override { return dev.work_time(f, b, p); }
    double memory_bytes() const noexcept override { return dev.memory_bytes(); }
    double weight_storage() const noexcept override { return weight_storage_of(dev); }
    double call_overhead() const noexcept override { return call_overhead_of(dev); }
    double active_power() const noexcept override {
      if constexpr (powered_device<D>) return dev.active_power(); else return 0;
    }
    double idle_power() const noexcept override {
      if constexpr (powered_device<D>) return dev.idle_power(); else return 0;
    }
    bool has_power() const noexcept override { return powered_device<D>; }
    std::string_view name() const noexcept override { return label; }
    D dev;
    std::string label;
  };
  std::shared_ptr<const iface> p_;
};

/// Holds any link_model. Models powered_link (transmit power 0 when the link has none).
class any_link {
public:
  /// Wraps any link_model under `name` (by value; copies share it). O(1).
  template <class L>
    requires(!std::same_as<std::remove_cvref_t<L>, any_link> && link_model<L>)
  any_link(L l, std::string name = "link")  // NOLINT(google-explicit-constructor)
      : p_(std::make_shared<const model<L>>(std::move(l), std::move(name))) {}

  /// The held link's seconds to move `bytes` bytes (clause C5).
  double transfer_time(double bytes) const noexcept { return p_->transfer_time(bytes); }
  /// Transmit power in W (0 when has_power() is false).
  double transmit_power() const noexcept { return p_->transmit_power(); }
  /// Whether the held link models power (powered_link).
  bool has_power() const noexcept { return p_->has_power(); }
  /// The name given at construction.
  std::string_view name() const noexcept { return p_->name(); }

private:
  struct iface {
    virtual ~iface() = default;
    virtual double transfer_time(double) const noexcept = 0;
    virtual double transmit_power() const noexcept = 0;
    virtual bool has_power() const noexcept = 0;
    virtual std::string_view name() const noexcept = 0;
  };
  template <class L>
  struct model final : iface {
    model(L l, std::string n) : link(std::move(l)), label(std::move(n)) {}
    double transfer_time(double b) const noexcept override { return link.transfer_time(b); }
    double transmit_power() const noexcept override {
      if constexpr (powered_link<L>) return link.transmit_power(); else return 0;
    }
    bool has_power() const noexcept override { return powered_link<L>; }
    std::string_view name() const noexcept override { return label; }
    L link;
    std::string label;
  };
  std::shared_ptr<const iface> p_;
};

static_assert(powered_device<any_device>);
static_assert(powered_link<any_link>);

}  // namespace idn::hw
