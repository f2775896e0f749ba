// docs/partition.md solver tests 1-2: min_bottleneck and the latency solvers == brute force.
#include <doctest/doctest.h>

#include <cmath>
#include <string_view>
#include <vector>

#include "approx.hpp"
#include "idn/partition/brute_force.hpp"
#include "idn/partition/solve.hpp"
#include "random_chain.hpp"

using namespace idn::partition;

namespace {
#ifdef IDN_TEST_LIGHT
constexpr int instances = 1000;
#else
constexpr int instances = 5000;
#endif
void same_fields(const partition_result& a, const partition_result& b) {
  REQUIRE(a.status == b.status);
  REQUIRE(a.cuts == b.cuts);
  REQUIRE(a.bottleneck_s == b.bottleneck_s);
  REQUIRE(a.latency_s == b.latency_s);
  REQUIRE(a.throughput_per_s == b.throughput_per_s);
  REQUIRE(a.stages.size() == b.stages.size());
  for (std::size_t k = 0; k < a.stages.size(); ++k) {
    REQUIRE(a.stages[k].period_s == b.stages[k].period_s);
    REQUIRE(a.stages[k].compute_s == b.stages[k].compute_s);
    REQUIRE(a.stages[k].memory_bytes == b.stages[k].memory_bytes);
  }
}
}  // namespace

TEST_CASE("min_bottleneck == brute force (5000 instances): status, bitwise bottleneck, lexicographically smallest cuts") {
  idn::rng g(9101);
  int infeasible = 0;
  partition_workspace ws;
  for (int rep = 0; rep < instances; ++rep) {
    const auto inst = idn::test::make_random_chain(g);
    const partition_result dp = min_bottleneck(inst.problem, inst.solve, ws), bf = brute_min_bottleneck(inst.problem, inst.solve);
    CAPTURE(rep);
    REQUIRE(dp.status == bf.status);
    infeasible += dp.status == solve_status::infeasible;
    if (dp.status == solve_status::infeasible) {
      REQUIRE(dp.cuts.empty());
      REQUIRE(dp.bottleneck_s == inf);
      REQUIRE(dp.throughput_per_s == 0);
      continue;
    }
    REQUIRE(dp.bottleneck_s == bf.bottleneck_s);
    REQUIRE(dp.cuts == bf.cuts);
    same_fields(dp, evaluate(inst.problem, std::span<const std::size_t>(dp.cuts)));
  }
  CHECK(infeasible >= instances / 10);
  CHECK(infeasible <= instances * 9 / 10);
}

TEST_CASE("min_latency, min_latency_bounded, min_bottleneck_then_latency == brute force (5000 instances each)") {
  idn::rng g(9102);
  partition_workspace ws;
  int bounded_infeasible = 0;
  for (int rep = 0; rep < instances; ++rep) {
    const auto inst = idn::test::make_random_chain(g);
    const chain_problem& p = inst.problem;
    CAPTURE(rep);
    const partition_result a = min_latency(p, inst.solve, ws), b = brute_min_latency(p, inst.solve);
    REQUIRE(a.status == b.status);
    if (a.status == solve_status::infeasible) continue;
    REQUIRE(idn::test::relatively_equal(a.latency_s, b.latency_s));
    same_fields(a, evaluate(p, std::span<const std::size_t>(a.cuts)));  // the cuts achieve the reported value
    // Lexicographic.
    const partition_result c = min_bottleneck_then_latency(p, inst.solve, ws), d = brute_min_bottleneck_then_latency(p, inst.solve);
    REQUIRE(c.status == solve_status::optimal);
    REQUIRE(c.bottleneck_s == d.bottleneck_s);
    REQUIRE(idn::test::relatively_equal(c.latency_s, d.latency_s));
    // Bounded, with B from OPT, just below OPT, a realised bottleneck, and uniform in (0, 2 OPT).
    const double opt = d.bottleneck_s;
    const double Bs[] = {opt, opt * (1 - 1e-12), a.bottleneck_s, 2 * opt * idn::uniform01(g)};
    for (const double B : Bs) {
      const partition_result e = min_latency_bounded(p, B, inst.solve, ws), f = brute_min_latency_bounded(p, B, inst.solve);
      CAPTURE(B);
      REQUIRE(e.status == f.status);
      bounded_infeasible += e.status == solve_status::infeasible;
      if (e.status == solve_status::infeasible) continue;
      REQUIRE(idn::test::relatively_equal(e.latency_s, f.latency_s));
      REQUIRE(e.bottleneck_s <= B);
    }
  }
  CHECK(bounded_infeasible > 0);
}

TEST_CASE("solvers: bad input names the field; infeasible is a result, not an error") {
  idn::rng g(9103);
  auto inst = idn::test::make_random_chain(g, 3, 4);
  while (inst.problem.num_layers() >= inst.problem.num_workers()) inst = idn::test::make_random_chain(g, 3, 4);
  CHECK_THROWS_WITH_AS(min_bottleneck(inst.problem, {false}), doctest::Contains("when allow_empty = false"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(min_latency_bounded(inst.problem, NAN), doctest::Contains("max_bottleneck_s = nan"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(min_latency_bounded(inst.problem, -1.0), doctest::Contains("max_bottleneck_s = -1"), idn::invalid_input);
  const std::vector<std::size_t> bad{0, 2, 1};
  CHECK_THROWS_AS(evaluate(inst.problem, std::span<const std::size_t>(bad)), idn::invalid_input);
  std::vector<idn::hw::affine_link> links{idn::hw::affine_link(0, 1e6)};
  chain_profile prof{Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(3)};
  Eigen::MatrixXd T = Eigen::MatrixXd::Ones(2, 1);
  T(1, 0) = -0.5;
  CHECK_THROWS_WITH_AS(make_chain_problem(prof, T, Eigen::VectorXd::Constant(1, INFINITY), std::span<const idn::hw::affine_link>(links),
                                          std::span<const idn::hw::affine_link>(links), links[0]),
                       "idn::partition::make_chain_problem: time(1,0) = -0.5: must be finite and >= 0", idn::invalid_input);
  prof.act_bytes.resize(2);
  CHECK_THROWS_WITH_AS(make_chain_problem(prof, Eigen::MatrixXd::Ones(2, 1), Eigen::VectorXd::Ones(1), std::span<const idn::hw::affine_link>(links),
                                          std::span<const idn::hw::affine_link>(links), links[0]),
                       "idn::partition::make_chain_problem: profile.act_bytes.size() = 2: must be flop.size() + 1 = 3", idn::invalid_input);
  prof.act_bytes = Eigen::VectorXd::Ones(3);
  CHECK_THROWS_WITH_AS(make_chain_problem(prof, Eigen::MatrixXd::Ones(2, 1), Eigen::VectorXd::Constant(1, NAN), std::span<const idn::hw::affine_link>(links),
                                          std::span<const idn::hw::affine_link>(links), links[0]),
                       doctest::Contains("memory_bytes[0] = nan"), idn::invalid_input);
  // Memory that fits nothing: infeasible result.
  const chain_problem tiny = make_chain_problem(prof, Eigen::MatrixXd::Ones(2, 1), Eigen::VectorXd::Constant(1, 0.5),
                                                std::span<const idn::hw::affine_link>(links), std::span<const idn::hw::affine_link>(links), links[0]);
  const partition_result r = min_bottleneck(tiny);
  CHECK(r.status == solve_status::infeasible);
  CHECK(r.cuts.empty());
  CHECK(r.latency_s == inf);
  CHECK(min_latency(tiny).status == solve_status::infeasible);
}

namespace {
// A hand-written serialized oracle: adjacency links between consecutive workers (hop = latency +
// bytes/rate of the link p→p+1 chain), some workers that may not be skipped (π(i,i) = +inf) and
// some stages forbidden outright.
struct custom_oracle {
  std::size_t L, K;
  Eigen::MatrixXd T;            // L×K
  Eigen::VectorXd a;            // L+1 activation bytes
  std::vector<double> rate;     // K+1 link rates: endpoint→0, 0→1, ..., K-1→endpoint
  std::vector<char> no_skip;    // worker may not be skipped
  std::size_t forbidden_worker = -1, forbidden_first = -1;
  std::size_t num_layers() const noexcept { return L; }
  std::size_t num_workers() const noexcept { return K; }
  double delay(std::size_t k, std::size_t i, std::size_t j) const noexcept {
    double x = 0;
    for (std::size_t l = i; l < j; ++l) x += T(l, k);
    return x;
  }
  double period(std::size_t k, std::size_t i, std::size_t j) const noexcept {
    if (i == j) return no_skip[static_cast<std::size_t>(k)] ? inf : 0.0;
    if (k == forbidden_worker && i == forbidden_first) return inf;
    return a[i] / rate[static_cast<std::size_t>(k)] + delay(k, i, j) + a[j] / rate[static_cast<std::size_t>(k + 1)];
  }
  double hop(std::size_t p, std::size_t q, std::size_t c) const noexcept {
    if (p == q) return 0.0;
    const std::size_t from = p == endpoint ? 0 : p + 1, to = q == endpoint ? K : q;  // links crossed: from..to
    double t = 0;
    if (to >= from)
      for (std::size_t x = from; x <= to; ++x) t += a[c] / rate[static_cast<std::size_t>(x)];
    return t;
  }
  double fixed_period() const noexcept { return a[0] / rate[0]; }
};
static_assert(chain_oracle<custom_oracle>);
}  // namespace

TEST_CASE("custom chain_oracle with forbidden skips and stages: DPs == brute force (2000 instances)") {
  idn::rng g(9104);
  int forbidden_mattered = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    custom_oracle o;
    o.L = 1 + static_cast<std::size_t>(g() % 9);
    o.K = 1 + static_cast<std::size_t>(g() % 4);
    o.T.resize(o.L, o.K);
    for (std::size_t l = 0; l < o.L; ++l)
      for (std::size_t k = 0; k < o.K; ++k) o.T(l, k) = idn::test::log_uniform(g, 1e-4, 1e-1);
    o.a.resize(o.L + 1);
    for (auto& v : o.a) v = idn::test::log_uniform(g, 1e2, 1e6);
    for (std::size_t k = 0; k <= o.K; ++k) o.rate.push_back(idn::test::log_uniform(g, 1e6, 1e9));
    for (std::size_t k = 0; k < o.K; ++k) o.no_skip.push_back(g() % 3 == 0);
    if (g() % 2) o.forbidden_worker = static_cast<std::size_t>(g() % o.K), o.forbidden_first = static_cast<std::size_t>(g() % o.L);
    solve_options s{g() % 3 != 0 || o.L < o.K};
    CAPTURE(rep);
    const partition_result a = min_bottleneck(o, s), b = brute_min_bottleneck(o, s);
    REQUIRE(a.status == b.status);
    if (a.status == solve_status::optimal) {
      REQUIRE(a.bottleneck_s == b.bottleneck_s);
      REQUIRE(a.cuts == b.cuts);
    }
    const partition_result c = min_latency(o, s), d = brute_min_latency(o, s);
    REQUIRE(c.status == d.status);
    if (c.status == solve_status::optimal) REQUIRE(idn::test::relatively_equal(c.latency_s, d.latency_s));
    const partition_result e = min_bottleneck_then_latency(o, s), f = brute_min_bottleneck_then_latency(o, s);
    REQUIRE(e.status == f.status);
    if (e.status == solve_status::optimal) REQUIRE(idn::test::relatively_equal(e.latency_s, f.latency_s));
    forbidden_mattered += a.status == solve_status::infeasible;
  }
  CHECK(forbidden_mattered > 20);
}
