#pragma once
// A Poisson multi-class station driven to N departures, for the analytic oracles.
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"
#include "idn/sim/stats.hpp"

namespace idn::test {

#ifdef IDN_TEST_LIGHT
inline constexpr std::uint64_t oracle_jobs = 200'000;
#else
inline constexpr std::uint64_t oracle_jobs = 1'000'000;
#endif

struct queue_result {
  std::vector<std::vector<double>> response;  // per class, after warm-up, in departure order
  double mean_in_system = 0;                   // time average after warm-up
  double utilization = 0;                      // after warm-up
  double arrival_rate = 0;                     // measured after warm-up
  double busy_integral = 0;                    // ∫ busy servers dt over the whole run
  double total_demand = 0;                     // Σ service times drawn
};

/// Classes k = 0..K-1 with Poisson rates lambda[k]; service(k, rng) draws a service time.
/// Runs until `jobs` departures; the first 10% are warm-up. drain: stop arrivals at `jobs`
/// arrivals and run until empty (for conservation checks).
inline queue_result run_queue(std::vector<double> lambda, std::uint32_t servers, sim::discipline disc,
                              std::function<double(std::uint32_t, idn::rng&)> service, std::uint64_t seed,
                              std::uint64_t jobs = oracle_jobs, bool drain = false) {
  using namespace idn::sim;
  const auto classes = static_cast<std::uint32_t>(lambda.size());
  simulator sim(4096);
  queue_result out;
  out.response.resize(classes);
  const std::uint64_t warm = jobs / 10;
  std::uint64_t departed = 0, arrived = 0, arrived_after_warm = 0, next_id = 0;
  double warm_time = 0;
  time_weighted in_system(0, 0);
  idn::rng service_rng(seed ^ 0x5eed);
  auto svc = [&](const job& j) {
    const double t = service(j.cls, service_rng);
    out.total_demand += t;
    return t;
  };
  auto on_depart = [&](const job& j, double response) {
    in_system.set(sim.now(), in_system.level() - 1);
    ++departed;
    if (departed == warm) {
      warm_time = sim.now();
      in_system.reset(sim.now());
      arrived_after_warm = 0;
    }
    if (departed > warm) out.response[j.cls].push_back(response);
    if (!drain && departed == jobs) sim.stop();
  };
  station st(sim, station_options{servers, classes, disc, 1024}, svc, on_depart);
  std::vector<std::unique_ptr<poisson_source<std::function<void(std::uint64_t)>>>> sources;
  idn::rng seeder(seed);
  for (std::uint32_t k = 0; k < classes; ++k) {
    std::function<void(std::uint64_t)> f = [&, k](std::uint64_t) {
      if (drain && arrived >= jobs) return;
      ++arrived;
      ++arrived_after_warm;
      in_system.set(sim.now(), in_system.level() + 1);
      st.arrive(job{next_id++, k, sim.now(), 0, 0});
    };
    sources.push_back(std::make_unique<poisson_source<std::function<void(std::uint64_t)>>>(
        sim, lambda[k], idn::rng(seeder()), f));
  }
  if (drain) {
    while (departed < jobs) sim.run_for(1000.0);
  } else {
    sim.run();
  }
  const double end = sim.now();
  out.mean_in_system = in_system.mean(end);
  out.arrival_rate = double(arrived_after_warm) / (end - warm_time);
  out.busy_integral = st.busy_servers().mean(end) * end;
  out.utilization = st.utilization();  // over the whole run: adequate for the λ/(cμ) check
  return out;
}

inline double exp_draw(idn::rng& g, double mean) { return idn::standard_exponential(g) * mean; }

}  // namespace idn::test
