#pragma once
/// Prefix loads along a depth-first path walk: one (L, b, n) frame per depth (docs/path.md §4.8).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <vector>

#include "idn/path/evaluate.hpp"

namespace idn::path::detail {

/// L += frame (server FLOPs, link bytes, link transfers).
inline void add_frame(path_load& L, const double* f, std::size_t S, std::size_t E) noexcept {
  for (std::size_t i = 0; i < S; ++i) L.server_flops.data()[i] += f[i];
  for (std::size_t i = 0; i < E; ++i) L.link_bytes.data()[i] += f[S + i], L.link_transfers.data()[i] += f[S + E + i];
}

/// Prefix loads along a DFS: one (L, b, n) frame per depth, updated by the path-order steps.
struct load_stack {
  const block_graph& g;
  std::vector<double>& buf;
  std::size_t width, S, E, depth = 0;
  load_stack(const block_graph& gr, std::vector<double>& b) : g(gr), buf(b), width(gr.num_servers() + 2 * gr.num_links()),
        S(gr.num_servers()), E(gr.num_links()) {
    buf.assign(width, 0.0);
  }
  double* top() noexcept { return buf.data() + depth * width; }
  void push() {
    if (buf.size() < (depth + 2) * width) buf.resize((depth + 2) * width);
    std::copy(buf.begin() + static_cast<std::ptrdiff_t>(depth * width), buf.begin() + static_cast<std::ptrdiff_t>((depth + 1) * width),
              buf.begin() + static_cast<std::ptrdiff_t>((depth + 1) * width));
    ++depth;
  }
  void pop() noexcept { --depth; }
  /// Applies the last move of p (a block or a join) to a fresh frame.
  void apply(int kind, const path& p) {
    push();
    double* f = top();
    const segment& s = p.segments.back();
    if (kind == 1) step_block(g, f, s.server, s.model, s.end);
    else {
      const segment& a = p.segments[p.segments.size() - 2];
      step_join(g, f, f + S, f + S + E, p.joins.back(), a.model, a.end, a.server, s.model, s.begin, s.server);
    }
  }
  /// Copies the top frame into a path_load, optionally adding head h, or adding `rest` (a
  /// completion bound frame, same layout).
  void to_load(path_load& L, const path& p, bool with_head, const double* rest = nullptr) const {
    const double* f = buf.data() + depth * width;
    size_load(g, L);
    std::copy(f, f + S, L.server_flops.data());
    std::copy(f + S, f + S + E, L.link_bytes.data());
    std::copy(f + S + E, f + S + 2 * E, L.link_transfers.data());
    if (rest) add_frame(L, rest, S, E);
    if (with_head)
      step_head(g, L.server_flops.data(), L.link_bytes.data(), L.link_transfers.data(), p.head, p.segments.back().server,
                g.server_of(g.spec().services[static_cast<std::size_t>(p.service)].model));
    L.transfer_s = transfer_seconds(g, L.link_bytes.data(), L.link_transfers.data());
    L.switches = p.joins.size();
  }
};

/// A trivially copyable estimator state stored in a workspace slot.
template <class State>
State load_state(const std::array<double, 10>& slot) noexcept {
  State s;
  std::memcpy(static_cast<void*>(&s), slot.data(), sizeof s);
  return s;
}

}  // namespace idn::path::detail
