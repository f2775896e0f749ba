// Partitions a real ONNX model across two devices: the imported DAG (dnn::read_onnx, cut costs =
// every tensor live across a cut) on a Raspberry Pi 4 at the camera and a T4 in the cloud,
// 20 ms + 50 Mbit/s between them. Also shows what a chain view that ships only the last node's
// output would have claimed for the chosen cut.
// Usage: onnx_partition [MODEL.onnx]   (default: tests/dnn/onnx_models/resnet50.onnx)
// Device latencies are roofline predictions from datasheet presets (modelled, not measured).
#include <cstdio>
#include <string>
#include <vector>

#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/partition/solve.hpp"

int main(int argc, char** argv) {
  try {
    const std::string path = argc > 1 ? argv[1] : std::string(IDN_SOURCE_DIR) + "/tests/dnn/onnx_models/resnet50.onnx";
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
                  idn::partition::to_string(r.status));
      // cuts[1] = the first unit on the T4; the bytes crossing are those after the Pi's last layer.
      const auto k = r.cuts.size() > 1 ? static_cast<std::size_t>(r.cuts[1]) : p->num_units();
      std::size_t last = 0;
      for (std::size_t l = 0; l < p->num_layers(); ++l)
        if (p->layer(l).unit < k) last = l;
      if (k == 0) std::printf(" everything on the T4 (ships the %.0f kB input)\n", p->input_bytes() / 1e3);
      else if (k >= p->num_units()) std::printf(" everything on the Pi\n");
      else
        std::printf(" Pi runs up to '%s', ships %.0f kB (a chain view would say %.0f kB)\n", p->layer(last).name.c_str(),
                    p->layer(last).output_bytes / 1e3, g.nodes[last].output_bytes / 1e3);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
