// docs/path.md (allocation part): a second best_path with a reused workspace allocates only
// its result (two path_evaluations: p_0's and the best one), for every search method. The
// counting operator new replaces the global one, so this test is an executable of its own. Eigen
// allocates through malloc, which the counter does not see: the workspace sizes its path_load
// buffers once, and the searches only resize them when a graph grows.
#include <doctest/doctest.h>

#include "counting_new.hpp"
#include "idn/path.hpp"

using namespace idn::path;

TEST_CASE("best_path with a reused workspace allocates nothing beyond its result") {
  idn::rng g(81);
  random_graph_options p;
  p.models = 4, p.blocks = 8, p.servers = 3, p.fanout = 2, p.extra_head_prob = 1.5;
  const block_graph bg(random_graph_spec(g, p));
  const interpolation_estimator est;
  const product_reward<power_utility, normalized_gain> reward{{2}, {}};
  for (const search_method m : {search_method::brute_force, search_method::branch_and_bound, search_method::label_setting, search_method::automatic}) {
    search_options o;
    o.method = m;
    search_workspace ws;
    ws.reserve(bg, 1 << 12);
    const search_result first = best_path(bg, 0, est, reward, o, ws);
    // The result's own allocations: evaluating p_0 and the best path once each.
    const std::size_t a0 = idn::test::allocations();
    const evaluation_result e0 = evaluate(bg, first.original.p, est, reward, o.eval), e1 = evaluate(bg, first.best.p, est, reward, o.eval);
    const std::size_t result_cost = idn::test::allocations() - a0;
    const std::size_t before = idn::test::allocations();
    const search_result second = best_path(bg, 0, est, reward, o, ws);
    const std::size_t used = idn::test::allocations() - before;
    CAPTURE(static_cast<int>(m));
    CHECK(used <= result_cost);
    CHECK(second.best.score == first.best.score);
    CHECK(e1.score == first.best.score);
    CHECK(e0.score == first.original.score);
  }
}
