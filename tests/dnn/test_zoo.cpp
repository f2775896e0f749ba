#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "approx.hpp"
#include "idn/dnn/zoo.hpp"

using namespace idn::dnn;

namespace {
double params(const profile& p) { return total_param_bytes(p) / bytes_per_element(p.prec()); }
double macs(const profile& p) { return total_flop(p) / 2; }
double conv_macs(const profile& p) {
  double s = 0;
  for (const auto& l : p.layers())
    if (l.kind == layer_kind::conv || l.kind == layer_kind::depthwise_conv) s += l.flop / 2;
  return s;
}
bool within(double x, double target, double rel) { return std::abs(x - target) <= rel * target; }
}  // namespace

TEST_CASE("zoo: published parameter totals are exact") {
  CHECK(params(resnet50()) == 25'557'032);
  CHECK(params(mobilenet_v2()) == 3'504'872);
  CHECK(params(alexnet()) == 61'100'840);
  CHECK(params(gpt2_small()) == 124'439'808);
  CHECK(within(params(resnet56()), 0.85e6, 0.005));
}

TEST_CASE("zoo: published MAC totals within tolerance") {
  CHECK(within(macs(resnet50()), 4.09e9, 0.005));
  CHECK(within(macs(mobilenet_v2()), 300e6, 0.01));
  CHECK(within(macs(alexnet()), 0.71e9, 0.01));
  CHECK(within(macs(resnet56()), 1.25e8, 0.01));
}

TEST_CASE("zoo: ResNet-56 at 224 has exactly 49x the conv MACs of 32, same params") {
  const auto a = resnet56(32, {granularity::layers}), b = resnet56(224, {granularity::layers});
  CHECK(conv_macs(b) == 49 * conv_macs(a));
  CHECK(params(a) == params(b));
  CHECK_THROWS_AS(resnet56(6), idn::invalid_input);
  CHECK_THROWS_AS(resnet56(30), idn::invalid_input);
}

TEST_CASE("zoo: unit counts and unit-level == sum over layer-level") {
  const std::vector<std::pair<profile, std::size_t>> models = {
      {resnet50({granularity::layers}), 18}, {resnet56(32, {granularity::layers}), 29},
      {mobilenet_v2(224, 1.0, {granularity::layers}), 20}, {alexnet({granularity::layers}), 8},
      {gpt2_small(128, lm_head::last_token, {granularity::layers}), 14}};
  for (const auto& [p, units] : models) {
    CAPTURE(p.name());
    CHECK(p.num_units() == units);
    const profile u = units_only(p);
    REQUIRE(u.num_layers() == units);
    // Independent per-unit accumulation over the layer list.
    std::vector<double> f(units, 0), w(units, 0), out(units, 0), ws(units, 0);
    for (const auto& l : p.layers()) {
      f[l.unit] += l.flop; w[l.unit] += l.param_bytes; out[l.unit] = l.output_bytes;
      ws[l.unit] = std::max(ws[l.unit], l.workspace_bytes);
    }
    for (std::size_t k = 0; k < units; ++k) {
      CHECK(u.layer(k).flop == idn::test::rel(f[k]).epsilon(1e-12));
      CHECK(u.layer(k).param_bytes == idn::test::rel(w[k]).epsilon(1e-12));
      CHECK(u.layer(k).output_bytes == out[k]);
      CHECK(u.layer(k).workspace_bytes == ws[k]);
      CHECK(cut_bytes(p, k) == out[k]);
      CHECK(cut_bytes(u, k) == out[k]);
    }
    const auto ends = unit_ends(p);
    CHECK(ends.size() == units);
    CHECK(ends.back() == p.num_layers());
  }
  // The default zoo granularity is units.
  CHECK(resnet50().num_layers() == 18);
  CHECK(resnet50().layer(1).name == "layer1.0");
}

TEST_CASE("zoo: GPT-2 Kaplan 2N rule and quadratic attention") {
  constexpr double d = 768;
  for (std::uint32_t n : {1u, 16u, 128u, 512u}) {
    const auto p = gpt2_small(n, lm_head::last_token, {granularity::layers});
    double linear = 0, attn = 0, block_weights = 0;
    for (const auto& l : p.layers()) {
      if (l.name.rfind("h0/", 0) != 0) continue;
      if (l.kind == layer_kind::fc) linear += l.flop;
      if (l.kind == layer_kind::attention) attn += l.flop;
      block_weights += l.param_bytes / 4;
    }
    CHECK(linear / n == 2 * 12 * d * d);                          // exactly 2x the weight matrices
    CHECK(linear / n == idn::test::rel(2 * block_weights).epsilon(0.002));  // 2N incl. biases/LN
    CHECK(block_weights == 12 * d * d + 13 * d);
    const auto q = gpt2_small(2 * n, lm_head::last_token, {granularity::layers});
    double attn2 = 0;
    for (const auto& l : q.layers())
      if (l.name.rfind("h0/", 0) == 0 && l.kind == layer_kind::attention) attn2 += l.flop;
    CHECK(attn2 == 4 * attn);
  }
  const auto last = gpt2_small(64, lm_head::last_token), all = gpt2_small(64, lm_head::all_tokens);
  CHECK(total_flop(all) - total_flop(last) == idn::test::rel(2 * d * 50257 * 63));
  CHECK(gpt2_small(64).input_bytes() == 4 * 64);
  CHECK_THROWS_AS(gpt2_small(0), idn::invalid_input);
  CHECK_THROWS_AS(gpt2_small(1025), idn::invalid_input);
}

TEST_CASE("zoo: batch scales FLOP and activations linearly, params unchanged") {
  for (std::uint32_t batch : {2u, 8u}) {
    const auto a = resnet50({granularity::layers}), b = resnet50({granularity::layers, precision::fp32, batch});
    REQUIRE(a.num_layers() == b.num_layers());
    for (std::size_t i = 0; i < a.num_layers(); ++i) {
      CHECK(b.layer(i).flop == batch * a.layer(i).flop);
      CHECK(b.layer(i).output_bytes == batch * a.layer(i).output_bytes);
      CHECK(b.layer(i).input_bytes == batch * a.layer(i).input_bytes);
      CHECK(b.layer(i).param_bytes == a.layer(i).param_bytes);
    }
    CHECK(b.input_bytes() == batch * a.input_bytes());
    CHECK(gpt2_small(32, lm_head::all_tokens, {granularity::units, precision::fp32, batch}).layer(13).flop ==
          batch * gpt2_small(32, lm_head::all_tokens).layer(13).flop);
  }
}

TEST_CASE("zoo: precision round trip fp32 -> int8 -> fp32 is the identity; FLOP unchanged") {
  for (const auto& p : {resnet50({granularity::layers}), mobilenet_v2(224, 1.0, {granularity::layers}), gpt2_small(64)}) {
    const auto q = with_precision(p, precision::int8);
    CHECK(q.prec() == precision::int8);
    CHECK(total_param_bytes(q) * 4 == total_param_bytes(p));
    CHECK(total_flop(q) == total_flop(p));
    CHECK(q.input_bytes() == p.input_bytes());
    const auto r = with_precision(q, precision::fp32);
    for (std::size_t i = 0; i < p.num_layers(); ++i) {
      CHECK(r.layer(i).param_bytes == p.layer(i).param_bytes);
      CHECK(r.layer(i).input_bytes == p.layer(i).input_bytes);
      CHECK(r.layer(i).workspace_bytes == p.layer(i).workspace_bytes);
      CHECK(r.layer(i).prec == precision::fp32);
    }
  }
  // Building at int8 directly agrees with converting.
  CHECK(total_param_bytes(resnet50({granularity::units, precision::int8})) == 25'557'032);
}

TEST_CASE("zoo: Neurosurgeon observation: early activations exceed the input") {
  const auto p = resnet50();
  CHECK(cut_bytes(p, 0) > p.input_bytes());
  CHECK(cut_bytes(p, 1) > p.input_bytes());
  CHECK(cut_bytes(p, 17) < p.input_bytes());
  CHECK_THROWS_AS(mobilenet_v2(224, 0.0), idn::invalid_input);
  CHECK_THROWS_AS(mobilenet_v2(224, 4.5), idn::invalid_input);
  CHECK(params(mobilenet_v2(224, 0.5)) < params(mobilenet_v2()));
}
