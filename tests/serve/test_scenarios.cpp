// idn/serve/scenarios.hpp: fall_detection_scenario encodes the ASSIST-IoT fall-detection workload
// (devices x period, streams, request count, warm-up) and names bad workloads.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "error_of.hpp"
#include "idn/serve/balancers.hpp"
#include "idn/serve/lb_sim.hpp"
#include "idn/serve/scenarios.hpp"

using namespace idn::serve;

TEST_CASE("fall_detection_scenario: rates, streams and counts from the workload; a short run's throughput matches the offered load") {
  fall_workload w;
  w.devices = 40, w.clients = 4, w.period = 0.5, w.requests_per_device = 50;
  const std::vector<double> service{0.004, 0.004, 0.008};
  const lb_scenario s = fall_detection_scenario(w, service);
  CHECK(s.arrival_rate == 80);  // 40 devices every 0.5 s
  CHECK(s.devices == 40);
  CHECK(s.streams == 4);
  CHECK(s.requests == 2000);
  CHECK(s.warmup == 200);
  CHECK(s.mean_service == service);
  CHECK(s.arrivals == arrival_law::periodic_fleet);
  CHECK(s.granularity == routing::per_stream);
  CHECK(fall_detection_scenario(w, service, routing::per_request).granularity == routing::per_request);
  // Defaults are the public benchmark's: 160 wearables x 1,800 windows of 9 x 3 int16.
  const fall_workload d;
  CHECK(d.request_bytes == 54);
  CHECK(fall_detection_scenario(d, service).requests == 160u * 1800u);
  // Offered 80 req/s against a capacity of 625 req/s: the run serves what the fleet sends.
  const lb_result r = simulate_balancer(s, least_outstanding{});
  CHECK(r.status == idn::solve_status::feasible);
  CHECK(r.throughput == doctest::Approx(80).epsilon(0.05));
  CHECK(r.mean >= 0.004);  // at least one service time
}

TEST_CASE("fall_detection_scenario: bad workloads are named") {
  const std::vector<double> service{0.01};
  fall_workload w;
  w.devices = 0;
  CHECK(idn::test::error_of([&] { (void)fall_detection_scenario(w, service); }) == "idn::serve::fall_detection_scenario: devices = 0: must be >= 1");
  w = {};
  w.clients = 0;
  CHECK(idn::test::error_of([&] { (void)fall_detection_scenario(w, service); }) == "idn::serve::fall_detection_scenario: clients = 0: must be >= 1");
  w = {};
  w.period = std::nan("");
  CHECK(idn::test::error_of([&] { (void)fall_detection_scenario(w, service); }) == "idn::serve::fall_detection_scenario: period = nan: must be finite and > 0");
  w = {};
  w.requests_per_device = 1;
  CHECK(idn::test::error_of([&] { (void)fall_detection_scenario(w, service); }) == "idn::serve::fall_detection_scenario: requests_per_device = 1: must be >= 2");
}
