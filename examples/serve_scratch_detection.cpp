// The ASSIST-IoT car-scratch detection workload (docs/serve.md R4): scans of U{50..300}
// 1200×900 RGB images (3.24 MB each) every 180 s from 1, 2 or 4 staggered clients, sent as
// batches of 1, 4 or 16 over affine_link(0.5 ms, 1 Gbit/s) to GPU replicas with an affine batch
// latency t(b) = fixed + per_image·b (swept: the measured ones are not public). Least-outstanding
// routing per request. For each case: per-image mean and p99 latency and mean/max makespan on one
// replica, and the fewest replicas that keep up (every scan done before that client's next one)
// and that meet a makespan deadline.
// Usage: serve_scratch_detection [--fixed S] [--per-image S] [--deadline S] [--link-gbps G]
//                                [--scans N] [--out DIR]          (writes DIR/scratch_detection.csv)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/hw/link.hpp"
#include "idn/serve.hpp"

int main(int argc, char** argv) {
  using namespace idn::serve;
  try {
    std::vector<double> fixed{0.02, 0.2}, per_image{0.01, 0.1, 0.5};
    double deadline = 30, gbps = 1;
    std::uint32_t scans = 15;
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--fixed" && i + 1 < argc) fixed = {std::stod(argv[++i])};
      else if (a == "--per-image" && i + 1 < argc) per_image = {std::stod(argv[++i])};
      else if (a == "--deadline" && i + 1 < argc) deadline = std::stod(argv[++i]);
      else if (a == "--link-gbps" && i + 1 < argc) gbps = std::stod(argv[++i]);
      else if (a == "--scans" && i + 1 < argc) scans = static_cast<std::uint32_t>(std::stoul(argv[++i]));
      else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else
        throw idn::invalid_input(idn::concat("unknown argument '", a,
                                             "' (usage: serve_scratch_detection [--fixed S] [--per-image S] [--deadline S] [--link-gbps G] "
                                             "[--scans N] [--out DIR])"));
    }
    const idn::hw::any_link link(idn::hw::affine_link(0.5e-3, gbps * 1e9), "uplink");
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "scratch_detection.csv");
    csv << "fixed_s,per_image_s,clients,batch,images,mean_image_latency_s,p99_image_latency_s,mean_makespan_s,max_makespan_s,utilization,"
           "kept_up_one_replica,replicas_keep_up,replicas_deadline\n";
    std::printf("%7s %7s %3s %3s %7s | one replica: %9s %9s %9s %9s %5s %4s | %7s %8s\n", "fixed", "per-img", "cl", "B", "images", "mean s",
                "p99 s", "mkspan s", "max mk s", "util", "kept", "c keep", "c <= dl");
    for (const double f : fixed)
      for (const double p : per_image)
        for (const std::uint32_t clients : {1u, 2u, 4u})
          for (const std::uint32_t batch : {1u, 4u, 16u}) {
            scan_workload w;
            w.clients = clients, w.batch = batch, w.scans = scans;
            const affine_batch_latency t{f, p};
            const auto lor = [](std::uint32_t) { return least_outstanding{}; };
            const scan_result one = simulate_scans(w, 1, t, least_outstanding{}, link, 1);
            const auto keep = min_replicas_for_scans(w, t, lor, link, 1);
            const auto dl = min_replicas_for_scans(w, t, lor, link, 1, {deadline, 64});
            auto count = [](std::uint32_t c) { return c == 0 ? std::string(">64") : std::to_string(c); };
            std::printf("%7.3f %7.3f %3u %3u %7llu | %22.2f %9.2f %9.1f %9.1f %5.2f %4s | %7s %8s\n", f, p, clients, batch,
                        static_cast<unsigned long long>(one.images), one.mean_image_latency, one.p99_image_latency, one.mean_makespan,
                        one.max_makespan, one.utilization, one.kept_up ? "yes" : "no", count(keep.first).c_str(), count(dl.first).c_str());
            csv << f << ',' << p << ',' << clients << ',' << batch << ',' << one.images << ',' << one.mean_image_latency << ','
                << one.p99_image_latency << ',' << one.mean_makespan << ',' << one.max_makespan << ',' << one.utilization << ','
                << one.kept_up << ',' << keep.first << ',' << dl.first << '\n';
          }
    std::printf("(link: %.3g Gbit/s, %.1f ms per image on the wire; deadline for 'c <= dl': max makespan %.0f s; 0/>64: none up to 64)\nwrote %s\n",
                gbps, 3.24e6 * 8 / (gbps * 1e9) * 1e3, deadline, (out / "scratch_detection.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
