#pragma once
/// Prefix loads along a depth-first path walk (docs/path.md §4.8): one (L, b, n) frame per
/// segment, and per depth the load of the current segment's server.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <vector>

#include "idn/path/evaluate.hpp"

namespace idn::path::detail {

/// L += frame (server FLOPs, link bytes, and link transfers unless `transfers` is false).
inline void add_frame(path_load& L, const double* f, std::size_t S, std::size_t E, bool transfers = true) noexcept {
  for (std::size_t i = 0; i < S; ++i) L.server_flops.data()[i] += f[i];
  for (std::size_t i = 0; i < E; ++i) L.link_bytes.data()[i] += f[S + i];
  if (transfers)
    for (std::size_t i = 0; i < E; ++i) L.link_transfers.data()[i] += f[S + E + i];
}

/// One depth of a load_stack: the current segment's server load and the segment's frame.
struct load_depth {
  double server_load;
  std::size_t frame;
};

/// Prefix loads along a DFS, updated by the path-order steps. A block adds FLOPs to its segment's
/// server only, so a block step pushes one double (the running server load) and only a join
/// copies a frame (width S + 2E): the sums are added in path order, so every load is bitwise
/// what compute_load gives.
struct load_stack {
  const block_graph& g;
  std::vector<double>& buf;
  std::vector<load_depth>& at;
  std::size_t width, S, E;
  bool transfer;  ///< to_load copies the transfer counts and computes X; without it both are 0
  /// frames, depths: workspace buffers; with_transfer: whether to_load computes X.
  load_stack(const block_graph& gr, std::vector<double>& frames, std::vector<load_depth>& depths, bool with_transfer)
      : g(gr), buf(frames), at(depths), width(gr.num_servers() + 2 * gr.num_links()), S(gr.num_servers()), E(gr.num_links()), transfer(with_transfer) {
    buf.assign(width, 0.0);
    at.assign(1, load_depth{0.0, 0});
  }
  void pop() noexcept { at.pop_back(); }
  /// Applies the last move of p (a block or a join).
  void apply(int kind, const path& p) {
    const segment& s = p.segments.back();
    const load_depth d = at.back();
    if (kind == 1) {
      at.push_back({d.server_load + g.block_flops(s.model, s.end), d.frame});
      return;
    }
    const segment& a = p.segments[p.segments.size() - 2];
    const std::size_t nf = d.frame + 1;
    if (buf.size() < (nf + 1) * width) buf.resize((nf + 1) * width);
    double* f = buf.data() + nf * width;
    std::copy(buf.data() + d.frame * width, buf.data() + nf * width, f);
    f[a.server] = d.server_load;
    step_join(g, f, f + S, f + S + E, p.joins.back(), a.model, a.end, a.server, s.model, s.begin, s.server);
    at.push_back({f[s.server], nf});
  }
  /// The current loads of p into a path_load, optionally adding head h, or adding `rest` (a
  /// completion bound frame, same layout).
  void to_load(path_load& L, const path& p, bool with_head, const double* rest = nullptr) const {
    const load_depth d = at.back();
    const double* f = buf.data() + d.frame * width;
    size_load(g, L);
    std::copy(f, f + S, L.server_flops.data());
    std::copy(f + S, f + S + E, L.link_bytes.data());
    if (transfer) std::copy(f + S + E, f + S + 2 * E, L.link_transfers.data());
    else L.link_transfers.setZero();  // not read, but never left uninitialized
    const std::size_t server = p.segments.back().server;
    L.server_flops.data()[server] = d.server_load;
    if (rest) add_frame(L, rest, S, E, transfer);
    if (with_head) step_head(g, L.server_flops.data(), L.link_bytes.data(), L.link_transfers.data(), p.head, server, g.server_of(g.spec().services[p.service].model));
    L.transfer_s = transfer ? transfer_seconds(g, L.link_bytes.data(), L.link_transfers.data()) : 0.0;
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
