// idn/offload/status.hpp: errc names, the fixed-buffer message format and the range checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "idn/offload/status.hpp"

using namespace idn::offload;

TEST_CASE("to_string(errc) names every enumerator; format() keeps the full message") {
  using idn::offload::errc;
  static_assert(std::string_view(to_string(errc::ok)) == "ok");
  const char* names[] = {"ok", "not_finite", "out_of_range", "not_binary", "size_mismatch", "empty", "workspace_too_small", "degenerate"};
  for (int c = 0; c < 8; ++c) CHECK(std::string_view(to_string(static_cast<errc>(c))) == names[c]);
  CHECK(std::string_view(to_string(static_cast<errc>(200))) == "unknown");
}

TEST_CASE("status: format writes field, index, value and reason; truncates to any buffer, NUL-terminated") {
  char buf[128];
  CHECK(format(status{}, buf) == std::string_view("idn::offload: ok").size());
  CHECK(std::string(buf) == "idn::offload: ok");
  CHECK_FALSE(static_cast<bool>(detail::fail(errc::empty, "scores", 0, "")));
  CHECK(static_cast<bool>(status{}));
  const struct {
    status s;
    const char* text;
  } cases[] = {
      {detail::fail(errc::out_of_range, "rho", 1.5, "must lie in [0, 1]"), "idn::offload: rho = 1.5: must lie in [0, 1]"},
      {detail::fail(errc::not_finite, "scores", std::nan(""), "", 7), "idn::offload: scores[7] = nan: not finite"},
      {detail::fail(errc::size_mismatch, "labels", 12, ""), "idn::offload: labels = 12: size mismatch"},
      {detail::fail(errc::not_binary, "labels", -std::numeric_limits<double>::infinity(), "", 0), "idn::offload: labels[0] = -inf: must be 0 or 1"},
      {detail::check_unit("beta", std::numeric_limits<double>::infinity()), "idn::offload: beta = inf: not finite"},
      {detail::check_range("eta", -0.25, 0, 8, "must lie in [0, 8]"), "idn::offload: eta = -0.25: must lie in [0, 8]"},
      {detail::fail(errc::degenerate, "weights", 3e20, ""), "idn::offload: weights = 3e+20: degenerate input"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK_FALSE(static_cast<bool>(c.s));
    const std::size_t n = format(c.s, buf);
    CHECK(std::string(buf) == c.text);
    CHECK(n == std::string_view(c.text).size());
    // Every shorter buffer holds the longest prefix that fits, NUL-terminated.
    for (std::size_t size = 1; size <= n + 1; ++size) {
      char small[128];
      std::fill(small, small + sizeof small, 'x');
      const std::size_t m = format(c.s, std::span<char>(small, size));
      REQUIRE(m == size - 1);
      REQUIRE(small[m] == '\0');
      REQUIRE(std::string_view(small, m) == std::string_view(c.text).substr(0, m));
      REQUIRE(small[size] == 'x');  // nothing written past the buffer
    }
  }
  CHECK(format(cases[0].s, std::span<char>()) == 0);
  CHECK(detail::check_range("x", 0, 0, 1, "r"));  // bounds are inclusive
  CHECK(detail::check_range("x", 1, 0, 1, "r"));
}
