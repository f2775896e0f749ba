// The IDN demo: online model allocation on an inference delivery network whose every tier can
// help, under non-stationary popularity, scored fairly.
//
// Scenario (default `--scenario tiered`): 1 cloud (A100, pins every model), 2 regional (T4,
// 256 MiB), 6 edge (Jetson Xavier NX, 64 MiB) and 24 access nodes (Raspberry Pi 4, 16 MiB);
// links 30/10/10 ms. `--scenario abilene|geant`: the real Abilene (11 sites) or GÉANT (37 sites)
// backbone, a T4 at every site (256 MiB), 3 (Abilene) or 1 (GÉANT) Raspberry Pi access nodes per
// site, the repository at Chicago / Germany. Each of K tasks (`--tasks`, default 16) has four
// models: MobileNetV2 0.35@96 (45.5 % top-1), 0.5@128 (57.7 %), 1.0@224 (71.878 %) and ResNet-50
// (76.130 %); latencies from the idn/hw presets × idn/dnn profiles (modelled, not measured).
// A request costs its latency plus alpha·(1 − accuracy) (`--alpha`, default 0.01 s).
//
// Fairness: every policy is causal. All policies first observe `--warmup` slots (default 100)
// unscored; the static policy is greedy fitted on those warm-up slots; INFIDA uses the adaptive
// step (no tuning); LFU its default decay 0.9. The hindsight static greedy (fitted on the scored
// slots themselves) is an oracle, printed as a reference line. Every policy pays for every model
// load it makes (including its initial allocation): price (`--load-price`, s of request cost per
// s of reconfiguration) × (bytes / uplink bandwidth + 50 ms load time), uplinks 10 Gb/s
// (regional), 1 Gb/s (edge), 100 Mb/s (access). Results: mean ± 95 % CI over `--seeds` seeds.
//
// Usage: alloc_idn_simulation [--scenario tiered|abilene|geant]
//          [--trace stationary|sliding|reshuffle|alternate|FILE.npy|FILE.csv]
//          [--period P] [--shift S] [--volume R] [--skew E] [--node-skew E] [--slots T] [--warmup W]
//          [--seeds N] [--seed S] [--tasks K] [--alpha A] [--load-price W] [--threads N]
//          [--infida-scale C] [--expected] [--out DIR] [--save-trace FILE]
// --infida-scale multiplies the adaptive rate (default 1: the bound-optimal rate, never tuned
// here); --expected uses expected instead of sampled counts and then also prints the certified
// relaxation bound on the fractional optimum.
// Defaults: tiered, alternate with period 200 (popularity flips between two Zipf rankings every
// 200 slots, so the warm-up sees only one of them), volume 2000 requests/slot, skew 1.0, node
// skew 0.5, 100 warm-up + 1000 scored slots, 10 seeds (about 15 s on 2 cores).
// Writes DIR/alloc_sim.csv (slot,policy,running_mean_net_gain,ci95: mean over seeds of the
// running mean net gain, and its 95 % CI half-width) and DIR/alloc_sim.gp (gnuplot ->
// alloc_sim.png/.pdf with confidence bands). --save-trace writes the first seed's warm-up +
// scored request counts (.npy or .csv); --trace FILE reads such a file: its first W rows are
// the warm-up, the rest are scored, and seeds then vary only the policies' coins.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "idn/alloc/baselines.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/reconfiguration.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/alloc/topologies.hpp"
#include "idn/alloc/trace.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "idn/sim/stats.hpp"
#include "gnuplot_figure.hpp"

namespace {
using namespace idn;
using namespace idn::alloc;

struct options {
  std::string scenario = "tiered", trace_kind = "alternate";
  std::size_t period = 200, shift = 1, slots = 1000, warmup = 100, seeds = 10, tasks = 16, threads = 0;
  double volume = 2000, skew = 1.0, node_skew = 0.5, alpha = 0.01, load_price = 1.0, infida_scale = 1.0;
  bool expected = false;
  std::uint64_t seed = 1;
  std::filesystem::path out = ".", save_trace;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw invalid_input(concat("missing value after ", a));
      return argv[++i];
    };
    if (a == "--scenario") o.scenario = next();
    else if (a == "--trace") o.trace_kind = next();
    else if (a == "--period") o.period = std::stoul(next());
    else if (a == "--shift") o.shift = std::stoul(next());
    else if (a == "--volume") o.volume = std::stod(next());
    else if (a == "--skew") o.skew = std::stod(next());
    else if (a == "--node-skew") o.node_skew = std::stod(next());
    else if (a == "--slots") o.slots = std::stoul(next());
    else if (a == "--warmup") o.warmup = std::stoul(next());
    else if (a == "--seeds") o.seeds = std::stoul(next());
    else if (a == "--seed") o.seed = std::stoull(next());
    else if (a == "--tasks") o.tasks = std::stoul(next());
    else if (a == "--alpha") o.alpha = std::stod(next());
    else if (a == "--load-price") o.load_price = std::stod(next());
    else if (a == "--threads") o.threads = std::stoul(next());
    else if (a == "--infida-scale") o.infida_scale = std::stod(next());
    else if (a == "--expected") o.expected = true;
    else if (a == "--out") o.out = next();
    else if (a == "--save-trace") o.save_trace = next();
    else throw invalid_input(concat("unknown argument '", a, "' (see the comment at the top of alloc_idn_simulation.cpp)"));
  }
  if (o.slots == 0 || o.tasks == 0 || o.seeds == 0) throw invalid_input("--slots, --tasks and --seeds must be >= 1");
  if (o.scenario != "tiered" && o.scenario != "abilene" && o.scenario != "geant")
    throw invalid_input(concat("--scenario ", o.scenario, ": must be tiered, abilene or geant"));
  return o;
}

constexpr double mib = 1024.0 * 1024.0;

/// Option data per (tier, model variant): tiers 0 cloud/repository (A100), 1 regional or backbone
/// site (T4), 2 edge (Xavier NX), 3 access (Raspberry Pi 4). 1 s slots.
struct model_table {
  std::vector<std::string> names{"mnv2_0.35_96", "mnv2_0.5_128", "mnv2_1.0_224", "resnet50"};
  std::vector<double> top1{0.455, 0.577, 0.71878, 0.76130};
  std::vector<std::vector<option_data>> by_tier;  // [tier][variant]
};

model_table make_models(double load_price) {
  model_table t;
  const std::vector<hw::roofline_device> devices{
      hw::roofline_device(hw::nvidia_a100_40gb().params), hw::roofline_device(hw::nvidia_t4().params),
      hw::roofline_device(hw::jetson_xavier_nx().params), hw::roofline_device(hw::raspberry_pi_4().params)};
  const std::vector<dnn::profile> zoo{dnn::mobilenet_v2(96, 0.35), dnn::mobilenet_v2(128, 0.5), dnn::mobilenet_v2(), dnn::resnet50()};
  const double uplink[] = {1.25e9, 1.25e9, 125e6, 12.5e6};  // bytes/s into each tier (cloud: n/a)
  for (std::size_t k = 0; k < devices.size(); ++k) {
    t.by_tier.emplace_back();
    for (const auto& net : zoo) {
      option_data d = option_from_profile(net, devices[k], 1.0);
      d.load_cost = load_cost_of_transfer(d.size_bytes, uplink[k], 0.05, load_price);
      t.by_tier.back().push_back(d);
    }
  }
  return t;
}

std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> make_catalog(const model_table& t, std::size_t tasks) {
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> c;
  for (std::size_t k = 0; k < tasks; ++k) {
    std::vector<std::pair<std::string, double>> models;
    for (std::size_t m = 0; m < t.names.size(); ++m) models.push_back({concat(t.names[m], "@task", k), t.top1[m]});
    c.push_back({concat("task", k), std::move(models)});
  }
  return c;
}

network build_network(const options& o) {
  const model_table t = make_models(o.load_price);
  const std::size_t per_task = t.names.size();
  if (o.scenario == "tiered") {
    tiered_options p;
    p.seed = o.seed;
    p.tiers = {{"cloud", 1, 0, 0, 1}, {"regional", 2, 256 * mib, 0.030, 1}, {"edge", 3, 64 * mib, 0.010, 1}, {"access", 4, 16 * mib, 0.010, 1}};
    p.catalog = make_catalog(t, o.tasks);
    p.option = [t, per_task](std::size_t tier, model_id m) -> std::optional<option_data> { return t.by_tier[tier][m % per_task]; };
    return tiered_network(p);
  }
  backbone_options p;
  p.topology = o.scenario == "abilene" ? abilene() : geant2010();
  p.repository_site = o.scenario == "abilene" ? 1 : 4;  // Chicago; Germany (Frankfurt)
  p.site_budget_bytes = 256 * mib;
  p.access_per_site = o.scenario == "abilene" ? 3 : 1;
  p.access_budget_bytes = 16 * mib;
  p.access_latency_s = 0.010;
  p.catalog = make_catalog(t, o.tasks);
  const std::size_t tier_of[] = {0, 1, 3};  // repository A100, site T4, access Raspberry Pi 4
  p.option = [t, per_task, tier_of](std::size_t tier, model_id m) -> std::optional<option_data> { return t.by_tier[tier_of[tier]][m % per_task]; };
  return backbone_network(p);
}

/// Whether --trace names a generator (else a file).
bool generated_trace(const options& o) {
  return o.trace_kind == "stationary" || o.trace_kind == "sliding" || o.trace_kind == "reshuffle" || o.trace_kind == "alternate";
}

/// warm-up + scored slots of request counts for one seed.
trace build_trace(const options& o, const instance& in, std::uint64_t seed) {
  if (generated_trace(o)) {
    zipf_options z;
    z.exponent = o.skew;
    z.requests_per_slot = o.volume;
    z.node_exponent = o.node_skew;
    z.change = o.trace_kind == "stationary" ? drift::none
               : o.trace_kind == "sliding"  ? drift::slide
               : o.trace_kind == "reshuffle" ? drift::reshuffle
                                             : drift::alternate;
    z.period = o.period;
    z.shift = o.shift;
    z.seed = seed;
    z.sample = !o.expected;
    return zipf_trace(in, o.warmup + o.slots, z);
  }
  const std::filesystem::path f = o.trace_kind;
  const Eigen::MatrixXd counts = f.extension() == ".npy" ? io::load_npy_matrix(f) : io::load_csv_matrix(f);
  if (static_cast<std::size_t>(counts.rows()) <= o.warmup)
    throw invalid_input(concat("--trace ", f.string(), " has ", counts.rows(), " rows: needs more than --warmup = ", o.warmup));
  return to_trace(in, counts);
}

/// One policy's per-slot net gains on the scored slots (after its warm-up) and its totals.
struct run_result {
  std::vector<double> net;  ///< per scored slot
  double gain = 0, net_gain = 0, loads = 0, repo = 0, frac = 0;
};

template <allocation_policy Policy>
run_result run(Policy& policy, const instance& in, const std::vector<batch>& batches, std::size_t warmup) {
  run_result r;
  const Eigen::VectorXd empty = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()));
  double pending_cost = reconfiguration_cost(in, empty, policy.allocation());  // installing x¹
  double pending_loads = static_cast<double>((policy.allocation().array() > 0.5).count());
  for (std::size_t t = 0; t < batches.size(); ++t) {
    const slot_metrics m = policy.step(batches[t]);
    if (t < warmup) {
      pending_cost += m.reconfiguration_cost, pending_loads += static_cast<double>(m.loads);
      continue;
    }
    // Loads made during the warm-up are paid in the first scored slot: no policy installs for free.
    const double net = m.integral_gain - m.reconfiguration_cost - pending_cost;
    r.net.push_back(net);
    r.gain += m.integral_gain;
    r.frac += m.fractional_gain;
    r.net_gain += net;
    r.loads += static_cast<double>(m.loads) + pending_loads;
    r.repo += m.repository_cost;
    pending_cost = pending_loads = 0;
  }
  return r;
}

/// Student t quantile t(0.975, dof).
double t975(std::size_t dof) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086};
  return dof == 0 ? INFINITY : dof <= 20 ? table[dof - 1] : dof <= 30 ? 2.042 : 1.96;
}
struct mean_ci { double mean = 0, half = 0; };
mean_ci summarize(const std::vector<double>& x) {
  idn::sim::sample_stats st(x.size());
  for (const double v : x) st.add(v);
  const double n = static_cast<double>(x.size());
  return {st.mean(), x.size() < 2 ? 0.0 : t975(x.size() - 1) * std::sqrt(st.variance() / n)};
}

struct policy_row {
  std::string name;
  bool oracle = false;
};
// Names without commas: they are values of a comma-separated file that gnuplot reads.
const std::vector<policy_row> policies{
    {"INFIDA entropic adaptive + largest-first", false}, {"INFIDA Euclidean adaptive + largest-first", false},
    {"INFIDA entropic adaptive + DepRound", false},      {"INFIDA entropic fixed theory step + DepRound", false},
    {"myopic greedy (global)", false},        {"myopic greedy (per node)", false},    {"LFU (decay 0.9)", false},
    {"static greedy (fitted on warm-up)", false}, {"ORACLE: hindsight static greedy", true}};

/// Runs every policy for one seed on `given` (a trace file) or the seed's generated trace; results[p].
std::vector<run_result> run_seed(const options& o, const instance& in, std::uint64_t seed, const trace* given, trace* keep) {
  const trace tr = given ? *given : build_trace(o, in, seed);
  if (keep) *keep = tr;
  std::vector<batch> batches;
  for (std::size_t t = 0; t < static_cast<std::size_t>(tr.rows()); ++t) batches.push_back(make_batch(in, tr, t));
  const std::size_t warmup = std::min(o.warmup, batches.size());
  const std::span<const batch> warm(batches.data(), warmup), scored(batches.data() + warmup, batches.size() - warmup);
  std::vector<run_result> out;
  auto adaptive = [&](mirror_map map, rounding_method method) {
    infida_options io_;
    io_.map = map;
    io_.seed = seed;
    io_.adaptive_scale = o.infida_scale;
    io_.rounding.method = method;
    io_.rounding.coins = coin_mode::reuse;  // DepRound: a model moves only when y crosses its coin
    infida p(in, io_);
    out.push_back(run(p, in, batches, warmup));
  };
  adaptive(mirror_map::entropic, rounding_method::largest_first);
  adaptive(mirror_map::euclidean, rounding_method::largest_first);
  adaptive(mirror_map::entropic, rounding_method::dep_round);
  {
    double rbar = 1;  // from the warm-up only: causal
    for (const batch& b : warm) rbar = std::max(rbar, b.requests().maxCoeff());
    infida_options io_;
    io_.step = step_rule::fixed;
    io_.eta = theory_step_size(in, mirror_map::entropic, batches.size(), rbar).eta;
    io_.seed = seed;
    io_.rounding.coins = coin_mode::reuse;
    infida p(in, io_);
    out.push_back(run(p, in, batches, warmup));
  }
  {
    myopic_greedy p(in, greedy_scope::global);
    out.push_back(run(p, in, batches, warmup));
  }
  {
    myopic_greedy p(in, greedy_scope::per_node);
    out.push_back(run(p, in, batches, warmup));
  }
  {
    lfu p(in, 0.9);
    out.push_back(run(p, in, batches, warmup));
  }
  {
    static_policy p(in, warm.empty() ? Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars())) : greedy_static(in, warm).x);
    out.push_back(run(p, in, batches, warmup));
  }
  {
    static_policy p(in, greedy_static(in, scored).x);  // sees the scored slots: an oracle
    out.push_back(run(p, in, batches, warmup));
  }
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    const options o = parse(argc, argv);
    const auto start = std::chrono::steady_clock::now();
    const network net = build_network(o);
    const instance in = net.build({o.alpha, 1.0});
    // A trace file is read and validated once; generated traces differ by seed.
    std::optional<trace> file_trace;
    if (!generated_trace(o)) file_trace = build_trace(o, in, o.seed);
    std::printf("IDN '%s': %zu nodes, %zu options, %zu request types, %zu cost-list entries; alpha = %g s, load price = %g\n",
                o.scenario.c_str(), in.num_nodes(), in.num_vars(), in.num_types(), in.num_entries(), o.alpha, o.load_price);
    if (file_trace)
      std::printf("trace %s: %zu warm-up + %zu scored slots (%zu seeds of the policies' coins)\n", o.trace_kind.c_str(), o.warmup,
                  static_cast<std::size_t>(file_trace->rows()) - o.warmup, o.seeds);
    else
      std::printf("trace '%s' (period %zu, shift %zu, %g requests/slot, Zipf skew %g, node skew %g): %zu warm-up + %zu scored slots, %zu seeds\n",
                  o.trace_kind.c_str(), o.period, o.shift, o.volume, o.skew, o.node_skew, o.warmup, o.slots, o.seeds);
    std::vector<std::vector<run_result>> by_seed(o.seeds);
    trace first_trace;
    std::atomic<std::size_t> next{0};
    std::mutex err_mu;
    std::string error;
    const std::size_t threads = std::max<std::size_t>(1, std::min(o.seeds, o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency())));
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < threads; ++w)
      pool.emplace_back([&] {
        for (std::size_t k; (k = next++) < o.seeds;) {
          try {
            by_seed[k] = run_seed(o, in, o.seed + k, file_trace ? &*file_trace : nullptr, k == 0 ? &first_trace : nullptr);
          } catch (const std::exception& e) {
            const std::lock_guard lock(err_mu);
            error = e.what();
          }
        }
      });
    for (auto& t : pool) t.join();
    if (!error.empty()) throw invalid_input(error);
    if (!o.save_trace.empty()) {
      const Eigen::MatrixXd counts = first_trace;
      if (o.save_trace.extension() == ".npy") {
        io::save_npy(o.save_trace, counts);
      } else {
        std::vector<std::string> cols;
        for (std::size_t t = 0; t < in.num_types(); ++t) cols.push_back(concat("type", t));
        io::save_csv(o.save_trace, cols, counts);
      }
      std::printf("saved the %zu x %zu trace (warm-up + scored) to %s\n", static_cast<std::size_t>(counts.rows()), in.num_types(), o.save_trace.c_str());
    }
    // Table: per policy, mean ± CI over seeds of per-slot averages.
    const std::size_t P = policies.size(), T = by_seed[0][0].net.size();
    std::printf("\n%-46s %16s %16s %16s %12s %7s\n", "policy (mean ± 95% CI over seeds)", "net gain/slot s", "net % of C(w)", "gain/slot s",
                "frac. gain", "loads");
    std::vector<double> means(P);
    for (std::size_t p = 0; p < P; ++p) {
      std::vector<double> net_v, pct, gain, loads, frac;
      for (const auto& s : by_seed) {
        const double Td = static_cast<double>(s[p].net.size());
        net_v.push_back(s[p].net_gain / Td);
        pct.push_back(100 * s[p].net_gain / s[p].repo);
        gain.push_back(s[p].gain / Td);
        loads.push_back(s[p].loads / Td);
        frac.push_back(s[p].frac / Td);
      }
      const auto a = summarize(net_v), b = summarize(pct), c = summarize(gain), d = summarize(loads), f = summarize(frac);
      means[p] = a.mean;
      std::printf("%-46s %8.3f ± %5.3f %8.3f ± %5.3f %8.3f ± %5.3f %12.3f %7.2f\n", policies[p].name.c_str(), a.mean, a.half, b.mean, b.half,
                  c.mean, c.half, f.mean, d.mean);
    }
    std::size_t best_causal = 0;
    for (std::size_t p = 0; p < P; ++p)
      if (!policies[p].oracle && means[p] > means[best_causal]) best_causal = p;
    std::printf("best causal policy: %s (oracle rows are references, not competitors; frac. gain: L(y) for INFIDA, = gain otherwise)\n",
                policies[best_causal].name.c_str());
    if (o.expected && o.trace_kind == "stationary") {
      // Every slot has the same expected counts, so the best fixed fractional point per slot is the
      // relaxation optimum of one batch; its certified upper bound caps every policy.
      const batch b = make_batch(in, first_trace, o.warmup);  // seed o.seed's trace
      const relaxation_bound_result rb = relaxation_bound(in, std::span<const batch>(&b, 1), 20000);
      std::printf("certified relaxation bound per slot: %.4f <= max_y L(y) <= %.4f (20000 mirror-ascent iterations)\n", rb.lower, rb.upper);
    }
    // Running mean net gain per slot: mean over seeds and its CI, for the figure.
    std::filesystem::create_directories(o.out);
    std::ofstream csv(o.out / "alloc_sim.csv");
    csv << "slot,policy,running_mean_net_gain,ci95\n";
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t p = 0; p < P; ++p) {
      std::vector<double> sums(o.seeds, 0.0), cur(o.seeds);
      for (std::size_t t = 0; t < T; ++t) {
        for (std::size_t k = 0; k < o.seeds; ++k) {
          sums[k] += by_seed[k][p].net[t];
          cur[k] = sums[k] / static_cast<double>(t + 1);
        }
        const auto s = summarize(cur);
        csv << t << ",\"" << policies[p].name << "\"," << s.mean << ',' << s.half << '\n';
        if (t >= T / 10) lo = std::min(lo, s.mean - s.half), hi = std::max(hi, s.mean + s.half);
      }
    }
    idn_examples::gnuplot_figure fig;
    fig.stem = "alloc_sim", fig.csv = "alloc_sim.csv";
    fig.title = concat("Model allocation on the ", o.scenario, " IDN (", in.num_nodes(), " nodes), '", o.trace_kind, "' trace: mean of ", o.seeds,
                       " seeds, 95 % CI bands");
    fig.xlabel = "scored slot (1 slot = 1 s of requests)";
    fig.ylabel = "running mean net gain per slot (s of request cost saved)";
    fig.x_column = 1, fig.series_column = 2, fig.y_column = 3, fig.band_column = 4;
    fig.key_position = "bottom right";
    fig.point_interval = std::max(1, static_cast<int>(T / 15));
    if (lo < hi) fig.yrange = std::pair{lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)};
    for (const auto& p : policies) fig.series.push_back({p.name, p.oracle ? p.name + " (reference, not causal)" : p.name});
    idn_examples::write_gnuplot_figure(o.out, fig);
    std::printf("wrote %s and %s in %.1f s\n", (o.out / "alloc_sim.csv").c_str(), (o.out / "alloc_sim.gp").c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
