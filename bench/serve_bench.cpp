// idn::serve benchmarks (spec/serve.md §7), the parts built so far: Erlang C and min_replicas
// scaling (O(c) recurrences), the response-time quantile. RATIO lines at the end.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "idn/core/format.hpp"
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
  const std::vector<idn::bench::ratio_target> targets{
      idn::bench::time_ratio_at_most("serve_erlang_c_scaling_1e4_1e3", "BM_serve_erlang_c/10000", "BM_serve_erlang_c/1000", 15),
      idn::bench::time_ratio_at_most("serve_min_replicas_scaling_1e4_1e3", "BM_serve_min_replicas/10000", "BM_serve_min_replicas/1000", 15)};
  return idn::bench::run(argc, argv, targets);
}
