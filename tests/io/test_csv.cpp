// io/csv.hpp: a fixture with comments, a quoted header and blank lines; malformed files name
// file, row and column.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "data_dir.hpp"
#include "error_of.hpp"
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
