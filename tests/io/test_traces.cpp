// io/traces.hpp: arrival traces from a CSV column and a 1-D NPY; validation messages.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "data_dir.hpp"
#include "error_of.hpp"
#include "idn/io/traces.hpp"

using namespace idn::io;
using idn::test::error_of;

TEST_CASE("traces: CSV column and 1-D NPY; validation messages") {
  const Eigen::VectorXd expected = (Eigen::VectorXd(4) << 0, 0.5, 0.5, 2.25).finished();
  CHECK(load_arrival_trace(idn::test::io_data / "trace.csv") == expected);
  CHECK(load_arrival_trace(idn::test::io_data / "trace.npy") == expected);
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(idn::test::io_data / "trace.csv", "t"); }) == "data/trace.csv:1:0: no column named 't'");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(idn::test::io_data / "trace_decreasing.csv"); }) ==
        "data/trace_decreasing.csv:4:0: times[2] = 10.5 < times[1] = 11");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(idn::test::io_data / "trace_decreasing.npy"); }) ==
        "data/trace_decreasing.npy:3:0: times[2] = 10.5 < times[1] = 11");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(idn::test::io_data / "trace_negative.csv"); }) ==
        "data/trace_negative.csv:2:0: times[0] = -1: must be finite and >= 0");
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(idn::test::io_data / "f8_c.npy"); }).find("must be a 1-D array") != std::string::npos);
  CHECK(error_of<idn::io::file_error>([] { load_arrival_trace(idn::test::io_data / "make_fixtures.py"); }).find("must be .csv or .npy") != std::string::npos);
}
