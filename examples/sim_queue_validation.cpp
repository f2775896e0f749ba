// idn::sim against queueing theory: M/M/1, M/M/4, M/D/1 and a two-class priority M/M/1 under
// both disciplines, each with a 95% batch-means interval (32 batches, 10% warm-up).
// --trace FILE replays arrival times (CSV column "time" or 1-D .npy) into an exponential
// server of rate --mu (default 1) and reports the mean sojourn time.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/io/traces.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"
#include "idn/sim/stats.hpp"

namespace {
using namespace idn;
using arrival_fn = std::function<void(std::uint64_t)>;

double exp_draw(idn::rng& g, double mean) { return idn::standard_exponential(g) * mean; }

/// Sojourn times per class after 10% warm-up, `jobs` departures in all.
std::vector<std::vector<double>> simulate(const std::vector<double>& lambda, std::uint32_t servers, sim::discipline d,
                                          std::function<double(idn::rng&)> service, std::uint64_t jobs, std::uint64_t seed) {
  sim::simulator s;
  std::vector<std::vector<double>> out(lambda.size());
  idn::rng svc(seed + 99);
  std::uint64_t departed = 0, id = 0;
  sim::station st(s, sim::station_options{servers, static_cast<std::uint32_t>(lambda.size()), d},
                  [&](const sim::job&) { return service(svc); },
                  [&](const sim::job& j, double r) {
                    if (++departed > jobs / 10) out[j.cls].push_back(r);
                    if (departed == jobs) s.stop();
                  });
  std::vector<std::unique_ptr<sim::poisson_source<arrival_fn>>> src;
  for (std::uint32_t k = 0; k < lambda.size(); ++k)
    src.push_back(std::make_unique<sim::poisson_source<arrival_fn>>(
        s, lambda[k], idn::rng(seed + k), arrival_fn([&, k](std::uint64_t) { st.arrive(sim::job{id++, k, s.now()}); })));
  s.run();
  return out;
}

void report(const char* name, const std::vector<double>& x, double theory) {
  const auto bm = sim::batch_means(x, 32);
  const double half = 2.04 * bm.std_error;  // t(0.975, 31 dof)
  const bool inside = std::abs(bm.mean - theory) <= half;
  std::printf("%-34s %10.4f %10.4f ± %-8.4f %s\n", name, theory, bm.mean, half, inside ? "inside" : "OUTSIDE");
}

double erlang_c(int c, double a) {
  double term = 1, sum = 1;
  for (int k = 1; k < c; ++k) sum += (term *= a / k);
  const double top = term * a / c * c / (c - a);
  return top / (sum + top);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 3 && std::strcmp(argv[1], "--trace") == 0) {
      const double mu = argc >= 5 && std::strcmp(argv[3], "--mu") == 0 ? std::atof(argv[4]) : 1.0;
      const Eigen::VectorXd times = io::load_arrival_trace(argv[2]);
      sim::simulator s;
      idn::rng g(1);
      sim::sample_stats t;
      sim::station st(s, sim::station_options{}, [&](const sim::job&) { return exp_draw(g, 1 / mu); },
                      [&](const sim::job&, double r) { t.add(r); });
      sim::trace_source src(s, std::span<const double>(times.data(), static_cast<std::size_t>(times.size())),
                            [&](std::uint64_t k) { st.arrive(sim::job{k, 0, s.now()}); });
      s.run();
      std::printf("%zu arrivals replayed, exponential service mu = %g: mean sojourn %.4f s, p95 %.4f s\n",
                  static_cast<std::size_t>(times.size()), mu, t.mean(), t.quantile(0.95));
      return 0;
    }
    const std::uint64_t n = 1'000'000;
    std::printf("%-34s %10s %10s\n", "scenario (mean sojourn, s)", "theory", "sim (95% CI)");
    for (double rho : {0.3, 0.6, 0.9}) {
      const auto r = simulate({rho}, 1, sim::discipline::non_preemptive, [](idn::rng& g) { return exp_draw(g, 1); }, n, 1);
      report((idn::concat("M/M/1 rho=", rho).substr(0, 3)).c_str(), r[0], 1 / (1 - rho));
    }
    auto r = simulate({3.0}, 4, sim::discipline::non_preemptive, [](idn::rng& g) { return exp_draw(g, 1); }, n, 2);
    report("M/M/4 lambda=3 mu=1 (Erlang C)", r[0], erlang_c(4, 3) / (4 - 3.0) + 1);
    r = simulate({0.7}, 1, sim::discipline::non_preemptive, [](idn::rng&) { return 1.0; }, n, 3);
    report("M/D/1 rho=0.7 (Pollaczek-Khinchine)", r[0], 1 + 0.7 / (2 * 0.3));
    const double l0 = 0.3, l1 = 0.4, w0 = (l0 + l1) * 2 / 2;
    r = simulate({l0, l1}, 1, sim::discipline::non_preemptive, [](idn::rng& g) { return exp_draw(g, 1); }, n, 4);
    report("priority NP class 0 (Cobham)", r[0], 1 + w0 / (1 - l0));
    report("priority NP class 1 (Cobham)", r[1], 1 + w0 / ((1 - l0) * (1 - l0 - l1)));
    r = simulate({l0, l1}, 1, sim::discipline::preemptive_resume, [](idn::rng& g) { return exp_draw(g, 1); }, n, 5);
    report("priority PR class 0", r[0], 1 + l0 / (1 - l0));
    report("priority PR class 1", r[1], 1 / (1 - l0) + w0 / ((1 - l0) * (1 - l0 - l1)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
