// Uses one function from each installed module; exits non-zero on a wrong answer.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

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
  idn::alloc::network net;                                             // alloc
  const auto task = net.add_task("classify");
  const auto model = net.add_model(task, 0.9);
  const auto edge = net.add_node(10), cloud = net.add_node(0);
  net.add_link(edge, cloud, 0.02);
  net.pin(cloud, model, 0.01);
  net.add_option(edge, model, {5, 0.001, INFINITY});
  net.add_request_type(task, {edge, cloud});
  const auto inst = net.build();
  const auto slot = idn::alloc::make_batch(inst, Eigen::VectorXd::Constant(1, 3.0));
  const double alloc_gain = idn::alloc::gain(inst, Eigen::VectorXd::Ones(1), slot);  // 3 requests x 20 ms saved
  const std::vector<double> flop{4, 4, 4, 4}, speed{1, 1};                           // partition
  const auto ccp = idn::partition::ccp_nicol(flop, speed);                           // 8 FLOP per worker
  const auto path = std::filesystem::temp_directory_path() / "idn_test_package.npy";  // io
  Eigen::VectorXd v(3);
  v << idn::uniform01(g), 2.0, t;
  idn::io::save_npy(path, v);
  const bool io_ok = idn::io::load_npy_vector(path) == v;
  std::filesystem::remove(path);
  std::printf("idn %s: ResNet-50 on %s in %.3f ms (uncalibrated), %d event, allocation gain %.3f s, CCP bottleneck %g, npy round trip %s\n",
              IDN_VERSION_STRING, std::string(orin.name()).c_str(), t * 1e3, fired, alloc_gain, ccp.bottleneck_s, io_ok ? "ok" : "FAILED");
  const bool alloc_ok = std::abs(alloc_gain - 3 * 0.029) < 1e-12;
  return (io_ok && alloc_ok && ccp.bottleneck_s == 8 && fired == 1 && std::isfinite(t) && t > 0) ? 0 : 1;
}
