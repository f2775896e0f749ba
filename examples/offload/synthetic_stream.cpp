// HIL-F and HIL-N regret on synthetic score streams (docs/offload.md E2, §9.1–9.2).
// Scenarios: calibrated (s uniform on the 256-grid over [0.5, 1), P(Y = 1 | s) = 1 − s),
// miscalibrated (P(Y = 1 | s) = 2(1 − s)²), drift (calibrated, then P(Y = 1 | s) = s − 0.5 after
// n/2) and adversarial (s uniform on the grid, Y = 1 iff the learner accepts that bin w.p. > ½).
// At t = 10³, 10⁴, ... it prints the mean regret over seeds against the best fixed grid threshold
// in hindsight, the bound, regret/√(tL) and regret/t^{2/3}; every 1,000 samples it writes
// synthetic_regret.csv (t,policy,cum_expected_cost,best_fixed_cost,regret,bound).
//
// Usage: synthetic_stream [--n N] [--beta B] [--seeds S] [--scenario calibrated|miscalibrated|drift|adversarial|all]
//                         [--out DIR]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/offload/hil.hpp"
#include "idn/offload/throwing.hpp"

namespace {
using namespace idn::offload;
constexpr std::size_t bins = 256;

enum class scenario { calibrated, miscalibrated, drift, adversarial };
const char* name_of(scenario s) {
  switch (s) {
    case scenario::calibrated: return "calibrated";
    case scenario::miscalibrated: return "miscalibrated";
    case scenario::drift: return "drift";
    case scenario::adversarial: return "adversarial";
  }
  return "?";
}

/// Cumulative expected cost and per-bin counters of one learner's run, sampled every 1,000 steps.
struct trajectory {
  std::vector<double> cum_cost, best;  // at t = 1000, 2000, ...
};

template <class Learner>
trajectory run(Learner& f, scenario sc, std::size_t n, float beta, idn::rng& g) {
  std::array<double, bins> err{}, cnt{};
  trajectory tr;
  double cum = 0;
  for (std::size_t t = 0; t < n; ++t) {
    std::uint32_t b;
    bool y;
    if (sc == scenario::adversarial) {
      b = static_cast<std::uint32_t>(g() % bins);
      y = f.accept_probability_bin(b) > 0.5f;
    } else {
      b = 128 + static_cast<std::uint32_t>(g() % 128);
      const double s = static_cast<double>(b) / bins;
      double p_wrong = 1 - s;
      if (sc == scenario::miscalibrated) p_wrong = 2 * (1 - s) * (1 - s);
      if (sc == scenario::drift && t >= n / 2) p_wrong = s - 0.5;
      y = idn::uniform01(g) < p_wrong;
    }
    const decision d = f.decide_bin(b, g);
    const double r = d.offload_prob;
    cum += r * beta + (1 - r) * y;
    if (Learner::feedback_model == feedback_kind::full || d.offload) f.feedback(d, y);
    err[b] += y, cnt[b] += 1;
    if ((t + 1) % 1000 == 0) {
      double L = 0, best;
      for (double e : err) L += e;
      best = L;
      for (std::size_t j = 0; j < bins; ++j) best = std::min(best, L += beta * cnt[j] - err[j]);
      tr.cum_cost.push_back(cum);
      tr.best.push_back(best);
    }
  }
  return tr;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    std::size_t n = 1000000, seeds = 10;
    float beta = 0.3f;
    std::string which = "all";
    std::filesystem::path out = ".";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw idn::invalid_input(idn::concat("missing value after ", a));
        return argv[++i];
      };
      if (a == "--n") n = std::stoul(next());
      else if (a == "--beta") beta = std::stof(next());
      else if (a == "--seeds") seeds = std::stoul(next());
      else if (a == "--scenario") which = next();
      else if (a == "--out") out = next();
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (see the comment at the top of synthetic_stream.cpp)"));
    }
    if (n < 1000 || seeds == 0) throw idn::invalid_input("--n must be >= 1000 and --seeds >= 1");
    std::vector<scenario> scenarios;
    for (scenario s : {scenario::calibrated, scenario::miscalibrated, scenario::drift, scenario::adversarial})
      if (which == "all" || which == name_of(s)) scenarios.push_back(s);
    if (scenarios.empty()) throw idn::invalid_input(idn::concat("--scenario = ", which, ": unknown"));
    const double L = grid_log_inv_lambda(bins);
    const hil_f_tuning tf = hil_f_theory(n, L);
    const hil_n_tuning tn = hil_n_theory(n, beta, L);
    std::printf("Bins = %zu, L = ln(257) = %.4f, n = %zu, beta = %.3f, %zu seeds; HIL-F eta = %.5f; HIL-N eps = %.5f, eta = %.5f\n",
                bins, L, n, static_cast<double>(beta), seeds, static_cast<double>(tf.eta), static_cast<double>(tn.epsilon),
                static_cast<double>(tn.eta));
    if (beta <= 0.5f)
      std::printf("calibrated analytic optimum: theta* = 1 - beta = %.4f, J* = beta - beta^2 = %.5f, offload fraction 1 - 2 beta = %.4f\n",
                  1.0 - beta, beta - beta * beta, 1.0 - 2 * beta);
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "synthetic_regret.csv");
    csv << "t,policy,cum_expected_cost,best_fixed_cost,regret,bound\n";
    bool f_bound = true, n_bound = true, f_falls = true, n_falls = true;
    for (const scenario sc : scenarios) {
      const std::size_t k = n / 1000;
      std::vector<double> fc(k, 0), fb(k, 0), nc(k, 0), nb(k, 0);
      for (std::size_t s = 0; s < seeds; ++s) {
        hil_f<bins, double> f;
        throw_if_error(f.configure({beta, 0, n}));
        hil_n<bins, 32, double> h;
        hil_n_options p{beta};
        p.horizon = n;
        throw_if_error(h.configure(p));
        idn::rng g1(100 + s), g2(100 + s);
        const trajectory a = run(f, sc, n, beta, g1), b = run(h, sc, n, beta, g2);
        for (std::size_t i = 0; i < k; ++i) {
          const double w = 1.0 / static_cast<double>(seeds);
          fc[i] += w * a.cum_cost[i], fb[i] += w * a.best[i], nc[i] += w * b.cum_cost[i], nb[i] += w * b.best[i];
        }
      }
      std::printf("\n%s\n%-6s %9s %12s %12s %12s %14s %14s\n", name_of(sc), "policy", "t", "regret", "bound", "regret/t",
                  "regret/sqrt(tL)", "regret/t^(2/3)");
      for (std::size_t i = 0; i < k; ++i) {
        const auto t = static_cast<double>((i + 1) * 1000);
        const auto ti = static_cast<std::uint64_t>(t);
        const double rf = fc[i] - fb[i], rn = nc[i] - nb[i];
        const double bf = hil_f_bound(ti, L, static_cast<double>(tf.eta));
        const double bn = hil_n_bound(ti, L, static_cast<double>(tn.eta), static_cast<double>(tn.epsilon), beta);
        csv << ti << ",hil_f_" << name_of(sc) << ',' << fc[i] << ',' << fb[i] << ',' << rf << ',' << bf << '\n';
        csv << ti << ",hil_n_" << name_of(sc) << ',' << nc[i] << ',' << nb[i] << ',' << rn << ',' << bn << '\n';
        f_bound = f_bound && rf <= std::sqrt(static_cast<double>(n) * L / 2) && rf <= bf;
        n_bound = n_bound && rn <= bn;
        const bool decade = std::abs(std::log10(t) - std::round(std::log10(t))) < 1e-9;
        if (!decade) continue;
        std::printf("%-6s %9.0f %12.2f %12.2f %12.6f %14.4f %14.4f\n", "hil_f", t, rf, bf, rf / t, rf / std::sqrt(t * L), rf / std::cbrt(t * t));
        std::printf("%-6s %9.0f %12.2f %12.2f %12.6f %14.4f %14.4f\n", "hil_n", t, rn, bn, rn / t, rn / std::sqrt(t * L), rn / std::cbrt(t * t));
      }
      // Horizon sweep: runs tuned for n_k = 10^3, 10^4, ... <= n; regret/n_k must fall >= 2x per two decades.
      std::vector<double> dec_f, dec_n;
      std::printf("%-6s %9s %12s %12s   (separate runs tuned for each horizon n_k)\n", "policy", "n_k", "regret/n_k", "bound/n_k");
      for (std::size_t nk = 1000; nk <= n; nk *= 10) {
        double rf = 0, rn = 0;
        const hil_n_tuning tk = hil_n_theory(nk, beta, L);
        for (std::size_t s = 0; s < seeds; ++s) {
          hil_f<bins, double> f;
          throw_if_error(f.configure({beta, 0, nk}));
          hil_n<bins, 32, double> h;
          hil_n_options p{beta};
          p.horizon = nk;
          throw_if_error(h.configure(p));
          idn::rng g1(500 + s), g2(500 + s);
          const trajectory a = run(f, sc, nk, beta, g1), b = run(h, sc, nk, beta, g2);
          rf += (a.cum_cost.back() - a.best.back()) / static_cast<double>(seeds);
          rn += (b.cum_cost.back() - b.best.back()) / static_cast<double>(seeds);
        }
        const double nd = static_cast<double>(nk);
        std::printf("%-6s %9zu %12.6f %12.6f\n%-6s %9zu %12.6f %12.6f\n", "hil_f", nk, rf / nd, hil_f_theory(nk, L).bound / nd,
                    "hil_n", nk, rn / nd, tk.bound / nd);
        n_bound = n_bound && rn <= tk.bound;
        dec_f.push_back(std::max(rf, 0.0) / nd), dec_n.push_back(std::max(rn, 0.0) / nd);
      }
      for (std::size_t d = 0; d + 2 < dec_f.size(); ++d) {
        f_falls = f_falls && dec_f[d + 2] <= dec_f[d] / 2 + 1e-12;
        n_falls = n_falls && dec_n[d + 2] <= dec_n[d] / 2 + 1e-12;
      }
    }
    std::printf("\n§9.1 HIL-F regret <= sqrt(n ln 257 / 2) and <= L/eta + t eta/8 at every checkpoint: %s\n", f_bound ? "PASS" : "FAIL");
    std::printf("§9.1 HIL-F regret/n falls >= 2x per two decades of n: %s\n", n < 100000 ? "n/a (n < 1e5)" : (f_falls ? "PASS" : "FAIL"));
    std::printf("§9.2 HIL-N regret <= hil_n_bound at every checkpoint: %s\n", n_bound ? "PASS" : "FAIL");
    std::printf("§9.2 HIL-N regret/n falls >= 2x per two decades of n: %s\n", n < 100000 ? "n/a (n < 1e5)" : (n_falls ? "PASS" : "FAIL"));
    std::printf("wrote %s\n", (out / "synthetic_regret.csv").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
