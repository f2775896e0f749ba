// CoDE on two edge servers (docs/path.md): AlexNet (service A, task A) on a Jetson Nano and
// MobileNetV2 (service B, task B) on a Jetson Xavier NX, linked by 100 Mbit/s, 2 ms. Each trunk
// carries extra heads for the other task on its last two boundaries; every boundary connects both
// ways to the other model's boundary of nearest spatial size (ties: nearest depth) through a 1×1
// conv adapter (linear at fc boundaries); skip-returns go to the requester's last two boundaries.
// For each service: the Pareto front over (predicted accuracy, throughput), the chosen path for
// several rewards, and the baselines (original only, full offload by mirroring and by host model,
// Edgent-style split + early exit).
//
// Accuracies of mixed paths are PREDICTIONS (interpolation between the stand-alone ImageNet
// top-1 accuracies minus penalties): real numbers need adapters and heads trained outside idn,
// fed back through idn::path::measured_table.
//
// Usage: path_code_alexnet_mobilenetv2 [--penalty P] [--head-penalty P] [--load-a X] [--load-b X]
//                                      [--rho R] [--quick] [--onnx-dir DIR] [--out DIR]
//        --onnx-dir (built with idn::onnx): AlexNet and MobileNetV2 imported from DIR/alexnet.onnx and
//        DIR/mobilenet_v2.onnx (e.g. tests/dnn/onnx_models), one layer per node, with the same
//        block boundaries as the zoo profiles (after the torchvision modules that end each block);
//        the adapters are then sized from the boundary shapes ONNX inferred (checked against
//        torchvision's and reported).
//        (writes DIR/code_frontier.csv and DIR/code_choices.csv)
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/path.hpp"
#include "path_code_graph.hpp"
#ifdef IDN_HAVE_ONNX
#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#endif

int main(int argc, char** argv) {
  using namespace code_example;
  try {
    settings s;
    std::filesystem::path out = ".";
    std::string onnx_dir;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&] {
        if (i + 1 >= argc) throw idn::invalid_input(idn::concat(a, " needs a value"));
        return std::stod(argv[++i]);
      };
      if (a == "--penalty") s.penalty = next();
      else if (a == "--head-penalty") s.head_penalty = next();
      else if (a == "--load-a") s.load_a = next();
      else if (a == "--load-b") s.load_b = next();
      else if (a == "--rho") s.rho = next();
      else if (a == "--quick") {}
      else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else if (a == "--onnx-dir" && i + 1 < argc) onnx_dir = argv[++i];
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (see the header of path_code_alexnet_mobilenetv2.cpp)"));
    }
    idn::dnn::profile alex = idn::dnn::alexnet(), mob = idn::dnn::mobilenet_v2();
    std::vector<std::size_t> alex_cuts = zoo_alexnet_cuts, mob_cuts = zoo_mobilenet_cuts;
    std::vector<shape> alex_shapes = alexnet_shapes, mob_shapes = mobilenet_shapes;
    if (!onnx_dir.empty()) {
#ifdef IDN_HAVE_ONNX
      // The imported torchvision exports, one layer per node; block boundaries after the last node
      // of the torchvision modules that end the zoo's blocks (same boundary shapes).
      const idn::dnn::graph_profile alex_graph = idn::dnn::read_onnx(onnx_dir + "/alexnet.onnx"),
                                    mob_graph = idn::dnn::read_onnx(onnx_dir + "/mobilenet_v2.onnx");
      alex = idn::dnn::linearize(alex_graph);  // every_position: layer l is node l
      mob = idn::dnn::linearize(mob_graph);
      auto cuts_after = [](const idn::dnn::profile& p, const std::vector<std::string>& modules) {
        std::vector<std::size_t> cuts;
        for (const auto& m : modules) {
          std::size_t last = p.num_layers();
          for (std::size_t l = 0; l < p.num_layers(); ++l)
            if (p.layer(l).name.rfind(m, 0) == 0) last = l;
          if (last == p.num_layers()) throw idn::invalid_input(idn::concat("--onnx-dir: no node of module '", m, "' in ", p.name()));
          cuts.push_back(last);
        }
        return cuts;
      };
      // Boundary shapes (C, H, W) from the shapes ONNX inferred: the graph input, then each cut
      // node's output (a vector of n features is n x 1 x 1); the adapters are sized from these.
      auto shapes_at = [](const idn::dnn::graph_profile& g, const std::vector<std::size_t>& cuts) {
        auto chw = [&](std::uint32_t t) {
          const auto& d = g.tensors[t].dims;
          if (d.size() == 4) return shape{double(d[1]), double(d[2]), double(d[3])};
          if (d.size() == 2) return shape{double(d[1]), 1, 1};
          throw idn::invalid_input(idn::concat("--onnx-dir: tensor '", g.tensors[t].name, "' of ", g.name, " is neither NCHW nor NC"));
        };
        std::vector<shape> s{chw(g.inputs.at(0))};
        for (std::size_t c : cuts) s.push_back(chw(g.nodes[c].outputs.at(0)));
        return s;
      };
      alex_cuts = cuts_after(alex, {"/features/features.2/", "/features/features.5/", "/features/features.7/", "/features/features.9/", "/avgpool/",
                                    "/classifier/classifier.2/", "/classifier/classifier.5/"});
      mob_cuts = cuts_after(mob, {"/features/features.0/", "/features/features.1/", "/features/features.3/", "/features/features.6/",
                                  "/features/features.10/", "/features/features.13/", "/features/features.16/", "/features/features.17/",
                                  "/features/features.18/"});
      alex_shapes = shapes_at(alex_graph, alex_cuts);
      mob_shapes = shapes_at(mob_graph, mob_cuts);
      auto same = [](const std::vector<shape>& a, const std::vector<shape>& b) {
        for (std::size_t k = 0; k < a.size(); ++k)
          if (a[k].c != b[k].c || a[k].h != b[k].h || a[k].w != b[k].w) return false;
        return a.size() == b.size();
      };
      std::printf("boundary shapes from the ONNX graphs %s torchvision's documented ones\n",
                  same(alex_shapes, alexnet_shapes) && same(mob_shapes, mobilenet_shapes) ? "equal" : "DIFFER FROM");
      std::printf("models imported from %s (%zu and %zu nodes)\n", onnx_dir.c_str(), alex.num_layers(), mob.num_layers());
#else
      throw idn::invalid_input("--onnx-dir: this build has no idn::onnx (install libonnx-dev and libprotobuf-dev)");
#endif
    }
    const block_graph g(build(s, alex, mob, alex_cuts, mob_cuts, alex_shapes, mob_shapes));
    std::printf("CoDE: AlexNet (Jetson Nano, %.1f GFLOP/s effective) + MobileNetV2 (Xavier NX, %.1f GFLOP/s), 100 Mbit/s, 2 ms\n",
                g.spec().servers[0].capacity_flops / 1e9, g.spec().servers[1].capacity_flops / 1e9);
    std::printf("assumptions: adapter penalty %.3f, extra-head penalty %.3f, lambda_A = %.2fx and lambda_B = %.2fx stand-alone capacity, rho = %.2f;\n"
                "  anchors = torchvision ImageNet top-1 (AlexNet 56.522 %%, MobileNetV2 71.878 %%); early exits (Edgent only) linear in depth from 0.1 %%;\n"
                "  mixed-path accuracies are predictions: train the adapters/heads outside idn and feed measured values to measured_table.\n",
                s.penalty, s.head_penalty, s.load_a, s.load_b, s.rho);
    std::filesystem::create_directories(out);
    std::ofstream front_csv(out / "code_frontier.csv"), choice_csv(out / "code_choices.csv");
    front_csv << "service,path,switches,predicted_accuracy,throughput_rps,gain_pct,local_flops,remote_flops,link_bytes,binding\n";
    choice_csv << "service,reward,policy,path,throughput_rps,avg_accuracy,mean_delay_s,local_work_share,score\n";
    const interpolation_estimator est;
    path_rules rules;
    rules.switch_budget = 2, rules.extra_heads = true, rules.early_exits = false;
    for (std::size_t l = 0; l < 2; ++l) {
      const service_spec& sv = g.spec().services[static_cast<std::size_t>(l)];
      const std::size_t home = g.server_of(sv.model);
      capacity_options cap;
      cap.rho_bar = s.rho;
      const double th0 = standalone_throughput(g, l, cap), A_l = g.spec().models[static_cast<std::size_t>(sv.model)].accuracy;
      std::printf("\n=== service %s: lambda = %.1f req/s, Th_0 = %.1f req/s, A_l = %.2f %%, %llu admissible paths\n", sv.name.c_str(), sv.arrival_rate, th0,
                  100 * A_l, static_cast<unsigned long long>(count_paths(g, l, rules)));
      pareto_options po;
      po.rules = rules, po.capacity = cap;
      const auto front = pareto_front(g, l, est, po);
      std::printf("Pareto front (predicted accuracy vs max throughput):\n  %-58s %3s %8s %9s %8s %7s %9s  %s\n", "path", "sw", "A_p %", "Th req/s", "gain %",
                  "local", "bytes/req", "binding");
      for (const pareto_point& pt : front) {
        const double local = pt.load.server_flops[home], remote = pt.load.server_flops.sum() - local, bytes = pt.load.link_bytes.sum();
        const double share = pt.flows.throughput > 0 ? (pt.flows.x_original * g.service_flops(l) + pt.flows.x_path * local) / (pt.flows.throughput * g.service_flops(l)) : 1;
        std::printf("  %-58s %3zu %8.2f %9.1f %+8.1f %7.2f %9.0f  %s\n", to_string(g, pt.p).c_str(), pt.p.joins.size(), 100 * pt.path_accuracy, pt.throughput,
                    100 * (pt.throughput / th0 - 1), share, bytes, to_string(pt.flows.binding));
        front_csv << '"' << sv.name << "\",\"" << to_string(g, pt.p) << "\"," << pt.p.joins.size() << ',' << pt.path_accuracy << ',' << pt.throughput << ','
                  << 100 * (pt.throughput / th0 - 1) << ',' << local << ',' << remote << ',' << bytes << ',' << to_string(pt.flows.binding) << '\n';
      }
      std::printf("Choices:\n  %-34s %-15s %-58s %9s %7s %9s %6s\n", "reward", "policy", "path", "Th req/s", "A_av %", "delay ms", "local");
      auto show = [&](const std::string& name, const char* policy, const evaluation_result& e) {
        std::printf("  %-34s %-15s %-58s %9.1f %7.2f %9.2f %6.2f%s\n", name.c_str(), policy, to_string(g, e.p).c_str(), e.point.throughput, 100 * e.point.avg_accuracy,
                    1e3 * e.point.mean_delay_s, e.point.local_work_share, idn::has_answer(e.status) ? "" : "  (infeasible: no split serves all demand)");
        choice_csv << '"' << sv.name << "\",\"" << name << "\"," << policy << ",\"" << to_string(g, e.p) << "\"," << e.point.throughput << ',' << e.point.avg_accuracy
                   << ',' << e.point.mean_delay_s << ',' << e.point.local_work_share << ',' << e.score << '\n';
      };
      search_options so;
      so.rules = rules, so.eval.capacity = cap;
      for (const double kappa : {0.0, 1.0, 2.0, 4.0, 8.0, 16.0}) {
        const product_reward<power_utility, normalized_gain> r{{kappa}, {}};
        show(idn::concat("A^", kappa, " * Th/Th0"), "reward_optimal", best_path(g, l, est, r, so).best);
      }
      for (const double beta : {20.0, 100.0}) {
        const product_reward<exp_penalty_utility, normalized_gain> r{{beta, A_l}, {}};
        show(idn::concat("exp(-", beta, " drop) * Th/Th0"), "reward_optimal", best_path(g, l, est, r, so).best);
      }
      so.eval.policy = split_policy::serve_all;
      for (const auto& w : std::vector<std::array<double, 3>>{{1, 0, 0}, {1, 10, 0}, {0, 10, 1}}) {
        const weighted_cost_v1 r{w[0], w[1], w[2]};
        show(idn::concat("-J v1 (", w[0], ",", w[1], ",", w[2], ")"), "serve_all", best_path(g, l, est, r, so).best);
      }
      // Baselines under A^2 * Th/Th0, reward_optimal.
      const product_reward<power_utility, normalized_gain> r2{{2}, {}};
      evaluation_options eo;
      eo.capacity = cap;
      show("baseline: original only", "reward_optimal", original_only(g, l, est, r2, eo));
      show("baseline: full offload (mirror)", "reward_optimal", full_offload(g, l, est, r2, eo, offload_mode::mirror_model));
      show("baseline: full offload (host)", "reward_optimal", full_offload(g, l, est, r2, eo, offload_mode::host_model, rules));
      const path_load L0 = compute_load(g, original_path(g, l));
      show("baseline: Edgent (split + exit)", "reward_optimal", edgent_baseline(g, l, est, r2, eo, {unloaded_latency_s(g, L0)}));
    }
    // Both services at once: column generation over every admissible path of each service.
    joint_options jo;
    jo.rules = rules, jo.capacity.rho_bar = s.rho;
    const joint_result joint = joint_assign(g, est, jo);
    double th0_sum = 0;
    for (std::size_t l = 0; l < 2; ++l) th0_sum += standalone_throughput(g, l, jo.capacity);
    std::printf("\nJoint assignment of both services (column generation, %zu iterations%s): %.1f req/s in total vs %.1f without coordination\n",
                joint.iterations, joint.converged ? ", converged" : ", NOT converged", joint.throughput, th0_sum);
    for (const joint_flow& f : joint.flows)
      std::printf("  service %-18s %8.1f req/s  A_p %6.2f %%  %s\n", g.spec().services[static_cast<std::size_t>(f.service)].name.c_str(), f.rate, 100 * f.path_accuracy,
                  to_string(g, f.p).c_str());
    std::printf("\nNotes: the throughput gain of a path is x_p*(1 - L_p[home]/W): capacity borrowed from the other server, not free work;\n"
                "the accuracy drop equals (x_p/Th)(A_l - A_p); mirroring (full offload) copies the model, which CoDE does not do.\n"
                "wrote %s and %s\n",
                (out / "code_frontier.csv").c_str(), (out / "code_choices.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
