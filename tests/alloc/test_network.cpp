#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "approx.hpp"
#include "idn/alloc/network.hpp"
#include "random_idn.hpp"

using namespace idn::alloc;

namespace {
// access(0) -- edge(1) -- cloud(2); the cloud pins model 0.
network small() {
  network n;
  const task_id t = n.add_task("classify");
  n.add_model(t, 0.7, "small");   // 0
  n.add_model(t, 0.9, "large");   // 1
  n.add_node(10, "access");
  n.add_node(100, "edge");
  n.add_node(0, "cloud");
  n.add_link(node_id{0}, node_id{1}, 0.005);
  n.add_link(node_id{1}, node_id{2}, 0.030);
  n.pin(node_id{2}, model_id{0}, 0.002);
  n.add_option(node_id{0}, model_id{0}, {5, 0.020, 10});
  n.add_option(node_id{1}, model_id{1}, {50, 0.004, INFINITY});
  n.add_option(node_id{1}, model_id{0}, {5, 0.001, 3});
  n.add_request_type(t, {node_id{0}, node_id{1}, node_id{2}});
  return n;
}
}  // namespace

TEST_CASE("compile: costs, sort key, truncation at the fallback, CSR and transpose") {
  const instance in = small().build({0.1, 1.0});
  REQUIRE(in.num_vars() == 3);
  REQUIRE(in.num_types() == 1);
  CHECK(in.node_begin()[0] == 0);
  CHECK(in.node_begin()[1] == 1);
  CHECK(in.node_begin()[3] == 3);
  // Costs (α = 0.1): edge large 0.005+0.004+0.01; edge small 0.005+0.001+0.03; access small 0.020+0.03;
  // cloud pin 0.035+0.002+0.03.
  const auto ec = in.entry_cost();
  REQUIRE(in.num_entries() == 3);
  CHECK(in.var_model()[in.entry_var()[0]] == 1);  // edge, large
  CHECK(ec[0] == idn::test::rel(0.019));
  CHECK(ec[1] == idn::test::rel(0.036));
  CHECK(ec[2] == idn::test::rel(0.050));
  CHECK(in.fallback_cost()[0] == idn::test::rel(0.067));
  CHECK(in.fallback_model()[0] == 0);
  for (std::size_t e = 1; e < in.num_entries(); ++e) CHECK(ec[e - 1] <= ec[e]);
  // An option dearer than the fallback is never a candidate: the list is cut at the first pin.
  network slow = small();
  const model_id big{1};
  slow.add_option(node_id{0}, big, {5, 1.0, 10});  // access node, 1 s inference: far beyond the cloud pin
  const instance cut = slow.build({0.1, 1.0});
  CHECK(cut.num_vars() == 4);
  CHECK(cut.num_entries() == 3);
  for (const auto j : cut.entry_var()) CHECK(!(cut.var_node()[j] == 0 && cut.var_model()[j] == big));
  // Transpose: each var lists its entries.
  for (std::size_t j = 0; j < in.num_vars(); ++j)
    for (std::uint32_t k = in.var_entry_begin()[j]; k < in.var_entry_begin()[j + 1]; ++k)
      CHECK(in.entry_var()[in.var_entries()[k]] == j);
}

TEST_CASE("compile: random IDNs: sorted lists end before the first pin; transpose in increasing type order") {
  idn::rng g(310);
  for (int k = 0; k < 500; ++k) {
    auto d = idn::test::random_idn(g);
    const instance in = d.net.build({d.alpha, d.nu});
    const auto tb = in.type_begin();
    for (std::size_t t = 0; t < in.num_types(); ++t) {
      for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) {
        REQUIRE(in.entry_cost()[e] <= in.fallback_cost()[t]);
        if (e > tb[t]) REQUIRE(in.entry_cost()[e - 1] <= in.entry_cost()[e]);
      }
    }
    std::size_t total = 0;
    for (std::size_t j = 0; j < in.num_vars(); ++j) {
      for (std::uint32_t k = in.var_entry_begin()[j]; k + 1 < in.var_entry_begin()[j + 1]; ++k)
        REQUIRE(in.var_entries()[k] < in.var_entries()[k + 1]);
      total += in.var_entry_begin()[j + 1] - in.var_entry_begin()[j];
    }
    REQUIRE(total == in.num_entries());
  }
}

TEST_CASE("network: every §5 builder condition names the field and value") {
  network n;
  const task_id t = n.add_task("t");
  CHECK_THROWS_WITH_AS(n.add_model(task_id{7}, 0.5), doctest::Contains("idn::alloc::network::add_model: task = 7: must be < the number of tasks = 1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_model(t, 1.5), doctest::Contains("idn::alloc::network::add_model: accuracy of model 0 = 1.5: must lie in [0, 1]"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_model(t, NAN), doctest::Contains("idn::alloc::network::add_model: accuracy of model 0 = nan: must lie in [0, 1]"), idn::invalid_input);
  const model_id m = n.add_model(t, 0.5);
  CHECK_THROWS_WITH_AS(n.add_node(-1), doctest::Contains("idn::alloc::network::add_node: budget_bytes of node 0 = -1: must be finite and >= 0"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_node(INFINITY), doctest::Contains("idn::alloc::network::add_node: budget_bytes of node 0 = inf: must be finite and >= 0"), idn::invalid_input);
  n.add_node(10);
  n.add_node(10);
  n.add_node(0);
  CHECK_THROWS_WITH_AS(n.add_link(node_id{0}, node_id{9}, 1), doctest::Contains("idn::alloc::network::add_link: v = 9: must be < the number of nodes = 3"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_link(node_id{1}, node_id{1}, 1), "idn::alloc::network::add_link: v = 1: must differ from u (self-links are not allowed)", idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_link(node_id{0}, node_id{1}, -0.5), doctest::Contains("idn::alloc::network::add_link: latency_s of link (node 0, node 1) = -0.5: must be finite and >= 0"), idn::invalid_input);
  n.add_link(node_id{0}, node_id{1}, 0.01);
  CHECK_THROWS_WITH_AS(n.add_link(node_id{1}, node_id{0}, 0.01), doctest::Contains("idn::alloc::network::add_link: (u, v) = (node 1, node 0): already linked"), idn::invalid_input);
  n.add_link(node_id{1}, node_id{2}, 0.01);
  CHECK_THROWS_WITH_AS(n.add_option(node_id{5}, m, {1, 0, 1}), doctest::Contains("idn::alloc::network::add_option: v = 5: must be < the number of nodes = 3"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_option(node_id{0}, model_id{4}, {1, 0, 1}), doctest::Contains("idn::alloc::network::add_option: m = 4: must be < the number of models = 1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_option(node_id{0}, m, {-1, 0, 1}), "idn::alloc::network::add_option: option (node 0, model 0).size_bytes = -1: must be finite and > 0",
                       idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_option(node_id{0}, m, {1, -2, 1}), doctest::Contains("inference_delay_s = -2"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_option(node_id{0}, m, {1, 0, NAN}), doctest::Contains("capacity_per_slot = nan"), idn::invalid_input);
  n.add_option(node_id{0}, m, {1, 0, INFINITY});
  CHECK_THROWS_WITH_AS(n.add_option(node_id{0}, m, {1, 0, 1}), doctest::Contains("idn::alloc::network::add_option: (v, m) = (node 0, model 0): already an option or a pin"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.pin(node_id{0}, m, 0.1), doctest::Contains("idn::alloc::network::pin: (v, m) = (node 0, model 0): already an option or a pin"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.pin(node_id{2}, m, -1), doctest::Contains("idn::alloc::network::pin: inference_delay_s of pin (node 2, model 0) = -1: must be finite and >= 0"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_request_type(task_id{3}, {node_id{0}}), doctest::Contains("idn::alloc::network::add_request_type: task = 3: must be < the number of tasks = 1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_request_type(t, {}), doctest::Contains("idn::alloc::network::add_request_type: path.size() of type 0 = 0: must be >= 1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_request_type(t, {node_id{0}, node_id{1}, node_id{0}}), doctest::Contains("idn::alloc::network::add_request_type: path[2] = node 0: repeats path[0]"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_request_type(t, {node_id{0}, node_id{2}}), doctest::Contains("idn::alloc::network::add_request_type: (path[0], path[1]) = (node 0, node 2): must be linked (add_link)"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_request_type(t, {node_id{0}, node_id{7}}), doctest::Contains("idn::alloc::network::add_request_type: path[1] = 7: must be < the number of nodes = 3"), idn::invalid_input);
  n.add_request_type(t, {node_id{0}, node_id{1}, node_id{2}});
  CHECK_THROWS_WITH_AS((void)n.build(), doctest::Contains("idn::alloc::network::build: path.back() of type 0 = node 2: must pin a model of task 0 't'"), idn::invalid_input);
  n.pin(node_id{2}, m, 0.1);
  CHECK_NOTHROW((void)n.build());
  CHECK_THROWS_WITH_AS((void)n.build({-1, 1}), doctest::Contains("alpha_s = -1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS((void)n.build({0, NAN}), doctest::Contains("network_factor = nan"), idn::invalid_input);
  network big = n;
  big.add_option(node_id{1}, m, {11, 0, 1});  // node 1 has budget 10
  CHECK_THROWS_WITH_AS((void)big.build(), doctest::Contains("idn::alloc::network::build: option (node 1, model 0).size_bytes = 11: must be <= the node's budget_bytes = 10"),
                       idn::invalid_input);
}

TEST_CASE("make_batch: validation, capping, and capacity splits") {
  const instance in = small().build({0.1, 1.0});
  CHECK_THROWS_WITH_AS(make_batch(in, Eigen::VectorXd::Zero(2)), doctest::Contains("idn::alloc::make_batch: requests.size() = 2: must equal num_types = 1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(make_batch(in, Eigen::VectorXd::Constant(1, -1)), doctest::Contains("requests[0] = -1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(make_batch(in, Eigen::VectorXd::Constant(1, NAN)), doctest::Contains("requests[0] = nan"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(make_batch(in, Eigen::VectorXd::Constant(1, 5), Eigen::VectorXd::Zero(2)),
                       doctest::Contains("idn::alloc::make_batch: capacity.size() = 2: must equal num_entries = 3"), idn::invalid_input);
  Eigen::VectorXd l(3);
  l << 1, 4, 3;  // entry 1 is (edge, small) with L = 3
  CHECK_THROWS_WITH_AS(make_batch(in, Eigen::VectorXd::Constant(1, 5), l), doctest::Contains("idn::alloc::make_batch: capacity[1] (type 0, entry 1) = 4: must lie in [0, L = 3]"),
                       idn::invalid_input);
  l << 1, 2, 3;
  const batch b = make_batch(in, Eigen::VectorXd::Constant(1, 2.5), l);
  CHECK(b.capacity()[0] == 1);
  CHECK(b.capacity()[1] == 2);
  CHECK(b.capacity()[2] == 2.5);  // capped at r
  const batch d = make_batch(in, Eigen::VectorXd::Constant(1, 100));
  CHECK(std::isinf(in.capacity()[in.entry_var()[0]]));
  CHECK(d.capacity()[0] == 100);
}

TEST_CASE("make_batch: even and proportional capacity splits share L among the active types") {
  network n;
  const task_id t = n.add_task("t");
  const model_id m = n.add_model(t, 0.9);
  const node_id a0 = n.add_node(0), a1 = n.add_node(0), a2 = n.add_node(0), edge = n.add_node(10), cloud = n.add_node(0);
  for (const node_id a : {a0, a1, a2}) n.add_link(a, edge, 0.005);
  n.add_link(edge, cloud, 0.03);
  n.pin(cloud, m, 0.01);
  n.add_option(edge, m, {5, 0.001, 12});  // L = 12 shared by the types through the edge
  for (const node_id a : {a0, a1, a2}) n.add_request_type(t, {a, edge, cloud});
  const instance in = n.build();
  Eigen::VectorXd r(3);
  r << 30, 10, 0;  // the third type is inactive
  const batch even = make_batch(in, r, std::nullopt, capacity_split::even);
  CHECK(even.capacity()[0] == 6);   // 12 / 2 active types
  CHECK(even.capacity()[1] == 6);
  CHECK(even.capacity()[2] == 0);   // capped at r = 0
  const batch prop = make_batch(in, r, std::nullopt, capacity_split::proportional);
  CHECK(prop.capacity()[0] == 9);   // 12 * 30 / 40
  CHECK(prop.capacity()[1] == 3);   // 12 * 10 / 40
  const batch none = make_batch(in, r);
  CHECK(none.capacity()[0] == 12);
  CHECK(none.capacity()[1] == 10);  // capped at r
}

TEST_CASE("network errors name the node, model and task when they have names") {
  network n;
  const auto t = n.add_task("classify");
  const auto m = n.add_model(t, 0.7, "mobilenet_v2");
  const auto edge = n.add_node(10, "edge-a"), cloud = n.add_node(0, "cloud");
  CHECK_THROWS_WITH_AS(n.add_node(-1, "bad"), doctest::Contains("idn::alloc::network::add_node: budget_bytes of node 2 'bad' = -1: must be finite and >= 0"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_model(t, 2, "resnet"), doctest::Contains("idn::alloc::network::add_model: accuracy of model 1 'resnet' = 2: must lie in [0, 1]"), idn::invalid_input);
  n.add_link(edge, cloud, 0.02);
  CHECK_THROWS_WITH_AS(n.add_link(cloud, edge, 0.02), doctest::Contains("idn::alloc::network::add_link: (u, v) = (node 1 'cloud', node 0 'edge-a'): already linked"),
                       idn::invalid_input);
  CHECK_THROWS_WITH_AS(n.add_option(edge, m, {-1, 0, 1}), doctest::Contains("idn::alloc::network::add_option: option (node 0 'edge-a', model 0 'mobilenet_v2').size_bytes = -1: must be finite and > 0"),
                       idn::invalid_input);
  n.add_request_type(t, {edge, cloud});
  CHECK_THROWS_WITH_AS((void)n.build(), doctest::Contains("idn::alloc::network::build: path.back() of type 0 = node 1 'cloud': must pin a model of task 0 'classify'"),
                       idn::invalid_input);
  n.pin(cloud, m, 0.01);
  n.add_option(edge, m, {11, 0, 1});
  CHECK_THROWS_WITH_AS((void)n.build(), doctest::Contains("idn::alloc::network::build: option (node 0 'edge-a', model 0 'mobilenet_v2').size_bytes = 11: must be <= the node's budget_bytes = 10"),
                       idn::invalid_input);
}
