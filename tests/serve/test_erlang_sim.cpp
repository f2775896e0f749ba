// docs/serve.md "Erlang C against simulation": an idn::sim station with c servers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/serve/queueing.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"
#include "idn/sim/stats.hpp"

using namespace idn;

TEST_CASE("Erlang C and the M/M/c response (mean, P(wait), p99) against an idn::sim station") {
#ifdef IDN_TEST_LIGHT
  const std::uint64_t scale = 5;
#else
  const std::uint64_t scale = 1;
#endif
  for (const std::uint32_t c : {1u, 2u, 8u, 32u})
    for (const double rho : {0.5, 0.8, 0.95}) {
      // Heavy traffic mixes slowly; the p99 needs the full sample even in light (sanitizer) builds.
      const std::uint64_t jobs = rho > 0.9 ? 3'000'000 / scale : 400'000;
      const double mu = 1.0, lambda = rho * c * mu;
      sim::simulator s;
      idn::rng svc(c * 1000 + static_cast<std::uint64_t>(rho * 100));
      std::vector<double> service_of(jobs + 10, 0), response, waited;
      response.reserve(jobs), waited.reserve(jobs);
      std::uint64_t departed = 0, id = 0;
      sim::station st(s, sim::station_options{c, 1, sim::discipline::non_preemptive},
                      [&](const sim::job& j) { return service_of[j.id] = standard_exponential(svc) / mu; },
                      [&](const sim::job& j, double r) {
                        if (++departed > jobs / 10) response.push_back(r), waited.push_back(r - service_of[j.id] > 1e-6 ? 1.0 : 0.0);  // r carries rounding of order 1e-16·now
                        if (departed == jobs) s.stop();
                      });
      using arrival_fn = std::function<void(std::uint64_t)>;
      sim::poisson_source<arrival_fn> src(s, lambda, idn::rng(c + 7), arrival_fn([&](std::uint64_t) {
                                            if (id < jobs + 10) st.arrive(sim::job{id++, 0, s.now()});
                                          }));
      s.run();
      const serve::mmc_metrics m = serve::mmc(lambda, mu, c);
      const auto t = sim::batch_means(response, 50), w = sim::batch_means(waited, 50);
      CAPTURE(c);
      CAPTURE(rho);
      CHECK(std::abs(t.mean - m.mean_response) <= 4 * t.std_error);
      CHECK(std::abs(w.mean - m.prob_wait) <= 4 * w.std_error);
      std::vector<double> sorted = response;
      std::sort(sorted.begin(), sorted.end());
      const double p99 = sorted[static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(sorted.size()))) - 1];
      if (rho <= 0.8 || scale == 1)  // the heavy-traffic p99 needs the full sample
        CHECK(p99 == idn::test::rel(serve::mmc_response_quantile(lambda, mu, c, 0.99)).epsilon(rho <= 0.8 ? 0.05 : 0.10));
    }
}
