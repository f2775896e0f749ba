#pragma once
/// Stock links: affine_link x(S) = L + 8S/R, and function_link wrapping any callable.
/// docs/hardware-models.md "Links, energy, memory".
#include <cmath>
#include <concepts>
#include <string>
#include <utility>

#include "idn/core/mul_add.hpp"
#include "idn/core/check.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::hw {

/// x(S) = L + 8S/R. Models powered_link. O(1).
class affine_link {
public:
  /// latency_s >= 0 finite; rate > 0 (bit/s, may be +inf) with 8/rate finite; transmit power >= 0
  /// finite (W). transfer_time may still be +inf for byte counts whose time overflows; builders
  /// check it (clause C5).
  affine_link(double latency_s, double rate_bit_per_s, double transmit_power_w = 0)
      : latency_(latency_s), rate_(rate_bit_per_s), power_(transmit_power_w) {
    check::finite_nonnegative("idn::hw::affine_link: latency", latency_);
    check::positive_or_inf("idn::hw::affine_link: rate", rate_);
    check::finite_nonnegative("idn::hw::affine_link: transmit_power", power_);
    inv_rate_bytes_ = 8.0 / rate_;
    if (!std::isfinite(inv_rate_bytes_))  // a subnormal rate: 0 bytes would take 0·inf = NaN seconds
      check::fail("idn::hw::affine_link: rate", rate_, "is too small: 8/rate (seconds per byte) overflows");
  }
  /// latency + bytes·(8/rate) by idn::mul_add: the same bits whether the call is inlined,
  /// constant-folded or made through any_link, with or without FMA contraction.
  double transfer_time(double bytes) const noexcept { return idn::mul_add(bytes, inv_rate_bytes_, latency_); }
  /// Transmit power in W.
  double transmit_power() const noexcept { return power_; }
  /// Latency in s.
  double latency() const noexcept { return latency_; }
  /// Rate in bit/s.
  double rate() const noexcept { return rate_; }

private:
  double latency_, rate_, power_, inv_rate_bytes_ = 0;
};

/// A link whose transfer time is any noexcept callable double(double). Models link_model.
/// The callable must satisfy (C5); builders check it on the values they use.
template <class F>
  requires std::copy_constructible<F> && std::is_nothrow_invocable_r_v<double, const F&, double>
class function_link {
public:
  /// Wraps f (seconds for a byte count).
  explicit function_link(F f) : f_(std::move(f)) {}
  /// f(bytes).
  double transfer_time(double bytes) const noexcept { return static_cast<double>(f_(bytes)); }

private:
  F f_;
};

static_assert(powered_link<affine_link>);

}  // namespace idn::hw
