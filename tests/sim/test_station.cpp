// sim/station.hpp: input checks, preemptive-resume eviction order, and oldest_created against a
// brute-force oracle.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"

using namespace idn::sim;

TEST_CASE("station: bad class, bad service time and bad config are named") {
  simulator sim;
  station st(sim, station_options{1, 2}, [](const job& j) { return j.work; }, [](const job&, double) {});
  CHECK_THROWS_WITH_AS(st.arrive(job{7, 2}), "idn::sim::station::arrive: job 7 cls = 2: must be < classes = 2", idn::invalid_input);
  CHECK_THROWS_WITH_AS(st.arrive(job{9, 0, 0, -1}), "idn::sim::station: service time of job 9 = -1: must be finite and >= 0",
                       idn::invalid_input);
  auto svc = [](const job&) { return 1.0; };
  auto dep = [](const job&, double) {};
  CHECK_THROWS_AS((station<decltype(svc), decltype(dep)>(sim, station_options{0, 1}, svc, dep)), idn::invalid_input);
  CHECK_THROWS_AS((station<decltype(svc), decltype(dep)>(sim, station_options{1, 0}, svc, dep)), idn::invalid_input);
}

TEST_CASE("station: preemptive-resume evicts the largest class, latest started, and resumes it") {
  simulator sim;
  std::vector<std::pair<std::uint64_t, double>> done;
  station st(sim, station_options{2, 3, discipline::preemptive_resume}, [](const job& j) { return j.work; },
             [&](const job& j, double) { done.push_back({j.id, sim.now()}); });
  st.arrive(job{1, 2, 0, 10});                          // server A: class 2, [0, ...)
  sim.schedule_at(1, [&] { st.arrive(job{2, 2, 1, 10}); });  // server B: class 2, started later
  sim.schedule_at(2, [&] { st.arrive(job{3, 0, 2, 1}); });   // evicts job 2 (latest started of class 2)
  sim.run();
  REQUIRE(done.size() == 3);
  CHECK(done[0] == std::pair<std::uint64_t, double>{3, 3.0});
  CHECK(done[1] == std::pair<std::uint64_t, double>{1, 10.0});
  CHECK(done[2] == std::pair<std::uint64_t, double>{2, 12.0});  // 1 s done before eviction, resumed at 3
}

TEST_CASE("station: oldest_created serves, per class, the job created first (brute-force oracle, 2000 random runs)") {
  // Oracle: one server, jobs with arrival times, classes, creation times (≤ arrival) and
  // service times; at each free moment the waiting job with the least (class, created, arrival
  // order) starts. The station's departure order and times must match exactly.
  idn::rng g(20261207);
  std::size_t compared = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = 1 + idn::uniform_index(12, g);
    const auto classes = static_cast<std::uint32_t>(1 + idn::uniform_index(3, g));
    struct spec {
      double arrival, created, service;
      std::uint32_t cls;
    };
    std::vector<spec> jobs(n);
    double t = 0;
    for (auto& j : jobs) {
      t += idn::uniform_index(3, g) == 0 ? 0.0 : idn::uniform01(g);  // ties on purpose
      j.arrival = t;
      j.created = t - std::floor(4 * idn::uniform01(g));             // ties in age on purpose
      j.service = 0.25 * static_cast<double>(1 + idn::uniform_index(8, g));
      j.cls = static_cast<std::uint32_t>(idn::uniform_index(classes, g));
    }
    // The oracle.
    std::vector<std::pair<std::uint64_t, double>> expect;
    std::vector<char> done(n, 0);
    double free_at = -INFINITY;  // idle from the start: the first arrival starts alone
    for (std::size_t served = 0; served < n; ++served) {
      // Jobs that have arrived by the time the server frees (arrivals at that instant fire
      // first: they were scheduled first) compete by (class, created, arrival order); if none
      // has, the server idles and the next arrival starts at once, alone.
      double now = free_at;
      std::size_t best = n;
      for (std::size_t i = 0; i < n; ++i) {
        if (done[i] || jobs[i].arrival > now) continue;
        if (best == n || std::tie(jobs[i].cls, jobs[i].created, i) < std::tie(jobs[best].cls, jobs[best].created, best)) best = i;
      }
      if (best == n)
        for (std::size_t i = 0; i < n && best == n; ++i)
          if (!done[i]) best = i, now = jobs[i].arrival;
      done[best] = 1;
      free_at = now + jobs[best].service;
      expect.push_back({best, free_at});
    }
    // The station.
    simulator sim;
    std::vector<std::pair<std::uint64_t, double>> got;
    std::vector<std::tuple<std::uint64_t, double, double>> seen;  // (job in service, start, end) just after each arrival
    auto svc = [&](const job& j) { return jobs[j.id].service; };
    station st(sim, station_options{1, classes, discipline::non_preemptive, 4, queue_order::oldest_created}, svc,
               [&](const job& j, double) { got.push_back({j.id, sim.now()}); });
    for (std::size_t i = 0; i < n; ++i)
      sim.schedule_at(jobs[i].arrival, [&, i] {
        st.arrive(job{i, jobs[i].cls, jobs[i].created, 0, 0});
        const service_interval now = st.serving(0);  // the pointer is valid until the station's next event
        REQUIRE(now.j != nullptr);                    // just after an arrival the server is never idle
        seen.push_back({now.j->id, now.start, now.end});
      });
    sim.run();
    REQUIRE(got.size() == n);
    for (std::size_t k = 0; k < n; ++k) {
      CHECK(got[k].first == expect[k].first);
      CHECK(got[k].second == expect[k].second);
    }
    for (const auto& [id, start, end] : seen) CHECK(end == start + jobs[id].service);
    CHECK(st.serving(0).j == nullptr);
    ++compared;
  }
  CHECK(compared == 2000);
}
