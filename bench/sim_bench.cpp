// idn_sim_bench: the classic hold model (pop one event, schedule one) at several queue sizes,
// against the naive std::priority_queue + std::function engine; M/M/1 station throughput.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>

#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"
#include "hold_model.hpp"
#include "ratio_reporter.hpp"
#include "sim/reference/naive_simulator.hpp"

namespace {
using namespace idn;
using idn::bench::exp1;
using idn::bench::BM_sim_hold;

struct naive_hold_event {
  test::naive_simulator* s;
  idn::rng* g;
  double payload[3];
  void operator()() const { s->schedule_at(s->now() + exp1(*g), naive_hold_event{*this}); }
};

void BM_sim_hold_naive(benchmark::State& st, std::size_t n) {
  test::naive_simulator s;
  idn::rng g(1);
  for (std::size_t i = 0; i < n; ++i) s.schedule_at(exp1(g), naive_hold_event{&s, &g, {}});
  for (auto _ : st) s.step();
  st.counters["events_per_s"] = benchmark::Counter(static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
}
void BM_sim_mm1_station(benchmark::State& st, double rho) {
  sim::simulator s;
  idn::rng svc(2);
  std::uint64_t id = 0;
  sim::station q(s, sim::station_options{}, [&](const sim::job&) { return exp1(svc); }, [](const sim::job&, double) {});
  sim::poisson_source src(s, rho, idn::rng(3), [&](std::uint64_t) { q.arrive(sim::job{id++, 0, s.now()}); });
  s.run_until(1000);  // warm-up
  for (auto _ : st) s.step();
  st.counters["events_per_s"] = benchmark::Counter(static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
}
}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_sim_hold/1e2", BM_sim_hold, std::size_t{100});
  benchmark::RegisterBenchmark("BM_sim_hold/1e4", BM_sim_hold, std::size_t{10000});
  benchmark::RegisterBenchmark("BM_sim_hold/1e6", BM_sim_hold, std::size_t{1000000});
  benchmark::RegisterBenchmark("BM_sim_hold_naive/1e4", BM_sim_hold_naive, std::size_t{10000});
  benchmark::RegisterBenchmark("BM_sim_mm1_station/0.5", BM_sim_mm1_station, 0.5);
  benchmark::RegisterBenchmark("BM_sim_mm1_station/0.9", BM_sim_mm1_station, 0.9);
  const std::string eps = "events_per_s";
  return idn::bench::run(argc, argv,
                         // The engine against the naive one (std::priority_queue of std::function, which
                         // allocates every 40-byte capture): 1.5 quiet, 1.33-1.48 with another benchmark
                         // running (the line sat at 1.5 and failed twice); a 2x regression (0.75) breaks 1.2.
                         {idn::bench::counter_ratio_at_least("sim_hold_vs_naive_1e4", "BM_sim_hold/1e4", "BM_sim_hold_naive/1e4", 1.2, eps),
                          // 1e6 pending events (24 MB of heap, beyond L2) against 1e2 (in L1): 0.13-0.16
                          // measured, the cache misses of a 4-ary heap's ~10 levels; a 2x regression breaks 0.1.
                          idn::bench::counter_ratio_at_least("sim_hold_1e6_vs_1e2", "BM_sim_hold/1e6", "BM_sim_hold/1e2", 0.1, eps),
                          // An M/M/1 station (arrival and departure events, a FIFO) against the bare hold
                          // model: 1.5-1.9 measured (its queue holds 2 events); a 2x regression breaks 1.0
                          // (the line was 0.3, which a 5x regression would still pass).
                          idn::bench::counter_ratio_at_least("sim_mm1_0.5_vs_hold_1e2", "BM_sim_mm1_station/0.5", "BM_sim_hold/1e2", 1.0, eps),
                          idn::bench::counter_ratio_at_least("sim_mm1_0.9_vs_hold_1e2", "BM_sim_mm1_station/0.9", "BM_sim_hold/1e2", 1.0, eps)});
}
