// idn/path/search_options.hpp: one search_workspace reused across graphs of different sizes and
// every method gives the results of a fresh workspace (no state leaks between searches), and
// the stats say which method ran.
#include <doctest/doctest.h>

#include "idn/path.hpp"
#include "random_instance.hpp"

using namespace idn::path;

TEST_CASE("search_workspace: reuse across 400 random graphs and all methods equals a fresh workspace, bit for bit") {
  idn::rng g(909);
  const interpolation_estimator est;
  const product_reward<power_utility, served_fraction> reward{{2}, {}};
  search_workspace shared;
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const idn::path::test::instance in = idn::path::test::random_instance(g);
    const block_graph bg(in.spec);
    CAPTURE(trial);
    for (const search_method m : {search_method::label_setting, search_method::branch_and_bound, search_method::brute_force, search_method::automatic}) {
      search_options o;
      o.rules = in.rules;
      o.method = m;
      search_workspace fresh;
      const search_result a = best_path(bg, 0, est, reward, o, shared), b = best_path(bg, 0, est, reward, o, fresh);
      REQUIRE(a.best.score == b.best.score);
      REQUIRE(key_of(a.best.p) == key_of(b.best.p));
      REQUIRE(a.stats.used == b.stats.used);
      if (m != search_method::automatic && !a.stats.fell_back) REQUIRE(a.stats.used == m);
      ++compared;
    }
  }
  CHECK(compared == 1600);
  const search_options defaults;
  CHECK(defaults.method == search_method::automatic);
}

TEST_CASE("search_options::max_labels: a cap of 1 makes label setting fall back to branch and bound, with the same answer") {
  idn::rng g(910);
  const interpolation_estimator est;
  const product_reward<power_utility, served_fraction> reward{{2}, {}};
  int fell_back = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const idn::path::test::instance in = idn::path::test::random_instance(g);
    const block_graph bg(in.spec);
    search_options o;
    o.rules = in.rules;
    o.method = search_method::brute_force;
    const search_result bf = best_path(bg, 0, est, reward, o);
    o.method = search_method::label_setting;
    o.max_labels = 1;
    const search_result capped = best_path(bg, 0, est, reward, o);
    CAPTURE(trial);
    REQUIRE(capped.best.score == bf.best.score);
    if (capped.stats.fell_back) {
      REQUIRE(capped.stats.used == search_method::branch_and_bound);
      ++fell_back;
    }
  }
  CHECK(fell_back > 100);
}
