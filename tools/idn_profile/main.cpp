// idn-profile MODEL.onnx [--input NAME=1x3x224x224]... [--cuts all|single] [--csv OUT]
//             [--board BOARD_FILE [--fit MEASUREMENTS.csv]]
// Imports an ONNX model (idn::dnn::read_onnx), prints one row per unit of its linearized chain
// (FLOPs, params, the bytes crossing a cut after the unit) and ends with
//   total: macs=<int> flops=<int> params=<int> param_bytes=<int> nodes=<int> units=<int>
// --csv writes the per-node table (name, op, kind, macs, flops, params, param_bytes,
// output_bytes, live_bytes_after, unit). --board (a file idn-board-probe wrote) adds each unit's
// predicted latency on that board (hw::measured_device, batch 1) and latency_s=<float> (the whole
// model, one inference) to the total line; --fit first fits the device to a runtime's measurement
// CSV (tools/measure_layer_latency.py): per-kind coefficients on its layers, and the dispatch
// overhead on the whole-model times of its models whose .onnx sits next to MODEL.onnx
// (docs/hardware-validation.md).
// Exit status 0 on success, 1 on an error (printed).
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/fit_measured_device.hpp"
#include "idn/hw/graph_latency.hpp"
#include "idn/hw/layer_measurements.hpp"
#include "idn/hw/measured_device.hpp"

namespace {
std::vector<std::int64_t> parse_dims(const std::string& s) {
  std::vector<std::int64_t> dims;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const std::size_t x = s.find('x', pos);
    const std::string tok = s.substr(pos, x == std::string::npos ? std::string::npos : x - pos);
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(tok, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (tok.empty() || used != tok.size() || v <= 0) throw idn::invalid_input("--input dims '" + s + "': expected positive integers joined by 'x'");
    dims.push_back(v);
    if (x == std::string::npos) break;
    pos = x + 1;
  }
  return dims;
}
std::int64_t as_int(double v) { return static_cast<std::int64_t>(std::llround(v)); }
}  // namespace

int main(int argc, char** argv) {
  try {
    std::string model, csv, board, fit;
    idn::dnn::onnx_options opt;
    idn::dnn::linearize_options lin;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw idn::invalid_input("missing value after " + a);
        return argv[++i];
      };
      if (a == "--input") {
        const std::string v = next();
        const auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0) throw idn::invalid_input("--input '" + v + "': expected NAME=1x3x224x224");
        opt.input_shapes[v.substr(0, eq)] = parse_dims(v.substr(eq + 1));
      } else if (a == "--cuts") {
        const std::string v = next();
        if (v == "all") lin.cuts = idn::dnn::cut_candidates::every_position;
        else if (v == "single") lin.cuts = idn::dnn::cut_candidates::single_tensor;
        else throw idn::invalid_input("--cuts '" + v + "': must be all or single");
      } else if (a == "--csv") {
        csv = next();
      } else if (a == "--board") {
        board = next();
      } else if (a == "--fit") {
        fit = next();
      } else if (a == "--unknown-ops-zero") {
        opt.unknown_ops = idn::dnn::unknown_op_policy::zero_cost;
      } else if (!a.empty() && a[0] == '-') {
        throw idn::invalid_input("unknown option '" + a + "' (usage: idn-profile MODEL.onnx [--input NAME=1x3x224x224] [--cuts all|single] [--csv OUT] [--board FILE [--fit CSV]])");
      } else {
        model = a;
      }
    }
    if (model.empty()) throw idn::invalid_input("usage: idn-profile MODEL.onnx [--input NAME=1x3x224x224] [--cuts all|single] [--csv OUT]");
    const idn::dnn::graph_profile g = idn::dnn::read_onnx(model, opt);
    const idn::dnn::profile p = idn::dnn::linearize(g, lin);
    const std::vector<double> live = idn::dnn::live_bytes(g);
    if (!fit.empty() && board.empty()) throw idn::invalid_input("--fit needs --board");
    std::optional<idn::hw::measured_device> device;
    if (!board.empty()) {
      const idn::hw::board_file b = idn::hw::read_board_file(board);
      device.emplace(b);
      if (!fit.empty()) {
        // Per-kind coefficients on every measured layer; the dispatch overhead on the whole-model
        // times of the measured models whose ONNX file sits next to MODEL.onnx.
        const auto runs = idn::hw::read_layer_measurements(fit);
        std::vector<std::vector<idn::dnn::layer>> graphs(runs.size());
        const std::filesystem::path dir = std::filesystem::path(model).parent_path();
        for (std::size_t r = 0; r < runs.size(); ++r) {
          const std::filesystem::path f = dir / (runs[r].model + ".onnx");
          if (!std::filesystem::exists(f)) continue;
          graphs[r] = idn::dnn::node_layers(idn::dnn::read_onnx(f));
        }
        device.emplace(b, idn::hw::fit_device_to_runtime(*device, runs, graphs).options);
      }
      std::printf("board: %s (%s)%s\n", b.name.c_str(), b.description.c_str(), fit.empty() ? ", probe-only roofline" : ", per-kind fit");
    }
    std::printf("%-6s %-40s %16s %14s %16s%s\n", "unit", "last node", "GFLOP", "param MB", "cut after (kB)", device ? "   predicted ms" : "");
    // Predicted latency per unit: the sum over its nodes, each with its own traffic (node_layer).
    const std::vector<double> layer_s = device ? idn::hw::layer_latencies(g, lin, *device) : std::vector<double>(p.num_layers(), 0.0);
    double unit_flop = 0, unit_params = 0, unit_s = 0, total_s = 0;
    for (std::size_t l = 0; l < p.num_layers(); ++l) {
      unit_flop += p.layer(l).flop;
      unit_params += p.layer(l).param_bytes;
      unit_s += layer_s[l];
      if (l + 1 == p.num_layers() || p.layer(l + 1).unit != p.layer(l).unit) {
        std::printf("%-6u %-40.40s %16.6f %14.3f %16.3f", p.layer(l).unit, p.layer(l).name.c_str(), unit_flop / 1e9, unit_params / 1e6,
                    p.layer(l).output_bytes / 1e3);
        if (device) std::printf(" %14.4f", unit_s * 1e3);
        std::printf("\n");
        total_s += unit_s;
        unit_flop = unit_params = unit_s = 0;
      }
    }
    if (!csv.empty()) {
      std::ofstream out(csv);
      if (!out) throw idn::invalid_input("--csv '" + csv + "': cannot open for writing");
      out << "name,op,kind,macs,flops,params,param_bytes,output_bytes,live_bytes_after,unit\n";
      for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const auto& n = g.nodes[i];
        out << '"' << n.name << "\"," << n.op_type << ',' << idn::dnn::to_string(n.kind) << ',' << as_int(n.macs) << ',' << as_int(n.flops) << ','
            << as_int(n.params) << ',' << as_int(n.param_bytes) << ',' << as_int(n.output_bytes) << ',' << as_int(live[i + 1]) << ','
            << p.layer(i).unit << '\n';
      }
    }
    for (const auto& op : g.zero_cost_ops) std::printf("note: op type '%s' has no cost rule and was counted as 0\n", op.c_str());
    std::printf("total: macs=%" PRId64 " flops=%" PRId64 " params=%" PRId64 " param_bytes=%" PRId64 " nodes=%zu units=%zu", as_int(g.total_macs()),
                as_int(g.total_flops()), as_int(g.total_params()), as_int(g.total_param_bytes()), g.nodes.size(), p.num_units());
    if (device) std::printf(" latency_s=%.6g", total_s + device->call_overhead());
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "idn-profile: %s\n", e.what());
    return 1;
  }
  return 0;
}
