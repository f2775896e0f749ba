// idn_dnn_bench: zoo generation and profile CSV round trips (reported without targets).
#include <benchmark/benchmark.h>

#include <sstream>

#include "idn/dnn/profile_csv.hpp"
#include "idn/dnn/zoo.hpp"
#include "ratio_reporter.hpp"

namespace {
using namespace idn::dnn;
void BM_resnet50(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(resnet50({granularity::layers}));
}
void BM_mobilenet_v2(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(mobilenet_v2(224, 1.0, {granularity::layers}));
}
void BM_gpt2_1024(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(gpt2_small(1024, lm_head::last_token, {granularity::layers}));
}
void BM_csv_roundtrip(benchmark::State& st) {
  const auto p = resnet50({granularity::layers});
  for (auto _ : st) {
    std::stringstream ss;
    write_profile_csv(ss, p);
    benchmark::DoNotOptimize(read_profile_csv(ss, "bench"));
  }
}
}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_dnn_zoo/resnet50/layers", BM_resnet50);
  benchmark::RegisterBenchmark("BM_dnn_zoo/mobilenet_v2/layers", BM_mobilenet_v2);
  benchmark::RegisterBenchmark("BM_dnn_zoo/gpt2_small_1024/layers", BM_gpt2_1024);
  benchmark::RegisterBenchmark("BM_dnn_csv_roundtrip/resnet50", BM_csv_roundtrip);
  return idn::bench::run(argc, argv, {});
}
