// The IDN demo: a tiered inference delivery network (1 cloud, 2 regional, 6 edge, 24 access
// nodes; 30/10/5 ms links) whose nodes are idn/hw board presets, serving k image-classification
// tasks with per-task copies of three idn/dnn zoo models. Every policy runs on the same request
// trace: INFIDA (entropic and Euclidean, η = κ·η_theory for κ in {1, 10, 100}, coins reused
// across slots so a model is reloaded only when y moves across its coin), myopic greedy
// (global and per node), static greedy fitted on the first 50 slots, LFU and repository-only.
//
// Usage: alloc_idn_simulation [--trace stationary|sliding|FILE.npy|FILE.csv] [--slots N]
//                             [--tasks K] [--alpha SECONDS] [--seed S] [--out DIR] [--save-trace FILE]
// (--save-trace writes the slots × types request counts used, .npy or .csv, readable by --trace FILE)
// Writes DIR/alloc_sim.csv (slot,policy,trace,integral_gain,fractional_gain,loads,running_mean_gain)
// and DIR/alloc_sim.gp (gnuplot: running mean gain per policy -> alloc_sim.png, alloc_sim.pdf).
//
// Accuracies are ImageNet top-1 of the torchvision weights (pytorch.org/vision/stable/models):
// MobileNetV2 71.878 %, AlexNet 56.522 %, ResNet-50 (IMAGENET1K_V1) 76.130 %.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "idn/alloc/baselines.hpp"
#include "idn/alloc/distributed.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/alloc/trace.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "gnuplot_figure.hpp"

namespace {
using namespace idn;
using namespace idn::alloc;

struct options {
  std::string trace_kind = "sliding";
  std::size_t slots = 2000, tasks = 8;
  double alpha = 0.1;
  std::uint64_t seed = 1;
  std::filesystem::path out = ".";
  std::filesystem::path save_trace;  ///< if set: write the trace used (.npy or .csv) for --trace FILE
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw invalid_input(concat("missing value after ", a));
      return argv[++i];
    };
    if (a == "--trace") o.trace_kind = next();
    else if (a == "--slots") o.slots = std::stoul(next());
    else if (a == "--tasks") o.tasks = std::stoul(next());
    else if (a == "--alpha") o.alpha = std::stod(next());
    else if (a == "--seed") o.seed = std::stoull(next());
    else if (a == "--out") o.out = next();
    else if (a == "--save-trace") o.save_trace = next();
    else throw invalid_input(concat("unknown argument '", a, "' (see the comment at the top of alloc_idn_simulation.cpp)"));
  }
  if (o.slots == 0 || o.tasks == 0) throw invalid_input("--slots and --tasks must be >= 1");
  return o;
}

/// The tiered IDN with option data from hw presets × dnn zoo (1 s slots).
network build_network(const options& o) {
  const std::vector<hw::roofline_device> devices{
      hw::roofline_device(hw::nvidia_a100_40gb().params), hw::roofline_device(hw::nvidia_t4().params),
      hw::roofline_device(hw::jetson_xavier_nx().params), hw::roofline_device(hw::raspberry_pi_4().params)};
  const std::vector<std::pair<std::string, dnn::profile>> zoo{
      {"mobilenet_v2", dnn::mobilenet_v2()}, {"alexnet", dnn::alexnet()}, {"resnet50", dnn::resnet50()}};
  const double top1[] = {0.71878, 0.56522, 0.76130};
  std::vector<std::vector<option_data>> table(devices.size());  // tier × zoo model
  for (std::size_t k = 0; k < devices.size(); ++k)
    for (const auto& [name, net] : zoo) table[k].push_back(option_from_profile(net, devices[k], 1.0));
  tiered_params p;
  p.seed = o.seed;
  constexpr double mib = 1024.0 * 1024.0;
  p.tiers = {{"cloud", 1, 0, 0, 1}, {"regional", 2, 2048 * mib, 0.030, 1}, {"edge", 3, 1024 * mib, 0.010, 1},
             {"access", 4, 256 * mib, 0.005, 1}};
  for (std::size_t t = 0; t < o.tasks; ++t) {
    std::vector<std::pair<std::string, double>> models;
    for (std::size_t m = 0; m < zoo.size(); ++m) models.push_back({concat(zoo[m].first, "@task", t), top1[m]});
    p.catalog.push_back({concat("task", t), std::move(models)});
  }
  const std::size_t per_task = zoo.size();
  p.option = [table, per_task](std::size_t tier, model_id m) -> std::optional<option_data> { return table[tier][m % per_task]; };
  return tiered_network(p);
}

trace build_trace(const options& o, const instance& in) {
  if (o.trace_kind == "stationary" || o.trace_kind == "sliding") {
    zipf_params z;
    z.exponent = 1.2;
    z.requests_per_slot = 2000;
    z.key = zipf_key::type;
    z.change = o.trace_kind == "sliding" ? drift::slide : drift::none;
    z.period = 100;
    z.shift = 7;
    z.seed = o.seed;
    return zipf_trace(in, o.slots, z);
  }
  const std::filesystem::path f = o.trace_kind;
  const Eigen::MatrixXd counts = f.extension() == ".npy" ? io::load_npy_matrix(f) : io::load_csv_matrix(f);
  return to_trace(in, counts);
}

struct run_result {
  std::string name;
  double integral = 0, fractional = 0, repo = 0, latency = 0, accuracy = 0, loads = 0, micros = 0;
  std::vector<double> gains, fracs, loads_per_slot;
};

template <class Policy>
run_result run(const std::string& name, Policy& policy, const instance& in, const std::vector<batch>& batches) {
  run_result r;
  r.name = name;
  const auto start = std::chrono::steady_clock::now();
  for (const batch& b : batches) {
    const serving_summary s = serve(in, policy.allocation(), b);
    const slot_metrics m = policy.step(b);
    r.integral += m.integral_gain;
    r.fractional += m.fractional_gain;
    r.repo += m.repository_cost;
    r.latency += s.mean_latency_s;
    r.accuracy += s.mean_accuracy;
    r.loads += static_cast<double>(m.loads);
    r.gains.push_back(m.integral_gain);
    r.fracs.push_back(m.fractional_gain);
    r.loads_per_slot.push_back(static_cast<double>(m.loads));
  }
  r.micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  const double T = static_cast<double>(batches.size());
  r.integral /= T; r.fractional /= T; r.repo /= T; r.latency /= T; r.accuracy /= T; r.loads /= T; r.micros /= T;
  return r;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    const options o = parse(argc, argv);
    const network net = build_network(o);
    const instance in = net.compile({o.alpha, 1.0});
    const trace tr = build_trace(o, in);
    if (!o.save_trace.empty()) {
      const Eigen::MatrixXd counts = tr;
      if (o.save_trace.extension() == ".npy") {
        io::save_npy(o.save_trace, counts);
      } else {
        std::vector<std::string> cols;
        for (std::size_t t = 0; t < in.num_types(); ++t) cols.push_back(concat("type", t));
        io::save_csv(o.save_trace, cols, counts);
      }
      std::printf("saved the %zu x %zu trace to %s\n", static_cast<std::size_t>(tr.rows()), in.num_types(), o.save_trace.c_str());
    }
    std::vector<batch> batches;
    for (std::size_t t = 0; t < static_cast<std::size_t>(tr.rows()); ++t) batches.push_back(make_batch(in, tr, t));
    std::printf("IDN: %zu nodes, %zu options, %zu request types, %zu cost-list entries; trace '%s', %zu slots, alpha = %g s\n",
                in.num_nodes(), in.num_vars(), in.num_types(), in.num_entries(), o.trace_kind.c_str(), batches.size(), o.alpha);
    std::vector<run_result> results;
    double rbar = 1;
    for (const batch& b : batches) rbar = std::max(rbar, b.requests().maxCoeff());
    for (const mirror_map map : {mirror_map::entropic, mirror_map::euclidean}) {
      const double eta0 = theory_step_size(in, map, batches.size(), rbar).eta;
      run_result best;
      best.integral = -INFINITY;
      for (const double kappa : {1.0, 10.0, 100.0}) {
        infida_options io_;
        io_.map = map;
        io_.eta = kappa * eta0;
        io_.seed = o.seed;
        io_.rounding.coins = coin_mode::reuse;  // same gain as fresh coins, ~0 instead of ~65 loads per slot
        infida policy(in, io_);
        run_result r = run(concat(map == mirror_map::entropic ? "INFIDA entropic" : "INFIDA euclidean", " (k=", kappa, ")"), policy, in, batches);
        if (r.integral > best.integral) best = std::move(r);
      }
      results.push_back(std::move(best));
    }
    {
      myopic_greedy p(in, greedy_scope::global);
      results.push_back(run("myopic greedy (global)", p, in, batches));
    }
    {
      myopic_greedy p(in, greedy_scope::per_node);
      results.push_back(run("myopic greedy (per node)", p, in, batches));
    }
    {
      const std::size_t fit = std::min<std::size_t>(50, batches.size());
      static_policy p(in, greedy_static(in, std::span<const batch>(batches.data(), fit)).x);
      results.push_back(run("static greedy (first 50)", p, in, batches));
    }
    {
      lfu p(in, 0.9);
      results.push_back(run("LFU", p, in, batches));
    }
    {
      static_policy p(in, Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars())));
      results.push_back(run("repository only", p, in, batches));
    }
    std::printf("\n%-32s %12s %12s %8s %11s %9s %8s %10s\n", "policy", "gain/slot", "frac. gain", "% C(w)", "latency ms",
                "accuracy", "loads", "us/slot");
    for (const auto& r : results)
      std::printf("%-32s %12.3f %12.3f %7.2f%% %11.2f %9.4f %8.2f %10.1f\n", r.name.c_str(), r.integral, r.fractional,
                  100 * r.integral / r.repo, 1e3 * r.latency, r.accuracy, r.loads, r.micros);
    {
      // INFIDA/entropic (theory step) as a network of node agents vs the centralized policy.
      infida_options o2;
      o2.eta = theory_step_size(in, mirror_map::entropic, batches.size(), rbar).eta;
      o2.seed = o.seed;
      infida central(in, o2);
      std::vector<node_agent> agents;
      for (node_id v = 0; v < in.num_nodes(); ++v) agents.emplace_back(in, v, o2);
      bool same = true;
      double messages = 0;
      for (const batch& b : batches) {
        central.step(b);
        messages += static_cast<double>(run_slot(agents, in, b).messages);
        for (node_id v = 0; v < in.num_nodes() && same; ++v) {
          const auto xa = agents[v].allocation();
          const auto ya = agents[v].fractional();
          for (std::size_t k = 0; k < xa.size(); ++k)
            same = same && xa[k] == central.allocation()[in.node_begin()[v] + k] && ya[k] == central.fractional()[in.node_begin()[v] + k];
        }
      }
      std::printf("distributed == centralized: %s (%.0f neighbour messages per slot)\n", same ? "yes" : "no",
                  messages / static_cast<double>(batches.size()));
    }
    std::filesystem::create_directories(o.out);
    std::ofstream csv(o.out / "alloc_sim.csv");
    csv << "slot,policy,trace,integral_gain,fractional_gain,loads,running_mean_gain\n";
    for (const auto& r : results) {
      double sum = 0;
      for (std::size_t t = 0; t < r.gains.size(); ++t) {
        sum += r.gains[t];
        csv << t << ",\"" << r.name << "\"," << o.trace_kind << ',' << r.gains[t] << ',' << r.fracs[t] << ','
            << r.loads_per_slot[t] << ',' << sum / static_cast<double>(t + 1) << '\n';
      }
    }
    // The figure: running mean gain per policy. The y range covers every policy with a non-zero
    // gain after a 10 % warm-up, so the differences between policies are visible; policies outside
    // it (repository only: gain 0 by definition) are named in the key as off scale.
    idn_examples::gnuplot_figure fig;
    fig.stem = "alloc_sim", fig.csv = "alloc_sim.csv";
    fig.title = concat("Model allocation on a ", in.num_nodes(), "-node IDN: running mean gain (", o.trace_kind, " trace, seed ", o.seed, ")");
    fig.xlabel = "slot (1 slot = 1 request batch)";
    fig.ylabel = "running mean gain per slot (s of latency saved)";
    fig.y_column = 7, fig.key_position = "bottom right";
    fig.point_interval = std::max(1, static_cast<int>(batches.size() / 15));
    double lo = INFINITY, hi = -INFINITY;
    std::vector<bool> on_scale(results.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& g = results[i].gains;
      double sum = 0;
      for (std::size_t t = 0; t < g.size(); ++t) {
        sum += g[t];
        if (t >= g.size() / 10 && sum != 0) lo = std::min(lo, sum / static_cast<double>(t + 1)), hi = std::max(hi, sum / static_cast<double>(t + 1));
      }
      on_scale[i] = sum != 0;
    }
    if (lo < hi) fig.yrange = std::pair{lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)};
    for (std::size_t i = 0; i < results.size(); ++i)
      fig.series.push_back({results[i].name, on_scale[i] || !fig.yrange ? results[i].name : results[i].name + " (gain 0, off scale)"});
    idn_examples::write_gnuplot_figure(o.out, fig);
    std::printf("wrote %s and %s\n", (o.out / "alloc_sim.csv").c_str(), (o.out / "alloc_sim.gp").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
