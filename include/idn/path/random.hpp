#pragma once
/// Random block graphs for tests and benchmarks (docs/path.md random.hpp). Every draw goes
/// through idn::uniform01, so a seed gives the same graph_spec on every platform. Servers form a
/// full duplex mesh; model m lives on server m mod S; connections that would close a cycle are
/// skipped, so the result always constructs a block_graph.
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/path/graph.hpp"

namespace idn::path {

/// random_graph_spec's knobs: sizes and the probabilities of extra heads, early exits, skips and ties.
struct random_graph_options {
  std::size_t models = 3, blocks = 6, servers = 2, services = 1, fanout = 2;  ///< fanout: connections per boundary
  bool depth_matched = false;  ///< connections land on the depth-nearest boundary ±1
  double extra_head_prob = 0.5, early_exit_prob = 0, skip_prob = 0.1, tie_prob = 0.1;
};

namespace detail {
/// random_graph_spec's draws: u() uniform in [0, 1), pick(n) uniform in {0, …, n−1}. The steps
/// below draw in a fixed order, so a seed always gives the same graph.
template <class G>
struct graph_draws {
  G& rng;
  double u() { return uniform01(rng); }
  std::size_t pick(std::size_t n) { return std::min(n - 1, static_cast<std::size_t>(u() * static_cast<double>(n))); }
};

/// Servers, full-mesh duplex links, models with their blocks and original heads.
template <class G>
void random_servers_and_models(graph_draws<G>& d, const random_graph_options& p, graph_spec& g) {
  auto u = [&] { return d.u(); };
  for (std::size_t s = 0; s < p.servers; ++s) {
    const double cap = 1e9 * (1 + 9 * u());
    g.servers.push_back({concat("s", s), cap, cap * 0.3 * u()});
  }
  for (std::size_t a = 0; a < p.servers; ++a)
    for (std::size_t b = a + 1; b < p.servers; ++b) add_duplex_link(g, a, b, 1e7 * std::pow(100.0, u()), 5e-3 * u());
  for (std::size_t m = 0; m < p.models; ++m) {
    model_spec md;
    md.name = concat("m", m), md.server = m % p.servers, md.task = m, md.input_bytes = 1e4 * (1 + 99 * u());
    md.accuracy = 0.5 + 0.45 * u();
    if (m > 0 && u() < p.tie_prob) md.accuracy = g.models[0].accuracy;
    for (std::size_t k = 0; k < p.blocks; ++k) {
      block_spec b{1e7 * (1 + 99 * u()), 1e3 * (1 + 999 * u())};
      if (k > 0 && u() < p.tie_prob) b = md.blocks.back();
      md.blocks.push_back(b);
    }
    g.models.push_back(md);
    head_spec h;
    h.model = m, h.boundary = p.blocks, h.task = m, h.kind = head_kind::original, h.flops = 1e6 * (1 + 9 * u()), h.output_bytes = 100 * (1 + 9 * u());
    h.accuracy = md.accuracy;
    g.heads.push_back(h);
  }
}

/// Extra heads (a random service's task on a foreign trunk) and early exits (their own task).
template <class G>
void random_extra_heads(graph_draws<G>& d, const random_graph_options& p, graph_spec& g) {
  auto u = [&] { return d.u(); };
  auto pick = [&](std::size_t n) { return d.pick(n); };
  for (std::size_t m = 0; m < p.models; ++m) {
    for (std::size_t k = 1; k <= p.blocks; ++k) {
      // Extra heads serve a random service's task on a foreign trunk; early exits serve their own.
      if (u() < p.extra_head_prob / static_cast<double>(p.blocks)) {
        const std::size_t task = pick(p.services);
        if (task != m) {
          head_spec h;
          h.model = m, h.boundary = k, h.task = task, h.kind = head_kind::extra, h.flops = 1e6 * (1 + 9 * u()), h.output_bytes = 100 * (1 + 9 * u());
          h.accuracy_penalty = 0.05 * u();
          g.heads.push_back(h);
        }
      }
      if (k < p.blocks && u() < p.early_exit_prob) {
        head_spec h;
        h.model = m, h.boundary = k, h.task = m, h.kind = head_kind::early_exit, h.flops = 1e6 * (1 + 9 * u()), h.output_bytes = 100 * (1 + 9 * u());
        h.accuracy = g.models[m].accuracy * (0.5 + 0.5 * static_cast<double>(k) / static_cast<double>(p.blocks));
        g.heads.push_back(h);
      }
    }
  }
}

/// Connections between boundaries (fanout per boundary, optionally depth-matched, plus skips
/// within a model), skipping any that would close a cycle.
template <class G>
void random_connections(graph_draws<G>& d, const random_graph_options& p, graph_spec& g) {
  auto u = [&] { return d.u(); };
  auto pick = [&](std::size_t n) { return d.pick(n); };
  acyclic_connections dag(g);
  auto depth = [&](std::size_t m, std::size_t k) {
    double a = 0, t = 0;
    for (std::size_t q = 0; q < p.blocks; ++q) t += g.models[m].blocks[q].flops, a += q < k ? g.models[m].blocks[q].flops : 0;
    return a / t;
  };
  for (std::size_t m = 0; m < p.models; ++m)
    for (std::size_t k = 0; k <= p.blocks; ++k) {
      std::vector<std::pair<std::size_t, std::size_t>> targets;
      for (std::size_t f = 0; f < p.fanout && p.models > 1; ++f) {
        std::size_t j = pick(p.models - 1);
        if (j >= m) ++j;
        std::size_t kp;
        if (p.depth_matched) {
          const double d = depth(m, k);
          std::size_t nearest = 0;
          for (std::size_t q = 0; q < p.blocks; ++q)
            if (std::abs(depth(j, q) - d) < std::abs(depth(j, nearest) - d)) nearest = q;
          kp = std::clamp<std::size_t>(nearest + pick(3) - 1, 0, p.blocks - 1);
        } else {
          kp = pick(p.blocks);
        }
        targets.push_back({j, kp});
      }
      if (k + 1 < p.blocks && u() < p.skip_prob) targets.push_back({m, k + 1 + pick(p.blocks - k - 1)});
      for (const auto& [j, kp] : targets) {
        if (j == m && kp <= k) continue;
        if (dag.closes_cycle(m, k, j, kp)) continue;  // checked before drawing, so the stream only depends on kept connections
        connection_spec c;
        c.from_model = m, c.from_boundary = k, c.to_model = j, c.to_boundary = kp;
        c.adapter_flops = 1e6 * (1 + 9 * u()), c.site = u() < 0.5 ? adapter_site::destination : adapter_site::source;
        c.accuracy_penalty = 0.03 * u();
        if (u() < p.tie_prob) c.accuracy_penalty = 0;
        dag.add(c);
      }
    }
}
}  // namespace detail

/// A random CoDE graph for tests and benches: `options.models` models of `blocks` blocks on
/// `servers` servers, extra heads, early exits and connections drawn as the options say, and the
/// first `services` models as services with a load that keeps their home server stable.
/// Deterministic for a given rng state. O(models · blocks · fanout).
template <std::uniform_random_bit_generator G>
graph_spec random_graph_spec(G& rng, const random_graph_options& p) {
  if (p.models < 1 || p.blocks < 1 || p.servers < 1 || p.services < 1 || p.services > p.models)
    detail::fail("random_graph_spec", "options (models, blocks, servers, services)", concat("(", p.models, ", ", p.blocks, ", ", p.servers, ", ", p.services, ")"),
                 "each must be >= 1, and services <= models");
  detail::graph_draws<G> d{rng};
  graph_spec g;
  detail::random_servers_and_models(d, p, g);
  detail::random_extra_heads(d, p, g);
  detail::random_connections(d, p, g);
  auto u = [&] { return d.u(); };
  for (std::size_t l = 0; l < p.services; ++l) {
    const model_spec& md = g.models[l];
    double W = g.heads[l].flops;
    for (const block_spec& b : md.blocks) W += b.flops;
    const server_spec& sv = g.servers[static_cast<std::size_t>(md.server)];
    g.services.push_back({concat("svc", l), l, std::max(1e-3, (0.2 + 2.8 * u()) * (sv.capacity_flops - sv.background_flops) / W / static_cast<double>(p.services))});
  }
  return g;
}

}  // namespace idn::path
