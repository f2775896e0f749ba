#pragma once
/// The chain-partitioning model (docs/partition.md): a DNN as an ordered chain of layers
/// split into contiguous stages over K ordered workers, with per-stage compute, activation
/// transfer over access links, and memory. `chain_oracle` is what the solvers need;
/// `chain_problem` is the validated, immutable oracle built from cost models, answering
/// period/delay/hop queries in O(1) (prefix sums and a sparse table). `evaluate` computes every
/// objective of one cut vector.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/core/solve_status.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::partition {

/// The data source and result sink, as an argument of hop() (never a worker position).
inline constexpr std::size_t endpoint = static_cast<std::size_t>(-1);
inline constexpr double inf = std::numeric_limits<double>::infinity();

/// serialized: one runtime thread (period = recv + compute + send); overlapped: radios and
/// compute pipeline independently (period = max of the three).
enum class comm_mode { serialized, overlapped };


/// Per-layer FLOP and parameter bytes (L entries) and the bytes at every cut (L + 1 entries:
/// [0] the input, [l + 1] the output of layer l; may be non-monotone).
struct chain_profile {
  Eigen::VectorXd flop, param_bytes, act_bytes;
};

/// The chain_profile of a dnn::layer_chain. O(L).
template <dnn::layer_chain Net>
chain_profile make_profile(const Net& net) {
  const auto L = static_cast<Eigen::Index>(net.num_layers());
  chain_profile p{Eigen::VectorXd(L), Eigen::VectorXd(L), Eigen::VectorXd(L + 1)};
  p.act_bytes[0] = net.input_bytes();
  for (Eigen::Index l = 0; l < L; ++l) {
    const dnn::layer& x = net.layer(static_cast<std::size_t>(l));
    p.flop[l] = x.flop, p.param_bytes[l] = x.param_bytes, p.act_bytes[l + 1] = x.output_bytes;
  }
  return p;
}

/// L×K matrix T(l, k) = workers[k].latency(net.layer(l)), each value checked (clause C1). O(LK).
template <dnn::layer_chain Net, hw::compute_device D>
Eigen::MatrixXd time_matrix(const Net& net, std::span<const D> workers) {
  const auto L = static_cast<Eigen::Index>(net.num_layers()), K = static_cast<Eigen::Index>(workers.size());
  Eigen::MatrixXd T(L, K);
  for (Eigen::Index k = 0; k < K; ++k)
    for (Eigen::Index l = 0; l < L; ++l) T(l, k) = hw::checked_latency(workers[static_cast<std::size_t>(k)], net.layer(static_cast<std::size_t>(l)));
  return T;
}

/// input_local: worker 0 owns the input (no entry transfer to it); return_output: the result
/// returns to the sink (worker 0 under input_local, else the endpoint).
struct chain_options {
  comm_mode mode = comm_mode::serialized;
  bool input_local = false, return_output = true;
};

/// A chain-partitioning problem as the solvers see it: K workers in a fixed order, L layers, and
/// what each stage, hop and the endpoint cost (docs/partition.md, "Your own cost model", clauses
/// O1-O6). chain_problem and pure_sum_oracle model it; tests/static/partition_archetypes.cpp holds
/// a minimal model.
/// (O1) num_layers() = L ≥ 1 and num_workers() = K ≥ 1, constant (the solvers reject others).
/// (O2) period(k, i, j), 0 ≤ k < K, 0 ≤ i ≤ j ≤ L: seconds between requests that worker k
///      needs to run layers [i, j) (its share of the bottleneck); i == j is the cost of skipping
///      k (usually 0). +inf marks a stage that does not fit or is forbidden. Never NaN, ≥ 0.
/// (O3) delay(k, i, j): seconds one request spends in that stage (X_k(i, j)); 0 for i == j.
///      Finite and ≥ 0 wherever period(k, i, j) is finite.
/// (O4) hop(p, q, c): seconds to move the tensor at cut c (0 ≤ c ≤ L) from worker p to a later
///      worker q; either may be `endpoint` (the requester); 0 when p == q. Never NaN, ≥ 0.
/// (O5) fixed_period(): π_e, the endpoint's own period (its uplink and downlink); ≥ 0.
/// (O6) Every query is noexcept, a pure function of its arguments and O(1) expected: the DPs
///      make O(K·L²) of them. An optional options() returning chain_options decides who is
///      source and sink (default: the endpoint, and the output returns to it).
template <class O>
concept chain_oracle = requires(const O& o, std::size_t k, std::size_t i, std::size_t j) {
  { o.num_layers() } noexcept -> std::same_as<std::size_t>;     // O1
  { o.num_workers() } noexcept -> std::same_as<std::size_t>;    // O1
  { o.period(k, i, j) } noexcept -> std::same_as<double>;  // O2
  { o.delay(k, i, j) } noexcept -> std::same_as<double>;   // O3
  { o.hop(k, k, i) } noexcept -> std::same_as<double>;     // O4
  { o.fixed_period() } noexcept -> std::same_as<double>;   // O5
};

/// The validated, immutable chain problem of §2. Built by make_chain_problem. Queries are O(1):
/// compute by prefix sums, the activation term of memory by a sparse table, transfers tabulated.
class chain_problem {
public:
  /// Number of layers L.
  std::size_t num_layers() const noexcept { return L_; }
  /// Number of workers K.
  std::size_t num_workers() const noexcept { return K_; }
  /// The options the problem was built with.
  const chain_options& options() const noexcept { return opt_; }
  /// The chain profile (per-layer FLOPs and parameter bytes, activation bytes at each cut).
  const chain_profile& profile() const noexcept { return prof_; }
  /// T(l, k): seconds of layer l on worker k.
  const Eigen::MatrixXd& time() const noexcept { return T_; }
  /// M(k): memory capacity of worker k in bytes.
  const Eigen::VectorXd& memory_capacity() const noexcept { return M_; }

  /// X_k(i, j) = Σ_{l∈[i,j)} T(l, k) (prefix sums; 0 for i == j).
  double delay(std::size_t k, std::size_t i, std::size_t j) const noexcept { return i == j ? 0.0 : P_(j, k) - P_(i, k); }
  /// m_k(i, j) = Σ w + max_{i≤l<j}(a_l + a_{l+1}); 0 for an empty stage.
  double memory(std::size_t, std::size_t i, std::size_t j) const noexcept {
    if (i >= j) return 0.0;
    return (W_[j] - W_[i]) + range_max(i, j);
  }
  /// r_k(i): 0 if i = 0, k = 0 under input_local; else d_k(a_i).
  double recv(std::size_t k, std::size_t i) const noexcept { return (i == 0 && k == 0 && opt_.input_local) ? 0.0 : D_(k, i); }
  /// s_k(j): 0 if j = L without return_output, and (an idn correction of the spec's formula) 0
  /// if j = L on worker 0 under input_local, which is the sink itself; else u_k(a_j).
  double send(std::size_t k, std::size_t j) const noexcept {
    return (j == L_ && (!opt_.return_output || (opt_.input_local && k == 0))) ? 0.0 : U_(k, j);
  }
  /// π_k(i, j) (§2): +inf if the stage does not fit; empty stages cost 0 except worker 0 under
  /// input_local. idn correction of the spec: under input_local the sink is worker 0 itself, so
  /// its receipt of the result d_0(a_L) belongs to worker 0's radio (added to its period when
  /// another worker runs the last stage, i.e. j < L) instead of an unconditional π_e term; a
  /// plan that stays on worker 0 then pays no transfer at all.
  double period(std::size_t k, std::size_t i, std::size_t j) const noexcept {
    const double back = (k == 0 && opt_.input_local && opt_.return_output && j < L_) ? D_(0, L_) : 0.0;
    if (i == j) {
      if (!(k == 0 && i == 0 && opt_.input_local)) return 0.0;
      return opt_.mode == comm_mode::serialized ? U_(0, 0) + back : std::max(U_(0, 0), back);
    }
    if (memory(k, i, j) > M_[k]) return inf;
    const double r = recv(k, i) + back, x = delay(k, i, j), s = send(k, j);
    return opt_.mode == comm_mode::serialized ? r + x + s : std::max({r, x, s});
  }
  /// h(p→q, c) = max(u_p(a_c), d_q(a_c)); 0 when p == q.
  double hop(std::size_t p, std::size_t q, std::size_t c) const noexcept {
    if (p == q) return 0.0;
    const double up = p == endpoint ? E_[c] : U_(p, c), down = q == endpoint ? E_[c] : D_(q, c);
    return std::max(up, down);
  }
  /// π_e = max(u_e(a_0), return_output ? d_e(a_L) : 0) for an endpoint source/sink; 0 under
  /// input_local (worker 0's period carries its radio, see period()).
  double fixed_period() const noexcept {
    if (opt_.input_local) return 0.0;
    return std::max(E_[0], opt_.return_output ? E_[L_] : 0.0);
  }
  /// Uplink transfer time of worker k for cut c's activation.
  double up(std::size_t k, std::size_t c) const noexcept { return U_(k, c); }
  /// Downlink transfer time of worker k for cut c's activation.
  double down(std::size_t k, std::size_t c) const noexcept { return D_(k, c); }

  /// The same problem with workers reordered: new worker k is old worker order[k]. O(K·L).
  chain_problem permuted(std::span<const std::size_t> order) const {
    if (order.size() != K_)
      idn::reject("partition::permuted", "order.size()", static_cast<double>(order.size()), "must equal num_workers");
    std::vector<char> seen(static_cast<std::size_t>(K_), 0);
    for (std::size_t k = 0; k < order.size(); ++k) {
      if (order[k] >= K_ || seen[static_cast<std::size_t>(order[k])])
        idn::reject("partition::permuted", concat("order[", k, "]"), static_cast<double>(order[k]), "must be a permutation of 0..K-1");
      seen[static_cast<std::size_t>(order[k])] = 1;
    }
    chain_problem c = *this;
    for (std::size_t k = 0; k < K_; ++k) {
      const std::size_t o = order[k];
      c.T_.col(k) = T_.col(o), c.P_.col(k) = P_.col(o), c.M_[k] = M_[o], c.U_.row(k) = U_.row(o), c.D_.row(k) = D_.row(o);
    }
    return c;
  }

  /// Use make_chain_problem, which validates every entry; this constructor validates the
  /// aggregates (docs/reliability.md): per-worker time sums, the parameter-byte sum plus the
  /// activation peak, and a bound on every period and every latency must be finite, so that no
  /// query returns inf − inf or NaN. Throws invalid_input naming the entry where a sum overflows.
  chain_problem(chain_profile p, Eigen::MatrixXd time, Eigen::VectorXd memory, Eigen::MatrixXd up, Eigen::MatrixXd down,
                Eigen::VectorXd endpoint_times, chain_options o)
      : prof_(std::move(p)), T_(std::move(time)), M_(std::move(memory)), U_(std::move(up)), D_(std::move(down)),
        E_(std::move(endpoint_times)), opt_(o), L_(T_.rows()), K_(T_.cols()) {
    P_.resize(L_ + 1, K_);
    for (std::size_t k = 0; k < K_; ++k) {
      P_(0, k) = 0;
      for (std::size_t l = 0; l < L_; ++l) {
        P_(l + 1, k) = P_(l, k) + T_(l, k);
        if (!std::isfinite(P_(l + 1, k)))
          idn::reject("partition::chain_problem", concat("time(", l, ",", k, ")"), T_(l, k), concat("the sum of time(., ", k, ") overflows"));
      }
    }
    W_.resize(L_ + 1);
    W_[0] = 0;
    for (std::size_t l = 0; l < L_; ++l) {
      W_[l + 1] = W_[l] + prof_.param_bytes[l];
      if (!std::isfinite(W_[l + 1])) idn::reject("partition::chain_problem", concat("param_bytes[", l, "]"), prof_.param_bytes[l], "the sum of param_bytes overflows");
    }
    check_aggregates();
    // Sparse table of v_l = a_l + a_{l+1}, l ∈ [0, L).
    levels_ = 1;
    while ((std::size_t{1} << levels_) <= L_) ++levels_;
    table_.assign(levels_ * L_, 0.0);
    for (std::size_t l = 0; l < L_; ++l) table_[l] = prof_.act_bytes[l] + prof_.act_bytes[l + 1];
    for (std::size_t e = 1; e < levels_; ++e)
      for (std::size_t l = 0; l + (std::size_t{1} << e) <= L_; ++l)
        table_[e * L_ + l] = std::max(table_[(e - 1) * L_ + l], table_[(e - 1) * L_ + l + (std::size_t{1} << (e - 1))]);
  }

private:
  /// Every period is at most recv + back + Σ time + send, and every latency at most the largest
  /// compute sum over order-preserving layer assignments (an O(L·K) max-plus DP) plus K + 1 hops of
  /// the largest transfer: both bounds must be finite.
  void check_aggregates() const {
    const double back = K_ > 0 ? D_(0, L_) : 0.0, emax = E_.size() > 0 ? E_.maxCoeff() : 0.0;
    double hop_max = emax;
    for (std::size_t k = 0; k < K_; ++k) {
      const double umax = U_.row(k).maxCoeff(), dmax = D_.row(k).maxCoeff();
      const double period_bound = dmax + back + P_(L_, k) + umax;
      if (!std::isfinite(period_bound))
        idn::reject("partition::chain_problem", concat("worker ", k, ": recv + compute + send bound"), period_bound, "must be finite (the transfer and time sums overflow)");
      hop_max = std::max({hop_max, umax, dmax});
    }
    // best[k]: the largest Σ T over layers 0..l assigned to non-decreasing workers ending at k.
    std::vector<double> best(static_cast<std::size_t>(K_), 0.0);
    for (std::size_t l = 0; l < L_; ++l) {
      double prefix = 0;
      for (std::size_t k = 0; k < K_; ++k) {
        prefix = std::max(prefix, best[k]);
        best[k] = prefix + T_(l, k);
      }
    }
    const double compute_max = K_ > 0 ? *std::max_element(best.begin(), best.end()) : 0.0;
    const double latency_bound = compute_max + static_cast<double>(K_ + 1) * hop_max;
    if (!std::isfinite(latency_bound))
      idn::reject("partition::chain_problem", "latency bound (largest compute sum + (K+1) largest hops)", latency_bound,
                   "must be finite (the sum of times and transfers overflows)");
    if (L_ > 0) {
      const double act_peak = 2 * prof_.act_bytes.maxCoeff();
      if (!std::isfinite(W_[L_] + act_peak))
        idn::reject("partition::chain_problem", "sum of param_bytes + 2 max act_bytes", W_[L_] + act_peak, "must be finite");
    }
  }

  double range_max(std::size_t i, std::size_t j) const noexcept {  // max v_l over [i, j), i < j
    std::size_t e = 0;
    while ((std::size_t{2} << e) <= j - i) ++e;
    return std::max(table_[e * L_ + i], table_[e * L_ + j - (std::size_t{1} << e)]);
  }

  chain_profile prof_;
  Eigen::MatrixXd T_, P_;                 // L×K times, (L+1)×K prefix sums
  Eigen::VectorXd M_;                     // K capacities
  Eigen::MatrixXd U_, D_;                 // K×(L+1) up/down transfer times per cut
  Eigen::VectorXd E_, W_;                 // endpoint transfer per cut; parameter-byte prefix sums
  std::vector<double> table_;             // sparse table, levels_ × L
  chain_options opt_;
  std::size_t L_ = 0, K_ = 0, levels_ = 0;
};
static_assert(chain_oracle<chain_problem>);

/// Checks a chain profile: at least one layer, flop and param_bytes with L entries, act_bytes
/// with L + 1, every entry finite and >= 0. `name` prefixes the fields in messages ("idn::<where>:
/// <name>.flop[3] = -1: must be finite and >= 0"), e.g. "models[2].profile". Throws
/// invalid_input. O(L), no allocation unless it throws.
inline void validate_profile(const chain_profile& p, std::string_view name = "profile", std::string_view where = "partition::validate_profile") {
  const std::size_t L = p.flop.size();
  if (L == 0) reject(where, concat(name, ".flop.size()"), 0, "must be >= 1 (one entry per layer)");
  if (static_cast<std::size_t>(p.param_bytes.size()) != L) reject(where, concat(name, ".param_bytes.size()"), p.param_bytes.size(), concat("must equal flop.size() = ", L));
  if (static_cast<std::size_t>(p.act_bytes.size()) != L + 1) reject(where, concat(name, ".act_bytes.size()"), p.act_bytes.size(), concat("must be flop.size() + 1 = ", L + 1));
  for (std::size_t l = 0; l < L; ++l) {
    check::finite_nonnegative_at(where, p.flop[l], name, ".flop[", l, "]");
    check::finite_nonnegative_at(where, p.param_bytes[l], name, ".param_bytes[", l, "]");
  }
  for (std::size_t c = 0; c <= L; ++c) check::finite_nonnegative_at(where, p.act_bytes[c], name, ".act_bytes[", c, "]");
}

namespace detail {
inline void check_profile(const chain_profile& p, std::size_t L) {
  if (static_cast<std::size_t>(p.flop.size()) != L) idn::reject("partition::make_chain_problem", "flop.size()", static_cast<double>(p.flop.size()), concat("must be num_layers = ", L));
  validate_profile(p, "profile", "partition::make_chain_problem");
}
/// link.transfer_time(bytes), checked; `who`[k] names the link (k == endpoint: no index) only on failure.
template <hw::link_model Lk>
double transfer(const Lk& link, double bytes, const char* who, std::size_t k, std::size_t c) {
  const double t = link.transfer_time(bytes);
  if (!std::isfinite(t) || t < 0)
    idn::reject("partition::make_chain_problem", k == endpoint ? concat(who, ".transfer_time(act_bytes[", c, "] = ", bytes, ")") : concat(who, "[", k, "].transfer_time(act_bytes[", c, "] = ", bytes, ")"),
         t, "must be finite and >= 0");
  return t;
}
}  // namespace detail

/// Builds and validates a chain problem: profile sizes and values, an L×K finite ≥ 0 time
/// matrix, K memory capacities (≥ 0, +inf allowed), K up- and downlinks and the endpoint's link,
/// whose transfer times are tabulated at every cut and checked. O(K·L) link calls.
/// uplink and downlink: any contiguous ranges of link models (std::vector, std::array, std::span).
template <std::ranges::contiguous_range Up, std::ranges::contiguous_range Down, hw::link_model E>
  requires hw::link_model<std::ranges::range_value_t<Up>> && hw::link_model<std::ranges::range_value_t<Down>>
chain_problem make_chain_problem(chain_profile p, Eigen::MatrixXd time, Eigen::VectorXd memory_bytes, const Up& up_links,
                                 const Down& down_links, const E& endpoint_link, chain_options o = {}) {
  const std::span<const std::ranges::range_value_t<Up>> uplink(std::ranges::data(up_links), std::ranges::size(up_links));
  const std::span<const std::ranges::range_value_t<Down>> downlink(std::ranges::data(down_links), std::ranges::size(down_links));
  const std::size_t L = time.rows(), K = time.cols();
  if (K == 0) idn::reject("partition::make_chain_problem", "num_workers", 0, "must be >= 1");
  detail::check_profile(p, L);
  for (std::size_t k = 0; k < K; ++k)
    for (std::size_t l = 0; l < L; ++l) check::finite_nonnegative_at("partition::make_chain_problem", time(l, k), "time(", l, ",", k, ")");
  if (static_cast<std::size_t>(memory_bytes.size()) != K) idn::reject("partition::make_chain_problem", "memory_bytes.size()", static_cast<double>(memory_bytes.size()), "must be num_workers");
  for (std::size_t k = 0; k < K; ++k)
    if (std::isnan(memory_bytes[k]) || memory_bytes[k] < 0) idn::reject("partition::make_chain_problem", concat("memory_bytes[", k, "]"), memory_bytes[k], "must be >= 0 (may be +inf)");
  if (static_cast<std::size_t>(uplink.size()) != K) idn::reject("partition::make_chain_problem", "uplink.size()", static_cast<double>(uplink.size()), "must be num_workers");
  if (static_cast<std::size_t>(downlink.size()) != K) idn::reject("partition::make_chain_problem", "downlink.size()", static_cast<double>(downlink.size()), "must be num_workers");
  Eigen::MatrixXd up(K, L + 1), down(K, L + 1);
  Eigen::VectorXd e(L + 1);
  for (std::size_t c = 0; c <= L; ++c) {
    const double a = p.act_bytes[c];
    for (std::size_t k = 0; k < K; ++k) {
      up(k, c) = detail::transfer(uplink[k], a, "uplink", k, c);
      down(k, c) = detail::transfer(downlink[k], a, "downlink", k, c);
    }
    e[c] = detail::transfer(endpoint_link, a, "endpoint_link", endpoint, c);
  }
  return chain_problem(std::move(p), std::move(time), std::move(memory_bytes), std::move(up), std::move(down), std::move(e), o);
}

/// From cost models: T(l,k) = devices[k].latency, M_k = devices[k].memory_bytes(), u_k = d_k = links[k].
/// devices and links: any contiguous ranges (std::vector, std::array, std::span, C arrays).
template <dnn::layer_chain Net, std::ranges::contiguous_range Devices, std::ranges::contiguous_range Links, hw::link_model E>
  requires hw::compute_device<std::ranges::range_value_t<Devices>> && hw::link_model<std::ranges::range_value_t<Links>>
chain_problem make_chain_problem(const Net& net, const Devices& devices, const Links& links, const E& endpoint_link,
                                 chain_options o = {}) {
  const std::span<const std::ranges::range_value_t<Devices>> dev(std::ranges::data(devices), std::ranges::size(devices));
  Eigen::VectorXd mem(static_cast<Eigen::Index>(dev.size()));
  for (std::size_t k = 0; k < dev.size(); ++k) mem[static_cast<Eigen::Index>(k)] = hw::checked_memory_bytes(dev[k]);
  return make_chain_problem(make_profile(net), time_matrix(net, dev), std::move(mem), links, links, endpoint_link, o);
}

/// The solvers report `optimal` or `infeasible` (core/solve_status.hpp).
using idn::solve_status;

/// One stage: worker, layers [first, last) (first == last: skipped), replicas, and its terms
/// (recv/send/memory are 0 for oracles other than chain_problem).
struct stage_info {
  std::size_t worker, first, last;
  int replicas = 1;
  double compute_s = 0, recv_s = 0, send_s = 0, period_s = 0, memory_bytes = 0;
};

/// A plan: K + 1 cuts (empty if infeasible), one stage per worker, and the objectives
/// (+inf, +inf, 0 if infeasible).
struct partition_result {
  solve_status status = solve_status::infeasible;
  std::vector<std::size_t> cuts;
  std::vector<stage_info> stages;
  double bottleneck_s = inf, latency_s = inf, throughput_per_s = 0;
};

namespace detail {
template <chain_oracle O>
void check_cuts(const char* where, const O& o, std::span<const std::size_t> cuts) {
  const std::size_t K = o.num_workers(), L = o.num_layers();
  if (cuts.size() != K + 1) idn::reject(where, "cuts.size()", static_cast<double>(cuts.size()), concat("must be num_workers+1 = ", K + 1));
  if (cuts.front() != 0) idn::reject(where, "cuts[0]", static_cast<double>(cuts.front()), "must be 0");
  if (cuts.back() != L) idn::reject(where, concat("cuts[", K, "]"), static_cast<double>(cuts.back()), concat("must be num_layers = ", L));
  for (std::size_t k = 1; k <= K; ++k)
    if (cuts[k] < cuts[k - 1])
      idn::reject(where, concat("cuts[", k, "]"), static_cast<double>(cuts[k]), "must be >= the previous cut");
}

/// Λ(b): compute of non-empty stages plus the entry, inter-stage and return hops.
template <chain_oracle O>
double latency_of(const O& o, std::span<const std::size_t> cuts, bool input_local, bool return_output) noexcept {
  const std::size_t K = o.num_workers(), L = o.num_layers();
  std::size_t at = input_local ? 0 : endpoint;  // where cut `c` currently lives
  double lat = 0;
  for (std::size_t k = 0; k < K; ++k) {
    const std::size_t i = cuts[k], j = cuts[k + 1];
    if (i == j) continue;
    lat += o.hop(at, k, i) + o.delay(k, i, j);
    at = k;
  }
  if (return_output) lat += o.hop(at, input_local ? 0 : endpoint, L);
  return lat;
}
/// The oracle's options() if it has one (chain_problem does), else the defaults (the endpoint
/// is source and sink, and the output returns).
template <class O>
chain_options options_of(const O& o) noexcept {
  if constexpr (requires { { o.options() } -> std::convertible_to<chain_options>; }) return o.options();
  else return chain_options{};
}
}  // namespace detail

/// Every objective of one cut vector (validated: K + 1 entries, 0 … L, non-decreasing). The
/// latency hops follow the oracle's options() if it has them (else the endpoint is source and
/// sink, and the output returns). O(K).
template <chain_oracle O>
partition_result evaluate(const O& o, std::span<const std::size_t> cuts) {
  detail::check_cuts("partition::evaluate", o, cuts);
  const std::size_t K = o.num_workers();
  partition_result r;
  r.cuts.assign(cuts.begin(), cuts.end());
  double P = o.fixed_period();
  if (std::isnan(P)) idn::reject("partition::evaluate", "oracle fixed_period()", P, "must not be NaN (chain_oracle contract)");
  for (std::size_t k = 0; k < K; ++k) {
    const std::size_t i = cuts[k], j = cuts[k + 1];
    stage_info s{k, i, j};
    s.period_s = o.period(k, i, j);
    s.compute_s = o.delay(k, i, j);
    if (std::isnan(s.period_s) || std::isnan(s.compute_s))
      idn::reject("partition::evaluate", concat("oracle period/delay(", k, ", ", i, ", ", j, ")"), std::isnan(s.period_s) ? s.period_s : s.compute_s,
                   "must not be NaN (chain_oracle contract)");
    if constexpr (std::is_same_v<O, chain_problem>) {
      s.memory_bytes = o.memory(k, i, j);
      if (i < j) s.recv_s = o.recv(k, i), s.send_s = o.send(k, j);
    }
    P = std::max(P, s.period_s);
    r.stages.push_back(s);
  }
  if (!(P < inf)) {
    r.cuts.clear();
    return r;  // infeasible: +inf, +inf, 0 and the stages that show why
  }
  const chain_options opt = detail::options_of(o);
  r.status = solve_status::optimal;
  r.bottleneck_s = P;
  r.throughput_per_s = P > 0 ? 1.0 / P : inf;
  r.latency_s = detail::latency_of(o, cuts, opt.input_local, opt.return_output);
  if (!std::isfinite(r.latency_s))  // a finite bottleneck with an unbounded latency: the oracle broke its contract
    idn::reject("partition::evaluate", "latency of the cuts", r.latency_s, "must be finite when every period is (chain_oracle contract)");
  return r;
}

}  // namespace idn::partition
