#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "idn/core/csv.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"

TEST_CASE("csv::split_record: quoting, empty fields, CRLF") {
  std::vector<std::string> f;
  REQUIRE(idn::csv::split_record("a,\"b,c\",\"d\"\"e\",,x\r", ',', f).ok);
  REQUIRE(f.size() == 5);
  CHECK(f[0] == "a"); CHECK(f[1] == "b,c"); CHECK(f[2] == "d\"e"); CHECK(f[3].empty()); CHECK(f[4] == "x");
  REQUIRE(idn::csv::split_record("a,", ',', f).ok);
  CHECK(f.size() == 2);
  REQUIRE(idn::csv::split_record("", ',', f).ok);
  CHECK(f.size() == 1);
  auto st = idn::csv::split_record("a,\"open", ',', f);
  CHECK(!st.ok);
  CHECK(st.column == 2);
  st = idn::csv::split_record("a,b\"c", ',', f);
  CHECK(!st.ok);
  st = idn::csv::split_record("\"a\"b", ',', f);
  CHECK(!st.ok);
  CHECK(st.column == 1);
}

TEST_CASE("csv: append_field round-trips arbitrary text through split_record") {
  idn::rng g(9);
  const char alphabet[] = "ab,\" \t;x";
  std::vector<std::string> f;
  for (int t = 0; t < 2000; ++t) {
    std::vector<std::string> fields(1 + g() % 4);
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      for (std::size_t k = g() % 6; k > 0; --k) fields[i] += alphabet[g() % (sizeof alphabet - 1)];
      if (i) line += ',';
      idn::csv::append_field(line, fields[i], ',');
    }
    REQUIRE(idn::csv::split_record(line, ',', f).ok);
    REQUIRE(f == fields);
  }
}

TEST_CASE("csv::parse_double and format_number: exact round trip, subnormals, rejections") {
  idn::rng g(77);
  for (int i = 0; i < 100000; ++i) {
    std::uint64_t bits = g();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isnan(x)) continue;
    double y = 0;
    REQUIRE(idn::csv::parse_double(idn::format_number(x), y));
    std::uint64_t back;
    std::memcpy(&back, &y, sizeof y);
    REQUIRE(back == bits);
  }
  double v = 0;
  CHECK(idn::csv::parse_double(" +1.5 ", v));
  CHECK(v == 1.5);
  CHECK(!idn::csv::parse_double("", v));
  CHECK(!idn::csv::parse_double("1.5x", v));
  CHECK(!idn::csv::parse_double("+", v));
  CHECK(idn::csv::parse_double("inf", v));
  CHECK(std::isinf(v));
  CHECK(idn::csv::parse_double("nan", v));
  CHECK(std::isnan(v));
}

#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
TEST_CASE("parse_double's stream fallback (libc++ < 20) accepts and rounds exactly as std::from_chars") {
  auto same = [](const std::string& t) {
    double a = 7, b = 7;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), a);
    const bool ok_a = r.ec == std::errc() && r.ptr == t.data() + t.size();
    const bool ok_b = idn::csv::detail::parse_double_fallback(t, b);
    INFO("token '", t, "'");
    REQUIRE(ok_a == ok_b);
    if (ok_a) REQUIRE((std::isnan(a) ? std::isnan(b) : std::memcmp(&a, &b, sizeof a) == 0));
  };
  for (const char* t : {"1", "-1", "0.5", ".5", "5.", "1e300", "1e400", "-1e400", "1e-400", "-1e-400", "4.9e-324",
                        "2.2250738585072014e-308", "inf", "-INF", "Infinity", "nan", "NaN", "-nan", "nan(1)", "nan(", "1e",
                        "e5", "1.2.3", "--1", "0x1p3", "1,5", "", "-", ".", "1e+5", "1E-5", "12abc", "-0", "0e999",
                        "0.1000000000000000055511151231257827021181583404541015625", " 1", "1 "})
    same(t);
  std::mt19937_64 g(7001);
  char buf[64];
  for (int i = 0; i < 20000; ++i) {
    double x = 0;
    const std::uint64_t u = g();
    std::memcpy(&x, &u, sizeof x);
    if (!std::isfinite(x)) continue;
    std::snprintf(buf, sizeof buf, g() % 2 ? "%.*g" : "%.*e", 1 + static_cast<int>(g() % 20), x);
    same(buf);
  }
}
#endif
