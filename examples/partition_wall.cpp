// The communication wall of model-distributed inference (docs/partition.md): ResNet-50,
// ResNet-56 (224×224 input) and GPT-2 small (a 128-token prompt) split over the first K of
// [Xavier NX ×3, Nano ×3] (idn/hw roofline presets), the input local to worker 0, on 20 Mbit/s
// Wi-Fi (2 ms) and on 1 Gbit/s Ethernet. For each K and method it prints the cut layers, the
// active workers, the bytes crossing cuts, the bottleneck (throughput) and the latency.
// Both runtime models: serialized (recv + compute + send per stage) and overlapped (radios and
// compute pipelined). On Wi-Fi the cuts move to small activations and extra workers stop helping.
//
// Usage: partition_wall [--max-workers K] [--out DIR]   (writes DIR/partition_wall.csv)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/partition.hpp"

namespace {
namespace P = idn::partition;

struct row_writer {
  std::ofstream& csv;
  void operator()(const std::string& model, const std::string& net, std::size_t K, const char* method, const P::partition_result& r,
                  const idn::dnn::profile& prof) const {
    std::string cuts, workers;
    double bytes = 0;
    int active = 0;
    if (r.status == P::solve_status::optimal) {
      for (const P::stage_info& s : r.stages) {
        if (s.first == s.last) continue;
        ++active;
        workers = idn::concat(workers, workers.empty() ? "" : " ", s.worker);
        if (s.last < static_cast<std::size_t>(prof.num_layers()) && s.last > 0) {
          cuts = idn::concat(cuts, cuts.empty() ? "" : " | ", prof.layer(static_cast<std::size_t>(s.last - 1)).name);
          bytes += prof.layer(static_cast<std::size_t>(s.last - 1)).output_bytes;
        }
      }
    }
    const bool ok = r.status == P::solve_status::optimal;
    std::printf("  K=%td %-13s %-7s workers [%s] cut after: %s; %.3g MB crossing; bottleneck %.2f ms (%.1f/s), latency %.2f ms\n", K,
                method, ok ? "" : "INFEAS", workers.c_str(), cuts.empty() ? "-" : cuts.c_str(), bytes / 1e6, 1e3 * r.bottleneck_s,
                r.throughput_per_s, 1e3 * r.latency_s);
    csv << model << ',' << net << ',' << K << ',' << method << ',' << (ok ? "optimal" : "infeasible") << ",\"" << cuts << "\"," << active
        << ',' << bytes << ',' << r.bottleneck_s << ',' << r.latency_s << '\n';
  }
};
}  // namespace

int main(int argc, char** argv) {
  try {
    std::size_t max_workers = 6;
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--max-workers" && i + 1 < argc) max_workers = std::stol(argv[++i]);
      else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: partition_wall [--max-workers K] [--out DIR])"));
    }
    if (max_workers < 1 || max_workers > 6) throw idn::invalid_input("--max-workers must lie in [1, 6]");
    const idn::hw::roofline_device xavier(idn::hw::jetson_xavier_nx().params), nano(idn::hw::jetson_nano().params);
    const std::vector<idn::hw::roofline_device> pool{xavier, xavier, xavier, nano, nano, nano};
    const std::vector<std::pair<std::string, idn::dnn::profile>> models{
        {"resnet50", idn::dnn::resnet50()}, {"resnet56_224", idn::dnn::resnet56(224)}, {"gpt2_small_128", idn::dnn::gpt2_small(128)}};
    const std::vector<std::pair<std::string, idn::hw::affine_link>> nets{{"wifi_20Mbps", idn::hw::affine_link(0.002, 20e6)},
                                                                         {"ethernet_1Gbps", idn::hw::affine_link(0.0002, 1e9)}};
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "partition_wall.csv");
    csv << "model,network,workers,method,status,cuts_after,active_workers,bytes_crossing,bottleneck_s,latency_s\n";
    const row_writer row{csv};
    P::chain_options opt;
    opt.input_local = true;
    for (const auto& [mname, prof] : models) {
      for (const auto& [nname0, link] : nets)
      for (const P::comm_mode mode : {P::comm_mode::serialized, P::comm_mode::overlapped}) {
        opt.mode = mode;
        const std::string nname = idn::concat(nname0, mode == P::comm_mode::serialized ? "/serialized" : "/overlapped");
        std::printf("\n%s (%zu layers, input %.3g MB) on %s\n", mname.c_str(), prof.num_layers(), prof.input_bytes() / 1e6, nname.c_str());
        for (std::size_t K = 1; K <= max_workers; ++K) {
          const std::vector<idn::hw::roofline_device> workers(pool.begin(), pool.begin() + K);
          const std::vector<idn::hw::affine_link> links(static_cast<std::size_t>(K), link);
          const P::chain_problem p = P::make_chain_problem(prof, std::span<const idn::hw::roofline_device>(workers),
                                                           std::span<const idn::hw::affine_link>(links), link, opt);
          row(mname, nname, K, "min_bottleneck", P::min_bottleneck(p), prof);
          row(mname, nname, K, "min_latency", P::min_latency(p), prof);
          row(mname, nname, K, "lexicographic", P::min_bottleneck_then_latency(p), prof);
          row(mname, nname, K, "proportional", P::proportional_split(p), prof);
          row(mname, nname, K, "equal", P::equal_split(p), prof);
          row(mname, nname, K, "local", P::local_only(p, 0), prof);
        }
        if (max_workers == 6) {  // a free order of the six workers (Nanos may go first)
          const std::vector<idn::hw::affine_link> links(6, link);
          std::vector<idn::hw::roofline_device> shuffled{nano, xavier, nano, xavier, nano, xavier};
          const P::chain_problem p = P::make_chain_problem(prof, std::span<const idn::hw::roofline_device>(shuffled),
                                                           std::span<const idn::hw::affine_link>(links), link, opt);
          row(mname, nname, 6, "fixed_mixed", P::min_bottleneck(p), prof);
          row(mname, nname, 6, "search_order", P::search_order(p), prof);
        }
      }
    }
    std::printf("\nwrote %s\n", (out / "partition_wall.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
