#pragma once
// Random block graphs and search rules for the path tests (search, enumerate, pareto, path, search_options, detail/completion_bounds).
#include <algorithm>

#include "case_count.hpp"
#include "idn/path.hpp"

namespace idn::path::test {

struct instance {
  graph_spec spec;
  path_rules rules;
};
/// 1-4 models of 1-6 blocks on 1-3 servers, fanout 0-3, skips, ties, extra heads and early exits,
/// switch budget 0-3, depth slack 0, 0.1 or 0.999.
inline instance random_instance(idn::rng& g) {
  random_graph_options p;
  p.models = 1 + static_cast<std::size_t>(idn::uniform01(g) * 4);
  p.blocks = 1 + static_cast<std::size_t>(idn::uniform01(g) * 6);
  p.servers = 1 + static_cast<std::size_t>(idn::uniform01(g) * 3);
  p.services = 1 + static_cast<std::size_t>(idn::uniform01(g) * std::min<double>(2, static_cast<double>(p.models)));
  p.fanout = static_cast<std::size_t>(idn::uniform01(g) * 4);
  p.depth_matched = idn::uniform01(g) < 0.3;
  p.extra_head_prob = 2 * idn::uniform01(g);
  p.early_exit_prob = 0.3 * idn::uniform01(g);
  p.skip_prob = 0.3;
  p.tie_prob = 0.3;
  instance in{random_graph_spec(g, p), {}};
  in.rules.switch_budget = static_cast<std::size_t>(idn::uniform01(g) * 4);
  const double eps[] = {0, 0.1, 0.999};
  in.rules.depth_slack = eps[static_cast<int>(idn::uniform01(g) * 3)];
  in.rules.extra_heads = idn::uniform01(g) < 0.8;
  in.rules.early_exits = idn::uniform01(g) < 0.5;
  return in;
}

}  // namespace idn::path::test
