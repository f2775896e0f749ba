#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"

using namespace idn::sim;

TEST_CASE("simulator: random schedule/cancel scripts fire in std::multimap (t, q) order") {
  idn::rng g(41);
  for (int script = 0; script < 1000; ++script) {
    simulator sim(4);
    std::multimap<std::pair<double, std::uint64_t>, int> oracle;  // (t, q) -> label
    std::vector<std::pair<event_id, std::pair<double, std::uint64_t>>> ids;
    std::vector<int> fired;
    std::uint64_t q = 0;
    const int ops = 1 + static_cast<int>(g() % 60);
    for (int op = 0; op < ops; ++op) {
      if (!ids.empty() && g() % 4 == 0) {  // cancel a random earlier event (maybe already cancelled)
        const auto k = g() % ids.size();
        const bool was_live = oracle.count(ids[k].second) > 0;
        CHECK(sim.cancel(ids[k].first) == was_live);
        oracle.erase(ids[k].second);
      } else {
        const double t = static_cast<double>(g() % 10);  // many ties
        const int label = op;
        const auto id = sim.schedule_at(t, [&fired, label] { fired.push_back(label); });
        oracle.emplace(std::make_pair(t, q), label);
        ids.push_back({id, {t, q}});
        ++q;
      }
    }
    CHECK(sim.pending() == oracle.size());
    const auto r = sim.run();
    std::vector<int> expected;
    for (const auto& [key, label] : oracle) expected.push_back(label);
    REQUIRE(fired == expected);
    CHECK(r.drained);
    CHECK(r.events == expected.size());
    for (const auto& [id, key] : ids) CHECK(!sim.cancel(id));  // everything fired or was cancelled
  }
}

TEST_CASE("simulator: handlers schedule during a run; ties are FIFO across nesting") {
  simulator sim;
  std::vector<int> order;
  sim.schedule_at(1, [&] {
    order.push_back(1);
    sim.schedule_in(0, [&] { order.push_back(3); });  // same time, later sequence
  });
  sim.schedule_at(1, [&] { order.push_back(2); });
  sim.run();
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(sim.now() == 1);
}

TEST_CASE("simulator: run_until, run_for and stop") {
  simulator sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) sim.schedule_at(i, [&] { ++count; });
  auto r = sim.run_until(3.5);
  CHECK(count == 3);
  CHECK(r.events == 3);
  CHECK(sim.now() == 3.5);
  CHECK(!r.drained);
  r = sim.run_until(5);  // inclusive of t_end
  CHECK(count == 5);
  sim.schedule_at(6, [&] { sim.stop(); });  // fires after the t=6 event scheduled earlier
  r = sim.run_for(10);
  CHECK(r.stopped);
  CHECK(sim.now() == 6);
  CHECK(count == 6);
  r = sim.run();
  CHECK(count == 10);
  CHECK(r.drained);
  CHECK(!r.stopped);
  CHECK(sim.processed() == 11);
  CHECK_THROWS_WITH_AS(sim.schedule_at(3.2, [] {}), "idn::sim::simulator::schedule_at: t = 3.2: must be finite and >= now = 10",
                       idn::invalid_input);
  CHECK_THROWS_AS(sim.schedule_at(NAN, [] {}), idn::invalid_input);
  CHECK_THROWS_AS(sim.run_until(4.0), idn::invalid_input);
  CHECK_THROWS_AS(sim.run_until(INFINITY), idn::invalid_input);
  CHECK_THROWS_AS(sim.schedule_in(-1, [] {}), idn::invalid_input);
}

TEST_CASE("simulator: a throwing handler propagates; the event is consumed and the engine stays usable") {
  simulator sim;
  int after = 0;
  sim.schedule_at(1, [] { throw std::runtime_error("boom"); });
  sim.schedule_at(2, [&] { ++after; });
  CHECK_THROWS_AS(sim.run(), std::runtime_error);
  CHECK(sim.now() == 1);
  CHECK(sim.pending() == 1);
  CHECK(sim.processed() == 1);
  sim.run();
  CHECK(after == 1);
}

TEST_CASE("simulator: slots are reused; stale ids never cancel a newer event") {
  simulator sim(1);
  int fired = 0;
  const auto a = sim.schedule_at(1, [&] { ++fired; });
  CHECK(sim.cancel(a));
  sim.run();  // recycles a's slot
  const auto b = sim.schedule_at(2, [&] { ++fired; });
  CHECK(b.slot == a.slot);
  CHECK(!sim.cancel(a));  // stale generation
  sim.run();
  CHECK(fired == 1);
}

TEST_CASE("simulator: step fires exactly one live event, skipping cancelled ones") {
  simulator sim;
  std::vector<int> order;
  const auto a = sim.schedule_at(1, [&] { order.push_back(1); });
  sim.schedule_at(2, [&] { order.push_back(2); });
  sim.cancel(a);
  CHECK(sim.step());
  CHECK(order == std::vector<int>{2});
  CHECK(sim.now() == 2);
  CHECK(!sim.step());
}
