#pragma once
/// Real backbone topologies for IDN scenarios (docs/alloc.md): Abilene (Internet2, February
/// 2005) and GÉANT (August 2010), as encoded by the Internet Topology Zoo (Knight et al., IEEE
/// JSAC 2011; files Abilene.gml and Geant2010.gml) from the operators' published maps: site
/// names, coordinates and links. Link latency is modelled as great-circle distance at 2·10⁸ m/s
/// (light in fibre); the maps give no latencies. backbone_network() hangs access nodes below
/// every site and routes every request along the shortest-latency path to the repository site.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"

namespace idn::alloc {

/// A backbone site and its position (for great-circle link latencies).
struct backbone_site {
  std::string name;
  double latitude_deg = 0, longitude_deg = 0;
};

/// An undirected backbone: sites and links (pairs of site indices).
struct backbone {
  std::string name;
  std::vector<backbone_site> sites;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
};

/// Abilene, February 2005: 11 sites, 14 OC-192 links (Topology Zoo "Abilene").
inline backbone abilene() {
  return {"Abilene",
          {{"New York", 40.71427, -74.00597}, {"Chicago", 41.85003, -87.65005}, {"Washington DC", 38.89511, -77.03637},
           {"Seattle", 47.60621, -122.33207}, {"Sunnyvale", 37.36883, -122.03635}, {"Los Angeles", 34.05223, -118.24368},
           {"Denver", 39.73915, -104.9847}, {"Kansas City", 39.11417, -94.62746}, {"Houston", 29.76328, -95.36327},
           {"Atlanta", 33.749, -84.38798}, {"Indianapolis", 39.76838, -86.15804}},
          {{0, 1}, {0, 2}, {1, 10}, {2, 9}, {3, 4}, {3, 6}, {4, 5}, {4, 6}, {5, 8}, {6, 7}, {7, 8}, {7, 10}, {8, 9}, {9, 10}}};
}

/// GÉANT, August 2010: 37 sites (named by country), 56 distinct links (Topology Zoo
/// "Geant2010"; its two parallel links are merged).
inline backbone geant2010() {
  return {"GEANT",
          {{"Netherlands", 52.37403, 4.88969},   {"Belgium", 50.85045, 4.34878},      {"Denmark", 55.67594, 12.56553},
           {"Poland", 52.41667, 16.96667},       {"Germany", 50.11667, 8.68333},      {"Czech Republic", 50.08804, 14.42076},
           {"Luxembourg", 49.61167, 6.13},       {"France", 48.85341, 2.3488},        {"Switzerland", 46.94809, 7.44744},
           {"Italy", 45.46427, 9.18951},         {"Bulgaria", 42.69751, 23.32415},    {"Romania", 44.43225, 26.10626},
           {"Turkey", 39.05901, 34.91155},       {"Greece", 37.97945, 23.71622},      {"Cyprus", 35.16667, 33.36667},
           {"Israel", 31.5, 34.75},              {"Malta", 35.90917, 14.42556},       {"Macedonia", 42.0, 21.43333},
           {"Montenegro", 42.44111, 19.26361},   {"Hungary", 47.49801, 19.03991},     {"Slovakia", 48.14816, 17.10674},
           {"Portugal", 38.71667, -9.13333},     {"Spain", 40.4165, -3.70256},        {"Serbia", 44.80401, 20.46513},
           {"Croatia", 45.81444, 15.97798},      {"Slovenia", 46.05108, 14.50513},    {"Austria", 48.20849, 16.37208},
           {"Lithuania", 54.9, 23.9},            {"Russia", 55.75222, 37.61556},      {"Iceland", 64.13548, -21.89541},
           {"Ireland", 53.34399, -6.26719},      {"United Kingdom", 51.50853, -0.12574}, {"Norway", 62.0, 10.0},
           {"Sweden", 59.33258, 18.0649},        {"Finland", 60.45148, 22.26869},     {"Estonia", 59.43696, 24.75353},
           {"Latvia", 56.946, 24.10589}},
          {{0, 1},   {0, 2},   {0, 4},   {1, 31},  {2, 33},  {2, 35},  {2, 4},   {2, 32},  {2, 28},  {2, 29},  {3, 27},  {3, 4},
           {3, 5},   {4, 5},   {4, 6},   {4, 8},   {4, 15},  {4, 26},  {4, 28},  {5, 20},  {6, 7},   {7, 8},   {7, 22},  {7, 31},
           {8, 9},   {8, 22},  {9, 13},  {9, 14},  {9, 16},  {9, 22},  {9, 26},  {10, 11}, {10, 17}, {10, 19}, {10, 12}, {10, 13},
           {11, 19}, {11, 12}, {13, 26}, {13, 14}, {15, 31}, {18, 24}, {19, 24}, {19, 20}, {19, 23}, {20, 26}, {21, 22}, {21, 31},
           {24, 25}, {25, 26}, {27, 36}, {29, 31}, {30, 31}, {32, 33}, {33, 34}, {35, 36}}};
}

/// Great-circle distance in metres on a sphere of radius 6,371 km (haversine). O(1).
inline double great_circle_m(const backbone_site& a, const backbone_site& b) noexcept {
  constexpr double deg = 3.14159265358979323846 / 180, radius = 6371e3;
  const double dlat = (b.latitude_deg - a.latitude_deg) * deg, dlon = (b.longitude_deg - a.longitude_deg) * deg;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude_deg * deg) * std::cos(b.latitude_deg * deg) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * radius * std::asin(std::min(1.0, std::sqrt(h)));
}

/// backbone_network's input: the topology, the repository site, the catalog, budgets and the signal speed.
struct backbone_options {
  backbone topology;
  std::size_t repository_site = 0;  ///< the site that pins every model (the cloud)
  double site_budget_bytes = 0;     ///< each other site hosts an edge server with this budget
  std::size_t access_per_site = 1;  ///< access nodes below every site (request ingress points)
  double access_budget_bytes = 0;
  double access_latency_s = 0.005;  ///< access node ↔ its site
  double metres_per_s = 2e8;        ///< signal speed on backbone links
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> catalog;  ///< task → (model, accuracy)
  /// Option data of model m on tier 0 (repository), 1 (backbone site) or 2 (access); nullopt: cannot host.
  std::function<std::optional<option_data>(std::size_t tier, model_id)> option;
};

/// The IDN on a backbone: nodes are the sites (site i is node i; the repository site pins every
/// model with option(0, m)'s delay and hosts nothing else) followed by access_per_site access
/// nodes per site. One request type per access node and task, routed access → site → the
/// shortest-latency backbone path to the repository (Dijkstra; ties to the smaller site index).
/// Options that do not fit their node's budget are skipped. O(sites·links·log + types·path).
inline network backbone_network(const backbone_options& p) {
  const auto& topo = p.topology;
  const std::size_t S = topo.sites.size();
  if (S == 0) detail::fail("backbone_network", "topology.sites.size()", 0, "must be >= 1");
  if (p.repository_site >= S) detail::fail("backbone_network", "repository_site", p.repository_site, concat("must be < the number of sites = ", S));
  if (!p.option) detail::fail("backbone_network", "option", "empty", "must be a callable");
  if (!(p.metres_per_s > 0) || !std::isfinite(p.metres_per_s))
    detail::fail("backbone_network", "metres_per_s", p.metres_per_s, "must be finite and > 0");
  network net;
  std::vector<model_id> models;
  for (const auto& [task_name, list] : p.catalog) {
    const task_id t = net.add_task(task_name);
    for (const auto& [model_name, acc] : list) models.push_back(net.add_model(t, acc, model_name));
  }
  for (std::size_t i = 0; i < S; ++i) net.add_node(i == p.repository_site ? 0.0 : p.site_budget_bytes, topo.sites[i].name);
  std::vector<std::vector<std::pair<std::uint32_t, double>>> adj(S);
  for (std::size_t k = 0; k < topo.links.size(); ++k) {
    const auto [a, b] = topo.links[k];
    if (a >= S || b >= S) detail::fail("backbone_network", concat("topology.links[", k, "]"), concat("(", a, ", ", b, ")"), concat("sites must be < the number of sites = ", S));
    const double w = great_circle_m(topo.sites[a], topo.sites[b]) / p.metres_per_s;
    net.add_link(node_id{a}, node_id{b}, w);
    adj[a].push_back({b, w});
    adj[b].push_back({a, w});
  }
  // Shortest-latency tree towards the repository.
  std::vector<double> dist(S, INFINITY);
  std::vector<std::uint32_t> next_hop(S, UINT32_MAX);
  using item = std::pair<double, std::uint32_t>;
  std::priority_queue<item, std::vector<item>, std::greater<>> pq;
  dist[p.repository_site] = 0;
  pq.push({0.0, static_cast<std::uint32_t>(p.repository_site)});
  while (!pq.empty()) {
    const auto [d, u] = pq.top();
    pq.pop();
    if (d > dist[u]) continue;
    for (const auto& [v, w] : adj[u]) {
      const double nd = d + w;
      if (nd < dist[v] || (nd == dist[v] && u < next_hop[v])) {
        const bool improved = nd < dist[v];
        dist[v] = nd;
        next_hop[v] = u;
        if (improved) pq.push({nd, v});
      }
    }
  }
  for (std::size_t i = 0; i < S; ++i)
    if (!std::isfinite(dist[i])) detail::fail("backbone_network", concat("topology.sites[", i, "]"), topo.sites[i].name, "cannot reach the repository site");
  for (std::size_t m = 0; m < models.size(); ++m) {
    const auto o = p.option(0, static_cast<model_id>(m));
    net.pin(static_cast<node_id>(p.repository_site), models[m], o ? o->inference_delay_s : 0.0);
  }
  for (std::size_t i = 0; i < S; ++i) {
    if (i == p.repository_site) continue;
    for (std::size_t m = 0; m < models.size(); ++m) {
      const auto o = p.option(1, static_cast<model_id>(m));
      if (o && o->size_bytes <= p.site_budget_bytes) net.add_option(static_cast<node_id>(i), models[m], *o);
    }
  }
  for (std::size_t i = 0; i < S; ++i) {
    std::vector<node_id> route{static_cast<node_id>(i)};
    while (route.back() != p.repository_site) route.push_back(node_id{next_hop[route.back()]});
    for (std::size_t a = 0; a < p.access_per_site; ++a) {
      const node_id v = net.add_node(p.access_budget_bytes, concat(topo.sites[i].name, "/access", a));
      net.add_link(v, static_cast<node_id>(i), p.access_latency_s);
      for (std::size_t m = 0; m < models.size(); ++m) {
        const auto o = p.option(2, static_cast<model_id>(m));
        if (o && o->size_bytes <= p.access_budget_bytes) net.add_option(v, models[m], *o);
      }
      std::vector<node_id> path{v};
      path.insert(path.end(), route.begin(), route.end());
      for (std::size_t t = 0; t < p.catalog.size(); ++t) net.add_request_type(static_cast<task_id>(t), path);
    }
  }
  return net;
}

}  // namespace idn::alloc
