// sim/link_station.hpp: independent transfers deliver after x(S); fifo serializes σ, then adds x(0).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "idn/hw/link.hpp"
#include "idn/sim/link_station.hpp"
#include "idn/sim/simulator.hpp"

using namespace idn::sim;

TEST_CASE("link_station: independent delivers after x(S); fifo serializes sigma then adds x(0)") {
  const idn::hw::affine_link link(0.5, 8.0);  // x(S) = 0.5 + S seconds
  {
    simulator sim;
    std::vector<std::pair<std::uint64_t, double>> got;
    link_station ls(sim, link, link_sharing::independent, [&](const job& j, double r) { got.push_back({j.id, r}); });
    ls.send(job{1}, 3);
    ls.send(job{2}, 1);
    sim.run();
    REQUIRE(got.size() == 2);
    CHECK(got[0] == std::pair<std::uint64_t, double>{2, 1.5});
    CHECK(got[1] == std::pair<std::uint64_t, double>{1, 3.5});
  }
  {
    simulator sim;
    std::vector<std::pair<std::uint64_t, double>> got;
    link_station ls(sim, link, link_sharing::fifo, [&](const job& j, double) { got.push_back({j.id, sim.now()}); });
    ls.send(job{1}, 3);  // tx [0,3), arrives 3.5
    ls.send(job{2}, 1);  // tx [3,4), arrives 4.5
    sim.schedule_at(10, [&] { ls.send(job{3}, 2); });  // idle link: tx [10,12), arrives 12.5
    sim.run();
    REQUIRE(got.size() == 3);
    CHECK(got[0] == std::pair<std::uint64_t, double>{1, 3.5});
    CHECK(got[1] == std::pair<std::uint64_t, double>{2, 4.5});
    CHECK(got[2] == std::pair<std::uint64_t, double>{3, 12.5});
    CHECK_THROWS_AS(ls.send(job{4}, -1), idn::invalid_input);
  }
}
