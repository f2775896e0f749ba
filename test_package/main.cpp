// Uses one function from each installed module; exits non-zero on a wrong answer.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <idn/idn.hpp>
#include <idn/io/eigen.hpp>

int main() {
  idn::rng g(42);                                                      // core
  const auto r50 = idn::dnn::resnet50();                               // dnn
  const idn::hw::roofline_device orin(idn::hw::jetson_agx_orin_64gb().params);  // hw
  const double t = idn::hw::model_time(orin, r50);
  idn::sim::simulator sim;                                             // sim
  int fired = 0;
  sim.schedule_at(1.0, [&] { ++fired; });
  sim.run();
  const auto path = std::filesystem::temp_directory_path() / "idn_test_package.npy";  // io
  Eigen::VectorXd v(3);
  v << idn::uniform01(g), 2.0, t;
  idn::io::save_npy(path, v);
  const bool io_ok = idn::io::load_npy_vector(path) == v;
  std::filesystem::remove(path);
  std::printf("idn %s: ResNet-50 on %s in %.3f ms (uncalibrated), %d event, npy round trip %s\n", IDN_VERSION_STRING,
              std::string(orin.name()).c_str(), t * 1e3, fired, io_ok ? "ok" : "FAILED");
  return (io_ok && fired == 1 && std::isfinite(t) && t > 0) ? 0 : 1;
}
