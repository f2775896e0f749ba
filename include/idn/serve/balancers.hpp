#pragma once
/// Load balancers across heterogeneous replicas (docs/serve.md "Load balancing", §3, §4):
/// the `load_balancer` concept (B1: pick an index < n, allocation-free, randomness only from the
/// generator; B2: on_complete), random, weighted random (alias table), round robin, smooth
/// weighted round robin (nginx), least outstanding requests, power-of-d choices and
/// join-shortest-queue, plus integer weights from speeds and the mean-optimal static split.
/// Ties not covered by a rule are broken uniformly by reservoir sampling (one draw per tie).
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/serve/queueing.hpp"

namespace idn::serve {

/// What a balancer sees of replica i: requests it routed there and not yet completed, the
/// replica's current system size (a fresh global view), and its weight (speed).
struct replica_state {
  std::uint32_t outstanding = 0, in_system = 0;
  double weight = 1;
};

template <class P, class G = idn::rng>
concept load_balancer = std::copy_constructible<P> && std::uniform_random_bit_generator<G> &&
                        requires(P& p, std::span<const replica_state> s, G& g, std::size_t i) {
                          { p.pick(s, g) } noexcept -> std::same_as<std::size_t>;  // (B1)
                          { p.on_complete(i) } noexcept -> std::same_as<void>;     // (B2)
                        };

namespace detail {
/// argmin of score(i) over [0, n) (or over the given candidates), uniform among ties.
template <class G, class Score>
std::size_t argmin_uniform(std::size_t n, Score&& score, G& g) noexcept {
  std::size_t best = 0, ties = 1;
  double b = score(0);
  for (std::size_t i = 1; i < n; ++i) {
    const double v = score(i);
    if (v < b) {
      b = v, best = i, ties = 1;
    } else if (v == b) {
      ++ties;
      if (uniform01(g) * static_cast<double>(ties) < 1.0) best = i;  // keep each tie w.p. 1/ties
    }
  }
  return best;
}
inline double load_score(const replica_state& r, bool system) noexcept {
  return (static_cast<double>(system ? r.in_system : r.outstanding) + 1.0) / r.weight;
}
}  // namespace detail

/// Uniformly random replica. O(1).
class random_choice {
public:
  /// The replica for the next request: uniform over s. O(1), one draw.
  template <class G>
  std::size_t pick(std::span<const replica_state> s, G& g) noexcept { return uniform_index(s.size(), g); }
  /// Stateless: nothing to update when a request completes.
  void on_complete(std::size_t) noexcept {}
};

/// i_t = t mod n. O(1).
class round_robin {
public:
  /// The replica for the next request: the next in turn (s.size() must not change between calls). O(1), no draw.
  template <class G>
  std::size_t pick(std::span<const replica_state> s, G&) noexcept {
    const std::size_t i = static_cast<std::size_t>(t_++ % s.size());
    return i;
  }
  /// Stateless per request: nothing to update when a request completes.
  void on_complete(std::size_t) noexcept {}

private:
  std::uint64_t t_ = 0;
};

/// argmin (o_i + 1)/w_i over all replicas. O(n).
class least_outstanding {
public:
  /// The replica with the least (outstanding + 1)/weight, uniform among ties. O(n).
  template <class G>
  std::size_t pick(std::span<const replica_state> s, G& g) noexcept {
    return detail::argmin_uniform(s.size(), [&](std::size_t i) { return detail::load_score(s[i], false); }, g);
  }
  /// Reads outstanding counts from s: nothing to update when a request completes.
  void on_complete(std::size_t) noexcept {}
};

/// argmin (n_i + 1)/w_i (fresh global queue lengths). O(n).
class join_shortest_queue {
public:
  /// The replica with the least (in_system + 1)/weight, uniform among ties. O(n).
  template <class G>
  std::size_t pick(std::span<const replica_state> s, G& g) noexcept {
    return detail::argmin_uniform(s.size(), [&](std::size_t i) { return detail::load_score(s[i], true); }, g);
  }
  /// Reads queue lengths from s: nothing to update when a request completes.
  void on_complete(std::size_t) noexcept {}
};

/// P(i) ∝ w_i by Vose's alias method: O(n) construction, O(1) pick (one draw).
class weighted_random {
public:
  /// Builds the alias table; weights must be finite, >= 0, not all 0 (else invalid_input). O(n).
  explicit weighted_random(std::span<const double> weights) {
    const std::size_t n = weights.size();
    if (n == 0) idn::reject("serve::weighted_random", "weights.size()", 0, "must be >= 1");
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!(weights[i] >= 0) || !std::isfinite(weights[i])) idn::reject("serve::weighted_random", concat("weights[", i, "]"), weights[i], "must be finite and >= 0");
      total += weights[i];
    }
    if (!(total > 0)) idn::reject("serve::weighted_random", "weights.sum", total, "must be > 0");
    prob_.assign(n, 0), alias_.assign(n, 0);
    std::vector<double> p(n);
    std::vector<std::size_t> small, large;
    for (std::size_t i = 0; i < n; ++i) (p[i] = weights[i] * static_cast<double>(n) / total) < 1 ? small.push_back(i) : large.push_back(i);
    while (!small.empty() && !large.empty()) {
      const std::size_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = p[s], alias_[s] = l;
      p[l] -= 1 - p[s];
      if (p[l] < 1) large.pop_back(), small.push_back(l);
    }
    for (std::size_t i : large) prob_[i] = 1;
    for (std::size_t i : small) prob_[i] = 1;
  }
  /// The number of replicas the weights were given for.
  std::size_t replica_count() const noexcept { return prob_.size(); }
  /// The replica for the next request, P(i) = w_i / Σw (s is ignored). O(1), one draw.
  template <class G>
  std::size_t pick(std::span<const replica_state>, G& g) noexcept {
    const double u = uniform01(g) * static_cast<double>(prob_.size());
    auto i = static_cast<std::size_t>(u);
    if (i >= prob_.size()) i = prob_.size() - 1;
    return u - static_cast<double>(i) < prob_[i] ? i : alias_[i];
  }
  /// Stateless per request: nothing to update when a request completes.
  void on_complete(std::size_t) noexcept {}

private:
  std::vector<double> prob_;
  std::vector<std::size_t> alias_;
};

/// nginx smooth weighted round robin: every i gets cur_i += w_i, the argmax (lowest index on ties)
/// is picked and pays Σw. Exactly w_i picks of i in every cycle of Σw picks. O(n).
class smooth_weighted_round_robin {
public:
  /// Takes the integer weights, one per replica, each >= 1 (else invalid_input). O(n).
  explicit smooth_weighted_round_robin(std::vector<std::uint32_t> weights) : w_(std::move(weights)), cur_(w_.size(), 0) {
    if (w_.empty()) idn::reject("serve::smooth_weighted_round_robin", "weights.size()", 0, "must be >= 1");
    for (std::size_t i = 0; i < w_.size(); ++i) {
      if (w_[i] == 0) idn::reject("serve::smooth_weighted_round_robin", concat("weights[", i, "]"), 0, "must be >= 1");
      total_ += w_[i];
    }
  }
  /// The number of replicas the weights were given for.
  std::size_t replica_count() const noexcept { return w_.size(); }
  /// The replica for the next request by the smooth rule (s is ignored). O(n), no draw.
  template <class G>
  std::size_t pick(std::span<const replica_state>, G&) noexcept {
    std::size_t best = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      cur_[i] += w_[i];
      if (cur_[i] > cur_[best]) best = i;
    }
    cur_[best] -= static_cast<std::int64_t>(total_);
    return best;
  }
  /// Stateless per request: nothing to update when a request completes.
  void on_complete(std::size_t) noexcept {}

private:
  std::vector<std::uint32_t> w_;
  std::vector<std::int64_t> cur_;
  std::uint64_t total_ = 0;
};

/// Power of d choices: d distinct replicas sampled uniformly (Floyd's algorithm, d draws), the
/// one with the least (o_i + 1)/w_i wins (uniform among ties). O(d). With d = 2 and a 64-bit
/// generator (idn::rng), one draw and no data-dependent branch (see pick).
class power_of_d {
public:
  /// Power of d choices with d >= 1 (d = 0 is invalid_input); d > n samples all n.
  explicit power_of_d(std::uint32_t d = 2) : d_(d), chosen_(d) {
    if (d == 0) idn::reject("serve::power_of_d", "d", 0, "must be >= 1");
  }
  /// The replica for the next request: the least loaded of d distinct uniform samples. O(d).
  template <class G>
  std::size_t pick(std::span<const replica_state> s, G& g) noexcept {
    const std::size_t n = s.size(), d = std::min<std::size_t>(d_, n);
    if constexpr (G::min() == 0 && G::max() == ~std::uint64_t{0}) {
      if (d == 2 && n <= (std::size_t{1} << 32)) {
        // The common case in one 64-bit draw and no branch on random data: t0 ∈ [0, n−1) from the
        // high half and t1 ∈ [0, n) from the low half (Lemire's multiply-shift, bias ≤ n/2^32),
        // t1 = n − 1 if they collide (Floyd: a uniform pair); bit 0, which moves t1 only when
        // r_lo·n crosses a multiple of 2^32 (probability ≤ n/2^32), breaks a tie.
        const std::uint64_t r = g(), m = n;
        const auto t0 = static_cast<std::size_t>(((r >> 32) * (m - 1)) >> 32);
        const auto t1 = static_cast<std::size_t>(((r & 0xffffffffu) * m) >> 32);
        const std::size_t u = t1 == t0 ? n - 1 : t1;
        const double a = detail::load_score(s[t0], false), b = detail::load_score(s[u], false);
        // Select by mask: a conditional here compiles to a branch that mispredicts half the time.
        const std::size_t first = static_cast<std::size_t>(a < b) | (static_cast<std::size_t>(a == b) & static_cast<std::size_t>(r & 1));
        const std::size_t mask = std::size_t{0} - first;
        return (t0 & mask) | (u & ~mask);
      }
    }
    std::size_t m = 0;
    for (std::size_t j = n - d; j < n; ++j) {  // Floyd: a uniform d-subset of [0, n)
      std::size_t t = uniform_index(j + 1, g);
      if (std::find(chosen_.begin(), chosen_.begin() + static_cast<std::ptrdiff_t>(m), t) != chosen_.begin() + static_cast<std::ptrdiff_t>(m)) t = j;
      chosen_[m++] = t;
    }
    const std::size_t k = detail::argmin_uniform(m, [&](std::size_t i) { return detail::load_score(s[chosen_[i]], false); }, g);
    return chosen_[k];
  }
  /// Reads outstanding counts from s: nothing to update when a request completes.
  void on_complete(std::size_t) noexcept {}
  /// The number of choices d.
  std::uint32_t d() const noexcept { return d_; }

private:
  std::uint32_t d_;
  std::vector<std::size_t> chosen_;
};

/// Integer weights ∝ speeds: round(resolution·s_i/max s), at least 1, divided by their gcd.
inline std::vector<std::uint32_t> weights_from_speeds(std::span<const double> speeds, std::uint32_t resolution = 100) {
  if (speeds.empty()) idn::reject("serve::weights_from_speeds", "speeds.size()", 0, "must be >= 1");
  if (resolution == 0) idn::reject("serve::weights_from_speeds", "resolution", 0, "must be >= 1");
  double top = 0;
  for (std::size_t i = 0; i < speeds.size(); ++i) {
    if (!(speeds[i] > 0) || !std::isfinite(speeds[i])) idn::reject("serve::weights_from_speeds", concat("speeds[", i, "]"), speeds[i], "must be finite and > 0");
    top = std::max(top, speeds[i]);
  }
  std::vector<std::uint32_t> w;
  std::uint32_t g = 0;
  for (double s : speeds) {
    const auto v = static_cast<std::uint32_t>(std::max(1.0, std::round(resolution * s / top)));
    w.push_back(v);
    g = std::gcd(g, v);
  }
  for (auto& v : w) v /= g;
  return w;
}

/// The mean-optimal static split of Poisson rate λ over parallel M/M/1 queues (λ < Σμ):
/// λ_i = μ_i − √μ_i·(Σ_A μ − λ)/Σ_A √μ over the active set A, dropping replicas that would get
/// λ_i ≤ 0 (the slowest first) and re-solving. O(n log n).
inline Eigen::VectorXd optimal_static_split(std::span<const double> mu, double lambda) {
  const std::size_t n = mu.size();
  if (n == 0) idn::reject("serve::optimal_static_split", "mu.size()", 0, "must be >= 1");
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double m = mu[i];
    if (!(m > 0) || !std::isfinite(m)) idn::reject("serve::optimal_static_split", concat("mu[", i, "]"), m, "must be finite and > 0");
    total += m;
  }
  if (!(lambda >= 0) || !std::isfinite(lambda)) idn::reject("serve::optimal_static_split", "lambda", lambda, "must be finite and >= 0");
  if (!(lambda < total)) idn::reject("serve::optimal_static_split", "lambda", lambda, "must be < sum of mu");
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return mu[a] > mu[b]; });
  Eigen::VectorXd x = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
  for (std::size_t m = n; m >= 1; --m) {  // active set: the m fastest
    double sm = 0, sq = 0;
    for (std::size_t t = 0; t < m; ++t) sm += mu[order[t]], sq += std::sqrt(mu[order[t]]);
    if (!(lambda < sm)) break;  // fewer replicas cannot carry λ
    const double nu = (sm - lambda) / sq;
    const double slowest = mu[order[m - 1]] - std::sqrt(mu[order[m - 1]]) * nu;
    if (slowest > 0 || m == 1) {
      for (std::size_t t = 0; t < m; ++t) x[static_cast<Eigen::Index>(order[t])] = std::max(0.0, mu[order[t]] - std::sqrt(mu[order[t]]) * nu);
      return x;
    }
  }
  return x;
}

}  // namespace idn::serve
