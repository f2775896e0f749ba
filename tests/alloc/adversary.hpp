#pragma once
// The paper's adversary, shared by the regret tests: two tasks in front of an edge that holds one
// model (budget 1, two unit-size options), the repository 50 ms away; requests alternate between
// the two tasks every slot.
#include <cmath>
#include <cstddef>
#include <vector>

#include "idn/alloc/network.hpp"

namespace idn::test {

inline alloc::network two_task_edge() {
  using namespace idn::alloc;
  network net;
  const task_id a = net.add_task("A"), b = net.add_task("B");
  const model_id ma = net.add_model(a, 0.8), mb = net.add_model(b, 0.8);
  const node_id edge = net.add_node(1.0), cloud = net.add_node(0.0);
  net.add_link(edge, cloud, 0.050);
  net.pin(cloud, ma, 0.005);
  net.pin(cloud, mb, 0.005);
  net.add_option(edge, ma, {1.0, 0.005, INFINITY});
  net.add_option(edge, mb, {1.0, 0.005, INFINITY});
  net.add_request_type(a, {edge, cloud});
  net.add_request_type(b, {edge, cloud});
  return net;
}

/// T slots of `requests` requests for type t % 2 at slot t.
inline std::vector<alloc::batch> period1_slots(const alloc::instance& in, std::size_t T, double requests) {
  std::vector<alloc::batch> slots;
  for (std::size_t t = 0; t < T; ++t) {
    Eigen::VectorXd r = Eigen::VectorXd::Zero(2);
    r[static_cast<Eigen::Index>(t % 2)] = requests;
    slots.push_back(alloc::make_batch(in, r));
  }
  return slots;
}

}  // namespace idn::test
