// idn/partition/brute_force.hpp is the oracle of every chain solver, so it is checked by other
// means: for_each_cut_vector visits exactly the C(L+K-1, K-1) (or C(L-1, K-1)) vectors counted
// by Pascal's triangle, each valid, all distinct, in strictly increasing lexicographic order; the
// brute_min_* results are the lexicographically first minimisers among the evaluated vectors and
// obey their constraints; the 10^7 limit is named.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "idn/core/random.hpp"
#include "idn/partition/brute_force.hpp"
#include "idn/partition/solve.hpp"
#include "random_chain.hpp"

using namespace idn::partition;

namespace {
/// C(n, r) by Pascal's triangle (an independent count).
std::uint64_t pascal(std::size_t n, std::size_t r) {
  if (r > n) return 0;
  std::vector<std::uint64_t> row(n + 1, 0);
  row[0] = 1;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = i; j > 0; --j) row[j] += row[j - 1];
  return row[r];
}
}  // namespace

TEST_CASE("for_each_cut_vector: every valid vector once, in lexicographic order, as many as Pascal's triangle says (300 instances)") {
  idn::rng g(4242);
  std::uint64_t visited_total = 0;
  int no_vectors = 0;
  for (int rep = 0; rep < 300; ++rep) {
    const auto inst = idn::test::make_random_chain(g, 9, 5);
    const std::size_t L = inst.problem.num_layers(), K = inst.problem.num_workers();
    for (const bool allow_empty : {true, false}) {
      CAPTURE(rep);
      CAPTURE(allow_empty);
      std::vector<std::vector<std::size_t>> seen;
      for_each_cut_vector(inst.problem, allow_empty, [&](std::span<const std::size_t> b) {
        REQUIRE(b.size() == K + 1);
        REQUIRE(b.front() == 0);
        REQUIRE(b.back() == L);
        for (std::size_t k = 1; k <= K; ++k) REQUIRE((allow_empty ? b[k] >= b[k - 1] : b[k] > b[k - 1]));
        seen.emplace_back(b.begin(), b.end());
      });
      const std::uint64_t want = allow_empty ? pascal(L + K - 1, K - 1) : (L >= K ? pascal(L - 1, K - 1) : 0);
      REQUIRE(seen.size() == want);
      for (std::size_t i = 1; i < seen.size(); ++i) REQUIRE(seen[i - 1] < seen[i]);  // strictly increasing: distinct, ordered
      visited_total += seen.size();
      if (want == 0) {  // fewer layers than workers without empty stages: the solvers refuse it, naming it
        solve_options s;
        s.allow_empty = false;
        const std::string why = idn::concat(": num_layers = ", L, ": must be >= num_workers = ", K, " when allow_empty = false");
        REQUIRE(idn::test::error_of([&] { (void)brute_min_bottleneck(inst.problem, s); }) == "idn::partition::brute_min_bottleneck" + why);
        REQUIRE(idn::test::error_of([&] { (void)min_bottleneck(inst.problem, s); }) == "idn::partition::min_bottleneck" + why);
        ++no_vectors;
      }
    }
  }
  CHECK(visited_total > 10000);
  CHECK(no_vectors > 20);  // the case that used to hang (L - (K - k) wrapped around)
}

TEST_CASE("brute_min_*: the lexicographically first minimiser among feasible vectors; bounded and lexicographic variants obey their constraints (300 instances)") {
  idn::rng g(777);
  int feasible = 0;
  for (int rep = 0; rep < 300; ++rep) {
    const auto inst = idn::test::make_random_chain(g, 8, 4);
    CAPTURE(rep);
    // The minima over every evaluated feasible vector, and the first vector reaching each.
    double best_b = inf, best_l = inf;
    std::vector<std::size_t> first_b, first_l;
    std::vector<partition_result> all;
    for_each_cut_vector(inst.problem, inst.solve.allow_empty, [&](std::span<const std::size_t> b) {
      partition_result r = evaluate(inst.problem, b);
      if (r.status != solve_status::optimal) return;
      if (r.bottleneck_s < best_b) best_b = r.bottleneck_s, first_b.assign(b.begin(), b.end());
      if (r.latency_s < best_l) best_l = r.latency_s, first_l.assign(b.begin(), b.end());
      all.push_back(std::move(r));
    });
    const partition_result mb = brute_min_bottleneck(inst.problem, inst.solve), ml = brute_min_latency(inst.problem, inst.solve);
    if (all.empty()) {
      REQUIRE(mb.status == solve_status::infeasible);
      REQUIRE(ml.status == solve_status::infeasible);
      continue;
    }
    ++feasible;
    REQUIRE(mb.status == solve_status::optimal);
    REQUIRE(mb.bottleneck_s == best_b);
    REQUIRE(std::vector<std::size_t>(mb.cuts.begin(), mb.cuts.end()) == first_b);
    REQUIRE(ml.latency_s == best_l);
    REQUIRE(std::vector<std::size_t>(ml.cuts.begin(), ml.cuts.end()) == first_l);
    // Bounded at the optimal bottleneck: the least latency among the bottleneck-optimal vectors,
    // which is what the lexicographic solver returns too.
    double want = inf;
    for (const partition_result& r : all)
      if (r.bottleneck_s <= best_b) want = std::min(want, r.latency_s);
    const partition_result bounded = brute_min_latency_bounded(inst.problem, best_b, inst.solve);
    REQUIRE(bounded.latency_s == want);
    REQUIRE(bounded.bottleneck_s <= best_b);
    const partition_result lex = brute_min_bottleneck_then_latency(inst.problem, inst.solve);
    REQUIRE(lex.latency_s == want);
    REQUIRE(lex.bottleneck_s == best_b);
    REQUIRE(bounded.latency_s >= best_l);
  }
  CHECK(feasible >= 100);
}

TEST_CASE("for_each_cut_vector: more than 10^7 vectors is refused, naming the count") {
  // 60 layers on 8 workers with empty stages: C(67, 7) = 869,648,208 vectors.
  idn::partition::chain_profile p{Eigen::VectorXd::Constant(60, 1e6), Eigen::VectorXd::Constant(60, 1e3), Eigen::VectorXd::Constant(61, 1e3)};
  std::vector<idn::hw::affine_link> links(8, idn::hw::affine_link(0, 1e9));
  const chain_problem big = make_chain_problem(std::move(p), Eigen::MatrixXd::Constant(60, 8, 1e-3), Eigen::VectorXd::Constant(8, INFINITY),
                                               std::span<const idn::hw::affine_link>(links), std::span<const idn::hw::affine_link>(links),
                                               idn::hw::affine_link(0, 1e9), chain_options{});
  CHECK(idn::test::error_of([&] { for_each_cut_vector(big, true, [](std::span<const std::size_t>) {}); }) ==
        "idn::partition::brute_force: cut vectors = 869648208: brute force supports <= 1e7");
}
