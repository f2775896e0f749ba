// Counts global operator new calls: infida::step allocates nothing after construction.
#include <doctest/doctest.h>


#include "idn/alloc/infida.hpp"
#include "random_idn.hpp"

#include "counting_new.hpp"

TEST_CASE("infida::step: zero heap allocations over 100 steps after the first, every mode") {
  using namespace idn::alloc;
  idn::rng g(700);
  for (int k = 0; k < 20; ++k) {
    auto d = idn::test::random_idn(g);
    const instance in = d.net.build({d.alpha, d.nu});
    Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
    for (auto& v : r) v = static_cast<double>(g() % 30);
    const batch b = make_batch(in, r);
    for (mirror_map map : {mirror_map::entropic, mirror_map::euclidean})
      for (coin_mode coins : {coin_mode::fresh, coin_mode::reuse})
        for (last_fractional last : {last_fractional::round_down, last_fractional::bernoulli})
          for (step_rule rule : {step_rule::fixed, step_rule::adaptive}) {
          infida_options o;
          o.map = map;
          o.step = rule;
          if (rule == step_rule::fixed) o.eta = 0.05;
          o.rounding = {last, coins, static_cast<std::size_t>(1 + k % 3),
                        last == last_fractional::bernoulli && coins == coin_mode::reuse ? rounding_method::largest_first : rounding_method::dep_round};
          infida policy(in, o);
          policy.step(b);
          const std::size_t before = idn::test::allocations();
          for (int t = 0; t < 100; ++t) policy.step(b);
          CHECK(idn::test::allocations() - before == 0);
        }
  }
}
