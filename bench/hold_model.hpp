#pragma once
// The classic hold model (pop one event, schedule one) shared by the benchmark suites that
// report simulator throughput relative to it (idn_sim_bench, idn_serve_bench).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>

#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"

namespace idn::bench {

inline double exp1(idn::rng& g) { return standard_exponential(g); }

// Each handler reschedules itself; its capture (engine pointer, rng pointer, 24 bytes of
// payload) is 40 bytes: inside the 48-byte handler, outside std::function's 16-byte buffer.
struct hold_event {
  sim::simulator* s;
  idn::rng* g;
  double payload[3];
  void operator()() const { s->schedule_in(exp1(*g), hold_event{*this}); }
};

/// events_per_s of the hold model with n pending events.
inline void BM_sim_hold(benchmark::State& st, std::size_t n) {
  sim::simulator s(n);
  idn::rng g(1);
  for (std::size_t i = 0; i < n; ++i) s.schedule_at(exp1(g), hold_event{&s, &g, {}});
  for (auto _ : st) s.step();
  st.counters["events_per_s"] = benchmark::Counter(static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace idn::bench
