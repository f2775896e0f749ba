// The ASSIST-IoT fall-detection workload (docs/serve.md R2, R3): every wearable sends a 9×3
// int16 window each 500 ms over its client's long-lived stream. Gateway runs: 10–160 devices on
// one client; x86 runs: {10, 40, 160} devices × {1, 4, 16} clients. Per-request service times are
// swept (gateway {1, 2, 5, 10, 20} ms, x86 {0.5, 1, 2, 5} ms) because the measured ones are not
// public. For each case: λ, ρ on one replica, min_replicas for the SLO under exponential (M/M/c)
// and deterministic (M/D/c, serve/general_sizing.hpp) service, sqrt_staffing, and the simulated
// p99 with the M/D/c count (the simulated service is deterministic) under sticky per-stream
// routing (a plain Kubernetes Service) and under per-request power-of-two choices.
// Usage: serve_fall_detection [--slo-ms D] [--quick] [--out DIR]   (writes DIR/fall_detection.csv)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/serve.hpp"
#include "idn/serve/general_sizing.hpp"
#include "idn/serve/scenarios.hpp"

int main(int argc, char** argv) {
  using namespace idn::serve;
  try {
    double slo_ms = 100;
    bool quick = false;
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--slo-ms" && i + 1 < argc) slo_ms = std::stod(argv[++i]);
      else if (a == "--quick") quick = true;
      else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: serve_fall_detection [--slo-ms D] [--quick] [--out DIR])"));
    }
    if (!(slo_ms > 0)) throw idn::invalid_input("--slo-ms must be > 0");
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "fall_detection.csv");
    csv << "host,devices,clients,service_ms,lambda,rho_one,min_replicas_mmc,min_replicas_mdc,sqrt_staffing,p99_sticky_ms,p99_p2c_ms,status\n";
    std::printf("%-7s %7s %7s %8s %8s %8s %6s %6s %6s %12s %12s\n", "host", "devices", "clients", "svc ms", "req/s", "rho(1)", "c*M/M", "c*M/D", "sqrt",
                "p99 sticky", "p99 p2c");
    auto run = [&](const char* host, std::uint32_t devices, std::uint32_t clients, double svc_ms) {
      fall_workload w;
      w.devices = devices, w.clients = clients;
      if (quick) w.requests_per_device = 40;
      const double lambda = devices / w.period, mu = 1e3 / svc_ms;
      const sizing zm = min_replicas(lambda, mu, {slo_ms * 1e-3, 0.99, false});
      const sizing z = min_replicas(lambda, service_distribution::deterministic(svc_ms * 1e-3), {slo_ms * 1e-3, 0.99, false});
      const std::uint64_t sq = sqrt_staffing(lambda, mu, 0.1);
      double p99s = NAN, p99p = NAN;
      std::string status = "ok";
      if (z.status == idn::solve_status::optimal) {
        const std::vector<double> replicas(z.replicas, svc_ms * 1e-3);
        const lb_result sticky = simulate_balancer(fall_detection_scenario(w, replicas, routing::per_stream), random_choice{});
        p99s = sticky.status == idn::solve_status::unstable ? INFINITY : 1e3 * sticky.p99;
        if (z.replicas >= 2) {
          const lb_result p2c = simulate_balancer(fall_detection_scenario(w, replicas, routing::per_request), power_of_d(2));
          p99p = p2c.status == idn::solve_status::unstable ? INFINITY : 1e3 * p2c.p99;
        } else {
          const lb_result one = simulate_balancer(fall_detection_scenario(w, replicas, routing::per_request), random_choice{});
          p99p = one.status == idn::solve_status::unstable ? INFINITY : 1e3 * one.p99;
        }
      } else {
        status = z.limit == sizing_limit::slo_below_service_time ? "no finite c meets the SLO" : "exceeds max replicas";
      }
      std::printf("%-7s %7u %7u %8.1f %8.0f %8.3f %6llu %6llu %6llu %12.2f %12.2f  %s\n", host, devices, clients, svc_ms, lambda, lambda / mu,
                  static_cast<unsigned long long>(zm.replicas), static_cast<unsigned long long>(z.replicas), static_cast<unsigned long long>(sq), p99s, p99p,
                  status.c_str());
      csv << host << ',' << devices << ',' << clients << ',' << svc_ms << ',' << lambda << ',' << lambda / mu << ',' << zm.replicas << ',' << z.replicas << ',' << sq
          << ',' << p99s << ',' << p99p << ',' << status << '\n';
    };
    for (const double svc : {1.0, 2.0, 5.0, 10.0, 20.0})
      for (const std::uint32_t d : {10u, 20u, 40u, 80u, 160u}) run("gateway", d, 1, svc);
    for (const double svc : {0.5, 1.0, 2.0, 5.0})
      for (const std::uint32_t d : {10u, 40u, 160u})
        for (const std::uint32_t c : {1u, 4u, 16u}) run("x86", d, c, svc);
    std::printf("(p99 sticky: replicas chosen once per client stream, so 1 client keeps one replica busy)\nwrote %s\n",
                (out / "fall_detection.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
