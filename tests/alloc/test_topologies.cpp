// Real backbones: the encoded maps (site and link counts, connectivity), great-circle latencies
// against published city distances, and backbone_network's routes against Floyd–Warshall.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <vector>

#include "idn/alloc/topologies.hpp"

using namespace idn::alloc;

namespace {
/// All-pairs shortest latencies by Floyd–Warshall (the oracle for the Dijkstra routes).
std::vector<std::vector<double>> all_pairs(const backbone& b) {
  const std::size_t S = b.sites.size();
  std::vector<std::vector<double>> d(S, std::vector<double>(S, INFINITY));
  for (std::size_t i = 0; i < S; ++i) d[i][i] = 0;
  for (const auto& [u, v] : b.links) d[u][v] = d[v][u] = great_circle_m(b.sites[u], b.sites[v]) / 2e8;
  for (std::size_t k = 0; k < S; ++k)
    for (std::size_t i = 0; i < S; ++i)
      for (std::size_t j = 0; j < S; ++j) d[i][j] = std::min(d[i][j], d[i][k] + d[k][j]);
  return d;
}
}  // namespace

TEST_CASE("backbones: Abilene has 11 sites and 14 links, GEANT 2010 37 and 56; both connected, no duplicate links") {
  for (const backbone& b : {abilene(), geant2010()}) {
    CAPTURE(b.name);
    std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
    for (const auto& [u, v] : b.links) {
      REQUIRE(u != v);
      REQUIRE(seen.insert({std::min(u, v), std::max(u, v)}).second);
    }
    const auto d = all_pairs(b);
    for (std::size_t i = 0; i < b.sites.size(); ++i) REQUIRE(std::isfinite(d[0][i]));
  }
  CHECK(abilene().sites.size() == 11);
  CHECK(abilene().links.size() == 14);
  CHECK(geant2010().sites.size() == 37);
  CHECK(geant2010().links.size() == 56);
}

TEST_CASE("great_circle_m: published city distances within 1 %") {
  const backbone a = abilene();
  // New York – Chicago 1,145 km; Los Angeles – Houston 2,206 km.
  CHECK(great_circle_m(a.sites[0], a.sites[1]) == doctest::Approx(1145e3).epsilon(0.01));
  CHECK(great_circle_m(a.sites[5], a.sites[8]) == doctest::Approx(2206e3).epsilon(0.01));
  CHECK(great_circle_m(a.sites[3], a.sites[3]) == 0);
  // London – Paris 344 km (GEANT's United Kingdom and France sites).
  const backbone g = geant2010();
  CHECK(great_circle_m(g.sites[31], g.sites[7]) == doctest::Approx(344e3).epsilon(0.01));
}

TEST_CASE("backbone_network: every type rides a shortest-latency path to the repository, with the stated nodes and options") {
  for (const backbone& topo : {abilene(), geant2010()}) {
    const auto d = all_pairs(topo);
    for (std::size_t repo = 0; repo < topo.sites.size(); repo += 3) {
      backbone_options p;
      p.topology = topo;
      p.repository_site = repo;
      p.site_budget_bytes = 10;
      p.access_per_site = 2;
      p.access_budget_bytes = 3;
      p.catalog = {{"a", {{"small", 0.5}, {"big", 0.9}}}, {"b", {{"b0", 0.7}}}};
      p.option = [](std::size_t tier, model_id m) -> std::optional<option_data> {
        const double size = m == 1 ? 8.0 : 2.0;  // "big" does not fit an access node
        return option_data{size, 0.001 * static_cast<double>(tier + 1), INFINITY, 0};
      };
      const network net = backbone_network(p);
      const instance in = net.build();
      const std::size_t S = topo.sites.size();
      REQUIRE(in.num_nodes() == S + 2 * S);
      REQUIRE(in.num_types() == 2 * S * 2);
      // Options: every non-repository site hosts all 3 models; access nodes the two small ones.
      REQUIRE(in.num_vars() == (S - 1) * 3 + 2 * S * 2);
      for (std::size_t t = 0; t < in.num_types(); ++t) {
        const auto path = in.type_path(static_cast<type_id>(t));
        REQUIRE(path.size() >= 2);
        REQUIRE(path[0] >= S);  // an access node
        REQUIRE(path.back() == repo);
        double lat = 0;
        for (std::size_t h = 2; h < path.size(); ++h) lat += great_circle_m(topo.sites[path[h - 1]], topo.sites[path[h]]) / 2e8;
        CAPTURE(topo.name);
        CAPTURE(t);
        REQUIRE(lat == doctest::Approx(d[path[1]][repo]).epsilon(1e-12));
      }
    }
  }
  backbone_options bad;
  bad.topology = abilene();
  bad.repository_site = 11;
  bad.option = [](std::size_t, model_id) -> std::optional<option_data> { return std::nullopt; };
  CHECK_THROWS_WITH_AS(backbone_network(bad), doctest::Contains("repository_site = 11"), idn::invalid_input);
  bad.repository_site = 0;
  bad.topology.links.push_back({0, 40});
  CHECK_THROWS_WITH_AS(backbone_network(bad), doctest::Contains("links[14] = (0, 40)"), idn::invalid_input);
  bad.topology.links.pop_back();
  bad.topology.sites.push_back({"island", 0, 0});
  CHECK_THROWS_WITH_AS(backbone_network(bad), doctest::Contains("idn::alloc::backbone_network: topology.sites[11] = island: cannot reach the repository site"), idn::invalid_input);
}
