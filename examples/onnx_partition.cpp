// Partitions a real ONNX model across two devices: the imported DAG (dnn::read_onnx, cut costs =
// every tensor live across a cut) on a Raspberry Pi 4 at the camera and a T4 in the cloud,
// 20 ms + 50 Mbit/s between them. Also shows what a chain view that ships only the last node's
// output would have claimed for the chosen cut.
// Usage: onnx_partition [MODEL.onnx] [--board BOARD_FILE [--measured CSV]]
//        (default model: tests/dnn/onnx_models/resnet50.onnx)
// Without --board, device latencies are roofline predictions from datasheet presets (modelled,
// not measured). With --board (a file idn-board-probe wrote on this machine), the full loop of
// docs/hardware-validation.md: this machine (hw::measured_device, fitted to the runtime
// measurements in --measured, leaving this model out) at the camera, a T4 preset in the cloud,
// 20 ms + 50 Mbit/s; prints the plan, the predicted latency, and what the runtime measured for
// the local part.
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#include "idn/hw/any.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/graph_latency.hpp"
#include "idn/hw/layer_measurements.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/measured_device.hpp"
#include "idn/hw/profile_table.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/partition/solve.hpp"
#include "runtime_fit.hpp"

namespace {

/// The torchvision module that an exported node came from: "/layer1/layer1.0/conv1/Conv" →
/// "layer1.0.conv1" (a Sequential child "layer1.0" follows its parent "layer1"); a repeated call
/// of one module is exported with a suffix ("relu_2"), which is dropped.
std::string module_of(const std::string& node) {
  std::vector<std::string> parts;
  std::size_t pos = 1;
  while (pos < node.size()) {
    const std::size_t next = node.find('/', pos);
    if (next == std::string::npos) break;  // the last part is the op
    parts.push_back(node.substr(pos, next - pos));
    pos = next + 1;
  }
  std::string path, prev;
  for (const auto& c : parts) {
    std::string piece = c;
    if (!prev.empty() && c.rfind(prev + ".", 0) == 0) piece = c.substr(prev.size() + 1);
    prev = c;
    path += (path.empty() ? "" : ".") + piece;
  }
  const std::size_t us = path.rfind('_');
  if (us != std::string::npos && us + 1 < path.size() && path.find_first_not_of("0123456789", us + 1) == std::string::npos) path.resize(us);
  return path;
}

/// The full loop on a probed board (see the header comment).
void measured_loop(const std::string& model_path, const idn::dnn::graph_profile& g, const std::string& board_path, const std::string& measured_path) {
  const std::string model = std::filesystem::path(model_path).stem().string();
  const idn::hw::board_file board = idn::hw::read_board_file(std::filesystem::path(board_path));
  idn::hw::measured_device local(board);
  double tau = 0;
  const idn::hw::model_measurements* mine = nullptr;
  std::vector<idn::hw::model_measurements> runs;
  if (!measured_path.empty()) {
    runs = idn::hw::read_layer_measurements(std::filesystem::path(measured_path));
    const idn::hw::runtime_fit rf = runtime_fit_example::fit_leaving_out(board, runs, std::filesystem::path(model_path).parent_path(), model);
    local = idn::hw::measured_device(board, rf.options);
    tau = rf.dispatch_overhead;
    for (const auto& r : runs)
      if (r.model == model) mine = &r;
  }
  std::printf("\nthis machine: board '%s' (%s), %s\n", board.name.c_str(), board.description.c_str(),
              measured_path.empty() ? "probe-only roofline" : "fitted to the runtime measurements of the other models");
  // Chain view with single-tensor cuts; each layer's local latency = Σ over its nodes, each with
  // its own traffic (node_layer), served from a table keyed by layer index.
  const idn::dnn::linearize_options lo{idn::dnn::cut_candidates::single_tensor};
  const idn::dnn::profile chain = idn::dnn::linearize(g, lo);
  const std::vector<std::uint32_t> owner = idn::dnn::layer_of_node(g, lo);
  const std::vector<double> layer_s = idn::hw::layer_latencies(g, lo, local);
  idn::hw::latency_table table;
  for (std::size_t l = 0; l < layer_s.size(); ++l) table.by_index.emplace_back(l, layer_s[l]);
  const std::vector<idn::hw::any_device> workers{idn::hw::profile_table_device(table, local), idn::hw::roofline_device(idn::hw::nvidia_t4().params)};
  const std::vector<idn::hw::affine_link> links{idn::hw::affine_link(0.0, 1e12), idn::hw::affine_link(0.020, 50e6)};
  idn::partition::chain_options o;
  o.input_local = true;
  const auto problem = idn::partition::make_chain_problem(chain, workers, links, links[0], o);
  const auto r = idn::partition::min_latency(problem);
  const std::size_t k = r.cuts.size() > 1 ? static_cast<std::size_t>(r.cuts[1]) : chain.num_units();
  double local_s = 0;
  std::size_t last = 0;
  for (std::size_t l = 0; l < chain.num_layers(); ++l)
    if (chain.layer(l).unit < k) local_s += layer_s[l], last = l;
  std::printf("plan (%s): ", idn::to_string(r.status));
  if (k == 0) std::printf("everything on the T4 (ships the %.0f kB input)\n", chain.input_bytes() / 1e3);
  else if (k >= chain.num_units()) std::printf("everything on this machine\n");
  else std::printf("this machine runs up to '%s' (%zu of %zu units), ships %.0f kB to the T4\n", chain.layer(last).name.c_str(), k, chain.num_units(),
                   chain.layer(last).output_bytes / 1e3);
  double all_local = 0;
  for (const double t : layer_s) all_local += t;
  std::printf("predicted: end-to-end %.1f ms; local part %.2f ms; the whole model on this machine %.1f ms\n", 1e3 * r.latency_s, 1e3 * local_s,
              1e3 * all_local);
  if (mine == nullptr) {
    std::printf("measured: no runtime measurement of '%s' in %s\n", model.c_str(), measured_path.empty() ? "(no --measured)" : measured_path.c_str());
    return;
  }
  // The runtime's timed layers that belong to the local part (by module), plus τ per local node.
  std::set<std::string> local_modules;
  std::size_t local_nodes = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (chain.layer(owner[i]).unit < k) {
      local_modules.insert(module_of(g.nodes[i].name));
      local_nodes += local.latency(idn::dnn::node_layer(g, i)) > 0 ? 1 : 0;
    }
  double measured_local = 0;
  std::size_t matched = 0;
  for (std::size_t l = 0; l < mine->layers.size(); ++l) {
    const std::string& n = mine->layers[l].name;
    if (local_modules.count(n.substr(0, n.rfind('#')))) measured_local += mine->layer_seconds[l], ++matched;
  }
  std::printf("measured by the runtime: local part %.2f ms (%zu timed layers %.2f ms + dispatch %.2f ms = %zu nodes x %.1f us); whole model %.1f ms\n",
              1e3 * (measured_local + tau * static_cast<double>(local_nodes)), matched, 1e3 * measured_local, 1e3 * tau * static_cast<double>(local_nodes),
              local_nodes, 1e6 * tau, 1e3 * mine->model_seconds);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string path = std::string(IDN_SOURCE_DIR) + "/tests/dnn/onnx_models/resnet50.onnx", board, measured;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--board" && i + 1 < argc) board = argv[++i];
      else if (a == "--measured" && i + 1 < argc) measured = argv[++i];
      else if (!a.empty() && a[0] == '-') throw idn::invalid_input("unknown option '" + a + "' (usage: onnx_partition [MODEL.onnx] [--board FILE [--measured CSV]])");
      else path = a;
    }
    const idn::dnn::graph_profile g = idn::dnn::read_onnx(path);
    const idn::dnn::profile all = idn::dnn::linearize(g);  // a cut may fall after any node
    const idn::dnn::profile single = idn::dnn::linearize(g, {idn::dnn::cut_candidates::single_tensor});
    std::printf("%s: %zu nodes, %.2f GMAC, %.1f MB of weights; %zu single-tensor cut points\n", path.c_str(), g.nodes.size(),
                g.total_macs() / 1e9, g.total_param_bytes() / 1e6, single.num_units() - 1);
    // Cuts where more than one tensor is live: a chain view would under-count them.
    std::size_t multi = 0;
    double worst_ratio = 1;
    for (std::size_t i = 0; i + 1 < g.nodes.size(); ++i) {
      const double live = all.layer(i).output_bytes, last = g.nodes[i].output_bytes;
      if (live > last) ++multi, worst_ratio = std::max(worst_ratio, last > 0 ? live / last : 1.0);
    }
    std::printf("cuts shipping more than the last node's output: %zu of %zu (up to %.1fx its bytes)\n", multi, g.nodes.size() - 1, worst_ratio);
    using idn::hw::roofline_device;
    const std::vector<roofline_device> workers{roofline_device(idn::hw::raspberry_pi_4().params), roofline_device(idn::hw::nvidia_t4().params)};
    const std::vector<idn::hw::affine_link> links{idn::hw::affine_link(0.0, 1e12), idn::hw::affine_link(0.020, 50e6)};
    idn::partition::chain_options o;
    o.input_local = true;  // the camera is on the Pi
    for (const auto* p : {&all, &single}) {
      const auto problem = idn::partition::make_chain_problem(*p, workers, links, links[0], o);
      const auto r = idn::partition::min_latency(problem);
      std::printf("%-20s latency-optimal %.1f ms (%s):", p == &all ? "every position" : "single-tensor cuts", 1e3 * r.latency_s,
                  idn::to_string(r.status));
      // cuts[1] = the first unit on the T4; the bytes crossing are those after the Pi's last layer.
      const auto k = r.cuts.size() > 1 ? static_cast<std::size_t>(r.cuts[1]) : p->num_units();
      std::size_t last = 0;
      for (std::size_t l = 0; l < p->num_layers(); ++l)
        if (p->layer(l).unit < k) last = l;
      // The graph node that ends layer `last` (a single-tensor layer merges several nodes).
      const std::vector<std::uint32_t> owner = idn::dnn::layer_of_node(g, {p == &all ? idn::dnn::cut_candidates::every_position : idn::dnn::cut_candidates::single_tensor});
      std::size_t last_node = 0;
      for (std::size_t i = 0; i < owner.size(); ++i)
        if (owner[i] == last) last_node = i;
      if (k == 0) std::printf(" everything on the T4 (ships the %.0f kB input)\n", p->input_bytes() / 1e3);
      else if (k >= p->num_units()) std::printf(" everything on the Pi\n");
      else
        std::printf(" Pi runs up to '%s', ships %.0f kB (a chain view would say %.0f kB)\n", p->layer(last).name.c_str(),
                    p->layer(last).output_bytes / 1e3, g.nodes[last_node].output_bytes / 1e3);
    }
    if (!board.empty()) measured_loop(path, g, board, measured);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
