// ONNX import (idn::onnx): any bytes as an ONNX model, with fuzzed options. Asserts: only
// invalid_input escapes; every count is finite and >= 0; MACs <= FLOPs / 2 per Conv/Gemm/MatMul
// node; linearize accepts every graph with nodes and its cut bytes are finite.
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_input.hpp"
#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  idn::dnn::onnx_options opt;
  if (in.flag()) opt.unknown_ops = idn::dnn::unknown_op_policy::zero_cost;
  if (in.flag()) opt.input_shapes["x"] = {1 + in.byte() % 4, 1 + in.byte() % 16};
  std::istringstream bytes(in.rest());
  idn::fuzz::expect_clean([&] {
    const idn::dnn::graph_profile g = idn::dnn::read_onnx(bytes, "fuzz.onnx", opt);
    for (const auto& n : g.nodes) {
      IDN_FUZZ_ASSERT(std::isfinite(n.macs) && n.macs >= 0 && std::isfinite(n.flops) && n.flops >= 0);
      IDN_FUZZ_ASSERT(std::isfinite(n.params) && n.params >= 0 && std::isfinite(n.output_bytes) && n.output_bytes >= 0);
      IDN_FUZZ_ASSERT(n.flops >= 2 * n.macs);
    }
    if (g.nodes.empty()) return;
    const idn::dnn::profile p = idn::dnn::linearize(g);
    for (const auto& l : p.layers()) IDN_FUZZ_ASSERT(std::isfinite(l.output_bytes) && l.output_bytes >= 0);
  });
  return 0;
}
