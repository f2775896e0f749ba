#pragma once
/// The slot gain G(x) = C(ω) − C(x), its concave relaxation L(y), a supergradient of L, and
/// cheapest-first serving (docs/alloc.md). Each is one scan per active type that stops at
/// k*_ρ: O(num_types + Σ_active k*_ρ + num_vars), allocation-free once outputs are sized.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include <Eigen/Dense>

#include "idn/core/mul_add.hpp"
#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"

namespace idn::alloc {

namespace detail {
inline void check_point(const char* where, const instance& in, const Eigen::Ref<const Eigen::VectorXd>& y, const batch& b) {
  if (b.instance_uid() != in.uid()) fail(where, "b.instance_uid()", b.instance_uid(), concat("must be in.uid() = ", in.uid(), " (the batch was made by another instance)"));
  if (static_cast<std::size_t>(y.size()) != in.num_vars())
    fail(where, "y.size()", y.size(), concat("must equal num_vars = ", in.num_vars()));
  for (Eigen::Index j = 0; j < y.size(); ++j)
    if (!std::isfinite(y[j])) fail(where, concat("y[", j, "]"), y[j], "must be finite");
}

/// One type's scan: calls on_entry(e) for entries k ≤ k* (k* = first k with S_k ≥ r), returns
/// L_ρ and sets cstar = C_{k*} (the fallback cost when no k qualifies). noexcept, no allocation.
/// Every multiply-add is idn::mul_add, as in node_agent::close: whether the compiler contracts
/// a·b + c (aarch64 and -march=native can) cannot change the result, so the centralized and
/// distributed INFIDA stay bit-identical on every platform.
template <class OnEntry>
double scan_type(const instance& in, const double* y, const batch& b, std::size_t t, double& cstar, OnEntry on_entry) noexcept {
  const double r = b.requests()[static_cast<Eigen::Index>(t)];
  const auto tb = in.type_begin();
  const auto ev = in.entry_var();
  const auto ec = in.entry_cost();
  const double* cap = b.capacity().data();
  const double fallback = in.fallback_cost()[t];
  double s = 0, value = 0;
  for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) {
    on_entry(e);
    s = idn::mul_add(cap[e], y[ev[e]], s);
    if (s >= r) {
      cstar = ec[e];
      return idn::mul_add(r, fallback - ec[e], value);
    }
    const double next = e + 1 < tb[t + 1] ? ec[e + 1] : fallback;
    value = idn::mul_add(next - ec[e], s, value);
  }
  cstar = fallback;
  return value;
}
}  // namespace detail

/// L(y) (= G(x) at 0/1 points). Throws on a size mismatch, non-finite y or a foreign batch.
inline double gain(const instance& in, const Eigen::Ref<const Eigen::VectorXd>& y, const batch& b) {
  detail::check_point("gain", in, y, b);
  double total = 0, cstar = 0;
  for (std::size_t t = 0; t < in.num_types(); ++t)
    if (b.requests()[static_cast<Eigen::Index>(t)] > 0) total += detail::scan_type(in, y.data(), b, t, cstar, [](std::uint32_t) {});
  return total;
}

/// Writes g ∈ ∂L(y): g_j = Σ_{(ρ,k): κ_ρk = j} l̃_ρk (C*_ρ − C_ρk)⁺; returns L(y). g is resized
/// to num_vars (allocation only on the first call).
inline double supergradient(const instance& in, const Eigen::Ref<const Eigen::VectorXd>& y, const batch& b,
                            Eigen::VectorXd& g) {
  detail::check_point("supergradient", in, y, b);
  g.setZero(static_cast<Eigen::Index>(in.num_vars()));
  const auto tb = in.type_begin();
  const auto ev = in.entry_var();
  const auto ec = in.entry_cost();
  const double* cap = b.capacity().data();
  double total = 0;
  for (std::size_t t = 0; t < in.num_types(); ++t) {
    if (b.requests()[static_cast<Eigen::Index>(t)] <= 0) continue;
    double cstar = 0;
    std::uint32_t last = tb[t];
    total += detail::scan_type(in, y.data(), b, t, cstar, [&](std::uint32_t e) { last = e + 1; });
    for (std::uint32_t e = tb[t]; e < last; ++e) {
      const double d = cstar - ec[e];
      if (d > 0) g[ev[e]] = idn::mul_add(cap[e], d, g[ev[e]]);  // as node_agent::end_slot
    }
  }
  return total;
}

/// Everything INFIDA needs from one slot, from one pass over the option lists.
struct slot_values {
  double fractional_gain = 0;  ///< L(y)
  double integral_gain = 0;    ///< G(x) = L(x) at the 0/1 point x (to a few ulps)
  double repository_cost = 0;  ///< C(ω)
};

namespace detail {
/// G(x) for one type in O(k*_x) with floating-point work only at entries whose x is non-zero
/// (INFIDA's x is 0/1 and mostly 0): between two such entries S is constant, so scan_type's
/// per-entry terms (C_{k+1} − C_k)·S telescope to one (C_b − C_a)·S. Equal to scan_type in exact
/// arithmetic; in floating point within a few ulps of the sum (tests/alloc/test_gain.cpp).
/// loaded[j] = (x_j ≠ 0): a byte per variable, so the scan's random accesses stay in cache.
inline double sparse_type_gain(const instance& in, const double* x, const std::uint8_t* loaded, const double* cap, std::uint32_t begin,
                               std::uint32_t end, double r, double fallback) noexcept {
  const auto ev = in.entry_var();
  const auto ec = in.entry_cost();
  double s = 0, value = 0, c_mark = 0;
  for (std::uint32_t e = begin; e < end; ++e) {
    if (!loaded[ev[e]]) continue;
    const double xe = x[ev[e]];
    value = idn::mul_add(ec[e] - c_mark, s, value);
    s = idn::mul_add(cap[e], xe, s);
    if (s >= r) return idn::mul_add(r, fallback - ec[e], value);
    c_mark = ec[e];
  }
  return idn::mul_add(fallback - c_mark, s, value);
}

/// supergradient(y) (into g), G(x) and repository_cost in one pass per active type: y's scan is
/// scan_type's (bitwise equal to supergradient and to the distributed agents), the supergradient
/// loop revisits its prefix (in cache), then x's scan runs over the same option list with
/// sparse_type_gain. Preconditions (not checked: the caller's own state): y and x have num_vars
/// finite entries, g has num_vars entries, b belongs to in. O(num_vars + Σ_active max(k*_y,
/// k*_x)) with floating-point work O(k*_y + loaded entries), no allocation.
/// `loaded` is scratch of num_vars bytes.
inline slot_values slot_scan_unchecked(const instance& in, const double* y, const double* x, const batch& b, double* g,
                                       std::uint8_t* loaded) noexcept {
  std::fill(g, g + in.num_vars(), 0.0);
  for (std::size_t j = 0; j < in.num_vars(); ++j) loaded[j] = x[j] != 0;
  const auto tb = in.type_begin();
  const auto ev = in.entry_var();
  const auto ec = in.entry_cost();
  const double* cap = b.capacity().data();
  const double* req = b.requests().data();
  slot_values out;
  for (std::size_t t = 0; t < in.num_types(); ++t) {
    const double r = req[t];
    if (r <= 0) continue;
    const double fallback = in.fallback_cost()[t];
    out.repository_cost += r * fallback;
    double cstar = 0;
    std::uint32_t last = tb[t];
    out.fractional_gain += scan_type(in, y, b, t, cstar, [&](std::uint32_t e) { last = e + 1; });
    for (std::uint32_t e = tb[t]; e < last; ++e) {
      const double d = cstar - ec[e];
      if (d > 0) g[ev[e]] = idn::mul_add(cap[e], d, g[ev[e]]);
    }
    out.integral_gain += sparse_type_gain(in, x, loaded, cap, tb[t], tb[t + 1], r, fallback);
  }
  return out;
}
}  // namespace detail

/// C*_ρ per type: the cost of the option serving the last type-ρ request (fallback if none).
inline void marginal_costs(const instance& in, const Eigen::Ref<const Eigen::VectorXd>& y, const batch& b,
                           Eigen::VectorXd& cstar) {
  detail::check_point("marginal_costs", in, y, b);
  cstar.resize(static_cast<Eigen::Index>(in.num_types()));
  for (std::size_t t = 0; t < in.num_types(); ++t) {
    double c = in.fallback_cost()[t];
    if (b.requests()[static_cast<Eigen::Index>(t)] > 0) detail::scan_type(in, y.data(), b, t, c, [](std::uint32_t) {});
    cstar[static_cast<Eigen::Index>(t)] = c;
  }
}

/// C(ω) = Σ_ρ r_ρ C_ρK: the cost of serving every request from the fallback.
inline double repository_cost(const instance& in, const batch& b) noexcept {
  double c = 0;
  for (std::size_t t = 0; t < in.num_types(); ++t) c += b.requests()[static_cast<Eigen::Index>(t)] * in.fallback_cost()[t];
  return c;
}

/// How an allocation served a batch: its cost, and the request-weighted latency and accuracy.
struct serving_summary {
  double cost = 0;            ///< C(x) = Σ z·C
  double mean_latency_s = 0;  ///< request-weighted network + inference latency
  double mean_accuracy = 0;   ///< request-weighted accuracy of the serving models
  double fallback_share = 0;  ///< share of requests served by fallbacks
};

/// Serves the batch cheapest-first under allocation x (x_j > 0.5 counts as loaded).
inline serving_summary serve(const instance& in, const Eigen::Ref<const Eigen::VectorXd>& x, const batch& b) {
  detail::check_point("serve", in, x, b);
  const auto tb = in.type_begin();
  const auto ev = in.entry_var();
  serving_summary s;
  double total = 0, fb = 0;
  for (std::size_t t = 0; t < in.num_types(); ++t) {
    double left = b.requests()[static_cast<Eigen::Index>(t)];
    if (left <= 0) continue;
    total += left;
    for (std::uint32_t e = tb[t]; e < tb[t + 1] && left > 0; ++e) {
      if (!(x[ev[e]] > 0.5)) continue;
      const double z = std::min(left, b.capacity()[e]);
      left -= z;
      s.cost += z * in.entry_cost()[e];
      s.mean_latency_s += z * in.entry_latency()[e];
      s.mean_accuracy += z * in.model_accuracy(in.var_model()[ev[e]]);
    }
    s.cost += left * in.fallback_cost()[t];
    s.mean_latency_s += left * in.fallback_latency()[t];
    s.mean_accuracy += left * in.model_accuracy(in.fallback_model()[t]);
    fb += left;
  }
  if (total > 0) {
    s.mean_latency_s /= total;
    s.mean_accuracy /= total;
    s.fallback_share = fb / total;
  }
  return s;
}

}  // namespace idn::alloc
