#pragma once
/// The load-balancing harness (docs/serve.md lb_sim.hpp, §4 "Harness"): requests from client
/// streams go through one of several independent balancer copies to heterogeneous single-server
/// FIFO replicas (one request at a time, like the MIS process lock), each a sim::station. Routing per
/// request, or per stream (a stream picks once when it opens: how a plain Kubernetes Service pins
/// a long-lived gRPC stream). Reports latency percentiles, throughput, per-replica utilization
/// and share; a replica queue beyond max_queue stops the run as unstable.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/core/solve_status.hpp"
#include "idn/serve/balancers.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/station.hpp"

namespace idn::serve {

/// empirical: mean_service[i] times a draw from service_shape (measured times divided by their
/// mean, e.g. a serve::service_distribution's samples / mean()).
enum class service_law : std::uint8_t { exponential, deterministic, lognormal, empirical };
/// How requests are routed: each on its own, or every request of a stream to one replica.
enum class routing : std::uint8_t { per_request, per_stream };
/// How requests arrive: Poisson, or a fleet of periodic sources.
enum class arrival_law : std::uint8_t { poisson, periodic_fleet };

/// A load-balancing experiment: the replicas' service times and their law, the arrivals, routing, dispatchers, network delay and run length.
struct lb_scenario {
  std::vector<double> mean_service;  ///< s per request on each replica (heterogeneous speeds)
  service_law law = service_law::exponential;
  double service_scv = 1;            ///< lognormal only
  std::vector<double> service_shape;  ///< empirical only: S/E[S] samples (finite > 0; normalised to mean 1 here)
  double arrival_rate = 0;           ///< requests/s offered in total
  arrival_law arrivals = arrival_law::poisson;
  std::uint32_t devices = 0;         ///< periodic_fleet: each device sends every devices/arrival_rate s, random phase
  std::uint32_t streams = 1;         ///< client streams (devices in blocks; Poisson requests round robin)
  routing granularity = routing::per_request;
  std::uint32_t dispatchers = 1;     ///< independent balancer copies, each with its own outstanding counts
  double network_delay = 0;          ///< s each way between balancer and replica
  std::uint64_t requests = 200'000, warmup = 20'000, seed = 1;
  std::uint32_t max_queue = 100'000;
};

/// simulate_balancer's outcome: latency mean and quantiles, throughput, per-replica utilization, share and Little's-law counters, status.
struct lb_result {
  double mean = 0, p50 = 0, p99 = 0, p999 = 0, throughput = 0;
  Eigen::VectorXd utilization, share;
  /// Per replica over the whole run (warm-up included), for Little's law L_i = X_i·W_i:
  /// time-average number in the replica's system (queue + service), completions per second,
  /// and mean time from joining the replica's queue to finishing service.
  Eigen::VectorXd in_system, replica_throughput, replica_response;
  /// feasible, or unstable when a replica queue passed lb_scenario::max_queue (the run stopped).
  solve_status status = solve_status::feasible;
  std::uint64_t events = 0;
};

namespace detail {
inline void check_lb(const char* where, const lb_scenario& s) {
  if (s.mean_service.empty()) idn::reject(where, "mean_service.size()", 0, "must be >= 1");
  for (std::size_t i = 0; i < s.mean_service.size(); ++i)
    if (!(s.mean_service[i] > 0) || !std::isfinite(s.mean_service[i])) idn::reject(where, concat("mean_service[", i, "]"), s.mean_service[i], "must be finite and > 0");
  if (!(s.arrival_rate > 0) || !std::isfinite(s.arrival_rate)) idn::reject(where, "arrival_rate", s.arrival_rate, "must be finite and > 0");
  if (s.streams == 0) idn::reject(where, "streams", 0, "must be >= 1");
  if (s.dispatchers == 0) idn::reject(where, "dispatchers", 0, "must be >= 1");
  if (s.arrivals == arrival_law::periodic_fleet && s.devices == 0) idn::reject(where, "devices", 0, "must be >= 1 for periodic_fleet");
  if (s.requests <= s.warmup) idn::reject(where, "requests", static_cast<double>(s.requests), "must be > warmup");
  if (!(s.network_delay >= 0) || !std::isfinite(s.network_delay)) idn::reject(where, "network_delay", s.network_delay, "must be finite and >= 0");
  if (s.law == service_law::lognormal && (!(s.service_scv >= 0) || !std::isfinite(s.service_scv))) idn::reject(where, "service_scv", s.service_scv, "must be finite and >= 0");
  if (s.law == service_law::empirical) {
    if (s.service_shape.empty()) idn::reject(where, "service_shape.size()", 0, "must be >= 1 for the empirical law");
    double sum = 0;
    for (std::size_t i = 0; i < s.service_shape.size(); ++i) {
      if (!(s.service_shape[i] > 0) || !std::isfinite(s.service_shape[i]))
        idn::reject(where, concat("service_shape[", i, "]"), s.service_shape[i], "must be finite and > 0");
      sum += s.service_shape[i];
    }
    if (!std::isfinite(sum)) idn::reject(where, "service_shape sum", sum, "must be finite");
  }
}

/// A policy with a fixed replica count must match n; power_of_d needs d <= n.
template <class P>
void check_policy_fits(const char* where, const P& policy, std::size_t n) {
  if constexpr (requires { policy.replica_count(); })
    if (policy.replica_count() != n)
      idn::reject(where, "policy.replica_count()", policy.replica_count(), concat("must equal the replica count ", n));
  if constexpr (requires { policy.d(); })
    if (policy.d() > n) idn::reject(where, "power_of_d d", policy.d(), concat("must be <= replicas = ", n));
}

template <class P>
class lb_runner {
public:
  lb_runner(const lb_scenario& s, const P& policy)
      : S_(s), n_(s.mean_service.size()), rng_(s.seed), svc_rng_(s.seed) {
    svc_rng_.jump();
    for (std::uint32_t d = 0; d < s.dispatchers; ++d) policies_.push_back(policy), state_.emplace_back(n_);
    double fastest = 0;
    for (double m : s.mean_service) fastest = std::max(fastest, 1 / m);
    for (auto& st : state_)
      for (std::size_t i = 0; i < n_; ++i) st[i].weight = (1 / s.mean_service[i]) / fastest;
    const sim::station_options cfg{1, 1, sim::discipline::non_preemptive, 64};
    for (std::size_t i = 0; i < n_; ++i) replicas_.emplace_back(sim_, cfg, on_start{this, i}, on_finish{this, i});
    routed_.assign(n_, 0);
    area_.assign(n_, 0), changed_.assign(n_, 0), sojourn_.assign(n_, 0), in_system_.assign(n_, 0), completed_.assign(n_, 0);
    pinned_.assign(s.streams, npos);
    latencies_.reserve(static_cast<std::size_t>(s.requests - s.warmup));
    if (s.law == service_law::empirical) {  // normalised to mean 1, so mean_service stays the mean
      double sum = 0;
      for (const double x : s.service_shape) sum += x;
      for (const double x : s.service_shape) shape_.push_back(x * static_cast<double>(s.service_shape.size()) / sum);
    }
  }

  lb_result run() {
    if (S_.arrivals == arrival_law::poisson) {
      sim_.schedule_at(exp_gap(), [this] { poisson_arrival(); });
    } else {
      const double period = static_cast<double>(S_.devices) / S_.arrival_rate;
      for (std::uint32_t d = 0; d < S_.devices; ++d) {
        const std::uint32_t stream = static_cast<std::uint32_t>(static_cast<std::uint64_t>(d) * S_.streams / S_.devices);
        sim_.schedule_at(period * uniform01(rng_), [this, stream, period] { fleet_arrival(stream, period); });
      }
    }
    sim_.run();
    return report();
  }

private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  /// A request in flight between balancer and replica (fits an event's 48-byte capture with the
  /// runner and the replica); at a replica it is a sim::job (created = issued, tag = dispatcher).
  struct request {
    std::uint64_t id;
    double issued;
    std::uint32_t dispatcher;
  };
  struct on_start {
    lb_runner* r;
    std::size_t i;
    double operator()(const sim::job&) const { return r->service_starts(i); }
  };
  struct on_finish {
    lb_runner* r;
    std::size_t i;
    void operator()(const sim::job& j, double response) const { r->service_ends(i, j, response); }
  };
  using replica = sim::station<on_start, on_finish>;

  double exp_gap() noexcept { return standard_exponential(rng_) / S_.arrival_rate; }
  void poisson_arrival() {
    if (issued_ >= S_.requests || unstable_) return;
    const auto stream = static_cast<std::uint32_t>(issued_ % S_.streams);
    issue(stream);
    sim_.schedule_in(exp_gap(), [this] { poisson_arrival(); });
  }
  void fleet_arrival(std::uint32_t stream, double period) {
    if (issued_ >= S_.requests || unstable_) return;
    issue(stream);
    sim_.schedule_in(period, [this, stream, period] { fleet_arrival(stream, period); });
  }
  void issue(std::uint32_t stream) {
    const std::uint64_t id = issued_++;
    const std::uint32_t d = stream % S_.dispatchers;
    std::size_t i;
    if (S_.granularity == routing::per_stream) {
      if (pinned_[stream] == npos) pinned_[stream] = policies_[d].pick(std::span<const replica_state>(state_[d]), rng_);
      i = pinned_[stream];
    } else {
      i = policies_[d].pick(std::span<const replica_state>(state_[d]), rng_);
    }
    ++state_[d][i].outstanding;
    if (id >= S_.warmup) ++routed_[i];
    const request r{id, sim_.now(), d};
    sim_.schedule_in(S_.network_delay, [this, r, i] { enqueue(i, r); });
  }
  void count_in_system(std::size_t i, int delta) noexcept {
    area_[i] += static_cast<double>(in_system_[i]) * (sim_.now() - changed_[i]);
    changed_[i] = sim_.now();
    in_system_[i] = static_cast<std::uint32_t>(static_cast<std::int64_t>(in_system_[i]) + delta);
    for (auto& st : state_) st[i].in_system = in_system_[i];
  }
  void enqueue(std::size_t i, const request& r) {
    count_in_system(i, +1);
    replicas_[i].arrive(sim::job{r.id, 0, r.issued, 0, r.dispatcher});
    if (replicas_[i].queued(0) > S_.max_queue) unstable_ = true, sim_.stop();
  }
  double service(std::size_t i) noexcept {
    const double m = S_.mean_service[i];
    switch (S_.law) {
      case service_law::deterministic: return m;
      case service_law::exponential: return m * standard_exponential(svc_rng_);
      case service_law::empirical: return m * shape_[uniform_index(shape_.size(), svc_rng_)];
      case service_law::lognormal: return lognormal(svc_rng_, m, S_.service_scv);
    }
    return m;
  }
  /// A service starts at replica i: draw its time.
  double service_starts(std::size_t i) noexcept { return service(i); }
  void service_ends(std::size_t i, const sim::job& j, double response) {
    count_in_system(i, -1);
    ++completed_[i], sojourn_[i] += response;
    const request r{j.id, j.created, static_cast<std::uint32_t>(j.tag)};
    sim_.schedule_in(S_.network_delay, [this, i, r] { respond(i, r); });
  }
  void respond(std::size_t i, const request& r) {
    --state_[r.dispatcher][i].outstanding;
    policies_[r.dispatcher].on_complete(i);
    if (r.id >= S_.warmup) {
      latencies_.push_back(sim_.now() - r.issued);
      if (first_ < 0) first_ = r.issued;
      last_ = sim_.now();
    }
  }
  lb_result report() {
    lb_result rep;
    rep.events = sim_.processed();
    rep.status = unstable_ ? solve_status::unstable : solve_status::feasible;
    rep.utilization = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n_));
    rep.share = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n_));
    rep.in_system = rep.replica_throughput = rep.replica_response = rep.share;
    const double span = sim_.now();
    double routed = 0;
    for (std::size_t i = 0; i < n_; ++i) routed += static_cast<double>(routed_[i]);
    for (std::size_t i = 0; i < n_; ++i) {
      rep.utilization[static_cast<Eigen::Index>(i)] = span > 0 ? replicas_[i].utilization() : 0;  // busy time / span
      rep.share[static_cast<Eigen::Index>(i)] = routed > 0 ? static_cast<double>(routed_[i]) / routed : 0;
      count_in_system(i, 0);
      const auto k = static_cast<double>(completed_[i]);
      rep.in_system[static_cast<Eigen::Index>(i)] = span > 0 ? area_[i] / span : 0;
      rep.replica_throughput[static_cast<Eigen::Index>(i)] = span > 0 ? k / span : 0;
      rep.replica_response[static_cast<Eigen::Index>(i)] = k > 0 ? sojourn_[i] / k : 0;
    }
    if (!latencies_.empty()) {
      // Nearest-rank quantiles by selection, largest first, each on the prefix left of the last:
      // O(n) instead of a sort (which was a sixth of the whole simulation).
      std::vector<double>& x = latencies_;  // report() runs once, at the end
      double sum = 0;
      for (double v : x) sum += v;
      const auto rank = [&](double p) { return static_cast<std::size_t>(std::max(1.0, std::ceil(p * static_cast<double>(x.size())))) - 1; };
      const std::size_t r999 = rank(0.999), r99 = rank(0.99), r50 = rank(0.5);
      std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(r999), x.end());
      std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(r99), x.begin() + static_cast<std::ptrdiff_t>(r999));
      std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(r50), x.begin() + static_cast<std::ptrdiff_t>(r99));
      rep.mean = sum / static_cast<double>(x.size()), rep.p50 = x[r50], rep.p99 = x[r99], rep.p999 = x[r999];
      rep.throughput = last_ > first_ ? static_cast<double>(x.size()) / (last_ - first_) : 0;
    }
    return rep;
  }

  const lb_scenario& S_;
  std::size_t n_;
  sim::simulator sim_{4096};
  idn::rng rng_, svc_rng_;
  std::vector<P> policies_;
  std::vector<std::vector<replica_state>> state_;
  std::deque<replica> replicas_;  // stations are not movable: a deque keeps them in place
  std::vector<double> latencies_, area_, changed_, sojourn_, shape_;
  std::vector<std::uint64_t> routed_, completed_;
  std::vector<std::uint32_t> in_system_;
  std::vector<std::size_t> pinned_;
  std::uint64_t issued_ = 0;
  double first_ = -1, last_ = 0;
  bool unstable_ = false;
};
}  // namespace detail

/// Simulates one policy (copied per dispatcher) on the scenario. A policy exposing
/// replica_count() must match the replica count.
template <load_balancer P>
lb_result simulate_balancer(const lb_scenario& s, const P& policy) {
  detail::check_lb("serve::simulate_balancer", s);
  detail::check_policy_fits("serve::simulate_balancer", policy, s.mean_service.size());
  detail::lb_runner<P> r(s, policy);
  return r.run();
}

/// simulate_balancer at each load ρ = λ/Σμ.
template <load_balancer P>
std::vector<std::pair<double, lb_result>> load_curve(lb_scenario s, std::span<const double> loads, const P& policy) {
  double total_mu = 0;
  for (double m : s.mean_service) total_mu += 1 / m;
  std::vector<std::pair<double, lb_result>> out;
  for (const double rho : loads) {
    s.arrival_rate = rho * total_mu;
    out.emplace_back(rho, simulate_balancer(s, policy));
  }
  return out;
}

}  // namespace idn::serve
