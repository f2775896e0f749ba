// idn/alloc/policy.hpp: the run-time clauses of allocation_policy (A1-A4) on every policy idn
// ships, on a tiered network with load costs. Oracles: gain() for G(x^t), a direct diff of
// allocation() before and after step() for loads, unloads, loaded bytes and reconfiguration
// cost, the budgets for A2, and a twin policy for A4.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <vector>

#include "approx.hpp"
#include "error_of.hpp"
#include "idn/alloc/baselines.hpp"
#include "idn/alloc/gain.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/policy.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/core/random.hpp"
#include "random_batches.hpp"

using namespace idn::alloc;

namespace {

network policy_test_network() {
  constexpr double gib = 1024.0 * 1024.0 * 1024.0;
  tiered_options p;
  p.tiers = {{"cloud", 1, 0, 0, 1}, {"edge", 3, 2 * gib, 0.010, 1}, {"access", 2, 1 * gib, 0.004, 2}};
  for (int t = 0; t < 3; ++t) p.catalog.push_back({idn::concat("task", t), {{"s", 0.6}, {"m", 0.75}, {"l", 0.9}}});
  p.option = [](std::size_t k, model_id m) -> std::optional<option_data> {
    const double q = static_cast<double>(m % 3);
    return option_data{0.3 * gib * (1 + q), (1 + q) * 0.002 * static_cast<double>(k + 1), 40 / (1 + q), 1e-3 * (1 + q)};
  };
  return tiered_network(p);
}

/// A2: 0/1 entries, one per variable; each node within budget up to the reported excess.
void check_allocation(const instance& in, const Eigen::VectorXd& x, double excess) {
  REQUIRE(static_cast<std::size_t>(x.size()) == in.num_vars());
  for (std::size_t v = 0; v < in.num_nodes(); ++v) {
    double used = 0;
    for (std::uint32_t j = in.node_begin()[v]; j < in.node_begin()[v + 1]; ++j) {
      REQUIRE((x[j] == 0 || x[j] == 1));
      used += x[j] * in.size()[j];
    }
    REQUIRE(used <= in.budget()[static_cast<Eigen::Index>(v)] + excess + 1e-6);
  }
}

/// A1-A4 over the batches; make() builds a fresh policy. Returns the number of loads seen (so
/// that a policy that never moves is noticed where moving is expected).
template <class Make>
std::size_t check_policy(const instance& in, const std::vector<batch>& batches, Make make, bool rounds_randomly = false) {
  auto p = make(), twin = make();
  static_assert(allocation_policy<decltype(p)>);
  // A3: x^1 is installed before the first step (a randomly rounding policy reports an overshoot
  // only from its first step on, so x^1's budget is not checked for it).
  check_allocation(in, p.allocation(), rounds_randomly ? INFINITY : 0);
  std::size_t loads_seen = 0;
  for (const batch& b : batches) {
    const Eigen::VectorXd before = p.allocation();
    const slot_metrics m = p.step(b), mt = twin.step(b);
    CHECK(m.integral_gain == idn::test::rel(gain(in, before, b)).epsilon(1e-9));  // A1: scored on x^t
    const Eigen::VectorXd& after = p.allocation();
    check_allocation(in, after, m.budget_excess_bytes);  // A2
    std::size_t loads = 0, unloads = 0;
    double bytes = 0, cost = 0;
    for (std::size_t j = 0; j < in.num_vars(); ++j) {
      if (before[static_cast<Eigen::Index>(j)] == 0 && after[static_cast<Eigen::Index>(j)] == 1) {
        ++loads;
        bytes += in.size()[static_cast<Eigen::Index>(j)];
        cost += in.var_load_cost()[j];
      }
      unloads += before[static_cast<Eigen::Index>(j)] == 1 && after[static_cast<Eigen::Index>(j)] == 0 ? 1 : 0;
    }
    CHECK(m.loads == loads);
    CHECK(m.unloads == unloads);
    CHECK(m.loaded_bytes == idn::test::rel(bytes).epsilon(1e-12));
    CHECK(m.reconfiguration_cost == idn::test::rel(cost).epsilon(1e-12));
    CHECK(m.net_gain() == m.integral_gain - m.reconfiguration_cost);
    // A4: the twin, fed the same batches, reports the same metrics and allocation.
    CHECK(mt.integral_gain == m.integral_gain);
    CHECK(mt.fractional_gain == m.fractional_gain);
    CHECK(mt.loads == m.loads);
    CHECK(twin.allocation() == after);
    loads_seen += loads;
  }
  return loads_seen;
}

}  // namespace

TEST_CASE("allocation_policy clauses A1-A4: infida (both maps, three roundings), static, myopic greedy, lfu") {
  const network net = policy_test_network();
  const instance in = net.build();
  REQUIRE(in.num_vars() > 20);
  idn::rng g(77);
  const std::vector<batch> batches = idn::test::random_batches(g, in, 40, 30);
  for (const mirror_map map : {mirror_map::entropic, mirror_map::euclidean})
    for (const int rounding : {0, 1, 2}) {
      CAPTURE(static_cast<int>(map));
      CAPTURE(rounding);
      infida_options o;
      o.map = map;
      o.seed = 5;
      if (rounding == 1) o.rounding.last = last_fractional::bernoulli;  // may overshoot a budget, says by how much
      if (rounding == 2) o.rounding.method = rounding_method::largest_first;
      CHECK(check_policy(in, batches, [&] { return infida(in, o); }, rounding == 1) > 0);
    }
  Eigen::VectorXd none = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()));
  CHECK(check_policy(in, batches, [&] { return static_policy(in, none); }) == 0);
  CHECK(check_policy(in, batches, [&] { return myopic_greedy(in); }) > 0);
  CHECK(check_policy(in, batches, [&] { return lfu(in); }) > 0);
}

TEST_CASE("allocation_policy A1: a batch made for another instance is rejected, naming the instance") {
  const instance a = policy_test_network().build(), b = policy_test_network().build();
  idn::rng g(3);
  const std::vector<batch> other = idn::test::random_batches(g, b, 1, 30);
  infida p(a, infida_options{});
  CHECK_THROWS_AS((void)p.step(other[0]), idn::invalid_input);
  myopic_greedy gq(a);
  CHECK_THROWS_AS((void)gq.step(other[0]), idn::invalid_input);
  lfu l(a);
  CHECK_THROWS_AS((void)l.step(other[0]), idn::invalid_input);
  static_policy s(a, Eigen::VectorXd::Zero(static_cast<Eigen::Index>(a.num_vars())));
  CHECK_THROWS_AS((void)s.step(other[0]), idn::invalid_input);
}
