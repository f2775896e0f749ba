#pragma once
/// PA-MDI, priority-aware model-distributed inference (Li & Seferoglu, ICMLCN 2025;
/// docs/mdi.md): the per-node dispatcher that ranks
/// 1-hop neighbours and self for a task's next partition by the priority index Φ, and the
/// receiver-side arbiter of the request-to-compute (RTC) / clear-to-compute (CTC) handshake.
/// Small stateful objects: allocation-free after construction (rank, observe, resolve).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/partition/chain.hpp"

namespace idn::mdi {

/// priority_aware: class c sees the FLOP queued or reserved in classes ≤ c plus the partition in
/// service (D3); total: every class (ms_mdi).
enum class backlog_view { priority_aware, total };
/// Order in which a receiver resolves pending RTCs (D2, D5).
enum class arbitration { class_then_oldest, phi, fifo };

/// The task whose next partition is being placed. weight = γ·α (larger = more important).
struct task_view {
  std::uint64_t id;
  int cls;
  double weight, age_s, gen_s, next_flop, next_input_bytes;
};
/// One ranked candidate: transfer time δ, compute C/F̂, backlog Q̂/F̂ and the index Φ.
struct candidate {
  std::ptrdiff_t node;
  double comm_s, compute_s, backlog_s, phi;
};

/// Φ = (δ + A_τ + C/F̂ + Q̂/F̂) / (γα) (§2). weight > 0, flops > 0.
inline double phi(double comm_s, double age_s, double flop, double flops, double backlog_flop, double weight) noexcept {
  return (comm_s + age_s + flop / flops + backlog_flop / flops) / weight;
}

/// The holder's view of itself and its 1-hop neighbours: advertised speed and per-class backlog
/// (possibly stale, D4) and link parameters. rank() orders the candidates by Φ ascending, ties to
/// self, then the lower node id.
class pa_mdi_dispatcher {
public:
  pa_mdi_dispatcher(std::ptrdiff_t self, std::vector<std::ptrdiff_t> neighbors, int num_classes, backlog_view v)
      : self_(self), classes_(num_classes), view_(v) {
    if (num_classes < 1) reject("mdi::dispatcher", "num_classes", num_classes, "must be >= 1");
    if (self < 0) reject("mdi::dispatcher", "self", self, "must be >= 0");
    nodes_.push_back(self);
    for (std::size_t i = 0; i < neighbors.size(); ++i) {
      const std::ptrdiff_t n = neighbors[i];
      if (n < 0 || n == self || std::find(nodes_.begin(), nodes_.end(), n) != nodes_.end())
        reject("mdi::dispatcher", concat("neighbors[", i, "]"), n, "must be >= 0, not self, and unique");
      nodes_.push_back(n);
    }
    const std::size_t m = nodes_.size();
    latency_.assign(m, 0), inv_bw_.assign(m, 0), flops_.assign(m, 0), in_service_.assign(m, 0), stamp_.assign(m, -partition::inf);
    backlog_.assign(m * static_cast<std::size_t>(classes_), 0.0);
    ranked_.resize(m);
  }

  /// Link to a neighbour: δ(b) = latency + 8b/bandwidth.
  void set_link(std::ptrdiff_t node, double latency_s, double bandwidth_bps) {
    const std::size_t s = slot_checked(node);
    if (s == 0) reject("mdi::dispatcher", "node", node, "set_link needs a neighbour, not self");
    check::finite_nonnegative_at("mdi::dispatcher", latency_s, "latency_s");
    if (!(bandwidth_bps > 0)) reject("mdi::dispatcher", "bandwidth_bps", bandwidth_bps, "must be > 0");
    if (!std::isfinite(8.0 / bandwidth_bps)) reject("mdi::dispatcher", "bandwidth_bps", bandwidth_bps, "is too small: 8/bandwidth overflows");
    latency_[s] = latency_s, inv_bw_[s] = 8.0 / bandwidth_bps;
  }
  /// A state advertisement (or, for self, the live state): speed F̂ (FLOP/s, > 0), FLOP left of the
  /// partition in service, queued + reserved FLOP per class. Older stamps than the stored one are ignored.
  void observe(std::ptrdiff_t node, double flops, double in_service_flop, std::span<const double> backlog_flop_by_class, double stamp_s) {
    const std::size_t s = slot_checked(node);
    if (!(flops > 0) || !std::isfinite(flops)) reject("mdi::dispatcher", "flops", flops, "must be finite and > 0");
    if (static_cast<int>(backlog_flop_by_class.size()) != classes_)
      reject("mdi::dispatcher", "backlog_flop_by_class.size()", backlog_flop_by_class.size(), "must equal num_classes");
    // Aggregate rule (docs/reliability.md): rank() sums in-service and backlog FLOP.
    check::finite_nonnegative_at("mdi::dispatcher", in_service_flop, "in_service_flop");
    double total = in_service_flop;
    for (std::size_t k = 0; k < backlog_flop_by_class.size(); ++k) {
      check::finite_nonnegative_at("mdi::dispatcher", backlog_flop_by_class[k], "backlog_flop_by_class[", k, "]");
      total += backlog_flop_by_class[k];
      if (!std::isfinite(total)) reject("mdi::dispatcher", concat("backlog_flop_by_class[", k, "]"), backlog_flop_by_class[k], "the backlog sum overflows");
    }
    if (std::isnan(stamp_s)) reject("mdi::dispatcher", "stamp_s", stamp_s, "must not be NaN");
    if (stamp_s < stamp_[s]) return;
    stamp_[s] = stamp_s, flops_[s] = flops, in_service_[s] = in_service_flop;
    std::copy(backlog_flop_by_class.begin(), backlog_flop_by_class.end(), backlog_.begin() + static_cast<std::ptrdiff_t>(s * static_cast<std::size_t>(classes_)));
  }

  /// Candidates (self and every neighbour with a known state) by Φ ascending; ties: self first,
  /// then the lower node id. No allocation.
  std::span<const candidate> rank(const task_view& t) noexcept {
    std::size_t n = 0;
    const int c = std::clamp(t.cls, 0, classes_ - 1);
    for (std::size_t s = 0; s < nodes_.size(); ++s) {
      if (!(flops_[s] > 0)) continue;  // never heard of: not a candidate
      double q = in_service_[s];
      const int top = view_ == backlog_view::priority_aware ? c : classes_ - 1;
      for (int k = 0; k <= top; ++k) q += backlog_[s * static_cast<std::size_t>(classes_) + static_cast<std::size_t>(k)];
      const double comm = s == 0 ? 0.0 : latency_[s] + t.next_input_bytes * inv_bw_[s];
      const double p = phi(comm, t.age_s, t.next_flop, flops_[s], q, t.weight);
      // A NaN index (a task view outside its preconditions) ranks last: the comparator below
      // must stay a strict weak order, or std::sort is undefined.
      ranked_[n++] = {nodes_[s], comm, t.next_flop / flops_[s], q / flops_[s], std::isnan(p) ? INFINITY : p};
    }
    const std::ptrdiff_t self = self_;
    std::sort(ranked_.begin(), ranked_.begin() + static_cast<std::ptrdiff_t>(n), [self](const candidate& a, const candidate& b) {
      if (a.phi != b.phi) return a.phi < b.phi;
      if ((a.node == self) != (b.node == self)) return a.node == self;
      return a.node < b.node;
    });
    return {ranked_.data(), n};
  }
  std::ptrdiff_t self() const noexcept { return self_; }

private:
  std::size_t slot_checked(std::ptrdiff_t node) const {
    const auto it = std::find(nodes_.begin(), nodes_.end(), node);
    if (it == nodes_.end()) reject("mdi::dispatcher", "node", node, "is neither self nor a neighbour");
    return static_cast<std::size_t>(it - nodes_.begin());
  }
  std::ptrdiff_t self_;
  int classes_;
  backlog_view view_;
  std::vector<std::ptrdiff_t> nodes_;  // [0] = self
  std::vector<double> latency_, inv_bw_, flops_, in_service_, stamp_, backlog_;
  std::vector<candidate> ranked_;
};

/// A request to compute partition `flop` of task `task` at the receiver. fallback_s is the
/// runner-up's Φ numerator without age (D5); comm_s the transfer time to the receiver.
struct rtc {
  std::uint64_t task;
  std::ptrdiff_t from;
  int cls;
  double weight, age_s, gen_s, flop, bytes, comm_s, fallback_s, phi;
};
struct grant {
  std::uint64_t task;
  std::ptrdiff_t to;
  bool granted;
};
/// The receiver's live state, including reservations already granted.
struct node_state {
  double flops, in_service_flop;
  std::vector<double> backlog_flop;
};

/// Resolves the RTCs pending at one receiver (D5): in arbitration order, grant iff
/// δ + C/F + live backlog (incl. reservations made in this round) ≤ fallback_s, reserving C in
/// the request's class at once; deny the rest. Every RTC gets a reply.
class rtc_arbiter {
public:
  rtc_arbiter(arbitration a, int num_classes, std::ptrdiff_t max_pending) : arb_(a), classes_(num_classes) {
    if (num_classes < 1) reject("mdi::rtc_arbiter", "num_classes", num_classes, "must be >= 1");
    if (max_pending < 1) reject("mdi::rtc_arbiter", "max_pending", max_pending, "must be >= 1");
    pending_.reserve(static_cast<std::size_t>(max_pending));
    max_ = static_cast<std::size_t>(max_pending);
  }
  /// Queues an RTC; throws invalid_input beyond max_pending or with a class outside [0, C).
  void submit(const rtc& r) {
    if (pending_.size() >= max_) reject("mdi::rtc_arbiter", "pending RTCs", static_cast<double>(pending_.size() + 1), "arbiter overflow: exceeds max_pending");
    if (r.cls < 0 || r.cls >= classes_) reject("mdi::rtc_arbiter", "rtc.cls", r.cls, "must lie in [0, num_classes)");
    pending_.push_back({r, seq_++});
  }
  std::size_t pending() const noexcept { return pending_.size(); }

  /// Replies to every pending RTC into `out` (needs pending() entries) and clears them; returns
  /// the number of replies written. live.backlog_flop grows by each granted request's FLOP.
  std::ptrdiff_t resolve(node_state& live, backlog_view v, std::span<grant> out) noexcept {
    const arbitration a = arb_;
    std::sort(pending_.begin(), pending_.end(), [a](const entry& x, const entry& y) {
      if (a == arbitration::class_then_oldest) {
        if (x.r.cls != y.r.cls) return x.r.cls < y.r.cls;
        if (x.r.gen_s != y.r.gen_s) return x.r.gen_s < y.r.gen_s;
      } else if (a == arbitration::phi) {
        if (x.r.phi != y.r.phi) return x.r.phi < y.r.phi;
      }
      return x.seq < y.seq;
    });
    std::ptrdiff_t written = 0;
    for (const entry& e : pending_) {
      if (static_cast<std::size_t>(written) >= out.size()) break;
      const int top = v == backlog_view::priority_aware ? e.r.cls : classes_ - 1;
      double q = live.in_service_flop;
      for (int k = 0; k <= top && k < static_cast<int>(live.backlog_flop.size()); ++k) q += live.backlog_flop[static_cast<std::size_t>(k)];
      const bool ok = e.r.comm_s + e.r.flop / live.flops + q / live.flops <= e.r.fallback_s;
      if (ok && e.r.cls < static_cast<int>(live.backlog_flop.size())) live.backlog_flop[static_cast<std::size_t>(e.r.cls)] += e.r.flop;
      out[static_cast<std::size_t>(written++)] = {e.r.task, e.r.from, ok};
    }
    pending_.clear();
    return written;
  }

private:
  struct entry {
    rtc r;
    std::uint64_t seq;
  };
  arbitration arb_;
  int classes_;
  std::size_t max_ = 0;
  std::uint64_t seq_ = 0;
  std::vector<entry> pending_;
};

}  // namespace idn::mdi
