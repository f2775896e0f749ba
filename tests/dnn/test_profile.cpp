#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "idn/dnn/profile.hpp"

using namespace idn::dnn;

namespace {
profile_spec two_layers() {
  profile_spec s{"m", 100, precision::fp32, 1, {}};
  s.layers.push_back({"a", layer_kind::conv, 10, 4, 0, 50, 0, 0});
  s.layers.push_back({"b", layer_kind::fc, 20, 8, 0, 5, 0, 1});
  return s;
}
std::string message_of(profile_spec s) {
  try {
    profile p(std::move(s));
  } catch (const idn::invalid_input& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("profile: defaults are filled") {
  profile p(two_layers());
  CHECK(p.layer(0).input_bytes == 100);
  CHECK(p.layer(1).input_bytes == 50);
  CHECK(p.layer(0).workspace_bytes == 150);
  CHECK(p.layer(1).workspace_bytes == 55);
  CHECK(p.layer(1).index == 1);
  CHECK(p.num_units() == 2);
  static_assert(layer_chain<profile>);
}

TEST_CASE("profile: bad input names field, index and value") {
  auto s = two_layers();
  s.layers[1].name = "a";
  CHECK(message_of(s) == "idn::dnn::profile: m.layers[1].name = a: duplicates layers[0].name");
  s = two_layers();
  s.layers[1].flop = -1;
  CHECK(message_of(s) == "idn::dnn::profile: m.layers[1].flop = -1: must be finite and >= 0");
  s = two_layers();
  s.layers[0].param_bytes = NAN;
  CHECK(message_of(s).find("layers[0].param_bytes = nan") != std::string::npos);
  s = two_layers();
  s.layers[1].unit = 2;
  CHECK(message_of(s).find("m.layers[1].unit = 2: must be 0 or 1 (units are contiguous)") != std::string::npos);
  s = two_layers();
  s.layers[0].unit = 1;
  CHECK(message_of(s).find("m.layers[0].unit = 1: must be 0 (units start at 0)") != std::string::npos);
  s = two_layers();
  s.batch = 0;
  CHECK(message_of(s).find("m.batch = 0: must be >= 1") != std::string::npos);
  s = two_layers();
  s.name.clear();
  CHECK(message_of(s) == "idn::dnn::profile: name = empty: must name the model");
  s = two_layers();
  s.layers.clear();
  CHECK(message_of(s) == "idn::dnn::profile: m.layers.size() = 0: must be >= 1");
  s = two_layers();
  s.layers[0].kind = static_cast<layer_kind>(42);
  CHECK(message_of(s).find("layers[0].kind = 42") != std::string::npos);
  CHECK_THROWS_AS(parse_layer_kind("convolution"), idn::invalid_input);
  CHECK(parse_layer_kind("depthwise_conv") == layer_kind::depthwise_conv);
  for (std::size_t k = 0; k < layer_kind_count; ++k)
    CHECK(parse_layer_kind(to_string(static_cast<layer_kind>(k))) == static_cast<layer_kind>(k));
}
