#pragma once
/// Exact chain-on-chain partitioning with pure sums (docs/partition.md "Pure sums", §4.3):
/// π_k(i, j) = W(i, j)/σ_k over integer FLOP and integer speeds, no communication or memory.
/// The optimum is an exact ratio W/σ_k; ratios are compared by cross-multiplying in 128 bits.
/// ccp_nicol (Nicol's parametric search, O(L + (K log L)²)) and ccp_probe_bisect (probe +
/// bisection with exact lower-bound raises) both return it; pure_sum_oracle feeds the DPs.
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "idn/partition/chain.hpp"

namespace idn::partition {

/// Cuts of an optimal partition and the bottleneck as an exact ratio flop/speed (and in seconds).
struct ccp_result {
  std::vector<std::size_t> cuts;
  std::uint64_t bottleneck_flop = 0, bottleneck_speed = 1;
  double bottleneck_s = 0;
};

namespace detail {
__extension__ typedef unsigned __int128 u128;

/// Validated prefix sums of integer FLOP and integer speeds.
struct ccp_data {
  std::vector<std::uint64_t> W;  // L + 1 prefix sums
  std::vector<std::uint64_t> s;  // K speeds
  std::size_t L = 0, K = 0;
  std::uint64_t sum(std::size_t i, std::size_t j) const noexcept { return W[j] - W[i]; }
};
inline ccp_data make_ccp_data(const char* where, std::span<const double> flop, std::span<const double> speed) {
  constexpr double max_int = 9007199254740992.0;  // 2^53
  if (flop.empty()) idn::reject(where, "num_layers", 0, "must be >= 1");
  if (speed.empty()) idn::reject(where, "num_workers", 0, "must be >= 1");
  ccp_data d;
  d.L = flop.size(), d.K = speed.size();
  d.W.assign(flop.size() + 1, 0);
  for (std::size_t l = 0; l < flop.size(); ++l) {
    const double f = flop[l];
    if (!(f >= 0 && f <= max_int && std::floor(f) == f)) idn::reject(where, concat("flop[", l, "]"), f, "must be an integer in [0, 2^53]");
    const auto fi = static_cast<std::uint64_t>(f);
    if (d.W[l] > (std::uint64_t{1} << 63) - fi) idn::reject(where, "sum of flop", static_cast<double>(d.W[l]) + f, "must be <= 2^63");
    d.W[l + 1] = d.W[l] + fi;
  }
  for (std::size_t k = 0; k < speed.size(); ++k) {
    const double v = speed[k];
    if (!(v >= 1 && v <= max_int && std::floor(v) == v)) idn::reject(where, concat("speed_flops[", k, "]"), v, "must be an integer in [1, 2^53]");
    d.s.push_back(static_cast<std::uint64_t>(v));
  }
  return d;
}

/// A bound B = num/den (exact) or an approximate long double, and the greedy probe at B: each
/// worker in turn takes the longest prefix with W·den ≤ num·σ_k (binary search).
struct ratio {
  std::uint64_t num = 0, den = 1;
};
inline bool less(ratio a, ratio b) noexcept { return static_cast<u128>(a.num) * b.den < static_cast<u128>(b.num) * a.den; }
inline long double value(ratio r) noexcept { return static_cast<long double>(r.num) / static_cast<long double>(r.den); }

struct probe_out {
  bool feasible = false;
  ratio realized{0, 1};                       // max_k W(stage k)/σ_k over the stages taken
  ratio raise{~std::uint64_t{0}, 1};          // min_k W(start_k, end_k + 1)/σ_k (infeasible probes)
};
/// fits(W, k): does a stage of W FLOP fit worker k under the bound?
template <class Fits>
probe_out probe(const ccp_data& d, std::size_t first_worker, std::size_t start, Fits&& fits, std::vector<std::size_t>* cuts) {
  probe_out r;
  std::size_t at = start;
  for (std::size_t k = first_worker; k < d.K; ++k) {
    if (cuts) cuts->push_back(at);
    // Largest end in [at, L] with fits(W(at, end), k): binary search (W is non-decreasing).
    std::size_t lo = at, hi = d.L;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo + 1) / 2;
      if (fits(d.sum(at, mid), k)) lo = mid;
      else hi = mid - 1;
    }
    const ratio stage{d.sum(at, lo), d.s[k]};
    if (less(r.realized, stage)) r.realized = stage;
    if (lo < d.L) {
      const ratio next{d.sum(at, lo + 1), d.s[k]};
      if (less(next, r.raise)) r.raise = next;
    }
    at = lo;
  }
  if (cuts) cuts->push_back(d.L);
  r.feasible = at == d.L;
  return r;
}
inline probe_out probe_exact(const ccp_data& d, std::size_t first_worker, std::size_t start, ratio B, std::vector<std::size_t>* cuts = nullptr) {
  return probe(d, first_worker, start, [&](std::uint64_t w, std::size_t k) {
    return static_cast<u128>(w) * B.den <= static_cast<u128>(B.num) * d.s[k];
  }, cuts);
}
inline probe_out probe_approx(const ccp_data& d, long double B) {
  return probe(d, 0, 0, [&](std::uint64_t w, std::size_t k) {
    return static_cast<long double>(w) <= B * static_cast<long double>(d.s[k]);
  }, nullptr);
}
inline ccp_result finish(const ccp_data& d, ratio best) {
  ccp_result r;
  probe_exact(d, 0, 0, best, &r.cuts);
  r.bottleneck_flop = best.num, r.bottleneck_speed = best.den;
  r.bottleneck_s = static_cast<double>(best.num) / static_cast<double>(best.den);
  return r;
}
}  // namespace detail

/// Nicol's parametric search: for each worker in turn, the smallest end making W(start, end)/σ_k
/// feasible for the remaining workers is a candidate; the worker then keeps one element less.
/// The answer is the best candidate. O(L + (K log L)²).
inline ccp_result ccp_nicol(std::span<const double> flop, std::span<const double> speed_flops) {
  const detail::ccp_data d = detail::make_ccp_data("partition::ccp_nicol", flop, speed_flops);
  detail::ratio best{~std::uint64_t{0}, 1};
  std::size_t start = 0;
  for (std::size_t k = 0; k < d.K; ++k) {
    const std::uint64_t sk = d.s[k];
    if (k == d.K - 1) {
      const detail::ratio c{d.sum(start, d.L), sk};
      if (detail::less(c, best)) best = c;
      break;
    }
    // Smallest end in [start, L] such that bound W(start, end)/σ_k is feasible from worker k.
    std::size_t lo = start, hi = d.L;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (detail::probe_exact(d, k, start, {d.sum(start, mid), sk}).feasible) hi = mid;
      else lo = mid + 1;
    }
    const detail::ratio c{d.sum(start, lo), sk};
    if (detail::less(c, best)) best = c;
    if (lo == start) break;  // even an empty stage works: nothing smaller remains to try
    start = lo - 1;          // the optimum, if below c, gives worker k at most [start, lo − 1)
  }
  return detail::finish(d, best);
}

/// Probe + bisection with exact lower-bound raises (§4.3): lo starts at Σf/Σσ, hi at the realized
/// bottleneck of probe(Σf/σ_max); infeasible probes raise lo to the smallest bound that would
/// let some worker take one more layer, feasible ones lower hi to their realized bottleneck.
/// O(L + K log L · I).
inline ccp_result ccp_probe_bisect(std::span<const double> flop, std::span<const double> speed_flops) {
  const detail::ccp_data d = detail::make_ccp_data("partition::ccp_probe_bisect", flop, speed_flops);
  std::uint64_t smax = 0;
  detail::u128 ssum = 0;
  for (const std::uint64_t v : d.s) smax = std::max(smax, v), ssum += v;
  const std::uint64_t total = d.sum(0, d.L);
  detail::ratio hi = detail::probe_exact(d, 0, 0, {total, smax}).realized;
  // lo = Σf/Σσ, rounded down to a ratio with a 64-bit denominator (a valid lower bound).
  detail::ratio lo = ssum > ~std::uint64_t{0} ? detail::ratio{0, 1} : detail::ratio{total, static_cast<std::uint64_t>(ssum)};
  for (int iter = 0; iter < 100000; ++iter) {
    const detail::probe_out at_lo = detail::probe_exact(d, 0, 0, lo);
    if (at_lo.feasible) return detail::finish(d, at_lo.realized);
    if (detail::less(lo, at_lo.raise)) lo = at_lo.raise;
    if (!detail::less(lo, hi)) return detail::finish(d, hi);
    const long double mid = (detail::value(lo) + detail::value(hi)) / 2;
    if (!(mid > detail::value(lo) && mid < detail::value(hi))) continue;  // lo and hi adjacent in long double: probe lo next
    const detail::probe_out at_mid = detail::probe_approx(d, mid);
    if (at_mid.feasible) {
      if (detail::less(at_mid.realized, hi)) hi = at_mid.realized;
    } else if (detail::less(lo, at_mid.raise)) {
      lo = at_mid.raise;
    }
  }
  return detail::finish(d, hi);  // not reached in practice: lo rises through a finite set
}

/// The pure-sum problem as a chain_oracle: π_k(i, j) = X_k(i, j) = W(i, j)/σ_k, no hops, π_e = 0.
class pure_sum_oracle {
public:
  /// Validates flop (finite, >= 0) and speed_flops (finite, > 0), naming the bad entry. O(L + K).
  pure_sum_oracle(std::span<const double> flop, std::span<const double> speed_flops) : d_(detail::make_ccp_data("partition::pure_sum_oracle", flop, speed_flops)) {}
  /// Number of layers.
  std::size_t num_layers() const noexcept { return d_.L; }
  /// Number of workers.
  std::size_t num_workers() const noexcept { return d_.K; }
  /// π_k(i, j) = X_k(i, j): there are no hops. O(1).
  double period(std::size_t k, std::size_t i, std::size_t j) const noexcept { return delay(k, i, j); }
  /// X_k(i, j) = W(i, j)/σ_k from prefix sums. O(1).
  double delay(std::size_t k, std::size_t i, std::size_t j) const noexcept {
    return static_cast<double>(d_.sum(i, j)) / static_cast<double>(d_.s[k]);
  }
  /// No hops: 0.
  double hop(std::size_t, std::size_t, std::size_t) const noexcept { return 0.0; }
  /// π_e = 0.
  double fixed_period() const noexcept { return 0.0; }

private:
  detail::ccp_data d_;
};
static_assert(chain_oracle<pure_sum_oracle>);

}  // namespace idn::partition
