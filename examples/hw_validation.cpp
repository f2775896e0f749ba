// Latency predictions against a real runtime, leave one model out (docs/hardware-validation.md).
//
// Inputs, all committed: per-layer and whole-model latencies of 14 torchvision-class models
// measured by PyTorch on this repository's reference machine (tests/hw/runtime_measurements,
// made by tools/measure_layer_latency.py), the board file idn-board-probe wrote on the same
// machine, and the models' ONNX exports (tests/dnn/onnx_models).
//
// Three predictors, side by side:
//   datasheet  the naive roofline max(F/π, B/β) with the CPU's nominal peak (one core: 2.1 GHz ×
//              64 FP32 FLOP/cycle = 134.4 GFLOP/s) and the socket's nominal DRAM bandwidth
//              (12 × DDR5-6000 = 576 GB/s);
//   probe      hw::measured_device from the board file alone (no layer measurements);
//   fitted     the same device with per-kind coefficients fitted (hw::fit_layer_kinds) on the
//              layers of the other 13 models only, plus the runtime's per-node dispatch
//              overhead fitted (hw::fit_dispatch_overhead) on those models' whole-model times.
// Whole model: Σ over the nodes of the imported ONNX graph, each with its own traffic
// (dnn::node_layer; views such as Reshape move nothing). Per layer: the measured layers' own
// features.
//
// Usage: hw_validation [--measurements CSV] [--board FILE] [--onnx-dir DIR] [--out DIR]
//        [--layers MODEL]   (also print MODEL's per-layer measured vs predicted latencies)
//        (defaults: the committed fixtures; writes DIR/hw_validation.csv)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/fit_measured_device.hpp"
#include "idn/hw/layer_measurements.hpp"
#include "idn/hw/measured_device.hpp"
#include "idn/hw/roofline.hpp"
#include "rank_correlation.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct scores {
  double whole_s = 0, whole_err = 0, rho = 0, within20 = 0;
  double layer_sum_s = 0;  ///< Σ of the predictions for the measured layers (the runtime's own layer list)
};

/// Whole model on device `whole` (Σ over the graph's nodes), each measured layer on `layer` (for
/// the fitted predictor, without the dispatch overhead, which per-layer timings exclude).
template <class Whole, class Layer>
scores score(const Whole& whole, const Layer& d, const std::vector<idn::dnn::layer>& onnx_layers, const idn::hw::model_measurements& m) {
  scores s;
  for (const auto& l : onnx_layers) s.whole_s += whole.latency(l);
  s.whole_err = s.whole_s / m.model_seconds - 1;
  std::vector<double> pred;
  std::size_t within = 0;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    pred.push_back(d.latency(m.layers[i]));
    s.layer_sum_s += pred.back();
    if (std::abs(pred.back() / m.layer_seconds[i] - 1) <= 0.2) ++within;
  }
  s.rho = example_stats::spearman(pred, m.layer_seconds);
  s.within20 = static_cast<double>(within) / static_cast<double>(m.layers.size());
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::filesystem::path src = IDN_SOURCE_DIR;
    std::filesystem::path meas = src / "tests/hw/runtime_measurements/pytorch_cpu_1thread.csv",
                          board_path = src / "tests/hw/runtime_measurements/board_reference_machine.csv", onnx_dir = src / "tests/dnn/onnx_models",
                          out = ".";
    std::string show_layers;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--measurements" && i + 1 < argc) meas = argv[++i];
      else if (a == "--board" && i + 1 < argc) board_path = argv[++i];
      else if (a == "--onnx-dir" && i + 1 < argc) onnx_dir = argv[++i];
      else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else if (a == "--layers" && i + 1 < argc) show_layers = argv[++i];
      else throw idn::invalid_input("unknown argument '" + a + "' (see the header of hw_validation.cpp)");
    }
    const auto models = idn::hw::read_layer_measurements(meas);
    const idn::hw::board_file board = idn::hw::read_board_file(board_path);
    const idn::hw::measured_device probe(board);
    idn::hw::roofline_params sheet;
    sheet.name = "datasheet";
    sheet.peak_flops = {134.4e9, 134.4e9, 134.4e9};
    sheet.memory_bandwidth = 576e9;
    const idn::hw::roofline_device datasheet(sheet);
    std::printf("measurements: %s (%zu models)\nboard: %s (%s)\n\n", meas.string().c_str(), models.size(), board.name.c_str(), board.description.c_str());
    std::printf("%-20s %10s | %21s | %21s | %21s | %15s | %5s\n", "", "measured", "whole-model error %", "per-layer Spearman", "layers within 20 %",
                "layer sums %", "tau");
    std::printf("%-20s %10s | %6s %6s %7s | %6s %6s %7s | %6s %6s %7s | %7s %7s | %5s\n", "model", "ms", "sheet", "probe", "fitted", "sheet", "probe", "fitted", "sheet",
                "probe", "fitted", "meas", "fitted", "us");
    // layer sums: measured Σ layers vs the whole model (what the runtime spends outside modules),
    // and the fitted prediction of Σ layers vs the measured Σ layers (the model error alone).
    std::filesystem::create_directories(out);
    std::ofstream csv(out / "hw_validation.csv");
    csv << "model,measured_s,layers,datasheet_s,probe_s,fitted_s,datasheet_rho,probe_rho,fitted_rho,datasheet_within20,probe_within20,fitted_within20\n";
    std::vector<double> err[3], rho[3], w20[3];
    // Every model's imported graph as per-node layers (views move nothing and cost 0).
    std::vector<std::vector<idn::dnn::layer>> graph_nodes;
    for (const auto& m : models) graph_nodes.push_back(idn::dnn::node_layers(idn::dnn::read_onnx(onnx_dir / (m.model + ".onnx"))));
    for (std::size_t h = 0; h < models.size(); ++h) {
      const auto& m = models[h];
      // Fit on the other 13 models only: per-kind coefficients on their layers, the runtime's
      // dispatch overhead on their whole-model times (hw::fit_device_to_runtime).
      std::vector<idn::hw::model_measurements> train;
      std::vector<std::vector<idn::dnn::layer>> train_graphs;
      for (std::size_t o = 0; o < models.size(); ++o)
        if (o != h) {
          train.push_back(models[o]);
          train_graphs.push_back(graph_nodes[o]);
        }
      const idn::hw::runtime_fit rf = idn::hw::fit_device_to_runtime(probe, train, train_graphs);
      const double tau = rf.dispatch_overhead;
      const idn::hw::measured_device fitted(board, rf.options);
      idn::hw::measured_device_options without_tau = rf.options;
      for (auto& f : without_tau.fit) f.t0 = std::max(0.0, f.t0 - tau);
      const idn::hw::measured_device layers_only(board, without_tau);
      const std::vector<idn::dnn::layer>& nodes = graph_nodes[h];
      const scores s[3] = {score(datasheet, datasheet, nodes, m), score(probe, probe, nodes, m), score(fitted, layers_only, nodes, m)};
      for (int k = 0; k < 3; ++k) {
        err[k].push_back(std::abs(s[k].whole_err));
        rho[k].push_back(s[k].rho);
        w20[k].push_back(s[k].within20);
      }
      double measured_layer_sum = 0;
      for (const double x : m.layer_seconds) measured_layer_sum += x;
      std::printf("%-20s %10.2f | %+6.0f %+6.0f %+7.1f | %6.2f %6.2f %7.3f | %6.2f %6.2f %7.2f | %+7.1f %+7.1f | %5.1f\n", m.model.c_str(),
                  1e3 * m.model_seconds, 100 * s[0].whole_err, 100 * s[1].whole_err, 100 * s[2].whole_err, s[0].rho, s[1].rho, s[2].rho,
                  s[0].within20, s[1].within20, s[2].within20, 100 * (measured_layer_sum / m.model_seconds - 1),
                  100 * (s[2].layer_sum_s / measured_layer_sum - 1), 1e6 * tau);
      if (m.model == show_layers) {
        std::printf("  %-44s %-15s %10s %10s %10s %8s\n", "layer", "kind", "GFLOP", "MB", "meas ms", "fit/meas");
        for (std::size_t i = 0; i < m.layers.size(); ++i) {
          const auto& l = m.layers[i];
          std::printf("  %-44.44s %-15s %10.4f %10.3f %10.4f %8.2f\n", l.name.c_str(), std::string(idn::dnn::to_string(l.kind)).c_str(), l.flop / 1e9,
                      (l.param_bytes + l.input_bytes + l.output_bytes) / 1e6, 1e3 * m.layer_seconds[i], layers_only.latency(l) / m.layer_seconds[i]);
        }
      }
      csv << m.model << ',' << m.model_seconds << ',' << m.layers.size();
      for (const auto& x : s) csv << ',' << x.whole_s;
      for (const auto& x : s) csv << ',' << x.rho;
      for (const auto& x : s) csv << ',' << x.within20;
      csv << '\n';
    }
    const char* names[3] = {"datasheet", "probe", "fitted"};
    std::printf("\n%-10s %22s %20s %22s %22s\n", "predictor", "whole-model |err| med", "max", "per-layer rho median", "within 20 % median");
    for (int k = 0; k < 3; ++k)
      std::printf("%-10s %21.1f%% %19.1f%% %22.3f %21.0f%%\n", names[k], 100 * median(err[k]), 100 * *std::max_element(err[k].begin(), err[k].end()),
                  median(rho[k]), 100 * median(w20[k]));
    std::printf("SUMMARY fitted: whole-model median %.1f %% max %.1f %%, per-layer Spearman median %.3f\n", 100 * median(err[2]),
                100 * *std::max_element(err[2].begin(), err[2].end()), median(rho[2]));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hw_validation: %s\n", e.what());
    return 1;
  }
}
