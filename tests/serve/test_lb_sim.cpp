// docs/serve.md "Harness": random = independent M/M/1s, power of two beats random and meets
// Mitzenmacher's T_2, JSQ between pooled M/M/c and random, RR instability on heterogeneous
// replicas, sticky streams, Little's law per replica (server part), validation.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/serve/lb_sim.hpp"

using namespace idn::serve;

namespace {
#ifdef IDN_TEST_LIGHT
constexpr std::uint64_t base_requests = 40'000;
constexpr double light = 2;  // tolerances of sample means scale with 1/sqrt(n): 5x fewer requests
#else
constexpr std::uint64_t base_requests = 200'000;
constexpr double light = 1;
#endif
lb_scenario identical(std::size_t n, double rho, std::uint64_t seed) {
  lb_scenario s;
  s.mean_service.assign(n, 1.0);
  s.arrival_rate = rho * static_cast<double>(n);
  s.requests = base_requests, s.warmup = base_requests / 10, s.seed = seed;
  return s;
}
}  // namespace

TEST_CASE("lb harness: random over identical replicas is n independent M/M/1 queues at lambda/n") {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const lb_result r = simulate_balancer(identical(4, 0.7, seed), random_choice{});
    CAPTURE(seed);
    CHECK(r.mean == idn::test::rel(1 / (1 - 0.7)).epsilon(0.05));
    CHECK(r.status == idn::solve_status::feasible);
    for (Eigen::Index i = 0; i < 4; ++i) CHECK(r.utilization[i] == idn::test::rel(0.7).epsilon(0.03 * light));
  }
}

TEST_CASE("lb harness: P2C beats random in mean and p99 (n = 16); T_2(0.9) within 5% at n = 100; JSQ between pooled and random") {
  for (const double rho : {0.8, 0.9, 0.95}) {
    const lb_result rnd = simulate_balancer(identical(16, rho, 7), random_choice{});
    const lb_result p2c = simulate_balancer(identical(16, rho, 7), power_of_d(2));
    CAPTURE(rho);
    CHECK(p2c.mean < rnd.mean);
    CHECK(p2c.p99 < rnd.p99);
    const lb_result jsq = simulate_balancer(identical(16, rho, 7), join_shortest_queue{});
    const double pooled = mmc(rho * 16, 1.0, 16).mean_response;
    CHECK(jsq.mean >= pooled * 0.97);
    CHECK(jsq.mean <= rnd.mean);
  }
  double T2 = 0;
  for (int i = 1; i < 40; ++i) T2 += std::pow(0.9, std::pow(2.0, i) - 2);
  lb_scenario big = identical(100, 0.9, 3);
  big.requests = base_requests * 5, big.warmup = base_requests;
  const lb_result p = simulate_balancer(big, power_of_d(2));
  CHECK(p.mean == idn::test::rel(T2).epsilon(0.05));
}

TEST_CASE("lb harness: heterogeneous speeds {1,1,2,4}: RR unstable once lambda/n > min mu; LOR, JSQ, SWRR stable at 0.9") {
  lb_scenario s;
  s.mean_service = {0.01, 0.01, 0.005, 0.0025};
  s.requests = base_requests, s.warmup = base_requests / 10, s.max_queue = 500;
  s.arrival_rate = 0.6 * 800;  // λ/n = 120 > min μ = 100
  CHECK(simulate_balancer(s, round_robin{}).status == idn::solve_status::unstable);
  s.arrival_rate = 0.9 * 800;
  CHECK(simulate_balancer(s, least_outstanding{}).status == idn::solve_status::feasible);
  CHECK(simulate_balancer(s, join_shortest_queue{}).status == idn::solve_status::feasible);
  const std::vector<double> speeds{1, 1, 2, 4};
  const lb_result sw = simulate_balancer(s, smooth_weighted_round_robin(weights_from_speeds(speeds)));
  CHECK(sw.status == idn::solve_status::feasible);
  // Little's law for the servers: utilization_i = share_i · λ · E[S_i] (± 2 %).
  for (Eigen::Index i = 0; i < 4; ++i)
    CHECK(sw.utilization[i] == idn::test::rel(sw.share[i] * s.arrival_rate * s.mean_service[static_cast<std::size_t>(i)]).epsilon(0.02 * light));
}

TEST_CASE("lb harness: Little's law per replica, L_i = X_i W_i (± 2 %), for every policy on speeds {1,1,2,4}") {
  lb_scenario s;
  s.mean_service = {0.01, 0.01, 0.005, 0.0025};
  s.requests = base_requests, s.warmup = base_requests / 10;
  s.arrival_rate = 0.85 * 800;
  auto little = [&](const lb_result& r) {
    CHECK(r.status == idn::solve_status::feasible);
    for (Eigen::Index i = 0; i < 4; ++i) {
      CAPTURE(i);
      CHECK(r.in_system[i] == idn::test::rel(r.replica_throughput[i] * r.replica_response[i]).epsilon(0.02));
      // The server part: the busy fraction is the throughput times the mean service time.
      CHECK(r.utilization[i] == idn::test::rel(r.replica_throughput[i] * s.mean_service[static_cast<std::size_t>(i)]).epsilon(0.02 * light));
    }
  };
  little(simulate_balancer(s, least_outstanding{}));
  little(simulate_balancer(s, join_shortest_queue{}));
  little(simulate_balancer(s, power_of_d(2)));
  little(simulate_balancer(s, smooth_weighted_round_robin(weights_from_speeds(std::vector<double>{1, 1, 2, 4}))));
  s.network_delay = 0.002, s.dispatchers = 3, s.streams = 6;
  little(simulate_balancer(s, least_outstanding{}));
}

TEST_CASE("lb harness: one sticky stream keeps exactly one replica busy; more streams at most min(streams, replicas)") {
  lb_scenario s = identical(8, 0.1, 5);
  s.granularity = routing::per_stream;
  s.streams = 1;
  lb_result r = simulate_balancer(s, random_choice{});
  int busy = 0;
  for (Eigen::Index i = 0; i < 8; ++i) busy += r.utilization[i] > 0;
  CHECK(busy == 1);
  s.streams = 4;
  r = simulate_balancer(s, random_choice{});
  busy = 0;
  for (Eigen::Index i = 0; i < 8; ++i) busy += r.utilization[i] > 0;
  CHECK(busy <= 4);
  // A periodic fleet of devices over streams, with two dispatchers.
  lb_scenario f = identical(4, 0.5, 6);
  f.arrivals = arrival_law::periodic_fleet, f.devices = 40, f.streams = 4, f.dispatchers = 2;
  const lb_result fr = simulate_balancer(f, power_of_d(2));
  CHECK(fr.status == idn::solve_status::feasible);
  CHECK(fr.throughput == idn::test::rel(2.0).epsilon(0.05));
}

TEST_CASE("lb harness: validation") {
  lb_scenario s = identical(2, 0.5, 1);
  CHECK_THROWS_WITH_AS(simulate_balancer(s, power_of_d(3)), "idn::serve::simulate_balancer: power_of_d d = 3: must be <= replicas = 2", idn::invalid_input);
  CHECK_THROWS_AS(simulate_balancer(s, smooth_weighted_round_robin({1, 1, 1})), idn::invalid_input);
  s.mean_service[1] = 0;
  CHECK_THROWS_WITH_AS(simulate_balancer(s, random_choice{}), doctest::Contains("mean_service[1] = 0"), idn::invalid_input);
  s = identical(2, 0.5, 1);
  s.requests = s.warmup;
  CHECK_THROWS_AS(simulate_balancer(s, random_choice{}), idn::invalid_input);
  s = identical(2, 0.5, 1);
  s.arrivals = arrival_law::periodic_fleet;
  CHECK_THROWS_WITH_AS(simulate_balancer(s, random_choice{}), doctest::Contains("devices = 0"), idn::invalid_input);
}

TEST_CASE("load_curve (R1): throughput = min(lambda, c mu) for 1, 2 and 4 identical replicas under P2C") {
  for (const std::size_t c : {std::size_t{1}, std::size_t{2}, std::size_t{4}}) {
    lb_scenario s = identical(c, 0.5, 9);
    s.requests = base_requests / 4, s.warmup = base_requests / 40, s.max_queue = 1'000'000;  // let overload run
    const std::vector<double> loads{0.3, 0.7, 1.3};
    const auto curve = load_curve(s, loads, power_of_d(c >= 2 ? 2 : 1));
    for (const auto& [rho, r] : curve) {
      CAPTURE(c);
      CAPTURE(rho);
      CHECK(r.throughput == idn::test::rel(std::min(rho, 1.0) * static_cast<double>(c)).epsilon(0.05));  // μ = 1 per replica
    }
    // The knee: latency explodes past cμ, and a bounded queue flags the overload.
    CHECK(curve[2].second.mean > 10 * curve[1].second.mean);
    s.max_queue = 200;
    s.arrival_rate = 1.3 * static_cast<double>(c);
    CHECK(simulate_balancer(s, power_of_d(c >= 2 ? 2 : 1)).status == idn::solve_status::unstable);
  }
}

TEST_CASE("lb harness: the empirical law with one sample is the deterministic law, draw for draw; a two-point shape keeps the mean") {
  lb_scenario s;
  s.mean_service = {1.0, 1.0, 1.0};
  s.arrival_rate = 2.4;
  s.requests = 60'000, s.warmup = 6'000;
  s.law = service_law::deterministic;
  const lb_result d = simulate_balancer(s, least_outstanding{});
  s.law = service_law::empirical;
  s.service_shape = {7.0};  // normalised to mean 1
  const lb_result e = simulate_balancer(s, least_outstanding{});
  CHECK(e.mean == d.mean);
  CHECK(e.p99 == d.p99);
  CHECK(e.throughput == d.throughput);
  // {0.5, 1.5} (×3 scaled, normalised): the mean service stays 1, so utilization is λ/n = 0.8.
  s.service_shape = {1.5, 4.5};
  const lb_result t = simulate_balancer(s, random_choice{});
  CHECK(t.utilization.mean() == doctest::Approx(0.8).epsilon(0.02));
  s.service_shape = {1.0, -1.0};
  CHECK_THROWS_WITH_AS(simulate_balancer(s, random_choice{}), doctest::Contains("service_shape[1] = -1"), idn::invalid_input);
}
