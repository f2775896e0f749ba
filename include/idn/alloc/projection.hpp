#pragma once
/// Exact projections of one node's point onto Y_v = {y ∈ [0,1]^n : Σ s y = b} (docs/alloc.md
/// §2, §4). Entropic (Bregman for Φ = Σ s y ln y): y_j = min(1, c ŷ_j). Euclidean: y_j =
/// clip(ŷ_j − τ s_j, 0, 1). Both find the saturated/free/zero sets by a randomized search over
/// breakpoints in expected O(n) (pivots from an internal idn::rng with a fixed seed), then
/// recompute the multiplier in one pass in index order. The *_sorted references classify by
/// sorting, O(n log n), and are kept for tests and benchmarks.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"
#include "idn/core/mul_add.hpp"
#include "idn/core/random.hpp"

namespace idn::alloc {

/// What a projection found: its multiplier, how many coordinates saturated at 1, and whether the
/// budget was slack (then y = 1).
struct projection_result {
  double multiplier = 0;  ///< c (entropic) or τ (Euclidean)
  std::size_t saturated = 0;  ///< coordinates at 1
  bool slack = false;     ///< Σ s ≤ b: y = 1
};

namespace detail {
struct projection_kernels;
}

/// Scratch space for the projections; grows only (allocation-free once it has seen the largest n).
class projection_workspace {
public:
  /// Room for n_max coordinates (more are added on demand).
  explicit projection_workspace(std::size_t n_max = 0) { reserve(n_max); }
  /// Grows the scratch to n coordinates if it is smaller. O(n) when it grows.
  void reserve(std::size_t n) {
    if (undecided_.size() < n) {
      undecided_.resize(n);
      state_.resize(n);
      a_.resize(n);
      b_.resize(n);
    }
  }

private:
  friend struct detail::projection_kernels;
  std::vector<std::uint32_t> undecided_;
  std::vector<std::uint8_t> state_;  // 0 free, 1 saturated, 2 zero
  std::vector<double> a_, b_;        // entropic: rescaled ŷ; Euclidean: breakpoints t1, t0
};

namespace detail {

/// The projection kernels behind project_entropic / project_euclidean (and INFIDA's prevalidated
/// step): validation, the fast fixed-point paths, the randomized selection and the sorted references.
struct projection_kernels {
  enum : std::uint8_t { free_ = 0, sat_ = 1, zero_ = 2 };

  /// x·2^-e: one exact multiply when 2^-e is a normal double, else ldexp.
  struct pow2_scale {
    int e;
    double factor;
    explicit pow2_scale(int exponent) : e(exponent), factor(std::ldexp(1.0, -exponent)) {}
    double operator()(double x) const noexcept {
      return (std::isfinite(factor) && factor >= std::numeric_limits<double>::min()) ? x * factor : std::ldexp(x, -e);
    }
  };
  using cref = Eigen::Ref<const Eigen::VectorXd>;
  using ref = Eigen::Ref<Eigen::VectorXd>;

  /// Checks sizes, b and every entry (naming the first bad one) and returns Σ s; acc.add(s_j, ŷ_j)
  /// runs on every entry in the same pass (on a local copy, which the inputs cannot alias, so
  /// it stays in registers).
  template <class Acc>
  static double validate(const char* where, const cref& s, double b, const cref& yhat, Eigen::Index ysize, bool entropic, Acc& out) {
    if (s.size() != yhat.size() || ysize != s.size())
      detail::fail(where, "(s, yhat, y) sizes", concat("(", s.size(), ", ", yhat.size(), ", ", ysize, ")"), "must be equal");
    if (!std::isfinite(b) || b < 0) detail::fail(where, "b", b, "must be finite and >= 0");
    double total = 0;
    Acc acc = out;
    const double *sp = s.data(), *yp = yhat.data();
    Eigen::Index j = 0;
    // One test per entry on the bits: a double is finite and > 0 iff its bits minus 1 are below
    // those of the largest double (as unsigned: +0 wraps around, -0 and negatives are above),
    // and finite iff its exponent is not all ones. The first entry that fails leaves this loop
    // for the one below, which names it.
    constexpr std::uint64_t max_bits = 0x7FEFFFFFFFFFFFFFull, exponent = 0x7FF0000000000000ull;
    for (; j < s.size(); ++j) {
      const auto bs = std::bit_cast<std::uint64_t>(sp[j]), by = std::bit_cast<std::uint64_t>(yp[j]);
      if ((bs - 1 >= max_bits) | (entropic ? by - 1 >= max_bits : (by & exponent) == exponent)) break;
      total += sp[j];
      acc.add(sp[j], yp[j]);
    }
    for (; j < s.size(); ++j) {
      if (!std::isfinite(s[j]) || s[j] <= 0) detail::fail(where, concat("s[", j, "]"), s[j], "must be finite and > 0");
      if (!std::isfinite(yhat[j])) detail::fail(where, concat("yhat[", j, "]"), yhat[j], "must be finite");
      if (entropic && yhat[j] <= 0) detail::fail(where, concat("yhat[", j, "]"), yhat[j], "must be > 0 (entropic)");
    }
    if (!std::isfinite(total)) detail::fail(where, "sum of s", total, "must be finite");
    out = acc;
    return total;
  }
  /// The accumulator of a plain validate: takes nothing.
  struct no_sums {
    void add(double, double) noexcept {}
  };
  /// validate without extra sums.
  static double validate(const char* where, const cref& s, double b, const cref& yhat, Eigen::Index ysize, bool entropic) {
    no_sums none;
    return validate(where, s, b, yhat, ysize, entropic, none);
  }

  /// What the entropic fixed point needs from one pass over (s, ŷ): Σ s·ŷ in index order, the
  /// largest and smallest ŷ and the smallest s·ŷ (independent chains, so one pass costs about
  /// what one sum does).
  struct entropic_sums {
    double s_yhat = 0, max_yhat = 0, min_yhat = std::numeric_limits<double>::infinity(), min_s_yhat = std::numeric_limits<double>::infinity();
    void add(double sj, double yj) noexcept {
      const double p = sj * yj;
      s_yhat += p, max_yhat = std::max(max_yhat, yj), min_yhat = std::min(min_yhat, yj), min_s_yhat = std::min(min_s_yhat, p);
    }
  };
  /// The rounding error of t = a + b (Neumaier's branch on the larger magnitude): a + b = t + error
  /// exactly. O(1).
  static double sum_error(double a, double b, double t) noexcept { return std::abs(a) >= std::abs(b) ? (a - t) + b : (b - t) + a; }
  /// What the Euclidean fast path needs from one pass over (s, ŷ): Σ s·ŷ and Σ s² in index order,
  /// the largest s (which bounds how far a Newton round moves any y_j) and the largest |ŷ| (whose
  /// margin bounds every coordinate's).
  struct euclidean_sums {
    double s_yhat = 0, s_sq = 0, max_s = 0, max_abs_yhat = 0;
    void add(double sj, double yj) noexcept {
      s_yhat += sj * yj, s_sq += sj * sj, max_s = std::max(max_s, sj), max_abs_yhat = std::max(max_abs_yhat, std::abs(yj));
    }
  };
  /// The sums Acc (entropic_sums or euclidean_sums) of (s, ŷ), in one pass.
  template <class Acc>
  static Acc sums_of(const cref& s, const cref& yhat) noexcept {
    Acc m;
    for (Eigen::Index j = 0; j < s.size(); ++j) m.add(s[j], yhat[j]);
    return m;
  }

  // ---- entropic -----------------------------------------------------------------------------
  /// From a classification (state: sat or free), computes c and y in index order. Free values
  /// are rescaled by the largest free ŷ's power of two; any free coordinate whose c·ŷ reaches 1
  /// is moved to the saturated set and c recomputed (guards against underflow misclassification).
  /// With max_rounds, gives up (returns false, y untouched) when the classification still moves
  /// after that many rounds; the default bound 2n + 2 always converges.
  static bool finish_entropic(const cref& s, double b, const cref& yhat, ref y, std::uint8_t* state, projection_result& r,
                              Eigen::Index max_rounds = -1) {
    const Eigen::Index n = s.size();
    if (max_rounds < 0) max_rounds = 2 * n + 2;
    double c_scaled = 0;
    int e_free = 0;
    bool converged = false;
    for (Eigen::Index guard = 0; guard <= max_rounds; ++guard) {
      double s_sat = 0, max_free = 0;
      for (Eigen::Index j = 0; j < n; ++j) {
        if (state[j] == sat_) s_sat += s[j];
        else max_free = std::max(max_free, yhat[j]);
      }
      if (s_sat > b) {  // too many saturated (a near-degenerate budget): free the smallest ŷ, then retry
        Eigen::Index victim = -1;
        for (Eigen::Index j = 0; j < n; ++j)
          if (state[j] == sat_ && (victim < 0 || yhat[j] <= yhat[victim])) victim = j;
        state[victim] = free_;
        continue;
      }
      if (max_free == 0) { c_scaled = 0; converged = true; break; }
      std::frexp(max_free, &e_free);
      const pow2_scale scale(e_free);
      double w = 0;
      for (Eigen::Index j = 0; j < n; ++j)
        if (state[j] != sat_) w += s[j] * scale(yhat[j]);
      c_scaled = w > 0 ? std::max(0.0, (b - s_sat) / w) : 0.0;
      bool moved = false;
      for (Eigen::Index j = 0; j < n; ++j)
        if (state[j] != sat_ && c_scaled * scale(yhat[j]) >= 1) { state[j] = sat_; moved = true; }
      if (!moved) { converged = true; break; }
    }
    if (!converged) return false;
    r = {};
    const pow2_scale scale(e_free);
    for (Eigen::Index j = 0; j < n; ++j) {
      if (state[j] == sat_) { y[j] = 1; ++r.saturated; }
      else y[j] = std::min(1.0, c_scaled * scale(yhat[j]));
    }
    r.multiplier = std::ldexp(c_scaled, -e_free);
    return true;
  }
  /// finish_entropic without a round limit.
  static projection_result finish_entropic(const cref& s, double b, const cref& yhat, ref y, std::uint8_t* state) {
    projection_result r;
    finish_entropic(s, b, yhat, y, state, r);
    return r;
  }

  /// How many rounds entropic_fixed_point takes before finish_entropic (4 more rounds) and then
  /// the randomized selection take over. The rounds rise monotonically to c (Newton on the
  /// concave Σ s min(1, c ŷ) from below): 5 rounds when 5 % of the coordinates saturate.
  static constexpr int entropic_rounds = 8;
  /// The fixed point of finish_entropic from "nothing saturated", fused: the power-of-two scale
  /// 2^-e of the largest ŷ is kept for every round, so with v = ŷ·2^-e each round is one
  /// branch-free pass that classifies, writes y (1 if saturated, else c·v) and accumulates the
  /// next round's Σ s·v and Σ s_sat. Round 1's Σ s·v is Σ s·ŷ of `sums` times 2^-e: scaling by a
  /// power of two is exact while every ŷ, s·ŷ, v and s·v is a normal double, which `sums`
  /// certifies (its minima), so the sums and every c·v product are bitwise those of
  /// finish_entropic. 1 + rounds passes after the sums (one more when y is ŷ itself). Gives up
  /// (returns false; state and y are then scratch) after max_rounds, when Σ s_sat exceeds b, or
  /// outside the normal range (finish_entropic then rescales per round).
  static bool entropic_fixed_point(const cref& s, double b, const cref& yhat, ref y, std::uint8_t* state, projection_result& r,
                                   int max_rounds, const entropic_sums& sums) {
    const Eigen::Index n = s.size();
    if (!(sums.max_yhat > 0)) return false;
    int e = 0;
    std::frexp(sums.max_yhat, &e);
    const double f = std::ldexp(1.0, -e);
    constexpr double tiny = std::numeric_limits<double>::min();
    if (!(f >= tiny) || !std::isfinite(f) || !std::isfinite(sums.s_yhat) || !(sums.min_s_yhat >= tiny) || !(sums.min_yhat * f >= tiny) ||
        !(sums.min_s_yhat * f >= tiny))
      return false;
    // y may be ŷ itself (projection in place): then y is written only once the rounds are done.
    const bool overlap = y.data() < yhat.data() + n && yhat.data() < y.data() + n;
    double w = sums.s_yhat * f, s_sat = 0;
    // Raw pointers: the byte stores to state may alias anything, which would reload a Ref's
    // data pointer on every entry.
    const double *sp = s.data(), *yp = yhat.data();
    double* out = overlap ? nullptr : y.data();
    for (int round = 0; round < max_rounds; ++round) {
      if (s_sat > b) return false;
      const double c = w > 0 ? std::max(0.0, (b - s_sat) / w) : 0.0;
      double w_next = 0, s_sat_next = s_sat;  // adding +0.0 for the other kind keeps the sums bitwise
      std::size_t saturated = 0, moved = 0;
      for (Eigen::Index j = 0; j < n; ++j) {
        const double v = yp[j] * f, cv = c * v;
        const bool was = round > 0 && state[j] == sat_, now = was || cv >= 1;  // round 1: all free
        if (!now && cv != 0 && !(cv >= tiny)) return false;  // a subnormal product: let finish_entropic rescale
        if (now) state[j] = sat_;
        if (out) out[j] = now ? 1.0 : cv;
        w_next += now ? 0.0 : sp[j] * v;
        s_sat_next += now && !was ? sp[j] : 0.0;
        saturated += now, moved += now && !was;
      }
      if (moved == 0) {
        if (overlap)
          for (Eigen::Index j = 0; j < n; ++j) y[j] = state[j] == sat_ ? 1.0 : c * (yhat[j] * f);
        r = {};
        r.saturated = saturated;
        r.multiplier = std::ldexp(c, -e);
        return true;
      }
      w = w_next, s_sat = s_sat_next;
    }
    return false;
  }

  static projection_result entropic(const cref& s, double b, const cref& yhat, ref y, projection_workspace& ws) {
    entropic_sums sums;
    const double total = validate("project_entropic", s, b, yhat, y.size(), true, sums);
    return entropic_prevalidated(s, b, total, yhat, y, ws, &sums);
  }

  /// The entropic projection for inputs validate() accepted, with total = Σ s (node_state, whose
  /// sizes and budget are constants of the instance and whose ŷ is positive by construction).
  /// Fast path: the fixed point of finish_entropic started from "nothing saturated" — c from all
  /// coordinates, those with c·ŷ ≥ 1 saturate, repeat — settles in 1–5 rounds when up to 5 % of
  /// the coordinates saturate (the common case in INFIDA). entropic_fixed_point runs it fused:
  /// one pass per round after one pass for `sums` (the public entry point takes them inside
  /// validate; without them, as from INFIDA, they are taken here). Outside the normal range
  /// finish_entropic runs it with per-round rescaling; after entropic_rounds (then 4 more
  /// rounds) the randomized selection takes over
  /// (expected O(n) whatever the saturation). All give the same y for the same classification
  /// (the same c·v products).
  static projection_result entropic_prevalidated(const cref& s, double b, double total, const cref& yhat, ref y, projection_workspace& ws,
                                                 const entropic_sums* sums = nullptr) {
    const auto n = static_cast<std::size_t>(s.size());
    if (total <= b) { y.setOnes(); return {0, n, true}; }
    ws.reserve(n);
    std::uint32_t* u = ws.undecided_.data();
    std::uint8_t* st = ws.state_.data();
    std::fill(st, st + n, free_);
    if (projection_result r; entropic_fixed_point(s, b, yhat, y, st, r, entropic_rounds, sums ? *sums : sums_of<entropic_sums>(s, yhat))) return r;
    std::fill(st, st + n, free_);
    if (projection_result r; finish_entropic(s, b, yhat, y, st, r, 4)) return r;
    int e_max = 0;
    std::frexp(yhat.maxCoeff(), &e_max);  // v = ŷ·2^-e_max ∈ (0, 1): exact rescaling
    const pow2_scale scale(e_max);
    double* v = ws.a_.data();
    std::size_t m = n;
    for (std::size_t j = 0; j < n; ++j) {
      u[j] = static_cast<std::uint32_t>(j);
      st[j] = free_;
      v[j] = scale(yhat[static_cast<Eigen::Index>(j)]);
    }
    double s_sat = 0, w = 0;              // known saturated Σs; known free Σ s·v
    double sat_thr = INFINITY, free_thr = 0;  // v >= sat_thr saturated; v <= free_thr free
    idn::rng g(0x1d9a11c0ULL);
    while (m > 0) {
      const double p = v[u[g() % m]];
      const double inv = 1.0 / p;
      double phi = INFINITY;  // φ(c = 1/p); a pivot that underflowed to 0 means c = ∞
      if (std::isfinite(inv)) {
        phi = s_sat + w * inv;
        for (std::size_t k = 0; k < m; ++k) phi += s[u[k]] * std::min(1.0, v[u[k]] * inv);
      }
      if (phi <= b) sat_thr = std::min(sat_thr, p);
      else free_thr = std::max(free_thr, p);
      std::size_t keep = 0;
      for (std::size_t k = 0; k < m; ++k) {
        const std::uint32_t j = u[k];
        if (v[j] >= sat_thr) { st[j] = sat_; s_sat += s[j]; }
        else if (v[j] <= free_thr) { w += s[j] * v[j]; }
        else u[keep++] = j;
      }
      m = keep;
    }
    return finish_entropic(s, b, yhat, y, st);
  }

  static projection_result entropic_sorted(const cref& s, double b, const cref& yhat, ref y) {
    const double total = validate("project_entropic_sorted", s, b, yhat, y.size(), true);
    const auto n = static_cast<std::size_t>(s.size());
    if (total <= b) { y.setOnes(); return {0, n, true}; }
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t c) { return yhat[a] > yhat[c]; });
    // Top-k saturated: c_k = (b − S_k)/W_k, valid if c_k·ŷ_(k) < 1 <= c_k·ŷ_(k−1). long double sums.
    std::vector<long double> suffix(n + 1, 0.0L);
    for (std::size_t k = n; k-- > 0;) suffix[k] = suffix[k + 1] + static_cast<long double>(s[order[k]]) * yhat[order[k]];
    long double s_k = 0;
    std::size_t k = 0;
    for (; k < n; ++k) {
      const long double c = (static_cast<long double>(b) - s_k) / suffix[k];
      if (c * yhat[order[k]] < 1) break;
      s_k += s[order[k]];
    }
    std::vector<std::uint8_t> state(n, free_);
    for (std::size_t i = 0; i < k; ++i) state[order[i]] = sat_;
    return finish_entropic(s, b, yhat, y, state.data());
  }

  // ---- Euclidean ----------------------------------------------------------------------------
  /// The running sums of the Newton refinement over y, in index order: Σ s·y compensated (sum +
  /// comp) and Σ s² over the free coordinates strictly inside (0, 1).
  struct newton_sums {
    double sum = 0, comp = 0, qf = 0;
    /// Adds s_j·y_j to Σ s·y only.
    void add_term(double sj, double yj) noexcept {
      const double term = sj * yj, t = sum + term;
      comp += sum_error(sum, term, t);
      sum = t;
    }
    void add(double sj, double yj, bool free_inside) noexcept {
      add_term(sj, yj);
      if (free_inside) qf += sj * sj;
    }
    /// Σ s·y.
    double total() const noexcept { return sum + comp; }
  };
  /// The largest change to any y_j for which refine_euclidean still runs a Newton round.
  static constexpr double newton_skip = 1e-13;
  /// How many Newton steps on φ(τ) = Σ s clip(ŷ − τ s, 0, 1) − b the Euclidean fast path takes
  /// before the randomized selection takes over.
  static constexpr int euclidean_rounds = 8;
  /// y_j of a classified coordinate whose ŷ_j − τ s_j is v: 1 saturated, 0 at zero, else v
  /// clipped to [0, 1].
  static double euclidean_y(std::uint8_t state, double v) noexcept { return state == sat_ ? 1.0 : (state == zero_ ? 0.0 : std::clamp(v, 0.0, 1.0)); }
  /// How far a free value v = ŷ_j − τ s_j must lie from 0 and 1 for the fast paths to accept
  /// their classification: one within rounding of a bound may belong to the other side (found on
  /// aarch64, where a·b + c contracts: with b = 0 a free value of +1e-17 was truly negative).
  /// About 1e-9·max(1, |ŷ_j|), as (a + 1 + |a − 1|)/2 for max(1, a), which compiles without a
  /// branch (one on |ŷ_j| > 1 mispredicts half the time when ŷ straddles 1).
  static double euclidean_margin(double yhat_j) noexcept {
    const double a = std::abs(yhat_j);
    return 5e-10 * (a + 1 + std::abs(a - 1));
  }
  /// y from a classification: τ from its sums in index order, y at τ, then refine_euclidean
  /// (s_max: the largest s, for its skip test; +inf runs every Newton round).
  static projection_result finish_euclidean(const cref& s, double b, const cref& yhat, ref y, const std::uint8_t* state,
                                            double lo, double hi, double s_max = INFINITY) {
    const Eigen::Index n = s.size();
    double s1 = 0, a = 0, q = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (state[j] == sat_) s1 += s[j];
      else if (state[j] == free_) { a += s[j] * yhat[j]; q += s[j] * s[j]; }
    }
    const double tau = q > 0 ? (a - b + s1) / q : (std::isfinite(lo) ? lo : hi);
    std::size_t saturated = 0;
    newton_sums ns;
    for (Eigen::Index j = 0; j < n; ++j) {
      y[j] = euclidean_y(state[j], state[j] == free_ ? idn::mul_add(-tau, s[j], yhat[j]) : 0.0);
      saturated += state[j] == sat_;
      ns.add(s[j], y[j], state[j] == free_ && y[j] > 0 && y[j] < 1);
    }
    return refine_euclidean(s, b, yhat, y, state, tau, q, ns, saturated, s_max);
  }
  /// y at τ is written and ns holds its sums (q: Σ s² over the free set). τ itself carries a
  /// relative rounding error of 1e-16, which s_j·τ turns into an absolute error in y far above
  /// 1e-12 when |ŷ| is large. Newton-correct the free coordinates directly: y_j += s_j R / Q with
  /// R = b − Σ s y (compensated sum); that is the projection for τ − R/Q without representing
  /// that τ to more digits than a double has. At most 3 rounds, each one pass that also takes
  /// the next round's sums; then repair_degenerate from the last Σ s·y. state == nullptr:
  /// every coordinate is free (the fast path's classification). A round moves each y_j by at
  /// most s_max·|R|/Q; when that is at most newton_skip (a tenth of the 1e-12 contract) the
  /// round is skipped, so y stays within 1e-13 of the refined value and Σ s y within 1e-13·Σ s
  /// of b (Q/s_max ≤ Σ s). Σ s² in double carries a relative error of about √n·ε, which moves
  /// y by about √n·ε·|s τ|: about 1e-14 at n = 10⁶ with |s τ| ≈ 0.3, so at that size the fast
  /// path needs no refinement pass. Without s_max (the fallbacks) every round runs.
  static projection_result refine_euclidean(const cref& s, double b, const cref& yhat, ref y, const std::uint8_t* state, double tau, double q,
                                            newton_sums ns, std::size_t saturated, double s_max = INFINITY) {
    for (int round = 0; round < 3 && q > 0; ++round) {
      const double resid = b - ns.total();
      if (ns.qf == 0 || resid == 0 || s_max * std::abs(resid) <= newton_skip * ns.qf) break;
      const double shift = resid / ns.qf;
      ns = state ? newton_round<false>(s, y, state, shift) : newton_round<true>(s, y, state, shift);
      tau -= shift;
    }
    repair_degenerate(s, b, yhat, y, ns.total());
    projection_result r;
    r.saturated = saturated;
    r.multiplier = tau;
    return r;
  }

  /// One Newton round of refine_euclidean: y_j += s_j·shift on the free coordinates inside
  /// (0, 1) (AllFree: every coordinate is free), clipped; returns the next round's sums. One pass.
  template <bool AllFree>
  static newton_sums newton_round(const cref& s, ref y, const std::uint8_t* state, double shift) noexcept {
    const Eigen::Index n = s.size();
    const double* sp = s.data();
    double* yp = y.data();
    newton_sums next;
    for (Eigen::Index j = 0; j < n; ++j) {
      const bool free_j = AllFree || state[j] == free_;
      if (free_j && yp[j] > 0 && yp[j] < 1) yp[j] = std::clamp(yp[j] + sp[j] * shift, 0.0, 1.0);
      next.add(sp[j], yp[j], free_j && yp[j] > 0 && yp[j] < 1);
    }
    return next;
  }

  /// When |ŷ| is so large that ŷ_j − 1 rounds to ŷ_j, a coordinate's breakpoints t1 = (ŷ_j − 1)/s_j
  /// and t0 = ŷ_j/s_j coincide: it jumps from 1 to 0 at one τ, no τ meets Σ s y = b, and the
  /// classification above ends off the budget (found by fuzzing: y = (1, 1) over a 218-byte budget
  /// with s = (129, 217)). This moves τ through the breakpoints as the exact projection would:
  /// over budget, the coordinates that reach 0 first (smallest ŷ_j/s_j) give way; under it, those
  /// that reach 1 first (largest (ŷ_j − 1)/s_j) fill up. A no-op unless the residual exceeds
  /// 1e-12·b. sum: Σ s·y (the caller's last pass took it, compensated). O(n) per coordinate
  /// moved (one or two in practice), no allocation.
  static void repair_degenerate(const cref& s, double b, const cref& yhat, ref y, double sum) {
    const Eigen::Index n = s.size();
    double resid = b - sum;
    for (Eigen::Index moved = 0; moved < n && std::abs(resid) > 1e-12 * b; ++moved) {
      Eigen::Index pick = -1;
      double best = 0;
      for (Eigen::Index j = 0; j < n; ++j) {
        if (resid < 0 ? !(y[j] > 0) : !(y[j] < 1)) continue;
        const double key = resid < 0 ? yhat[j] / s[j] : (yhat[j] - 1) / s[j];
        if (pick < 0 || (resid < 0 ? key < best : key > best)) pick = j, best = key;
      }
      if (pick < 0) break;
      const double before = y[pick];
      y[pick] = std::clamp(before + resid / s[pick], 0.0, 1.0);
      resid -= s[pick] * (y[pick] - before);
    }
  }

  static std::uint8_t classify(double t1, double t0, double lo, double hi) noexcept {
    if (hi <= t1) return sat_;
    if (lo >= t0) return zero_;
    if (t1 <= lo && t0 >= hi) return free_;
    return 3;  // undecided
  }

  static projection_result euclidean(const cref& s, double b, const cref& yhat, ref y, projection_workspace& ws) {
    euclidean_sums sums;
    const double total = validate("project_euclidean", s, b, yhat, y.size(), false, sums);
    return euclidean_prevalidated(s, b, total, yhat, y, ws, &sums);
  }
  /// The fast path's first try: τ from every coordinate; if each ŷ_j − τ s_j lies clear of 0
  /// and 1 by `margin` (the caller's: euclidean_margin of the largest |ŷ|, one bound for all,
  /// which keeps the test cheap), writes y at τ and returns true with Σ s·y in ns (ns.qf is
  /// Σ s², the caller's). Stops at the first coordinate that fails (the common case with
  /// clipping: within a few entries); the rounds then start again from the same τ.
  /// One pass (two in place: a test pass before the writing pass, so a failed try leaves ŷ).
  static bool euclidean_all_free(const cref& s, const cref& yhat, ref y, double tau, double margin, newton_sums& ns) noexcept {
    const auto n = static_cast<std::size_t>(s.size());
    const double *sp = s.data(), *yp = yhat.data();
    double* out = y.data();
    const bool overlap = out < yp + n && yp < out + n;
    newton_sums acc;  // local: the stores to y could alias ns, which would keep it in memory
    if (overlap) {
      for (std::size_t j = 0; j < n; ++j)
        if (const double v = idn::mul_add(-tau, sp[j], yp[j]); !(v > margin && v < 1 - margin)) return false;
      for (std::size_t j = 0; j < n; ++j) {
        const double v = idn::mul_add(-tau, sp[j], yp[j]);
        out[j] = v;
        acc.add_term(sp[j], v);
      }
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        const double v = idn::mul_add(-tau, sp[j], yp[j]);
        if (!(v > margin && v < 1 - margin)) return false;
        out[j] = v;
        acc.add_term(sp[j], v);
      }
    }
    ns = acc;
    return true;
  }
  /// The Euclidean projection for inputs validate() accepted, with total = Σ s; `sums` as
  /// validate's accumulator took them (else they are taken here, one pass).
  /// Fast path: first the one-pass try with every coordinate free (euclidean_all_free). Else
  /// Newton's method on the piecewise-linear φ(τ) = Σ s clip(ŷ − τ s, 0, 1) − b: each round
  /// classifies every coordinate afresh at τ (either way: from two sides φ is neither convex
  /// nor concave) and takes the sums for the next τ = (Σ_free s ŷ − b + Σ_sat s)/Σ_free s² in
  /// the same pass; at most euclidean_rounds rounds. A round that moves nothing has found a
  /// classification consistent with its τ; it is accepted if every free value lies clear of 0
  /// and 1 (euclidean_margin); otherwise, and when no coordinate stays free, the randomized
  /// selection runs. Unless y is ŷ itself, each round's pass also writes y at its τ and takes
  /// the Newton sums, so a settled round leaves only refine_euclidean's passes (bitwise what
  /// finish_euclidean computes from that classification).
  /// long: one hot kernel (issue 17 budgets it in streaming passes); its rounds and its KKT
  /// acceptance test share the running sums and the classification, kept in one body.
  static projection_result euclidean_prevalidated(const cref& s, double b, double total, const cref& yhat, ref y, projection_workspace& ws,
                                                  const euclidean_sums* sums = nullptr) {
    const auto n = static_cast<std::size_t>(s.size());
    if (total <= b) { y.setOnes(); return {0, n, true}; }
    const euclidean_sums first = sums ? *sums : sums_of<euclidean_sums>(s, yhat);
    if (const double tau = (first.s_yhat - b) / first.s_sq; first.s_sq > 0 && std::isfinite(tau)) {
      if (newton_sums ns; euclidean_all_free(s, yhat, y, tau, euclidean_margin(first.max_abs_yhat), ns)) {
        ns.qf = first.s_sq;
        return refine_euclidean(s, b, yhat, y, nullptr, tau, first.s_sq, ns, 0, first.max_s);
      }
    }
    ws.reserve(n);
    std::uint32_t* u = ws.undecided_.data();
    std::uint8_t* st = ws.state_.data();
    {
      double s1 = 0, a = first.s_yhat, q = first.s_sq;
      std::fill(st, st + n, free_);
      // y may be ŷ itself (projection in place): then nothing is written before the KKT test, so
      // the fallback below still sees ŷ. Otherwise each round also writes y at its τ and takes
      // the KKT test and the Newton sums, which finish the projection when the round settles.
      const bool overlap = y.data() < yhat.data() + s.size() && yhat.data() < y.data() + s.size();
      // Raw pointers: the byte stores to st may alias anything, which would reload a Ref's data
      // pointer on every entry.
      const double *sp = s.data(), *yp = yhat.data();
      double* out = y.data();
      for (int round = 0; round < euclidean_rounds && q > 0; ++round) {
        const double tau = (a - b + s1) / q;
        if (!std::isfinite(tau)) break;  // the sums overflow (huge ŷ): the randomized selection copes
        double s1n = 0, an = 0, qn = 0;
        bool moved = false, kkt = true;
        std::size_t saturated = 0;
        newton_sums ns;
        for (std::size_t j = 0; j < n; ++j) {
          // v at this τ classifies every coordinate afresh (a Newton step on φ may move it
          // either way), and (if the round settles) is the KKT test at the final τ.
          const double v = idn::mul_add(-tau, sp[j], yp[j]);
          // The class and the sums' terms on the bits, so that no branch depends on the class
          // (GCC turns the selects into branches, which mispredict as often as the classes mix:
          // 2x slower on the bench's half-clipped input). v is never NaN (finite ŷ, s and τ):
          // v ≥ 1 iff its bits minus those of 1.0 are at most those of +inf minus 1.0, and v ≤ 0
          // iff its bits minus 1 wrap around (+0) or have the sign bit (negatives, −0).
          const auto vb = std::bit_cast<std::uint64_t>(v);
          const std::uint64_t is_sat = vb - 0x3FF0000000000000ull <= 0x4000000000000000ull;
          const std::uint64_t is_zero = vb - 1 >= 0x7FFFFFFFFFFFFFFFull;
          static_assert(free_ == 0 && sat_ == 1 && zero_ == 2, "the class is is_sat | is_zero << 1");
          const auto c = static_cast<std::uint8_t>(is_sat | (is_zero << 1));
          moved |= c != st[j];
          st[j] = c;
          // s_j masked to +0.0 for the other kinds: adding +0.0 (or 0·ŷ) leaves each sum bitwise
          // that of finish_euclidean's branches.
          const auto sb = std::bit_cast<std::uint64_t>(sp[j]);
          const double fs = std::bit_cast<double>(sb & (0 - (1 - (is_sat | is_zero))));
          s1n += std::bit_cast<double>(sb & (0 - is_sat));
          an += fs * yp[j], qn += fs * sp[j];
          if (moved) continue;  // a moved round is not the last: skip the rest
          // The class comes from v, so a clipped coordinate meets its KKT condition; a free one
          // must lie clear of 0 and 1. y = clip(v, 0, 1) is euclidean_y of that class.
          const double margin = euclidean_margin(yp[j]);
          kkt &= (c != free_) | ((v > margin) & (v < 1 - margin));
          saturated += c == sat_;
          if (overlap) continue;
          out[j] = std::clamp(v, 0.0, 1.0);
          ns.add_term(sp[j], out[j]);
        }
        s1 = s1n, a = an, q = qn;
        if (moved) continue;
        if (!kkt) break;
        // In place, finish_euclidean writes y: the same τ (the same sums in the same order) and
        // the same values.
        if (overlap) return finish_euclidean(s, b, yhat, y, st, tau, tau, first.max_s);
        ns.qf = q;  // Σ s² over the free coordinates, all strictly inside (0, 1)
        return refine_euclidean(s, b, yhat, y, st, tau, q, ns, saturated, first.max_s);
      }
    }
    double* bp1 = ws.a_.data();
    double* bp0 = ws.b_.data();
    std::size_t m = n;
    for (std::size_t j = 0; j < n; ++j) {
      u[j] = static_cast<std::uint32_t>(j);
      const auto i = static_cast<Eigen::Index>(j);
      bp1[j] = (yhat[i] - 1) / s[i];
      bp0[j] = yhat[i] / s[i];
    }
    double s1 = 0, a = 0, q = 0, lo = -INFINITY, hi = INFINITY;
    idn::rng g(0x1d9a11c0ULL);
    while (m > 0) {
      const std::uint32_t j = u[g() % m];
      const double t1 = bp1[j], t0 = bp0[j];
      const bool in1 = t1 > lo && t1 < hi, in0 = t0 > lo && t0 < hi;
      const double p = (in1 && in0) ? ((g() & 1) ? t1 : t0) : (in1 ? t1 : t0);
      double phi = s1 + a - p * q;
      for (std::size_t k = 0; k < m; ++k) {
        const std::uint32_t i = u[k];
        phi += s[i] * std::clamp(idn::mul_add(-p, s[i], yhat[i]), 0.0, 1.0);
      }
      if (phi > b) lo = p;
      else if (phi < b) hi = p;
      else lo = hi = p;
      std::size_t keep = 0;
      for (std::size_t k = 0; k < m; ++k) {
        const std::uint32_t i = u[k];
        const std::uint8_t c = classify(bp1[i], bp0[i], lo, hi);
        st[i] = c;
        if (c == sat_) s1 += s[i];
        else if (c == free_) { a += s[i] * yhat[i]; q += s[i] * s[i]; }
        else if (c == 3) u[keep++] = i;
      }
      m = keep;
    }
    return finish_euclidean(s, b, yhat, y, st, lo, hi, first.max_s);
  }

  static projection_result euclidean_sorted(const cref& s, double b, const cref& yhat, ref y) {
    const double total = validate("project_euclidean_sorted", s, b, yhat, y.size(), false);
    const auto n = static_cast<std::size_t>(s.size());
    if (total <= b) { y.setOnes(); return {0, n, true}; }
    std::vector<double> pts;
    pts.reserve(2 * n);
    for (std::uint32_t j = 0; j < n; ++j) {
      pts.push_back((yhat[j] - 1) / s[j]);
      pts.push_back(yhat[j] / s[j]);
    }
    std::sort(pts.begin(), pts.end());
    // φ(τ) = Σ s·clip(ŷ − τ s, 0, 1), evaluated directly (long double); non-increasing in τ.
    auto phi = [&](double tau) {
      long double total_phi = 0;
      for (Eigen::Index j = 0; j < s.size(); ++j)
        total_phi += static_cast<long double>(s[j]) * std::clamp(std::fma(-tau, s[j], yhat[j]), 0.0, 1.0);
      return total_phi;
    };
    // Binary search for the first breakpoint with φ <= b (the last one always qualifies).
    std::size_t first = 0, count = pts.size();
    while (count > 0) {
      const std::size_t half = count / 2;
      if (phi(pts[first + half]) > b) { first += half + 1; count -= half + 1; }
      else count = half;
    }
    const double hi = pts[std::min(first, pts.size() - 1)];
    const double lo = first > 0 ? pts[first - 1] : -INFINITY;
    std::vector<std::uint8_t> state(n);
    for (std::uint32_t j = 0; j < n; ++j) state[j] = classify((yhat[j] - 1) / s[j], yhat[j] / s[j], lo, hi);
    for (auto& c : state) if (c == 3) c = free_;  // cannot happen: every breakpoint is outside (lo, hi)
    return finish_euclidean(s, b, yhat, y, state.data(), lo, hi);
  }
};

}  // namespace detail

/// Entropic projection: y_j = min(1, c ŷ_j) with Σ s y = b. ŷ > 0. y may alias ŷ. Expected O(n).
inline projection_result project_entropic(const Eigen::Ref<const Eigen::VectorXd>& s, double b,
                                          const Eigen::Ref<const Eigen::VectorXd>& yhat, Eigen::Ref<Eigen::VectorXd> y,
                                          projection_workspace& ws) {
  return detail::projection_kernels::entropic(s, b, yhat, y, ws);
}
/// Euclidean projection: y_j = clip(ŷ_j − τ s_j, 0, 1) with Σ s y = b. y may alias ŷ. Expected O(n).
inline projection_result project_euclidean(const Eigen::Ref<const Eigen::VectorXd>& s, double b,
                                           const Eigen::Ref<const Eigen::VectorXd>& yhat, Eigen::Ref<Eigen::VectorXd> y,
                                           projection_workspace& ws) {
  return detail::projection_kernels::euclidean(s, b, yhat, y, ws);
}
/// Sort-and-scan reference of project_entropic, O(n log n).
inline projection_result project_entropic_sorted(const Eigen::Ref<const Eigen::VectorXd>& s, double b,
                                                 const Eigen::Ref<const Eigen::VectorXd>& yhat, Eigen::Ref<Eigen::VectorXd> y) {
  return detail::projection_kernels::entropic_sorted(s, b, yhat, y);
}
/// Sort-and-scan reference of project_euclidean, O(n log n).
inline projection_result project_euclidean_sorted(const Eigen::Ref<const Eigen::VectorXd>& s, double b,
                                                  const Eigen::Ref<const Eigen::VectorXd>& yhat, Eigen::Ref<Eigen::VectorXd> y) {
  return detail::projection_kernels::euclidean_sorted(s, b, yhat, y);
}

}  // namespace idn::alloc
