#pragma once
/// Bursty scan workloads (docs/serve.md "simulate_scans", §9 R4): the ASSIST-IoT car-scratch
/// detection use case. Every client starts a scan each `period` s (clients staggered by
/// period/clients); a scan of U{min..max} images is sent at once as ⌈n/B⌉ batch requests on the
/// client's stream. Requests cross one FIFO link transmitter (a sim::link_station: serialization
/// x(S) − x(0) occupies it, the latency x(0) follows), then a load balancer routes each to a
/// single-server FIFO replica (a sim::station) whose service time is batch_latency(size).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/any.hpp"
#include "idn/serve/balancers.hpp"
#include "idn/serve/batching.hpp"
#include "idn/serve/lb_sim.hpp"
#include "idn/sim/link_station.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/station.hpp"

namespace idn::serve {

/// The scan workload; defaults are the CarDD-style scratch detection of spec §8.
struct scan_workload {
  std::uint32_t min_images = 50, max_images = 300;
  double period = 180;                ///< s between a client's scans
  std::uint32_t batch = 1;            ///< images per request (the last request of a scan may be smaller)
  std::uint32_t clients = 1, scans = 15;  ///< scans per client
  double image_bytes = 3'240'000;     ///< 1200×900×3 uint8
};

/// Image latency runs from the scan's start to the completion of the image's request (every image
/// of a scan is sent at the scan's start). The makespan runs from a scan's start to its last
/// completion; kept_up: every makespan ≤ period (each scan ends before that client's next one).
/// utilization: mean busy fraction of the replicas over the run.
struct scan_result {
  double mean_image_latency = 0, p99_image_latency = 0, mean_makespan = 0, max_makespan = 0, utilization = 0;
  bool kept_up = false;
  std::uint64_t images = 0, requests = 0, events = 0;
};

namespace detail {
inline void check_scans(const char* where, const scan_workload& w, std::uint32_t replicas) {
  if (w.min_images == 0) idn::reject(where, "min_images", 0, "must be >= 1");
  if (w.max_images < w.min_images) idn::reject(where, "max_images", w.max_images, concat("must be >= min_images = ", w.min_images));
  if (!(w.period > 0) || !std::isfinite(w.period)) idn::reject(where, "period", w.period, "must be finite and > 0");
  if (w.batch == 0) idn::reject(where, "batch", 0, "must be >= 1");
  if (w.clients == 0) idn::reject(where, "clients", 0, "must be >= 1");
  if (w.scans == 0) idn::reject(where, "scans", 0, "must be >= 1");
  if (!(w.image_bytes >= 0) || !std::isfinite(w.image_bytes)) idn::reject(where, "image_bytes", w.image_bytes, "must be finite and >= 0");
  if (replicas == 0) idn::reject(where, "replicas", 0, "must be >= 1");
}

template <class P>
class scan_runner {
public:
  scan_runner(const scan_workload& w, std::uint32_t replicas, std::vector<double> batch_seconds, const P& policy, const hw::any_link& link,
              std::uint64_t seed)
      : W_(w), n_(replicas), batch_seconds_(std::move(batch_seconds)), policy_(policy), rng_(seed), state_(replicas),
        uplink_(sim_, link, sim::link_sharing::fifo, delivered{this}) {
    for (auto& s : state_) s.weight = 1;
    const double prop = link.transfer_time(0);
    const double full = link.transfer_time(w.image_bytes * w.batch);
    if (!(prop >= 0) || !std::isfinite(prop) || !(full >= prop) || !std::isfinite(full))
      reject("serve::simulate_scans", concat("link.transfer_time(", w.image_bytes * w.batch, ")"), full, concat("must be finite and >= transfer_time(0) = ", prop, " >= 0"));
    const sim::station_options cfg{1, 1, sim::discipline::non_preemptive, 64};
    for (std::uint32_t i = 0; i < replicas; ++i) replicas_.push_back(std::make_unique<replica>(sim_, cfg, on_start{this}, on_finish{this, i}));
  }

  scan_result run() {
    const std::uint32_t total = W_.clients * W_.scans;
    scans_.resize(total);
    for (std::uint32_t c = 0; c < W_.clients; ++c)
      for (std::uint32_t k = 0; k < W_.scans; ++k) {
        const std::uint32_t id = c * W_.scans + k;
        scans_[id].start = W_.period * (k + static_cast<double>(c) / W_.clients);
        sim_.schedule_at(scans_[id].start, [this, id] { start_scan(id); });
      }
    sim_.run();
    return report();
  }

private:
  struct scan {
    double start = 0, end = 0;
    std::uint32_t remaining = 0;
  };
  // A request is a sim::job: id = its scan, work = its images.
  struct delivered {
    scan_runner* r;
    void operator()(const sim::job& j, double) const { r->arrive(j); }
  };
  struct on_start {
    scan_runner* r;
    double operator()(const sim::job& j) const { return r->service_seconds(j); }
  };
  struct on_finish {
    scan_runner* r;
    std::uint32_t i;
    void operator()(const sim::job& j, double) const { r->service_ends(i, j); }
  };
  using replica = sim::station<on_start, on_finish>;

  void start_scan(std::uint32_t id) {
    const std::uint32_t span = W_.max_images - W_.min_images + 1;
    const auto n = W_.min_images + static_cast<std::uint32_t>(uniform01(rng_) * span);
    const std::uint32_t m = (n + W_.batch - 1) / W_.batch;
    scans_[id].remaining = m;
    for (std::uint32_t r = 0; r < m; ++r) {
      const std::uint32_t size = std::min(W_.batch, n - r * W_.batch);
      uplink_.send(sim::job{id, 0, sim_.now(), static_cast<double>(size), 0}, W_.image_bytes * size);
    }
  }
  void arrive(const sim::job& r) {
    const std::size_t i = policy_.pick(std::span<const replica_state>(state_), rng_);
    ++state_[i].outstanding, ++state_[i].in_system;
    replicas_[i]->arrive(r);
  }
  double service_seconds(const sim::job& r) const { return batch_seconds_[static_cast<std::size_t>(r.work)]; }
  void service_ends(std::uint32_t i, const sim::job& r) {
    --state_[i].outstanding, --state_[i].in_system;
    policy_.on_complete(i);
    scan& s = scans_[r.id];
    const double latency = sim_.now() - s.start;
    latencies_.push_back({latency, static_cast<std::uint32_t>(r.work)});
    ++requests_;
    if (--s.remaining == 0) s.end = sim_.now();
  }
  scan_result report() {
    scan_result rep;
    rep.events = sim_.processed();
    rep.requests = requests_;
    rep.kept_up = true;
    for (const scan& s : scans_) {
      const double m = s.end - s.start;
      rep.mean_makespan += m / static_cast<double>(scans_.size());
      rep.max_makespan = std::max(rep.max_makespan, m);
      rep.kept_up = rep.kept_up && m <= W_.period;
    }
    std::sort(latencies_.begin(), latencies_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    double sum = 0;
    for (const auto& [l, k] : latencies_) rep.images += k, sum += l * k;
    rep.mean_image_latency = sum / static_cast<double>(rep.images);
    const auto target = static_cast<std::uint64_t>(std::ceil(0.99 * static_cast<double>(rep.images)));
    std::uint64_t seen = 0;
    for (const auto& [l, k] : latencies_)
      if ((seen += k) >= target) {
        rep.p99_image_latency = l;
        break;
      }
    double busy = 0;  // mean busy fraction over the run: each replica's station keeps it
    for (const auto& r : replicas_) busy += r->utilization();
    rep.utilization = sim_.now() > 0 ? busy / static_cast<double>(n_) : 0;
    return rep;
  }

  const scan_workload& W_;
  std::uint32_t n_;
  std::vector<double> batch_seconds_;  ///< by request size
  P policy_;
  idn::rng rng_;
  sim::simulator sim_{1024};
  std::vector<replica_state> state_;
  sim::link_station<hw::any_link, delivered> uplink_;
  std::vector<std::unique_ptr<replica>> replicas_;
  std::vector<scan> scans_;
  std::vector<std::pair<double, std::uint32_t>> latencies_;  ///< (latency, images) per request
  std::uint64_t requests_ = 0;
};
}  // namespace detail

/// Simulates the scan workload on `replicas` identical replicas behind `policy`. F: double(uint32_t)
/// seconds for a batch of that many images, checked finite and > 0 for 1..batch. Deterministic
/// for a seed. O(R log R) for R = clients·scans·⌈max_images/batch⌉ requests.
template <class F, load_balancer P>
scan_result simulate_scans(const scan_workload& w, std::uint32_t replicas, F batch_latency, const P& policy, const hw::any_link& link,
                           std::uint64_t seed) {
  detail::check_scans("serve::simulate_scans", w, replicas);
  detail::check_policy_fits("serve::simulate_scans", policy, replicas);
  std::vector<double> t(w.batch + 1, 0.0);
  for (std::uint32_t b = 1; b <= w.batch; ++b) {
    t[b] = batch_latency(b);
    if (!(t[b] > 0) || !std::isfinite(t[b])) throw invalid_input(concat("idn::serve::simulate_scans: batch_latency(", b, ") = ", t[b], ": must be finite and > 0"));
  }
  detail::scan_runner<P> r(w, replicas, std::move(t), policy, link, seed);
  return r.run();
}

/// What min_replicas_for_scans asks of a run.
struct scan_sizing_options {
  double deadline = 0;             ///< max makespan allowed (s); 0 means the period, i.e. kept_up
  std::uint32_t max_replicas = 64;
};

/// The fewest replicas c in 1..max_replicas whose run has every makespan ≤ deadline, with that
/// run's report; {0, report at max_replicas} if none does. make_policy(c) returns the balancer for
/// c replicas (so fixed-size policies such as SWRR work too). Tries c upward and returns the first
/// c that meets the deadline: the minimum whenever meeting it is monotone in c, which holds for
/// least-outstanding or round-robin routing to identical replicas (more replicas never delay a
/// request). At most max_replicas simulations.
template <class F, class MakePolicy>
  requires load_balancer<std::invoke_result_t<MakePolicy&, std::uint32_t>>
std::pair<std::uint32_t, scan_result> min_replicas_for_scans(const scan_workload& w, F batch_latency, MakePolicy make_policy,
                                                             const hw::any_link& link, std::uint64_t seed, const scan_sizing_options& o = {}) {
  if (o.max_replicas == 0) idn::reject("serve::min_replicas_for_scans", "max_replicas", 0, "must be >= 1");
  if (!(o.deadline >= 0) || !std::isfinite(o.deadline)) idn::reject("serve::min_replicas_for_scans", "deadline", o.deadline, "must be finite and >= 0 (0: the period)");
  const double deadline = o.deadline > 0 ? o.deadline : w.period;
  scan_result last;
  for (std::uint32_t c = 1; c <= o.max_replicas; ++c) {
    last = simulate_scans(w, c, batch_latency, make_policy(c), link, seed);
    if (last.max_makespan <= deadline) return {c, last};
  }
  return {0, last};
}

}  // namespace idn::serve
