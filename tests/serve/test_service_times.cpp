// serve/service_times.hpp: the committed fixture loads (3 models × 400 inferences, every time
// finite and > 0); bad input is named by line, column and value.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "error_of.hpp"
#include "idn/serve/service_times.hpp"

using namespace idn::serve;

TEST_CASE("read_service_times: the committed PyTorch fixture") {
  const auto m = read_service_times(std::filesystem::path("service_times/pytorch_cpu_1thread.csv"));
  REQUIRE(m.size() == 3);
  for (const char* name : {"mobilenet_v2", "resnet18", "resnet50"}) {
    CAPTURE(name);
    REQUIRE(m.count(name) == 1);
    CHECK(m.find(name)->second.size() == 400);
  }
}

TEST_CASE("read_service_times: bad input is named by line, column and value") {
  auto err = [](const std::string& text) {
    std::stringstream ss(text);
    return idn::test::error_of([&] { read_service_times(ss, "s.csv"); });
  };
  const std::string head = "# c\nmodel,sample,seconds\n";
  CHECK(err(head + "a,0,0.5\n").empty());
  CHECK(err(head + "a,0,-0.5\n").find("s.csv:3:3: seconds must be a finite number > 0 (value '-0.5')") == 0);
  CHECK(err(head + "a,0,abc\n").find("s.csv:3:3:") == 0);
  CHECK(err(head + "a,0,inf\n").find("s.csv:3:3:") == 0);
  CHECK(err(head + ",0,1\n").find("s.csv:3:1: empty model name") == 0);
  CHECK(err(head + "a,0\n").find("s.csv:3:3: expected 3 fields, got 2") == 0);
  CHECK(err("model,n,seconds\n").find("s.csv:1:2: column 2 must be 'sample'") == 0);
  CHECK(err("# only a comment\n").find("no header line") != std::string::npos);
}
