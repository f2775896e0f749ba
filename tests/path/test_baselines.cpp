// path/baselines.hpp: mirror offload = evaluate of its documented path, zero host residual =
// zero gain, Edgent = a brute-force scan of (exit, split, server) under its latency bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"

#include "idn/path.hpp"
#include "two_servers.hpp"

using namespace idn::path;
using idn::path::test::two_servers;

TEST_CASE("baselines: mirror offload, zero residual, Edgent against brute force") {
  const interpolation_estimator est;
  // Baselines: mirror offload = evaluate of its documented path; zero host residual = zero gain.
  graph_spec spec = two_servers(1e9, 4e9, 3, 1e9);
  spec.models.push_back({"helper", 1, 1, 1000, {{3e8, 100}, {3e8, 100}}, 0.7});
  spec.heads.push_back({1, 2, 1, head_kind::original, 0, 10, 0.7, 0});
  spec.heads.push_back({1, 2, 0, head_kind::extra, 1e6, 10, std::nullopt, 0.01});
  spec.connections.push_back({0, 1, 1, 1, 1e6, adapter_site::destination, 0.01});
  const product_reward<power_utility, normalized_gain> r{{1}, {}};
  evaluation_options o;
  {
    const block_graph bg(spec);
    const path mirror{0, {{0, 0, 0, 0}, {0, 0, 2, 1}}, {handoff}, 0};
    const evaluation_result m = full_offload(bg, 0, est, r, o, offload_mode::mirror_model), e = evaluate(bg, mirror, est, r, o);
    CHECK(key_of(m.p) == key_of(mirror));
    CHECK(m.score == e.score);
    const search_result best = best_path(bg, 0, est, r, {});
    CHECK(best.best.point.throughput > best.original.point.throughput);  // the helper has spare capacity
  }
  spec.servers[1].background_flops = 4e9 * (1 - 1e-12);  // the host is full: zero residual
  {
    const block_graph bg(spec);
    const search_result best = best_path(bg, 0, est, r, {});
    CHECK(best.best.point.throughput == idn::test::rel(best.original.point.throughput).epsilon(1e-9));
    CHECK(best.best.flows.x_path == doctest::Approx(0).epsilon(1e-9));
  }
  // Edgent equals a brute-force scan of (exit, split, server) under its latency bound.
  spec.heads.push_back({0, 1, 0, head_kind::early_exit, 1e5, 10, 0.5, 0});
  const block_graph bg(spec);
  const double bound = 0.6;  // excludes the all-local original (1 s) and the split after block 1
  const evaluation_result ed = edgent_baseline(bg, 0, est, r, o, {bound});
  double best_acc = -1, best_lat = 0;
  for (const path& q : {path{0, {{0, 0, 1, 0}}, {}, 3}, path{0, {{0, 0, 2, 0}}, {}, 0}, path{0, {{0, 0, 0, 0}, {0, 0, 1, 1}}, {handoff}, 3},
                        path{0, {{0, 0, 1, 0}, {0, 1, 2, 1}}, {handoff}, 0}, path{0, {{0, 0, 0, 0}, {0, 0, 2, 1}}, {handoff}, 0}}) {
    const double lat = unloaded_latency_s(bg, compute_load(bg, q)), acc = *bg.spec().heads[static_cast<std::size_t>(q.head)].accuracy;
    if (lat <= bound && (acc > best_acc || (acc == best_acc && lat < best_lat))) best_acc = acc, best_lat = lat;
  }
  CHECK(ed.path_accuracy == best_acc);
  CHECK(unloaded_latency_s(bg, ed.load) == best_lat);
}
