#pragma once
/// A multi-server station with K priority classes (0 highest), FIFO or oldest-created-first within
/// a class, under a non-preemptive or preemptive-resume discipline (docs/sim.md "Simulation").
/// Service time is drawn once, at a job's first start. Allocation-free per job once its queues
/// have grown to their high-water mark.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/sim/detail/oldest_first_queue.hpp"
#include "idn/sim/detail/ring.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/stats.hpp"

namespace idn::sim {

/// A unit of work flowing through stations and links.
struct job {
  std::uint64_t id = 0;
  std::uint32_t cls = 0;   ///< priority class, 0 highest
  double created = 0;      ///< seconds
  double work = 0;         ///< user-defined (e.g. FLOP) for service functions
  std::uint64_t tag = 0;   ///< user-defined
};

/// Whether a job of a higher class (a lower number) interrupts one in service.
enum class discipline : std::uint8_t { non_preemptive, preemptive_resume };
/// The order within one class: arrival order, or the job created first (job::created; ties in
/// arrival order), as PA-MDI's workers serve partitions of older tasks first.
enum class queue_order : std::uint8_t { fifo, oldest_created };

/// The shape of a station.
struct station_options {
  std::uint32_t servers = 1, classes = 1;  ///< c ≥ 1 servers, K ≥ 1 priority classes
  discipline disc = discipline::non_preemptive;
  std::size_t capacity_hint = 1024;  ///< expected queue length, pre-sized per class
  queue_order order = queue_order::fifo;
};

/// A job in service: the job, when its (current) service began, and when it ends.
struct service_interval {
  const job* j = nullptr;  ///< nullptr: the server is idle
  double start = 0, end = 0;
};

/// ServiceFn: double(const job&) giving seconds (finite, >= 0, checked). DepartFn:
/// void(const job&, double response) called at departure with the time spent at this station.
/// A station captures `this` in its events: it is neither copyable nor movable, and must outlive
/// the simulator's run.
template <class ServiceFn, class DepartFn>
class station {
public:
  /// A station on `sim` (which must outlive it). Throws invalid_input for 0 servers or classes.
  station(simulator& sim, station_options cfg, ServiceFn service, DepartFn depart)
      : sim_(sim), cfg_(cfg), service_(std::move(service)), depart_(std::move(depart)), busy_tw_(sim.now(), 0) {
    if (cfg_.servers == 0) reject("sim::station", "station_options.servers", 0, "must be >= 1");
    if (cfg_.classes == 0) reject("sim::station", "station_options.classes", 0, "must be >= 1");
    servers_.resize(cfg_.servers);
    idle_.reserve(cfg_.servers);
    for (std::uint32_t s = cfg_.servers; s-- > 0;) idle_.push_back(s);
    if (cfg_.order == queue_order::fifo) {
      queues_.reserve(cfg_.classes);
      for (std::uint32_t k = 0; k < cfg_.classes; ++k) queues_.emplace_back(cfg_.capacity_hint);
    } else {
      oldest_.reserve(cfg_.classes);
      for (std::uint32_t k = 0; k < cfg_.classes; ++k) oldest_.emplace_back(cfg_.capacity_hint);
    }
  }
  station(const station&) = delete;
  station& operator=(const station&) = delete;

  /// A job arrives now. Throws if j.cls >= classes or its service time is invalid.
  void arrive(const job& j) {
    if (j.cls >= cfg_.classes)
      reject("sim::station::arrive", concat("job ", j.id, " cls"), j.cls, concat("must be < classes = ", cfg_.classes));
    if (!idle_.empty()) {
      const std::uint32_t s = idle_.back();
      idle_.pop_back();
      start(s, waiting{j, sim_.now(), 0, false});
      return;
    }
    waiting w{j, sim_.now(), 0, false};
    if (cfg_.disc == discipline::preemptive_resume) {
      // Victim: the in-service job with the largest class > j.cls; ties go to the latest started.
      std::uint32_t victim = cfg_.servers;
      for (std::uint32_t s = 0; s < cfg_.servers; ++s) {
        const auto& sv = servers_[s];
        if (sv.w.j.cls <= j.cls) continue;
        if (victim == cfg_.servers || sv.w.j.cls > servers_[victim].w.j.cls ||
            (sv.w.j.cls == servers_[victim].w.j.cls && sv.start_seq > servers_[victim].start_seq))
          victim = s;
      }
      if (victim != cfg_.servers) {
        server& sv = servers_[victim];
        sim_.cancel(sv.ev);
        sv.w.remaining -= sim_.now() - sv.start;
        if (sv.w.remaining < 0) sv.w.remaining = 0;
        requeue_front(std::move(sv.w));
        set_busy(busy_ - 1);
        start(victim, std::move(w));
        return;
      }
    }
    enqueue(std::move(w));
  }

  /// Servers busy now.
  std::uint32_t busy() const noexcept { return busy_; }
  /// Jobs of class cls waiting (not in service).
  std::size_t queued(std::uint32_t cls) const noexcept {
    if (cls >= cfg_.classes) return 0;
    return cfg_.order == queue_order::fifo ? queues_[cls].size() : oldest_[cls].size();
  }
  /// What server s (< servers) is doing: its job and the bounds of the current service, or
  /// j = nullptr when idle. The pointer is valid until the station's next event. O(1).
  service_interval serving(std::uint32_t s) const noexcept {
    if (s >= servers_.size() || !servers_[s].busy) return {};
    const server& sv = servers_[s];
    return {&sv.w.j, sv.start, sv.start + sv.w.remaining};
  }
  /// Jobs in service plus jobs waiting.
  std::size_t in_system() const noexcept { return busy_ + queued_; }
  /// Time-weighted busy servers / c since construction (or the last reset of busy_servers()).
  double utilization() const { return busy_tw_.mean(sim_.now()) / cfg_.servers; }
  /// The busy-server count over time.
  const time_weighted& busy_servers() const noexcept { return busy_tw_; }
  /// Restarts the busy-server average at now() (after a warm-up).
  void reset_statistics() { busy_tw_.reset(sim_.now()); }
  /// The shape the station was built with.
  const station_options& config() const noexcept { return cfg_; }

private:
  struct waiting {
    job j;
    double arrival = 0;    // at this station
    double remaining = 0;  // service still owed (valid once started)
    bool started = false;
  };
  struct server {
    waiting w;
    double start = 0;
    std::uint64_t start_seq = 0;
    event_id ev;
    bool busy = false;
  };

  void enqueue(waiting w) {
    if (cfg_.order == queue_order::fifo) queues_[w.j.cls].push_back(std::move(w));
    else {
      const double created = w.j.created;
      oldest_[w.j.cls].push(std::move(w), created);
    }
    ++queued_;
  }
  /// A preempted job goes back to the head of its class (FIFO) or to its place by age.
  void requeue_front(waiting w) {
    if (cfg_.order == queue_order::fifo) {
      queues_[w.j.cls].push_front(std::move(w));
      ++queued_;
    } else {
      enqueue(std::move(w));
    }
  }
  /// The next job to serve: the head of the lowest non-empty class. Requires queued_ > 0.
  waiting take_next() {
    --queued_;
    if (cfg_.order == queue_order::fifo) {
      for (auto& q : queues_)
        if (!q.empty()) return q.pop_front();
    } else {
      for (auto& q : oldest_)
        if (!q.empty()) return q.pop();
    }
    return {};  // unreachable while queued_ counts the queues
  }

  void set_busy(std::uint32_t b) {
    busy_ = b;
    busy_tw_.set(sim_.now(), b);
  }
  /// Starts w on server s; `stays_busy`: s hands over from a job that just completed, so the
  /// busy-server count does not change.
  void start(std::uint32_t s, waiting&& w, bool stays_busy = false) {
    if (!w.started) {
      const double t = service_(static_cast<const job&>(w.j));
      if (!std::isfinite(t) || t < 0)
        reject("sim::station", concat("service time of job ", w.j.id), t, "must be finite and >= 0");
      w.remaining = t;
      w.started = true;
    }
    server& sv = servers_[s];
    sv.w = std::move(w);
    sv.start = sim_.now();
    sv.start_seq = ++starts_;
    sv.busy = true;
    if (!stays_busy) set_busy(busy_ + 1);
    sv.ev = sim_.schedule_in(sv.w.remaining, [this, s] { complete(s); });
  }
  void complete(std::uint32_t s) {
    const job done = servers_[s].w.j;
    const double response = sim_.now() - servers_[s].w.arrival;
    // Hand the server to the head of the lowest non-empty class before notifying.
    if (queued_ > 0) {
      start(s, take_next(), /*stays_busy=*/true);
    } else {
      servers_[s].busy = false;
      set_busy(busy_ - 1);
      idle_.push_back(s);
    }
    depart_(done, response);
  }

  simulator& sim_;
  station_options cfg_;
  ServiceFn service_;
  DepartFn depart_;
  std::vector<server> servers_;
  std::vector<std::uint32_t> idle_;
  std::vector<detail::ring<waiting>> queues_;               // queue_order::fifo
  std::vector<detail::oldest_first_queue<waiting>> oldest_;  // queue_order::oldest_created
  std::size_t queued_ = 0;
  std::uint32_t busy_ = 0;
  std::uint64_t starts_ = 0;
  time_weighted busy_tw_;
};

}  // namespace idn::sim
