// idn/path/random.hpp: random_graph_spec gives valid graphs of the requested shape, the same graph
// for the same seed, different graphs for different seeds, and rejects impossible options.
#include <doctest/doctest.h>

#include <set>

#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/path/graph.hpp"
#include "idn/path/random.hpp"

using namespace idn::path;

TEST_CASE("random_graph_spec: requested shape, valid, reproducible by seed, varied across seeds (1,000 draws)") {
  std::set<double> first_block_flops;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    idn::rng g(seed), h(seed);
    random_graph_options o;
    o.models = 2 + seed % 4;
    o.blocks = 2 + seed % 5;
    o.servers = 1 + seed % 3;
    o.services = 1 + seed % 2;
    o.early_exit_prob = (seed % 3) * 0.2;
    const graph_spec s = random_graph_spec(g, o), t = random_graph_spec(h, o);
    CAPTURE(seed);
    REQUIRE(s.models.size() == o.models);
    REQUIRE(s.servers.size() == o.servers);
    REQUIRE(s.services.size() == o.services);
    for (const auto& m : s.models) REQUIRE(m.blocks.size() == o.blocks);
    CHECK_NOTHROW(block_graph{s});
    // Same seed: the same graph, draw for draw.
    REQUIRE(t.connections.size() == s.connections.size());
    REQUIRE(t.heads.size() == s.heads.size());
    for (std::size_t m = 0; m < s.models.size(); ++m)
      for (std::size_t k = 0; k < o.blocks; ++k) REQUIRE(t.models[m].blocks[k].flops == s.models[m].blocks[k].flops);
    for (std::size_t c = 0; c < s.connections.size(); ++c) {
      REQUIRE(t.connections[c].from_model == s.connections[c].from_model);
      REQUIRE(t.connections[c].to_boundary == s.connections[c].to_boundary);
    }
    first_block_flops.insert(s.models[0].blocks[0].flops);
  }
  CHECK(first_block_flops.size() > 900);  // seeds give different graphs
}

TEST_CASE("random_graph_spec: impossible options are named") {
  idn::rng g(1);
  random_graph_options o;
  o.services = o.models + 1;
  CHECK(idn::test::error_of([&] { (void)random_graph_spec(g, o); }) ==
        "idn::path::random_graph_spec: options (models, blocks, servers, services) = (3, 6, 2, 4): each must be >= 1, and services <= models");
  o = {};
  o.models = 0;
  CHECK(idn::test::error_of([&] { (void)random_graph_spec(g, o); }) ==
        "idn::path::random_graph_spec: options (models, blocks, servers, services) = (0, 6, 2, 1): each must be >= 1, and services <= models");
}
