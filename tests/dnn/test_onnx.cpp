// dnn::read_onnx on real torchvision exports (tests/dnn/onnx_models, made by
// tools/export_onnx_models.py with weights stripped): MACs against the PyTorch forward-hook
// counts made at export time, floating-point parameters exactly against the onnx package's count
// of the same file, and bad input (corrupt files, cycles, undefined tensors, symbolic dims,
// unknown ops) reported by name.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/onnx.hpp"

using namespace idn::dnn;

namespace {
struct reference {
  std::string name;
  double macs = 0, params = 0, onnx_params = 0;
};
std::vector<reference> references() {
  std::ifstream in("onnx_models/reference_counts.csv");
  REQUIRE(in);
  std::vector<reference> out;
  std::string line;
  std::getline(in, line);  // header: name,input_shape,macs,params,onnx_params
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string f[5];
    for (auto& x : f) std::getline(ss, x, ',');
    out.push_back({f[0], std::stod(f[2]), std::stod(f[3]), std::stod(f[4])});
  }
  return out;
}

/// A tiny model built with ONNX's protobuf classes and written to `path`.
void save(const onnx::ModelProto& m, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  REQUIRE(m.SerializeToOstream(&out));
}
onnx::ModelProto tiny_model(const std::string& op, bool symbolic_batch) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(14);
  auto* g = m.mutable_graph();
  g->set_name("tiny");
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* d0 = tt->mutable_shape()->add_dim();
  if (symbolic_batch) d0->set_dim_param("N");
  else d0->set_dim_value(1);
  tt->mutable_shape()->add_dim()->set_dim_value(8);
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name("only");
  n->add_input("x");
  n->add_output("y");
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  return m;
}
}  // namespace

TEST_CASE("read_onnx: every exported torchvision model; MACs within 1 % of the PyTorch-hook count, params exact") {
  const auto refs = references();
  REQUIRE(refs.size() >= 4);
  for (const auto& r : refs) {
    CAPTURE(r.name);
    const graph_profile g = read_onnx("onnx_models/" + r.name + ".onnx");
    MESSAGE(r.name << ": macs " << g.total_macs() << " (hooks " << r.macs << "), params " << g.total_params() << ", nodes " << g.nodes.size());
    CHECK(std::abs(g.total_macs() - r.macs) <= 0.01 * r.macs);
    CHECK(g.total_params() == r.onnx_params);
    CHECK(g.total_flops() >= 2 * g.total_macs());
    const profile p = linearize(g);
    CHECK(p.num_layers() == g.nodes.size());
    CHECK(linearize(g, {cut_candidates::single_tensor}).num_units() <= p.num_units());
  }
}

TEST_CASE("read_onnx: tensors carry their inferred shapes; symbolic batch sizes scale every count") {
  const graph_profile g = read_onnx("onnx_models/resnet50.onnx");
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.tensors[g.inputs[0]].dims == std::vector<std::int64_t>{1, 3, 224, 224});
  CHECK(g.tensors[g.inputs[0]].bytes == 4.0 * 3 * 224 * 224);
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.tensors[g.outputs[0]].dims == std::vector<std::int64_t>{1, 1000});
  for (const auto& t : g.tensors) {
    double e = 4;
    for (const auto d : t.dims) e *= static_cast<double>(d);
    CHECK(t.bytes == e);  // every ResNet-50 activation is float32 and fully inferred
  }
  onnx_options batch4;
  batch4.input_shapes["input"] = {4, 3, 224, 224};  // overrides the exported batch of 1
  const graph_profile g4 = read_onnx("onnx_models/resnet50.onnx", batch4);
  CHECK(g4.total_macs() == 4 * g.total_macs());
  CHECK(g4.total_params() == g.total_params());
  CHECK(g4.tensors[g4.outputs[0]].dims == std::vector<std::int64_t>{4, 1000});
}

TEST_CASE("read_onnx: conv/linear-only nets match the hooks exactly") {
  for (const auto& r : references()) {
    if (r.name != "resnet18" && r.name != "resnet50" && r.name != "alexnet" && r.name != "vgg16") continue;
    CAPTURE(r.name);
    CHECK(read_onnx("onnx_models/" + r.name + ".onnx").total_macs() == r.macs);
  }
}

TEST_CASE("read_onnx: bad input is named") {
  const auto dir = std::filesystem::temp_directory_path() / "idn_test_onnx";
  std::filesystem::create_directories(dir);
  CHECK_THROWS_WITH_AS(read_onnx(dir / "missing.onnx"), doctest::Contains("cannot open"), idn::invalid_input);
  {
    std::ofstream(dir / "garbage.onnx") << "this is not a protobuf \xff\xff\xff";
  }
  CHECK_THROWS_WITH_AS(read_onnx(dir / "garbage.onnx"), doctest::Contains("not a valid ONNX protobuf"), idn::invalid_input);
  {  // truncated: the first half of a real model
    std::ifstream in("onnx_models/resnet18.onnx", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir / "truncated.onnx", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  CHECK_THROWS_AS(read_onnx(dir / "truncated.onnx"), idn::invalid_input);
  save(tiny_model("Relu", true), dir / "symbolic.onnx");
  CHECK_THROWS_WITH_AS(read_onnx(dir / "symbolic.onnx"), doctest::Contains("input 'x' dim 0 is symbolic ('N')"), idn::invalid_input);
  onnx_options o;
  o.input_shapes["x"] = {4, 8};
  const graph_profile g = read_onnx(dir / "symbolic.onnx", o);
  CHECK(g.total_flops() == 32);  // Relu: one FLOP per output element, 4 x 8
  save(tiny_model("FooBar", false), dir / "unknown.onnx");
  CHECK_THROWS_WITH_AS(read_onnx(dir / "unknown.onnx"), doctest::Contains("'only' has op type 'FooBar'"), idn::invalid_input);
  o.input_shapes.clear();
  o.unknown_ops = unknown_op_policy::zero_cost;
  CHECK(read_onnx(dir / "unknown.onnx", o).zero_cost_ops == std::vector<std::string>{"FooBar"});
  {  // a cycle: y = Relu(z), z = Relu(y)
    auto m = tiny_model("Relu", false);
    auto* g2 = m.mutable_graph();
    g2->mutable_node(0)->set_input(0, "z");
    auto* n = g2->add_node();
    n->set_op_type("Relu");
    n->set_name("back");
    n->add_input("y");
    n->add_output("z");
    save(m, dir / "cycle.onnx");
  }
  CHECK_THROWS_AS(read_onnx(dir / "cycle.onnx"), idn::invalid_input);
  {  // an undefined tensor
    auto m = tiny_model("Relu", false);
    m.mutable_graph()->mutable_node(0)->set_input(0, "nowhere");
    save(m, dir / "undefined.onnx");
  }
  CHECK_THROWS_WITH_AS(read_onnx(dir / "undefined.onnx"), doctest::Contains("'nowhere'"), idn::invalid_input);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_onnx: shapes that contradict the op are named, not counted") {
  // ViT-B/16 was traced at batch 1: its patch-flattening Reshape holds the constant target
  // 1x768x196, so a batch of 4 contradicts the graph (exported with dynamic axes it would not).
  onnx_options batch4;
  batch4.input_shapes["input"] = {4, 3, 224, 224};
  CHECK_THROWS_WITH_AS(read_onnx("onnx_models/vit_b_16.onnx", batch4),
                       doctest::Contains("node '/Reshape' (Reshape): input 0 '/conv_proj/Conv_output_0' has shape 4x768x14x14 but output "
                                         "'/Reshape_output_0' has 1x768x196"),
                       idn::invalid_input);
  onnx_options typo;
  typo.input_shapes["x"] = {1, 3, 224, 224};
  CHECK_THROWS_WITH_AS(read_onnx("onnx_models/resnet18.onnx", typo), doctest::Contains("'x', which is not a graph input (inputs: 'input')"),
                       idn::invalid_input);
  // A Concat of a [1, 8] and a [2, 8] tensor on axis 1 (the second stored as a weight).
  const auto dir = std::filesystem::temp_directory_path() / "idn_test_onnx_agree";
  std::filesystem::create_directories(dir);
  auto m = tiny_model("Concat", false);
  auto* n = m.mutable_graph()->mutable_node(0);
  n->add_input("w");
  auto* axis = n->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(1);
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(2);
  w->add_dims(8);
  for (int k = 0; k < 16; ++k) w->add_float_data(0);
  save(m, dir / "concat.onnx");
  CHECK_THROWS_AS(read_onnx(dir / "concat.onnx"), idn::invalid_input);
  w->set_dims(0, 1);
  w->clear_float_data();
  for (int k = 0; k < 8; ++k) w->add_float_data(0);
  save(m, dir / "concat_ok.onnx");
  const graph_profile ok = read_onnx(dir / "concat_ok.onnx");
  CHECK(ok.tensors[ok.outputs[0]].dims == std::vector<std::int64_t>{1, 16});
  std::filesystem::remove_all(dir);
}

#include "idn/dnn/zoo.hpp"

TEST_CASE("the analytic zoo against its imported twins: conv/fc FLOPs within 0.1 %, weights within 1 %") {
  // Differences, by design: the zoo counts 2 FLOPs per MAC of conv/fc layers only (the imported
  // graph adds 1 FLOP per element of every activation, add and pooling node: +0.2 % for
  // ResNet-50), and the zoo keeps BatchNormalization's scale and shift as weights while the
  // export folds them into the convolutions (−0.2 % of ResNet-50's bytes).
  struct twin { const char* file; profile zoo; };
  for (const twin& t : {twin{"resnet50", resnet50()}, twin{"mobilenet_v2", mobilenet_v2()}, twin{"alexnet", alexnet()}}) {
    CAPTURE(t.file);
    const graph_profile g = read_onnx(std::string("onnx_models/") + t.file + ".onnx");
    double zoo_flop = 0, zoo_param_bytes = 0;
    for (const auto& l : t.zoo.layers()) zoo_flop += l.flop, zoo_param_bytes += l.param_bytes;
    MESSAGE(std::string(t.file) << ": zoo flop " << zoo_flop << " vs 2 x ONNX MACs " << 2 * g.total_macs() << " (all ONNX FLOPs " << g.total_flops()
                   << "); zoo weights " << zoo_param_bytes << " B vs ONNX " << g.total_param_bytes() << " B");
    CHECK(std::abs(zoo_flop - 2 * g.total_macs()) <= 1e-3 * zoo_flop);
    CHECK(std::abs(zoo_param_bytes - g.total_param_bytes()) <= 1e-2 * zoo_param_bytes);
  }
}

TEST_CASE("linearize on an imported ResNet-50: single-tensor cuts ship exactly one block output; inner cuts ship two tensors") {
  const graph_profile g = read_onnx("onnx_models/resnet50.onnx");
  const auto live = live_bytes(g);
  std::size_t inner_two = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].op_type == "Conv" && live[i + 1] > g.nodes[i].output_bytes) ++inner_two;  // the block input is live too
  CHECK(inner_two >= 16);  // at least one such cut per bottleneck block
  const profile single = linearize(g, {cut_candidates::single_tensor});
  CHECK(single.num_layers() == 38);
  double flop = 0;
  for (std::size_t l = 0; l < single.num_layers(); ++l) {
    flop += single.layer(l).flop;
    // Each merged layer ends at a node whose output is the only live tensor: it ships exactly that.
    const auto& name = single.layer(l).name;
    const auto it = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const graph_node& n) { return n.name == name; });
    REQUIRE(it != g.nodes.end());
    if (l + 1 < single.num_layers()) CHECK(single.layer(l).output_bytes == it->output_bytes);
  }
  CHECK(flop == doctest::Approx(g.total_flops()).epsilon(1e-12));
}
