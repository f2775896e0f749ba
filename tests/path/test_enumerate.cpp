// idn/path/enumerate.hpp: enumerate_paths emits valid, distinct paths in canonical order, as many
// as count_paths counts.
#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "idn/path.hpp"
#include "random_instance.hpp"

using namespace idn::path;
using idn::path::test::instance;
using idn::path::test::random_instance;

TEST_CASE("enumerate_paths: valid, distinct, in canonical order; count_paths counts them (500 random graphs)") {
  idn::rng g(63);
  std::uint64_t total = 0;
  for (int trial = 0; trial < 500; ++trial) {
    const instance in = random_instance(g);
    const block_graph bg(in.spec);
    CAPTURE(trial);
    std::uint64_t n = 0;
    path prev;
    bool first = true;
    std::set<std::vector<std::size_t>> keys;
    const std::uint64_t returned = enumerate_paths(bg, 0, in.rules, [&](const path& p) {
      ++n;
      if (!first) CHECK(canonical_less(prev, p));
      prev = p, first = false;
      validate_path(bg, p, in.rules);
      CHECK(keys.insert(key_of(p)).second);
    });
    CHECK(returned == n);
    CHECK(count_paths(bg, 0, in.rules) == n);
    total += n;
  }
  CHECK(total > 1000);  // 1,941 paths for this seed
}
