// idn/dnn/layer.hpp: precision and layer_kind names round-trip through their parsers, every name
// is distinct, unknown tokens are named in the error, and element sizes are the IEEE/int widths.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

#include "error_of.hpp"
#include "idn/dnn/layer.hpp"

using namespace idn::dnn;

TEST_CASE("precision: names round-trip, element sizes 4 / 2 / 1 bytes, unknown tokens named") {
  for (const precision p : {precision::fp32, precision::fp16, precision::int8}) CHECK(parse_precision(to_string(p)) == p);
  CHECK(bytes_per_element(precision::fp32) == 4);
  CHECK(bytes_per_element(precision::fp16) == 2);
  CHECK(bytes_per_element(precision::int8) == 1);
  CHECK(idn::test::error_of([] { (void)parse_precision("FP32"); }) == "precision 'FP32' is not one of fp32, fp16, int8");
  CHECK(idn::test::error_of([] { (void)parse_precision(""); }) == "precision '' is not one of fp32, fp16, int8");
}

TEST_CASE("layer_kind: all 12 names distinct snake_case and round-trip; unknown kinds named") {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < layer_kind_count; ++i) {
    const auto k = static_cast<layer_kind>(i);
    const std::string_view name = to_string(k);
    CHECK(parse_layer_kind(name) == k);
    CHECK(seen.insert(name).second);
    for (const char c : name) CHECK(((c >= 'a' && c <= 'z') || c == '_'));
  }
  CHECK(seen.size() == layer_kind_count);
  CHECK(static_cast<std::size_t>(layer_kind::global_pool) + 1 == layer_kind_count);  // the count covers the last enumerator
  CHECK(idn::test::error_of([] { (void)parse_layer_kind("Conv"); }) == "layer kind 'Conv' is unknown");
}

TEST_CASE("layer: a default layer is an fp32 'other' layer with no cost") {
  const layer l{};
  CHECK(l.kind == layer_kind::other);
  CHECK(l.prec == precision::fp32);
  CHECK(l.flop == 0);
  CHECK(l.param_bytes == 0);
  CHECK(l.workspace_bytes == 0);
}
