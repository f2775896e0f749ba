#pragma once
/// INFIDA (Si Salem et al., IEEE/ACM ToN 2024): each node keeps a fractional allocation y_v,
/// moves it along the observed supergradients with an entropic (mirror ascent) or Euclidean
/// (projected gradient) map, projects onto its budget and rounds to a real set of models with
/// weighted DepRound (docs/alloc.md). The default step rule is adaptive: every node scales its
/// own step by its observed supergradient norms (dual averaging with an AdaGrad-norm rate), so
/// nothing depends on the horizon or a gradient bound; the paper's fixed step is an option.
/// step() is allocation-free after construction.
#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/gain.hpp"
#include "idn/alloc/network.hpp"
#include "idn/alloc/policy.hpp"
#include "idn/alloc/projection.hpp"
#include "idn/alloc/rounding.hpp"
#include "idn/core/format.hpp"
#include "idn/core/mul_add.hpp"
#include "idn/core/random.hpp"

namespace idn::alloc {

/// INFIDA's mirror map: entropic (negative entropy, multiplicative steps) or euclidean (projected gradient).
enum class mirror_map { entropic, euclidean };
/// Where DepRound's coins come from: fresh draws every slot, or per-node coins drawn once.
enum class coin_mode { fresh, reuse };  ///< reuse: per-node coins drawn once at construction
/// dep_round: the paper's weighted DepRound (E[x] = y, (1 − 1/e) guarantee on the rounded gain).
/// largest_first: deterministic, keeps the largest y_j that fit (no rounding guarantee; on the
/// flagship it loses far less gain to rounding, docs/alloc-reproduction.md).
enum class rounding_method { dep_round, largest_first };

/// How INFIDA rounds its fractional allocation to the integral one it serves with.
struct rounding_options {
  last_fractional last = last_fractional::round_down;
  coin_mode coins = coin_mode::fresh;
  std::size_t refresh_period = 1;  ///< re-round every P slots (y updates every slot)
  rounding_method method = rounding_method::dep_round;
};

/// adaptive (default): node v plays y_v^{t+1} = argmax_{y ∈ Y_v} η_v^t ⟨Σ_{s≤t} g_v^s, y⟩ − ψ_v(y)
/// with ψ_v the Bregman divergence from y_v¹ and η_v^t = scale·α_v / (Σ_{s≤t} ‖g_v^s‖²_*)^½;
/// its regret is at most (Ψ_v/α + √2 α/λ_v + (2+√2) D_v)·(Σ_t ‖g_v^t‖²_*)^½ for any horizon
/// (docs/alloc.md derives it). fixed: the paper's mirror step y ← Π(∇Φ*(∇Φ(y) + η g)) with η
/// given (theory_step_size gives the horizon-dependent optimum).
enum class step_rule { adaptive, fixed };

/// INFIDA's knobs: the mirror map, the step rule and its size, rounding, and the seed of its draws.
struct infida_options {
  mirror_map map = mirror_map::entropic;
  step_rule step = step_rule::adaptive;
  double eta = 0.0;             ///< fixed rule only: the step size, > 0 (see theory_step_size); must stay 0 otherwise
  double adaptive_scale = 1.0;  ///< adaptive rule only: multiplies the bound-optimal α_v; > 0
  rounding_options rounding{};
  std::uint64_t seed = 0;
};

/// η; Λ (entropic) or D (Euclidean); (Σ_v b_v σ_v²)^½ or Γ; the fractional regret bound B.
struct step_size_info {
  double eta = 0, diameter = 0, gradient_bound = 0, regret_bound = 0;
};

/// The theory step size for horizon T and a bound r̄ on requests per type and slot (§2). O(E + n).
inline step_size_info theory_step_size(const instance& in, mirror_map map, std::size_t horizon, double max_requests_per_type) {
  if (horizon == 0) detail::fail("theory_step_size", "horizon", 0, "must be >= 1");
  if (!std::isfinite(max_requests_per_type) || max_requests_per_type <= 0)
    detail::fail("theory_step_size", "max_requests_per_type", max_requests_per_type, "must be finite and > 0");
  const std::size_t n = in.num_vars();
  std::vector<double> gbar(n, 0.0);
  const auto tb = in.type_begin();
  for (std::size_t t = 0; t < in.num_types(); ++t)
    for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) {
      const var_id j = in.entry_var()[e];
      gbar[j] += std::min(in.capacity()[j], max_requests_per_type) * (in.fallback_cost()[t] - in.entry_cost()[e]);
    }
  const double T = static_cast<double>(horizon);
  step_size_info info;
  double sum_b_sigma2 = 0, lambda = 0, d2 = 0, gamma2 = 0;
  const auto nb = in.node_begin();
  for (std::size_t v = 0; v < in.num_nodes(); ++v) {
    const double b = in.budget()[static_cast<Eigen::Index>(v)], S = in.node_total_size(static_cast<node_id>(v));
    if (S <= b) continue;
    double sigma = 0, smin = INFINITY;
    for (std::uint32_t j = nb[v]; j < nb[v + 1]; ++j) {
      sigma = std::max(sigma, gbar[j] / in.size()[j]);
      smin = std::min(smin, in.size()[j]);
      gamma2 += gbar[j] * gbar[j];
    }
    if (b > 0) lambda += b * std::log(S / b);
    sum_b_sigma2 += b * sigma * sigma;
    d2 += std::min(static_cast<double>(nb[v + 1] - nb[v]), 2 * b / smin);
  }
  if (map == mirror_map::entropic) {
    info.diameter = lambda;
    info.gradient_bound = std::sqrt(sum_b_sigma2);
    info.eta = (lambda > 0 && sum_b_sigma2 > 0) ? std::sqrt(2 * lambda / (T * sum_b_sigma2)) : 1.0;
    info.regret_bound = std::sqrt(2 * lambda * T * sum_b_sigma2);
  } else {
    info.diameter = std::sqrt(d2);
    info.gradient_bound = std::sqrt(gamma2);
    info.eta = (d2 > 0 && gamma2 > 0) ? info.diameter / (info.gradient_bound * std::sqrt(T)) : 1.0;
    info.regret_bound = info.diameter * info.gradient_bound * std::sqrt(T);
  }
  return info;
}

/// The seed of node v's coin stream: splitmix64 of seed ^ (golden gamma · (v + 1)).
inline std::uint64_t node_seed(std::uint64_t seed, node_id v) noexcept {
  std::uint64_t x = seed ^ (0x9E3779B97F4A7C15ULL * (std::uint64_t{v} + 1));
  return idn::rng::splitmix64(x);
}

namespace detail {

/// One node's update/project/round kernel, shared by infida and the distributed node agents.
/// It works on node-local arrays (s, g, y, x of the node's n_v variables), so the same code on
/// the same numbers gives bit-identical results wherever it runs. Per node it also keeps the
/// quantities of the regret bound: Ψ_v (the regulariser's range over Y_v), 1/λ_v (the inverse
/// strong-convexity modulus), D_v (the diameter of Y_v) and A_v = Σ_t ‖g_v^t‖²_* with the dual
/// norm of the map (entropic: (max_j g_j/s_j)²; Euclidean: Σ_j g_j²).
class node_state {
public:
  node_state(const instance& in, node_id v, const infida_options& o)
      : n_(in.node_begin()[v + 1] - in.node_begin()[v]), b_(in.budget()[static_cast<Eigen::Index>(v)]),
        total_(in.node_total_size(v)), active_(total_ > b_), o_(o), rng_(node_seed(o.seed, v)),
        coins_(static_cast<Eigen::Index>(n_ + 1)), theta_(o.step == step_rule::adaptive && active_ ? n_ : 0),
        order_(o.rounding.method == rounding_method::largest_first ? n_ : 0), ws_(n_) {
    if (o.rounding.coins == coin_mode::reuse)
      for (auto& c : coins_) c = idn::uniform01(rng_);
    if (!active_) return;
    const auto nb = in.node_begin();
    if (o.map == mirror_map::entropic)  // 1/s is finite (network::add_option checks it)
      for (std::uint32_t j = nb[v]; j < nb[v + 1]; ++j) inv_s_.push_back(1 / in.size()[j]);
    double smin = INFINITY;
    for (std::uint32_t j = nb[v]; j < nb[v + 1]; ++j) smin = std::min(smin, in.size()[j]);
    if (o.map == mirror_map::entropic) {
      // ψ(y) = Σ s_j y_j log(y_j / y¹_j) ≤ b log(S/b); 1/b-strongly convex in ‖·‖_s = Σ s_j |·|.
      psi_ = b_ > 0 ? b_ * std::log(total_ / b_) : 0.0;
      inv_lambda_ = b_;
      diameter_ = std::min(2 * b_, total_);
    } else {
      // ψ(y) = ½‖y − y¹‖² ≤ ½D²; D² ≤ Σ_j |u_j − y_j| ≤ min(n_v, 2b/s_min).
      diameter_ = std::sqrt(std::min(static_cast<double>(n_), 2 * b_ / smin));
      psi_ = 0.5 * diameter_ * diameter_;
      inv_lambda_ = 1.0;
    }
    alpha_ = psi_ > 0 ? std::sqrt(psi_ / (std::sqrt(2.0) * inv_lambda_)) : 1.0;  // minimises Ψ/α + √2 α/λ
  }
  bool active() const noexcept { return active_; }
  std::uint32_t size() const noexcept { return n_; }

  /// y¹: b_v/S_v on active nodes, 1 elsewhere.
  void init(double* y) const noexcept {
    for (std::uint32_t k = 0; k < n_; ++k) y[k] = active_ ? b_ / total_ : 1.0;
  }

  /// Throws invalid_input (naming `where`) if update(…, g, …) would overflow; changes nothing
  /// observable (it caches ‖g‖²_* for update). Fixed rule: η·max g must be finite (else the
  /// mirror step forms inf − inf). Both rules: the running Σ‖g‖²_* must stay finite; adaptive:
  /// so must every cumulative θ_j + g_j (entropic: divided by s_j). One pass over g, O(n_v).
  void check_update(const char* where, const double* g) const {
    pending_sq_ = 0;
    if (!active_ || n_ == 0) return;
    double gmax = 0, gs_max = 0, sq = 0;
    if (o_.map == mirror_map::entropic) {
      for (std::uint32_t k = 0; k < n_; ++k) {
        gmax = std::max(gmax, g[k]);
        gs_max = std::max(gs_max, g[k] * inv_s_[k]);
      }
      pending_sq_ = gs_max * gs_max;
    } else {
      for (std::uint32_t k = 0; k < n_; ++k) {
        gmax = std::max(gmax, g[k]);
        sq += g[k] * g[k];
      }
      pending_sq_ = sq;
    }
    if (o_.step == step_rule::fixed && !std::isfinite(o_.eta * gmax))
      fail(where, "eta", o_.eta, concat("too large for this batch: eta times the largest supergradient entry ", gmax, " overflows"));
    if (!std::isfinite(sum_sq_ + pending_sq_))
      fail(where, "sum of squared supergradient norms", sum_sq_ + pending_sq_, concat("must be finite (largest entry this slot ", gmax, ")"));
    // θ_j ≥ 0 and g_j ≥ 0, so max_j θ_j(/s_j) + max_j g_j(/s_j) bounds every new cumulative value.
    const double scaled_gmax = o_.map == mirror_map::entropic ? gs_max : gmax;
    if (o_.step == step_rule::adaptive && !std::isfinite(theta_max_ + scaled_gmax))
      for (std::uint32_t k = 0; k < n_; ++k)
        if (!std::isfinite(o_.map == mirror_map::entropic ? (theta_[k] + g[k]) * inv_s_[k] : theta_[k] + g[k]))
          fail(where, concat(o_.map == mirror_map::entropic ? "cumulative supergradient / size of local variable " : "cumulative supergradient of local variable ", k),
               o_.map == mirror_map::entropic ? (theta_[k] + g[k]) * inv_s_[k] : theta_[k] + g[k], "must stay finite");
  }

  /// y ← the next iterate of the node's rule after observing g; tmp is scratch of n_v doubles.
  /// Preconditions: check_update(g) was just called on the same g and passed. O(n_v) plus
  /// the projection (O(n_v log n_v) worst case).
  void update(const double* s, const double* g, double* y, double* tmp) {
    if (!active_ || n_ == 0) return;
    sum_sq_ += pending_sq_;
    const Eigen::Map<const Eigen::VectorXd> sv(s, n_);
    Eigen::Map<Eigen::VectorXd> yv(y, n_);
    Eigen::Map<Eigen::VectorXd> h(tmp, n_);
    if (o_.step == step_rule::fixed) {
      if (o_.map == mirror_map::entropic) {
        multiplicative_step(y, g, h);
        check_finite(h);
        projection_kernels::entropic_prevalidated(sv, b_, total_, h, yv, ws_);
      } else {
        for (std::uint32_t k = 0; k < n_; ++k) h[k] = idn::mul_add(o_.eta, g[k], y[k]);  // contraction-proof, as gain.hpp
        check_finite(h);
        projection_kernels::euclidean_prevalidated(sv, b_, total_, h, yv, ws_);
      }
      return;
    }
    // One fused pass: θ += g, the max of θ(/s) for the next overflow check, and h from θ.
    const double eta = sum_sq_ > 0 ? adaptive_eta() : 0.0;
    double tmax = 0;
    if (o_.map == mirror_map::entropic) {  // y¹ is uniform, so log y¹ cancels in the normalisation
      for (std::uint32_t k = 0; k < n_; ++k) {
        theta_[k] += g[k];
        const double q = theta_[k] * inv_s_[k];
        tmax = std::max(tmax, q);
        h[k] = eta * q;
      }
    } else {
      const double y1 = b_ / total_;
      for (std::uint32_t k = 0; k < n_; ++k) {
        theta_[k] += g[k];
        tmax = std::max(tmax, theta_[k]);
        h[k] = idn::mul_add(eta, theta_[k], y1);
      }
    }
    theta_max_ = tmax;
    if (sum_sq_ == 0) return;  // every supergradient so far was 0: y stays y¹
    if (o_.map == mirror_map::entropic) exp_normalised(h);
    check_finite(h);
    if (o_.map == mirror_map::entropic) projection_kernels::entropic_prevalidated(sv, b_, total_, h, yv, ws_);
    else projection_kernels::euclidean_prevalidated(sv, b_, total_, h, yv, ws_);
  }

  /// x ← DepRound(y) or largest-first(y) (rounding.method) on the node's arrays.
  rounding_result round(const double* s, const double* y, double* x) {
    if (!active_) {
      for (std::uint32_t k = 0; k < n_; ++k) x[k] = 1.0;
      return {};
    }
    if (o_.rounding.method == rounding_method::largest_first) return detail::largest_first_kernel(s, b_, y, x, n_, order_.data());
    if (o_.rounding.coins == coin_mode::reuse)
      return dep_round_kernel(s, b_, y, x, n_, o_.rounding.last, [&](std::size_t j) { return coins_[static_cast<Eigen::Index>(j)]; },
                              [](std::size_t, std::size_t) {});
    return dep_round_kernel(s, b_, y, x, n_, o_.rounding.last, [&](std::size_t) { return idn::uniform01(rng_); },
                            [](std::size_t, std::size_t) {});
  }

  /// The step size the last update used: η (fixed) or scale·α_v / A_v^½ (adaptive; +inf before
  /// the first non-zero supergradient, 0 on inactive nodes).
  double step_size() const noexcept {
    if (!active_) return 0;
    if (o_.step == step_rule::fixed) return o_.eta;
    return sum_sq_ > 0 ? adaptive_eta() : INFINITY;
  }

  /// This node's data-dependent bound on the fractional regret of its slots so far against any
  /// fixed y_v ∈ Y_v. Fixed: Ψ/η + (η/2λ)·A. Adaptive: (Ψ/α + √2 α/λ + (2+√2) D)·A^½ with
  /// α = scale·α_v. 0 on inactive nodes (y ≡ 1 is optimal there).
  double regret_bound() const noexcept {
    if (!active_) return 0;
    if (o_.step == step_rule::fixed) return psi_ / o_.eta + 0.5 * o_.eta * inv_lambda_ * sum_sq_;
    const double a = o_.adaptive_scale * alpha_;
    return (psi_ / a + std::sqrt(2.0) * a * inv_lambda_ + (2 + std::sqrt(2.0)) * diameter_) * std::sqrt(sum_sq_);
  }

private:
  /// scale·α_v / A_v^½. Precondition: sum_sq_ > 0.
  double adaptive_eta() const noexcept { return o_.adaptive_scale * alpha_ / std::sqrt(sum_sq_); }
  /// The fixed-step mirror-ascent point before projection, h_k ∝ y_k·e^{η g_k/s_k}, scaled so that
  /// its largest entry is 1 and floored at 1e-300 (the projection is invariant to the scale). In
  /// log space l_k = ln y_k + u_k, u_k = η g_k/s_k, h_k = e^{l_k − max l}; but a coordinate with
  /// g_k = 0 (most of them in a slot) is y_k·e^{−max l}: one multiply, no log or exp. max l is
  /// the larger of ln(max over g = 0 of y) and the l_k of the others. Two passes, O(n_v).
  void multiplicative_step(const double* y, const double* g, Eigen::Map<Eigen::VectorXd>& h) const noexcept {
    double ymax_idle = 0, lmax = -INFINITY;
    for (std::uint32_t k = 0; k < n_; ++k) {
      if (g[k] > 0) {
        h[k] = std::log(y[k]) + o_.eta * g[k] * inv_s_[k];
        lmax = std::max(lmax, h[k]);
      } else {
        ymax_idle = std::max(ymax_idle, y[k]);
      }
    }
    if (ymax_idle > 0) lmax = std::max(lmax, std::log(ymax_idle));
    if (lmax == -INFINITY) {  // every y_k is 0 (a zero budget): any positive point projects to 0
      h.setOnes();
      return;
    }
    const double idle_scale = std::exp(-lmax);  // ≤ 1/ymax_idle: finite, and y·scale ≤ 1
    for (std::uint32_t k = 0; k < n_; ++k) h[k] = std::max(g[k] > 0 ? std::exp(h[k] - lmax) : y[k] * idle_scale, 1e-300);
  }
  /// The step's point before projection must be finite (a huge η·g or η·θ overflows): the one
  /// check the prevalidated projections need beyond the instance's constants. O(n_v).
  static void check_finite(const Eigen::Map<Eigen::VectorXd>& h) {
    for (Eigen::Index k = 0; k < h.size(); ++k)
      if (!std::isfinite(h[k]))
        fail("infida::step", concat("step point of local variable ", k), h[k], "must be finite (the step size times the supergradient overflows)");
  }
  /// h ← max(exp(h − max h), 1e-300): positive, largest entry 1.
  static void exp_normalised(Eigen::Map<Eigen::VectorXd>& h) noexcept {
    double umax = -INFINITY;
    for (Eigen::Index k = 0; k < h.size(); ++k) umax = std::max(umax, h[k]);
    for (Eigen::Index k = 0; k < h.size(); ++k) h[k] = std::max(std::exp(h[k] - umax), 1e-300);
  }

  std::uint32_t n_;
  double b_, total_;
  bool active_;
  infida_options o_;
  idn::rng rng_;
  Eigen::VectorXd coins_;
  std::vector<double> theta_;  ///< adaptive: Σ_t g (the dual-averaging state)
  std::vector<std::uint32_t> order_;  ///< largest_first: scratch
  std::vector<double> inv_s_;         ///< entropic: 1 / s_j
  double sum_sq_ = 0;          ///< A_v = Σ_t ‖g_v^t‖²_*
  mutable double pending_sq_ = 0;  ///< ‖g‖²_* of the batch check_update last saw
  double theta_max_ = 0;       ///< adaptive: max_j θ_j (entropic: θ_j / s_j)
  double psi_ = 0, inv_lambda_ = 1, diameter_ = 0, alpha_ = 1;
  projection_workspace ws_;
};

/// Loads, unloads, loaded bytes and load costs (c: per-var load cost) from x to next (n
/// coordinates), added to m.
inline void count_churn(const double* s, const double* c, const double* x, const double* next, std::size_t n, slot_metrics& m) noexcept {
  for (std::size_t j = 0; j < n; ++j) {
    const bool was = x[j] > 0.5, now = next[j] > 0.5;
    if (!was && now) { ++m.loads; m.loaded_bytes += s[j]; m.reconfiguration_cost += c[j]; }
    if (was && !now) ++m.unloads;
  }
}

inline void check_options(const infida_options& o) {
  if (o.step == step_rule::fixed && (!std::isfinite(o.eta) || o.eta <= 0))
    fail("infida", "eta", o.eta, "must be finite and > 0 with step = fixed");
  if (o.step == step_rule::adaptive && o.eta != 0)
    fail("infida", "eta", o.eta, "must be 0 with step = adaptive, which ignores it (set step = step_rule::fixed to use it)");
  if (o.step == step_rule::adaptive && (!std::isfinite(o.adaptive_scale) || o.adaptive_scale <= 0))
    fail("infida", "adaptive_scale", o.adaptive_scale, "must be finite and > 0");
  if (o.rounding.refresh_period == 0) fail("infida", "rounding.refresh_period", 0, "must be >= 1");
}

}  // namespace detail

/// The centralized INFIDA policy. Holds a reference to its instance, which must outlive it.
class infida {
public:
  /// Validates o (invalid_input names the field), starts every node at its initial fractional point and rounds it; `in` must outlive the policy.
  infida(const instance& in, const infida_options& o) : in_(in), o_(o) {
    detail::check_options(o);
    const auto n = static_cast<Eigen::Index>(in.num_vars());
    y_.resize(n);
    x_.resize(n);
    x_next_.resize(n);
    g_.resize(n);
    tmp_.resize(n);
    loaded_.resize(in.num_vars());
    nodes_.reserve(in.num_nodes());
    const auto nb = in.node_begin();
    for (node_id v{0}; v < in.num_nodes(); ++v) {
      nodes_.emplace_back(in, v, o);
      nodes_.back().init(y_.data() + nb[v]);
    }
    for (node_id v{0}; v < in.num_nodes(); ++v) nodes_[v].round(in.size().data() + nb[v], y_.data() + nb[v], x_.data() + nb[v]);
  }

  /// Metrics of (y^t, x^t) on `b`, then y^{t+1} and (every P-th slot) x^{t+1}. Throws only if
  /// `b` belongs to another instance or the step overflows (then nothing changes); allocation-free.
  slot_metrics step(const batch& b) {
    if (b.instance_uid() != in_.uid()) detail::fail("infida::step", "b.instance_uid()", b.instance_uid(), concat("must be in.uid() = ", in_.uid(), " (the batch was made by another instance)"));
    slot_metrics m;
    // One pass over the option lists for L(y), g, G(x) and C(ω): y and x are this policy's own
    // finite iterates, so nothing is re-validated (L, g and C bitwise equal to supergradient and
    // repository_cost, G(x) to gain within 1e-13; tests/alloc/test_gain.cpp).
    const slot_values sv = detail::slot_scan_unchecked(in_, y_.data(), x_.data(), b, g_.data(), loaded_.data());
    m.fractional_gain = sv.fractional_gain;
    const auto nb = in_.node_begin();
    const double* s = in_.size().data();
    for (node_id v{0}; v < nodes_.size(); ++v) nodes_[v].check_update("infida::step", g_.data() + nb[v]);
    m.integral_gain = sv.integral_gain;
    m.repository_cost = sv.repository_cost;
    for (node_id v{0}; v < nodes_.size(); ++v) nodes_[v].update(s + nb[v], g_.data() + nb[v], y_.data() + nb[v], tmp_.data() + nb[v]);
    ++slot_;
    if (slot_ % o_.rounding.refresh_period == 0) {
      for (node_id v{0}; v < nodes_.size(); ++v) {
        const rounding_result r = nodes_[v].round(s + nb[v], y_.data() + nb[v], x_next_.data() + nb[v]);
        m.budget_excess_bytes += r.excess_bytes;
        m.repairs += r.repaired ? 1 : 0;
      }
      detail::count_churn(s, in_.var_load_cost().data(), x_.data(), x_next_.data(), static_cast<std::size_t>(x_.size()), m);
      x_.swap(x_next_);
    }
    return m;
  }

  /// y: the current fractional allocation.
  const Eigen::VectorXd& fractional() const noexcept { return y_; }
  /// x: the integral allocation the next step is charged for.
  const Eigen::VectorXd& allocation() const noexcept { return x_; }
  /// Slots stepped so far.
  std::size_t slot() const noexcept { return slot_; }
  /// The options, as validated.
  const infida_options& options() const noexcept { return o_; }
  /// Σ_v of the nodes' data-dependent regret bounds: the fractional gain of the slots so far
  /// trails that of any fixed y ∈ Y by at most this much. O(nodes).
  double regret_bound() const noexcept {
    double r = 0;
    for (const auto& nd : nodes_) r += nd.regret_bound();
    return r;
  }
  /// Node v's current step size (see node_state::step_size).
  double step_size(node_id v) const { return nodes_.at(v).step_size(); }

private:
  const instance& in_;
  infida_options o_;
  Eigen::VectorXd y_, x_, x_next_, g_, tmp_;
  std::vector<std::uint8_t> loaded_;  // scratch of slot_scan_unchecked
  std::vector<detail::node_state> nodes_;
  std::size_t slot_ = 0;
};

static_assert(allocation_policy<infida>);

}  // namespace idn::alloc
