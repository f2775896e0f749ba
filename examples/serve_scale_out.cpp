// Scale-out on a measured stage (docs/reproductions.md "Pipelines"), after ASSIST-IoT's
// experiment: one inference stage behind a load balancer, its per-request service times drawn
// from the inference times PyTorch measured for a real model on the reference machine
// (tests/serve/service_times), Poisson requests at a fixed rate. For 1 … N replicas and four
// balancers it prints throughput and p99 (idn::sim, lb_sim with the empirical service law); then
// the planner's answer — the fewest replicas whose p99 meets the SLO under M/G/c with the measured
// distribution (serve/general_sizing.hpp), and under M/M/c — checked by simulation. Last, an
// InferLine-style plan (serve/batch_planner.hpp): the cheapest (maximum batch, replicas) with
// dynamic batching and the per-batch times PyTorch measured at batch 1, 2, 4 and 8
// (tests/serve/service_times/pytorch_cpu_1thread_batched.csv), checked by a longer simulation
// with another seed.
//
// Usage: serve_scale_out [--model resnet18|mobilenet_v2|resnet50] [--rate R] [--slo-ms D]
//                        [--max-replicas N] [--requests N] [--samples CSV] [--batched CSV]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/serve/balancers.hpp"
#include "idn/serve/batch_planner.hpp"
#include "idn/serve/general_sizing.hpp"
#include "idn/serve/lb_sim.hpp"
#include "idn/serve/service_times.hpp"
#include "idn/serve/sizing.hpp"

int main(int argc, char** argv) {
  using namespace idn::serve;
  try {
    std::string model = "resnet18", samples_path = std::string(IDN_SOURCE_DIR) + "/tests/serve/service_times/pytorch_cpu_1thread.csv";
    std::string batched_path = std::string(IDN_SOURCE_DIR) + "/tests/serve/service_times/pytorch_cpu_1thread_batched.csv";
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
      else if (a == "--batched") batched_path = next();
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
    auto cell = [](const lb_result& r) {
      char buf[32];
      if (r.status == idn::solve_status::unstable) std::snprintf(buf, sizeof buf, "%19s", "unstable");
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
    if (g.status == idn::solve_status::optimal) {
      const lb_result lo = run(static_cast<std::uint32_t>(g.replicas), least_outstanding{});
      std::printf(", %llu replicas, modelled p99 miss %.3f %%; simulated p99 with least-outstanding %.1f ms: %s\n",
                  static_cast<unsigned long long>(g.replicas), 100 * g.achieved, 1e3 * lo.p99,
                  lo.status != idn::solve_status::unstable && lo.p99 <= target.latency ? "meets the SLO" : "MISSES the SLO");
      if (g.replicas > 1 && static_cast<double>(g.replicas - 1) > rate * dist.mean()) {
        const lb_result fewer = run(static_cast<std::uint32_t>(g.replicas - 1), least_outstanding{});
        std::printf("  one replica fewer: simulated p99 %.1f ms (%s)\n", 1e3 * fewer.p99, fewer.status != idn::solve_status::unstable && fewer.p99 <= target.latency ? "meets it too" : "misses it");
      }
    } else {
      std::printf("\n");
    }
    std::printf("planner (M/M/c, exponential service): %s", to_string(m.status));
    if (m.status == idn::solve_status::optimal) std::printf(", %llu replicas", static_cast<unsigned long long>(m.replicas));
    std::printf("\n");
    // InferLine-style: the cheapest (max batch, replicas) by the simulation estimator.
    const auto batched = read_batch_service_times(std::filesystem::path(batched_path));
    const auto bm = batched.find(model);
    if (bm == batched.end()) {
      std::printf("InferLine-style plan: %s has no batched measurements of %s\n", batched_path.c_str(), model.c_str());
      return 0;
    }
    const batch_latency_profile profile(bm->second);
    std::printf("\nInferLine-style planner (dynamic batching, measured seconds per batch):\n%6s %10s %12s %9s\n", "batch", "mean t(B)", "items/s/rep", "");
    for (std::size_t k = 0; k < profile.sizes().size(); ++k)
      std::printf("%6u %8.2f ms %12.1f\n", profile.sizes()[k], 1e3 * profile.mean_at(k), profile.sizes()[k] / profile.mean_at(k));
    batch_plan_options po;
    po.max_replicas = 64, po.items = requests;
    const batch_plan plan = plan_batched_stage(rate, profile, target, po);
    std::printf("%6s %9s %12s %11s %7s\n", "max B", "replicas", "p99 (sim)", "mean batch", "meets");
    for (const batch_plan_row& r : plan.considered)
      std::printf("%6u %9llu %9.1f ms %11.2f %7s\n", r.config.max_batch, static_cast<unsigned long long>(r.config.replicas), 1e3 * r.estimate.quantile_latency,
                  r.estimate.mean_batch, r.meets ? "yes" : "no");
    if (plan.status != idn::solve_status::optimal) {
      std::printf("InferLine-style plan: %s\n", to_string(plan.status));
      return 0;
    }
    const stage_estimate check = simulate_batched_stage(rate, profile, plan.config, 0.99, 5 * requests, po.seed + 1000);
    // The same comparison on the same measurement session: M/G/c with this file's batch-1 samples.
    if (profile.sizes()[0] != 1) throw idn::invalid_input(idn::concat(batched_path, ": ", model, " has no batch-1 samples"));
    const sizing g1 = min_replicas(rate, service_distribution(profile.samples_at(0)), target);
    std::printf("InferLine-style plan: max batch %u, %llu replicas, M/G/c on the same batch-1 samples: %s %llu, check (5x items, another seed): p99 %.1f ms, %s\n",
                plan.config.max_batch, static_cast<unsigned long long>(plan.config.replicas), to_string(g1.status), static_cast<unsigned long long>(g1.replicas),
                1e3 * check.quantile_latency, check.quantile_latency <= target.latency ? "meets the SLO" : "MISSES the SLO");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
