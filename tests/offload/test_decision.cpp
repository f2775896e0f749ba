// idn/offload/decision.hpp: a default decision is the fail-safe one (offload, no ticket), and the
// feedback kinds are distinct one-byte values.
#include <doctest/doctest.h>

#include <type_traits>

#include "idn/core/random.hpp"
#include "idn/offload/decision.hpp"
#include "idn/offload/hil.hpp"

using namespace idn::offload;

TEST_CASE("decision: the default offloads with probability 1 and awaits no feedback") {
  constexpr decision d{};
  static_assert(std::is_trivially_copyable_v<decision>);
  static_assert(sizeof(feedback_kind) == 1);
  static_assert(feedback_kind::none != feedback_kind::full && feedback_kind::full != feedback_kind::offload_only);
  CHECK(d.offload);
  CHECK(d.offload_prob == 1.f);
  CHECK(d.ticket == 0);
  CHECK_FALSE(d.explored);
  CHECK_FALSE(d.vetoed);
  CHECK_FALSE(d.bad_input);
  // An unconfigured learner answers with exactly this fail-safe decision (score recorded).
  hil_f<64> f;
  idn::rng g(5);
  const decision u = f.decide(0.7f, g);
  CHECK(u.offload == d.offload);
  CHECK(u.offload_prob == d.offload_prob);
  CHECK(u.ticket == d.ticket);
  CHECK_FALSE(u.bad_input);
}
