#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
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
