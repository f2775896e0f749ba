#pragma once
/// The exponential-weights store shared by hil_f and hil_n (docs/offload.md "hil_f"): a
/// power-of-two segment tree over experts 0..Bins−1 with lazy multiplicative tags, plus the
/// always-offload expert K as a separate scalar. O(log Bins) prefix sum and prefix multiply,
/// O(Bins) rebuild; fixed-size std::array state, no allocation, no exceptions.
///
/// Invariants: sum[n] is the true weight of n's subtree once the tags of n's strict ancestors
/// are applied; tag[n] (internal n) is a multiplier still owed to n's children. After every
/// update the total is rescaled by an exact power of two into [2^−8, 2^8]; a node whose sum
/// falls below 2^−100 is dead (sum = tag = 0) until the next rebuild. Together these keep every
/// stored sum and tag within [2^−108, 2^108] or exactly 0: no overflow, no subnormal, no NaN.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace idn::offload::detail {

template <std::size_t Bins, class Real>
class weight_tree {
  static_assert(Bins >= 2 && Bins <= 65536 && (Bins & (Bins - 1)) == 0, "Bins must be a power of two in [2, 65536]");
  static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>, "Real must be float or double");

public:
  static constexpr Real dead_below = static_cast<Real>(0x1p-100);

  /// Uniform prior: every expert 0..Bins gets the same weight (then rescaled). O(Bins).
  constexpr void reset_uniform() noexcept {
    for (std::size_t i = 0; i < Bins; ++i) sum_[Bins + i] = 1;
    finish_rebuild(1);
  }

  /// Rebuild from explicit weights: leaf(j) for j < Bins, `last` for expert Bins; each weight
  /// must be finite and ≥ 0 with a positive maximum. O(Bins).
  template <class Leaf>
  void rebuild(Leaf&& leaf, double last) noexcept {
    for (std::size_t i = 0; i < Bins; ++i) {
      const double w = leaf(i);
      sum_[Bins + i] = w < 0x1p-100 ? Real(0) : static_cast<Real>(w);
    }
    finish_rebuild(last < 0x1p-100 ? Real(0) : static_cast<Real>(last));
  }

  /// Σ_{j ≤ b} w_j (b < Bins), accumulated in double. O(log Bins).
  double prefix_sum(std::uint32_t b) const noexcept {
    double acc = 1, out = 0;
    std::size_t n = 1, lo = 0, size = Bins;
    while (true) {
      if (b + 1 >= lo + size) return out + static_cast<double>(sum_[n]) * acc;
      acc *= static_cast<double>(tag_[n]);
      size /= 2;
      if (b >= lo + size) {
        out += static_cast<double>(sum_[2 * n]) * acc;
        n = 2 * n + 1;
        lo += size;
      } else {
        n = 2 * n;
      }
    }
  }

  /// True when every weight has died (possible only after factors that underflow to 0): the
  /// owner must rebuild from its exact loss counters.
  bool exhausted() const noexcept { return !(total() > 0.0); }

  /// Σ_j w_j over all Bins + 1 experts.
  double total() const noexcept { return static_cast<double>(sum_[1]) + static_cast<double>(last_); }
  /// Weight of the always-offload expert K.
  Real last() const noexcept { return last_; }

  /// Multiplies w_j, j ≤ b, by r > 0 (finite), then rescales the total. O(log Bins). The
  /// products are formed in double and rounded once to Real, so a factor applied many times
  /// carries no systematic rounding bias (a float-rounded factor would drift by k·2^−24 after k
  /// updates).
  void prefix_multiply(std::uint32_t b, double r) noexcept {
    std::size_t path[20];
    int depth = 0;
    std::size_t n = 1, lo = 0, size = Bins;
    while (true) {
      if (b + 1 >= lo + size) {
        scale_node(n, r);
        break;
      }
      push(n);
      path[depth++] = n;
      size /= 2;
      if (b >= lo + size) {
        scale_node(2 * n, r);
        n = 2 * n + 1;
        lo += size;
      } else {
        n = 2 * n;
      }
    }
    while (depth > 0) {
      const std::size_t p = path[--depth];
      sum_[p] = sum_[2 * p] + sum_[2 * p + 1];
    }
    normalize();
  }

  /// The weight of expert j ≤ Bins after applying pending tags (tests; O(log Bins)).
  double weight(std::size_t j) const noexcept {
    if (j >= Bins) return static_cast<double>(last_);
    const auto b = static_cast<std::uint32_t>(j);
    return b == 0 ? prefix_sum(0) : prefix_sum(b) - prefix_sum(b - 1);
  }
  /// Every stored sum and tag (tests: range invariants).
  template <class F>
  void for_each_stored(F&& f) const noexcept {
    for (std::size_t n = 1; n < 2 * Bins; ++n) f(sum_[n]);
    for (std::size_t n = 1; n < Bins; ++n) f(tag_[n]);
    f(last_);
  }

private:
  void finish_rebuild(Real last) noexcept {
    for (std::size_t n = Bins - 1; n >= 1; --n) {
      sum_[n] = sum_[2 * n] + sum_[2 * n + 1];
      tag_[n] = 1;
    }
    tag_[0] = 1;
    last_ = last;
    normalize();
  }

  void scale_node(std::size_t n, double r) noexcept {
    if (sum_[n] == Real(0)) return;  // dead: never multiplied again
    sum_[n] = static_cast<Real>(static_cast<double>(sum_[n]) * r);
    if (n < Bins) tag_[n] = static_cast<Real>(static_cast<double>(tag_[n]) * r);
    if (sum_[n] < dead_below) {
      sum_[n] = 0;
      if (n < Bins) tag_[n] = 0;
    }
  }

  void push(std::size_t n) noexcept {
    if (tag_[n] == Real(1)) return;
    const Real t = tag_[n];
    if (t == Real(0)) {
      sum_[2 * n] = sum_[2 * n + 1] = 0;
      if (2 * n < Bins) tag_[2 * n] = tag_[2 * n + 1] = 0;
    } else {
      scale_node(2 * n, static_cast<double>(t));
      scale_node(2 * n + 1, static_cast<double>(t));
    }
    tag_[n] = 1;
  }

  /// Rescale the total into [1, 2) by an exact power of two when it leaves [2^−8, 2^8].
  void normalize() noexcept {
    const double t = total();
    if (t >= 0x1p-8 && t <= 0x1p8) return;
    if (!(t > 0.0)) return;  // every weight died: the owner rebuilds (see exhausted())
    const int k = -std::ilogb(t);
    sum_[1] = std::ldexp(sum_[1], k);
    tag_[1] = sum_[1] == Real(0) ? Real(0) : std::ldexp(tag_[1], k);
    last_ = std::ldexp(last_, k);
    if (last_ < dead_below) last_ = 0;
    if (sum_[1] < dead_below) sum_[1] = 0, tag_[1] = 0;
  }

  std::array<Real, 2 * Bins> sum_{};
  std::array<Real, Bins> tag_{};
  Real last_ = 1;
};

}  // namespace idn::offload::detail
