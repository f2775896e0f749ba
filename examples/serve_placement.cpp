// Placing a ResNet-50 pipeline on the continuum (docs/serve.md serve_placement): opaque
// pre-processing (decode, resize, normalize), resnet50() split into units, top-5 post-processing,
// on raspberry_pi_4 → jetson_xavier_nx → nvidia_t4 → nvidia_a100_40gb over 20 Mbit/s, 100 Mbit/s
// and 1 Gbit/s links. For each throughput target it prints the optimal placement (exact, via the
// partition solver) next to every single-tier placement.
// R5 (spec §9): per hardware mix (gateway only, x86 server, GPU edge; the camera at tier 0 only
// sends) and request rate, the placement and replica counts that meet a mean-latency SLO, or that
// none exists. Candidates: the latency-optimal placement and every single-tier one; each is sized
// with size_for_mean over the tiers it uses (tandem M/M/c, network latency fixed), and the one
// with the fewest replicas wins (ties: lower latency). A sizing counts only if the links also
// carry the rate (evaluate with the sized replicas, utilization <= 1 everywhere); queueing on the
// links themselves is not added to the mean.
// Usage: serve_placement [--latency-ms A,B,C] [--slo-ms D] [--onnx MODEL.onnx] [--out DIR]
//        --onnx (built with idn::onnx): the model stage is that imported model, linearized at its
//        single-tensor cut points (e.g. tests/dnn/onnx_models/resnet50.onnx), instead of resnet50().
//        (writes DIR/placement.csv and DIR/hardware_mixes.csv)
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/zoo.hpp"
#ifdef IDN_HAVE_ONNX
#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#endif
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/serve.hpp"

namespace {
using namespace idn::serve;

/// "tier: first..last | tier: ..." for the tiers that run elements.
std::string describe(const placement& pl, const continuum& cont, const chain& ch) {
  std::string s;
  std::size_t first = 0;
  for (std::size_t k = 0; k < pl.ends.size() && first < ch.elements.size(); ++k) {
    if (pl.ends[k] > first) s = idn::concat(s, s.empty() ? "" : " | ", cont.tiers[k].name, ": ", ch.elements[first], "..", ch.elements[pl.ends[k] - 1]);
    first = pl.ends[k];
  }
  return s;
}
/// Everything on tier k (earlier tiers relay): evaluate() of that placement.
placement only_tier(const chain& ch, std::size_t K, std::size_t k, const placement_options& o) {
  std::vector<std::size_t> ends(K, ch.elements.size());
  for (std::size_t q = 0; q < k; ++q) ends[q] = 0;
  return evaluate(ch, ends, k, o);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<double> lat_ms{5, 10, 20};
    double slo_ms = 100;
    std::filesystem::path out = ".";
    std::string onnx_model;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--latency-ms" && i + 1 < argc) {
        lat_ms.clear();
        std::stringstream ss(argv[++i]);
        for (std::string x; std::getline(ss, x, ',');) lat_ms.push_back(std::stod(x));
        if (lat_ms.size() != 3) throw idn::invalid_input("--latency-ms needs three comma-separated values");
      } else if (a == "--slo-ms" && i + 1 < argc) {
        slo_ms = std::stod(argv[++i]);
        if (!(slo_ms > 0)) throw idn::invalid_input("--slo-ms must be > 0");
      } else if (a == "--out" && i + 1 < argc) {
        out = argv[++i];
      } else if (a == "--onnx" && i + 1 < argc) {
        onnx_model = argv[++i];
      } else {
        throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: serve_placement [--latency-ms A,B,C] [--slo-ms D] [--onnx MODEL.onnx] [--out DIR])"));
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
    if (!onnx_model.empty()) {
#ifdef IDN_HAVE_ONNX
      model.model = idn::dnn::linearize(idn::dnn::read_onnx(onnx_model), {idn::dnn::cut_candidates::single_tensor});
      std::printf("model stage: %s (imported, %zu single-tensor units)\n", onnx_model.c_str(), model.model->num_units());
#else
      throw idn::invalid_input("--onnx: this build has no idn::onnx (install libonnx-dev and libprotobuf-dev)");
#endif
    }
    stage post{"post", stage_role::post};
    post.flop = 2e4, post.bytes = 8e3, post.output_bytes = 80;
    p.stages = {pre, model, post};
    const chain ch = build_chain(p, cont, true);
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "placement.csv");
    csv << "throughput,method,feasible,latency_s,max_utilization,ends\n";
    std::printf("%zu elements (pre, %zu ResNet-50 units, post) on 4 tiers\n", ch.elements.size(), ch.elements.size() - 2);
    for (const double lambda : {0.0, 2.0, 10.0, 50.0, 200.0, 1000.0}) {
      placement_options o;
      o.throughput = lambda;
      const placement best = place(ch, o);
      std::printf("\nthroughput target %.0f req/s (utilization <= %.2f)\n", lambda, o.max_utilization);
      std::printf("  %-14s %-8s latency %8.2f ms  max util %6.3f   %s\n", "optimal", idn::has_answer(best.status) ? "ok" : "INFEAS", 1e3 * best.latency,
                  best.max_utilization, describe(best, cont, ch).c_str());
      csv << lambda << ",optimal," << idn::has_answer(best.status) << ',' << best.latency << ',' << best.max_utilization << ",\"" << describe(best, cont, ch) << "\"\n";
      for (std::size_t k = 0; k < cont.tiers.size(); ++k) {
        const placement one = only_tier(ch, cont.tiers.size(), k, o);
        std::printf("  %-14s %-8s latency %8.2f ms  max util %6.3f\n", idn::concat("only tier ", k).c_str(), idn::has_answer(one.status) ? "ok" : "INFEAS",
                    1e3 * one.latency, one.max_utilization);
        csv << lambda << ",only_tier_" << k << ',' << idn::has_answer(one.status) << ',' << one.latency << ',' << one.max_utilization << ",\"\"\n";
      }
    }

    // R5: hardware mixes. A user-defined x86 server (2 × 28-core AVX-512 at 2 GHz, 8 × DDR4-3200).
    idn::hw::roofline_params x86p;
    x86p.name = "x86_server", x86p.peak_flops = {3.6e12, 3.6e12, 14e12}, x86p.memory_bandwidth = 204.8e9, x86p.memory_bytes = 256e9;
    x86p.compute_efficiency = 0.3, x86p.memory_efficiency = 0.6;
    const idn::hw::roofline_device x86(x86p), nano(idn::hw::jetson_nano().params);
    const idn::hw::affine_link lan(lat_ms[1] * 1e-3, 100e6), wan(lat_ms[2] * 1e-3, 1e9);
    struct mix {
      const char* name;
      continuum c;
    };
    const std::vector<mix> mixes{
        {"gateway only", {{{"camera:raspberry_pi_4", pi}, {"gateway:jetson_nano", nano}}, {lan}, {}}},
        {"x86 server", {{{"camera:raspberry_pi_4", pi}, {"gateway:jetson_nano", nano}, {"server:x86", x86}}, {lan, wan}, {}}},
        {"GPU edge", {{{"camera:raspberry_pi_4", pi}, {"gateway:jetson_nano", nano}, {"edge:nvidia_t4", t4}}, {lan, wan}, {}}}};
    pipeline from_camera = p;
    for (stage& s : from_camera.stages) s.allowed_tiers = ~1u;  // the camera only captures and sends
    std::ofstream mcsv(out / "hardware_mixes.csv");
    mcsv << "mix,rate,feasible,placement,replicas,mean_latency_s,slo_s\n";
    std::printf("\nR5: hardware mixes, mean latency SLO %.0f ms (camera at tier 0 only sends)\n", slo_ms);
    std::printf("  %-13s %7s  %-9s %-11s %9s  %s\n", "mix", "req/s", "meets", "replicas", "mean ms", "placement");
    for (const mix& m : mixes) {
      const chain mc = build_chain(from_camera, m.c, true);
      const std::size_t K = m.c.tiers.size();
      std::vector<placement> candidates{place(mc, {})};
      for (std::size_t k = 1; k < K; ++k) {
        candidates.push_back(only_tier(mc, K, k, {}));
      }
      for (const double rate : {5.0, 20.0, 100.0, 150.0, 500.0}) {
        bool found = false;
        tandem_sizing best_z{idn::solve_status::infeasible, {}, INFINITY};
        const placement* best_p = nullptr;
        std::uint64_t best_total = 0;
        for (const placement& cand : candidates) {
          if (!std::isfinite(cand.latency)) continue;
          std::vector<double> service;
          double compute = 0;
          std::size_t first = 0;
          for (std::size_t k = 0; k < K; ++k) {
            if (cand.ends[k] > first) service.push_back(cand.tier_seconds[static_cast<Eigen::Index>(k)]), compute += service.back();
            first = cand.ends[k];
          }
          if (service.empty()) continue;
          tandem_sizing z = size_for_mean(rate, service, std::max(0.0, cand.latency - compute), slo_ms * 1e-3, 100'000);
          std::uint64_t total = 0;
          for (auto r : z.replicas) total += r;
          if (idn::has_answer(z.status)) {  // the links must carry the rate too: re-evaluate with the sized replicas
            continuum sized = m.c;
            std::size_t used = 0, from = 0;
            for (std::size_t k = 0; k < K; ++k) {
              if (cand.ends[k] > from) sized.tiers[k].replicas = static_cast<std::uint32_t>(z.replicas[used++]);
              from = cand.ends[k];
            }
            placement_options o;
            o.throughput = rate, o.max_utilization = 1;
            if (!idn::has_answer(evaluate(build_chain(from_camera, sized, true), cand.ends, cand.last_tier, o).status)) z.status = idn::solve_status::infeasible;
          }
          const bool better = idn::has_answer(z.status) && (!found || total < best_total || (total == best_total && z.mean_latency < best_z.mean_latency));
          if (better || (!found && !best_p)) best_z = z, best_p = &cand, best_total = total, found = found || idn::has_answer(z.status);
        }
        std::string reps;
        for (auto r : best_z.replicas) reps = idn::concat(reps, reps.empty() ? "" : "+", r);
        const std::string where = found ? describe(*best_p, m.c, mc) : std::string("none: no placement meets the SLO with its links under 100 %");
        std::printf("  %-13s %7.0f  %-9s %-11s %9.2f  %s\n", m.name, rate, found ? "yes" : "NO", found ? reps.c_str() : "-",
                    found ? 1e3 * best_z.mean_latency : NAN, where.c_str());
        mcsv << m.name << ',' << rate << ',' << found << ",\"" << where << "\"," << (found ? reps : "") << ',' << best_z.mean_latency << ','
             << slo_ms * 1e-3 << '\n';
      }
    }
    std::printf("\nwrote %s and %s\n", (out / "placement.csv").c_str(), (out / "hardware_mixes.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
