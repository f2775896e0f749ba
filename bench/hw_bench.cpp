// idn_hw_bench: latency queries on stock and measured devices, table lookups, calibration
// scaling, the per-kind fit against one unconstrained least-squares solve.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/fit_measured_device.hpp"
#include "idn/hw/measured_device.hpp"
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

/// A board file shaped like the reference machine's: 15 bandwidth sizes, 6 GEMM, 4 depthwise.
hw::board_file bench_board() {
  hw::board_file b;
  for (double ws = 16384; ws <= 268435456; ws *= 2) {
    b.points.push_back({hw::board_quantity::copy_bandwidth, ws, 1, 2e11 / (1 + ws / 1e7), 0.01, true});
    b.points.push_back({hw::board_quantity::elementwise_fp32, ws, 1, 1.5e11 / (1 + ws / 1e7), 0.01, true});
  }
  for (const double f : {5e5, 6e6, 2.6e7, 1e8, 2.3e8, 9e8}) b.points.push_back({hw::board_quantity::gemm_fp32, f, 1, 1.3e11, 0.01, true});
  for (const double f : {8e5, 2e6, 7e6, 8e6}) b.points.push_back({hw::board_quantity::depthwise_fp32, f, 1, 3e10, 0.01, true});
  return b;
}

// measured_device::latency: a log, a short interpolation search and the roofline terms; the
// reference is the stock roofline's two divisions.
void BM_hw_latency_measured(benchmark::State& st, bool fitted) {
  hw::measured_device_options o;
  if (fitted) o.fit.assign(dnn::layer_kind_count, hw::layer_kind_fit{1e-6, 1.2, 0.9, 0.05});
  const hw::measured_device d(bench_board(), o);
  const auto ls = synthetic_layers(1024);
  std::size_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(d.latency(ls[i]));
    i = (i + 1) & 1023;
  }
}

// fit_layer_kinds on n layers of 12 kinds: 15 supports × (each kind + pooled), against one
// unconstrained 4-column least-squares solve over all n rows (the naive reference).
std::vector<dnn::layer> kinded_layers(std::size_t n) {
  auto ls = synthetic_layers(n);
  for (std::size_t i = 0; i < n; ++i) ls[i].kind = static_cast<dnn::layer_kind>(i % dnn::layer_kind_count);
  return ls;
}
void BM_hw_fit_layer_kinds(benchmark::State& st, std::size_t n) {
  const hw::measured_device probe(bench_board());
  const auto ls = kinded_layers(n);
  std::vector<double> secs(n);
  idn::rng g(4);
  for (std::size_t i = 0; i < n; ++i) secs[i] = (2e-6 + 1.3 * probe.terms(ls[i]).compute + 0.8 * probe.terms(ls[i]).memory) * (0.8 + 0.4 * uniform01(g));
  for (auto _ : st) benchmark::DoNotOptimize(hw::fit_layer_kinds(probe, ls, secs));
}
void BM_hw_least_squares(benchmark::State& st, std::size_t n) {
  const hw::measured_device probe(bench_board());
  const auto ls = kinded_layers(n);
  for (auto _ : st) {
    Eigen::MatrixXd a(static_cast<Eigen::Index>(n), 4);
    Eigen::VectorXd b = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
      const auto t = probe.terms(ls[i]);
      const double y = 1e-3;
      a.row(static_cast<Eigen::Index>(i)) << 1 / y, t.compute / y, t.memory / y, hw::measured_device::size_term(ls[i].flop) * t.compute / y;
    }
    benchmark::DoNotOptimize(Eigen::VectorXd(a.colPivHouseholderQr().solve(b)));
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
  benchmark::RegisterBenchmark("BM_hw_latency/measured_probe", BM_hw_latency_measured, false);
  benchmark::RegisterBenchmark("BM_hw_latency/measured_fitted", BM_hw_latency_measured, true);
  benchmark::RegisterBenchmark("BM_hw_fit_layer_kinds/1500", BM_hw_fit_layer_kinds, std::size_t{1500});
  benchmark::RegisterBenchmark("BM_hw_least_squares/1500", BM_hw_least_squares, std::size_t{1500});
  benchmark::RegisterBenchmark("BM_hw_calibrate/64", BM_hw_calibrate, std::size_t{64});
  benchmark::RegisterBenchmark("BM_hw_calibrate/512", BM_hw_calibrate, std::size_t{512});
  return idn::bench::run(argc, argv,
                         {idn::bench::time_ratio_at_most("hw_table_name_vs_index", "BM_hw_latency/table_by_name/1024",
                                                         "BM_hw_latency/table_by_index/1024", 8),
                          idn::bench::time_ratio_at_most("hw_calibrate_512_vs_64", "BM_hw_calibrate/512", "BM_hw_calibrate/64", 12),
                          // a fitted measured-device query: up to three logarithms (interpolation in log size, the
                          // size slope) and two short searches on top of the roofline's two divisions: ~18x here
                          idn::bench::time_ratio_at_most("hw_measured_fitted_vs_roofline", "BM_hw_latency/measured_fitted", "BM_hw_latency/roofline", 30),
                          // 15 supports of a 4-column QR over every row twice (pooled + per kind), plus building the
                          // rows: ~9x one unconstrained solve here
                          idn::bench::time_ratio_at_most("hw_fit_kinds_vs_one_lstsq", "BM_hw_fit_layer_kinds/1500", "BM_hw_least_squares/1500", 15)});
}
