// idn/offload/throwing.hpp: throw_if_error turns a failed status into idn::invalid_input carrying
// format()'s message, and passes an ok status through.
#include <doctest/doctest.h>

#include <array>
#include <limits>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/offload/scores.hpp"
#include "idn/offload/throwing.hpp"

using namespace idn::offload;

TEST_CASE("throw_if_error: ok passes; every failed status throws invalid_input with format()'s text") {
  CHECK_NOTHROW(throw_if_error(status{}));
  const status failures[] = {
      status{errc::out_of_range, "offload_fraction", status::npos, 1.5, "must lie in [0, 1]"},
      status{errc::not_finite, "scores", 3, std::numeric_limits<double>::quiet_NaN(), ""},
      status{errc::empty, "labels", status::npos, 0, ""},
      status{errc::workspace_too_small, "workspace", status::npos, 17, ""},
  };
  for (const status& s : failures) {
    std::array<char, 256> want{};
    format(s, want);
    CAPTURE(want.data());
    CHECK_THROWS_WITH_AS(throw_if_error(s), want.data(), idn::invalid_input);
  }
  // A status from a real validating call, as a host program would use it.
  CHECK_THROWS_WITH_AS(throw_if_error(validate_probs(std::vector<float>{0.5f, -0.5f})),
                       "idn::offload: probs[1] = -0.5: must be >= 0", idn::invalid_input);
}
