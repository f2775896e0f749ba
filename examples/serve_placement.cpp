// Placing a ResNet-50 pipeline on the continuum (spec/serve.md §8 serve_placement): opaque
// pre-processing (decode, resize, normalize), resnet50() split into units, top-5 post-processing,
// on raspberry_pi_4 → jetson_xavier_nx → nvidia_t4 → nvidia_a100_40gb over 20 Mbit/s, 100 Mbit/s
// and 1 Gbit/s links. For each throughput target it prints the optimal placement (exact, via the
// partition solver) next to every single-tier placement.
// Usage: serve_placement [--latency-ms A,B,C] [--out DIR]   (writes DIR/placement.csv)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/serve.hpp"

int main(int argc, char** argv) {
  using namespace idn::serve;
  try {
    std::vector<double> lat_ms{5, 10, 20};
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--latency-ms" && i + 1 < argc) {
        lat_ms.clear();
        std::stringstream ss(argv[++i]);
        for (std::string x; std::getline(ss, x, ',');) lat_ms.push_back(std::stod(x));
        if (lat_ms.size() != 3) throw idn::invalid_input("--latency-ms needs three comma-separated values");
      } else if (a == "--out" && i + 1 < argc) {
        out = argv[++i];
      } else {
        throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: serve_placement [--latency-ms A,B,C] [--out DIR])"));
      }
    }
    const idn::hw::roofline_device pi(idn::hw::raspberry_pi_4().params), nx(idn::hw::jetson_xavier_nx().params),
        t4(idn::hw::nvidia_t4().params), a100(idn::hw::nvidia_a100_40gb().params);
    continuum cont{{{"iot:raspberry_pi_4", pi}, {"gateway:jetson_xavier_nx", nx}, {"edge:nvidia_t4", t4}, {"cloud:nvidia_a100", a100}},
                   {idn::hw::affine_link(lat_ms[0] * 1e-3, 20e6), idn::hw::affine_link(lat_ms[1] * 1e-3, 100e6),
                    idn::hw::affine_link(lat_ms[2] * 1e-3, 1e9)},
                   {}};
    pipeline p{"resnet50", 60e3, {}};  // a 60 kB JPEG request
    stage pre{"pre"};
    pre.flop = 3e7, pre.bytes = 4e6, pre.output_bytes = 150528, pre.memory_bytes = 5e6;  // 224x224x3 uint8
    stage model{"model", stage_role::model};
    model.model = idn::dnn::resnet50();
    stage post{"post", stage_role::post};
    post.flop = 2e4, post.bytes = 8e3, post.output_bytes = 80;
    p.stages = {pre, model, post};
    const chain ch = build_chain(p, cont, true);
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "placement.csv");
    csv << "throughput,method,feasible,latency_s,max_utilization,ends\n";
    auto describe = [&](const placement& pl) {
      std::string s;
      std::size_t first = 0;
      for (std::size_t k = 0; k < pl.ends.size() && first < ch.elements.size(); ++k) {
        if (pl.ends[k] > first) s = idn::concat(s, s.empty() ? "" : " | ", cont.tiers[k].name, ": ", ch.elements[first], "..", ch.elements[pl.ends[k] - 1]);
        first = pl.ends[k];
      }
      return s;
    };
    std::printf("%zu elements (pre, %zu ResNet-50 units, post) on 4 tiers\n", ch.elements.size(), ch.elements.size() - 2);
    for (const double lambda : {0.0, 2.0, 10.0, 50.0, 200.0, 1000.0}) {
      placement_options o;
      o.throughput = lambda;
      const placement best = place(ch, o);
      std::printf("\nthroughput target %.0f req/s (utilization <= %.2f)\n", lambda, o.max_utilization);
      std::printf("  %-14s %-8s latency %8.2f ms  max util %6.3f   %s\n", "optimal", best.feasible ? "ok" : "INFEAS", 1e3 * best.latency,
                  best.max_utilization, describe(best).c_str());
      csv << lambda << ",optimal," << best.feasible << ',' << best.latency << ',' << best.max_utilization << ",\"" << describe(best) << "\"\n";
      for (std::size_t k = 0; k < cont.tiers.size(); ++k) {
        std::vector<std::size_t> ends(cont.tiers.size(), ch.elements.size());
        for (std::size_t q = 0; q < k; ++q) ends[q] = 0;
        const placement one = evaluate(ch, ends, k, o);
        std::printf("  %-14s %-8s latency %8.2f ms  max util %6.3f\n", idn::concat("only tier ", k).c_str(), one.feasible ? "ok" : "INFEAS",
                    1e3 * one.latency, one.max_utilization);
        csv << lambda << ",only_tier_" << k << ',' << one.feasible << ',' << one.latency << ',' << one.max_utilization << ",\"\"\n";
      }
    }
    std::printf("\nwrote %s\n", (out / "placement.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
