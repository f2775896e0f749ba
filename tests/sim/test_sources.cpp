// sim/sources.hpp: periodic times, trace replay and its validation; a seeded Poisson source
// driving a station gives the same trace for the same seed.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"

using namespace idn::sim;

TEST_CASE("sources: periodic times, trace replay and its validation") {
  simulator sim;
  std::vector<double> at;
  periodic_source p(sim, 0.25, 1.0, [&](std::uint64_t) { at.push_back(sim.now()); }, 2.0);
  sim.run();
  CHECK(at == std::vector<double>{1.0, 1.25, 1.5, 1.75});
  at.clear();
  const std::vector<double> times{2.5, 2.5, 3.0, 7.0};
  trace_source tr(sim, times, [&](std::uint64_t) { at.push_back(sim.now()); });
  sim.run();
  CHECK(at == times);
  const std::vector<double> bad{8.0, 11.0, 10.5};
  CHECK_THROWS_WITH_AS(trace_source(sim, bad, [](std::uint64_t) {}), "idn::sim::trace_source: times[2] = 10.5: must be >= times[1] = 11",
                       idn::invalid_input);
  const std::vector<double> past{1.0};
  CHECK_THROWS_AS(trace_source(sim, past, [](std::uint64_t) {}), idn::invalid_input);
  CHECK_THROWS_AS(poisson_source(sim, 0.0, idn::rng(1), [](std::uint64_t) {}), idn::invalid_input);
  CHECK_THROWS_AS(periodic_source(sim, -1.0, 10.0, [](std::uint64_t) {}), idn::invalid_input);
}

TEST_CASE("determinism: the same seed gives the same trace hash, another seed does not") {
  auto trace_hash = [](std::uint64_t seed) {
    simulator sim;
    std::uint64_t h = 1469598103934665603ULL;
    idn::rng svc_rng(seed + 1);
    station st(sim, station_options{2, 2, discipline::preemptive_resume},
               [&](const job&) { return idn::standard_exponential(svc_rng); },
               [&](const job& j, double r) {
                 std::uint64_t bits;
                 std::memcpy(&bits, &r, 8);
                 h = (h ^ j.id ^ bits) * 1099511628211ULL;
               });
    std::uint64_t id = 0;
    poisson_source src(sim, 1.5, idn::rng(seed), [&](std::uint64_t k) { st.arrive(job{id++, std::uint32_t(k % 2), sim.now()}); },
                       0, 2000);
    sim.run();
    return h;
  };
  CHECK(trace_hash(5) == trace_hash(5));
  CHECK(trace_hash(5) != trace_hash(6));
}
