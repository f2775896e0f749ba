#pragma once
/// Naive reference learners (docs/offload.md "References"): the definitions of HIL-F and
/// HIL-N implemented directly, for tests and benchmarks. Host only: std::vector state, allocates
/// in configure_* (and, in interval mode, when a new score is inserted). Not in idn/offload.hpp.
///  - grid mode: experts j = 0..bins, weights e^{−η(L_j − min L)} from exact cumulative losses
///    in double, O(bins) exp per sample;
///  - interval mode (HIL-F, the paper's form): thresholds θ ∈ [0, 1] with a uniform prior, the
///    boundaries at every observed score, one double mass per interval; O(N_t) per sample.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "idn/offload/hil.hpp"

namespace idn::offload {

namespace detail {
/// min(bins − 1, ⌊s·bins⌋) for a clamped score, computed directly (the definition of bin_of).
inline std::uint32_t grid_bin(float s, std::size_t bins) {
  const auto b = static_cast<std::uint32_t>(static_cast<double>(s) * static_cast<double>(bins));
  return b < bins ? b : static_cast<std::uint32_t>(bins - 1);
}
/// A reference learner's decision before it looks at its experts: β recorded; a non-finite score
/// is flagged bad_input (offloaded, score kept as given).
inline decision reference_decision(float score, float beta) {
  decision d;
  d.beta = beta;
  if (!finite(score)) d.bad_input = true, d.score = score;
  return d;
}
/// q = Σ_{j≤b} w_j / Σ_j w_j with w_j = e^{−η(L_j − min L)} over experts j = 0..bins, by definition.
inline double grid_accept_probability(const std::vector<double>& loss, float eta, std::uint32_t b) {
  const double lmin = *std::min_element(loss.begin(), loss.end());
  double num = 0, den = 0;
  for (std::size_t j = 0; j < loss.size(); ++j) {
    const double w = std::exp(-static_cast<double>(eta) * (loss[j] - lmin));
    den += w;
    if (j <= b) num += w;
  }
  return num / den;
}
}  // namespace detail

/// HIL-F by its definition (grid or interval experts, double precision): the oracle hil_f is tested against.
class naive_hil_f {
public:
  /// Same experts, η rule and anytime schedule as hil_f<bins>.
  status configure_grid(std::size_t bins, const hil_f_options& p) {
    if (bins < 2 || bins > 65536 || (bins & (bins - 1)) != 0) return detail::fail(errc::out_of_range, "bins", static_cast<double>(bins), "must be a power of two in [2, 65536]");
    if (status s = common(p, grid_log_inv_lambda(bins)); !s) return s;
    bins_ = bins;
    loss_.assign(bins + 1, 0.0);
    return {};
  }
  /// Paper form: boundaries at observed scores, prior mass = interval length. η as for the grid
  /// with L = ln(bins_for_eta + 1) unless p.eta is given (anytime mode is not offered here).
  status configure_intervals(const hil_f_options& p, std::size_t bins_for_eta = 256) {
    if (status s = common(p, grid_log_inv_lambda(bins_for_eta)); !s) return s;
    bins_ = 0;
    anytime_ = false;
    points_ = {0.0, 1.0};
    mass_ = {1.0};
    return {};
  }

  /// Offloads with probability 1 − q(score) (q: the weight of experts accepting the score). O(bins) or O(N_t).
  template <class G>
  decision decide(float score, G& g) {
    const double u = draw01<double>(g);
    decision d = detail::reference_decision(score, beta_);
    if (d.bad_input) return d;
    const float s = detail::clamp01(score);
    const double q = last_q_ = accept_probability(s);
    d.offload = !(u < q);
    d.offload_prob = static_cast<float>(1.0 - q);
    d.score = s;
    d.bin = bins_ ? bin_index(s) : 0;
    d.ticket = ++ticket_ == 0 ? ++ticket_ : ticket_;
    return d;
  }

  /// Full feedback: every expert's cumulative loss is charged for the sample (y: the local answer was wrong).
  void feedback(const decision& d, bool y) {
    if (d.ticket == 0 || d.bad_input) return;
    const double yd = y ? 1.0 : 0.0, beta = d.beta;
    if (bins_) {
      for (std::size_t j = 0; j <= bins_; ++j) loss_[j] += j <= d.bin ? yd : beta;
    } else {
      // Split the interval containing s at s, then multiply θ ≤ s by e^{−η(y − β)}.
      const double s = d.score;
      const auto it = std::lower_bound(points_.begin(), points_.end(), s);
      std::size_t k = static_cast<std::size_t>(it - points_.begin());  // points_[k] >= s
      if (points_[k] != s) {
        const double lo = points_[k - 1], hi = points_[k], m = mass_[k - 1];
        points_.insert(points_.begin() + static_cast<std::ptrdiff_t>(k), s);
        mass_[k - 1] = m * (s - lo) / (hi - lo);
        mass_.insert(mass_.begin() + static_cast<std::ptrdiff_t>(k), m * (hi - s) / (hi - lo));
      }
      const double f = std::exp(-static_cast<double>(eta_) * (yd - beta));
      double total = 0;
      for (std::size_t i = 0; i < mass_.size(); ++i) {
        if (i < k) mass_[i] *= f;
        total += mass_[i];
      }
      if (!(total > 0x1p-500 && total < 0x1p500))  // renormalise only when the scale drifts
        for (double& m : mass_) m /= total;
    }
    ++feedbacks_;
    if (anytime_ && feedbacks_ + 1 >= (std::uint64_t{2} << epoch_)) {
      ++epoch_;
      eta_ = static_cast<float>(std::sqrt(8.0 * L_ / std::ldexp(1.0, static_cast<int>(epoch_))));
    }
  }
  /// Full feedback needs no ticket: nothing to cancel.
  void cancel(const decision&) {}

  /// q(s) = prior-weighted mass of thresholds θ ≤ s.
  double accept_probability(float score) const {
    const double s = detail::clamp01(score);
    if (bins_) return detail::grid_accept_probability(loss_, eta_, bin_index(static_cast<float>(s)));
    double num = 0, den = 0;
    for (std::size_t i = 0; i < mass_.size(); ++i) {
      den += mass_[i];
      const double lo = points_[i], hi = points_[i + 1];
      if (hi <= s) num += mass_[i];
      else if (lo < s) num += mass_[i] * (s - lo) / (hi - lo);
    }
    return num / den;
  }
  /// ln(1/λ_min), λ_min the shortest interval between boundaries (interval mode).
  double log_inv_lambda_min() const {
    double lmin = 1;
    for (std::size_t i = 0; i + 1 < points_.size(); ++i) lmin = std::min(lmin, points_[i + 1] - points_[i]);
    return -std::log(lmin);
  }
  /// Number of experts (grid) or intervals.
  std::size_t experts() const { return bins_ ? bins_ + 1 : mass_.size(); }
  /// q used by the last decide (double precision).
  double last_accept_probability() const { return last_q_; }
  /// Expert j's cumulative loss (grid mode).
  double cumulative_loss(std::size_t j) const { return loss_[j]; }
  /// The learning rate η in use.
  float eta() const { return eta_; }

private:
  status common(const hil_f_options& p, double L) {
    if (status s = detail::check_unit("beta", p.beta); !s) return s;
    if (status s = detail::check_eta(p.eta); !s) return s;
    beta_ = p.beta;
    L_ = L;
    anytime_ = p.eta == 0.f && p.horizon == 0;
    epoch_ = 0;
    feedbacks_ = 0;
    ticket_ = 0;
    eta_ = p.eta != 0.f ? p.eta : (anytime_ ? static_cast<float>(std::sqrt(8.0 * L)) : hil_f_theory(p.horizon, L).eta);
    return {};
  }
  std::uint32_t bin_index(float s) const { return detail::grid_bin(s, bins_); }

  std::size_t bins_ = 0;
  std::vector<double> loss_, points_, mass_;
  double L_ = 0, last_q_ = 0;
  float beta_ = 0, eta_ = 0;
  std::uint64_t feedbacks_ = 0;
  std::uint32_t epoch_ = 0, ticket_ = 0;
  bool anytime_ = false;
};

/// HIL-N by its definition (grid experts, exploration ε, importance-weighted estimates): the oracle hil_n is tested against.
class naive_hil_n {
public:
  /// Same experts, ε/η rules and ticket ring semantics as hil_n<bins, pending>.
  status configure_grid(std::size_t bins, const hil_n_options& p, std::size_t pending) {
    if (bins < 2 || bins > 65536 || (bins & (bins - 1)) != 0) return detail::fail(errc::out_of_range, "bins", static_cast<double>(bins), "must be a power of two in [2, 65536]");
    if (pending == 0 || pending > 4096 || (pending & (pending - 1)) != 0) return detail::fail(errc::out_of_range, "pending", static_cast<double>(pending), "must be a power of two <= 4096");
    if (status s = detail::check_unit("beta", p.beta); !s) return s;
    if (status s = detail::check_eta(p.eta); !s) return s;
    if (status s = detail::check_range("epsilon", p.epsilon, 0, 1, "must lie in [0, 1] (0 = auto)"); !s) return s;
    if ((p.epsilon == 0.f || p.eta == 0.f) && p.horizon == 0) return detail::fail(errc::out_of_range, "horizon", 0, "must be > 0 when epsilon or eta is auto");
    const double L = grid_log_inv_lambda(bins);
    eps_ = p.epsilon != 0.f ? p.epsilon : hil_n_theory(p.horizon, p.beta, L).epsilon;
    eta_ = p.eta != 0.f ? p.eta : static_cast<float>(std::sqrt(2.0 * static_cast<double>(eps_) * L / static_cast<double>(p.horizon)));
    beta_ = p.beta;
    estimator_ = p.estimator;
    bins_ = bins;
    loss_.assign(bins + 1, 0.0);
    ring_.assign(pending, {});
    seq_ = 0;
    return {};
  }

  /// With probability ε explores (offloads), else offloads with probability 1 − q(score); the decision carries a ticket for the feedback. O(bins).
  template <class G>
  decision decide(float score, G& g) {
    const double coin = draw01<double>(g), u = draw01<double>(g);
    decision d = detail::reference_decision(score, beta_);
    if (d.bad_input) return d;
    const float s = detail::clamp01(score);
    d.score = s;
    d.bin = bin_index(s);
    const double q = last_q_ = accept_probability(s);
    d.explored = coin < static_cast<double>(eps_);
    d.offload = d.explored || !(u < q);
    apply(d, q);
    return d;
  }
  /// Replays a decision taken elsewhere (the tree's) so both learners see the same history.
  void observe(const decision& d) {
    if (d.bad_input) return;
    apply(d, last_q_ = accept_probability(d.score), d.ticket);
  }
  /// No-local-feedback update for the decision's ticket: importance-weighted loss estimates (y: the local answer was wrong).
  void feedback(const decision& d, bool y) {
    if (d.ticket == 0) return;
    entry& e = ring_[d.ticket & (ring_.size() - 1)];
    if (e.seq != d.ticket) return;
    e.seq = 0;
    if (!y) return;
    for (std::size_t j = 0; j <= e.bin && j <= bins_; ++j) loss_[j] += e.weight;
  }
  /// Drops the pending ticket of d (its feedback will never come).
  void cancel(const decision& d) {
    if (d.ticket == 0) return;
    entry& e = ring_[d.ticket & (ring_.size() - 1)];
    if (e.seq == d.ticket) e.seq = 0;
  }
  /// q(score): the weight of experts that accept the score locally.
  double accept_probability(float score) const {
    return detail::grid_accept_probability(loss_, eta_, bin_index(detail::clamp01(score)));
  }
  /// Expert j's cumulative loss estimate.
  double cumulative_estimate(std::size_t j) const { return loss_[j]; }
  /// q used by the last decide/observe (double precision).
  double last_accept_probability() const { return last_q_; }
  /// The exploration probability ε in use.
  float epsilon() const { return eps_; }
  /// The learning rate η in use.
  float eta() const { return eta_; }

private:
  struct entry {
    std::uint32_t seq = 0, bin = 0;
    double weight = 0;
  };
  /// β to the offloading experts j > bin; a ticket (the given one, or a new sequence number).
  void apply(decision& d, double q, std::uint32_t external_ticket = 0) {
    for (std::size_t j = d.bin + 1; j <= bins_; ++j) loss_[j] += static_cast<double>(beta_);
    const double eps = eps_, r = eps + (1 - eps) * (1 - q);
    d.offload_prob = static_cast<float>(r);
    const bool wants = d.offload && (estimator_ == hil_n_estimator::inverse_propensity || d.explored);
    if (!wants) return;
    std::uint32_t t = external_ticket;
    if (t == 0) t = ++seq_ == 0 ? ++seq_ : seq_;
    entry& e = ring_[t & (ring_.size() - 1)];
    e = {t, d.bin, estimator_ == hil_n_estimator::inverse_propensity ? 1.0 / r : 1.0 / eps};
    d.ticket = t;
  }
  void apply(const decision& d, double q, std::uint32_t t) {
    decision copy = d;
    copy.ticket = 0;
    apply(copy, q, t);
  }
  std::uint32_t bin_index(float s) const { return detail::grid_bin(s, bins_); }

  std::size_t bins_ = 0;
  std::vector<double> loss_;
  std::vector<entry> ring_;
  double last_q_ = 0;
  float beta_ = 0, eps_ = 1, eta_ = 0;
  std::uint32_t seq_ = 0;
  hil_n_estimator estimator_ = hil_n_estimator::inverse_propensity;
};

}  // namespace idn::offload
