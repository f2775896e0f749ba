// idn/core/error.hpp: invalid_input is the one exception for bad input, and reject / invalid_input_message
// build the house message "idn::<module>::<function>: <field> = <value>: <requirement>".
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <regex>
#include <stdexcept>
#include <string>

#include "error_of.hpp"
#include "idn/core/error.hpp"
#include "idn/core/strong_id.hpp"

namespace {
using error_test_id = idn::strong_id<struct error_test_tag>;
}  // namespace

TEST_CASE("reject: the house message names module::function, field, value and requirement") {
  CHECK_THROWS_WITH_AS(idn::reject("mdi::validate", "links[3].bandwidth_bps", -1.5, "must be finite and > 0"),
                       "idn::mdi::validate: links[3].bandwidth_bps = -1.5: must be finite and > 0", idn::invalid_input);
  CHECK_THROWS_WITH_AS(idn::reject("alloc::network::pin", "node", error_test_id{9}, "unknown node"), "idn::alloc::network::pin: node = 9: unknown node",
                       idn::invalid_input);
  CHECK_THROWS_WITH_AS(idn::reject("mdi::validate", "nodes[1]", "unreachable from node 0", "links must connect every node"),
                       "idn::mdi::validate: nodes[1] = unreachable from node 0: links must connect every node", idn::invalid_input);
}

TEST_CASE("invalid_input: an std::invalid_argument; the house message parses back into its five parts") {
  static_assert(std::is_base_of_v<std::invalid_argument, idn::invalid_input>);
  const std::regex& house = idn::test::house_message_format();
  const struct {
    std::string message, module, function, field, value, requirement;
  } cases[] = {
      {idn::invalid_input_message("serve::min_replicas", "slo_s", 0.1, "must be > 0"), "serve", "min_replicas", "slo_s", "0.1", "must be > 0"},
      {idn::invalid_input_message("alloc::network::pin", "node", error_test_id{41}, "unknown node"), "alloc", "network::pin", "node", "41",
       "unknown node"},
      {idn::invalid_input_message("sim::station", "servers", std::size_t{0}, "must be >= 1"), "sim", "station", "servers", "0", "must be >= 1"},
      {idn::invalid_input_message("path::search", "graph.blocks[2].rate", -std::numeric_limits<double>::infinity(), "must be finite"), "path",
       "search", "graph.blocks[2].rate", "-inf", "must be finite"},
      {idn::invalid_input_message("hw::fit", "samples", std::int64_t{-3}, "must be >= 0"), "hw", "fit", "samples", "-3", "must be >= 0"},
      {idn::invalid_input_message("dnn::profile", "m.layers[1].flop", 1.0 / 3.0, "must be an integer"), "dnn", "profile",
       "m.layers[1].flop", "0.3333333333333333", "must be an integer"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    std::smatch m;
    REQUIRE(std::regex_match(c.message, m, house));
    CHECK(m[1] == c.module);
    CHECK(m[2] == c.function);
    CHECK(m[3] == c.field);
    CHECK(m[4] == c.value);
    CHECK(m[5] == c.requirement);
    try {
      idn::reject(std::string("x::y"), c.field, c.value, c.requirement);
      FAIL("reject returned");
    } catch (const std::invalid_argument& e) {  // catchable as the standard type
      CHECK(std::string(e.what()) == "idn::x::y: " + c.field + " = " + c.value + ": " + c.requirement);
    }
  }
}
