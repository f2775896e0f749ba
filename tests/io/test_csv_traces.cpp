#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/traces.hpp"

namespace fs = std::filesystem;
using namespace idn::io;
using idn::test::error_of;

namespace {
const fs::path traces_data = "data";
}  // namespace

TEST_CASE("csv: 1e5 random doubles, subnormals included, survive a round trip bit-exactly") {
  idn::rng g(71);
  const std::size_t rows = 12500, cols = 8;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    std::uint64_t bits = g();
    if (i % 7 == 0) bits &= 0x800fffffffffffffULL;  // subnormal (or zero)
    double x;
    std::memcpy(&x, &bits, 8);
    if (!std::isfinite(x)) x = static_cast<double>(i);
    m.data()[i] = x;
  }
  const std::vector<std::string> names{"a", "b,c", "d\"e", "f", "g", "h", "i", "j"};
  const auto p = fs::temp_directory_path() / "idn_test_io_rt.csv";
  save_csv(p, names, m);
  const auto back = load_csv_matrix(p);
  REQUIRE(back.rows() == m.rows());
  REQUIRE(std::memcmp(back.data(), m.data(), sizeof(double) * std::size_t(m.size())) == 0);
  const auto t = load_csv(p);
  CHECK(t.columns == names);
  CHECK(t.values(rows - 1, 7) == m(Eigen::Index(rows - 1), 7));
  save_csv(p, t);
  CHECK(load_csv_matrix(p) == m);
  fs::remove(p);
}

TEST_CASE("csv: fixture with comments, quoted header, blank lines") {
  const auto t = load_csv(traces_data / "good.csv");
  CHECK(t.columns == std::vector<std::string>{"time", "lat, ms", "n"});
  REQUIRE(t.values.shape()[0] == 3);
  CHECK(t.values(1, 1) == -2e-3);
  CHECK(t.values(2, 1) == 5e-324);
  CHECK(std::signbit(t.values(2, 2)));
  csv_options no_header;
  no_header.header = false;
  no_header.comment = '%';
  CHECK_THROWS_AS(load_csv(traces_data / "good.csv", no_header), file_error);  // '#' line is data now
}

TEST_CASE("csv: malformed files name file, row and column") {
  CHECK(error_of<idn::io::file_error>([] { load_csv(traces_data / "ragged.csv"); }) == "data/ragged.csv:3:4: row 3 has 3 fields, header has 4");
  CHECK(error_of<idn::io::file_error>([] { load_csv(traces_data / "nonnumeric.csv"); }) ==
        "data/nonnumeric.csv:2:3: not a number (column 'latency', value 'fast')");
  CHECK(error_of<idn::io::file_error>([] { load_csv(traces_data / "empty_cell.csv"); }) == "data/empty_cell.csv:2:2: empty cell (column 'b')");
  CHECK(error_of<idn::io::file_error>([] { load_csv(traces_data / "nan.csv"); }) == "data/nan.csv:3:3: row 3, column 3 'latency': NaN not allowed");
  CHECK(error_of<idn::io::file_error>([] { load_csv(traces_data / "inf.csv"); }) == "data/inf.csv:2:2: row 2, column 2 'b': inf not allowed");
  CHECK(error_of<idn::io::file_error>([] { load_csv(traces_data / "unterminated.csv"); }) == "data/unterminated.csv:2:2: unterminated quote");
  CHECK(error_of<idn::io::file_error>([] { load_csv(traces_data / "nope.csv"); }).find("cannot open") != std::string::npos);
  csv_options allow;
  allow.allow_nan = true;
  CHECK(std::isnan(load_csv(traces_data / "nan.csv", allow).values(1, 2)));
}

TEST_CASE("traces: CSV column and 1-D NPY; validation messages") {
  const Eigen::VectorXd expected = (Eigen::VectorXd(4) << 0, 0.5, 0.5, 2.25).finished();
  CHECK(load_arrival_trace(traces_data / "trace.csv") == expected);
  CHECK(load_arrival_trace(traces_data / "trace.npy") == expected);
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(traces_data / "trace.csv", "t"); }) == "data/trace.csv:1:0: no column named 't'");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(traces_data / "trace_decreasing.csv"); }) ==
        "data/trace_decreasing.csv:4:0: times[2] = 10.5 < times[1] = 11");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(traces_data / "trace_decreasing.npy"); }) ==
        "data/trace_decreasing.npy:3:0: times[2] = 10.5 < times[1] = 11");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(traces_data / "trace_negative.csv"); }) ==
        "data/trace_negative.csv:2:0: times[0] = -1: must be finite and >= 0");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(traces_data / "f8_c.npy"); }).find("must be a 1-D array") != std::string::npos);
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(traces_data / "make_fixtures.py"); }).find("must be .csv or .npy") != std::string::npos);
}
