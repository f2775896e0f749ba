#include <doctest/doctest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "approx.hpp"
#include "idn/alloc/distributed.hpp"
#include "random_idn.hpp"

using namespace idn::alloc;

namespace {
bool bitwise_equal(std::span<const double> a, const Eigen::VectorXd& b, std::size_t offset) {
  if (a.empty()) return true;  // memcmp on a null pointer is undefined even for length 0
  return std::memcmp(a.data(), b.data() + offset, sizeof(double) * a.size()) == 0;
}
}  // namespace

TEST_CASE("distributed node agents == centralized infida, bit for bit, every mode") {
  idn::rng g(1001);
#ifdef IDN_TEST_LIGHT
  const int instances = 15;
#else
  const int instances = 100;
#endif
  const std::size_t T = 200;
  for (int k = 0; k < instances; ++k) {
    auto d = idn::test::random_idn(g, 40, 30);
    const instance in = d.net.build({d.alpha, d.nu});
    std::vector<batch> batches;
    for (std::size_t t = 0; t < T; ++t) {
      Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
      for (auto& v : r) v = g() % 3 == 0 ? 0.0 : static_cast<double>(g() % 30);
      batches.push_back(make_batch(in, r));
    }
    for (mirror_map map : {mirror_map::entropic, mirror_map::euclidean})
      for (last_fractional last : {last_fractional::round_down, last_fractional::bernoulli})
        for (coin_mode coins : {coin_mode::fresh, coin_mode::reuse})
          for (std::size_t P : {std::size_t{1}, std::size_t{3}})
            for (step_rule rule : {step_rule::fixed, step_rule::adaptive}) {
            infida_options o;
            o.map = map;
            o.step = rule;
            if (rule == step_rule::fixed) o.eta = theory_step_size(in, map, T, 30).eta * 3;
            o.rounding = {last, coins, P, k % 2 ? rounding_method::largest_first : rounding_method::dep_round};
            o.seed = static_cast<std::uint64_t>(k);
            infida central(in, o);
            std::vector<node_agent> agents;
            for (node_id v{0}; v < in.num_nodes(); ++v) agents.emplace_back(in, v, o);
            std::vector<type_id> order(in.num_types());
            std::iota(order.begin(), order.end(), type_id{0});
            for (std::size_t t = 0; t < T; ++t) {
              for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[g() % i]);
              const slot_metrics mc = central.step(batches[t]);
              const distributed_slot md = run_slot(agents, in, batches[t], order);
              REQUIRE(md.metrics.fractional_gain == idn::test::rel(mc.fractional_gain).epsilon(1e-12));
              REQUIRE(md.metrics.integral_gain == idn::test::rel(mc.integral_gain).epsilon(1e-12));
              REQUIRE(md.metrics.loads == mc.loads);
              REQUIRE(md.metrics.unloads == mc.unloads);
              std::size_t expected_messages = 0;
              for (std::size_t ty = 0; ty < in.num_types(); ++ty)
                if (batches[t].requests()[static_cast<Eigen::Index>(ty)] > 0) expected_messages += 2 * (in.type_path(static_cast<type_id>(ty)).size() - 1);
              REQUIRE(md.messages == expected_messages);
              for (node_id v{0}; v < in.num_nodes(); ++v) {
                REQUIRE(bitwise_equal(agents[v].fractional(), central.fractional(), in.node_begin()[v]));
                REQUIRE(bitwise_equal(agents[v].allocation(), central.allocation(), in.node_begin()[v]));
              }
            }
          }
  }
}

TEST_CASE("run_slot: agent count and foreign batches are rejected") {
  idn::rng g(1002);
  auto d = idn::test::random_idn(g);
  const instance in = d.net.build({d.alpha, d.nu});
  infida_options o;
  o.step = step_rule::fixed;
  o.eta = 0.1;
  std::vector<node_agent> agents;
  for (node_id v{0}; v + 1 < in.num_nodes(); ++v) agents.emplace_back(in, v, o);
  const batch b = make_batch(in, Eigen::VectorXd::Ones(static_cast<Eigen::Index>(in.num_types())));
  CHECK_THROWS_WITH_AS(run_slot(agents, in, b), doctest::Contains("idn::alloc::run_slot: agents.size() = 5: must equal num_nodes = 6"), idn::invalid_input);
}
