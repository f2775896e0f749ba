// idn/path/graph.hpp: block_graph's derived tables against direct recomputation from the spec on
// random graphs (node numbering, prefix FLOPs and depth, link table, topological order,
// connection and head lists, per-service loads), and every malformed spec named by its field.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "approx.hpp"
#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/path/graph.hpp"
#include "idn/path/random.hpp"
#include "two_servers.hpp"

using namespace idn::path;

TEST_CASE("block_graph: derived tables equal a direct recomputation from the spec (500 random graphs)") {
  idn::rng g(808);
  std::size_t connections_seen = 0;
  for (int trial = 0; trial < 500; ++trial) {
    random_graph_options o;
    o.models = 2 + g() % 4;
    o.blocks = 2 + g() % 6;
    o.servers = 1 + g() % 3;
    o.services = 1 + g() % std::min<std::size_t>(o.models, 3);
    const graph_spec spec = random_graph_spec(g, o);
    const block_graph bg(spec);
    CAPTURE(trial);
    REQUIRE(bg.num_models() == spec.models.size());
    std::size_t nodes = 0;
    for (std::size_t m = 0; m < spec.models.size(); ++m) {
      const auto& md = spec.models[m];
      REQUIRE(bg.blocks(m) == md.blocks.size());
      double prefix = 0;
      for (std::size_t k = 0; k <= md.blocks.size(); ++k) {
        const std::size_t v = bg.node(m, k);
        REQUIRE(v == nodes + k);  // nodes numbered model by model, boundary by boundary
        REQUIRE(bg.node_model(v) == m);
        REQUIRE(bg.node_boundary(v) == k);
        REQUIRE(bg.prefix_flops(m, k) == idn::test::rel(prefix).epsilon(1e-12));
        if (k > 0) REQUIRE(bg.block_flops(m, k) == md.blocks[k - 1].flops);
        if (k < md.blocks.size()) prefix += md.blocks[k].flops;
      }
      // W_m: the trunk plus the original head, the one head of the model's own task at its last boundary.
      std::size_t original = npos;
      for (std::size_t h = 0; h < spec.heads.size(); ++h)
        if (spec.heads[h].model == m && spec.heads[h].kind == head_kind::original) original = h;
      REQUIRE(original != npos);
      REQUIRE(bg.original_head(m) == original);
      REQUIRE(spec.heads[original].boundary == md.blocks.size());
      REQUIRE(bg.model_flops(m) == idn::test::rel(prefix + spec.heads[original].flops).epsilon(1e-12));
      REQUIRE(bg.depth(m, md.blocks.size()) == 1.0);
      REQUIRE(bg.server_of(m) == md.server);
      nodes += md.blocks.size() + 1;
    }
    REQUIRE(bg.num_nodes() == nodes);
    // Link table: link(a, b) is the index of the spec's a -> b link, if any.
    for (std::size_t a = 0; a < bg.num_servers(); ++a)
      for (std::size_t b = 0; b < bg.num_servers(); ++b) {
        std::size_t want = npos;
        for (std::size_t e = 0; e < spec.links.size(); ++e)
          if (spec.links[e].from == a && spec.links[e].to == b) want = e;
        REQUIRE(bg.link_or_none(a, b) == want);
        REQUIRE(bg.link(a, b).has_value() == (want != npos));
      }
    // Topological order: a permutation of the nodes in which every block edge and connection goes forward.
    const auto order = bg.topological_order();
    REQUIRE(order.size() == nodes);
    std::vector<std::size_t> pos(nodes, npos);
    for (std::size_t i = 0; i < order.size(); ++i) {
      REQUIRE(pos[order[i]] == npos);
      pos[order[i]] = i;
    }
    for (std::size_t m = 0; m < spec.models.size(); ++m)
      for (std::size_t k = 0; k < spec.models[m].blocks.size(); ++k) REQUIRE(pos[bg.node(m, k)] < pos[bg.node(m, k + 1)]);
    std::vector<std::size_t> listed;
    for (std::size_t v = 0; v < nodes; ++v)
      for (const std::size_t c : bg.connections_from(v)) {
        const auto& cn = spec.connections[c];
        REQUIRE(bg.node(cn.from_model, cn.from_boundary) == v);
        REQUIRE(pos[v] < pos[bg.node(cn.to_model, cn.to_boundary)]);
        // connection_depths: the share of the model's block FLOPs before each end, from the spec.
        auto depth_of = [&](std::size_t m, std::size_t k) {
          double before = 0, all = 0;
          for (std::size_t i = 0; i < spec.models[m].blocks.size(); ++i) (i < k ? before : all) += spec.models[m].blocks[i].flops;
          return before / (before + all);
        };
        const auto [from_depth, to_depth] = bg.connection_depths(c);
        REQUIRE(from_depth == idn::test::rel(depth_of(cn.from_model, cn.from_boundary)).epsilon(1e-12));
        REQUIRE(to_depth == idn::test::rel(depth_of(cn.to_model, cn.to_boundary)).epsilon(1e-12));
        listed.push_back(c);
      }
    std::sort(listed.begin(), listed.end());
    REQUIRE(listed.size() == spec.connections.size());  // every connection listed once, at its source
    for (std::size_t c = 0; c < listed.size(); ++c) REQUIRE(listed[c] == c);
    connections_seen += listed.size();
    std::size_t heads = 0;
    for (std::size_t v = 0; v < nodes; ++v)
      for (const std::size_t h : bg.heads_at(v)) {
        REQUIRE(bg.node(spec.heads[h].model, spec.heads[h].boundary) == v);
        ++heads;
      }
    REQUIRE(heads == spec.heads.size());
    // Loads: other_load(s, l) sums lambda * W of the other services on s; residual clamps at 0.
    for (std::size_t l = 0; l < spec.services.size(); ++l) {
      REQUIRE(bg.service_of_model(spec.services[l].model) == l);
      for (std::size_t s = 0; s < bg.num_servers(); ++s) {
        double other = 0;
        for (std::size_t j = 0; j < spec.services.size(); ++j)
          if (j != l && spec.models[spec.services[j].model].server == s) other += spec.services[j].arrival_rate * bg.model_flops(spec.services[j].model);
        REQUIRE(bg.other_load(s, l) == idn::test::rel(other).epsilon(1e-12));
        const double r = 0.9 * spec.servers[s].capacity_flops - spec.servers[s].background_flops - other;
        REQUIRE(bg.residual_flops(s, l, 0.9) == idn::test::rel(std::max(r, 0.0)).epsilon(1e-9));
      }
    }
  }
  CHECK(connections_seen > 1000);
}

TEST_CASE("block_graph: every malformed spec is named by its field") {
  const graph_spec good = idn::path::test::two_servers_joined();
  CHECK_NOTHROW(block_graph{good});
  const struct {
    void (*mutate)(graph_spec&);
    const char* message;
  } cases[] = {
      {[](graph_spec& s) { s.servers.clear(); }, "idn::path::block_graph: servers.size() = 0: must be >= 1"},
      {[](graph_spec& s) { s.servers[1].capacity_flops = 0; }, "idn::path::block_graph: servers[1].capacity_flops = 0: must be finite and > 0"},
      {[](graph_spec& s) { s.servers[0].background_flops = 1e10; },
       "idn::path::block_graph: servers[0].background_flops = 1e+10: must be >= 0 and < capacity_flops = 1e+10"},
      {[](graph_spec& s) { s.links[1].to = 7; }, "idn::path::block_graph: links[1].to = 7: unknown server (2 servers)"},
      {[](graph_spec& s) { s.links[0].to = 0; }, "idn::path::block_graph: links[0].to = 0: self-loop"},
      {[](graph_spec& s) { s.links[0].latency_s = -1; }, "idn::path::block_graph: links[0].latency_s = -1: must be finite and >= 0"},
      {[](graph_spec& s) { s.links.push_back(s.links[0]); }, "idn::path::block_graph: links[2] = 0 -> 1: duplicates links[0]"},
      {[](graph_spec& s) { s.models[1].blocks.clear(); }, "idn::path::block_graph: models[1].blocks.size() = 0: must be >= 1"},
      {[](graph_spec& s) { s.models[0].accuracy = 1.5; }, "idn::path::block_graph: models[0].accuracy = 1.5: must lie in [0,1]"},
      {[](graph_spec& s) { s.models[1].blocks[1].flops = 0; }, "idn::path::block_graph: models[1].blocks[1].flops = 0: must be finite and > 0"},
      {[](graph_spec& s) { s.heads[0].boundary = 3; }, "idn::path::block_graph: heads[0].boundary = 3: must lie in [1,2]"},
      {[](graph_spec& s) { s.heads[1].model = 9; }, "idn::path::block_graph: heads[1].model = 9: unknown model (2 models)"},
      {[](graph_spec& s) { s.connections[0].to_model = 5; }, "idn::path::block_graph: connections[0].to_model = 5: unknown model (2 models)"},
      {[](graph_spec& s) { s.connections[0].adapter_flops = -2; }, "idn::path::block_graph: connections[0].adapter_flops = -2: must be finite and >= 0"},
      {[](graph_spec& s) { s.connections[0].to_boundary = 2; },
       "idn::path::block_graph: connections[0].to_boundary = 2: must lie in [0,1] (it feeds block to_boundary + 1)"},
      {[](graph_spec& s) { s.links.clear(); }, "idn::path::block_graph: connections[0] (servers) = 0 -> 1: needs a link between the servers"},
  };
  for (const auto& c : cases) {
    graph_spec s = good;
    c.mutate(s);
    CHECK(idn::test::error_of([&] { block_graph bg{s}; }) == c.message);
  }
}
