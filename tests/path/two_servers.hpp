#pragma once
// The two-server graph most path tests start from.
#include "idn/path/graph.hpp"

namespace idn::path::test {

/// One service on server 0 with W = 1e9 FLOP (two blocks of 5e8), a remote server 1, a duplex
/// link of `bw` bit/s and 1 ms; server capacities cap0, cap1 FLOP/s; arrival rate `lambda`.
inline graph_spec two_servers(double cap0, double cap1, double lambda, double bw) {
  graph_spec g;
  g.servers = {{"a", cap0, 0}, {"b", cap1, 0}};
  add_duplex_link(g, 0, 1, bw, 1e-3);
  g.models.push_back({"m", 0, 0, 1000, {{5e8, 100}, {5e8, 100}}, 0.8});
  g.heads.push_back({0, 2, 0, head_kind::original, 0, 10, 0.8, 0});
  g.services.push_back({"s", 0, lambda});
  return g;
}

/// two_servers(1e10, 2e10, 5, 1e8) plus a model "n" on server 1 (two blocks of 4e8 FLOP, its
/// original head of 3e6 FLOP) and one connection m@1 -> n@1 whose adapter runs on the destination.
inline graph_spec two_servers_joined() {
  graph_spec g = two_servers(1e10, 2e10, 5, 1e8);
  g.models.push_back({"n", 1, 0, 1000, {{4e8, 50}, {4e8, 60}}, 0.7});
  g.heads.push_back({1, 2, 0, head_kind::original, 3e6, 10, 0.7, 0});
  g.connections.push_back({0, 1, 1, 1, 1e6, adapter_site::destination, 0.01});
  return g;
}

}  // namespace idn::path::test
