// The offload policy concepts (docs/offload.md "Writing your own policy", clauses P1-P6): an
// archetype with exactly the required members is accepted by the concepts, by evaluate() and by
// every budget wrapper; near misses are rejected.
#include <span>

#include "idn/core/random.hpp"
#include "idn/offload.hpp"
#include "idn/offload/evaluate.hpp"

namespace {
using namespace idn::offload;

/// P1-P4: a constant feedback model and noexcept decide / feedback / cancel; nothing else.
struct minimal_policy {
  static constexpr feedback_kind feedback_model = feedback_kind::none;
  template <class G>
  decision decide(float score, G&) noexcept {
    decision d;
    d.score = score;
    return d;
  }
  void feedback(const decision&, bool) noexcept {}
  void cancel(const decision&) noexcept {}
};
static_assert(offload_policy<minimal_policy, idn::rng>);
static_assert(!cost_aware_policy<minimal_policy>);

/// P6: adds set_beta.
struct minimal_cost_aware_policy : minimal_policy {
  status set_beta(float) noexcept { return {}; }
};
static_assert(cost_aware_policy<minimal_cost_aware_policy>);

struct throwing_decide : minimal_policy {
  template <class G>
  decision decide(float, G&) { return {}; }  // not noexcept (P2)
};
static_assert(!offload_policy<throwing_decide, idn::rng>);

struct no_cancel {  // P4 missing
  static constexpr feedback_kind feedback_model = feedback_kind::none;
  template <class G>
  decision decide(float, G&) noexcept { return {}; }
  void feedback(const decision&, bool) noexcept {}
};
static_assert(!offload_policy<no_cancel, idn::rng>);

struct no_feedback_model {  // P1 missing
  template <class G>
  decision decide(float, G&) noexcept { return {}; }
  void feedback(const decision&, bool) noexcept {}
  void cancel(const decision&) noexcept {}
};
static_assert(!offload_policy<no_feedback_model, idn::rng>);

/// A generator is part of the contract: a non-generator is rejected.
static_assert(!offload_policy<minimal_policy, int>);

/// The wrappers are policies again, so they nest.
static_assert(offload_policy<token_bucket<minimal_policy>, idn::rng>);
static_assert(offload_policy<quantile_cap<minimal_policy>, idn::rng>);
static_assert(offload_policy<primal_dual<minimal_cost_aware_policy>, idn::rng>);
static_assert(offload_policy<token_bucket<quantile_cap<minimal_policy>>, idn::rng>);
}  // namespace

// evaluate() and the wrappers instantiate with the archetype only.
idn::offload::eval_result evaluate_minimal(std::span<const idn::offload::stream_sample> s, const idn::offload::eval_options& e,
                                           idn::rng& g) {
  minimal_policy p;
  return evaluate(p, s, e, g);
}
idn::offload::eval_result evaluate_wrapped(std::span<const idn::offload::stream_sample> s, const idn::offload::eval_options& e,
                                           idn::rng& g) {
  idn::offload::primal_dual<minimal_cost_aware_policy> p;
  return evaluate(p, s, e, g);
}
