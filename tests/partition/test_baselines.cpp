// partition/baselines.hpp (docs/partition.md solver tests 6-7): waterfill against its KKT
// conditions, and the proportional and equal-size baselines.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/partition/baselines.hpp"
#include "idn/partition/brute_force.hpp"
#include "idn/partition/order.hpp"
#include "idn/partition/replicate.hpp"
#include "random_chain.hpp"

using namespace idn::partition;

namespace {
}  // namespace

TEST_CASE("waterfill: KKT on 1000 instances (active at T*, shares sum to the total, inactive tau >= T*)") {
  idn::rng g(9303);
  for (int rep = 0; rep < 1000; ++rep) {
    const std::size_t K = 1 + g() % 10;
    std::vector<double> F(K), tau(K);
    for (std::size_t k = 0; k < K; ++k) F[k] = idn::test::log_uniform(g, 1e9, 1e12), tau[k] = idn::uniform01(g) < 0.2 ? 0.0 : idn::test::log_uniform(g, 1e-4, 1.0);
    const double total = idn::test::log_uniform(g, 1e8, 1e13);
    const fluid_allocation a = waterfill(F, tau, total);
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) {
      const auto kk = static_cast<Eigen::Index>(k);
      if (a.active[k]) {
        REQUIRE(std::abs(a.flop_share[kk] / F[k] + tau[k] - a.stage_time_s) <= 1e-12 * a.stage_time_s);
        REQUIRE(a.flop_share[kk] >= 0);
      } else {
        REQUIRE(tau[k] >= a.stage_time_s);
        REQUIRE(a.flop_share[kk] == 0);
      }
      sum += a.flop_share[kk];
    }
    REQUIRE(std::abs(sum - total) <= 1e-12 * total);
  }
  CHECK_THROWS_AS(waterfill(std::vector<double>{1, 0}, std::vector<double>{0, 0}, 1), idn::invalid_input);
  CHECK_THROWS_AS(waterfill(std::vector<double>{1}, std::vector<double>{0, 0}, 1), idn::invalid_input);
}

TEST_CASE("baselines: proportional (no comm) within one layer of the fluid share; equal sizes differ by <= 1; local one stage; fields == evaluate") {
  idn::rng g(9304);
  for (int rep = 0; rep < 1000; ++rep) {
    const auto inst = idn::test::make_random_chain(g, 12, 4);
    const chain_problem& p = inst.problem;
    const std::size_t K = p.num_workers(), L = p.num_layers();
    auto matches = [&](const partition_result& r, const std::vector<std::size_t>& cuts) {
      const partition_result e = evaluate(p, std::span<const std::size_t>(cuts));
      REQUIRE(r.status == e.status);
      REQUIRE(r.bottleneck_s == e.bottleneck_s);
      REQUIRE(r.latency_s == e.latency_s);
    };
    // Equal split: the plan itself may be infeasible (memory); its cuts are still the equal ones.
    std::vector<std::size_t> ecuts{0};
    for (std::size_t k = 0; k < K; ++k) ecuts.push_back(ecuts.back() + L / K + (k < L % K ? 1 : 0));
    const partition_result eq = equal_split(p);
    matches(eq, ecuts);
    for (std::size_t k = 1; k < ecuts.size(); ++k)
      for (std::size_t q = 1; q < ecuts.size(); ++q) REQUIRE(std::abs(static_cast<long long>(ecuts[k] - ecuts[k - 1]) - static_cast<long long>(ecuts[q] - ecuts[q - 1])) <= 1);
    const std::size_t w = static_cast<std::size_t>(g() % static_cast<std::uint64_t>(K));
    const partition_result loc = local_only(p, w);
    if (loc.status == solve_status::optimal) {
      int nonempty = 0;
      for (const auto& s : loc.stages) nonempty += s.first < s.last;
      REQUIRE(nonempty == 1);
      REQUIRE(loc.stages[static_cast<std::size_t>(w)].last - loc.stages[static_cast<std::size_t>(w)].first == L);
    }
    // Proportional without communication: each cut within one layer of the fluid prefix.
    const partition_result pr = proportional_split(p, {false});
    std::vector<double> F(static_cast<std::size_t>(K)), tau(static_cast<std::size_t>(K), 0.0);
    const double total = p.profile().flop.sum();
    for (std::size_t k = 0; k < K; ++k) F[static_cast<std::size_t>(k)] = p.time().col(k).sum() > 0 ? total / p.time().col(k).sum() : 1e300;
    const fluid_allocation fl = waterfill(F, tau, total);
    double target = 0, W = 0;
    const double max_layer = p.profile().flop.maxCoeff();
    std::vector<std::size_t> pcuts{0};
    for (std::size_t k = 0; k + 1 < K; ++k) {
      target += fl.flop_share[k];
      std::size_t best = pcuts.back();
      double Wj = 0, Wb = 0;
      for (std::size_t l = 0; l < pcuts.back(); ++l) Wb += p.profile().flop[l];
      Wj = Wb;
      for (std::size_t j = pcuts.back(); j <= L; ++j) {
        if (std::abs(Wj - target) < std::abs(Wb - target)) best = j, Wb = Wj;
        if (j < L) Wj += p.profile().flop[j];
      }
      pcuts.push_back(best);
      W = Wb;
      if (best > 0 && best < L && std::abs(W - target) > 0) REQUIRE(std::abs(W - target) <= max_layer * (1 + 1e-12));
    }
    pcuts.push_back(L);
    matches(pr, pcuts);
  }
}
