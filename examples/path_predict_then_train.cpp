// CoDE's predict -> train the best -> verify loop (docs/path.md) on the AlexNet + MobileNetV2
// scenario. k_best (k = 8) ranks the candidate paths by the interpolation predictor; the best
// untrained one is "trained" and its measured accuracy goes into a measured_table; best_path
// runs again. The loop stops when the best measured path scores at least as high as every
// untrained prediction, which is exact when the predictor is optimistic.
//
// The trainer here is SIMULATED: it returns the prediction minus |N(0, 0.02)|. Real use trains
// the adapters and heads outside idn and supplies the measured values.
//
// Usage: path_predict_then_train [--service L] [--load-a X] [--load-b X] [--seed S] [--quick]
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/path.hpp"
#include "path_code_graph.hpp"

int main(int argc, char** argv) {
  using namespace code_example;
  try {
    settings s;
    s.load_a = 0.3, s.load_b = 1.5;  // MobileNetV2 overloaded: it borrows the Nano's spare capacity
    pindex service = 1;
    std::uint64_t seed = 1;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&] {
        if (i + 1 >= argc) throw idn::invalid_input(idn::concat(a, " needs a value"));
        return std::stod(argv[++i]);
      };
      if (a == "--service") service = static_cast<pindex>(next());
      else if (a == "--load-a") s.load_a = next();
      else if (a == "--load-b") s.load_b = next();
      else if (a == "--seed") seed = static_cast<std::uint64_t>(next());
      else if (a == "--quick") {}
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: path_predict_then_train [--service L] [--load-a X] [--load-b X] [--seed S])"));
    }
    const idn::dnn::profile alex = idn::dnn::alexnet(), mob = idn::dnn::mobilenet_v2();
    const block_graph g(build(s, alex, mob));
    measured_table<> table;
    const product_reward<power_utility, normalized_gain> reward{{2}, {}};
    search_options o;
    o.rules.switch_budget = 2, o.eval.capacity.rho_bar = s.rho;
    idn::rng rng(seed);
    auto simulated_training = [&](double predicted) {  // SIMULATED: prediction − |N(0, 0.02)| (Box–Muller)
      const double z = std::sqrt(-2 * std::log(1 - idn::uniform01(rng))) * std::cos(6.283185307179586 * idn::uniform01(rng));
      return std::max(0.0, predicted - std::abs(0.02 * z));
    };
    const std::uint64_t total = count_paths(g, service, o.rules);
    std::printf("service %s: %llu admissible paths; reward A^2 * Th/Th0 (reward_optimal); trainer SIMULATED\n",
                g.spec().services[static_cast<std::size_t>(service)].name.c_str(), static_cast<unsigned long long>(total));
    std::printf("%4s  %-58s %9s %9s %10s %10s %9s\n", "iter", "trained path", "pred A %", "meas A %", "trusted", "bound", "trainings");
    std::vector<path> trained;
    for (int iter = 1; iter <= 50; ++iter) {
      const auto ranked = k_best(g, service, 8, table, reward, o);
      // Trusted: measured paths, native paths (no adapter to train) and p_0.
      const path_evaluation* trusted = nullptr;
      path_evaluation p0 = original_only(g, service, table, reward, o.eval);
      std::vector<path_evaluation> measured;
      for (const path& p : trained) measured.push_back(evaluate(g, p, table, reward, o.eval));
      trusted = &p0;
      for (const auto& e : measured)
        if (e.score > trusted->score) trusted = &e;
      for (const auto& e : ranked)
        if (e.p.joins.empty() && e.score > trusted->score) trusted = &e;
      // The bound: the best untrained prediction. If none is in the top k, every untrained path
      // scores at most the k-th, which is at most the trusted best once the loop has run.
      const path_evaluation* candidate = nullptr;
      for (const auto& e : ranked)
        if (!e.measured && !e.p.joins.empty()) {
          candidate = &e;
          break;
        }
      const double bound = candidate ? candidate->score : (ranked.empty() ? -INFINITY : ranked.back().score);
      if (trusted->score >= bound) {
        std::printf("stop: %s (score %.4f, %s) >= every untrained prediction (bound %.4f) after %zu trainings of %llu paths\n",
                    to_string(g, trusted->p).c_str(), trusted->score, trusted->measured ? "measured" : "native", bound, trained.size(),
                    static_cast<unsigned long long>(total));
        break;
      }
      const double predicted = candidate->path_accuracy, measured_acc = simulated_training(predicted);
      table.add(g, candidate->p, measured_acc);
      trained.push_back(candidate->p);
      std::printf("%4d  %-58s %9.2f %9.2f %10.4f %10.4f %9zu\n", iter, to_string(g, candidate->p).c_str(), 100 * predicted, 100 * measured_acc,
                  std::max(trusted->score, evaluate(g, candidate->p, table, reward, o.eval).score), bound, trained.size());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
