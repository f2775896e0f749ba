// The ONNX importer: parse + shape inference + costing + linearize of real (stripped) exports,
// against just parsing the protobuf. Goal (issue 13): the profile costs at most 2x the parse.
// Run from anywhere: the models are found through IDN_ONNX_MODELS (set by CMake).
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

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
    benchmark::RegisterBenchmark(parse.c_str(), BM_onnx_parse_only, name)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(profile.c_str(), BM_onnx_profile, name)->Unit(benchmark::kMillisecond);
    targets.push_back(idn::bench::time_ratio_at_most(std::string("onnx_profile_vs_parse_") + name, profile, parse, 2));
  }
  return idn::bench::run(argc, argv, targets);
}
