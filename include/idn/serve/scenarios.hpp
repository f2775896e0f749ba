#pragma once
/// The ASSIST-IoT workloads of docs/serve.md scenarios.hpp, §8: fall detection (every wearable
/// sends a 9×3 int16 window each `period` s over long-lived client streams).
#include <cstdint>
#include <span>
#include <vector>

#include "idn/serve/lb_sim.hpp"

namespace idn::serve {

/// devices wearables, each sending request_bytes every period seconds, spread over clients
/// (one long-lived stream each). 1,800 requests per device, as in the public benchmark scripts.
struct fall_workload {
  std::uint32_t devices = 160, clients = 1;
  double period = 0.5;
  double request_bytes = 54;  ///< 9×3 int16 window
  std::uint32_t requests_per_device = 1800;
};

/// The lb_scenario of a fall-detection run on the given replicas (mean service s each).
inline lb_scenario fall_detection_scenario(const fall_workload& w, std::span<const double> replica_mean_service, routing r = routing::per_stream) {
  if (w.devices == 0) idn::reject("serve::fall_detection_scenario", "devices", 0, "must be >= 1");
  if (w.clients == 0) idn::reject("serve::fall_detection_scenario", "clients", 0, "must be >= 1");
  if (!(w.period > 0) || !std::isfinite(w.period)) idn::reject("serve::fall_detection_scenario", "period", w.period, "must be finite and > 0");
  if (w.requests_per_device < 2) idn::reject("serve::fall_detection_scenario", "requests_per_device", w.requests_per_device, "must be >= 2");
  lb_scenario s;
  s.mean_service.assign(replica_mean_service.begin(), replica_mean_service.end());
  s.law = service_law::exponential;
  s.arrivals = arrival_law::periodic_fleet;
  s.devices = w.devices;
  s.arrival_rate = static_cast<double>(w.devices) / w.period;
  s.streams = w.clients;
  s.granularity = r;
  s.requests = static_cast<std::uint64_t>(w.devices) * w.requests_per_device;
  s.warmup = s.requests / 10;
  s.max_queue = 50'000;
  return s;
}

}  // namespace idn::serve
