#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "idn/core/check.hpp"
#include "idn/core/format.hpp"

TEST_CASE("check: messages name field and value; valid values pass") {
  try {
    idn::check::finite_nonnegative("layers[4].flop", -1);
    FAIL("no throw");
  } catch (const idn::invalid_input& e) {
    CHECK(std::string(e.what()) == "layers[4].flop = -1: must be finite and >= 0");
  }
  CHECK_THROWS_AS(idn::check::finite("x", NAN), idn::invalid_input);
  CHECK_THROWS_AS(idn::check::finite_positive("x", 0), idn::invalid_input);
  CHECK_THROWS_AS(idn::check::positive_or_inf("x", NAN), idn::invalid_input);
  CHECK_THROWS_AS(idn::check::unit_interval_open_closed("x", 0), idn::invalid_input);
  CHECK_THROWS_AS(idn::check::unit_interval_open_closed("x", 1.0000001), idn::invalid_input);
  CHECK_NOTHROW(idn::check::unit_interval_open_closed("x", 1));
  CHECK_NOTHROW(idn::check::positive_or_inf("x", INFINITY));
  CHECK_NOTHROW(idn::check::nonnegative_or_inf("x", 0));
  CHECK(idn::indexed("layers", 17) == "layers[17]");
  static_assert(std::is_base_of_v<std::invalid_argument, idn::invalid_input>);
}
