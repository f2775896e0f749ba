// CoDE on two edge servers (spec/path.md §8): AlexNet (service A, task A) on a Jetson Nano and
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
//                                      [--rho R] [--quick] [--out DIR]
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

namespace {
using namespace idn::path;
using pindex = idn::path::index;

/// Boundary tensor shapes (C, H, W) after each block (torchvision layouts at 224×224).
struct shape {
  double c, h, w;
  double size() const { return c * h * w; }
};
const std::vector<shape> alexnet_shapes{{3, 224, 224}, {64, 27, 27}, {192, 13, 13}, {384, 13, 13}, {256, 13, 13}, {256, 6, 6}, {4096, 1, 1}, {4096, 1, 1}};
const std::vector<shape> mobilenet_shapes{{3, 224, 224}, {32, 112, 112}, {16, 112, 112}, {24, 56, 56}, {32, 28, 28}, {64, 14, 14},
                                          {96, 14, 14},  {160, 7, 7},    {320, 7, 7},    {1280, 7, 7}};

struct settings {
  double penalty = 0.01, head_penalty = 0.02, load_a = 1.5, load_b = 0.3, rho = 0.9;
};

/// 1×1 conv adapter at the destination's resolution, or a linear map when either side is a vector.
double adapter_flops(const shape& from, const shape& to) {
  if (from.h == 1 || to.h == 1) return 2 * from.size() * to.size();
  return 2 * from.c * to.c * to.h * to.w;
}

graph_spec build(const settings& s, const idn::dnn::profile& alex, const idn::dnn::profile& mob) {
  graph_spec g;
  const idn::hw::roofline_device nano(idn::hw::jetson_nano().params), nx(idn::hw::jetson_xavier_nx().params);
  g.servers.push_back(server_from_device("jetson_nano", nano, alex));
  g.servers.push_back(server_from_device("jetson_xavier_nx", nx, mob));
  add_duplex_link(g, 0, 1, 100e6, 2e-3);
  const std::vector<std::size_t> alex_cuts{0, 1, 2, 3, 4, 5, 6}, mob_cuts{0, 1, 3, 6, 10, 13, 16, 17, 18};
  model_and_head a = model_from_chain("alexnet", alex, alex_cuts, 0, 0, 0.56522);
  model_and_head b = model_from_chain("mobilenet_v2", mob, mob_cuts, 1, 1, 0.71878);
  b.head.model = 1;
  g.models = {a.model, b.model};
  g.heads = {a.head, b.head};
  const std::vector<const std::vector<shape>*> shapes{&alexnet_shapes, &mobilenet_shapes};
  for (pindex m = 0; m < 2; ++m) {
    const pindex B = static_cast<pindex>(g.models[static_cast<std::size_t>(m)].blocks.size()), other_task = 1 - m;
    const auto& sh = *shapes[static_cast<std::size_t>(m)];
    // Extra heads for the other task on the last two boundaries (pooled linear classifier).
    for (pindex k = B - 1; k <= B; ++k) g.heads.push_back({m, k, other_task, head_kind::extra, 2 * sh[static_cast<std::size_t>(k)].c * 1000, 4000, std::nullopt, s.head_penalty});
    // Early exits for the Edgent baseline (not used by CoDE: rules.early_exits = false), accuracy
    // linear in depth from chance (1/1000) to A_m: an assumption, printed.
    for (pindex k = 1; k < B; ++k) {
      const double acc = 0.001 + (g.models[static_cast<std::size_t>(m)].accuracy - 0.001) * static_cast<double>(k) / static_cast<double>(B);
      g.heads.push_back({m, k, m, head_kind::early_exit, 2 * sh[static_cast<std::size_t>(k)].c * 1000, 4000, acc, 0});
    }
  }
  // Connections, in order; one that would close a cycle with those before it is skipped (a path
  // never loops, and block_graph requires a DAG). Reachability over boundary nodes (m, k).
  std::size_t skipped = 0;
  auto reaches = [&](pindex fm, pindex fk, pindex tm, pindex tk) {
    std::vector<std::pair<pindex, pindex>> st{{fm, fk}};
    std::vector<std::vector<char>> seen{std::vector<char>(8, 0), std::vector<char>(10, 0)};
    while (!st.empty()) {
      const auto [m, k] = st.back();
      st.pop_back();
      if (m == tm && k == tk) return true;
      if (seen[static_cast<std::size_t>(m)][static_cast<std::size_t>(k)]) continue;
      seen[static_cast<std::size_t>(m)][static_cast<std::size_t>(k)] = 1;
      if (k < static_cast<pindex>(g.models[static_cast<std::size_t>(m)].blocks.size())) st.push_back({m, k + 1});
      for (const connection_spec& c : g.connections)
        if (c.from_model == m && c.from_boundary == k) st.push_back({c.to_model, c.to_boundary});
    }
    return false;
  };
  auto connect = [&](const connection_spec& c) {
    if (reaches(c.to_model, c.to_boundary, c.from_model, c.from_boundary)) ++skipped;
    else g.connections.push_back(c);
  };
  // Each boundary to the other model's nearest spatial size (ties: nearest depth).
  const block_graph tmp(graph_spec{g.servers, g.links, g.models, g.heads, {}, {{"A", 0, 1}, {"B", 1, 1}}});
  for (pindex i = 0; i < 2; ++i) {
    const pindex j = 1 - i, Bi = static_cast<pindex>(g.models[static_cast<std::size_t>(i)].blocks.size()), Bj = static_cast<pindex>(g.models[static_cast<std::size_t>(j)].blocks.size());
    const auto &si = *shapes[static_cast<std::size_t>(i)], &sj = *shapes[static_cast<std::size_t>(j)];
    for (pindex k = 1; k <= Bi; ++k) {
      pindex best = 1;
      for (pindex q = 1; q < Bj; ++q) {
        const double d = std::abs(sj[static_cast<std::size_t>(q)].h - si[static_cast<std::size_t>(k)].h), db = std::abs(sj[static_cast<std::size_t>(best)].h - si[static_cast<std::size_t>(k)].h);
        const double dd = std::abs(tmp.depth(j, q) - tmp.depth(i, k)), ddb = std::abs(tmp.depth(j, best) - tmp.depth(i, k));
        if (d < db || (d == db && dd < ddb)) best = q;
      }
      connect({i, k, j, best, adapter_flops(si[static_cast<std::size_t>(k)], sj[static_cast<std::size_t>(best)]), adapter_site::destination, s.penalty});
    }
  }
  // Skip-returns: from every boundary of the other model into the requester's last two boundaries.
  for (pindex r = 0; r < 2; ++r) {
    const pindex o = 1 - r, Br = static_cast<pindex>(g.models[static_cast<std::size_t>(r)].blocks.size()), Bo = static_cast<pindex>(g.models[static_cast<std::size_t>(o)].blocks.size());
    const auto &sr = *shapes[static_cast<std::size_t>(r)], &so = *shapes[static_cast<std::size_t>(o)];
    for (pindex k = 1; k <= Bo; ++k)
      for (pindex t = Br - 2; t <= Br - 1; ++t)
        connect({o, k, r, t, adapter_flops(so[static_cast<std::size_t>(k)], sr[static_cast<std::size_t>(t)]), adapter_site::destination, s.penalty});
  }
  if (skipped > 0) std::printf("(%zu of %zu candidate connections skipped: each would close a cycle with earlier ones)\n", skipped, skipped + g.connections.size());
  // Demands: λ_A = load_a and λ_B = load_b times each server's stand-alone capacity ρ̄μ/W.
  for (pindex m = 0; m < 2; ++m) {
    const double W = tmp.model_flops(m), cap = s.rho * g.servers[static_cast<std::size_t>(m)].capacity_flops / W;
    g.services.push_back({m == 0 ? "A (alexnet)" : "B (mobilenet_v2)", m, (m == 0 ? s.load_a : s.load_b) * cap});
  }
  return g;
}

const char* limit_name(limit l) {
  switch (l) {
    case limit::none: return "-";
    case limit::local_server: return "local server";
    case limit::remote_server: return "remote server";
    case limit::link: return "link";
    case limit::demand: return "demand";
    case limit::accuracy_floor: return "accuracy floor";
    case limit::no_gain: return "no gain";
  }
  return "?";
}
}  // namespace

int main(int argc, char** argv) {
  try {
    settings s;
    std::filesystem::path out = ".";
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
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (see the header of path_code_alexnet_mobilenetv2.cpp)"));
    }
    const idn::dnn::profile alex = idn::dnn::alexnet(), mob = idn::dnn::mobilenet_v2();
    const block_graph g(build(s, alex, mob));
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
    for (pindex l = 0; l < 2; ++l) {
      const service_spec& sv = g.spec().services[static_cast<std::size_t>(l)];
      const pindex home = g.server_of(sv.model);
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
                    100 * (pt.throughput / th0 - 1), share, bytes, limit_name(pt.flows.binding));
        front_csv << '"' << sv.name << "\",\"" << to_string(g, pt.p) << "\"," << pt.p.joins.size() << ',' << pt.path_accuracy << ',' << pt.throughput << ','
                  << 100 * (pt.throughput / th0 - 1) << ',' << local << ',' << remote << ',' << bytes << ',' << limit_name(pt.flows.binding) << '\n';
      }
      std::printf("Choices:\n  %-34s %-15s %-58s %9s %7s %9s %6s\n", "reward", "policy", "path", "Th req/s", "A_av %", "delay ms", "local");
      auto show = [&](const std::string& name, const char* policy, const path_evaluation& e) {
        std::printf("  %-34s %-15s %-58s %9.1f %7.2f %9.2f %6.2f%s\n", name.c_str(), policy, to_string(g, e.p).c_str(), e.point.throughput, 100 * e.point.avg_accuracy,
                    1e3 * e.point.mean_delay_s, e.point.local_work_share, e.feasible ? "" : "  (infeasible: no split serves all demand)");
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
