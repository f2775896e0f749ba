// Fits η_c alone for Jetson AGX Orin, Jetson Xavier NX and A100 so that the roofline reproduces
// MLPerf Inference single-stream ResNet-50 v1.5 INT8 latencies, and prints peak, η_c and the
// effective OP/s. With --csv FILE --preset NAME it calibrates that preset from per-layer
// measurements (columns name,seconds; names as in dnn::resnet50 layer granularity).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/csv.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/presets.hpp"

namespace {
using namespace idn;

int calibrate_from_csv(const std::string& file, const std::string& preset) {
  const auto all = hw::board_presets();
  const hw::board_preset* b = nullptr;
  for (const auto& p : all)
    if (p.params.name == preset) b = &p;
  if (!b) throw invalid_input("unknown preset '" + preset + "'");
  const auto r50 = dnn::resnet50({dnn::granularity::layers});
  std::ifstream in(file);
  if (!in) throw invalid_input(file + ": cannot open");
  std::vector<hw::calibration_sample> samples;
  std::string line;
  std::vector<std::string> f;
  std::size_t ln = 0;
  while (std::getline(in, line)) {
    ++ln;
    if (!csv::split_record(line, ',', f).ok || f.size() != 2) throw invalid_input(file + idn::concat(":", ln) + ": expected name,seconds");
    double s = 0;
    if (!csv::parse_double(f[1], s)) {
      if (ln == 1) continue;  // header
      throw invalid_input(file + idn::concat(":", ln) + ": seconds '" + f[1] + "' is not a number");
    }
    const dnn::layer* l = nullptr;
    for (const auto& x : r50.layers())
      if (x.name == f[0]) l = &x;
    if (!l) throw invalid_input(file + idn::concat(":", ln) + ": no ResNet-50 layer named '" + f[0] + "'");
    samples.push_back({{*l}, s});
  }
  const auto r = hw::calibrate_roofline(b->params, samples);
  std::printf("%s from %zu layers: t0 = %.3g s, eta_c = %.3f, eta_m = %.3f, rms rel. error %.3f\n", preset.c_str(),
              samples.size(), r.params.layer_overhead, r.params.compute_efficiency, r.params.memory_efficiency,
              r.rms_relative_error);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 5 && std::strcmp(argv[1], "--csv") == 0 && std::strcmp(argv[3], "--preset") == 0)
      return calibrate_from_csv(argv[2], argv[4]);
    if (argc != 1) {
      std::fprintf(stderr, "usage: %s [--csv FILE --preset NAME]\n", argv[0]);
      return 2;
    }
    const auto r50 = dnn::resnet50({dnn::granularity::layers, dnn::precision::int8});
    struct target { hw::board_preset board; double seconds; const char* source; };
    const target targets[] = {{hw::jetson_agx_orin_64gb(), 0.633e-3, "MLPerf Inference v3.0"},
                              {hw::jetson_xavier_nx(), 2.437e-3, "MLPerf Inference v1.1"},
                              {hw::nvidia_a100_40gb(), 0.479e-3, "MLPerf Inference v1.1 (A100-PCIe-80GB)"}};
    std::printf("%-22s %12s %12s %8s %14s  %s\n", "board", "int8 peak", "measured", "eta_c", "effective OP/s", "source");
    for (const auto& t : targets) {
      const std::vector<hw::calibration_sample> s{{std::vector<dnn::layer>(r50.layers().begin(), r50.layers().end()), t.seconds}};
      hw::calibration_options o;
      o.fit_memory = o.fit_layer_overhead = false;
      const auto r = hw::calibrate_roofline(t.board.params, s, o);
      const double peak = t.board.params.peak_flops[2];
      std::printf("%-22s %10.3g/s %10.3f ms %8.4f %12.3g/s  %s\n", t.board.params.name.c_str(), peak, t.seconds * 1e3,
                  r.params.compute_efficiency, peak * r.params.compute_efficiency, t.source);
    }
    std::printf("\nBatch-1 inference reaches a small fraction of the vendor peak; the larger the GPU, the smaller.\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
