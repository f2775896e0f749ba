// CoDE's predict -> train the best -> verify loop (docs/path.md). k_best (k = 8) ranks the
// candidate paths by the interpolation predictor; the best untrained one is trained and its
// measured accuracy goes into a measured_table; best_path runs again. The loop stops when the
// best trusted path (measured, native or the original) scores at least as high as every
// untrained prediction, which is exact when the predictor is optimistic.
//
// Two trainers:
//  - default: the AlexNet + MobileNetV2 scenario with a SIMULATED trainer (prediction minus
//    |N(0, 0.02)|);
//  - --data DIR: the measured scenario of path_code_measured.hpp. Every candidate path's adapters
//    were trained by DIR/train_code_adapters.py and its held-out accuracy is in
//    DIR/code_digits_paths.csv: "training" a path looks it up. For each service the example then
//    reports how well the predictor ranked the measured paths (Spearman), how many trainings the
//    loop needed against exhaustive training, whether it found the exhaustive optimum, and the
//    throughput and accuracy of its path against no coordination and the Edgent baseline.
//    --list-paths writes DIR/code_digits_candidates.csv (the paths the script must train).
//
// Usage: path_predict_then_train [--service L] [--load-a X] [--load-b X] [--seed S] [--quick]
//                                [--data DIR [--list-paths]]
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/path.hpp"
#include "path_code_graph.hpp"
#include "path_code_measured.hpp"
#include "rank_correlation.hpp"

namespace {
using namespace code_example;

const product_reward<power_utility, normalized_gain> reward{{2}, {}};

search_options loop_options(const settings& s) {
  search_options o;
  o.rules.switch_budget = 2, o.eval.capacity.rho_bar = s.rho;
  return o;
}

/// The loop's outcome: the trusted path it stops on and how many paths it trained.
struct loop_result {
  evaluation_result best;
  std::size_t trainings = 0;
};

/// Runs the loop; train(p, predicted) returns the measured accuracy of path p.
loop_result predict_then_train(const block_graph& g, std::size_t service, const search_options& o, measured_table<>& table,
                               const std::function<double(const path&, double)>& train) {
  std::printf("%4s  %-58s %9s %9s %10s %10s %9s\n", "iter", "trained path", "pred A %", "meas A %", "trusted", "bound", "trainings");
  std::vector<path> trained;
  for (int iter = 1; iter <= 200; ++iter) {
    const auto ranked = k_best(g, service, 8, table, reward, o);
    // Trusted: measured paths, native paths (no adapter to train) and p_0.
    evaluation_result trusted = original_only(g, service, table, reward, o.eval);
    for (const path& p : trained) {
      const evaluation_result e = evaluate(g, p, table, reward, o.eval);
      if (e.score > trusted.score) trusted = e;
    }
    for (const auto& e : ranked)
      if (e.p.joins.empty() && e.score > trusted.score) trusted = e;
    // The bound: the best untrained prediction. If none is in the top k, every untrained path
    // scores at most the k-th, which is at most the trusted best once the loop has run.
    const evaluation_result* candidate = nullptr;
    for (const auto& e : ranked)
      if (!e.measured && !e.p.joins.empty()) {
        candidate = &e;
        break;
      }
    const double bound = candidate ? candidate->score : (ranked.empty() ? -INFINITY : ranked.back().score);
    if (trusted.score >= bound) {
      std::printf("stop: %s (score %.4f, %s) >= every untrained prediction (bound %.4f) after %zu trainings\n", to_string(g, trusted.p).c_str(), trusted.score,
                  trusted.measured ? "measured" : "native", bound, trained.size());
      return {trusted, trained.size()};
    }
    const double predicted = candidate->path_accuracy, measured_acc = train(candidate->p, predicted);
    table.add(g, candidate->p, measured_acc);
    trained.push_back(candidate->p);
    std::printf("%4d  %-58s %9.2f %9.2f %10.4f %10.4f %9zu\n", iter, to_string(g, candidate->p).c_str(), 100 * predicted, 100 * measured_acc,
                std::max(trusted.score, evaluate(g, candidate->p, table, reward, o.eval).score), bound, trained.size());
  }
  throw idn::invalid_input("predict_then_train: no stop after 200 trainings");
}

/// The measured scenario with service `l` loaded at 1.5x its server's capacity and the other at 0.3x.
graph_spec measured_graph(const measured_models& m, std::size_t l) {
  measured_models c = m;
  c.s.load_a = l == 0 ? 1.5 : 0.3, c.s.load_b = l == 0 ? 0.3 : 1.5;
  return c.build();
}

/// Every candidate path (at least one adapter) of the service, in enumeration order.
std::vector<path> candidates(const block_graph& g, std::size_t l, const path_rules& rules) {
  std::vector<path> out;
  enumerate_paths(g, l, rules, [&](const path& p) {
    if (!p.joins.empty()) out.push_back(p);
  });
  return out;
}

void list_paths(const measured_models& m, const settings& s, const std::filesystem::path& file) {
  std::ofstream out(file);
  out << "# every candidate path (at least one adapter) of both services, written by path_predict_then_train --list-paths; segments "
         "model:begin:end, joins from_model:from_boundary:to_model:to_boundary, head model:boundary:task:kind\n"
         "service,path,segments,joins,head\n";
  std::size_t n = 0;
  for (const std::size_t l : {std::size_t{0}, std::size_t{1}}) {
    const block_graph g(measured_graph(m, l));
    auto name = [&](std::size_t model) { return g.spec().models[static_cast<std::size_t>(model)].name; };
    for (const path& p : candidates(g, l, loop_options(s).rules)) {
      std::string segs, joins;
      for (const segment& x : p.segments) segs += idn::concat(segs.empty() ? "" : ";", name(x.model), ":", x.begin, ":", x.end);
      for (const std::size_t c : p.joins) {
        const connection_spec& cs = g.spec().connections[static_cast<std::size_t>(c)];
        joins += idn::concat(joins.empty() ? "" : ";", name(cs.from_model), ":", cs.from_boundary, ":", name(cs.to_model), ":", cs.to_boundary);
      }
      const head_spec& h = g.spec().heads[static_cast<std::size_t>(p.head)];
      const char* kind = h.kind == head_kind::original ? "original" : (h.kind == head_kind::extra ? "extra" : "early_exit");
      out << l << ",\"" << to_string(g, p) << "\"," << segs << ',' << joins << ',' << name(h.model) << ':' << h.boundary << ':' << h.task << ':' << kind << '\n';
      ++n;
    }
  }
  std::printf("wrote %zu candidate paths to %s\n", n, file.c_str());
}

/// The loop on measured accuracies for service l, and what it found against the baselines.
void run_measured(const measured_models& m, const settings& s, const std::map<std::pair<int, std::string>, double>& measured, std::size_t l) {
  const block_graph g(measured_graph(m, l));
  const search_options o = loop_options(s);
  auto lookup = [&](const path& p) {
    const auto it = measured.find({static_cast<int>(l), to_string(g, p)});
    if (it == measured.end())
      throw idn::invalid_input(idn::concat("no measured accuracy for ", to_string(g, p), " (service ", l, "): regenerate code_digits_paths.csv"));
    return it->second;
  };
  const std::vector<path> all = candidates(g, l, o.rules);
  const double A_l = g.spec().models[static_cast<std::size_t>(l)].accuracy;
  std::printf("\nservice %s (load 1.5x its server, the other 0.3x): %zu candidate paths with adapters, all trained; A_l = %.2f %%; reward A^2 * Th/Th0\n",
              g.spec().services[static_cast<std::size_t>(l)].name.c_str(), all.size(), 100 * A_l);
  measured_table<> table;
  const loop_result r = predict_then_train(g, l, o, table, [&](const path& p, double) { return lookup(p); });
  // Ranking quality of the predictor over every candidate, and the exhaustive optimum.
  measured_table<> everything;
  std::vector<double> predicted, truth;
  for (const path& p : all) {
    predicted.push_back(interpolation_estimator{}.estimate(g, p)), truth.push_back(lookup(p));
    everything.add(g, p, truth.back());
  }
  const evaluation_result exhaustive = best_path(g, l, everything, reward, o).best;
  const double rho = example_stats::spearman(predicted, truth);
  double worst_optimism = 0;
  for (std::size_t i = 0; i < all.size(); ++i) worst_optimism = std::min(worst_optimism, predicted[i] - truth[i]);
  // Throughput and accuracy against no coordination (p_0 alone) and Edgent.
  const double th0 = standalone_throughput(g, l, o.eval.capacity);
  const evaluation_result loop_eval = evaluate(g, r.best.p, everything, reward, o.eval);
  const evaluation_result edgent = edgent_baseline(g, l, everything, reward, o.eval, {unloaded_latency_s(g, compute_load(g, original_path(g, l)))});
  auto row = [&](const char* what, const evaluation_result& e) {
    std::printf("  %-22s throughput %+7.1f %%  average accuracy %+6.2f pp  path %s (A_p %.2f %%)\n", what, 100 * (e.point.throughput / th0 - 1),
                100 * (e.point.avg_accuracy - A_l), to_string(g, e.p).c_str(), 100 * e.path_accuracy);
  };
  std::printf("predictor vs measured over %zu paths: Spearman %.3f; predicted - measured: min %+.2f pp (optimistic predictor: >= 0)\n", all.size(), rho,
              100 * worst_optimism);
  row("CoDE loop", loop_eval);
  row("CoDE exhaustive", exhaustive);
  row("Edgent (early exits)", edgent);
  std::printf("SUMMARY service %c: Spearman %.3f, %zu trainings of %zu (exhaustive), %s, CoDE %+.1f %% throughput at %+.2f pp, Edgent %+.1f %% at %+.2f pp\n",
              "AB"[l], rho, r.trainings, all.size(), loop_eval.score >= exhaustive.score ? "finds the exhaustive optimum" : "misses the exhaustive optimum",
              100 * (loop_eval.point.throughput / th0 - 1), 100 * (loop_eval.point.avg_accuracy - A_l), 100 * (edgent.point.throughput / th0 - 1),
              100 * (edgent.point.avg_accuracy - A_l));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    settings s;
    s.load_a = 0.3, s.load_b = 1.5;  // MobileNetV2 overloaded: it borrows the Nano's spare capacity
    std::optional<std::size_t> service;
    std::uint64_t seed = 1;
    std::optional<std::filesystem::path> data;
    bool list = false;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw idn::invalid_input(idn::concat(a, " needs a value"));
        return argv[++i];
      };
      if (a == "--service") service = static_cast<std::size_t>(std::stod(next()));
      else if (a == "--load-a") s.load_a = std::stod(next());
      else if (a == "--load-b") s.load_b = std::stod(next());
      else if (a == "--seed") seed = static_cast<std::uint64_t>(std::stod(next()));
      else if (a == "--data") data = next();
      else if (a == "--list-paths") list = true;
      else if (a == "--quick") {}
      else
        throw idn::invalid_input(idn::concat("unknown argument '", a,
                                             "' (usage: path_predict_then_train [--service L] [--load-a X] [--load-b X] [--seed S] [--data DIR [--list-paths]])"));
    }
    if (list && !data) throw idn::invalid_input("--list-paths needs --data DIR");
    if (data) {
      const measured_models m = read_measured_models(*data / "code_digits_blocks.csv", s);
      if (list) {
        list_paths(m, s, *data / "code_digits_candidates.csv");
        return 0;
      }
      const auto measured = read_measured_paths(*data / "code_digits_paths.csv");
      std::printf("measured CoDE scenario (%s): models %s (task A) and %s (task B) trained on scikit-learn's digits; accuracies measured on held-out "
                  "images with trained adapters; Jetson Nano / Xavier NX rooflines and a 100 Mbit/s link modelled\n",
                  data->c_str(), m.s.name_a.c_str(), m.s.name_b.c_str());
      for (const std::size_t l : service ? std::vector<std::size_t>{*service} : std::vector<std::size_t>{0, 1}) run_measured(m, s, measured, l);
      return 0;
    }
    const std::size_t l = service.value_or(1);
    const idn::dnn::profile alex = idn::dnn::alexnet(), mob = idn::dnn::mobilenet_v2();
    const block_graph g(build(s, alex, mob));
    measured_table<> table;
    const search_options o = loop_options(s);
    idn::rng rng(seed);
    auto simulated_training = [&](const path&, double predicted) {  // SIMULATED: prediction − |N(0, 0.02)| (Box–Muller)
      const double z = idn::standard_normal(rng);
      return std::max(0.0, predicted - std::abs(0.02 * z));
    };
    std::printf("service %s: %llu admissible paths; reward A^2 * Th/Th0 (reward_optimal); trainer SIMULATED\n",
                g.spec().services[static_cast<std::size_t>(l)].name.c_str(), static_cast<unsigned long long>(count_paths(g, l, o.rules)));
    predict_then_train(g, l, o, table, simulated_training);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
