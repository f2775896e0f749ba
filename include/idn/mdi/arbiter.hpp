#pragma once
/// PA-MDI's receiver side (Li & Seferoglu, ICMLCN 2025; docs/mdi.md): the arbiter of the
/// request-to-compute (RTC) / clear-to-compute (CTC) handshake, which grants a request only if
/// its live backlog still beats the sender's fallback. Allocation-free after construction.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/mdi/dispatch.hpp"

namespace idn::mdi {

/// Order in which a receiver resolves pending RTCs (docs/mdi.md).
enum class arbitration { class_then_oldest, phi, fifo };

/// A request to compute partition `flop` of task `task` at the receiver. fallback_s is the
/// runner-up's Φ numerator without age; comm_s the transfer time to the receiver.
struct rtc {
  std::uint64_t task;
  std::ptrdiff_t from;
  int cls;
  double weight, age_s, gen_s, flop, bytes, comm_s, fallback_s, phi;
};
/// The receiver's reply to an RTC: granted (a CTC) or denied.
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

/// Resolves the RTCs pending at one receiver: in arbitration order, grant iff
/// δ + C/F + live backlog (incl. reservations made in this round) ≤ fallback_s, reserving C in
/// the request's class at once; deny the rest. Every RTC gets a reply.
class rtc_arbiter {
public:
  /// An arbiter for num_classes ≥ 1 classes holding at most max_pending ≥ 1 requests.
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
  /// Requests waiting for resolve().
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
