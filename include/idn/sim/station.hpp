#pragma once
/// A multi-server station with K priority classes (0 highest), FIFO within a class, under a
/// non-preemptive or preemptive-resume discipline (docs/sim.md "Simulation").
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

enum class discipline : std::uint8_t { non_preemptive, preemptive_resume };

struct station_config {
  std::uint32_t servers = 1, classes = 1;
  discipline disc = discipline::non_preemptive;
  std::size_t capacity_hint = 1024;  ///< expected queue length, pre-sized per class
};

/// ServiceFn: double(const job&) giving seconds (finite, >= 0, checked). DepartFn:
/// void(const job&, double response) called at departure with the time spent at this station.
/// A station captures `this` in its events: it is neither copyable nor movable, and must outlive
/// the simulator's run.
template <class ServiceFn, class DepartFn>
class station {
public:
  station(simulator& sim, station_config cfg, ServiceFn service, DepartFn depart)
      : sim_(sim), cfg_(cfg), service_(std::move(service)), depart_(std::move(depart)), busy_tw_(sim.now(), 0) {
    if (cfg_.servers == 0) throw invalid_input("station_config.servers = 0: must be >= 1");
    if (cfg_.classes == 0) throw invalid_input("station_config.classes = 0: must be >= 1");
    servers_.resize(cfg_.servers);
    idle_.reserve(cfg_.servers);
    for (std::uint32_t s = cfg_.servers; s-- > 0;) idle_.push_back(s);
    queues_.reserve(cfg_.classes);
    for (std::uint32_t k = 0; k < cfg_.classes; ++k) queues_.emplace_back(cfg_.capacity_hint);
  }
  station(const station&) = delete;
  station& operator=(const station&) = delete;

  /// A job arrives now. Throws if j.cls >= classes or its service time is invalid.
  void arrive(const job& j) {
    if (j.cls >= cfg_.classes)
      throw invalid_input(concat("station::arrive: job ", j.id) + concat(" cls = ", j.cls) +
                          concat(" >= classes = ", cfg_.classes));
    waiting w{j, sim_.now(), 0, false};
    if (!idle_.empty()) {
      const std::uint32_t s = idle_.back();
      idle_.pop_back();
      start(s, std::move(w));
      return;
    }
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
        queues_[sv.w.j.cls].push_front(std::move(sv.w));
        ++queued_;
        set_busy(busy_ - 1);
        start(victim, std::move(w));
        return;
      }
    }
    queues_[j.cls].push_back(std::move(w));
    ++queued_;
  }

  std::uint32_t busy() const noexcept { return busy_; }
  std::size_t queued(std::uint32_t cls) const noexcept { return cls < queues_.size() ? queues_[cls].size() : 0; }
  std::size_t in_system() const noexcept { return busy_ + queued_; }
  /// Time-weighted busy servers / c since construction (or the last reset of busy_servers()).
  double utilization() const { return busy_tw_.mean(sim_.now()) / cfg_.servers; }
  const time_weighted& busy_servers() const noexcept { return busy_tw_; }
  /// Restarts the busy-server average at now() (after a warm-up).
  void reset_statistics() { busy_tw_.reset(sim_.now()); }
  const station_config& config() const noexcept { return cfg_; }

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
  };

  void set_busy(std::uint32_t b) {
    busy_ = b;
    busy_tw_.set(sim_.now(), b);
  }
  void start(std::uint32_t s, waiting w) {
    if (!w.started) {
      const double t = service_(static_cast<const job&>(w.j));
      if (!std::isfinite(t) || t < 0)
        throw invalid_input(concat("station: service time of job ", w.j.id) + concat(" = ", t) +
                            ": must be finite and >= 0");
      w.remaining = t;
      w.started = true;
    }
    server& sv = servers_[s];
    sv.w = std::move(w);
    sv.start = sim_.now();
    sv.start_seq = ++starts_;
    set_busy(busy_ + 1);
    sv.ev = sim_.schedule_in(sv.w.remaining, [this, s] { complete(s); });
  }
  void complete(std::uint32_t s) {
    const job done = servers_[s].w.j;
    const double response = sim_.now() - servers_[s].w.arrival;
    set_busy(busy_ - 1);
    // Hand the server to the head of the lowest non-empty class before notifying.
    bool started_next = false;
    if (queued_ > 0) {
      for (auto& q : queues_) {
        if (q.empty()) continue;
        --queued_;
        start(s, q.pop_front());
        started_next = true;
        break;
      }
    }
    if (!started_next) idle_.push_back(s);
    depart_(done, response);
  }

  simulator& sim_;
  station_config cfg_;
  ServiceFn service_;
  DepartFn depart_;
  std::vector<server> servers_;
  std::vector<std::uint32_t> idle_;
  std::vector<detail::ring<waiting>> queues_;
  std::size_t queued_ = 0;
  std::uint32_t busy_ = 0;
  std::uint64_t starts_ = 0;
  time_weighted busy_tw_;
};

}  // namespace idn::sim
