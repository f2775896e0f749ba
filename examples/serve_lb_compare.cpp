// Load balancers on heterogeneous replicas (docs/serve.md serve_lb_compare): speeds {1, 1, 2, 4}
// with 10 ms mean service at speed 1, loads 0.1–0.95 of the total capacity. Policies: random,
// weighted random (optimal_static_split weights), RR, SWRR (weights_from_speeds), LOR, P2C, JSQ,
// and sticky per-stream routing (random pick per stream) with 4 and 16 streams.
// Usage: serve_lb_compare [--requests N] [--out DIR]   (writes DIR/lb_compare.csv)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/serve.hpp"

int main(int argc, char** argv) {
  using namespace idn::serve;
  try {
    std::uint64_t requests = 200'000;
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--requests" && i + 1 < argc) requests = std::stoull(argv[++i]);
      else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: serve_lb_compare [--requests N] [--out DIR])"));
    }
    if (requests < 1000) throw idn::invalid_input("--requests must be >= 1000");
    const std::vector<double> speeds{1, 1, 2, 4};
    lb_scenario base;
    for (double s : speeds) base.mean_service.push_back(0.010 / s);
    base.requests = requests, base.warmup = requests / 10;
    base.max_queue = 20'000;
    double total_mu = 0;
    for (double m : base.mean_service) total_mu += 1 / m;
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "lb_compare.csv");
    csv << "policy,load,mean_s,p99_s,throughput,unstable\n";
    std::printf("%-22s %5s %10s %10s %10s\n", "policy", "load", "mean ms", "p99 ms", "req/s");
    auto row = [&](const std::string& name, double load, const lb_result& r) {
      std::printf("%-22s %5.2f %10.3f %10.3f %10.1f%s\n", name.c_str(), load, 1e3 * r.mean, 1e3 * r.p99, r.throughput, r.status == idn::solve_status::unstable ? "  UNSTABLE" : "");
      csv << name << ',' << load << ',' << r.mean << ',' << r.p99 << ',' << r.throughput << ',' << (r.status == idn::solve_status::unstable) << '\n';
    };
    for (const double load : {0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95}) {
      lb_scenario s = base;
      s.arrival_rate = load * total_mu;
      std::vector<double> mu;
      for (double m : s.mean_service) mu.push_back(1 / m);
      const Eigen::VectorXd split = optimal_static_split(mu, s.arrival_rate);
      const std::vector<double> w(split.data(), split.data() + split.size());
      row("random", load, simulate_balancer(s, random_choice{}));
      row("weighted_random(opt)", load, simulate_balancer(s, weighted_random(w)));
      row("round_robin", load, simulate_balancer(s, round_robin{}));
      row("swrr", load, simulate_balancer(s, smooth_weighted_round_robin(weights_from_speeds(speeds))));
      row("least_outstanding", load, simulate_balancer(s, least_outstanding{}));
      row("p2c", load, simulate_balancer(s, power_of_d(2)));
      row("jsq", load, simulate_balancer(s, join_shortest_queue{}));
      for (const std::uint32_t streams : {4u, 16u}) {
        lb_scenario st = s;
        st.granularity = routing::per_stream, st.streams = streams;
        row(idn::concat("sticky_", streams, "_streams"), load, simulate_balancer(st, random_choice{}));
      }
      std::printf("  pooled M/M/4-equivalent lower bound at this load: %.3f ms\n", 1e3 * mmc(s.arrival_rate, total_mu / 4, 4).mean_response);
    }
    std::printf("wrote %s\n", (out / "lb_compare.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
