#pragma once
/// Exact offline calibration of the offload threshold (docs/offload.md "Offline calibration",
/// §4): the cost-optimal threshold, the budget-constrained optimum (offload fraction ≤ ρ, with
/// the LP-relaxation fractional point) and the risk-constrained threshold (error rate of the
/// accepted samples ≤ r*). Two paths: sort + sweep over the caller's index workspace
/// (O(m log m), no allocation) and a per-bin histogram fillable on the device (O(m + K)).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "idn/offload/status.hpp"
#include "idn/offload/fit.hpp"  // fit_temperature, fit_top2_linear (spec §3 lists them with calibration)

namespace idn::offload {

/// Labelled calibration samples (s_i, Y_i, Z_i, β_i).
struct calibration_set {
  std::span<const float> score;
  std::span<const std::uint8_t> local_wrong;        ///< Y_i ∈ {0, 1}
  std::span<const std::uint8_t> remote_wrong = {};  ///< Z_i; empty = remote always right
  std::span<const float> offload_cost = {};         ///< β_i; empty = β for all
  bool charge_remote_errors = false;                ///< κ
};

/// A deterministic threshold: offload iff s < theta (±inf at the ends). Costs are averages per
/// sample; accuracy counts accepted samples with Y = 0 plus offloaded ones with Z = 0.
struct threshold_result {
  status st;
  float theta = std::numeric_limits<float>::infinity();
  double expected_cost = 0, offload_fraction = 0, accuracy = 0;
  std::size_t offloaded = 0;
};

/// A randomised threshold: offload iff s < theta_lo, or theta_lo ≤ s < theta_hi w.p. boundary_prob.
struct budget_result {
  status st;
  float theta_lo = std::numeric_limits<float>::infinity(), theta_hi = std::numeric_limits<float>::infinity(), boundary_prob = 0;
  double expected_cost = 0, offload_fraction = 0, accuracy = 0;
};

namespace detail {

/// Per-group totals of one candidate sweep: groups k = 1..d in increasing score order.
struct group_totals {
  double cnt = 0, err = 0, zerr = 0, cost = 0;
};

/// What the C(j) sweep optimises: the cost (optimal), the cost under N(j) ≤ limit (budget), or
/// the smallest j whose accepted error rate is ≤ limit (risk).
enum class sweep_mode : std::uint8_t { optimal, budget, risk };

struct sweep_totals {
  double m = 0, err = 0, zerr = 0, zright = 0;  // zright: Σ (1 − Z)
};

struct sweep_point {
  std::size_t j = 0;  // offload groups [0, j)
  double cost = 0, n = 0, acc = 0;
};

/// The C(j) sweep of §2 over candidates j = 0..d, in group order: `group(k, out)` fills group k's
/// totals (k = 0..d−1, called once each, in order). Returns the best deterministic point (ties →
/// fewest offloads) and, in budget mode, the fractional point's group, probability, cost, accuracy.
template <class Group>
inline void sweep(std::size_t d, const sweep_totals& tot, bool kappa, sweep_mode mode, double limit, Group&& group,
                  sweep_point& best, sweep_point& frac_lo, double& frac_p, double& frac_cost, double& frac_acc) noexcept {
  // Candidate j: cost C(j), offloaded count N(j), correct count A(j) = accepted Y=0 + offloaded Z=0.
  double C = tot.err, N = 0, A = tot.m - tot.err;
  double err_above = tot.err;  // Σ_{k>j} err_k
  bool have = false;
  frac_p = 0;
  frac_cost = INFINITY;
  frac_acc = 0;
  best = {};
  frac_lo = {};
  auto feasible = [&](double n, double e_above) {
    if (mode == sweep_mode::budget) return n <= limit;
    if (mode == sweep_mode::risk) return e_above <= limit * (tot.m - n);
    return true;
  };
  auto consider = [&](std::size_t j) {
    if (!feasible(N, err_above)) return;
    if (mode == sweep_mode::risk) {  // smallest feasible j
      if (!have) best = {j, C, N, A}, have = true;
      return;
    }
    if (!have || C < best.cost) best = {j, C, N, A}, have = true;
  };
  consider(0);
  group_totals g;
  for (std::size_t k = 0; k < d; ++k) {
    group(k, g);
    const double Cn = C + g.cost + (kappa ? g.zerr : 0.0) - g.err;
    const double Nn = N + g.cnt, An = A - (g.cnt - g.err) + (g.cnt - g.zerr);
    if (mode == sweep_mode::budget && N <= limit && Nn > limit) {
      // Fractional point: groups [0, k) plus a fraction p of group k.
      frac_lo = {k, C, N, A};
      frac_p = (limit - N) / g.cnt;
      frac_cost = C + frac_p * (Cn - C);
      frac_acc = A + frac_p * (An - A);
    }
    C = Cn, N = Nn, A = An;
    err_above -= g.err;
    consider(k + 1);
  }
}

inline float midpoint_above(float lo, float hi) noexcept {
  // θ with lo < θ ≤ hi: offload iff s < θ offloads exactly the scores ≤ lo.
  auto t = static_cast<float>((static_cast<double>(lo) + static_cast<double>(hi)) / 2);
  if (!(t > lo)) t = std::nextafter(lo, std::numeric_limits<float>::infinity());
  return t;
}

inline status check_set(const calibration_set& c, std::size_t work_size) noexcept {
  const std::size_t m = c.score.size();
  if (m == 0) return fail(errc::empty, "score.size", 0, "must not be empty");
  if (c.local_wrong.size() != m) return fail(errc::size_mismatch, "local_wrong.size", static_cast<double>(c.local_wrong.size()), "must equal score.size");
  if (!c.remote_wrong.empty() && c.remote_wrong.size() != m)
    return fail(errc::size_mismatch, "remote_wrong.size", static_cast<double>(c.remote_wrong.size()), "must equal score.size");
  if (!c.offload_cost.empty() && c.offload_cost.size() != m)
    return fail(errc::size_mismatch, "offload_cost.size", static_cast<double>(c.offload_cost.size()), "must equal score.size");
  if (work_size < m) return fail(errc::workspace_too_small, "work.size", static_cast<double>(work_size), "must be >= score.size");
  for (std::size_t i = 0; i < m; ++i) {
    if (!finite(c.score[i])) return fail(errc::not_finite, "score", c.score[i], "not finite", i);
    if (c.local_wrong[i] > 1) return fail(errc::not_binary, "local_wrong", c.local_wrong[i], "must be 0 or 1", i);
    if (!c.remote_wrong.empty() && c.remote_wrong[i] > 1) return fail(errc::not_binary, "remote_wrong", c.remote_wrong[i], "must be 0 or 1", i);
    if (!c.offload_cost.empty()) {
      if (!finite(c.offload_cost[i])) return fail(errc::not_finite, "offload_cost", c.offload_cost[i], "not finite", i);
      if (c.offload_cost[i] < 0.f || c.offload_cost[i] > 1.f) return fail(errc::out_of_range, "offload_cost", c.offload_cost[i], "must lie in [0, 1]", i);
    }
  }
  return {};
}

/// Runs the sweep over the sorted sample groups of c (work sorted by (score, index)).
template <class Finish>
inline auto sort_sweep(const calibration_set& c, float beta, std::span<std::uint32_t> work, sweep_mode mode, double limit_rate,
                       Finish&& finish) noexcept {
  const std::size_t m = c.score.size();
  for (std::size_t i = 0; i < m; ++i) work[i] = static_cast<std::uint32_t>(i);
  std::sort(work.begin(), work.begin() + static_cast<std::ptrdiff_t>(m), [&](std::uint32_t a, std::uint32_t b) {
    return c.score[a] < c.score[b] || (c.score[a] == c.score[b] && a < b);
  });
  sweep_totals tot;
  tot.m = static_cast<double>(m);
  std::size_t d = 0;
  for (std::size_t i = 0; i < m; ++i) {
    tot.err += c.local_wrong[work[i]];
    tot.zerr += c.remote_wrong.empty() ? 0 : c.remote_wrong[work[i]];
    if (i == 0 || c.score[work[i]] != c.score[work[i - 1]]) ++d;
  }
  // Group k = [start_k, start_{k+1}); walk them in order with a cursor.
  std::size_t cursor = 0;
  auto group = [&](std::size_t, group_totals& g) {
    g = {};
    const float v = c.score[work[cursor]];
    while (cursor < m && c.score[work[cursor]] == v) {
      const std::uint32_t i = work[cursor++];
      g.cnt += 1;
      g.err += c.local_wrong[i];
      g.zerr += c.remote_wrong.empty() ? 0 : c.remote_wrong[i];
      g.cost += c.offload_cost.empty() ? static_cast<double>(beta) : static_cast<double>(c.offload_cost[i]);
    }
  };
  const double limit = mode == sweep_mode::budget ? limit_rate * tot.m : limit_rate;
  sweep_point best, frac_lo;
  double p = 0, frac_cost = 0, frac_acc = 0;
  sweep(d, tot, c.charge_remote_errors, mode, limit, group, best, frac_lo, p, frac_cost, frac_acc);
  // θ for "offload the first j groups": the midpoint between group j−1's and group j's score.
  auto theta_of = [&](std::size_t j) -> float {
    if (j == 0) return -std::numeric_limits<float>::infinity();
    if (j >= d) return std::numeric_limits<float>::infinity();
    // The j-th distinct value (0-based j−1) and the next one: find by counting groups.
    std::size_t g = 0, i = 0;
    float prev = c.score[work[0]];
    for (i = 1; i < m; ++i) {
      if (c.score[work[i]] != prev) {
        if (++g == j) break;
        prev = c.score[work[i]];
      }
    }
    return midpoint_above(prev, c.score[work[i]]);
  };
  return finish(best, frac_lo, p, frac_cost, frac_acc, tot, theta_of);
}

template <class ThetaOf>
inline threshold_result make_threshold(const sweep_point& best, const sweep_totals& tot, ThetaOf&& theta_of) noexcept {
  threshold_result r;
  r.theta = theta_of(best.j);
  r.expected_cost = best.cost / tot.m;
  r.offload_fraction = best.n / tot.m;
  r.accuracy = best.acc / tot.m;
  r.offloaded = static_cast<std::size_t>(best.n);
  return r;
}

template <class ThetaOf>
inline budget_result make_budget(const sweep_point& best, const sweep_point& lo, double p, double frac_cost, double frac_acc,
                                 const sweep_totals& tot, double limit, ThetaOf&& theta_of) noexcept {
  budget_result r;
  if (frac_cost < best.cost && p > 0) {
    r.theta_lo = theta_of(lo.j);
    r.theta_hi = theta_of(lo.j + 1);
    r.boundary_prob = static_cast<float>(p);
    // Expected offloads: N(j_f) + p·cnt = ρm exactly in reals; report the LP value.
    r.expected_cost = frac_cost / tot.m;
    r.offload_fraction = limit / tot.m;
    r.accuracy = frac_acc / tot.m;
  } else {
    r.theta_lo = r.theta_hi = theta_of(best.j);
    r.expected_cost = best.cost / tot.m;
    r.offload_fraction = best.n / tot.m;
    r.accuracy = best.acc / tot.m;
  }
  return r;
}

}  // namespace detail

/// The cost-optimal threshold θ* on c with offload cost β (or the per-sample costs): j* =
/// argmin C(j), ties → fewest offloads; θ* = midpoint between the last offloaded and the first
/// accepted distinct score, ±inf at the ends. work.size() ≥ m. O(m log m), no allocation.
inline threshold_result optimal_threshold(const calibration_set& c, float beta, std::span<std::uint32_t> work) noexcept {
  threshold_result bad;
  if (status s = detail::check_unit("beta", beta); !s) return bad.st = s, bad;
  if (status s = detail::check_set(c, work.size()); !s) return bad.st = s, bad;
  return detail::sort_sweep(c, beta, work, detail::sweep_mode::optimal, 0,
                            [](const auto& best, const auto&, double, double, double, const auto& tot, auto&& theta_of) {
                              return detail::make_threshold(best, tot, theta_of);
                            });
}

/// Budget-constrained optimum: min C(j) over N(j) ≤ ρm, or the fractional point (largest
/// feasible j plus a fraction of the next group) when that is cheaper — the LP optimum over
/// randomised thresholds. ρ ∈ (0, 1]. O(m log m).
inline budget_result budget_threshold(const calibration_set& c, float beta, float rho, std::span<std::uint32_t> work) noexcept {
  budget_result bad;
  if (status s = detail::check_unit("beta", beta); !s) return bad.st = s, bad;
  if (status s = detail::check_unit("rho", rho); !s) return bad.st = s, bad;
  if (rho == 0.f) return bad.st = detail::fail(errc::out_of_range, "rho", 0, "must lie in (0, 1]"), bad;
  if (status s = detail::check_set(c, work.size()); !s) return bad.st = s, bad;
  return detail::sort_sweep(c, beta, work, detail::sweep_mode::budget, rho,
                            [rho](const auto& best, const auto& lo, double p, double fc, double fa, const auto& tot, auto&& theta_of) {
                              return detail::make_budget(best, lo, p, fc, fa, tot, static_cast<double>(rho) * tot.m, theta_of);
                            });
}

/// Risk-constrained threshold: the smallest j with Σ_{k>j} err_k ≤ r*·(m − N(j)) (j = d, accept
/// nothing, always qualifies). expected_cost uses offload_cost if given, else counts errors only
/// (β = 0). r* ∈ [0, 1]. O(m log m).
inline threshold_result risk_threshold(const calibration_set& c, float max_risk, std::span<std::uint32_t> work) noexcept {
  threshold_result bad;
  if (status s = detail::check_unit("max_risk", max_risk); !s) return bad.st = s, bad;
  if (status s = detail::check_set(c, work.size()); !s) return bad.st = s, bad;
  return detail::sort_sweep(c, 0.f, work, detail::sweep_mode::risk, max_risk,
                            [](const auto& best, const auto&, double, double, double, const auto& tot, auto&& theta_of) {
                              return detail::make_threshold(best, tot, theta_of);
                            });
}

/// Per-bin counters of labelled samples on the K-bin grid, fillable on the device: add is O(1),
/// the sweeps O(K). Samples added with `add` cost β (given at sweep time); `add_cost` fixes it.
template <std::size_t K>
class calibration_histogram {
  static_assert(K >= 2 && K <= 65536 && (K & (K - 1)) == 0, "K must be a power of two in [2, 65536]");

public:
  /// Counts a sample in `bin` (errors of the local and remote model) at the sweep-time cost β. O(1).
  [[nodiscard]] status add(std::uint32_t bin, bool local_wrong, bool remote_wrong = false) noexcept {
    if (bin >= K) return detail::fail(errc::out_of_range, "bin", bin, "must be < K");
    ++cnt_[bin], err_[bin] += local_wrong, zerr_[bin] += remote_wrong, ++n_;
    return {};
  }
  /// Counts a sample in `bin` with its own offload cost in [0, 1]. O(1).
  [[nodiscard]] status add_cost(std::uint32_t bin, bool local_wrong, bool remote_wrong, float cost) noexcept {
    if (bin >= K) return detail::fail(errc::out_of_range, "bin", bin, "must be < K");
    if (status s = detail::check_unit("offload_cost", cost); !s) return s;
    ++cnt_[bin], err_[bin] += local_wrong, zerr_[bin] += remote_wrong, ++n_;
    ++fixed_[bin];
    fixed_cost_[bin] += cost;
    return {};
  }
  /// Samples counted.
  std::uint64_t size() const noexcept { return n_; }
  /// Forgets every sample. O(K).
  void clear() noexcept {
    cnt_.fill(0), err_.fill(0), zerr_.fill(0), fixed_.fill(0), fixed_cost_.fill(0), n_ = 0;
  }

  /// The sweep over bins (groups = bins, empty ones included): θ = j/K, ±inf at the ends.
  template <class Finish>
  auto run(float beta, bool kappa, detail::sweep_mode mode, double limit_rate, Finish&& finish) const noexcept {
    detail::sweep_totals tot;
    tot.m = static_cast<double>(n_);
    for (std::size_t b = 0; b < K; ++b) tot.err += err_[b], tot.zerr += zerr_[b];
    auto group = [&](std::size_t k, detail::group_totals& g) {
      g.cnt = cnt_[k], g.err = err_[k], g.zerr = zerr_[k];
      g.cost = static_cast<double>(beta) * static_cast<double>(cnt_[k] - fixed_[k]) + fixed_cost_[k];
    };
    const double limit = mode == detail::sweep_mode::budget ? limit_rate * tot.m : limit_rate;
    detail::sweep_point best, lo;
    double p = 0, fc = 0, fa = 0;
    detail::sweep(K, tot, kappa, mode, limit, group, best, lo, p, fc, fa);
    auto theta_of = [](std::size_t j) -> float {
      if (j == 0) return -std::numeric_limits<float>::infinity();
      if (j >= K) return std::numeric_limits<float>::infinity();
      return static_cast<float>(j) / static_cast<float>(K);
    };
    return finish(best, lo, p, fc, fa, tot, theta_of);
  }

private:
  std::array<std::uint32_t, K> cnt_{}, err_{}, zerr_{}, fixed_{};
  std::array<double, K> fixed_cost_{};
  std::uint64_t n_ = 0;
};

/// optimal_threshold on a histogram: θ = j*/K (offload iff bin < j*). O(K).
template <std::size_t K>
threshold_result optimal_threshold(const calibration_histogram<K>& h, float beta, bool kappa = false) noexcept {
  threshold_result bad;
  if (status s = detail::check_unit("beta", beta); !s) return bad.st = s, bad;
  if (h.size() == 0) return bad.st = detail::fail(errc::empty, "histogram.size", 0, "must not be empty"), bad;
  return h.run(beta, kappa, detail::sweep_mode::optimal, 0, [](const auto& best, const auto&, double, double, double, const auto& tot, auto&& th) {
    return detail::make_threshold(best, tot, th);
  });
}
/// budget_threshold on a histogram. O(K).
template <std::size_t K>
budget_result budget_threshold(const calibration_histogram<K>& h, float beta, float rho) noexcept {
  budget_result bad;
  if (status s = detail::check_unit("beta", beta); !s) return bad.st = s, bad;
  if (status s = detail::check_unit("rho", rho); !s) return bad.st = s, bad;
  if (rho == 0.f) return bad.st = detail::fail(errc::out_of_range, "rho", 0, "must lie in (0, 1]"), bad;
  if (h.size() == 0) return bad.st = detail::fail(errc::empty, "histogram.size", 0, "must not be empty"), bad;
  return h.run(beta, false, detail::sweep_mode::budget, rho, [rho](const auto& best, const auto& lo, double p, double fc, double fa, const auto& tot, auto&& th) {
    return detail::make_budget(best, lo, p, fc, fa, tot, static_cast<double>(rho) * tot.m, th);
  });
}
/// risk_threshold on a histogram. O(K).
template <std::size_t K>
threshold_result risk_threshold(const calibration_histogram<K>& h, float max_risk) noexcept {
  threshold_result bad;
  if (status s = detail::check_unit("max_risk", max_risk); !s) return bad.st = s, bad;
  if (h.size() == 0) return bad.st = detail::fail(errc::empty, "histogram.size", 0, "must not be empty"), bad;
  return h.run(0.f, false, detail::sweep_mode::risk, max_risk, [](const auto& best, const auto&, double, double, double, const auto& tot, auto&& th) {
    return detail::make_threshold(best, tot, th);
  });
}

}  // namespace idn::offload
