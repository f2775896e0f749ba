// The idn::path concepts (docs/path.md accuracy.hpp, reward.hpp): archetypes with exactly the
// required members are accepted and instantiate the searches; near misses are rejected.
#include <vector>

#include "idn/path.hpp"

namespace {
using namespace idn::path;

/// accuracy_estimator: estimate(g, p) only (searches then use accuracy bound 1).
struct minimal_estimator {
  double estimate(const block_graph&, const path&) const { return 0.5; }
};
static_assert(accuracy_estimator<minimal_estimator>);
static_assert(!bounded_accuracy_estimator<minimal_estimator>);
static_assert(!decomposable_accuracy_estimator<minimal_estimator>);

/// bounded_accuracy_estimator: adds upper_bound(g, prefix, node).
struct minimal_bounded_estimator {
  double estimate(const block_graph&, const path&) const { return 0.5; }
  double upper_bound(const block_graph&, const path&, std::size_t) const { return 1; }
};
static_assert(bounded_accuracy_estimator<minimal_bounded_estimator>);

/// decomposable_accuracy_estimator: the incremental form with a trivially copyable state.
struct minimal_decomposable_estimator {
  struct state {
    double blocks = 0;
  };
  double estimate(const block_graph&, const path&) const { return 0.5; }
  state start(const block_graph&, std::size_t) const { return {}; }
  state add_block(const block_graph&, const state& s, std::size_t, std::size_t) const { return {s.blocks + 1}; }
  state add_join(const block_graph&, const state& s, std::size_t) const { return s; }
  double finish(const block_graph&, const state&, std::size_t) const { return 0.5; }
  bool dominates(const block_graph&, const state&, const state&) const { return true; }
  double bound(const block_graph&, const state&, std::size_t) const { return 0.5; }
};
static_assert(decomposable_accuracy_estimator<minimal_decomposable_estimator>);

struct state_not_trivial {  // near miss: the state owns memory
  struct state {
    std::vector<double> v;
  };
  double estimate(const block_graph&, const path&) const { return 0.5; }
  state start(const block_graph&, std::size_t) const { return {}; }
  state add_block(const block_graph&, const state& s, std::size_t, std::size_t) const { return s; }
  state add_join(const block_graph&, const state& s, std::size_t) const { return s; }
  double finish(const block_graph&, const state&, std::size_t) const { return 0.5; }
  bool dominates(const block_graph&, const state&, const state&) const { return true; }
  double bound(const block_graph&, const state&, std::size_t) const { return 0.5; }
};
static_assert(!decomposable_accuracy_estimator<state_not_trivial>);

struct no_estimate {  // near miss
  double operator()(const block_graph&, const path&) const { return 0.5; }
};
static_assert(!accuracy_estimator<no_estimate>);

/// reward_function: double(const operating_point&).
struct minimal_reward {
  double operator()(const operating_point& op) const { return op.throughput; }
};
static_assert(reward_function<minimal_reward>);
static_assert(!reward_function<power_utility>);  // a utility of A, not of an operating point
static_assert(reward_function<weighted_cost_v1>);
static_assert(reward_function<product_reward<floor_utility, served_fraction>>);
static_assert(decomposable_accuracy_estimator<interpolation_estimator>);
static_assert(bounded_accuracy_estimator<measured_table<>>);
static_assert(!decomposable_accuracy_estimator<measured_table<>>);
}  // namespace

// The searches instantiate with the archetypes only.
search_result run_minimal(const block_graph& g, const search_options& o) { return best_path(g, 0, minimal_estimator{}, minimal_reward{}, o); }
search_result run_decomposable(const block_graph& g, const search_options& o) {
  return best_path(g, 0, minimal_decomposable_estimator{}, minimal_reward{}, o);
}
std::vector<pareto_point> run_pareto(const block_graph& g) { return pareto_front(g, 0, minimal_bounded_estimator{}, {}); }
