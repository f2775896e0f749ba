// Imports a real ResNet-18 export and checks its MAC count (the PyTorch-hook count).
#include <cstdio>

#include <idn/dnn/graph_profile.hpp>
#include <idn/dnn/onnx.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const idn::dnn::graph_profile g = idn::dnn::read_onnx(argv[1]);
  const idn::dnn::profile p = idn::dnn::linearize(g, {idn::dnn::cut_candidates::single_tensor});
  std::printf("resnet18: %.0f MACs, %zu nodes, %zu units\n", g.total_macs(), g.nodes.size(), p.num_units());
  return g.total_macs() == 1814073344.0 ? 0 : 1;
}
