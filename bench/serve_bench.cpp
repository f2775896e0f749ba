// idn::serve benchmarks (spec/serve.md §7), the parts built so far: Erlang C and min_replicas
// scaling (O(c) recurrences), the response-time quantile. RATIO lines at the end.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/serve.hpp"
#include "ratio_reporter.hpp"

namespace {
void erlang_c_bm(benchmark::State& st, std::uint64_t c) {
  double v = 0;
  for (auto _ : st) benchmark::DoNotOptimize(v = idn::serve::erlang_c(c, 0.9 * static_cast<double>(c)));
  st.counters["value"] = v;
}
void min_replicas_bm(benchmark::State& st, double a) {
  const idn::serve::slo s{0.05, 0.99, false};
  for (auto _ : st) benchmark::DoNotOptimize(idn::serve::min_replicas(a * 100.0, 100.0, s).replicas);
}
template <class P>
void pick_bm(benchmark::State& st, P proto, std::size_t n) {
  std::vector<idn::serve::replica_state> s(n);
  idn::rng g(5);
  for (auto& r : s) r.outstanding = static_cast<std::uint32_t>(g() % 20), r.in_system = r.outstanding, r.weight = 1 + static_cast<double>(g() % 4);
  P p = proto;
  std::size_t k = 0;
  for (auto _ : st) {
    const std::size_t i = p.pick(std::span<const idn::serve::replica_state>(s), g);
    s[k++ % n].outstanding ^= 1u;  // keep the state moving
    benchmark::DoNotOptimize(i);
  }
}
void quantile_bm(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(idn::serve::mmc_response_quantile(900.0, 100.0, 10, 0.99));
}
}  // namespace

int main(int argc, char** argv) {
  for (const std::uint64_t c : {10u, 100u, 1000u, 10000u})
    benchmark::RegisterBenchmark(idn::concat("BM_serve_erlang_c/", c).c_str(), erlang_c_bm, c);
  for (const double a : {10.0, 1000.0, 10000.0})
    benchmark::RegisterBenchmark(idn::concat("BM_serve_min_replicas/", static_cast<int>(a)).c_str(), min_replicas_bm, a);
  benchmark::RegisterBenchmark("BM_serve_response_quantile", quantile_bm);
  std::vector<idn::bench::ratio_target> picks;
  for (const std::size_t n : {std::size_t{4}, std::size_t{64}, std::size_t{1024}}) {
    std::vector<double> w(n, 1.0);
    std::vector<std::uint32_t> wi(n, 1u);
    for (std::size_t i = 0; i < n; ++i) w[i] = 1 + static_cast<double>(i % 4), wi[i] = 1 + static_cast<std::uint32_t>(i % 4);
    auto reg = [&](const char* name, auto proto) {
      benchmark::RegisterBenchmark(idn::concat("BM_serve_pick/", name, "/", n).c_str(), [proto, n](benchmark::State& st) { pick_bm(st, proto, n); });
    };
    reg("round_robin", idn::serve::round_robin{});
    reg("random_choice", idn::serve::random_choice{});
    reg("weighted_random", idn::serve::weighted_random(w));
    reg("power_of_d", idn::serve::power_of_d(2));
    reg("least_outstanding", idn::serve::least_outstanding{});
    reg("join_shortest_queue", idn::serve::join_shortest_queue{});
    reg("swrr", idn::serve::smooth_weighted_round_robin(wi));
    picks.push_back(idn::bench::time_ratio_at_most(idn::concat("serve_pick_power_of_d_vs_rr/", n), idn::concat("BM_serve_pick/power_of_d/", n),
                                                   idn::concat("BM_serve_pick/round_robin/", n), 4));
  }
  for (const char* p : {"least_outstanding", "join_shortest_queue", "swrr"})
    picks.push_back(idn::bench::time_ratio_at_most(idn::concat("serve_pick_", p, "_scaling_1024_64"), idn::concat("BM_serve_pick/", p, "/1024"),
                                                   idn::concat("BM_serve_pick/", p, "/64"), 24));
  std::vector<idn::bench::ratio_target> targets{
      idn::bench::time_ratio_at_most("serve_erlang_c_scaling_1e4_1e3", "BM_serve_erlang_c/10000", "BM_serve_erlang_c/1000", 15),
      idn::bench::time_ratio_at_most("serve_min_replicas_scaling_1e4_1e3", "BM_serve_min_replicas/10000", "BM_serve_min_replicas/1000", 15)};
  targets.insert(targets.end(), picks.begin(), picks.end());
  return idn::bench::run(argc, argv, targets);
}
