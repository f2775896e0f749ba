#pragma once
// The device fit the ONNX examples share (docs/hardware-validation.md §2): a board's measured
// device fitted to a runtime's per-layer measurements, leaving one model out, with the dispatch
// overhead fitted on the whole-model times of the measured models whose ONNX export sits in
// onnx_dir. Needs idn::onnx.
#include <filesystem>
#include <string>
#include <vector>

#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/fit_measured_device.hpp"
#include "idn/hw/layer_measurements.hpp"
#include "idn/hw/measured_device.hpp"

namespace runtime_fit_example {

/// hw::fit_device_to_runtime on every run but `leave_out`, each run's graph read from
/// onnx_dir/<model>.onnx when that file exists.
inline idn::hw::runtime_fit fit_leaving_out(const idn::hw::board_file& board, const std::vector<idn::hw::model_measurements>& runs,
                                            const std::filesystem::path& onnx_dir, const std::string& leave_out) {
  std::vector<idn::hw::model_measurements> train;
  std::vector<std::vector<idn::dnn::layer>> graphs;
  for (const auto& r : runs) {
    if (r.model == leave_out) continue;
    train.push_back(r);
    const std::filesystem::path f = onnx_dir / (r.model + ".onnx");
    graphs.push_back(std::filesystem::exists(f) ? idn::dnn::node_layers(idn::dnn::read_onnx(f)) : std::vector<idn::dnn::layer>{});
  }
  return idn::hw::fit_device_to_runtime(idn::hw::measured_device(board), train, graphs);
}

}  // namespace runtime_fit_example
