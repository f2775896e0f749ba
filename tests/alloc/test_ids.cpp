// idn/alloc/ids.hpp: one id type per kind of entity; network hands them out densely from 0 per
// kind, and an id indexes the instance's arrays like its number.
#include <doctest/doctest.h>

#include <cstdint>
#include <type_traits>

#include "idn/alloc/ids.hpp"
#include "idn/alloc/network.hpp"

using namespace idn::alloc;

namespace {
template <class A, class B>
constexpr bool interconvertible = std::is_convertible_v<A, B> || std::is_convertible_v<B, A>;
}  // namespace

static_assert(!interconvertible<node_id, model_id> && !interconvertible<node_id, task_id> && !interconvertible<node_id, type_id> &&
              !interconvertible<node_id, var_id> && !interconvertible<model_id, task_id> && !interconvertible<model_id, type_id> &&
              !interconvertible<model_id, var_id> && !interconvertible<task_id, type_id> && !interconvertible<task_id, var_id> &&
              !interconvertible<type_id, var_id>);
static_assert(sizeof(node_id) == sizeof(std::uint32_t) && sizeof(var_id) == sizeof(std::uint32_t));
static_assert(!std::is_convertible_v<std::uint32_t, node_id>);  // explicit construction only: node_id{3}

TEST_CASE("ids: network numbers each kind densely from 0; the compiled instance's arrays are indexed by them") {
  network net;
  const task_id t0 = net.add_task("a"), t1 = net.add_task("b");
  CHECK(t0.value() == 0);
  CHECK(t1.value() == 1);
  const model_id m0 = net.add_model(t0, 0.5), m1 = net.add_model(t1, 0.6), m2 = net.add_model(t1, 0.9);
  CHECK((m0.value() == 0 && m1.value() == 1 && m2.value() == 2));
  const node_id cloud = net.add_node(0, "cloud"), edge = net.add_node(1e9, "edge");
  CHECK((cloud.value() == 0 && edge.value() == 1));
  net.add_link(edge, cloud, 0.01);
  for (const model_id m : {m0, m1, m2}) net.pin(cloud, m, 0.02);
  net.add_option(edge, m2, {1e8, 0.005, 10});
  net.add_option(edge, m0, {1e8, 0.005, 10});
  const type_id r0 = net.add_request_type(t0, {edge, cloud}), r1 = net.add_request_type(t1, {edge, cloud});
  CHECK((r0.value() == 0 && r1.value() == 1));
  const instance in = net.build({1.0});  // alpha = 1 s per unit of inaccuracy
  REQUIRE(in.num_vars() == 2);
  for (std::uint32_t j = 0; j < 2; ++j) {
    const var_id v{j};
    CHECK(in.var_node()[v] == edge);  // an id indexes a span directly
  }
  CHECK(in.type_task(r1) == t1);
  CHECK(in.fallback_model()[r1] == m2);  // equal delays: the more accurate pin is the cheaper fallback
  CHECK(in.fallback_model()[r0] == m0);
}
