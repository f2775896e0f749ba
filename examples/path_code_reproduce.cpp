// Reproduction of CoDE's claims in kind (docs/path.md) on the AlexNet + MobileNetV2 scenario,
// in both directions (the requester borrows the other server's spare capacity), sweeping the host
// spare ratio η = R_host/R_home ∈ {0, 0.25, 0.5, 1, 2} (set through the host's background load)
// and a penalty π ∈ {0, 0.01, 0.02, 0.05} on every adapter and extra head.
//  - R-v2: ρ̄ = 0.9, λ = 3·Th_0, reward_optimal and max_throughput, A^κ·Th/Th_0, κ ∈ {1,2,4,8};
//    compared with Edgent (early exits after every requester block, accuracy linear in depth
//    from 0.1 % to A_l: an assumption; latency bound = unloaded latency of p_0; mirrored copy).
//  - R-v1-balanced: original-only utilization 0.5, serve_all, −J{0, w_acc, 1}, D_max = D̄(p_0).
//  - R-v1-heavy: utilization 0.9, serve_all, −J{1, w_acc, 0}; w_acc ∈ {0, 1, 5, 20}.
// Paper claims (relative to no coordination): v2 +40 % throughput at −2.3 % accuracy; v1 balanced
// −75 % local work at the same delay, −2 % accuracy; v1 heavy −30 % delay, −4 % accuracy.
// Usage: path_code_reproduce [--quick] [--out DIR]      (writes DIR/code_repro.csv)
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "path_code_graph.hpp"

namespace {
using namespace code_example;

/// The §8 graph with requester `req` (its own service's demand λ), the helper's service nearly
/// idle, and the host's background load set so that R_host = η·R_home (as far as it can go).
struct scenario {
  graph_spec spec;
  double eta_achieved;
};
scenario make(const idn::dnn::profile& alex, const idn::dnn::profile& mob, std::size_t req, double eta, double penalty, double rho, double lambda_factor,
              bool lambda_from_utilization) {
  settings s;
  s.penalty = penalty, s.head_penalty = penalty, s.rho = rho;
  graph_spec g = build(s, alex, mob);
  const std::size_t host = 1 - req;
  const block_graph tmp(g);
  const double W = tmp.model_flops(req), mu = g.servers[static_cast<std::size_t>(req)].capacity_flops;
  const double R_home = rho * mu, mu_h = g.servers[static_cast<std::size_t>(host)].capacity_flops;
  g.services[static_cast<std::size_t>(host)].arrival_rate = 1e-9;  // the helper's own service idles
  const double other = 1e-9 * tmp.model_flops(host);
  double background = rho * mu_h - other - eta * R_home;
  background = std::clamp(background, 0.0, mu_h * (1 - 1e-9));
  g.servers[static_cast<std::size_t>(host)].background_flops = background;
  const double eta_achieved = std::max(0.0, rho * mu_h - background - other) / R_home;
  // v2: λ = 3·Th_0 = 3·R_home/W; v1: λ from the original-only utilization λW/μ.
  g.services[static_cast<std::size_t>(req)].arrival_rate = lambda_from_utilization ? lambda_factor * mu / W : lambda_factor * R_home / W;
  return {std::move(g), eta_achieved};
}

struct row_metrics {
  double gain_pct, acc_pp, acc_rel, local_pct, delay_pct, share, Ap, drop, total_work;
};
}  // namespace

int main(int argc, char** argv) {
  try {
    bool quick = false;
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--quick") quick = true;
      else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: path_code_reproduce [--quick] [--out DIR])"));
    }
    const idn::dnn::profile alex = idn::dnn::alexnet(), mob = idn::dnn::mobilenet_v2();
    const std::vector<double> etas = quick ? std::vector<double>{0, 1} : std::vector<double>{0, 0.25, 0.5, 1, 2};
    const std::vector<double> pis = quick ? std::vector<double>{0.01} : std::vector<double>{0, 0.01, 0.02, 0.05};
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "code_repro.csv");
    csv << "scenario,requester,eta_target,eta,penalty,method,policy,param,throughput_gain_pct,avg_accuracy_change_pp,avg_accuracy_change_rel,local_work_change_pct,"
           "mean_delay_change_pct,binding,path_share,predicted_path_accuracy,accuracy_gap,total_work_over_W,path\n";
    const interpolation_estimator est;
    path_rules rules;
    rules.switch_budget = 2;
    bool v2_ok = false, balanced_ok = false, heavy_ok = false;
    std::string v2_best, balanced_best, heavy_best;
    double v2_gain = -1, balanced_local = 1, heavy_delay = 1;
    std::printf("%-9s %-10s %5s %5s %-16s %-15s %6s %8s %8s %8s %8s %-14s %6s  %s\n", "scenario", "requester", "eta", "pi", "method", "policy", "param",
                "Th %", "A pp", "local %", "delay %", "binding", "x_p/Th", "path");
    for (const std::size_t req : {std::size_t{0}, std::size_t{1}})
      for (const double eta : etas)
        for (const double pi : pis)
          for (const int mode : {0, 1, 2}) {  // 0: v2, 1: v1 balanced, 2: v1 heavy
            const scenario sc = make(alex, mob, req, eta, pi, mode == 0 ? 0.9 : 1.0, mode == 0 ? 3.0 : (mode == 1 ? 0.5 : 0.9), mode != 0);
            const block_graph g(sc.spec);
            const double W = g.service_flops(req), A_l = g.spec().models[static_cast<std::size_t>(req)].accuracy;
            const std::size_t home = g.server_of(req);
            evaluation_options eo;
            eo.capacity.rho_bar = mode == 0 ? 0.9 : 1.0;
            const path p0 = original_path(g, req);
            const path_load L0 = compute_load(g, p0);
            const double th0 = standalone_throughput(g, req, eo.capacity);
            // Reference: no coordination, everything it can serve on the original model.
            const double lam = g.spec().services[static_cast<std::size_t>(req)].arrival_rate;
            const double ref_rate = mode == 0 ? th0 : lam;
            const delay_result d0 = ps_delay(g, req, L0, ref_rate, 0);
            auto metrics = [&](const evaluation_result& e) {
              const double T = e.point.throughput, local = e.flows.x_original * W + e.flows.x_path * e.load.server_flops[home];
              return row_metrics{100 * (T / th0 - 1), 100 * (e.point.avg_accuracy - A_l), (e.point.avg_accuracy - A_l) / A_l, 100 * (local / (ref_rate * W) - 1),
                                 100 * (e.point.mean_delay_s / d0.mean_delay_s - 1), T > 0 ? e.flows.x_path / T : 0, e.path_accuracy, A_l - e.path_accuracy,
                                 e.load.server_flops.sum() / W};
            };
            const char* names[] = {"v2", "v1-bal", "v1-heavy"};
            auto report = [&](const char* method, const char* policy, const std::string& param, const evaluation_result& e) {
              const row_metrics m = metrics(e);
              const split mt = max_throughput_split(g, req, e.load, e.path_accuracy, eo.capacity);
              const char* bind = to_string(mt.binding);
              std::printf("%-9s %-10s %5.2f %5.2f %-16s %-15s %6s %+8.1f %+8.2f %+8.1f %+8.1f %-14s %6.2f  %s%s\n", names[mode],
                          g.spec().models[static_cast<std::size_t>(req)].name.c_str(), sc.eta_achieved, pi, method, policy, param.c_str(), m.gain_pct, m.acc_pp,
                          m.local_pct, m.delay_pct, bind, m.share, to_string(g, e.p).c_str(), idn::has_answer(e.status) ? "" : "  (infeasible)");
              csv << names[mode] << ',' << g.spec().models[static_cast<std::size_t>(req)].name << ',' << eta << ',' << sc.eta_achieved << ',' << pi << ',' << method << ','
                  << policy << ',' << param << ',' << m.gain_pct << ',' << m.acc_pp << ',' << m.acc_rel << ',' << m.local_pct << ',' << m.delay_pct << ',' << bind << ','
                  << m.share << ',' << m.Ap << ',' << m.drop << ',' << m.total_work << ",\"" << to_string(g, e.p) << "\"\n";
              return m;
            };
            search_options so;
            so.rules = rules, so.eval = eo;
            const bool counts = sc.eta_achieved <= 1 + 1e-9 && pi >= 0.01;
            if (mode == 0) {
              const product_reward<power_utility, normalized_gain> r2{{2}, {}};
              const evaluation_result edgent = edgent_baseline(g, req, est, r2, eo, {unloaded_latency_s(g, L0)});
              const row_metrics me = report("edgent", "reward_optimal", "k=2", edgent);
              report("full offload", "mirror", "k=2", full_offload(g, req, est, r2, eo, offload_mode::mirror_model));
              report("full offload", "host model", "k=2", full_offload(g, req, est, r2, eo, offload_mode::host_model, rules));
              for (const split_policy pol : {split_policy::reward_optimal, split_policy::max_throughput})
                for (const double kappa : {1.0, 2.0, 4.0, 8.0}) {
                  so.eval.policy = pol;
                  const product_reward<power_utility, normalized_gain> r{{kappa}, {}};
                  const evaluation_result e = best_path(g, req, est, r, so).best;
                  const row_metrics m = report("code", pol == split_policy::reward_optimal ? "reward_optimal" : "max_throughput", idn::concat("k=", kappa), e);
                  const bool dominates = m.gain_pct >= me.gain_pct - 1e-9 && m.acc_pp >= me.acc_pp - 1e-9;
                  if (counts && m.gain_pct >= 30 && -m.acc_pp <= 3 && dominates) v2_ok = true;
                  if (counts && -m.acc_pp <= 3 && m.gain_pct > v2_gain) v2_gain = m.gain_pct, v2_best = idn::concat(names[mode], " ", g.spec().models[static_cast<std::size_t>(req)].name, " eta ", std::round(100 * sc.eta_achieved) / 100, " pi ", pi, " k ", kappa);
                }
            } else {
              so.eval.policy = split_policy::serve_all;
              if (mode == 1) so.eval.max_mean_delay_s = d0.mean_delay_s * (1 + 1e-9);
              for (const double wacc : {0.0, 1.0, 5.0, 20.0}) {
                const weighted_cost_v1 r = mode == 1 ? weighted_cost_v1{0, wacc, 1} : weighted_cost_v1{1, wacc, 0};
                if (mode == 1 && wacc == 0) continue;  // (0, 0, 0) is not a cost
                const evaluation_result e = best_path(g, req, est, r, so).best;
                const row_metrics m = report("code", "serve_all", idn::concat("wA=", wacc), e);
                if (mode == 1 && counts && idn::has_answer(e.status) && m.local_pct <= -60 && -m.acc_pp <= 3 && m.delay_pct <= 1e-6) balanced_ok = true;
                if (mode == 1 && counts && idn::has_answer(e.status) && -m.acc_pp <= 3 && m.local_pct < balanced_local * 100 - 1e-12)
                  balanced_local = m.local_pct / 100, balanced_best = idn::concat(g.spec().models[static_cast<std::size_t>(req)].name, " eta ", std::round(100 * sc.eta_achieved) / 100, " pi ", pi, " wA ", wacc);
                if (mode == 2 && counts && idn::has_answer(e.status) && m.delay_pct <= -20 && -m.acc_pp <= 5) heavy_ok = true;
                if (mode == 2 && counts && idn::has_answer(e.status) && -m.acc_pp <= 5 && m.delay_pct < heavy_delay * 100)
                  heavy_delay = m.delay_pct / 100, heavy_best = idn::concat(g.spec().models[static_cast<std::size_t>(req)].name, " eta ", std::round(100 * sc.eta_achieved) / 100, " pi ", pi, " wA ", wacc);
              }
            }
          }
    std::printf("\nAgreement in kind (some configuration with eta <= 1 and pi >= 0.01):\n");
    std::printf("  v2: gain >= +30 %% with drop <= 3 pp, dominating Edgent: %s (best gain within 3 pp: %+.1f %%, %s)\n", v2_ok ? "MET" : "NOT MET", v2_gain, v2_best.c_str());
    std::printf("  v1 balanced: local work <= -60 %% at delay <= D(p_0), drop <= 3 pp: %s (best local work change: %+.1f %%, %s)\n", balanced_ok ? "MET" : "NOT MET",
                100 * balanced_local, balanced_best.c_str());
    std::printf("  v1 heavy: delay <= -20 %% with drop <= 5 pp: %s (best delay change: %+.1f %%, %s)\n", heavy_ok ? "MET" : "NOT MET", 100 * heavy_delay, heavy_best.c_str());
    std::printf("\nHonest reporting:\n"
                "  1. A_p is a PREDICTION at the stated penalty; the paper's accuracies come from trained adapters.\n"
                "  2. The gain is x_p*(1 - L_p[home]/W): borrowed host capacity. Rows with eta = 0 show zero gain; total work may rise.\n"
                "  3. The accuracy drop equals (x_p/Th)(A_l - A_p).\n"
                "  4. Mirror offload can beat CoDE only by copying the model.\n"
                "  5. The ImageNet anchors are idn's stand-in, not the paper's setup: compare relative effects only.\n"
                "wrote %s\n",
                (out / "code_repro.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
