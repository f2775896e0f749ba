#include <doctest/doctest.h>

#include <cstring>
#include <sstream>
#include <string>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/profile_csv.hpp"
#include "idn/dnn/zoo.hpp"

using namespace idn::dnn;

namespace {
void require_bit_identical(const profile& a, const profile& b) {
  REQUIRE(a.name() == b.name());
  REQUIRE(std::memcmp(&a.spec().input_bytes, &b.spec().input_bytes, sizeof(double)) == 0);
  REQUIRE(a.prec() == b.prec());
  REQUIRE(a.batch() == b.batch());
  REQUIRE(a.num_layers() == b.num_layers());
  for (std::size_t i = 0; i < a.num_layers(); ++i) {
    const auto &x = a.layer(i), &y = b.layer(i);
    REQUIRE(x.name == y.name);
    REQUIRE(x.kind == y.kind);
    REQUIRE(x.unit == y.unit);
    for (auto m : {&layer::flop, &layer::param_bytes, &layer::input_bytes, &layer::output_bytes, &layer::workspace_bytes})
      REQUIRE(std::memcmp(&(x.*m), &(y.*m), sizeof(double)) == 0);
  }
}
profile round_trip(const profile& p) {
  std::stringstream ss;
  write_profile_csv(ss, p);
  return read_profile_csv(ss, "mem");
}
std::string error_of(const std::string& text) {
  std::istringstream in(text);
  try {
    read_profile_csv(in, "f.csv");
  } catch (const idn::invalid_input& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("profile CSV: every zoo model round-trips bit-identically") {
  for (const auto& p : {resnet50(), resnet50({granularity::layers}), resnet56(224, {granularity::layers}),
                        mobilenet_v2(160, 0.75, {granularity::layers, precision::int8, 4}), alexnet(),
                        gpt2_small(77, lm_head::all_tokens, {granularity::layers, precision::fp16})})
    require_bit_identical(p, round_trip(p));
}

TEST_CASE("profile CSV: 100 random profiles round-trip bit-identically") {
  idn::rng g(2024);
  const char* names[] = {"x", "a,b", "q\"uote", " pad ", "u/v"};
  for (int t = 0; t < 100; ++t) {
    profile_spec s{idn::concat("rand", t), idn::uniform01(g) * 1e6, static_cast<precision>(g() % 3),
                   static_cast<std::uint32_t>(1 + g() % 4), {}};
    const std::size_t n = 1 + g() % 30;
    std::uint32_t unit = 0;
    for (std::size_t i = 0; i < n; ++i) {
      layer l;
      l.name = std::string(names[g() % 5]) + std::to_string(i);
      l.kind = static_cast<layer_kind>(g() % layer_kind_count);
      l.flop = std::ldexp(idn::uniform01(g), static_cast<int>(g() % 80) - 10);
      l.param_bytes = (g() % 4 == 0) ? 0.0 : idn::uniform01(g) * 1e7;
      l.input_bytes = (g() % 3 == 0) ? 0.0 : idn::uniform01(g) * 1e5;
      l.output_bytes = 5e-324 * static_cast<double>(g() % 3) + idn::uniform01(g) * 1e5;
      l.workspace_bytes = idn::uniform01(g) * 3e5;
      if (i > 0 && g() % 2) ++unit;
      l.unit = unit;
      s.layers.push_back(l);
    }
    const profile p(std::move(s));
    require_bit_identical(p, round_trip(p));
  }
}

TEST_CASE("profile CSV: optional columns; without unit each layer is its own unit") {
  std::istringstream in("name,kind,flop,param_bytes,output_bytes\nc1,conv,10,2,8\nc2,fc,4,1,2\n");
  const auto p = read_profile_csv(in, "min.csv");
  CHECK(p.name() == "min.csv");
  CHECK(p.layer(1).unit == 1);
  CHECK(p.layer(1).input_bytes == 8);
}

TEST_CASE("profile CSV: malformed input is rejected with line and column") {
  const std::string head = "# idn-profile v1\n# name=m\nname,kind,unit,flop,param_bytes,output_bytes\n";
  CHECK(error_of(head + "a,conv,0,1,2\n") == "f.csv:4:6: row has 5 fields, header has 6");
  CHECK(error_of(head + "a,conv,0,abc,2,3\n") == "f.csv:4:4: flop 'abc' is not a number");
  CHECK(error_of(head + "a,conv,0,,2,3\n") == "f.csv:4:4: flop '' is not a number");
  CHECK(error_of(head + "a,convolution,0,1,2,3\n") == "f.csv:4:2: layer kind 'convolution' is unknown");
  CHECK(error_of(head + "a,conv,0.5,1,2,3\n") == "f.csv:4:3: unit '0.5' is not a non-negative integer");
  CHECK(error_of(head + "\"a,conv,0,1,2,3\n") == "f.csv:4:1: unterminated quote");
  CHECK(error_of(head + "a,conv,0,-1,2,3\n").find("layers[0].flop = -1") != std::string::npos);
  CHECK(error_of("name,kind,flops\n") == "f.csv:1:3: unknown column 'flops'");
  CHECK(error_of("name,kind,flop,param_bytes\n") == "f.csv:1:0: missing required column 'output_bytes'");
  CHECK(error_of("# precision=fp64\n").find("f.csv:1:1: precision 'fp64'") == 0);
  CHECK(error_of("# batch=0\n") == "f.csv:1:1: batch '0' is not a positive integer");
  CHECK(error_of("") == "f.csv:0:0: empty profile CSV");
  CHECK_THROWS_AS(load_profile_csv("/nonexistent/x.csv"), idn::invalid_input);
}
