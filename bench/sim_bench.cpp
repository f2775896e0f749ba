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
                         {idn::bench::counter_ratio_at_least("sim_hold_vs_naive_1e4", "BM_sim_hold/1e4", "BM_sim_hold_naive/1e4", 1.5, eps),
                          idn::bench::counter_ratio_at_least("sim_hold_1e6_vs_1e2", "BM_sim_hold/1e6", "BM_sim_hold/1e2", 0.1, eps),
                          idn::bench::counter_ratio_at_least("sim_mm1_0.5_vs_hold_1e2", "BM_sim_mm1_station/0.5", "BM_sim_hold/1e2", 0.3, eps),
                          idn::bench::counter_ratio_at_least("sim_mm1_0.9_vs_hold_1e2", "BM_sim_mm1_station/0.9", "BM_sim_hold/1e2", 0.3, eps)});
}
