#pragma once
/// PA-MDI's dispatcher (Li & Seferoglu, ICMLCN 2025; docs/mdi.md): the per-node object that ranks
/// 1-hop neighbours and self for a task's next partition by the priority index Φ. Allocation-free
/// after construction (rank, observe). The receiver's side is mdi/arbiter.hpp.
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
/// service; total: every class (ms_mdi).
enum class backlog_view { priority_aware, total };

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

/// Φ = (δ + A_τ + C/F̂ + Q̂/F̂) / (γα) (docs/mdi.md). weight > 0, flops > 0.
inline double phi(double comm_s, double age_s, double flop, double flops, double backlog_flop, double weight) noexcept {
  return (comm_s + age_s + flop / flops + backlog_flop / flops) / weight;
}

/// The holder's view of itself and its 1-hop neighbours: advertised speed and per-class backlog
/// (possibly stale: broadcast every state_period_s) and link parameters. rank() orders the candidates by Φ ascending, ties to
/// self, then the lower node id.
class pa_mdi_dispatcher {
public:
  /// The dispatcher of node self ≥ 0 with distinct neighbours (not self) and num_classes ≥ 1.
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
  /// The node this dispatcher runs at.
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

}  // namespace idn::mdi
