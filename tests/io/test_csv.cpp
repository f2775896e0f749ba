// io/csv.hpp: a fixture with comments, a quoted header and blank lines; malformed files name
// file, row and column.
#include <doctest/doctest.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data_dir.hpp"
#include "error_of.hpp"
#include "idn/core/csv.hpp"
#include "idn/core/random.hpp"
#include "idn/io/csv.hpp"

using namespace idn::io;
using idn::test::error_of;

TEST_CASE("csv: fixture with comments, quoted header, blank lines") {
  const auto t = load_csv(idn::test::io_data / "good.csv");
  CHECK(t.columns == std::vector<std::string>{"time", "lat, ms", "n"});
  REQUIRE(t.values.shape()[0] == 3);
  CHECK(t.values(1, 1) == -2e-3);
  CHECK(t.values(2, 1) == 5e-324);
  CHECK(std::signbit(t.values(2, 2)));
  csv_options no_header;
  no_header.header = false;
  no_header.comment = '%';
  CHECK_THROWS_AS(load_csv(idn::test::io_data / "good.csv", no_header), file_error);  // '#' line is data now
}

TEST_CASE("csv: malformed files name file, row and column") {
  CHECK(error_of<idn::io::file_error>([] { load_csv(idn::test::io_data / "ragged.csv"); }) == "data/ragged.csv:3:4: row 3 has 3 fields, header has 4");
  CHECK(error_of<idn::io::file_error>([] { load_csv(idn::test::io_data / "nonnumeric.csv"); }) ==
        "data/nonnumeric.csv:2:3: not a number (column 'latency', value 'fast')");
  CHECK(error_of<idn::io::file_error>([] { load_csv(idn::test::io_data / "empty_cell.csv"); }) == "data/empty_cell.csv:2:2: empty cell (column 'b')");
  CHECK(error_of<idn::io::file_error>([] { load_csv(idn::test::io_data / "nan.csv"); }) == "data/nan.csv:3:3: row 3, column 3 'latency': NaN not allowed");
  CHECK(error_of<idn::io::file_error>([] { load_csv(idn::test::io_data / "inf.csv"); }) == "data/inf.csv:2:2: row 2, column 2 'b': inf not allowed");
  CHECK(error_of<idn::io::file_error>([] { load_csv(idn::test::io_data / "unterminated.csv"); }) == "data/unterminated.csv:2:2: unterminated quote");
  CHECK(error_of<idn::io::file_error>([] { load_csv(idn::test::io_data / "nope.csv"); }).find("cannot open") != std::string::npos);
  csv_options allow;
  allow.allow_nan = true;
  CHECK(std::isnan(load_csv(idn::test::io_data / "nan.csv", allow).values(1, 2)));
}

// load_csv reads a cell that from_chars takes whole without trimming or searching for the
// delimiter first; every other spelling goes through the general path. The oracle is the
// specification applied token by token: csv::trim, csv::parse_double and the NaN/inf options,
// with the first bad cell (row-major) named. Tokens: shortest round-trip spellings of random
// doubles (subnormals, signed zeros, exponents), with '+', blanks and tabs around them, nan and
// inf in several spellings, out-of-range, trailing junk and empty cells.
TEST_CASE("csv: 3000 random files of mixed spellings read as the token-by-token specification") {
  idn::rng g(405);
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "idn_test_csv_spellings.csv";
  const std::vector<std::string> names{"a", "b", "c", "d"};
  auto number = [&] {
    const int kind = static_cast<int>(g() % 5);
    double v = kind == 0 ? idn::uniform01(g) * 1000 : kind == 1 ? std::ldexp(idn::uniform01(g), -1070) : kind == 2 ? -0.0 : kind == 3 ? std::exp(idn::uniform01(g) * 1400 - 700) : -idn::uniform01(g);
    std::array<char, 64> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, g() % 2 ? std::chars_format::general : std::chars_format::scientific);
    return std::string(buf.data(), r.ptr);
  };
  auto token = [&](bool clean) {
    if (clean) return number();
    switch (g() % 12) {
      case 0: return "+" + number();
      case 1: return " " + number();
      case 2: return number() + "\t";
      case 3: return std::string(std::array{"nan", "NaN", "-nan", "inf", "-Infinity", "INF"}[g() % 6]);
      case 4: return std::string("1e999");
      case 5: return number() + "x";
      case 6: return std::string(g() % 2 ? "" : "  ");
      case 7: return std::string("-");
      default: return number();
    }
  };
  std::size_t errors = 0;
  for (int t = 0; t < 3000; ++t) {
    const std::size_t rows = 1 + g() % 40;
    const bool clean = g() % 2 == 0;  // half the files: only shortest spellings (the fast path)
    idn::io::csv_options o;
    o.allow_nan = g() % 2 == 0, o.allow_inf = g() % 2 == 0;
    std::vector<std::vector<std::string>> cells(rows, std::vector<std::string>(names.size()));
    std::string text = "a,b,c,d\n";
    for (auto& row : cells) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        row[c] = token(clean || g() % 4 != 0);
        text += (c ? "," : "") + row[c];
      }
      text += g() % 8 == 0 ? "\r\n" : "\n";
    }
    std::ofstream(file, std::ios::binary) << text;
    // The specification, token by token.
    std::string expected_error;
    std::vector<double> expected;
    for (std::size_t r = 0; r < rows && expected_error.empty(); ++r)
      for (std::size_t c = 0; c < names.size() && expected_error.empty(); ++c) {
        const std::string_view tok = idn::csv::trim(cells[r][c]);
        double v = 0;
        const std::string where = file.string() + ":" + std::to_string(r + 2) + ":" + std::to_string(c + 1) + ": ";
        if (tok.empty()) expected_error = where + "empty cell (column '" + names[c] + "')";
        else if (!idn::csv::parse_double(tok, v)) expected_error = where + "not a number (column '" + names[c] + "', value '" + std::string(tok) + "')";
        else if (std::isnan(v) && !o.allow_nan) expected_error = where + "row " + std::to_string(r + 2) + ", column " + std::to_string(c + 1) + " '" + names[c] + "': NaN not allowed";
        else if (std::isinf(v) && !o.allow_inf) expected_error = where + "row " + std::to_string(r + 2) + ", column " + std::to_string(c + 1) + " '" + names[c] + "': inf not allowed";
        else expected.push_back(v);
      }
    CAPTURE(t);
    CAPTURE(text);
    if (!expected_error.empty()) {
      ++errors;
      REQUIRE(error_of<idn::io::file_error>([&] { load_csv(file, o); }) == expected_error);
      continue;
    }
    const auto got = load_csv(file, o);
    REQUIRE(got.values.shape()[0] == rows);
    REQUIRE(got.values.size() == expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      if (std::isnan(expected[k])) REQUIRE(std::isnan(got.values.data()[k]));
      else REQUIRE(std::memcmp(&expected[k], got.values.data() + k, sizeof(double)) == 0);  // bitwise: -0.0 too
    }
  }
  CHECK(errors > 300);  // both outcomes are exercised
  // A delimiter that a number can contain splits the number, as the specification says.
  std::ofstream(file, std::ios::binary) << "a.b\n1.5\n";
  idn::io::csv_options dot;
  dot.delimiter = '.';
  const auto split = load_csv(file, dot);
  REQUIRE(split.values.size() == 2);
  CHECK(split.values(0, 0) == 1.0);
  CHECK(split.values(0, 1) == 5.0);
  CHECK(errors < 2700);
  std::filesystem::remove(file);
}
