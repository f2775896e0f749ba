// idn/path/pareto.hpp: pareto_front equals the non-dominated (accuracy, throughput) points of
// the enumerated paths, and each representative path achieves its point.
#include <doctest/doctest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "idn/path.hpp"
#include "random_instance.hpp"

using namespace idn::path;
using idn::path::test::instance;
using idn::path::test::random_instance;

TEST_CASE("pareto_front equals the non-dominated enumerated points") {
  idn::rng g(62);
  const interpolation_estimator est;
  int points = 0;
  for (int trial = 0; trial < idn::test::case_count(300, 2500); ++trial) {
    const instance in = random_instance(g);
    const block_graph bg(in.spec);
    CAPTURE(trial);
    // Pareto: enumerate (Â, Th) independently and filter the non-dominated points.
    pareto_options po;
    po.rules = in.rules;
    std::vector<std::pair<double, double>> pts;
    enumerate_paths(bg, 0, in.rules, [&](const path& p) {
      const path_load L = compute_load(bg, p);
      const double a = est.estimate(bg, p);
      pts.push_back({a, max_throughput_split(bg, 0, L, a, po.capacity).throughput});
    });
    std::vector<std::pair<double, double>> nd;
    for (const auto& x : pts) {
      bool dominated = false;
      for (const auto& y : pts) dominated = dominated || (y.first >= x.first && y.second >= x.second && (y.first > x.first || y.second > x.second));
      if (!dominated && std::find(nd.begin(), nd.end(), x) == nd.end()) nd.push_back(x);
    }
    std::sort(nd.begin(), nd.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    const auto front = pareto_front(bg, 0, est, po);
    REQUIRE(front.size() == nd.size());
    for (std::size_t i = 0; i < nd.size(); ++i) {
      ++points;
      CHECK(front[i].path_accuracy == nd[i].first);
      CHECK(front[i].throughput == nd[i].second);
      CHECK(est.estimate(bg, front[i].p) == front[i].path_accuracy);  // the representative achieves its point
    }
  }
  CHECK(points > 300);
}
