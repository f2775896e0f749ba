#pragma once
/// Lower bounds on the load a path still adds from a boundary node to its head: the prefix bound
/// of branch and bound and label setting (search.hpp) adds them to the prefix's loads, which
/// keeps the bound valid (loads only add up, and the score falls with every load) and tightens
/// it where the rest of every completion is heavy.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

#include "idn/path/path.hpp"

namespace idn::path::detail {

/// One load frame per (node, switches left): server FLOPs [0, S), link bytes [S, S + E), link
/// transfers [S + E, S + 2E) — the layout of search.hpp's load stack.
class completion_bounds {
public:
  /// Builds the table for the service: entry (v, r') is the component-wise minimum, over every
  /// completion from v with at most r' more switches, of the load that completion adds (blocks,
  /// joins, the head and its transfer home). Completions are relaxed — a head counts at v even
  /// before the path's first block, any enabled connection counts whatever the current
  /// segment — so the minimum is over a superset of the admissible ones and stays a lower bound.
  /// Entries without any completion hold +inf (reachable() is false there). With a block weight
  /// ω(m, k) (an accuracy estimator's), also the most weight a completion adds (rest_weight).
  /// Without `transfers` the link-transfer counts stay 0 (a valid lower bound, for searches
  /// whose scores never read the transfer time X), and each entry costs S + E instead of S + 2E.
  /// O((N·(r + 1))·(H̄ + C̄ + 1)·(S + 2E)) time and memory N·(r + 1)·(S + 2E) doubles, reused.
  template <class Weight = std::nullptr_t>
  void build(const block_graph& g, std::size_t service, const path_rules& rules, Weight weight = nullptr, bool transfers = true) {
    constexpr bool weighted = !std::is_null_pointer_v<Weight>;
    S_ = g.num_servers(), E_ = g.num_links();
    width_ = S_ + 2 * E_, R1_ = static_cast<std::size_t>(rules.switch_budget) + 1;
    active_ = transfers ? width_ : S_ + E_;
    const service_spec& sv = g.spec().services[service];
    const std::size_t task = g.spec().models[static_cast<std::size_t>(sv.model)].task, home = g.server_of(sv.model);
    lb_.resize(g.num_nodes() * R1_ * width_);  // every slot is written below: no fill
    rest_.assign(weighted ? g.num_nodes() * R1_ : 0, -std::numeric_limits<double>::infinity());
    reach_.resize(g.num_nodes() * R1_);
    step_.assign(width_, 0.0);
    const auto order = g.topological_order();
    for (std::size_t t = order.size(); t-- > 0;) {
      const std::size_t v = order[t], m = g.node_model(v), k = g.node_boundary(v), server = g.server_of(m);
      for (std::size_t rl = 0; rl < R1_; ++rl) {
        double* out = slot(v, rl);
        bool written = false;
        double most = -std::numeric_limits<double>::infinity();  // rest weight, if weighted
        for (std::size_t h : g.heads_at(v)) {
          if (!head_allowed(g, h, task, rules)) continue;
          clear_step();
          step_head(g, step_.data(), step_.data() + S_, step_.data() + S_ + E_, h, server, home);
          take_min(out, nullptr, written);
          most = std::max(most, 0.0);
        }
        if (k < g.blocks(m)) {
          clear_step();
          step_block(g, step_.data(), server, m, k + 1);
          take_min(out, slot(v + 1, rl), written);
          if constexpr (weighted) most = std::max(most, static_cast<double>(weight(m, k + 1)) + rest_[rest_slot(v + 1, rl)]);
        }
        if (rl > 0)
          for (std::size_t c : g.connections_from(v)) {
            if (!depth_ok(g, c, rules)) continue;
            const connection_spec& cn = g.spec().connections[c];
            const std::size_t to = g.node(cn.to_model, cn.to_boundary);
            clear_step();
            step_join(g, step_.data(), step_.data() + S_, step_.data() + S_ + E_, c, m, k, server, cn.to_model, cn.to_boundary, g.server_of(cn.to_model));
            take_min(out, slot(to, rl - 1), written);
            if constexpr (weighted) most = std::max(most, rest_[rest_slot(to, rl - 1)]);
          }
        if (!written) std::fill(out, out + width_, std::numeric_limits<double>::infinity());
        else std::fill(out + active_, out + width_, 0.0);  // transfers not tracked: 0
        reach_[rest_slot(v, rl)] = written;
        if constexpr (weighted) rest_[rest_slot(v, rl)] = most;
      }
    }
  }
  /// The bound at node v with `switches_left` switches still allowed (≤ the budget).
  const double* at(std::size_t v, std::size_t switches_left) const noexcept {
    return lb_.data() + (v * R1_ + switches_left) * width_;
  }
  /// The most block weight a completion from v still adds (−inf where none exists); requires
  /// build() with a weight.
  double rest_weight(std::size_t v, std::size_t switches_left) const noexcept { return rest_[rest_slot(v, switches_left)]; }
  /// Some completion exists (the entry is finite). One byte per entry, so the DFS's test at
  /// every block does not touch the frames.
  bool reachable(std::size_t v, std::size_t switches_left) const noexcept { return reach_[rest_slot(v, switches_left)] != 0; }

private:
  double* slot(std::size_t v, std::size_t rl) noexcept { return lb_.data() + (v * R1_ + rl) * width_; }
  std::size_t rest_slot(std::size_t v, std::size_t rl) const noexcept { return v * R1_ + rl; }
  void clear_step() noexcept { std::fill(step_.begin(), step_.end(), 0.0); }
  /// out = min(out, step + rest) component-wise, or out = step + rest when nothing is written
  /// yet; rest = nullptr means a completed path; an unreachable rest (+inf) leaves out unchanged.
  void take_min(double* out, const double* rest, bool& written) noexcept {
    if (rest && rest[0] == std::numeric_limits<double>::infinity()) return;
    if (!written) {
      if (rest) for (std::size_t i = 0; i < active_; ++i) out[i] = step_[i] + rest[i];
      else std::copy(step_.begin(), step_.begin() + static_cast<std::ptrdiff_t>(active_), out);
      written = true;
      return;
    }
    if (rest) for (std::size_t i = 0; i < active_; ++i) out[i] = std::min(out[i], step_[i] + rest[i]);
    else for (std::size_t i = 0; i < active_; ++i) out[i] = std::min(out[i], step_[i]);
  }
  std::size_t S_ = 0, E_ = 0, width_ = 0, R1_ = 0, active_ = 0;  ///< active_: entries computed (S + 2E, or S + E without transfers)
  std::vector<double> lb_, step_, rest_;
  std::vector<char> reach_;  ///< per (node, switches left): some completion exists
};

}  // namespace idn::path::detail
