// idn/offload/policy.hpp: every policy idn ships models offload_policy, and keeps the run-time
// clauses the concept cannot check: P2 (a non-finite score offloads with bad_input; the same draw
// stream gives the same decisions), P3/P4 (feedback or cancel without a live ticket changes
// nothing) and P6 (a rejected set_beta changes nothing). Oracle: a twin of the policy that never
// received the ignored call must decide identically from then on.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/offload/budget.hpp"
#include "idn/offload/hil.hpp"
#include "idn/offload/policy.hpp"
#include "idn/offload/rules.hpp"

using namespace idn::offload;

namespace {

bool same(const decision& a, const decision& b) {
  return a.offload == b.offload && a.explored == b.explored && a.vetoed == b.vetoed && a.bad_input == b.bad_input &&
         a.offload_prob == b.offload_prob && a.score == b.score && a.beta == b.beta && a.bin == b.bin && a.ticket == b.ticket;
}

/// Plays `n` samples on a and b with equal generators, giving feedback as the policy's model says;
/// returns how many decisions differed (0 if a and b are in the same state).
template <class P>
int divergence(P& a, P& b, std::uint64_t seed, int n) {
  idn::rng ga(seed), gb(seed), labels(seed ^ 0x9e37u);
  int differ = 0;
  for (int t = 0; t < n; ++t) {
    const float s = static_cast<float>(idn::uniform01(labels));
    const bool wrong = idn::uniform01(labels) < 1.0 - s;
    const decision da = a.decide(s, ga), db = b.decide(s, gb);
    differ += same(da, db) ? 0 : 1;
    if (P::feedback_model == feedback_kind::full || (P::feedback_model == feedback_kind::offload_only && da.offload)) {
      a.feedback(da, wrong);
      b.feedback(db, wrong);
    }
  }
  return differ;
}

/// P2-P4 on a configured policy p. `learns` says whether feedback can change later decisions
/// (so that the ignored-feedback checks are not vacuous: a real feedback must make twins diverge).
/// never_offload is the one policy that keeps a bad sample local (its definition): offloads_bad = false.
template <class P>
void check_clauses(const P& p, bool learns, bool offloads_bad = true) {
  static_assert(offload_policy<P, idn::rng>);
  // P2: non-finite scores offload, flagged, and are never learned from.
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity()}) {
    P a = p, b = p;
    idn::rng g(1);
    const decision d = a.decide(bad, g);
    CHECK(d.offload == offloads_bad);
    CHECK(d.bad_input);
    a.feedback(d, true);
    a.cancel(d);
    CHECK(divergence(a, b, 2, 300) == 0);
  }
  // P2: determinism given the draw stream.
  {
    P a = p, b = p;
    CHECK(divergence(a, b, 3, 2000) == 0);
  }
  // P3/P4: a decision without a ticket, an unknown ticket, and a cancel of either are ignored.
  {
    P a = p, b = p;
    (void)divergence(a, b, 4, 200);
    decision none{};
    none.score = 0.9f;
    none.bin = 1;
    decision unknown = none;
    unknown.ticket = 0x7fff'fff1u;
    a.feedback(none, true);
    a.cancel(none);
    a.cancel(unknown);
    if (P::feedback_model == feedback_kind::offload_only) a.feedback(unknown, true);
    CHECK(divergence(a, b, 5, 2000) == 0);
  }
  // P3 for ticket-tracking policies: feedback on a consumed (stale) ticket is ignored.
  if constexpr (P::feedback_model == feedback_kind::offload_only) {
    P a = p, b = p;
    idn::rng ga(6), gb(6);
    decision da{}, db{};
    for (int t = 0; t < 1000 && da.ticket == 0; ++t) da = a.decide(0.2f, ga), db = b.decide(0.2f, gb);
    REQUIRE(da.ticket != 0);
    a.feedback(da, true);
    b.feedback(db, true);
    a.feedback(da, true);  // stale
    CHECK(divergence(a, b, 7, 2000) == 0);
  }
  // Non-vacuity: one real feedback (or, for full feedback, one extra) does make twins diverge.
  if (learns) {
    P a = p, b = p;
    idn::rng g(8);
    int extra = 0;
    for (int t = 0; t < 50; ++t) {
      const decision d = a.decide(0.3f, g);
      if (d.ticket != 0) a.feedback(d, true), ++extra;
    }
    idn::rng h(8);
    for (int t = 0; t < 50; ++t) (void)b.decide(0.3f, h);
    REQUIRE(extra > 0);
    CHECK(divergence(a, b, 9, 2000) > 0);
  }
}

/// P6: a rejected set_beta returns a failed status and changes nothing.
template <class P>
void check_set_beta(const P& p) {
  static_assert(cost_aware_policy<P>);
  P a = p, b = p;
  CHECK_FALSE(a.set_beta(std::numeric_limits<float>::quiet_NaN()));
  CHECK_FALSE(a.set_beta(-0.1f));
  CHECK_FALSE(a.set_beta(1.5f));
  CHECK(divergence(a, b, 10, 2000) == 0);
  CHECK(a.set_beta(0.9f));
  CHECK(divergence(a, b, 11, 2000) > 0);
}

}  // namespace

TEST_CASE("offload_policy: the fixed rules keep P2-P4") {
  check_clauses(never_offload{}, false, false);
  check_clauses(always_offload{}, false);
  check_clauses(threshold_rule{0.4f}, false);
}

TEST_CASE("offload_policy: hil_f and hil_n keep P2-P4 and P6") {
  hil_f<64> f;
  REQUIRE(f.configure({0.3f, 0.5f}));
  check_clauses(f, true);
  check_set_beta(f);
  hil_n<64, 32> n;
  REQUIRE(n.configure({0.3f, 0.2f, 0.5f}));
  check_clauses(n, true);
  check_set_beta(n);
}

TEST_CASE("offload_policy: the budget wrappers keep P2-P4 around a learner") {
  hil_f<64> f;
  REQUIRE(f.configure({0.3f, 0.5f}));
  token_bucket<hil_f<64>> tb(f);
  REQUIRE(tb.configure({0.5f, 8.f}));
  check_clauses(tb, true);
  hil_n<64, 32> n;
  REQUIRE(n.configure({0.3f, 0.2f, 0.5f}));
  quantile_cap<hil_n<64, 32>> qc(n);
  REQUIRE(qc.configure({0.5f, 0.01f}));
  check_clauses(qc, true);
  primal_dual<hil_f<64>> pd(f);
  REQUIRE(pd.configure({0.3f, 0.5f, 0.01f}));
  check_clauses(pd, true);
}
