// idn/hw/layer_measurements.hpp: measurement files are named by file, line and column when bad;
// the committed runtime fixtures load with per-layer times that cover the whole-model time.
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
#include "idn/hw/layer_measurements.hpp"
#include "idn/hw/measured_device.hpp"

using namespace idn::hw;

TEST_CASE("read_layer_measurements: bad input is named by file, line and column; a good file groups calls") {
  const std::string head = "# c\nmodel,call,module,kind,flop,param_bytes,input_bytes,output_bytes,seconds\n";
  auto err = [](const std::string& text) {
    std::stringstream ss(text);
    return idn::test::error_of([&] { read_layer_measurements(ss, "m.csv"); });
  };
  CHECK(err(head + "a,1,x,conv,1,1,1,1,-0.5\n").find("m.csv:3:9: seconds is not a finite number >= 0 (value '-0.5')") == 0);
  CHECK(err(head + "a,1,x,conv,1,1,1,1,0\n").find("m.csv:3:9: seconds must be > 0") == 0);
  CHECK(err(head + "a,1,x,warp,1,1,1,1,1\n").find("m.csv:3:4:") == 0);
  CHECK(err(head + "a,1,x,conv,1,1,1,1\n").find("m.csv:3:9: expected 9 fields") == 0);
  CHECK(err(head + "a,1,x,conv,1,1,1,1,1\n").find("model 'a' has no whole-model row") != std::string::npos);
  CHECK(err(head + "a,1,__model__,model,1,1,1,1,1\n").find("model 'a' has no layer rows") != std::string::npos);
  CHECK(err(head + "a,1,x,conv,1,1,1,1,1\na,1,__model__,model,1,1,1,1,1\na,1,__model__,model,1,1,1,1,1\n").find("m.csv:5:4: a second whole-model row") == 0);
  CHECK(err("model,call\n").find("m.csv:1:1: the header must be") == 0);
  std::stringstream ok(head + "a,1,x,conv,10,1,2,3,0.5\na,2,x,conv,10,1,2,3,0.25\na,1,__model__,model,1,1,1,1,1\n");
  const auto ms = read_layer_measurements(ok, "ok");
  REQUIRE(ms.size() == 1);
  CHECK(ms[0].layers.size() == 2);
  CHECK(ms[0].layers[1].name == "x#2");
  CHECK(ms[0].layer_seconds[1] == 0.25);
  CHECK(ms[0].model_seconds == 1);
}

TEST_CASE("the committed runtime fixtures load: 14 models, every layer's FLOPs consistent with its kind") {
  const auto ms = read_layer_measurements(std::filesystem::path("runtime_measurements/pytorch_cpu_1thread.csv"));
  CHECK(ms.size() == 14);
  std::size_t layers = 0;
  for (const auto& m : ms) {
    layers += m.layers.size();
    double sum = 0;
    for (const double s : m.layer_seconds) sum += s;
    CAPTURE(m.model);
    // The timed layers cover most of the model; functional ops (adds, reshapes) are the rest.
    CHECK(sum <= 1.1 * m.model_seconds);
    CHECK(sum >= 0.7 * m.model_seconds);
  }
  CHECK(layers > 1400);
  const board_file b = read_board_file(std::filesystem::path("runtime_measurements/board_reference_machine.csv"));
  const measured_device d(b);
  CHECK(d.name() == b.name);
}
