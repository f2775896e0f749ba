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
  // The batched format: seconds per batch, batch an integer >= 1; read_service_times keeps batch 1.
  const std::string bhead = "model,batch,sample,seconds\n";
  CHECK(err(bhead + "a,4,0,0.5\n").empty());
  CHECK(err(bhead + "a,0,0,0.5\n").find("s.csv:2:2: batch must be an integer in [1, 2^32) (value '0')") == 0);
  CHECK(err(bhead + "a,1.5,0,0.5\n").find("s.csv:2:2:") == 0);
  CHECK(err(bhead + "a,4294967296,0,0.5\n").find("s.csv:2:2:") == 0);
  CHECK(err(bhead + "a,2,0,-1\n").find("s.csv:2:4: seconds must be") == 0);
  CHECK(err(bhead + "a,2,0\n").find("s.csv:2:4: expected 4 fields, got 3") == 0);
  CHECK(err("model,batch,n,seconds\n").find("s.csv:1:3: column 3 must be 'sample'") == 0);
  std::stringstream ss(bhead + "a,1,0,0.25\na,4,0,0.5\na,4,1,0.75\nb,2,0,1\n");
  const batch_service_times b = read_batch_service_times(ss, "s.csv");
  CHECK(b.at("a").at(4) == std::vector<double>{0.5, 0.75});
  CHECK(b.at("b").at(2) == std::vector<double>{1.0});
  std::stringstream ss1(bhead + "a,1,0,0.25\na,4,0,0.5\nb,2,0,1\n");
  const auto one = read_service_times(ss1, "s.csv");
  CHECK(one.size() == 1);
  CHECK(one.at("a") == std::vector<double>{0.25});
}
