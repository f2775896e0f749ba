// idn/core/format.hpp: format_number is the shortest text that parses back exactly; concat and indexed.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/core/strong_id.hpp"

TEST_CASE("concat: strings, chars, signed/unsigned integers, enums and shortest doubles") {
  enum class e : int { minus = -3 };
  CHECK(idn::concat("a", 1, 'b', 2.5, std::string("c"), std::string_view("d"), SIZE_MAX, -7, e::minus, 0.1) ==
        "a1b2.5cd18446744073709551615-7-30.1");
  CHECK(idn::concat() == "");
}

TEST_CASE("format_number: parses back bit-exactly and is no longer than the shortest round-tripping %.*e text (20,000 random doubles)") {
  idn::rng g(2024);
  int checked = 0, scientific = 0;
  for (int i = 0; i < 20000; ++i) {
    // Random bit patterns cover every exponent and subnormals; every fourth is a "nice" decimal.
    double x = std::bit_cast<double>(g());
    if (i % 4 == 0) x = static_cast<double>(static_cast<std::int64_t>(g() % 2000001) - 1000000) / 1000.0;
    const std::string s = idn::format_number(x);
    if (std::isnan(x)) {
      REQUIRE(s == "nan");  // every NaN, whatever its sign and payload, on every standard library
      continue;
    }
    REQUIRE(std::bit_cast<std::uint64_t>(std::strtod(s.c_str(), nullptr)) == std::bit_cast<std::uint64_t>(x));
    // Oracle for "shortest": printf's %.{d-1}e with the fewest significant digits d that round-trips.
    // s may be fixed notation when that has fewer characters (an integer-valued 1.9e20 prints all
    // 21 digits), so s is never longer than that text, and in scientific form never has more digits.
    int shortest = 17;
    std::string best;
    for (int d = 1; d <= 17; ++d) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*e", d - 1, x);
      if (std::strtod(buf, nullptr) == x || d == 17) {
        shortest = d;
        best = buf;
        break;
      }
    }
    CAPTURE(s);
    CAPTURE(best);
    REQUIRE(s.size() <= best.size());
    if (s.find('e') != std::string::npos) {
      std::string mantissa;
      for (const char c : s.substr(0, s.find('e')))
        if (c >= '0' && c <= '9') mantissa += c;
      REQUIRE(static_cast<int>(mantissa.size()) <= shortest);
      ++scientific;
    }
    ++checked;
    std::string appended = "x=";
    idn::append_number(appended, x);
    REQUIRE(appended == "x=" + s);
  }
  CHECK(checked > 19000);
  CHECK(scientific > 10000);
  CHECK(idn::format_number(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(idn::format_number(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(idn::format_number(0.1) == "0.1");
  CHECK(idn::format_number(1e21) == "1e+21");
}

TEST_CASE("concat prints ids as numbers; indexed builds name[i]") {
  using id = idn::strong_id<struct format_test_tag>;
  CHECK(idn::concat("node ", id{7}, ": ", 0.25) == "node 7: 0.25");
  CHECK(idn::indexed("layers", 4) == "layers[4]");
  CHECK(idn::indexed("", 0) == "[0]");
  CHECK(idn::indexed("m.layers", SIZE_MAX) == "m.layers[18446744073709551615]");
}
