// idn/path/path.hpp: compute_load conserves work (every block, adapter and head FLOP lands on
// exactly one server) and its transfer time is the link formula over its own byte and transfer
// counts, on every path of random graphs; validate_path names the first violation; to_string,
// key_of and original_path on a hand-built graph.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "approx.hpp"
#include "error_of.hpp"
#include "idn/path.hpp"
#include "random_instance.hpp"
#include "two_servers.hpp"

using namespace idn::path;

TEST_CASE("compute_load: work is conserved and X is the link formula over its own counts, on every enumerated path (300 graphs)") {
  idn::rng g(515);
  std::size_t paths = 0, with_transfers = 0;
  for (int trial = 0; trial < 300; ++trial) {
    idn::path::test::instance in = idn::path::test::random_instance(g);
    in.rules.mirroring = trial % 2 == 1;
    const block_graph bg(in.spec);
    CAPTURE(trial);
    enumerate_paths(bg, 0, in.rules, [&](const path& p) {
      const path_load L = compute_load(bg, p);
      double want = bg.spec().heads[p.head].flops;
      for (const segment& s : p.segments)
        for (std::size_t k = s.begin + 1; k <= s.end; ++k) want += bg.block_flops(s.model, k);
      for (const std::size_t j : p.joins)
        if (j != handoff) want += bg.spec().connections[j].adapter_flops;
      REQUIRE(L.server_flops.sum() == idn::test::rel(want).epsilon(1e-12));
      REQUIRE(L.switches == p.joins.size());
      double x = 0, latency = 0;
      for (std::size_t e = 0; e < bg.num_links(); ++e) {
        const link_spec& l = bg.spec().links[e];
        REQUIRE(L.link_transfers[static_cast<Eigen::Index>(e)] == std::floor(L.link_transfers[static_cast<Eigen::Index>(e)]));
        if (L.link_transfers[static_cast<Eigen::Index>(e)] > 0) x += 8 * L.link_bytes[static_cast<Eigen::Index>(e)] / l.bandwidth_bps + L.link_transfers[static_cast<Eigen::Index>(e)] * l.latency_s;
        else REQUIRE(L.link_bytes[static_cast<Eigen::Index>(e)] == 0);
      }
      REQUIRE(L.transfer_s == idn::test::rel(x).epsilon(1e-12));
      for (std::size_t s = 0; s < bg.num_servers(); ++s) latency += L.server_flops[static_cast<Eigen::Index>(s)] / bg.spec().servers[s].capacity_flops;
      REQUIRE(unloaded_latency_s(bg, L) == idn::test::rel(latency + x).epsilon(1e-12));
      with_transfers += L.link_transfers.sum() > 0 ? 1 : 0;
      ++paths;
    });
  }
  CHECK(paths > 500);            // 1,024 for this seed
  CHECK(with_transfers > 100);  // 212 for this seed
}

TEST_CASE("original_path, compute_load, to_string and key_of on a hand-built two-server graph") {
  const block_graph bg(idn::path::test::two_servers_joined());
  const path p0 = original_path(bg, 0);
  REQUIRE(p0.segments.size() == 1);
  CHECK(p0.head == 0);
  const path_load L0 = compute_load(bg, p0);
  CHECK(L0.server_flops[0] == 1e9);  // two blocks of 5e8, head of 0 FLOP
  CHECK(L0.server_flops[1] == 0);
  CHECK(L0.transfer_s == 0);
  // m's first block on server 0, connection 0 into n after its first block, n's second block and head on server 1.
  const path p{0, {{0, 0, 1, 0}, {1, 1, 2, 1}}, {0}, 1};
  const path_load L = compute_load(bg, p);
  CHECK(L.server_flops[0] == 5e8);
  CHECK(L.server_flops[1] == 4e8 + 1e6 + 3e6);  // block, adapter (destination site), head
  // 100 bytes of m's boundary 1 over 0 -> 1, the head's 10 bytes back over 1 -> 0; 1e8 bit/s, 1 ms each way.
  CHECK(L.transfer_s == idn::test::rel(8 * 100 / 1e8 + 1e-3 + 8 * 10 / 1e8 + 1e-3).epsilon(1e-12));
  CHECK(to_string(bg, p) == "m[0..1] =c0=> n[1..2] > h1");
  CHECK(key_of(p) != key_of(p0));
  CHECK(canonical_less(p0, p) != canonical_less(p, p0));
}

TEST_CASE("validate_path names the first violation") {
  const block_graph bg(idn::path::test::two_servers_joined());
  path_rules rules;
  const path good{0, {{0, 0, 1, 0}, {1, 1, 2, 1}}, {0}, 1};
  CHECK_NOTHROW(validate_path(bg, good, rules));
  const struct {
    path p;
    const char* message;
  } cases[] = {
      {{0, {}, {}, 0}, "idn::path::validate_path: segments.size() = 0: must be >= 1"},
      {{0, {{0, 0, 1, 0}, {1, 1, 2, 1}}, {}, 1}, "idn::path::validate_path: joins.size() = 0: must be segments.size() - 1 = 1"},
      {{0, {{1, 0, 2, 1}}, {}, 1}, "idn::path::validate_path: segments[0] (model, begin) = (1, 0): must be (0, 0), the service's model at block 0"},
      {{0, {{0, 0, 3, 0}}, {}, 0}, "idn::path::validate_path: segments[0] [begin, end) = [0, 3): must satisfy 0 <= begin <= end <= 2"},
      {{0, {{0, 0, 2, 1}}, {}, 0},
       "idn::path::validate_path: segments[0].server = 1: foreign server for models[0] (owner 0) while mirroring is off"},
      {{0, {{0, 0, 2, 0}}, {}, 1}, "idn::path::validate_path: head = 1: sits at models[1]@2, the path ends at models[0]@2"},
      {{0, {{0, 0, 2, 0}}, {}, 7}, "idn::path::validate_path: head = 7: unknown head"},
      {{0, {{0, 0, 1, 0}, {0, 1, 2, 0}}, {handoff}, 0}, "idn::path::validate_path: joins[0] = handoff: allowed only with rules.mirroring"},
      {{0, {{0, 0, 2, 0}, {1, 1, 2, 1}}, {0}, 1},
       "idn::path::validate_path: segments[0].end = 2: must equal connections[0].from_boundary = 1 of models[0]"},
      {{0, {{0, 0, 1, 0}, {1, 1, 2, 1}}, {5}, 1}, "idn::path::validate_path: joins[0] = 5: unknown connection"},
  };
  for (const auto& c : cases) CHECK(idn::test::error_of([&] { validate_path(bg, c.p, rules); }) == c.message);
  path_rules none = rules;
  none.switch_budget = 0;
  CHECK(idn::test::error_of([&] { validate_path(bg, good, none); }) == "idn::path::validate_path: joins.size() = 1: exceeds rules.switch_budget = 0");
}
