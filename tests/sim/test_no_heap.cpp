// Counts global operator new calls: after warm-up, 1e6 M/M/1 events allocate nothing.
#include <doctest/doctest.h>


#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"
#include "idn/sim/stats.hpp"

#include "counting_new.hpp"

TEST_CASE("sim: zero heap allocations over 1e6 M/M/1 events after warm-up") {
  using namespace idn::sim;
  simulator sim(64);
  idn::rng svc(3);
  double sum = 0;
  std::uint64_t id = 0;
  station st(sim, station_options{1, 1}, [&](const job&) { return idn::standard_exponential(svc); },
             [&](const job&, double r) { sum += r; });
  poisson_source src(sim, 0.9, idn::rng(4), [&](std::uint64_t) { st.arrive(job{id++, 0, sim.now()}); });
  sim.run_until(200'000);  // warm-up: queues and pools reach their high-water mark
  const std::uint64_t before_events = sim.processed();
  const std::size_t before = idn::test::allocations();
  while (sim.processed() - before_events < 1'000'000) sim.run_for(10'000);
  const std::size_t allocations = idn::test::allocations() - before;
  CHECK(allocations == 0);
  CHECK(sum > 0);
}
