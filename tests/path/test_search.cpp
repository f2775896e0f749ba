// idn/path/search.hpp (docs/path.md): label setting and branch and bound against brute force on
// thousands of random graphs, k_best against brute force's top k, determinism, and the r = 0
// baseline.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/path.hpp"
#include "random_instance.hpp"

using namespace idn::path;
using idn::path::test::instance;
using idn::path::test::random_instance;

namespace {
constexpr int graphs = idn::test::case_count(600, 5000);

/// Brute force's full ranking: (score, enumeration order).
template <class R>
std::vector<std::pair<double, path>> rank_all(const block_graph& bg, const interpolation_estimator& est, const R& reward, const search_options& o) {
  std::vector<std::pair<double, path>> all;
  enumerate_paths(bg, 0, o.rules, [&](const path& p) { all.push_back({evaluate(bg, p, est, reward, o.eval).score, p}); });
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return all;
}

template <class R>
void check_methods(const block_graph& bg, const instance& in, const R& reward, split_policy policy, int trial) {
  const interpolation_estimator est;
  search_options o;
  o.rules = in.rules;
  o.eval.policy = policy;
  o.eval.capacity.rho_bar = 0.9;
  o.method = search_method::brute_force;
  const search_result bf = best_path(bg, 0, est, reward, o);
  CAPTURE(trial);
  CAPTURE(static_cast<int>(policy));
  // evaluate(best.p) reproduces bitwise the score the search computed from its own loads.
  CHECK(bf.stats.search_score == bf.best.score);
  const auto ranking = rank_all(bg, est, reward, o);
  REQUIRE(!ranking.empty());
  CHECK(ranking.front().first == bf.best.score);
  const double gap = ranking.size() > 1 ? ranking[0].first - ranking[1].first : 1.0;
  std::vector<search_method> methods{search_method::branch_and_bound, search_method::automatic};
  if (policy != split_policy::max_throughput) methods.push_back(search_method::label_setting);
  for (const search_method m : methods) {
    o.method = m;
    const search_result r = best_path(bg, 0, est, reward, o);
    CAPTURE(static_cast<int>(m));
    if (std::isinf(bf.best.score)) CHECK(r.best.score == bf.best.score);  // nothing feasible: both report p_0 at −inf
    else CHECK(r.best.score == idn::test::rel(bf.best.score).epsilon(1e-9));
    if (gap > 1e-9 * std::max(1.0, std::abs(bf.best.score))) CHECK(key_of(r.best.p) == key_of(bf.best.p));
    CHECK_FALSE(r.stats.fell_back);
    CHECK(r.stats.search_score == r.best.score);  // incremental loads / labels vs evaluate, bitwise
  }
}
}  // namespace

TEST_CASE("best_path: label setting and branch and bound equal brute force on random graphs (five rewards, three policies)") {
  idn::rng g(61);
  for (int trial = 0; trial < graphs; ++trial) {
    const instance in = random_instance(g);
    const block_graph bg(in.spec);
    switch (trial % 5) {
      case 0: {
        const double kappas[] = {0.5, 1, 4};
        const product_reward<power_utility, normalized_gain> r{{kappas[trial / 4 % 3]}, {}};
        if (standalone_throughput(bg, 0, {0.9, 1, {}}) <= 0) continue;
        check_methods(bg, in, r, split_policy::reward_optimal, trial);
        check_methods(bg, in, r, split_policy::max_throughput, trial);
        break;
      }
      case 1: {
        const product_reward<exp_penalty_utility, log_throughput> r{{20, 0.9}, {}};
        check_methods(bg, in, r, split_policy::reward_optimal, trial);
        check_methods(bg, in, r, split_policy::max_throughput, trial);
        break;
      }
      case 2: {
        const product_reward<floor_utility, served_fraction> r{{0.6}, {}};
        check_methods(bg, in, r, split_policy::reward_optimal, trial);
        check_methods(bg, in, r, split_policy::max_throughput, trial);
        break;
      }
      case 3: {
        const product_reward<power_utility, served_fraction> r{{2}, {}};
        check_methods(bg, in, r, split_policy::reward_optimal, trial);
        check_methods(bg, in, r, split_policy::max_throughput, trial);
        break;
      }
      default: {
        const double ws[][3] = {{1, 0, 0}, {1, 10, 0}, {0, 10, 1}, {1, 1, 1}};
        const auto& w = ws[trial / 5 % 4];
        check_methods(bg, in, weighted_cost_v1{w[0], w[1], w[2]}, split_policy::serve_all, trial);
      }
    }
  }
}

TEST_CASE("k_best equals brute force's top k") {
  idn::rng g(62);
  const interpolation_estimator est;
  const product_reward<power_utility, served_fraction> reward{{2}, {}};
  for (int trial = 0; trial < graphs / 2; ++trial) {
    const instance in = random_instance(g);
    const block_graph bg(in.spec);
    search_options o;
    o.rules = in.rules;
    const auto ranking = rank_all(bg, est, reward, o);
    CAPTURE(trial);
    for (const std::size_t k : {std::size_t{1}, std::size_t{3}, std::size_t{10}}) {
      const auto kb = k_best(bg, 0, k, est, reward, o);
      REQUIRE(kb.size() == std::min(k, ranking.size()));
      for (std::size_t i = 0; i < kb.size(); ++i) CHECK(kb[i].score == idn::test::rel(ranking[i].first).epsilon(1e-9));
    }
  }
}

TEST_CASE("best_path: determinism with and without a workspace; r = 0 without extra heads returns p_0") {
  idn::rng g(63);
  const interpolation_estimator est;
  const product_reward<power_utility, log_throughput> reward{{1}, {}};
  search_workspace ws;
  for (int trial = 0; trial < 500; ++trial) {
    const instance in = random_instance(g);
    const block_graph bg(in.spec);
    CAPTURE(trial);
    search_options o;
    o.rules = in.rules;
    const search_result a = best_path(bg, 0, est, reward, o), b = best_path(bg, 0, est, reward, o, ws), c = best_path(bg, 0, est, reward, o, ws);
    CHECK(a.best.score == b.best.score);
    CHECK(b.best.score == c.best.score);
    CHECK(key_of(a.best.p) == key_of(c.best.p));
    o.rules.switch_budget = 0, o.rules.extra_heads = false, o.rules.early_exits = false;
    const search_result z = best_path(bg, 0, est, reward, o);
    CHECK(key_of(z.best.p) == key_of(original_path(bg, 0)));
    const evaluation_result orig = original_only(bg, 0, est, reward, o.eval);
    CHECK(z.best.score == orig.score);
    CHECK(orig.flows.x_path == 0);
    CHECK(orig.point.throughput == idn::test::rel(standalone_throughput(bg, 0, o.eval.capacity)).epsilon(1e-12));
  }
  // Same seed, same spec.
  idn::rng g1(5), g2(5);
  const graph_spec s1 = random_graph_spec(g1, {}), s2 = random_graph_spec(g2, {});
  CHECK(s1.connections.size() == s2.connections.size());
  CHECK(s1.models[1].blocks[2].flops == s2.models[1].blocks[2].flops);
}
