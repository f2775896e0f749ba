// The ONNX importer: parse + shape inference + costing + linearize of real (stripped) exports,
// against just parsing the protobuf and against parsing plus one
// pass of ONNX's own shape inference (what idn adds on top of ONNX).
// Run from anywhere: the models are found through IDN_ONNX_MODELS (set by CMake).
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>
#include <string_view>

#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"
#include "ratio_reporter.hpp"

namespace {
std::string model_path(const char* name) { return std::string(IDN_ONNX_MODELS) + "/" + name + ".onnx"; }

void BM_onnx_parse_only(benchmark::State& st, const char* name) {
  const std::string path = model_path(name);
  for (auto _ : st) {
    onnx::ModelProto m;
    std::ifstream in(path, std::ios::binary);
    benchmark::DoNotOptimize(m.ParseFromIstream(&in));
  }
}
/// Parse plus one pass of ONNX's own shape inference: the work any importer that uses ONNX's
/// inference must do (read_onnx runs it once, twice when it folds shape arithmetic).
void BM_onnx_parse_and_infer(benchmark::State& st, const char* name) {
  const std::string path = model_path(name);
  for (auto _ : st) {
    onnx::ModelProto m;
    std::ifstream in(path, std::ios::binary);
    m.ParseFromIstream(&in);
    onnx::ShapeInferenceOptions sio{false, 1, true};
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), sio);
    benchmark::DoNotOptimize(m.graph().value_info_size());
  }
}
void BM_onnx_profile(benchmark::State& st, const char* name) {
  const std::string path = model_path(name);
  std::size_t units = 0;
  for (auto _ : st) {
    const idn::dnn::graph_profile g = idn::dnn::read_onnx(path);
    units = idn::dnn::linearize(g).num_units();
    benchmark::DoNotOptimize(units);
  }
  st.counters["units"] = static_cast<double>(units);
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<idn::bench::ratio_target> targets;
  for (const char* name : {"resnet50", "vit_b_16"}) {
    const std::string parse = std::string("BM_onnx_parse_only/") + name, profile = std::string("BM_onnx_profile/") + name;
    const std::string infer = std::string("BM_onnx_parse_and_infer/") + name;
    benchmark::RegisterBenchmark(parse.c_str(), BM_onnx_parse_only, name)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(infer.c_str(), BM_onnx_parse_and_infer, name)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(profile.c_str(), BM_onnx_profile, name)->Unit(benchmark::kMillisecond);
    // Against the parse alone. A 2x goal is out of reach while ONNX's own shape inference runs:
    // one inference pass alone costs 2.6x (ResNet-50) to 2.7x (ViT-B/16) the parse, and ViT's
    // shape arithmetic needs a second pass. Measured 5.0-5.2x / 11.2-11.3x; the targets are
    // ones a 2x regression of idn's own share breaks.
    const double vs_parse = std::string_view(name) == "resnet50" ? 8 : 16;
    targets.push_back(idn::bench::time_ratio_at_most(std::string("onnx_profile_vs_parse_") + name, profile, parse, vs_parse));
    // What idn adds on top of ONNX's own parse + inference (a second inference round included).
    targets.push_back(idn::bench::time_ratio_at_most(std::string("onnx_profile_vs_parse_and_infer_") + name, profile, infer, 4));
  }
  // Import time of every other exported model (no target: the table of issue 13's closing note).
  for (const char* name : {"resnet18", "mobilenet_v2", "mobilenet_v3_large", "alexnet", "vgg16", "squeezenet1_1", "efficientnet_b0",
                           "densenet121", "googlenet", "shufflenet_v2_x1_0", "regnet_y_400mf", "gpt2_style_decoder"}) {
    const std::string profile = std::string("BM_onnx_profile/") + name;
    benchmark::RegisterBenchmark(profile.c_str(), BM_onnx_profile, name)->Unit(benchmark::kMillisecond);
  }
  return idn::bench::run(argc, argv, targets);
}
