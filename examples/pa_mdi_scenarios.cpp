// PA-MDI against AR-MDI, MS-MDI and local execution (docs/mdi.md) on the reference
// scenarios: A (5 Xavier NX, one shared 20 Mbit/s medium; TS source at node 0, NTS at node 3) and
// B (multi-hop 3 Xavier + 3 Nano grid; TS at X0, NTS at N2). Per policy and class it prints
// generated, completed, mean, p50, p95 and throughput, then the TS reduction vs each baseline and
// the NTS change (the cost of priority).
//
// Usage: pa_mdi_scenarios [--model resnet50|resnet56|gpt2] [--seeds N] [--staleness S]
//                         [--load RHO] [--basis chain|local] [--compute-scale X] [--repro] [--out DIR]
//                         [--onnx-dir DIR]   (ResNet-50 and GPT-2 imported from ONNX, idn::onnx builds)
//                         [--measured-board FILE --measured CSV]   (with --onnx-dir: their layer times
//                         from this machine's fitted device, scaled to the boards by FP32 peak ratio)
//   --basis chain: ρ relative to the ar_mdi chain capacity (the spec's definition);
//   --basis local: ρ relative to the TS node's own compute capacity (ρ > 1 forces offloading).
//   --repro: R1 (A; ResNet-50, ResNet-56), R2 (B; same), R3 (A; GPT-2), 10 seeds each, at ρ =
//   0.1 … 1.0 of the AR-MDI chain capacity: TS/NTS changes at every load where all schemes are
//   stable, the overloaded loads in their own table with each scheme's first unstable load (no
//   maximum over loads); plus ablations (no RTC, state period 0 / 0.05 / 0.2 / 1 s, Φ
//   arbitration) on R1 ResNet-50 at 2.5× the TS node's local capacity.
//   --repro-only R1:resnet50: one reproduction row of --repro (same seeds, same numbers), no
//   ablations; CTest example.pa_mdi_scenarios.repro_r1 checks docs/reproductions.md with it.
// Writes DIR/pa_mdi_results.csv (scenario,model,policy,class,seed,load,basis,generated,completed,
// mean_s,p50_s,p95_s,throughput_per_s).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/mdi.hpp"
#include "idn/partition.hpp"
#ifdef IDN_HAVE_ONNX
#include <map>
#include <numeric>

#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#include "idn/hw/graph_latency.hpp"
#include "idn/hw/presets.hpp"
#include "runtime_fit.hpp"
#endif

namespace {
namespace P = idn::mdi;

const char* policy_name(P::policy_kind k) {
  switch (k) {
    case P::policy_kind::pa_mdi: return "pa_mdi";
    case P::policy_kind::ms_mdi: return "ms_mdi";
    case P::policy_kind::ar_mdi: return "ar_mdi";
    case P::policy_kind::local: return "local";
  }
  return "?";
}
/// With --onnx-dir, ResNet-50 and GPT-2 come from the imported torchvision / GPT-2-style
/// exports (DIR/resnet50.onnx, DIR/gpt2_style_decoder.onnx), cut at single-tensor boundaries;
/// ResNet-56 (CIFAR) has no export and stays analytic.
std::string onnx_dir;
/// With --measured-board and --measured (and --onnx-dir): per-layer times from this machine's
/// fitted measured device (hw::fit_device_to_runtime on the runtime measurements of every other
/// model), scaled to each board by the ratio of this machine's probed FP32 GEMM peak to the
/// board preset's FP32 peak (a compute-bound rule, stated in docs/reproductions.md).
std::string measured_board, measured_csv;

idn::dnn::profile model_named(const std::string& m) {
#ifdef IDN_HAVE_ONNX
  if (!onnx_dir.empty() && (m == "resnet50" || m == "gpt2")) {
    const std::string file = onnx_dir + (m == "resnet50" ? "/resnet50.onnx" : "/gpt2_style_decoder.onnx");
    return idn::dnn::linearize(idn::dnn::read_onnx(file), {idn::dnn::cut_candidates::single_tensor});
  }
#else
  if (!onnx_dir.empty()) throw idn::invalid_input("--onnx-dir: this build has no idn::onnx (install libonnx-dev and libprotobuf-dev)");
#endif
  if (m == "resnet50") return idn::dnn::resnet50();
  if (m == "resnet56") return idn::dnn::resnet56(224);
  if (m == "gpt2") return idn::dnn::gpt2_small(128);
  throw idn::invalid_input(idn::concat("--model ", m, ": must be resnet50, resnet56 or gpt2"));
}

std::string fixed(double x, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

#ifdef IDN_HAVE_ONNX
/// The two per-layer time vectors for paper_scenario_options (see measured_board above).
std::pair<std::vector<double>, std::vector<double>> measured_layer_times(const std::string& m) {
  const std::string file = onnx_dir + (m == "resnet50" ? "/resnet50.onnx" : "/gpt2_style_decoder.onnx");
  const std::string run_name = m == "resnet50" ? "resnet50" : "gpt2_style_decoder";
  const idn::hw::board_file board = idn::hw::read_board_file(std::filesystem::path(measured_board));
  const idn::hw::measured_device here(
      board, runtime_fit_example::fit_leaving_out(board, idn::hw::read_layer_measurements(std::filesystem::path(measured_csv)), onnx_dir, run_name).options);
  const std::vector<double> local =
      idn::hw::layer_latencies(idn::dnn::read_onnx(file), {idn::dnn::cut_candidates::single_tensor}, here);
  const double peak = board.peak(idn::hw::board_quantity::gemm_fp32);
  const double to_xavier = peak / idn::hw::jetson_xavier_nx().params.peak_flops[0], to_nano = peak / idn::hw::jetson_nano().params.peak_flops[0];
  std::vector<double> x(local.size()), n(local.size());
  for (std::size_t l = 0; l < local.size(); ++l) x[l] = local[l] * to_xavier, n[l] = local[l] * to_nano;
  std::printf("(measured layer times: %s on this machine %.2f ms, x %.2f to Xavier NX, x %.2f to Nano)\n", m.c_str(),
              1e3 * std::accumulate(local.begin(), local.end(), 0.0), to_xavier, to_nano);
  return {x, n};
}
#endif

struct mean_ci {
  double mean = 0, half = 0;
};
mean_ci ci95(const std::vector<double>& x) {
  mean_ci r;
  if (x.empty()) return r;
  for (double v : x) r.mean += v / static_cast<double>(x.size());
  if (x.size() < 2) return r;
  double var = 0;
  for (double v : x) var += (v - r.mean) * (v - r.mean);
  var /= static_cast<double>(x.size() - 1);
  const double t = x.size() >= 10 ? 2.262 : 2.776;  // t(0.975) for 9 and 4 d.o.f.
  r.half = t * std::sqrt(var / static_cast<double>(x.size()));
  return r;
}

/// The scenario options every run of `model` starts from: measured layer times when asked for.
P::paper_scenario_options scenario_options([[maybe_unused]] const std::string& model) {
  P::paper_scenario_options o;
#ifdef IDN_HAVE_ONNX
  if (!measured_board.empty() && (model == "resnet50" || model == "gpt2")) {
    static std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> cache;
    if (!cache.count(model)) cache[model] = measured_layer_times(model);
    o.xavier_layer_s = cache[model].first, o.nano_layer_s = cache[model].second;
  }
#endif
  return o;
}

struct setting {
  const char* label;
  P::paper_topology topo;
  std::string model;
};

/// Runs every policy over seeds at one load; prints the class table for the first seed and
/// returns the per-seed TS reductions vs ar_mdi and ms_mdi and the NTS change vs ms_mdi (%).
struct outcome {
  std::vector<double> vs_ar, vs_ms, nts_vs_ms, denial;
  bool stable[4] = {true, true, true, true};  ///< per policy_kind: stable in every seed (see is_stable)
  double peak_utilization[4] = {0, 0, 0, 0};  ///< per policy_kind: the busiest worker or link, max over seeds
};

/// A run is stable when no worker or link is busier than 95 % of the time and at least 97 % of
/// the generated tasks of every class completed within the horizon: a queue that grows without
/// bound fails both. (Below this, latency differences are differences of policy, not of backlog.)
bool is_stable(const P::sim_report& r, double& peak) {
  peak = 0;
  for (const double u : r.worker_utilization) peak = std::max(peak, u);
  for (const double u : r.link_utilization) peak = std::max(peak, u);
  bool done = true;
  for (const P::class_stats& c : r.classes) done = done && static_cast<double>(c.completed) >= 0.97 * static_cast<double>(c.generated);
  return peak < 0.95 && done;
}
outcome run_setting(const setting& st, double load, P::paper_scenario_options::basis basis, std::size_t seeds, double staleness,
                    double compute_scale, bool print, std::ofstream& csv, const P::policy_options* pa_override = nullptr) {
  P::paper_scenario_options o = scenario_options(st.model);
  o.load = load, o.load_basis = basis, o.compute_scale = compute_scale;
  const P::paper_scenario ps = P::make_paper_scenario(st.topo, model_named(st.model), o);
  const bool chain_basis = basis == P::paper_scenario_options::basis::ar_mdi_chain;
  if (print)
    std::printf("\n%s, %s, load %.2f of the %s capacity (ar_mdi chain capacity %.3f tasks/s; %zu offline partitions; %.3f tasks/s per source)\n",
                st.label, st.model.c_str(), load, chain_basis ? "ar_mdi chain" : "TS node's local", ps.chain_capacity_per_s,
                ps.s.models[0].partition_cuts.size() - 1, ps.s.sources[0].rate_per_s);
  outcome out;
  for (std::size_t seed = 1; seed <= seeds; ++seed) {
    double ts[4] = {0, 0, 0, 0}, nts[4] = {0, 0, 0, 0};
    for (const P::policy_kind k : {P::policy_kind::pa_mdi, P::policy_kind::ms_mdi, P::policy_kind::ar_mdi, P::policy_kind::local}) {
      P::policy_options p = P::default_policy(k);
      if (k == P::policy_kind::pa_mdi && pa_override) p = *pa_override;
      if (k == P::policy_kind::pa_mdi || k == P::policy_kind::ms_mdi) p.state_period_s = staleness;
      const P::sim_report r = P::run_scenario(ps.s, p, seed);
      ts[static_cast<int>(k)] = r.classes[0].mean_s.value_or(NAN), nts[static_cast<int>(k)] = r.classes[1].mean_s.value_or(NAN);
      double peak = 0;
      out.stable[static_cast<int>(k)] = out.stable[static_cast<int>(k)] && is_stable(r, peak);
      out.peak_utilization[static_cast<int>(k)] = std::max(out.peak_utilization[static_cast<int>(k)], peak);
      if (k == P::policy_kind::pa_mdi && r.rtc_sent) out.denial.push_back(static_cast<double>(r.rtc_denied) / static_cast<double>(r.rtc_sent));
      for (const P::class_stats& c : r.classes) {
        csv << st.label << ',' << st.model << ',' << policy_name(k) << ',' << c.cls << ',' << seed << ',' << load << ','
            << (chain_basis ? "chain" : "local") << ',' << c.generated << ',' << c.completed << ',' << c.mean_s.value_or(NAN) << ','
            << c.p50_s.value_or(NAN) << ',' << c.p95_s.value_or(NAN) << ',' << c.throughput_per_s << '\n';
        if (print && seed == 1)
          std::printf("  %-7s %s  generated %3zu completed %3zu  mean %9.3f s  p50 %9.3f s  p95 %9.3f s  %6.3f/s\n", policy_name(k),
                      c.cls == 0 ? "TS " : "NTS", c.generated, c.completed, c.mean_s.value_or(NAN), c.p50_s.value_or(NAN),
                      c.p95_s.value_or(NAN), c.throughput_per_s);
      }
      if (print && seed == 1) {
        std::printf("          utilization: workers");
        for (double u : r.worker_utilization) std::printf(" %.2f", u);
        std::printf(", links");
        for (double u : r.link_utilization) std::printf(" %.2f", u);
        std::printf("   RTC sent %llu, denied %llu\n", static_cast<unsigned long long>(r.rtc_sent), static_cast<unsigned long long>(r.rtc_denied));
      }
    }
    out.vs_ar.push_back(100 * (1 - ts[0] / ts[2]));
    out.vs_ms.push_back(100 * (1 - ts[0] / ts[1]));
    out.nts_vs_ms.push_back(100 * (nts[0] / nts[1] - 1));
  }
  return out;
}
void print_outcome(const char* what, const outcome& o) {
  const mean_ci a = ci95(o.vs_ar), m = ci95(o.vs_ms), n = ci95(o.nts_vs_ms), d = ci95(o.denial);
  std::printf("  %-38s TS reduction vs ar_mdi %6.1f ± %4.1f %%, vs ms_mdi %6.1f ± %4.1f %%; NTS change vs ms_mdi %+6.1f ± %4.1f %%; RTC denial %.1f %%\n",
              what, a.mean, a.half, m.mean, m.half, n.mean, n.half, 100 * d.mean);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    std::string model = "resnet50", basis_s = "local";
    std::size_t seeds = 3;
    double staleness = 0.1, load = 2.5, compute_scale = 1;
    bool repro = false;
    std::string repro_only;
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw idn::invalid_input(idn::concat("missing value after ", a));
        return argv[++i];
      };
      if (a == "--model") model = next();
      else if (a == "--seeds") seeds = std::stoul(next());
      else if (a == "--staleness") staleness = std::stod(next());
      else if (a == "--load") load = std::stod(next());
      else if (a == "--basis") basis_s = next();
      else if (a == "--compute-scale") compute_scale = std::stod(next());
      else if (a == "--repro") repro = true;
      else if (a == "--repro-only") repro = true, repro_only = next();
      else if (a == "--out") out = next();
      else if (a == "--onnx-dir") onnx_dir = next();
      else if (a == "--measured-board") measured_board = next();
      else if (a == "--measured") measured_csv = next();
      else if (a == "--trace") {}  // traces are in the CSV rows per class; kept for compatibility
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (see the comment at the top of pa_mdi_scenarios.cpp)"));
    }
    if (seeds == 0) throw idn::invalid_input("--seeds must be >= 1");
    if (measured_board.empty() != measured_csv.empty() || (!measured_board.empty() && onnx_dir.empty()))
      throw idn::invalid_input("--measured-board and --measured go together, with --onnx-dir");
    if (basis_s != "chain" && basis_s != "local") throw idn::invalid_input("--basis must be chain or local");
    const auto basis = basis_s == "chain" ? P::paper_scenario_options::basis::ar_mdi_chain : P::paper_scenario_options::basis::local_compute;
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "pa_mdi_results.csv");
    csv << "scenario,model,policy,class,seed,load,basis,generated,completed,mean_s,p50_s,p95_s,throughput_per_s\n";
    if (!repro) {
      for (const setting& st : {setting{"A", P::paper_topology::single_hop_xavier5, model}, setting{"B", P::paper_topology::multi_hop_3x3n, model}}) {
        const outcome o = run_setting(st, load, basis, seeds, staleness, compute_scale, true, csv);
        print_outcome(idn::concat(st.label, " over ", seeds, " seeds").c_str(), o);
      }
    } else {
      const struct { const char* paper; setting st; double vs_ar, vs_ms; } runs[] = {
          {"R1", {"A", P::paper_topology::single_hop_xavier5, "resnet50"}, 75.3, 73.2},
          {"R1", {"A", P::paper_topology::single_hop_xavier5, "resnet56"}, 75.3, 73.2},
          {"R2", {"B", P::paper_topology::multi_hop_3x3n, "resnet50"}, 71.4, 61.0},
          {"R2", {"B", P::paper_topology::multi_hop_3x3n, "resnet56"}, 71.4, 61.0},
          {"R3", {"A", P::paper_topology::single_hop_xavier5, "gpt2"}, 56.4, 34.8}};
      // Operating points chosen before looking at the results: ρ = 0.1 … 1.0 of the AR-MDI chain
      // capacity, 10 seeds each. Loads where PA-MDI, MS-MDI and AR-MDI are all stable (is_stable)
      // form the main table; the others go to the overloaded table, with the first load at which
      // each scheme becomes unstable. No maximum over loads is taken.
      bool matched = false;
      for (const auto& r : runs) {
        if (!repro_only.empty() && repro_only != idn::concat(r.paper, ":", r.st.model)) continue;
        matched = true;
        std::printf("\n%s: scenario %s, %s (paper: up to -%.1f %% vs AR-MDI, -%.1f %% vs MS-MDI)\n", r.paper, r.st.label, r.st.model.c_str(), r.vs_ar,
                    r.vs_ms);
        std::vector<std::pair<double, outcome>> stable_rows, overloaded_rows;
        double first_unstable[4] = {NAN, NAN, NAN, NAN};
        for (const double l : {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}) {
          const outcome o = run_setting(r.st, l, P::paper_scenario_options::basis::ar_mdi_chain, 10, staleness, compute_scale, false, csv);
          for (int k = 0; k < 3; ++k)
            if (!o.stable[k] && std::isnan(first_unstable[k])) first_unstable[k] = l;
          (o.stable[0] && o.stable[1] && o.stable[2] ? stable_rows : overloaded_rows).emplace_back(l, o);
        }
        std::printf("  stable regime (every scheme's busiest station < 95 %% busy, >= 97 %% of tasks done):\n");
        if (stable_rows.empty()) std::printf("    (no load in 0.1 ... 1.0 where all three are stable)\n");
        for (const auto& [l, o] : stable_rows)
          print_outcome(idn::concat("load ", l, " (peak util pa/ms/ar ", fixed(o.peak_utilization[0], 2), "/",
                                    fixed(o.peak_utilization[1], 2), "/", fixed(o.peak_utilization[2], 2), ")")
                            .c_str(),
                        o);
        std::printf("  overloaded (some scheme unstable; latency gaps include unbounded backlog):\n");
        for (const auto& [l, o] : overloaded_rows)
          print_outcome(idn::concat("load ", l, " (unstable:", o.stable[0] ? "" : " pa_mdi", o.stable[1] ? "" : " ms_mdi", o.stable[2] ? "" : " ar_mdi", ")").c_str(), o);
        // Loads that force offloading (the TS source above its node's own capacity), where AR-MDI's
        // chain capacity is exceeded: the overloaded regime of the earlier reproduction.
        for (const double l : {1.5, 2.5, 3.5}) {
          const outcome o = run_setting(r.st, l, P::paper_scenario_options::basis::local_compute, 10, staleness, compute_scale, false, csv);
          print_outcome(idn::concat("load ", l, " x local (unstable:", o.stable[0] ? "" : " pa_mdi", o.stable[1] ? "" : " ms_mdi",
                                    o.stable[2] ? "" : " ar_mdi", ")")
                            .c_str(),
                        o);
        }
        P::paper_scenario_options po = scenario_options(r.st.model);
        po.load = 1;
        const P::paper_scenario ps = P::make_paper_scenario(r.st.topo, model_named(r.st.model), po);
        po.load_basis = P::paper_scenario_options::basis::local_compute;
        const P::paper_scenario pl = P::make_paper_scenario(r.st.topo, model_named(r.st.model), po);
        std::printf("  first unstable load: pa_mdi %s, ms_mdi %s, ar_mdi %s of the chain capacity (AR-MDI's chain serves %.3f tasks/s;\n"
                    "  the TS node alone serves %.1f tasks/s)\n",
                    std::isnan(first_unstable[0]) ? "> 1.0" : fixed(first_unstable[0], 1).c_str(),
                    std::isnan(first_unstable[1]) ? "> 1.0" : fixed(first_unstable[1], 1).c_str(),
                    std::isnan(first_unstable[2]) ? "> 1.0" : fixed(first_unstable[2], 1).c_str(), ps.chain_capacity_per_s,
                    2 * pl.s.sources[0].rate_per_s);  // at load 1 the two sources share the capacity
      }
      if (!matched) throw idn::invalid_input(idn::concat("--repro-only ", repro_only, ": must be R1:resnet50, R1:resnet56, R2:resnet50, R2:resnet56 or R3:gpt2"));
      if (!repro_only.empty()) {
        std::printf("\nwrote %s\n", (out / "pa_mdi_results.csv").c_str());
        return 0;
      }
      std::printf("\nAblations on R1 ResNet-50 at load 2.5 (local basis), 10 seeds:\n");
      const setting a{"A", P::paper_topology::single_hop_xavier5, "resnet50"};
      P::policy_options no_rtc = P::default_policy(P::policy_kind::pa_mdi);
      no_rtc.use_rtc = false;
      print_outcome("pa_mdi without RTC", run_setting(a, 2.5, P::paper_scenario_options::basis::local_compute, 10, staleness, compute_scale, false, csv, &no_rtc));
      for (const double sp : {0.0, 0.05, 0.2, 1.0})
        print_outcome(idn::concat("state period ", sp, " s").c_str(),
                      run_setting(a, 2.5, P::paper_scenario_options::basis::local_compute, 10, sp, compute_scale, false, csv));
      P::policy_options by_phi = P::default_policy(P::policy_kind::pa_mdi);
      by_phi.arb = P::arbitration::phi;
      print_outcome("arbitration by phi", run_setting(a, 2.5, P::paper_scenario_options::basis::local_compute, 10, staleness, compute_scale, false, csv, &by_phi));
    }
    std::printf("\nwrote %s\n", (out / "pa_mdi_results.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
