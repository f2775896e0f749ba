// idn::path benchmarks (docs/path.md). Instances: random_graph_spec seeds 1..16, depth
// matched, fanout 3, r = 2, ε = 0.05, an extra head for service 0's task on every model's last
// boundary, servers round robin. Queries: service 0, product<power{2}, normalized_gain>,
// reward_optimal, interpolation_estimator, a reused workspace. RATIO lines at the end.
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/path.hpp"
#include "ratio_reporter.hpp"

namespace {
using namespace idn::path;
using reward_t = product_reward<power_utility, normalized_gain>;
const reward_t reward{{2}, {}};
const interpolation_estimator estimator{};

search_options options(search_method m) {
  search_options o;
  o.rules.switch_budget = 2, o.rules.depth_slack = 0.05;
  o.method = m;
  return o;
}
block_graph instance(std::size_t M, std::size_t B, std::size_t S, std::uint64_t seed) {
  idn::rng g(seed);
  random_graph_options p;
  p.models = M, p.blocks = B, p.servers = S, p.fanout = 3, p.depth_matched = true;
  graph_spec spec = random_graph_spec(g, p);
  for (std::size_t m = 1; m < M; ++m) spec.heads.push_back({m, B, 0, head_kind::extra, 1e6, 100, std::nullopt, 0.01});
  return block_graph(std::move(spec));
}
/// The 16 instances of one size, built once.
const std::vector<block_graph>& instances(std::size_t M, std::size_t B, std::size_t S) {
  static std::map<std::array<std::size_t, 3>, std::unique_ptr<std::vector<block_graph>>> cache;
  auto& slot = cache[{M, B, S}];
  if (!slot) {
    slot = std::make_unique<std::vector<block_graph>>();
    for (std::uint64_t seed = 1; seed <= 16; ++seed) slot->push_back(instance(M, B, S, seed));
  }
  return *slot;
}

void best_bm(benchmark::State& st, search_method m, std::size_t M, std::size_t B, std::size_t S) {
  const auto& gs = instances(M, B, S);
  const search_options o = options(m);
  double total = 0;
  for (const auto& g : gs) total += static_cast<double>(count_paths(g, 0, o.rules));
  if (m == search_method::brute_force && total / 16 > 2e7) {
    st.SkipWithError("brute force above 2e7 paths");
    return;
  }
  search_workspace ws;
  std::size_t i = 0;
  double labels = 0, evaluated = 0, fell = 0, queries = 0;
  for (auto _ : st) {
    const search_result r = best_path(gs[i++ % 16], 0, estimator, reward, o, ws);
    labels += static_cast<double>(r.stats.labels_created), evaluated += static_cast<double>(r.stats.paths_evaluated), fell += r.stats.fell_back, ++queries;
    benchmark::DoNotOptimize(r.best.score);
  }
  st.counters["labels_created"] = labels / queries;
  st.counters["paths_evaluated"] = evaluated / queries;
  st.counters["paths_total"] = total / 16;
  st.counters["fell_back"] = fell;
}

/// label setting, branch and bound and brute force on the same 16 instances, timed in one process.
void speedup_bm(benchmark::State& st, std::size_t M, std::size_t B, std::size_t S) {
  const auto& gs = instances(M, B, S);
  search_workspace ws;
  auto time = [&](search_method m) {
    const search_options o = options(m);
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& g : gs) benchmark::DoNotOptimize(best_path(g, 0, estimator, reward, o, ws).best.score);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double ls = 0, bb = 0, bf = 0;
  for (auto _ : st) ls += time(search_method::label_setting), bb += time(search_method::branch_and_bound), bf += time(search_method::brute_force);
  st.counters["speedup_ls_vs_bf"] = bf / ls;
  st.counters["speedup_bb_vs_bf"] = bf / bb;
  const auto it = static_cast<double>(st.iterations());
  st.counters["ls_s"] = ls / it, st.counters["bb_s"] = bb / it, st.counters["bf_s"] = bf / it;
  st.counters["us_per_query_ls"] = 1e6 * ls / (16.0 * static_cast<double>(st.iterations()));
}

/// 10^4 split instances on a two-server graph.
struct split_case {
  path_load L;
  double a;
};
const block_graph& split_graph() {
  static const block_graph g = [] {
    graph_spec s;
    s.servers = {{"a", 2e9, 0}, {"b", 4e9, 0}};
    add_duplex_link(s, 0, 1, 1e8, 1e-3);
    s.models.push_back({"m", 0, 0, 1000, {{5e8, 100}, {5e8, 100}}, 0.8});
    s.heads.push_back({0, 2, 0, head_kind::original, 0, 10, 0.8, 0});
    s.services.push_back({"s", 0, 100});  // demand never binds: the closed form applies
    return block_graph(s);
  }();
  return g;
}
const std::vector<split_case>& split_cases() {
  static const std::vector<split_case> cases = [] {
    idn::rng g(9);
    std::vector<split_case> v;
    for (int i = 0; i < 10000; ++i) {
      path_load L;
      L.server_flops = Eigen::Vector2d(0.8e9 * idn::uniform01(g), 1e9 * idn::uniform01(g));
      L.link_bytes = Eigen::Vector2d(1e4 * idn::uniform01(g), 100), L.link_transfers = Eigen::Vector2d(1, 1);
      v.push_back({L, idn::uniform01(g)});
    }
    return v;
  }();
  return cases;
}
void split_bm(benchmark::State& st, int kind) {
  const block_graph& g = split_graph();
  const auto& cs = split_cases();
  const capacity_options o{0.9, 1, {}};
  Eigen::MatrixXd A(5, 2);
  Eigen::VectorXd b(5);
  for (auto _ : st)
    for (const split_case& c : cs) {
      if (kind == 0) benchmark::DoNotOptimize(max_throughput_split(g, 0, c.L, c.a, o).throughput);
      else if (kind == 1) benchmark::DoNotOptimize(max_throughput_split_lp(g, 0, c.L, c.a, o).throughput);
      else {
        A << 1e9, c.L.server_flops[0], 0, c.L.server_flops[1], 0, 8 * c.L.link_bytes[0], 0, 8 * c.L.link_bytes[1], 1, 1;
        b << 0.9 * 2e9, 0.9 * 4e9, 1e8, 1e8, 100;
        benchmark::DoNotOptimize(maximize_lp(A, b, Eigen::Vector2d(1, 1)).objective);
      }
    }
}
void k_best_bm(benchmark::State& st, std::size_t k) {
  const block_graph& g = instances(5, 32, 4)[0];
  search_workspace ws;
  for (auto _ : st) benchmark::DoNotOptimize(k_best(g, 0, k, estimator, reward, options(search_method::automatic), ws).size());
}
void pareto_bm(benchmark::State& st, std::size_t M, std::size_t B, std::size_t S) {
  const block_graph& g = instances(M, B, S)[0];
  pareto_options o;
  o.rules = options(search_method::automatic).rules;
  search_workspace ws;
  for (auto _ : st) benchmark::DoNotOptimize(pareto_front(g, 0, estimator, o, ws).size());
}
void joint_bm(benchmark::State& st, std::size_t services) {
  idn::rng g(11);
  random_graph_options p;
  p.models = services, p.blocks = 8, p.servers = 4, p.services = services, p.fanout = 2, p.depth_matched = true, p.extra_head_prob = 1.5;
  graph_spec spec = random_graph_spec(g, p);
  for (auto& sv : spec.services) sv.arrival_rate *= 5;  // overloaded: the original models alone cannot serve the demand
  const block_graph bg(std::move(spec));
  joint_options o;
  o.rules.switch_budget = 2, o.capacity.rho_bar = 0.9;
  double iterations = 0, runs = 0;
  for (auto _ : st) {
    const joint_result r = joint_assign(bg, estimator, o);
    iterations += static_cast<double>(r.iterations), ++runs;
    benchmark::DoNotOptimize(r.throughput);
  }
  st.counters["iterations"] = iterations / runs;
}
void evaluate_bm(benchmark::State& st, split_policy policy) {
  const block_graph& g = instances(5, 32, 4)[0];
  evaluation_options o;
  o.policy = policy;
  const path p = best_path(g, 0, estimator, reward, options(search_method::automatic)).best.p;
  for (auto _ : st) benchmark::DoNotOptimize(evaluate(g, p, estimator, reward, o).score);
}
}  // namespace

int main(int argc, char** argv) {
  const std::pair<search_method, const char*> methods[] = {
      {search_method::label_setting, "label_setting"}, {search_method::branch_and_bound, "branch_and_bound"}, {search_method::brute_force, "brute_force"}};
  for (const auto& [m, name] : methods)
    for (const std::size_t M : {2, 5, 10})
      for (const std::size_t B : {8, 32, 64})
        for (const std::size_t S : {2, 4, 8})
          benchmark::RegisterBenchmark(idn::concat("BM_path_best/", name, "/", M, "/", B, "/", S).c_str(),
                                       [m = m, M, B, S](benchmark::State& st) { best_bm(st, m, M, B, S); })
              ->Unit(benchmark::kMicrosecond);
  for (const auto& [M, B, S] : std::vector<std::array<std::size_t, 3>>{{2, 8, 2}, {5, 32, 4}, {10, 64, 8}})
    benchmark::RegisterBenchmark(idn::concat("BM_path_best/automatic/", M, "/", B, "/", S).c_str(),
                                 [M = M, B = B, S = S](benchmark::State& st) { best_bm(st, search_method::automatic, M, B, S); })
        ->Unit(benchmark::kMicrosecond);
  for (const auto& [M, B, S] : std::vector<std::array<std::size_t, 3>>{{2, 8, 2}, {5, 32, 4}, {10, 64, 8}})
    benchmark::RegisterBenchmark(idn::concat("BM_path_speedup/", M, "/", B, "/", S).c_str(), [M = M, B = B, S = S](benchmark::State& st) { speedup_bm(st, M, B, S); })
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
  benchmark::RegisterBenchmark("BM_path_split/closed_form", split_bm, 0)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_path_split/lp2", split_bm, 1)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_path_split/maximize_lp", split_bm, 2)->Unit(benchmark::kMicrosecond);
  for (const std::size_t k : {std::size_t{1}, std::size_t{10}, std::size_t{100}})
    benchmark::RegisterBenchmark(idn::concat("BM_path_k_best/", k).c_str(), k_best_bm, k)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_path_pareto/5/32/4", pareto_bm, std::size_t{5}, std::size_t{32}, std::size_t{4})->Unit(benchmark::kMicrosecond);
  for (const std::size_t n : {2, 4, 8}) benchmark::RegisterBenchmark(idn::concat("BM_path_joint/", n).c_str(), joint_bm, n)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_path_evaluate/max_throughput", evaluate_bm, split_policy::max_throughput);
  benchmark::RegisterBenchmark("BM_path_evaluate/reward_optimal", evaluate_bm, split_policy::reward_optimal);
  return idn::bench::run(argc, argv,
                         // The exact searches against enumeration (the naive reference) on the same 16
                         // instances. Branch and bound: completion bounds, falling thresholds, and the
                         // rigorous interval test scorer::reward_optimal_below at every 8th block (no
                         // golden section). The three methods are timed in the same iterations of
                         // BM_path_speedup (counters bf_s, bb_s, ls_s), so that a load on the machine
                         // slows them alike: timed as separate benchmarks the 5/32/4 ratio read 9.3 once
                         // with a compile running. Measured 12.5-15x at 5/32/4 with the test suite
                         // running on both cores, so the line enforces the goal, 10x; 24-32x at
                         // 10/64/8 (goal 100x, not met: see docs/path.md, "Performance"), enforced at 12.
                         // A 2x regression fails either line.
                         {idn::bench::counter_quotient_at_least("path_speedup_bb_vs_bf_5_32_4", "BM_path_speedup/5/32/4/iterations:1", "bf_s", "bb_s", 10),
                          idn::bench::counter_quotient_at_least("path_speedup_bb_vs_bf_10_64_8", "BM_path_speedup/10/64/8/iterations:1", "bf_s", "bb_s", 12),
                          // Label setting: dominance between labels that load different servers
                          // rarely fires here (about 1,000 of 2,700 labels pruned by it), so it pays
                          // a bound per label; 1.4x measured, kept for larger switch budgets.
                          idn::bench::counter_quotient_at_least("path_speedup_ls_vs_bf_5_32_4", "BM_path_speedup/5/32/4/iterations:1", "bf_s", "ls_s", 0.7),
                          // automatic picks enumeration on tiny graphs and branch and bound beyond:
                          // within 1.5x of the faster one (1.0-1.1 measured).
                          idn::bench::time_ratio_at_most("path_automatic_vs_bf_2_8_2", "BM_path_best/automatic/2/8/2", "BM_path_best/brute_force/2/8/2", 1.5),
                          idn::bench::time_ratio_at_most("path_automatic_vs_bb_10_64_8", "BM_path_best/automatic/10/64/8", "BM_path_best/branch_and_bound/10/64/8", 1.5),
                          // The closed-form split against the general LP tableau: 8.3-11.6 measured
                          // across sessions (19-25 ns against 160-290 ns); a 2x slower closed form fails.
                          idn::bench::time_ratio_at_least("path_lp_over_closed_form", "BM_path_split/maximize_lp", "BM_path_split/closed_form", 5),
                          idn::bench::time_ratio_at_least("path_lp2_over_closed_form", "BM_path_split/lp2", "BM_path_split/closed_form", 1)});
}
