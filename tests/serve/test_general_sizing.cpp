// serve/general_sizing.hpp against an idn::sim station with c servers: M/D/c and M/G/c with the
// measured inference-time distributions of tests/serve/service_times (PyTorch, this repository's
// reference machine). The p99 of the model must match the simulated p99 within the stated
// tolerance, and the replicas it sizes must meet the SLO in simulation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/serve/general_sizing.hpp"
#include "idn/serve/service_times.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"

using namespace idn;

namespace {

std::map<std::string, std::vector<double>, std::less<>> measured_service_times() {
  return serve::read_service_times(std::filesystem::path("service_times/pytorch_cpu_1thread.csv"));
}

/// Simulated q-quantile of the response time of an M/G/c FCFS station whose service times are
/// drawn uniformly from `samples`; the first 10 % of the jobs are discarded as warm-up.
double simulated_quantile(double lambda, const std::vector<double>& samples, std::uint32_t c, double q, std::uint64_t jobs, std::uint64_t seed) {
  sim::simulator s;
  idn::rng svc(seed);
  std::vector<double> response;
  response.reserve(jobs);
  std::uint64_t departed = 0, id = 0;
  sim::station st(s, sim::station_options{c, 1, sim::discipline::non_preemptive},
                  [&](const sim::job&) { return samples[idn::uniform_index(samples.size(), svc)]; },
                  [&](const sim::job&, double r) {
                    if (++departed > jobs / 10) response.push_back(r);
                    if (departed == jobs) s.stop();
                  });
  using arrival_fn = std::function<void(std::uint64_t)>;
  sim::poisson_source<arrival_fn> src(s, lambda, idn::rng(seed + 1), arrival_fn([&](std::uint64_t) {
                                        if (id < jobs + 10) st.arrive(sim::job{id++, 0, s.now()});
                                      }));
  s.run();
  std::sort(response.begin(), response.end());
  return response[static_cast<std::size_t>(std::ceil(q * static_cast<double>(response.size()))) - 1];
}

}  // namespace

TEST_CASE("M/D/c and M/G/c response p99 against an idn::sim station (deterministic and measured service times)") {
#ifdef IDN_TEST_LIGHT
  const std::uint64_t jobs = 150'000;
#else
  const std::uint64_t jobs = 300'000;
#endif
  const auto measured = measured_service_times();
  REQUIRE(measured.size() == 3);
  std::vector<std::pair<std::string, std::vector<double>>> cases{{"deterministic", {1.0}}};
  for (const auto& [name, v] : measured) cases.emplace_back(name, v);
  double worst = 0;
  std::size_t compared = 0;
  for (const auto& [name, samples] : cases) {
    const serve::service_distribution dist(samples);
    for (const std::uint32_t c : {1u, 4u, 16u})
      for (const double rho : {0.5, 0.8, 0.9}) {
        const double lambda = rho * c / dist.mean();
        const double model = serve::general_response_quantile(lambda, dist, c, 0.99);
        // Heavy traffic mixes slowly: at ρ = 0.9 the p99 needs the full sample even in light
        // (sanitizer) builds, as in test_erlang_sim.cpp.
        const double simulated = simulated_quantile(lambda, samples, c, 0.99, rho > 0.85 ? 300'000 : jobs, c * 100 + static_cast<std::uint64_t>(rho * 10));
        const double err = model / simulated - 1;
        CAPTURE(name);
        CAPTURE(c);
        CAPTURE(rho);
        CAPTURE(model);
        CAPTURE(simulated);
        CHECK(std::abs(err) <= 0.10);
        worst = std::max(worst, std::abs(err));
        ++compared;
      }
  }
  MESSAGE("p99: worst relative error of the model against simulation over ", compared, " cases: ", worst);
  CHECK(compared == 36);
}

TEST_CASE("min_replicas for general service: the 15.65 ms stage with a p99 <= 50 ms SLO is sized, and the size holds in simulation") {
  // M/M/c refuses it: e^(-50/15.65) = 4.1 % > 1 % — an exponential service time would exceed 50 ms
  // one time in 25 even with unlimited replicas. A deterministic one never does.
  const double s = 0.01565, lambda = 400;  // a = 6.26 Erlangs
  const serve::slo p99{0.050, 0.99, false};
  CHECK(serve::min_replicas(lambda, 1 / s, p99).limit == serve::sizing_limit::slo_below_service_time);
  const serve::sizing r = serve::min_replicas(lambda, serve::service_distribution::deterministic(s), p99);
  REQUIRE(r.status == idn::solve_status::optimal);
  CHECK(r.replicas >= 7);
  const std::vector<double> det{s};
  // Simulated at c*: the SLO holds (with 5 % slack for the model's error); at c* − 1 it does not.
  CHECK(simulated_quantile(lambda, det, static_cast<std::uint32_t>(r.replicas), 0.99, 300'000, 5) <= 0.050 * 1.05);
  if (static_cast<double>(r.replicas - 1) > lambda * s)
    CHECK(simulated_quantile(lambda, det, static_cast<std::uint32_t>(r.replicas - 1), 0.99, 300'000, 6) > 0.050 * 0.95);
  // The measured ResNet-18 distribution: sizing, then the simulated p99 at c* and c* − 1.
  const auto measured = measured_service_times();
  const auto& r18 = measured.at("resnet18");
  const serve::service_distribution dist(r18);
  for (const double slo_factor : {1.5, 2.0, 3.0})
    for (const double load : {2.0, 10.0}) {
      const double d = slo_factor * dist.mean(), lam = load / dist.mean();
      const serve::sizing g = serve::min_replicas(lam, dist, serve::slo{d, 0.99, false});
      CAPTURE(slo_factor);
      CAPTURE(load);
      if (g.limit == serve::sizing_limit::slo_below_service_time) {
        CHECK(dist.tail(d) >= 0.01);
        continue;
      }
      REQUIRE(g.status == idn::solve_status::optimal);
      CHECK(simulated_quantile(lam, r18, static_cast<std::uint32_t>(g.replicas), 0.99, 200'000, 7) <= d * 1.05);
      if (static_cast<double>(g.replicas - 1) > load)
        CHECK(simulated_quantile(lam, r18, static_cast<std::uint32_t>(g.replicas - 1), 0.99, 200'000, 8) > d * 0.95);
    }
}

TEST_CASE("general min_replicas (galloping search) equals a linear scan of the model on 1,500 random instances") {
  idn::rng g(17);
  std::size_t ok = 0, capped = 0, refused = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    std::vector<double> samples(1 + g() % 20);
    const double base = 1e-3 * (1 + 100 * uniform01(g)), spread = uniform01(g) < 0.3 ? 0.0 : uniform01(g);
    for (auto& x : samples) x = base * (1 + spread * (uniform01(g) - 0.5));
    const serve::service_distribution dist(samples);
    const double a = std::exp(std::log(0.05) + uniform01(g) * std::log(4000.0)), lambda = a / dist.mean();
    const serve::slo s{dist.mean() * (1 + 4 * uniform01(g)), 0.9 + 0.099 * uniform01(g), false};
    const std::uint64_t cap = uniform01(g) < 0.2 ? static_cast<std::uint64_t>(a) + 1 + g() % 5 : 1'000'000;
    const serve::sizing z = serve::min_replicas(lambda, dist, s, cap);
    // Oracle: the first c > a (up to the cap) whose modelled tail meets the SLO.
    std::uint64_t want = 0;
    if (dist.tail(s.latency) < 1 - s.quantile)
      for (std::uint64_t c = static_cast<std::uint64_t>(std::floor(a)) + 1; c <= cap; ++c)
        if (serve::general_response_tail(lambda, dist, c, s.latency) <= 1 - s.quantile) {
          want = c;
          break;
        }
    CAPTURE(trial);
    if (dist.tail(s.latency) >= 1 - s.quantile) {
      CHECK(z.limit == serve::sizing_limit::slo_below_service_time);
      ++refused;
    } else if (want == 0) {
      CHECK(z.limit == serve::sizing_limit::exceeds_max_replicas);
      ++capped;
    } else {
      REQUIRE(z.status == idn::solve_status::optimal);
      CHECK(z.replicas == want);
      CHECK(z.achieved == doctest::Approx(serve::general_response_tail(lambda, dist, want, s.latency)).epsilon(1e-9));
      ++ok;
    }
  }
  CHECK(ok > 800);
  CHECK(capped > 50);
  CHECK(refused > 10);
}

TEST_CASE("general sizing: bad input is named; the limits are the M/M/c and service-only ones") {
  const std::vector<double> bad{0.01, -1.0};
  CHECK_THROWS_WITH_AS(serve::service_distribution{bad}, doctest::Contains("samples[1] = -1"), invalid_input);
  CHECK_THROWS_AS(serve::service_distribution{std::vector<double>{}}, invalid_input);
  const auto det = serve::service_distribution::deterministic(1.0);
  CHECK(det.scv() == 0);
  CHECK(det.tail(0.5) == 1);
  CHECK(det.tail(1.0) == 0);
  // λ = 0: the response time is the service time.
  CHECK(serve::general_response_tail(0, det, 1, 0.999) == 1);
  CHECK(serve::general_response_tail(0, det, 1, 1.0) == 0);
  // c = 1, deterministic: the mean wait is Pollaczek–Khinchine's ρ/(2μ(1 − ρ)), exactly.
  const serve::sizing m = serve::min_replicas(0.5, det, serve::slo{1.0 + 0.5 / (2 * 0.5) + 1e-12, 0.5, true}, 1);
  CHECK(m.status == idn::solve_status::optimal);
  CHECK(m.achieved == doctest::Approx(1.5).epsilon(1e-12));
  // M/D/1: the decay rate is Cramér–Lundberg's root of λ(e^θ − 1) = θ (Newton here, independently).
  double theta = 2;
  for (int i = 0; i < 60; ++i) theta -= (0.5 * (std::exp(theta) - 1) - theta) / (0.5 * std::exp(theta) - 1);
  CHECK(serve::detail::decay_rate(det, 0.5, 1) == doctest::Approx(theta).epsilon(1e-10));
  // c servers with service S behave, for the decay rate, as one server with S/c.
  CHECK(serve::detail::decay_rate(det, 2.0, 4) == doctest::Approx(serve::detail::decay_rate(serve::service_distribution::deterministic(0.25), 2.0, 1)).epsilon(1e-10));
  // SLO below the service time whatever the replicas.
  CHECK(serve::min_replicas(1, det, serve::slo{0.9, 0.99, false}).limit == serve::sizing_limit::slo_below_service_time);
  CHECK(serve::min_replicas(100, det, serve::slo{2, 0.99, false}, 10).limit == serve::sizing_limit::exceeds_max_replicas);
  // Service times near DBL_MAX (fuzz finding 24): a quantile just above the service time is
  // finite, one beyond the largest double is an error, never +inf.
  const auto huge = serve::service_distribution::deterministic(1e308);
  CHECK(serve::general_response_quantile(1e-320, huge, 8, 0.5) == doctest::Approx(1e308).epsilon(1e-9));
  CHECK_THROWS_WITH_AS(serve::general_response_quantile(0.5e-307, serve::service_distribution::deterministic(1e307), 1, 1 - 1e-12),
                       doctest::Contains("largest finite double"), invalid_input);
}
