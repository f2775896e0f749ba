// idn/io/file_error.hpp: the message "<file>:<row>:<column>: <what> (column '<name>', value '<token>')"
// and the accessors; a file_error is an invalid_input.
#include <doctest/doctest.h>

#include <string>
#include <type_traits>

#include "idn/core/error.hpp"
#include "idn/io/file_error.hpp"

using idn::io::file_error;

TEST_CASE("file_error: message parts appear exactly when given; accessors return the location") {
  static_assert(std::is_base_of_v<idn::invalid_input, file_error>);
  const struct {
    file_error e;
    const char* text;
  } cases[] = {
      {file_error("data/a.csv", 3, 4, "not a number", "latency", "abc"), "data/a.csv:3:4: not a number (column 'latency', value 'abc')"},
      {file_error("data/a.csv", 2, 2, "empty cell", "b"), "data/a.csv:2:2: empty cell (column 'b')"},
      {file_error("data/a.csv", 5, 1, "bad token", "", "x,y"), "data/a.csv:5:1: bad token (value 'x,y')"},
      {file_error("m.npy", 0, 0, "not an NPY file (bad magic)"), "m.npy:0:0: not an NPY file (bad magic)"},
  };
  for (const auto& c : cases) CHECK(std::string(c.e.what()) == c.text);
  CHECK(cases[0].e.file() == "data/a.csv");
  CHECK(cases[0].e.row() == 3);
  CHECK(cases[0].e.column() == 4);
  CHECK(cases[3].e.row() == 0);
  try {
    throw file_error("dir/b.csv", 7, 9, "unterminated quote");
  } catch (const idn::invalid_input& e) {  // readers' callers catch the base type
    CHECK(std::string(e.what()) == "dir/b.csv:7:9: unterminated quote");
  }
}
