#pragma once
/// A network link as a simulation station. independent: every message is delivered after x(S)
/// (infinite servers). fifo: one transmitter serializes messages in order for σ(S) = x(S) − x(0),
/// then each propagates for x(0).
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "idn/core/check.hpp"
#include "idn/hw/concepts.hpp"
#include "idn/sim/detail/ring.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/station.hpp"

namespace idn::sim {

/// independent: every message has the link to itself (delivered after x(S)); fifo: one
/// transmitter serializes messages in order, then each propagates for x(0).
enum class link_sharing : std::uint8_t { independent, fifo };

/// DepartFn: void(const job&, double response) at delivery, with the time since send().
/// Not copyable or movable (events capture `this`). Allocation-free per message once its
/// in-flight pool and queue reach their high-water mark.
template <hw::link_model L, class DepartFn>
class link_station {
public:
  /// A link on `sim` (which must outlive it); x(0) is checked finite and ≥ 0 here.
  link_station(simulator& sim, L link, link_sharing sharing, DepartFn depart)
      : sim_(sim), link_(std::move(link)), sharing_(sharing), depart_(std::move(depart)),
        latency_(hw::checked_transfer_time(link_, 0.0)) {}
  link_station(const link_station&) = delete;
  link_station& operator=(const link_station&) = delete;

  /// Sends `bytes` (finite, >= 0) now.
  void send(const job& j, double bytes) {
    check::finite_nonnegative("idn::sim::link_station::send: bytes", bytes);
    const double x = hw::checked_transfer_time(link_, bytes);
    if (sharing_ == link_sharing::independent) {
      deliver_after(flight{j, sim_.now()}, x);
      return;
    }
    const double sigma = x - latency_ > 0 ? x - latency_ : 0.0;
    queue_.push_back(pending_tx{flight{j, sim_.now()}, sigma});
    if (!transmitting_) start_next();
  }
  /// Messages queued behind the transmitter (fifo mode).
  std::size_t queued() const noexcept { return queue_.size(); }
  /// The transmitter is busy (fifo mode).
  bool transmitting() const noexcept { return transmitting_; }

private:
  struct flight {
    job j;
    double sent = 0;
  };
  struct pending_tx {
    flight f;
    double sigma = 0;
  };

  std::uint32_t park(flight f) {
    std::uint32_t i;
    if (!free_.empty()) {
      i = free_.back();
      free_.pop_back();
      pool_[i] = std::move(f);
    } else {
      i = static_cast<std::uint32_t>(pool_.size());
      pool_.push_back(std::move(f));
    }
    return i;
  }
  void deliver_after(flight f, double dt) {
    const std::uint32_t i = park(std::move(f));
    sim_.schedule_in(dt, [this, i] {
      const flight done = pool_[i];
      free_.push_back(i);
      depart_(done.j, sim_.now() - done.sent);
    });
  }
  void start_next() {
    transmitting_ = true;
    pending_tx p = queue_.pop_front();
    const std::uint32_t i = park(p.f);
    sim_.schedule_in(p.sigma, [this, i] {
      const flight f = pool_[i];
      free_.push_back(i);
      deliver_after(f, latency_);
      if (queue_.empty())
        transmitting_ = false;
      else
        start_next();
    });
  }

  simulator& sim_;
  L link_;
  link_sharing sharing_;
  DepartFn depart_;
  double latency_;
  std::vector<flight> pool_;
  std::vector<std::uint32_t> free_;
  detail::ring<pending_tx> queue_;
  bool transmitting_ = false;
};

}  // namespace idn::sim
