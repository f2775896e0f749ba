// serve/sizing.hpp: min_replicas minimal, monotone, with the exact infeasibility boundary and the
// cap; square-root staffing within 2 of the exact staffing; sizing_limit names.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/serve/queueing.hpp"
#include "idn/serve/sizing.hpp"

using namespace idn::serve;

TEST_CASE("min_replicas: minimal, monotone, exact infeasibility boundary, cap") {
  idn::rng g(10103);
  int sized = 0;  // cases with a finite replica count: the minimality checks ran on them
  for (int rep = 0; rep < 10000; ++rep) {
    const double mu = 1 + 99 * idn::uniform01(g), lambda = mu * 200 * idn::uniform01(g);
    const double q = 0.5 + 0.499 * idn::uniform01(g);
    const double d = (1 + 20 * idn::uniform01(g)) / mu;
    const bool on_mean = g() % 4 == 0;
    const slo s{d, q, on_mean};
    const sizing r = min_replicas(lambda, mu, s);
    CAPTURE(rep);
    if (r.limit == sizing_limit::slo_below_service_time) {
      REQUIRE((on_mean ? 1 / mu >= d : std::exp(-mu * d) >= 1 - q));
      continue;
    }
    REQUIRE(r.status == idn::solve_status::optimal);
    ++sized;
    auto meets = [&](std::uint64_t c) {
      if (!(lambda / mu < static_cast<double>(c))) return false;
      return on_mean ? mmc(lambda, mu, c).mean_response <= d : mmc_response_tail(lambda, mu, c, d) <= 1 - q;
    };
    REQUIRE(meets(r.replicas));
    REQUIRE((r.replicas == 1 || !meets(r.replicas - 1)));
    // Monotone: more load needs no fewer; a looser latency needs no more.
    REQUIRE(min_replicas(lambda * 1.1, mu, s).replicas >= r.replicas);
    const sizing looser = min_replicas(lambda, mu, {d * 1.5, q, on_mean});
    REQUIRE(looser.replicas <= r.replicas);
    if (!on_mean && q < 0.99) {
      const sizing stricter = min_replicas(lambda, mu, {d, q + 0.009, false});
      REQUIRE((stricter.limit == sizing_limit::slo_below_service_time || stricter.replicas >= r.replicas));
    }
    if (r.replicas > 1) {
      const sizing capped = min_replicas(lambda, mu, s, r.replicas - 1);
      REQUIRE(capped.limit == sizing_limit::exceeds_max_replicas);
    }
  }
  for (const double q : {0.9, 0.99, 0.999}) {
    const double mu = 3, d0 = -std::log(1 - q) / mu;
    CHECK(min_replicas(10, mu, {d0 * (1 - 1e-9), q}).limit == sizing_limit::slo_below_service_time);
    CHECK(min_replicas(10, mu, {d0 * (1 + 1e-9), q}).limit != sizing_limit::slo_below_service_time);
  }
  CHECK(min_replicas(10, 2, {0.5, 0.9, true}).limit == sizing_limit::slo_below_service_time);
  CHECK_THROWS_WITH_AS(min_replicas(1, 1, {0, 0.9}), doctest::Contains("slo.latency = 0"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(min_replicas(1, 1, {1, 1.0}), doctest::Contains("slo.quantile = 1"), idn::invalid_input);
  CHECK(sized >= 9000);  // 9,742 of 10,000 with this seed
}

TEST_CASE("sqrt_staffing within 2 of the exact Erlang-C staffing; beta solves its equation") {
  idn::rng g(10104);
  for (int rep = 0; rep < 2000; ++rep) {
    const double alpha = 0.01 + 0.89 * idn::uniform01(g), a = std::exp(std::log(1e4) * idn::uniform01(g));
    const double beta = halfin_whitt_beta(alpha);
    const double Phi = 0.5 * std::erfc(-beta / std::sqrt(2.0)), pdf = std::exp(-beta * beta / 2) / std::sqrt(2 * 3.14159265358979323846);
    REQUIRE(std::abs(1 / (1 + beta * Phi / pdf) - alpha) <= 1e-12);
    std::uint64_t c = static_cast<std::uint64_t>(std::floor(a)) + 1;
    double B = erlang_b(c, a);
    while (true) {
      const double cd = static_cast<double>(c), C = cd * B / (cd - a * (1 - B));
      if (C <= alpha) break;
      ++c;
      B = a * B / (static_cast<double>(c) + a * B);
    }
    const std::uint64_t s = sqrt_staffing(a, 1.0, alpha);
    CAPTURE(alpha);
    CAPTURE(a);
    REQUIRE(std::llabs(static_cast<long long>(s) - static_cast<long long>(c)) <= 2);
  }
  CHECK_THROWS_AS(halfin_whitt_beta(1.0), idn::invalid_input);
}

TEST_CASE("to_string(sizing_limit) names every enumerator") {
  using idn::serve::sizing_limit;
  static_assert(std::string_view(to_string(sizing_limit::none)) == "none");
  CHECK(std::string_view(to_string(sizing_limit::slo_below_service_time)) == "slo_below_service_time");
  CHECK(std::string_view(to_string(sizing_limit::exceeds_max_replicas)) == "exceeds_max_replicas");
  CHECK(std::string_view(to_string(static_cast<sizing_limit>(99))) == "unknown");
}
