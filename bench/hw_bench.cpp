// idn_hw_bench: latency queries on stock devices, table lookups, calibration scaling.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/profile_table.hpp"
#include "idn/hw/roofline.hpp"
#include "ratio_reporter.hpp"

namespace {
using namespace idn;

std::vector<dnn::layer> synthetic_layers(std::size_t n) {
  idn::rng g(1);
  std::vector<dnn::layer> ls(n);
  for (std::size_t i = 0; i < n; ++i) {
    ls[i].name = idn::concat("block", i / 8) + idn::concat("/layer", i);
    ls[i].index = static_cast<std::uint32_t>(i);
    ls[i].flop = 1e6 + 1e9 * uniform01(g);
    ls[i].param_bytes = 1e5 * uniform01(g);
    ls[i].input_bytes = ls[i].output_bytes = 1e5 * uniform01(g);
  }
  return ls;
}

void BM_hw_latency_roofline(benchmark::State& st) {
  const hw::roofline_device d(hw::jetson_agx_orin_64gb().params);
  const auto ls = synthetic_layers(1024);
  std::size_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(d.latency(ls[i]));
    i = (i + 1) & 1023;
  }
}

void BM_hw_latency_table(benchmark::State& st, std::size_t n, bool by_name) {
  const auto ls = synthetic_layers(n);
  hw::latency_table t;
  for (std::size_t i = 0; i < n; ++i) {
    if (by_name) t.by_name.emplace_back(ls[i].name, 1e-3);
    else t.by_index.emplace_back(i, 1e-3);
  }
  const hw::profile_table_device dev(t, hw::roofline_device(hw::nvidia_t4().params));
  std::size_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(dev.latency(ls[i]));
    i = (i * 7 + 1) % n;
  }
}

void BM_hw_calibrate(benchmark::State& st, std::size_t n) {
  const auto r50 = dnn::resnet50({dnn::granularity::layers});
  idn::rng g(2);
  std::vector<hw::calibration_sample> ss(n);
  for (auto& s : ss) {
    const std::size_t first = g() % (r50.num_layers() - 8);
    s.layers.assign(r50.layers().begin() + static_cast<std::ptrdiff_t>(first),
                    r50.layers().begin() + static_cast<std::ptrdiff_t>(first + 8));
    s.seconds = 1e-3 * (1 + uniform01(g));
  }
  auto start = hw::jetson_xavier_nx().params;
  start.overlap = hw::overlap_mode::sum;
  for (auto _ : st) benchmark::DoNotOptimize(hw::calibrate_roofline(start, ss));
}
}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_hw_latency/roofline", BM_hw_latency_roofline);
  benchmark::RegisterBenchmark("BM_hw_latency/table_by_name/1024", BM_hw_latency_table, std::size_t{1024}, true);
  benchmark::RegisterBenchmark("BM_hw_latency/table_by_index/1024", BM_hw_latency_table, std::size_t{1024}, false);
  benchmark::RegisterBenchmark("BM_hw_calibrate/64", BM_hw_calibrate, std::size_t{64});
  benchmark::RegisterBenchmark("BM_hw_calibrate/512", BM_hw_calibrate, std::size_t{512});
  return idn::bench::run(argc, argv,
                         {idn::bench::time_ratio_at_most("hw_table_name_vs_index", "BM_hw_latency/table_by_name/1024",
                                                         "BM_hw_latency/table_by_index/1024", 8),
                          idn::bench::time_ratio_at_most("hw_calibrate_512_vs_64", "BM_hw_calibrate/512", "BM_hw_calibrate/64", 12)});
}
