// Scale-out on a measured stage (docs/reproductions.md "Pipelines"), after ASSIST-IoT's
// experiment: one inference stage behind a load balancer, its per-request service times drawn
// from the inference times PyTorch measured for a real model on the reference machine
// (tests/serve/service_times), Poisson requests at a fixed rate. For 1 … N replicas and four
// balancers it prints throughput and p99 (idn::sim, lb_sim with the empirical service law); then
// the planner's answer — the fewest replicas whose p99 meets the SLO under M/G/c with the measured
// distribution (serve/general_sizing.hpp), and under M/M/c — checked by simulation.
//
// Usage: serve_scale_out [--model resnet18|resnet50|mobilenet_v2] [--rate R] [--slo-ms D]
//                        [--max-replicas N] [--requests N] [--samples CSV]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/serve/balancers.hpp"
#include "idn/serve/general_sizing.hpp"
#include "idn/serve/lb_sim.hpp"
#include "idn/serve/service_times.hpp"
#include "idn/serve/sizing.hpp"

int main(int argc, char** argv) {
  using namespace idn::serve;
  try {
    std::string model = "resnet18", samples_path = std::string(IDN_SOURCE_DIR) + "/tests/serve/service_times/pytorch_cpu_1thread.csv";
    double rate = 100, slo_ms = 100;
    std::uint32_t max_replicas = 8;
    std::uint64_t requests = 60'000;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw idn::invalid_input(idn::concat("missing value after ", a));
        return argv[++i];
      };
      if (a == "--model") model = next();
      else if (a == "--rate") rate = std::stod(next());
      else if (a == "--slo-ms") slo_ms = std::stod(next());
      else if (a == "--max-replicas") max_replicas = static_cast<std::uint32_t>(std::stoul(next()));
      else if (a == "--requests") requests = std::stoull(next());
      else if (a == "--samples") samples_path = next();
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (see the comment at the top of serve_scale_out.cpp)"));
    }
    if (!(rate > 0) || !(slo_ms > 0) || max_replicas == 0 || requests < 1000) throw idn::invalid_input("--rate, --slo-ms > 0, --max-replicas >= 1, --requests >= 1000");
    const auto all = read_service_times(std::filesystem::path(samples_path));
    const auto found = all.find(model);
    if (found == all.end()) throw idn::invalid_input(idn::concat(samples_path, ": no samples of model '", model, "'"));
    const std::vector<double>& samples = found->second;
    const service_distribution dist(samples);
    std::printf("%s: %zu measured inferences, mean %.2f ms, scv %.4f, p99 %.2f ms; %.0f requests/s (%.2f Erlangs), p99 SLO %.0f ms\n", model.c_str(),
                samples.size(), 1e3 * dist.mean(), dist.scv(), 1e3 * samples[static_cast<std::size_t>(0.99 * (samples.size() - 1))], rate,
                rate * dist.mean(), slo_ms);
    lb_scenario base;
    base.law = service_law::empirical;
    base.service_shape = samples;
    base.arrival_rate = rate;
    base.requests = requests, base.warmup = requests / 10;
    auto run = [&](std::uint32_t n, auto policy) {
      lb_scenario s = base;
      s.mean_service.assign(n, dist.mean());
      return simulate_balancer(s, policy);
    };
    auto cell = [](const lb_report& r) {
      char buf[32];
      if (r.unstable) std::snprintf(buf, sizeof buf, "%19s", "unstable");
      else std::snprintf(buf, sizeof buf, "%8.1f /%8.1f ms", r.throughput, 1e3 * r.p99);
      return std::string(buf);
    };
    std::printf("\n%8s %19s %19s %19s %19s   (throughput req/s / p99)\n", "replicas", "random", "round robin", "least outstanding", "power of 2");
    for (std::uint32_t n = 1; n <= max_replicas; ++n) {
      if (rate * dist.mean() >= n) {
        std::printf("%8u %19s\n", n, "(offered load >= replicas: unstable)");
        continue;
      }
      std::printf("%8u %s %s %s %s\n", n, cell(run(n, random_choice{})).c_str(), cell(run(n, round_robin{})).c_str(), cell(run(n, least_outstanding{})).c_str(),
                  n >= 2 ? cell(run(n, power_of_d(2))).c_str() : cell(run(n, random_choice{})).c_str());
    }
    // The planner: fewest replicas meeting the p99 SLO, M/G/c (measured distribution) vs M/M/c.
    const slo target{slo_ms * 1e-3, 0.99, false};
    const sizing g = min_replicas(rate, dist, target), m = min_replicas(rate, 1 / dist.mean(), target);
    std::printf("\nplanner (M/G/c, measured service times): %s", to_string(g.status));
    if (g.status == sizing_status::ok) {
      const lb_report lo = run(static_cast<std::uint32_t>(g.replicas), least_outstanding{});
      std::printf(", %llu replicas, modelled p99 miss %.3f %%; simulated p99 with least-outstanding %.1f ms: %s\n",
                  static_cast<unsigned long long>(g.replicas), 100 * g.achieved, 1e3 * lo.p99,
                  !lo.unstable && lo.p99 <= target.latency ? "meets the SLO" : "MISSES the SLO");
      if (g.replicas > 1 && static_cast<double>(g.replicas - 1) > rate * dist.mean()) {
        const lb_report fewer = run(static_cast<std::uint32_t>(g.replicas - 1), least_outstanding{});
        std::printf("  one replica fewer: simulated p99 %.1f ms (%s)\n", 1e3 * fewer.p99, !fewer.unstable && fewer.p99 <= target.latency ? "meets it too" : "misses it");
      }
    } else {
      std::printf("\n");
    }
    std::printf("planner (M/M/c, exponential service): %s", to_string(m.status));
    if (m.status == sizing_status::ok) std::printf(", %llu replicas", static_cast<unsigned long long>(m.replicas));
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
