#pragma once
/// Online hierarchical-inference learners on a grid of Bins thresholds (docs/offload.md
/// "Online learners", §4): HIL-F (full feedback) and HIL-N (offload-only feedback with forced
/// exploration and importance weighting), exponential weights over experts j = 0..Bins (expert j
/// accepts iff bin ≥ j) kept in an O(log Bins) segment tree, exact loss counters for periodic
/// rebuilds, and the theory-optimal parameters and regret bounds. Fixed-size state, noexcept,
/// allocation-free, no exceptions or RTTI: runs on microcontrollers.
#include <array>
#include <cmath>
#include <cstdint>
#include <random>

#include "idn/offload/status.hpp"
#include "idn/offload/decision.hpp"
#include "idn/offload/draw.hpp"
#include "idn/offload/bins.hpp"
#include "idn/offload/detail/weight_tree.hpp"

namespace idn::offload {

/// ln(bins + 1): the log prior mass of one grid expert, L in every bound.
inline double grid_log_inv_lambda(std::size_t bins) noexcept { return std::log(static_cast<double>(bins) + 1.0); }

/// HIL-F regret bound L/η + nη/8 (exponential weights, losses in [0, 1] after the common shift).
inline double hil_f_bound(std::uint64_t n, double L, double eta) noexcept {
  return L / eta + static_cast<double>(n) * eta / 8.0;
}
/// HIL-N expected-regret bound L/η + nη(1/ε + β²)/2 + εβn.
inline double hil_n_bound(std::uint64_t n, double L, double eta, double eps, double beta) noexcept {
  const double nd = static_cast<double>(n);
  return L / eta + nd * eta * (1.0 / eps + beta * beta) / 2.0 + eps * beta * nd;
}

/// hil_f_theory's result: the step size η* and the regret bound it guarantees.
struct hil_f_tuning {
  float eta;
  double bound;
};
/// hil_n_theory's result: exploration ε*, step size η* and the regret bound they guarantee.
struct hil_n_tuning {
  float epsilon, eta;
  double bound;
};
/// η* = √(8L/n) and its bound √(nL/2). n ≥ 1 (0 is treated as 1).
inline hil_f_tuning hil_f_theory(std::uint64_t n, double log_inv_lambda) noexcept {
  const double nd = n == 0 ? 1.0 : static_cast<double>(n);
  const double eta = std::sqrt(8.0 * log_inv_lambda / nd);
  return {static_cast<float>(eta), hil_f_bound(n == 0 ? 1 : n, log_inv_lambda, eta)};
}
/// ε* = (L/(2β²n))^{1/3} clamped to (0, 1] (1 if β = 0), η* = √(2ε*L/n), and hil_n_bound there.
inline hil_n_tuning hil_n_theory(std::uint64_t n, float beta, double log_inv_lambda) noexcept {
  const std::uint64_t nn = n == 0 ? 1 : n;
  const double nd = static_cast<double>(nn), b = beta;
  double eps = b > 0 ? std::cbrt(log_inv_lambda / (2.0 * b * b * nd)) : 1.0;
  if (!(eps <= 1.0)) eps = 1.0;
  const auto epsf = static_cast<float>(eps);
  const double eta = std::sqrt(2.0 * static_cast<double>(epsf) * log_inv_lambda / nd);
  const auto etaf = static_cast<float>(eta);
  return {epsf, etaf, hil_n_bound(nn, log_inv_lambda, static_cast<double>(etaf), static_cast<double>(epsf), b)};
}

/// HIL-F parameters. eta = 0: √(8L/horizon), or the anytime doubling schedule if horizon = 0.
/// rebuild_period = 0: max(4096, 8·Bins).
struct hil_f_options {
  float beta;
  float eta = 0;
  std::uint64_t horizon = 0;
  std::uint32_t rebuild_period = 0;
};

/// HIL-N's loss estimate: inverse_propensity weighs every offloaded sample by 1/P(offload); exploration_only keeps only explored samples, weighted 1/ε.
enum class hil_n_estimator : std::uint8_t { inverse_propensity, exploration_only };

/// HIL-N parameters. epsilon/eta = 0: the theory values for `horizon` (required then).
struct hil_n_options {
  float beta;
  float epsilon = 0, eta = 0;
  std::uint64_t horizon = 0;
  hil_n_estimator estimator = hil_n_estimator::inverse_propensity;
  std::uint32_t rebuild_period = 0;
};

namespace detail {
inline status check_eta(float eta) noexcept { return check_range("eta", eta, 0, 16, "must lie in [0, 16] (0 = auto)"); }
inline status check_rebuild(std::uint32_t p) noexcept {
  if (p >= 1 && p <= 63) return fail(errc::out_of_range, "rebuild_period", p, "must be 0 (auto) or >= 64");
  return {};
}
template <std::size_t Bins>
constexpr std::uint32_t default_rebuild() noexcept { return static_cast<std::uint32_t>(8 * Bins > 4096 ? 8 * Bins : 4096); }
constexpr float clamp01(float s) noexcept { return s < 0.f ? 0.f : (s > 1.f ? 1.f : s); }

/// The machinery hil_f and hil_n share: tree, β/η, the cost counter Σβ per bin, round and
/// bad-score counters, rebuild scheduling and the decision skeleton.
template <std::size_t Bins, class Real>
class hil_base {
public:
  static_assert(Bins >= 2 && Bins <= 65536 && (Bins & (Bins - 1)) == 0, "Bins must be a power of two in [2, 65536]");

  bool configured() const noexcept { return configured_; }
  float beta() const noexcept { return beta_; }
  float eta() const noexcept { return eta_; }
  /// Samples decided with a finite score.
  std::uint64_t rounds() const noexcept { return rounds_; }
  /// Samples whose score was non-finite (offloaded, learner unchanged).
  std::uint64_t bad_scores() const noexcept { return bad_; }
  /// q = P(accept | bin b) = Σ_{j≤b} w_j / Σ_j w_j under the current weights. O(log Bins).
  Real accept_probability_bin(std::uint32_t b) const noexcept {
    if (!configured_ || b >= Bins) return 0;
    const double q = tree_.prefix_sum(b) / tree_.total();
    return static_cast<Real>(q > 1.0 ? 1.0 : q);
  }
  /// accept_probability_bin(bin_of(clamp(score))); 0 for a non-finite score.
  Real accept_probability(float score) const noexcept {
    return finite(score) ? accept_probability_bin(bin_of<Bins>(clamp01(score))) : Real(0);
  }
  /// The weight of expert j ≤ Bins relative to the current total (tests). O(log Bins).
  double weight(std::size_t j) const noexcept { return tree_.weight(j) / tree_.total(); }
  /// Visits every stored tree value (tests: finite, never subnormal).
  template <class F>
  void for_each_stored(F&& f) const noexcept { tree_.for_each_stored(f); }

protected:
  status configure_common(float beta, float eta, std::uint32_t rebuild_period) noexcept {
    configured_ = false;
    if (status s = check_unit("beta", beta); !s) return s;
    if (status s = check_eta(eta); !s) return s;
    if (status s = check_rebuild(rebuild_period); !s) return s;
    beta_ = beta;
    rebuild_period_ = rebuild_period ? rebuild_period : default_rebuild<Bins>();
    since_rebuild_ = 0;
    rounds_ = bad_ = 0;
    cost_sum_.fill(0.0);
    tree_.reset_uniform();
    return {};
  }
  /// The fail-safe decision: offload, no ticket. `bad` marks (and counts, once configured) bad input.
  decision fail_safe(float score, bool bad) noexcept {
    decision d;
    d.score = score;
    d.beta = beta_;
    d.bad_input = bad;
    if (bad && configured_) ++bad_;
    return d;
  }
  /// L_j = Σ_{b<j} Σβ(b) + Σ_{b≥j} accept_loss(b): expert j's exact cumulative loss. O(Bins).
  template <class Counts>
  double loss_of(const Counts& accept_loss, std::size_t j) const noexcept {
    double l = 0;
    for (std::size_t b = 0; b < Bins; ++b) l += b < j ? cost_sum_[b] : static_cast<double>(accept_loss[b]);
    return l;
  }
  /// Rebuild the tree as w_j = e^{−η(L_j − min L)} from the exact counters, with L_j as in
  /// loss_of computed by one running sum per sweep. O(Bins).
  template <class Counts>
  void rebuild_from(const Counts& accept_loss) noexcept {
    double first = 0;
    for (std::size_t b = 0; b < Bins; ++b) first += static_cast<double>(accept_loss[b]);
    double run = first, lmin = first;  // L_0, then L_j = L_{j−1} + Σβ(j−1) − accept_loss(j−1)
    for (std::size_t b = 0; b < Bins; ++b) lmin = std::fmin(lmin, run += cost_sum_[b] - static_cast<double>(accept_loss[b]));
    const double eta = eta_;
    run = first;
    tree_.rebuild([&](std::size_t j) {  // called for j = 0..Bins−1 in order
                    const double w = std::exp(-eta * (run - lmin));
                    run += cost_sum_[j] - static_cast<double>(accept_loss[j]);
                    return w;
                  },
                  std::exp(-eta * (loss_of(accept_loss, Bins) - lmin)));
    since_rebuild_ = 0;
  }
  /// Counts one update; true when a rebuild is due (period reached or all weights died).
  bool update_done() noexcept { return ++since_rebuild_ >= rebuild_period_ || tree_.exhausted(); }

  weight_tree<Bins, Real> tree_{};
  std::array<double, Bins> cost_sum_{};  ///< Σ β_t per bin
  float beta_ = 0, eta_ = 0;
  std::uint32_t rebuild_period_ = 0, since_rebuild_ = 0;
  std::uint64_t rounds_ = 0, bad_ = 0;
  bool configured_ = false;
};
}  // namespace detail

/// HIL-F: exponential weights over the Bins + 1 grid thresholds with full feedback (Y_t seen
/// for every sample). decide and feedback are O(log Bins); no exp on the fixed-β path.
/// R_n ≤ L/η + nη/8 against the best grid threshold (L = ln(Bins + 1)).
template <std::size_t Bins, class Real = float>
class hil_f : public detail::hil_base<Bins, Real> {
  using base = detail::hil_base<Bins, Real>;

public:
  static constexpr feedback_kind feedback_model = feedback_kind::full;

  constexpr hil_f() noexcept = default;

  /// Validates p; uniform prior; zeroes every counter. On failure the learner is unconfigured
  /// (decide offloads, feedback is ignored).
  [[nodiscard]] status configure(const hil_f_options& p) noexcept {
    if (status s = this->configure_common(p.beta, p.eta, p.rebuild_period); !s) return s;
    anytime_ = p.eta == 0.f && p.horizon == 0;
    epoch_ = 0;
    const double L = grid_log_inv_lambda(Bins);
    this->eta_ = p.eta != 0.f ? p.eta : (anytime_ ? static_cast<float>(std::sqrt(8.0 * L)) : hil_f_theory(p.horizon, L).eta);
    err_.fill(0);
    ticket_ = 0;
    set_factors();
    this->configured_ = true;
    return {};
  }

  /// One draw u; accept iff u < q(bin(score)). Non-finite score: offload, bad_input, no learning.
  template <std::uniform_random_bit_generator G>
  decision decide(float score, G& g) noexcept {
    const Real u = draw01<Real>(g);
    if (!this->configured_ || !detail::finite(score)) return this->fail_safe(score, !detail::finite(score));
    const float s = detail::clamp01(score);
    return decide_core(bin_of<Bins>(s), s, u);
  }
  /// decide on a precomputed bin (e.g. bin_of_int8 on the 256 grid); bin ≥ Bins is bad input.
  template <std::uniform_random_bit_generator G>
  decision decide_bin(std::uint32_t bin, G& g) noexcept {
    const Real u = draw01<Real>(g);
    if (!this->configured_ || bin >= Bins) return this->fail_safe(0.f, bin >= Bins);
    return decide_core(bin, static_cast<float>(bin) / static_cast<float>(Bins), u);
  }

  /// Full feedback y = local prediction wrong, in any order or delay. Experts j ≤ bin are
  /// multiplied by e^{−η(y − β_d)} (β_d: the decision's β). Decisions without a ticket are ignored.
  void feedback(const decision& d, bool local_wrong) noexcept {
    if (!this->configured_ || d.ticket == 0 || d.bad_input || d.bin >= Bins || !(d.beta >= 0.f && d.beta <= 1.f)) return;
    double f;
    if (d.beta == this->beta_) f = local_wrong ? f_wrong_ : f_right_;
    else f = std::exp(-static_cast<double>(this->eta_) * ((local_wrong ? 1.0 : 0.0) - static_cast<double>(d.beta)));
    this->tree_.prefix_multiply(d.bin, f);
    err_[d.bin] += local_wrong ? 1u : 0u;
    this->cost_sum_[d.bin] += d.beta;
    ++feedbacks_;
    bool rebuild = this->update_done();
    if (anytime_ && feedbacks_ + 1 >= (std::uint64_t{2} << epoch_)) {  // next round starts epoch k + 1
      ++epoch_;
      this->eta_ = static_cast<float>(std::sqrt(8.0 * grid_log_inv_lambda(Bins) / std::ldexp(1.0, static_cast<int>(epoch_))));
      set_factors();
      rebuild = true;
    }
    if (rebuild) rebuild_now();
  }
  /// Full feedback needs no ticket: nothing to cancel.
  void cancel(const decision&) noexcept {}

  /// Later decisions carry the new β (two exp). β ∈ [0, 1].
  [[nodiscard]] status set_beta(float beta) noexcept {
    if (status s = detail::check_unit("beta", beta); !s) return s;
    this->beta_ = beta;
    set_factors();
    return {};
  }

  /// L_j = Σ_{b<j} Σβ(b) + Σ_{b≥j} err(b): expert j's exact cumulative loss, j ∈ [0, Bins]. O(Bins).
  double cumulative_loss(std::size_t j) const noexcept { return this->loss_of(err_, j); }
  /// Feedbacks applied so far.
  std::uint64_t feedbacks() const noexcept { return feedbacks_; }
  /// Recompute the weights from the exact counters now. O(Bins).
  void rebuild_now() noexcept { this->rebuild_from(err_); }

private:
  decision decide_core(std::uint32_t b, float s, Real u) noexcept {
    ++this->rounds_;
    const Real q = this->accept_probability_bin(b);
    decision d;
    d.offload = !(u < q);
    d.offload_prob = static_cast<float>(Real(1) - q);
    d.score = s;
    d.beta = this->beta_;
    d.bin = b;
    d.ticket = ++ticket_ == 0 ? ++ticket_ : ticket_;
    return d;
  }
  void set_factors() noexcept {
    const double eta = this->eta_, beta = this->beta_;
    f_wrong_ = std::exp(-eta * (1.0 - beta));
    f_right_ = std::exp(eta * beta);
  }

  std::array<std::uint32_t, Bins> err_{};
  double f_wrong_ = 1, f_right_ = 1;  ///< e^{−η(1−β)}, e^{ηβ}
  std::uint64_t feedbacks_ = 0;
  std::uint32_t epoch_ = 0, ticket_ = 0;
  bool anytime_ = false;
};

/// HIL-N: exponential weights with offload-only feedback. With probability ε the sample is
/// offloaded to explore; accepting experts are charged the unbiased estimate Y·1{offloaded}/r_t
/// (inverse propensity) or Y·1{explored}/ε, offloading experts β (applied at decide time).
/// Offloads whose feedback is used get a ticket in a ring of Pending slots; a ticket expires
/// after Pending newer tickets (the oldest is dropped, counted). Multiplicative updates commute,
/// so out-of-order feedback is exact. E[R_n] ≤ L/η + nη(1/ε + β²)/2 + εβn.
template <std::size_t Bins, std::size_t Pending = 32, class Real = float>
class hil_n : public detail::hil_base<Bins, Real> {
  static_assert(Pending >= 1 && Pending <= 4096 && (Pending & (Pending - 1)) == 0, "Pending must be a power of two <= 4096");

public:
  static constexpr feedback_kind feedback_model = feedback_kind::offload_only;

  constexpr hil_n() noexcept = default;

  /// Validates p (auto ε/η need horizon > 0); uniform prior; zeroes counters and the ring.
  [[nodiscard]] status configure(const hil_n_options& p) noexcept {
    this->configured_ = false;
    if (status s = detail::check_range("epsilon", p.epsilon, 0, 1, "must lie in [0, 1] (0 = auto)"); !s) return s;
    if ((p.epsilon == 0.f || p.eta == 0.f) && p.horizon == 0)
      return detail::fail(errc::out_of_range, "horizon", 0, "must be > 0 when epsilon or eta is auto");
    if (status s = this->configure_common(p.beta, p.eta, p.rebuild_period); !s) return s;
    const double L = grid_log_inv_lambda(Bins);
    const hil_n_tuning t = hil_n_theory(p.horizon, p.beta, L);
    eps_ = p.epsilon != 0.f ? p.epsilon : t.epsilon;
    this->eta_ = p.eta != 0.f ? p.eta
                              : static_cast<float>(std::sqrt(2.0 * static_cast<double>(eps_) * L / static_cast<double>(p.horizon)));
    estimator_ = p.estimator;
    lhat_sum_.fill(0.0);
    for (auto& e : ring_) e = {};
    seq_ = 0;
    pending_ = 0;
    dropped_ = 0;
    f_beta_ = std::exp(static_cast<double>(this->eta_) * static_cast<double>(this->beta_));
    this->configured_ = true;
    return {};
  }

  /// Two draws (exploration coin, then accept draw), always. Explore w.p. ε (offload), else
  /// accept iff u < q. Applies the known part of the update (β to offloading experts) at once.
  template <std::uniform_random_bit_generator G>
  decision decide(float score, G& g) noexcept {
    const Real coin = draw01<Real>(g), u = draw01<Real>(g);
    if (!this->configured_ || !detail::finite(score)) return this->fail_safe(score, !detail::finite(score));
    const float s = detail::clamp01(score);
    return decide_core(bin_of<Bins>(s), s, coin, u);
  }
  /// decide on a precomputed bin; bin ≥ Bins is bad input.
  template <std::uniform_random_bit_generator G>
  decision decide_bin(std::uint32_t bin, G& g) noexcept {
    const Real coin = draw01<Real>(g), u = draw01<Real>(g);
    if (!this->configured_ || bin >= Bins) return this->fail_safe(0.f, bin >= Bins);
    return decide_core(bin, static_cast<float>(bin) / static_cast<float>(Bins), coin, u);
  }

  /// Consumes d.ticket: Y = 1 multiplies experts j ≤ bin by e^{−η·w} (w = 1/r_t or 1/ε) and
  /// adds w to the bin's estimate. Stale or unknown tickets are ignored.
  void feedback(const decision& d, bool local_wrong) noexcept {
    if (!this->configured_ || d.ticket == 0) return;
    slot& e = ring_[d.ticket & (Pending - 1)];
    if (e.seq != d.ticket) return;
    e.seq = 0;
    --pending_;
    if (!local_wrong) return;
    this->tree_.prefix_multiply(e.bin, std::exp(-static_cast<double>(this->eta_) * e.weight));
    lhat_sum_[e.bin] += e.weight;
    if (this->tree_.exhausted()) rebuild_now();
  }
  /// Frees d.ticket (vetoed offload, lost reply). Stale tickets are ignored.
  void cancel(const decision& d) noexcept {
    if (d.ticket == 0) return;
    slot& e = ring_[d.ticket & (Pending - 1)];
    if (e.seq != d.ticket) return;
    e.seq = 0;
    --pending_;
  }

  /// Later decisions carry the new β (one exp). β ∈ [0, 1], else an error status and nothing changes.
  [[nodiscard]] status set_beta(float beta) noexcept {
    if (status s = detail::check_unit("beta", beta); !s) return s;
    this->beta_ = beta;
    f_beta_ = std::exp(static_cast<double>(this->eta_) * static_cast<double>(beta));
    return {};
  }

  /// L̂_j = Σ_{b<j} Σβ(b) + Σ_{b≥j} l̂(b), j ∈ [0, Bins]. O(Bins).
  double cumulative_estimate(std::size_t j) const noexcept { return this->loss_of(lhat_sum_, j); }
  /// Tickets awaiting feedback.
  std::size_t pending() const noexcept { return pending_; }
  /// Tickets overwritten before their feedback came (the ring of Pending slots wrapped).
  std::uint64_t dropped_tickets() const noexcept { return dropped_; }
  /// The exploration probability ε in use.
  float epsilon() const noexcept { return eps_; }
  /// The loss estimator in use.
  hil_n_estimator estimator() const noexcept { return estimator_; }
  /// Recompute the weights from the exact counters now. O(Bins).
  void rebuild_now() noexcept { this->rebuild_from(lhat_sum_); }

private:
  struct slot {
    std::uint32_t seq = 0, bin = 0;
    double weight = 0;
  };

  decision decide_core(std::uint32_t b, float s, Real coin, Real u) noexcept {
    ++this->rounds_;
    const Real q = this->accept_probability_bin(b);
    const Real eps = static_cast<Real>(eps_);
    decision d;
    d.explored = coin < eps;
    d.offload = d.explored || !(u < q);
    const Real r = eps + (Real(1) - eps) * (Real(1) - q);
    d.offload_prob = static_cast<float>(r);
    d.score = s;
    d.beta = this->beta_;
    d.bin = b;
    // Offloading experts (j > b) pay β: after dropping the common e^{−ηβ}, experts j ≤ b gain e^{ηβ}.
    this->tree_.prefix_multiply(b, f_beta_);
    this->cost_sum_[b] += static_cast<double>(this->beta_);
    if (d.offload && (estimator_ == hil_n_estimator::inverse_propensity || d.explored)) {
      if (++seq_ == 0) ++seq_;
      slot& e = ring_[seq_ & (Pending - 1)];
      if (e.seq != 0) ++dropped_, --pending_;
      e.seq = seq_;
      e.bin = b;
      e.weight = estimator_ == hil_n_estimator::inverse_propensity ? 1.0 / static_cast<double>(r) : 1.0 / static_cast<double>(eps);
      ++pending_;
      d.ticket = seq_;
    }
    if (this->update_done()) rebuild_now();
    return d;
  }

  std::array<double, Bins> lhat_sum_{};
  std::array<slot, Pending> ring_{};
  double f_beta_ = 1;  ///< e^{ηβ}
  float eps_ = 1;
  std::uint32_t seq_ = 0;
  std::size_t pending_ = 0;
  std::uint64_t dropped_ = 0;
  hil_n_estimator estimator_ = hil_n_estimator::inverse_propensity;
};

}  // namespace idn::offload
