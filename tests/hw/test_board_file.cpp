// idn/hw/board_file.hpp: board files round-trip exactly and bad ones are named by file, line and column.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/board_file.hpp"
#include "synthetic_board.hpp"

using namespace idn::hw;

TEST_CASE("board files round-trip exactly") {
  const board_file b = idn::test::synthetic_board();
  std::stringstream ss;
  write_board_file(ss, b);
  const board_file r = read_board_file(ss, "rt");
  CHECK(r.name == b.name);
  CHECK(r.description == b.description);
  REQUIRE(r.points.size() == b.points.size());
  for (std::size_t i = 0; i < b.points.size(); ++i) {
    CHECK(r.points[i].quantity == b.points[i].quantity);
    CHECK(r.points[i].size == b.points[i].size);
    CHECK(r.points[i].threads == b.points[i].threads);
    CHECK(r.points[i].value == b.points[i].value);
    CHECK(r.points[i].spread == b.points[i].spread);
    CHECK(r.points[i].reliable == b.points[i].reliable);
  }
}

TEST_CASE("bad board files are named by file, line and column") {
  const std::string head = "# idn board file v1\nquantity,size,threads,value,spread,reliable\n";
  auto err = [](const std::string& text) {
    std::stringstream ss(text);
    return idn::test::error_of([&] { read_board_file(ss, "b.csv"); });
  };
  CHECK(err("quantity,size\n").find("b.csv:1:1: the first line must be") == 0);
  CHECK(err("# idn board file v1\nquantity,size,threads,value,spread,oops\n").find("b.csv:2:6:") == 0);
  CHECK(err(head + "flux,1,1,1,0,1\n").find("b.csv:3:1: unknown quantity 'flux'") == 0);
  CHECK(err(head + "gemm_fp32,1,1,-5,0,1\n").find("b.csv:3:4: value '-5'") == 0);
  CHECK(err(head + "gemm_fp32,1,1,0,0,1\n").find("b.csv:3:4: value '0' must be > 0") == 0);
  CHECK(err(head + "gemm_fp32,1,1,1e-310,0,1\n").find("b.csv:3:4: value '1e-310' must be > 0 (and not subnormal)") == 0);
  CHECK(err(head + "gemm_fp32,1,0,1,0,1\n").find("b.csv:3:3: threads '0'") == 0);
  CHECK(err(head + "gemm_fp32,1,1.5,1,0,1\n").find("b.csv:3:3:") == 0);
  CHECK(err(head + "gemm_fp32,nan,1,1,0,1\n").find("b.csv:3:2: size 'nan'") == 0);
  CHECK(err(head + "gemm_fp32,1,1,1,0,2\n").find("b.csv:3:6: reliable '2'") == 0);
  CHECK(err(head + "gemm_fp32,1,1,1,0\n").find("b.csv:3:6: expected 6 fields, got 5") == 0);
  CHECK(err("# idn board file v1\n").find("no header line") != std::string::npos);
}
