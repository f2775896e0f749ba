// idn/core/strong_id.hpp: ids of different kinds do not mix; an id indexes and compares like its
// number, hashes and prints as its number.
#include <doctest/doctest.h>

#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"
#include "idn/core/strong_id.hpp"

namespace {
using a_id = idn::strong_id<struct a_tag>;
using b_id = idn::strong_id<struct b_tag>;
void takes_a_then_b(a_id, b_id) {}
}  // namespace

// Compile-time: no conversion between kinds or from bare numbers; the swap of network::pin's
// node and model is rejected (the bug the ids exist for).
static_assert(!std::is_convertible_v<a_id, b_id> && !std::is_convertible_v<b_id, a_id>);
static_assert(!std::is_convertible_v<int, a_id> && std::is_constructible_v<a_id, std::uint32_t>);
static_assert(std::is_convertible_v<a_id, std::size_t>);
static_assert(std::is_invocable_v<decltype(&takes_a_then_b), a_id, b_id>);
static_assert(!std::is_invocable_v<decltype(&takes_a_then_b), b_id, a_id>);
static_assert(std::is_invocable_v<decltype(&idn::alloc::network::pin), idn::alloc::network&, idn::alloc::node_id, idn::alloc::model_id, double>);
static_assert(!std::is_invocable_v<decltype(&idn::alloc::network::pin), idn::alloc::network&, idn::alloc::model_id, idn::alloc::node_id, double>);
static_assert(!std::is_invocable_v<decltype(&idn::alloc::network::pin), idn::alloc::network&, int, int, double>);
static_assert(std::is_trivially_copyable_v<a_id> && sizeof(a_id) == sizeof(std::uint32_t));

TEST_CASE("strong_id: indexes, counts, compares, hashes and prints as its number") {
  std::vector<int> v(5, 0);
  std::size_t visited = 0;
  for (a_id i{0}; i < v.size(); ++i) v[i] = static_cast<int>(i.value()), ++visited;
  CHECK(visited == 5);
  CHECK(v[4] == 4);
  a_id x{7};
  CHECK(x++ == a_id{7});
  CHECK(x == a_id{8});
  CHECK(a_id{2} < a_id{3});
  std::unordered_set<a_id> seen{a_id{1}, a_id{1}, a_id{2}};
  CHECK(seen.size() == 2);
  CHECK(idn::concat("node ", a_id{42}, "!") == "node 42!");  // a number, not the character '*'
  takes_a_then_b(a_id{1}, b_id{2});                          // the order that compiles
}
