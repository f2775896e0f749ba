// idn::solve_status (core/solve_status.hpp): every enumerator has its own name, has_answer holds
// exactly for optimal and feasible, and the modules use this one type.
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

#include <doctest/doctest.h>

#include "idn/core/solve_status.hpp"
#include "idn/partition/chain.hpp"
#include "idn/path/lp.hpp"

TEST_CASE("solve_status: distinct names, has_answer only for optimal and feasible") {
  using idn::solve_status;
  static_assert(std::string_view(to_string(solve_status::optimal)) == "optimal");
  const solve_status all[] = {solve_status::optimal,   solve_status::feasible,  solve_status::infeasible,
                              solve_status::unstable,  solve_status::unbounded, solve_status::iteration_limit};
  const char* names[] = {"optimal", "feasible", "infeasible", "unstable", "unbounded", "iteration_limit"};
  std::set<std::string> seen;
  int answers = 0;
  for (std::size_t i = 0; i < std::size(all); ++i) {
    CHECK(std::string_view(to_string(all[i])) == names[i]);
    seen.insert(to_string(all[i]));
    answers += idn::has_answer(all[i]) ? 1 : 0;
  }
  CHECK(seen.size() == std::size(all));
  CHECK(answers == 2);
  CHECK(idn::has_answer(solve_status::optimal));
  CHECK(idn::has_answer(solve_status::feasible));
  CHECK(std::string_view(to_string(static_cast<solve_status>(200))) == "unknown");
}

TEST_CASE("solve_status: partition and path speak the one type") {
  static_assert(std::is_same_v<idn::partition::solve_status, idn::solve_status>);
  static_assert(std::is_same_v<decltype(idn::path::lp_result{}.status), idn::solve_status>);
  static_assert(std::is_same_v<decltype(idn::partition::partition_result{}.status), idn::solve_status>);
}
