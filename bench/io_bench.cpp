// idn_io_bench: NPY load vs a raw fread of the same bytes; CSV load vs a bare from_chars pass.
#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/npy.hpp"
#include "ratio_reporter.hpp"

namespace {
namespace fs = std::filesystem;
const fs::path npy_file = fs::temp_directory_path() / "idn_bench_1e6.npy";
const fs::path csv_file = fs::temp_directory_path() / "idn_bench_1e5x8.csv";

void make_files() {
  idn::rng g(1);
  Eigen::VectorXd v(1000000);
  for (auto& x : v) x = idn::uniform01(g);
  idn::io::save_npy(npy_file, v);
  Eigen::MatrixXd m(100000, 8);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = idn::uniform01(g) * 1000;
  const std::vector<std::string> cols{"a", "b", "c", "d", "e", "f", "g", "h"};
  idn::io::save_csv(csv_file, cols, m);
}

// The whole file in one fread, as the references do.
std::vector<char> fread_all(const fs::path& path) {
  std::vector<char> buf(fs::file_size(path));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  benchmark::DoNotOptimize(std::fread(buf.data(), 1, buf.size(), f));
  std::fclose(f);
  return buf;
}

void BM_io_load_npy(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(idn::io::load_npy<double>(npy_file));
}
// The same load with NaN/inf allowed: isolates the cost of the default validation pass.
void BM_io_load_npy_unchecked(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(idn::io::load_npy<double>(npy_file, {true, true}));
}
void BM_io_fread_raw(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(fread_all(npy_file).data());
}
void BM_io_load_csv(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(idn::io::load_csv(csv_file));
}
// The floor: read the file and from_chars every comma/newline-separated token, nothing else.
void BM_io_from_chars_baseline(benchmark::State& st) {
  for (auto _ : st) {
    const std::vector<char> buf = fread_all(csv_file);
    const std::size_t size = buf.size();
    std::vector<double> out;
    out.reserve(800000);
    const char* p = buf.data();
    const char* end = p + size;
    while (p < end && *p != '\n') ++p;  // header
    while (p < end) {
      ++p;
      if (p >= end) break;
      double x;
      const auto r = std::from_chars(p, end, x);
      out.push_back(x);
      p = r.ptr;
    }
    benchmark::DoNotOptimize(out.data());
  }
}
}  // namespace

int main(int argc, char** argv) {
  make_files();
  benchmark::RegisterBenchmark("BM_io_load_npy/1e6", BM_io_load_npy);
  benchmark::RegisterBenchmark("BM_io_load_npy_unchecked/1e6", BM_io_load_npy_unchecked);
  benchmark::RegisterBenchmark("BM_io_fread_raw/1e6", BM_io_fread_raw);
  benchmark::RegisterBenchmark("BM_io_load_csv/1e5x8", BM_io_load_csv);
  benchmark::RegisterBenchmark("BM_io_from_chars_baseline/1e5x8", BM_io_from_chars_baseline);
  const int rc = idn::bench::run(argc, argv,
                                 // npy: header parse + one read into the tensor vs a raw fread of the same bytes;
                                 // 1.0-1.2 quiet, 1.6-2.05 with a parallel build running (a 2x regression: > 3)
                                 {idn::bench::time_ratio_at_most("io_npy_vs_fread", "BM_io_load_npy/1e6", "BM_io_fread_raw/1e6", 2.5),
                                  idn::bench::time_ratio_at_most("io_npy_unchecked_vs_fread", "BM_io_load_npy_unchecked/1e6",
                                                                 "BM_io_fread_raw/1e6", 1.3),
                                  // csv: the full reader (lines, the quote check, the NaN/inf options, the copy
                                  // into the xtensor) vs fread + from_chars of every token, nothing else.
                                  // 1.17-1.26 since cells that from_chars reads whole skip the delimiter search
                                  // and the trims (1.46-2.46 before, under load); a 2x regression: > 2.3
                                  idn::bench::time_ratio_at_most("io_csv_vs_from_chars", "BM_io_load_csv/1e5x8",
                                                                 "BM_io_from_chars_baseline/1e5x8", 2)});
  fs::remove(npy_file);
  fs::remove(csv_file);
  return rc;
}
