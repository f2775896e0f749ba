#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/alloc/baselines.hpp"
#include "random_batches.hpp"
#include "random_idn.hpp"

using namespace idn::alloc;

namespace {
// Independent recursive enumerator over variables (not per node).
void enumerate(const instance& in, std::span<const batch> slots, Eigen::VectorXd& x, std::size_t j, std::vector<double>& used,
               double& best) {
  if (j == in.num_vars()) {
    double g = 0;
    for (const batch& b : slots) g += gain(in, x, b);
    best = std::max(best, g);
    return;
  }
  x[static_cast<Eigen::Index>(j)] = 0;
  enumerate(in, slots, x, j + 1, used, best);
  const node_id v = in.var_node()[j];
  if (used[v] + in.size()[static_cast<Eigen::Index>(j)] <= in.budget()[v]) {
    used[v] += in.size()[static_cast<Eigen::Index>(j)];
    x[static_cast<Eigen::Index>(j)] = 1;
    enumerate(in, slots, x, j + 1, used, best);
    x[static_cast<Eigen::Index>(j)] = 0;
    used[v] -= in.size()[static_cast<Eigen::Index>(j)];
  }
}
// One edge node with options in front of a cloud that pins every model.
instance single_node(idn::rng& g) {
  network n;
  const std::size_t tasks = 1 + g() % 3;
  for (std::size_t t = 0; t < tasks; ++t) n.add_task("t");
  std::vector<model_id> models;
  for (std::size_t t = 0; t < tasks; ++t)
    for (std::size_t k = 0, m = 1 + g() % 3; k < m; ++k) models.push_back(n.add_model(static_cast<task_id>(t), 0.5 + 0.5 * idn::uniform01(g)));
  const double budget = static_cast<double>(2 + g() % 10);
  const node_id edge = n.add_node(budget);
  const node_id cloud = n.add_node(0);
  n.add_link(edge, cloud, 0.01 + 0.05 * idn::uniform01(g));
  for (const model_id m : models) {
    n.pin(cloud, m, 0.01);
    if (g() % 4) n.add_option(edge, m, {1 + static_cast<double>(g() % static_cast<std::uint64_t>(std::min(6.0, budget))), 0.02 * idn::uniform01(g), g() % 3 ? INFINITY : static_cast<double>(g() % 20)});
  }
  for (std::size_t t = 0; t < tasks; ++t) n.add_request_type(static_cast<task_id>(t), {edge, cloud});
  return n.build({0.1 * idn::uniform01(g), 1});
}
}  // namespace

TEST_CASE("brute_force equals an independent recursive enumerator") {
  idn::rng g(801);
  for (int k = 0; k < 300; ++k) {
    auto d = idn::test::random_idn(g, 10);
    const instance in = d.net.build({d.alpha, d.nu});
    const auto slots = idn::test::random_batches(g, in, 1 + g() % 3, 25);
    const brute_force_result opt = brute_force(in, slots);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()));
    std::vector<double> used(in.num_nodes(), 0.0);
    double best = 0;
    enumerate(in, slots, x, 0, used, best);
    REQUIRE(opt.gain == idn::test::rel(best).epsilon(1e-12));
    double check = 0;
    for (const batch& b : slots) check += gain(in, opt.x, b);
    REQUIRE(check == idn::test::rel(opt.gain).epsilon(1e-12));
  }
  auto d = idn::test::random_idn(g, 14);
  const instance in = d.net.build({d.alpha, d.nu});
  const auto slots = idn::test::random_batches(g, in, 1, 25);
  if (in.num_vars() > 2) CHECK_THROWS_WITH_AS(brute_force(in, slots, 2), doctest::Contains("idn::alloc::brute_force: in.num_vars() = 12: must be <= max_vars = 2"), idn::invalid_input);
}

TEST_CASE("greedy_static >= 1/2 (1 - 1/e) G* on single-node instances; feasible") {
  idn::rng g(802);
  const double bound = 0.5 * (1 - std::exp(-1.0));
  int strict = 0;
  for (int k = 0; k < 500; ++k) {
    const instance in = single_node(g);
    const auto slots = idn::test::random_batches(g, in, 1 + g() % 3, 25);
    const brute_force_result opt = brute_force(in, slots);
    const greedy_result gr = greedy_static(in, slots);
    REQUIRE(gr.gain >= bound * opt.gain - 1e-9);
    REQUIRE(gr.gain <= opt.gain + 1e-9);
    REQUIRE(in.size().dot(gr.x) <= in.budget()[0] + 1e-12);
    strict += gr.gain < opt.gain - 1e-9;
  }
  MESSAGE("greedy strictly below the optimum on " << strict << " of 500 instances");
}

TEST_CASE("myopic_greedy at slot t+1 equals greedy_static on batch t; policies keep budgets") {
  idn::rng g(803);
  for (int k = 0; k < 100; ++k) {
    auto d = idn::test::random_idn(g);
    const instance in = d.net.build({d.alpha, d.nu});
    const auto slots = idn::test::random_batches(g, in, 6, 25);
    myopic_greedy global(in, greedy_scope::global), local(in, greedy_scope::per_node);
    lfu freq(in, 0.8);
    for (std::size_t t = 0; t < slots.size(); ++t) {
      global.step(slots[t]);
      local.step(slots[t]);
      freq.step(slots[t]);
      const greedy_result expected = greedy_static(in, std::span<const batch>(&slots[t], 1));
      REQUIRE(global.allocation() == expected.x);
      for (const auto* x : {&global.allocation(), &local.allocation(), &freq.allocation()}) {
        std::vector<double> used(in.num_nodes(), 0.0);
        for (std::size_t j = 0; j < in.num_vars(); ++j) used[in.var_node()[j]] += in.size()[static_cast<Eigen::Index>(j)] * (*x)[static_cast<Eigen::Index>(j)];
        for (std::size_t v = 0; v < in.num_nodes(); ++v) REQUIRE(used[v] <= in.budget()[static_cast<Eigen::Index>(v)] + 1e-12);
      }
    }
  }
  CHECK_THROWS_AS(lfu(idn::test::random_idn(g).net.build(), 1.0), idn::invalid_input);
  CHECK_THROWS_WITH_AS(lfu(idn::test::random_idn(g).net.build(), NAN), doctest::Contains("decay = nan"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(lfu(idn::test::random_idn(g).net.build(), -0.5), doctest::Contains("decay = -0.5"), idn::invalid_input);
}

TEST_CASE("relaxation_bound: G* <= upper, lower <= upper, gap <= its regret bound / iterations, and the gap closes") {
  idn::rng g(804);
  for (int k = 0; k < 20; ++k) {
    auto d = idn::test::random_idn(g, 10);
    const instance in = d.net.build({d.alpha, d.nu});
    const auto slots = idn::test::random_batches(g, in, 2, 25);
    const brute_force_result opt = brute_force(in, slots);
#ifdef IDN_TEST_LIGHT
    const std::vector<std::size_t> its{1000, 10000};
#else
    const std::vector<std::size_t> its{1000, 10000, 100000};
#endif
    for (const std::size_t it : its) {
      const auto rb = relaxation_bound(in, slots, it);
      CAPTURE(it);
      REQUIRE(opt.gain <= rb.upper + 1e-9 * std::max(1.0, opt.gain));
      REQUIRE(rb.lower <= rb.upper + 1e-9 * std::max(1.0, rb.upper));
      REQUIRE(rb.upper - rb.lower <= rb.regret_bound / static_cast<double>(it) + 1e-9 * std::max(1.0, rb.upper));
      // The bound is O(√iterations), so the bracket must close at least as 1/√iterations.
      REQUIRE(rb.upper - rb.lower <= 50 * std::max(1.0, opt.gain) / std::sqrt(static_cast<double>(it)));
    }
  }
}
