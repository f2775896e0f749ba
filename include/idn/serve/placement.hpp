#pragma once
/// Stage placement on the continuum (docs/serve.md "Placement", §4): minimum one-request
/// latency subject to a throughput target (every tier, uplink and downlink utilization ≤ ρ_max),
/// element masks and memory. The chain is wrapped as an idn::partition::chain_oracle (elements
/// play layers, tiers play workers) and solved exactly by the partition layered shortest path;
/// if nothing is feasible, the min–max-utilization placement is returned with feasible = false.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include "idn/core/solve_status.hpp"
#include "idn/partition/chain.hpp"
#include "idn/partition/solve.hpp"
#include "idn/serve/pipeline.hpp"

namespace idn::serve {

using idn::solve_status;

/// throughput: the target λ (requests/s; 0 = latency only); max_utilization: ρ_max ∈ (0, 1].
struct placement_options {
  double throughput = 0;
  double max_utilization = 0.8;
  bool return_result = true;
};

/// A placement: tier k runs elements [ends[k−1], ends[k]) (ends[−1] = 0); last_tier holds the
/// result. tier_seconds = C_k; utilization: K tiers, then K−1 uplinks, then K−1 downlinks.
struct placement {
  /// place: optimal (the minimum-latency placement that meets the throughput target) or
  /// infeasible (none meets it: the fields describe the min–max-utilization placement, or ends is
  /// empty and latency +inf); evaluate: feasible or infeasible (core/solve_status.hpp).
  solve_status status = solve_status::infeasible;
  double latency = 0, max_utilization = 0;
  std::size_t last_tier = 0;
  std::vector<std::size_t> ends;
  Eigen::VectorXd tier_seconds, utilization;
};

namespace detail {
inline void check_options(const char* where, const placement_options& o) {
  if (!(o.throughput >= 0) || !std::isfinite(o.throughput)) idn::reject(where, "throughput", o.throughput, "must be finite and >= 0");
  if (!(o.max_utilization > 0 && o.max_utilization <= 1)) idn::reject(where, "max_utilization", o.max_utilization, "must lie in (0, 1]");
}

/// The chain as a partition::chain_oracle, O(1) per query from tables built once.
class placement_oracle {
public:
  placement_oracle(const chain& c, const placement_options& o) : c_(c), o_(o), N_(c.seconds.rows()), K_(c.seconds.cols()) {
    T_.setZero(N_ + 1, K_), masked_.setZero(N_ + 1, K_), W_.setZero(N_ + 1);
    for (std::size_t k = 0; k < K_; ++k)
      for (std::size_t e = 0; e < N_; ++e) {
        const double t = c.seconds(e, k);
        T_(e + 1, k) = T_(e, k) + (std::isfinite(t) ? t : 0.0);
        masked_(e + 1, k) = masked_(e, k) + (std::isfinite(t) ? 0 : 1);
      }
    for (std::size_t e = 0; e < N_; ++e) W_[e + 1] = W_[e] + c.weight_bytes[e];
    maxws_.assign((N_ + 1) * (N_ + 1), 0.0);
    for (std::size_t i = 0; i < N_; ++i) {
      double m = 0;
      for (std::size_t j = i + 1; j <= N_; ++j) m = std::max(m, c.workspace_bytes[j - 1]), maxws_[i * (N_ + 1) + j] = m;
    }
    PU_.setZero(K_, N_ + 1);  // PU(l, c) = Σ_{l' < l} x_{l'}(a_c)
    for (std::size_t l = 1; l < K_; ++l) PU_.row(l) = PU_.row(l - 1) + c.up_seconds.row(l - 1);
    PD_.setZero(K_);
    downmax_.setZero(K_);  // max_{l < k} σ'_l(a_N)
    for (std::size_t l = 1; l < K_; ++l) PD_[l] = PD_[l - 1] + c.down_seconds(l - 1, N_), downmax_[l] = std::max(downmax_[l - 1], c.down_serial(l - 1, N_));
  }
  std::size_t num_layers() const noexcept { return N_; }
  std::size_t num_workers() const noexcept { return K_; }
  partition::chain_options options() const noexcept { return {partition::comm_mode::serialized, false, true}; }
  /// C_k over elements [i, j): overhead plus element times (0 for an empty range).
  double delay(std::size_t k, std::size_t i, std::size_t j) const noexcept { return i == j ? 0.0 : c_.overhead[k] + T_(j, k) - T_(i, k); }
  double period(std::size_t k, std::size_t i, std::size_t j) const noexcept {
    if (i == j) return i == N_ || k + 1 >= K_ ? 0.0 : c_.up_serial(k, i);  // a relay (or unused trailing tier)
    if (masked_(j, k) - masked_(i, k) > 0) return partition::inf;
    if ((W_[j] - W_[i]) + maxws_[i * (N_ + 1) + j] > c_.capacity[k]) return partition::inf;
    double v = delay(k, i, j) / c_.replicas[k];
    if (j < N_ && k + 1 < K_) v = std::max(v, c_.up_serial(k, j));
    if (j == N_ && o_.return_result) v = std::max(v, downmax_[k]);
    return v;
  }
  double hop(std::size_t p, std::size_t q, std::size_t cut) const noexcept {
    if (p == q) return 0.0;
    if (q == partition::endpoint) return o_.return_result ? PD_[p] : 0.0;
    const std::size_t from = p == partition::endpoint ? 0 : p;
    return q > from ? PU_(q, cut) - PU_(from, cut) : 0.0;
  }
  double fixed_period() const noexcept { return 0.0; }

private:
  const chain& c_;
  placement_options o_;
  std::size_t N_, K_;
  Eigen::MatrixXd T_, masked_, PU_;
  Eigen::VectorXd W_, PD_, downmax_;
  std::vector<double> maxws_;
};
static_assert(partition::chain_oracle<placement_oracle>);
}  // namespace detail

/// Every field of one placement (§2): C_k, latency, utilizations at the target, feasibility
/// (utilizations within ρ_max, masks, memory). A tier that cannot run its range (masked element,
/// memory) has utilization +inf. Validates the chain (O(N·K)) and ends.
inline placement evaluate(const chain& c, std::span<const std::size_t> ends, std::size_t last_tier, const placement_options& o = {}) {
  detail::check_options("serve::evaluate", o);
  validate(c);
  const auto N = static_cast<std::size_t>(c.seconds.rows()), K = static_cast<std::size_t>(c.seconds.cols());
  if (ends.size() != K) idn::reject("serve::evaluate", "ends.size()", static_cast<double>(ends.size()), "must equal the number of tiers");
  if (last_tier >= K) idn::reject("serve::evaluate", "last_tier", static_cast<double>(last_tier), "must be < the number of tiers");
  for (std::size_t k = 0; k < K; ++k) {
    if (ends[k] > N) throw invalid_input(concat("idn::serve::evaluate: ends[", k, "] = ", ends[k], ": must be <= ", N));
    if (k > 0 && ends[k] < ends[k - 1]) throw invalid_input(concat("idn::serve::evaluate: ends[", k, "] = ", ends[k], ": must be >= ends[", k - 1, "]"));
  }
  if (ends[last_tier] != N) throw invalid_input(concat("idn::serve::evaluate: ends[last_tier = ", last_tier, "] = ", ends[last_tier], ": must be ", N));
  placement p;
  p.ends.assign(ends.begin(), ends.end());
  p.last_tier = last_tier;
  p.tier_seconds = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(K));
  p.utilization = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(3 * K - 2));
  const double lambda = o.throughput, B = lambda > 0 ? o.max_utilization / lambda : INFINITY;
  bool ok = true;
  double lat = 0, umax = 0;
  auto load = [&](Eigen::Index slot, double per_request) {  // per-request busy time on a resource (+inf: cannot run)
    p.utilization[slot] = std::isfinite(per_request) ? lambda * per_request : INFINITY;
    umax = std::max(umax, p.utilization[slot]);
    ok = ok && per_request <= B;
  };
  for (std::size_t k = 0; k <= last_tier; ++k) {
    const auto kk = static_cast<Eigen::Index>(k);
    const std::size_t first = k == 0 ? 0 : ends[k - 1];
    if (first < ends[k]) {
      double t = c.overhead[kk], w = 0, ws = 0;
      for (std::size_t e = first; e < ends[k]; ++e) {
        const auto ee = static_cast<Eigen::Index>(e);
        t += c.seconds(ee, kk), w += c.weight_bytes[ee], ws = std::max(ws, c.workspace_bytes[ee]);
      }
      const bool fits = std::isfinite(t) && w + ws <= c.capacity[kk];  // masked elements or memory: the tier cannot run it
      ok = ok && fits;
      p.tier_seconds[kk] = t;
      lat += t;
      load(kk, fits ? t / c.replicas[kk] : INFINITY);
    }
    if (k < last_tier) {
      const auto a = static_cast<Eigen::Index>(ends[k]);
      lat += c.up_seconds(kk, a);
      load(static_cast<Eigen::Index>(K) + kk, c.up_serial(kk, a));
      if (o.return_result) {
        lat += c.down_seconds(kk, static_cast<Eigen::Index>(N));
        load(static_cast<Eigen::Index>(2 * K - 1) + kk, c.down_serial(kk, static_cast<Eigen::Index>(N)));
      }
    }
  }
  p.latency = lat;
  p.max_utilization = umax;
  p.status = ok ? solve_status::feasible : solve_status::infeasible;
  return p;
}

/// The exact minimum-latency placement meeting the throughput target (status optimal), else the
/// min–max-utilization placement (status infeasible), else ends empty and infinite latency.
/// Validates the chain first (a hand-made chain with inconsistent sizes is invalid_input).
/// O(K·N² + K²·N).
inline placement place(const chain& c, const placement_options& o = {}) {
  detail::check_options("serve::place", o);
  validate(c);
  const detail::placement_oracle oracle(c, o);
  const double B = o.throughput > 0 ? o.max_utilization / o.throughput : INFINITY;
  partition::partition_result r = partition::min_latency_bounded(oracle, B);
  if (r.status != partition::solve_status::optimal) r = partition::min_bottleneck_then_latency(oracle);
  if (r.status != partition::solve_status::optimal) {
    placement none;
    none.latency = INFINITY;
    none.max_utilization = INFINITY;
    return none;
  }
  const auto K = static_cast<std::size_t>(c.seconds.cols());
  std::vector<std::size_t> ends(K);
  std::size_t last = 0;
  for (std::size_t k = 0; k < K; ++k) {
    ends[k] = r.cuts[k + 1];
    if (r.cuts[k] < r.cuts[k + 1]) last = k;
  }
  placement p = evaluate(c, ends, last, o);
  if (p.status == solve_status::feasible) p.status = solve_status::optimal;  // the bounded DP's optimum
  return p;
}

}  // namespace idn::serve
