// Reconfiguration costs: every policy's slot_metrics.reconfiguration_cost equals an independent
// recount from the allocations before and after its step, priced from the test's own option
// records (not the instance's copy), and net_gain subtracts it.
#include <doctest/doctest.h>

#include <vector>

#include "idn/alloc/baselines.hpp"
#include "idn/alloc/distributed.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/reconfiguration.hpp"
#include "random_idn.hpp"

using namespace idn::alloc;

namespace {
/// The network of d with every option's load_cost set to 1 + its index (so each load is visible).
instance with_load_costs(const idn::test::naive_idn& d) {
  network net;
  for (std::size_t v = 0; v < d.budget.size(); ++v) net.add_node(d.budget[v]);
  std::size_t tasks = 0;
  for (const auto t : d.model_task) tasks = std::max<std::size_t>(tasks, t + 1);
  for (const auto& ty : d.types) tasks = std::max<std::size_t>(tasks, ty.first + 1);
  for (std::size_t t = 0; t < tasks; ++t) net.add_task("t");
  for (std::size_t m = 0; m < d.model_task.size(); ++m) net.add_model(task_id{d.model_task[m]}, d.accuracy[m]);
  for (std::uint32_t u = 0; u < d.w.size(); ++u)
    for (std::uint32_t v = u + 1; v < d.w.size(); ++v)
      if (!std::isnan(d.w[u][v])) net.add_link(node_id{u}, node_id{v}, d.w[u][v]);
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    const auto& o = d.options[i];
    net.add_option(node_id{o.v}, model_id{o.m}, {o.s, o.d, o.L, 1.0 + static_cast<double>(i)});
  }
  for (const auto& p : d.pins) net.pin(node_id{p.v}, model_id{p.m}, p.d);
  for (const auto& [task, path] : d.types) net.add_request_type(task_id{task}, idn::test::node_ids(path));
  return net.build({d.alpha, d.nu});
}

/// The oracle, from d's own records: Σ (1 + option index) over the (node, model) options that
/// are loaded after and were not before.
double expected_cost(const idn::test::naive_idn& d, const instance& in, const Eigen::VectorXd& before, const Eigen::VectorXd& after) {
  double c = 0;
  for (Eigen::Index j = 0; j < after.size(); ++j) {
    if (before[j] > 0.5 || !(after[j] > 0.5)) continue;
    const std::uint32_t v = in.var_node()[static_cast<std::size_t>(j)].value(), m = in.var_model()[static_cast<std::size_t>(j)].value();
    for (std::size_t i = 0; i < d.options.size(); ++i)
      if (d.options[i].v == v && d.options[i].m == m) c += 1.0 + static_cast<double>(i);
  }
  return c;
}

template <idn::alloc::allocation_policy Policy>
void check_policy(Policy& p, const idn::test::naive_idn& d, const instance& in, const std::vector<batch>& batches) {
  for (const batch& b : batches) {
    const Eigen::VectorXd before = p.allocation();
    const slot_metrics m = p.step(b);
    const double expected = expected_cost(d, in, before, p.allocation());
    REQUIRE(m.reconfiguration_cost == doctest::Approx(expected).epsilon(1e-12));
    REQUIRE(reconfiguration_cost(in, before, p.allocation()) == doctest::Approx(expected).epsilon(1e-12));
    REQUIRE(m.net_gain() == m.integral_gain - m.reconfiguration_cost);
  }
}
}  // namespace

TEST_CASE("reconfiguration_cost: every policy reports the load costs of its own churn") {
  idn::rng g(1601);
  int checked = 0, charged = 0;
  while (checked < 40) {
    const auto d = idn::test::random_idn(g, 12);
    const instance in = with_load_costs(d);
    if (in.num_vars() == 0) continue;
    std::vector<batch> batches;
    for (int t = 0; t < 30; ++t) {
      Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
      for (auto& v : r) v = g() % 3 == 0 ? 0.0 : static_cast<double>(g() % 40);
      batches.push_back(make_batch(in, r));
    }
    infida_options o;
    o.seed = static_cast<std::uint64_t>(checked);
    infida inf(in, o);
    check_policy(inf, d, in, batches);
    myopic_greedy mg(in), mp(in, greedy_scope::per_node);
    check_policy(mg, d, in, batches);
    check_policy(mp, d, in, batches);
    lfu l(in);
    check_policy(l, d, in, batches);
    // The node agents sum the same per-node costs.
    infida central(in, o);
    std::vector<node_agent> agents;
    for (node_id v{0}; v < in.num_nodes(); ++v) agents.emplace_back(in, v, o);
    for (const batch& b : batches) {
      const slot_metrics mc = central.step(b);
      const distributed_slot md = run_slot(agents, in, b);
      REQUIRE(md.metrics.reconfiguration_cost == doctest::Approx(mc.reconfiguration_cost).epsilon(1e-12));
      charged += mc.reconfiguration_cost > 0 ? 1 : 0;
    }
    ++checked;
  }
  CHECK(charged > 20);
}

TEST_CASE("load_cost_of_transfer: price times transfer plus load time; bad input named") {
  CHECK(load_cost_of_transfer(100e6, 12.5e6, 0.2, 3.0) == doctest::Approx(3.0 * (8.0 + 0.2)));
  CHECK(load_cost_of_transfer(0, 1, 0, 0) == 0);
  CHECK_THROWS_WITH_AS(load_cost_of_transfer(-1, 1, 0, 1), doctest::Contains("size_bytes = -1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(load_cost_of_transfer(1, 0, 0, 1), doctest::Contains("uplink_bytes_per_s = 0"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(load_cost_of_transfer(1, 1, NAN, 1), doctest::Contains("load_s = nan"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(load_cost_of_transfer(1, 1, 0, INFINITY), doctest::Contains("price = inf"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(load_cost_of_transfer(1e300, 1e-300, 0, 1), doctest::Contains("overflows"), idn::invalid_input);
  network net;
  const task_id t = net.add_task("t");
  const model_id m = net.add_model(t, 0.5);
  const node_id v = net.add_node(1);
  CHECK_THROWS_WITH_AS(net.add_option(v, m, {1, 0, 1, -2}), doctest::Contains("load_cost = -2"), idn::invalid_input);
  net.pin(v, m, 0);
  const instance in = net.build();
  CHECK_THROWS_WITH_AS(reconfiguration_cost(in, Eigen::VectorXd::Zero(2), Eigen::VectorXd::Zero(0)), doctest::Contains("idn::alloc::reconfiguration_cost: before.size() = 2: must equal num_vars = 0"), idn::invalid_input);
}
