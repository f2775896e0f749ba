#pragma once
/// The worker graph of a validated PA-MDI scenario (docs/mdi.md): neighbours, link lookups,
/// control-message delays, the transfer station of each directed edge, and store-and-forward
/// routes of least payload time. Internal to the runner.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <queue>
#include <tuple>
#include <utility>
#include <vector>

#include "idn/hw/link.hpp"
#include "idn/mdi/scenario.hpp"

namespace idn::mdi::detail {

/// A node number where none applies (a piece placed at dispatch time, no next worker).
inline constexpr std::ptrdiff_t no_node = -1;

class topology {
public:
  /// (neighbour, link index) pairs, by neighbour.
  using adjacency = std::vector<std::pair<std::ptrdiff_t, std::size_t>>;

  /// O(E log E). The scenario must be validated and outlive the topology.
  explicit topology(const scenario& s) : s_(s), adj_(s.nodes.size()) {
    for (std::size_t e = 0; e < s.links.size(); ++e) {
      adj_[static_cast<std::size_t>(s.links[e].a)].push_back({s.links[e].b, e});
      adj_[static_cast<std::size_t>(s.links[e].b)].push_back({s.links[e].a, e});
    }
    for (auto& a : adj_) std::sort(a.begin(), a.end());
  }

  std::ptrdiff_t num_nodes() const noexcept { return static_cast<std::ptrdiff_t>(adj_.size()); }
  const adjacency& neighbors(std::ptrdiff_t n) const { return adj_[static_cast<std::size_t>(n)]; }

  /// The link between a and b, or nullptr when they are not adjacent. O(degree).
  const link_spec* link_between(std::ptrdiff_t a, std::ptrdiff_t b) const {
    for (const auto& [v, e] : neighbors(a))
      if (v == b) return &s_.links[e];
    return nullptr;
  }
  /// latency + 8·bytes/bandwidth over the a–b link; 0 when not adjacent.
  double hop_seconds(std::ptrdiff_t a, std::ptrdiff_t b, double bytes) const {
    const link_spec* l = link_between(a, b);
    return l ? l->latency_s + 8.0 * bytes / l->bandwidth_bps : 0.0;
  }
  /// A control message (state broadcast, RTC, CTC) from a to b: it never queues.
  double control_delay(std::ptrdiff_t a, std::ptrdiff_t b) const { return hop_seconds(a, b, s_.control_bytes); }
  /// The a–b link as an affine link model, or a's fastest link when b is not a neighbour (or
  /// no_node); an isolated node gets a free link.
  hw::affine_link link_or_fastest(std::ptrdiff_t a, std::ptrdiff_t b) const {
    const link_spec* best = nullptr;
    for (const auto& [v, e] : neighbors(a)) {
      const link_spec& l = s_.links[e];
      if (v == b) return hw::affine_link(l.latency_s, l.bandwidth_bps);
      if (!best || l.bandwidth_bps > best->bandwidth_bps) best = &l;
    }
    return best ? hw::affine_link(best->latency_s, best->bandwidth_bps) : hw::affine_link(0, INFINITY);
  }
  /// Every node in breadth-first order from source (neighbours by number). O(N + E).
  std::vector<std::ptrdiff_t> breadth_first(std::ptrdiff_t source) const {
    std::vector<std::ptrdiff_t> order{source};
    std::vector<char> seen(adj_.size(), 0);
    seen[static_cast<std::size_t>(source)] = 1;
    for (std::size_t h = 0; h < order.size(); ++h)
      for (const auto& [v, e] : neighbors(order[h]))
        if (!seen[static_cast<std::size_t>(v)]) seen[static_cast<std::size_t>(v)] = 1, order.push_back(v);
    return order;
  }
  /// Transfer stations: one shared medium, or one per direction of every link (2e for a < b).
  std::size_t num_transfer_stations() const noexcept { return s_.medium == medium_kind::shared ? 1 : 2 * s_.links.size(); }
  /// The transfer station of the directed edge u → v, counted after the N worker stations.
  std::size_t transfer_station(std::ptrdiff_t u, std::ptrdiff_t v) const {
    const auto N = adj_.size();
    if (s_.medium == medium_kind::shared) return N;
    for (const auto& [w, e] : neighbors(u))
      if (w == v) return N + 2 * e + (u < v ? 0 : 1);
    return N;
  }
  /// The route of least payload time from a to b for the activation at `cut` of `model` (its
  /// bytes decide the link weights), cached per (a, b, model, cut). Dijkstra, O(E log N) once.
  const std::vector<std::ptrdiff_t>& route(std::ptrdiff_t a, std::ptrdiff_t b, std::ptrdiff_t model, std::ptrdiff_t cut) {
    auto [it, fresh] = routes_.try_emplace({a, b, model, cut});
    if (fresh) it->second = shortest_route(a, b, s_.models[static_cast<std::size_t>(model)].profile.act_bytes[cut]);
    return it->second;
  }

private:
  std::vector<std::ptrdiff_t> shortest_route(std::ptrdiff_t a, std::ptrdiff_t b, double bytes) const {
    std::vector<double> dist(adj_.size(), INFINITY);
    std::vector<std::ptrdiff_t> prev(adj_.size(), no_node);
    using entry = std::pair<double, std::ptrdiff_t>;
    std::priority_queue<entry, std::vector<entry>, std::greater<>> q;
    dist[static_cast<std::size_t>(a)] = 0, q.push({0, a});
    while (!q.empty()) {
      const auto [d, u] = q.top();
      q.pop();
      if (d > dist[static_cast<std::size_t>(u)]) continue;
      for (const auto& [v, e] : neighbors(u)) {
        const double w = d + s_.links[e].latency_s + 8.0 * bytes / s_.links[e].bandwidth_bps;
        if (w < dist[static_cast<std::size_t>(v)] || (w == dist[static_cast<std::size_t>(v)] && u < prev[static_cast<std::size_t>(v)]))
          dist[static_cast<std::size_t>(v)] = w, prev[static_cast<std::size_t>(v)] = u, q.push({w, v});
      }
    }
    std::vector<std::ptrdiff_t> r{b};
    while (r.back() != a) r.push_back(prev[static_cast<std::size_t>(r.back())]);
    std::reverse(r.begin(), r.end());
    return r;
  }

  const scenario& s_;
  std::vector<adjacency> adj_;
  std::map<std::tuple<std::ptrdiff_t, std::ptrdiff_t, std::ptrdiff_t, std::ptrdiff_t>, std::vector<std::ptrdiff_t>> routes_;
};

}  // namespace idn::mdi::detail
