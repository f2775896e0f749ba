#pragma once
// Random small IDNs (trees and meshes, 2-8 nodes, <= 14 variables) with their own plain records,
// plus a naive serving simulator that works from those records only: the independent oracle.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "idn/alloc/network.hpp"
#include "idn/core/random.hpp"

namespace idn::test {

struct naive_idn {
  struct option { std::uint32_t v, m; double s, d, L; };
  struct pin { std::uint32_t v, m; double d; };
  std::vector<double> budget;
  std::vector<std::uint32_t> parent;               // tree parent (root 0)
  std::vector<std::vector<double>> w;              // link latency matrix (NaN = none)
  std::vector<std::uint32_t> model_task;
  std::vector<double> accuracy;
  std::vector<option> options;                     // in insertion order
  std::vector<pin> pins;
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> types;  // task, path
  double alpha = 0, nu = 1;
  alloc::network net;
};

/// unit_sizes: every option has size 1 (budgets stay integers), where both DepRound modes coincide.
/// The test's plain node numbers as the library's node ids.
inline std::vector<alloc::node_id> node_ids(const std::vector<std::uint32_t>& v) {
  std::vector<alloc::node_id> out;
  for (const std::uint32_t x : v) out.push_back(alloc::node_id{x});
  return out;
}

inline naive_idn random_idn(idn::rng& g, std::size_t max_vars = 14, std::size_t max_nodes = 8, bool unit_sizes = false) {
  naive_idn d;
  const std::size_t V = 2 + g() % (max_nodes - 1), tasks = 1 + g() % 3;
  d.w.assign(V, std::vector<double>(V, NAN));
  for (std::size_t v = 0; v < V; ++v) d.net.add_node(0), d.budget.push_back(0);
  d.parent.assign(V, 0);
  auto link = [&](std::uint32_t a, std::uint32_t b, double lat) {
    if (a == b || !std::isnan(d.w[a][b])) return;
    d.w[a][b] = d.w[b][a] = lat;
  };
  for (std::uint32_t v = 1; v < V; ++v) {
    d.parent[v] = static_cast<std::uint32_t>(g() % v);
    link(v, d.parent[v], 1e-3 * (1 + static_cast<double>(g() % 20)));
  }
  if (g() % 2)  // mesh: extra links
    for (int k = 0; k < 3; ++k) link(static_cast<std::uint32_t>(g() % V), static_cast<std::uint32_t>(g() % V), 1e-3 * (1 + static_cast<double>(g() % 20)));
  for (std::size_t t = 0; t < tasks; ++t) d.net.add_task("t");
  for (std::size_t t = 0; t < tasks; ++t)
    for (std::size_t k = 0, n = 1 + g() % 4; k < n; ++k) {
      d.model_task.push_back(static_cast<std::uint32_t>(t));
      d.accuracy.push_back(0.5 + 0.5 * idn::uniform01(g));
    }
  const std::size_t M = d.model_task.size();
  // Root pins every model; other nodes pin some.
  std::vector<std::vector<int>> hosted(V, std::vector<int>(M, 0));
  for (std::uint32_t m = 0; m < M; ++m) { d.pins.push_back({0, m, 0.01 + 0.05 * idn::uniform01(g)}); hosted[0][m] = 1; }
  for (int k = 0; k < 3; ++k) {
    const auto v = static_cast<std::uint32_t>(g() % V), m = static_cast<std::uint32_t>(g() % M);
    if (!hosted[v][m]) { d.pins.push_back({v, m, 0.02 * idn::uniform01(g)}); hosted[v][m] = 1; }
  }
  const std::size_t nvars = 1 + g() % max_vars;
  for (std::size_t k = 0; k < 4 * nvars && d.options.size() < nvars; ++k) {
    const auto v = static_cast<std::uint32_t>(g() % V), m = static_cast<std::uint32_t>(g() % M);
    if (hosted[v][m]) continue;
    hosted[v][m] = 1;
    const double L = g() % 4 == 0 ? INFINITY : static_cast<double>(g() % 30);
    const double size = 1 + static_cast<double>(g() % 10);
    d.options.push_back({v, m, unit_sizes ? 1.0 : size, 0.02 * idn::uniform01(g), L});
  }
  for (const auto& o : d.options) d.budget[o.v] = std::max(d.budget[o.v], o.s);
  for (auto& b : d.budget) b += static_cast<double>(g() % 12);
  // Rebuild the network with the budgets now known.
  d.net = alloc::network();
  for (std::size_t t = 0; t < tasks; ++t) d.net.add_task("t");
  for (std::uint32_t m = 0; m < M; ++m) d.net.add_model(alloc::task_id{d.model_task[m]}, d.accuracy[m]);
  for (std::size_t v = 0; v < V; ++v) d.net.add_node(d.budget[v]);
  for (std::uint32_t a = 0; a < V; ++a)
    for (std::uint32_t b = a + 1; b < V; ++b)
      if (!std::isnan(d.w[a][b])) d.net.add_link(alloc::node_id{a}, alloc::node_id{b}, d.w[a][b]);
  for (const auto& o : d.options) d.net.add_option(alloc::node_id{o.v}, alloc::model_id{o.m}, {o.s, o.d, o.L});
  for (const auto& p : d.pins) d.net.pin(alloc::node_id{p.v}, alloc::model_id{p.m}, p.d);
  // Types: random ingress, tree path to the root.
  for (std::size_t k = 0, n = 1 + g() % 10; k < n; ++k) {
    const auto task = static_cast<std::uint32_t>(g() % tasks);
    std::vector<std::uint32_t> path{static_cast<std::uint32_t>(g() % V)};
    while (path.back() != 0) path.push_back(d.parent[path.back()]);
    d.net.add_request_type(alloc::task_id{task}, node_ids(path));
    d.types.push_back({task, path});
  }
  d.alpha = idn::uniform01(g) * 0.2;
  d.nu = g() % 2 ? 1.0 : 2.0;
  return d;
}

/// What the naive simulator reports: C(x) and request-weighted latency, accuracy, fallback share.
struct naive_serving { double cost = 0, mean_latency = 0, mean_accuracy = 0, fallback_share = 0; };

/// Naive serving of requests r (per type), cheapest-first with uncapped capacity L, from the
/// records alone. x is indexed like d.options (insertion order). A request's latency is the path
/// latency ν·Σw to the serving node plus the model's inference delay; its cost adds α(1 − acc).
inline naive_serving naive_serve(const naive_idn& d, const std::vector<double>& r, const std::vector<int>& x_by_option) {
  naive_serving out;
  double total = 0, requests = 0;
  for (std::size_t t = 0; t < d.types.size(); ++t) {
    const auto& [task, path] = d.types[t];
    struct cand { double cost; bool pinned; std::uint32_t hop, m; double L, latency; };
    std::vector<cand> cs;
    double prefix = 0;
    for (std::uint32_t h = 0; h < path.size(); ++h) {
      if (h > 0) prefix += d.nu * d.w[path[h - 1]][path[h]];
      for (std::size_t o = 0; o < d.options.size(); ++o) {
        const auto& op = d.options[o];
        if (op.v == path[h] && d.model_task[op.m] == task && x_by_option[o])
          cs.push_back({prefix + op.d + d.alpha * (1 - d.accuracy[op.m]), false, h, op.m, op.L, prefix + op.d});
      }
      for (const auto& p : d.pins)
        if (p.v == path[h] && d.model_task[p.m] == task)
          cs.push_back({prefix + p.d + d.alpha * (1 - d.accuracy[p.m]), true, h, p.m, INFINITY, prefix + p.d});
    }
    std::sort(cs.begin(), cs.end(), [](const cand& a, const cand& b) {
      if (a.cost != b.cost) return a.cost < b.cost;
      if (a.pinned != b.pinned) return a.pinned;
      if (a.hop != b.hop) return a.hop < b.hop;
      return a.m < b.m;
    });
    double left = r[t];
    if (left > 0) requests += left;
    for (const auto& c : cs) {
      const double z = std::min(left, c.L);
      total += z * c.cost;
      out.mean_latency += z * c.latency;
      out.mean_accuracy += z * d.accuracy[c.m];
      if (c.pinned) out.fallback_share += z;
      left -= z;
      if (left <= 0 || c.pinned) break;
    }
  }
  out.cost = total;
  if (requests > 0) out.mean_latency /= requests, out.mean_accuracy /= requests, out.fallback_share /= requests;
  return out;
}

/// Naive C(x) (see naive_serve).
inline double naive_cost(const naive_idn& d, const std::vector<double>& r, const std::vector<int>& x_by_option) {
  return naive_serve(d, r, x_by_option).cost;
}

}  // namespace idn::test
