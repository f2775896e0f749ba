#pragma once
/// The offload-policy concepts (docs/offload.md, "Writing your own policy", clauses P1-P6):
/// what evaluate() and the budget wrappers require of a learner or rule.
/// C++20 standard library only.
#include <concepts>
#include <random>
#include "idn/offload/decision.hpp"
#include "idn/offload/status.hpp"

namespace idn::offload {

/// An online offload policy: for each sample it decides on the device whether to accept the local
/// prediction or offload, and may learn from feedback. evaluate() and the budget wrappers
/// (token_bucket, quantile_cap, primal_dual) accept any type that models it.
/// (P1) P::feedback_model, a constant convertible to feedback_kind, says what the policy learns
///      from: none (fixed rules), full (every sample's correctness) or offload_only; evaluate()
///      sends feedback accordingly.
/// (P2) decide(score, g): the decision for one sample with confidence score `score` (any float,
///      non-finite included: the policy must offload and set bad_input rather than learn from it;
///      only never_offload, by its definition, keeps such a sample local, flagged).
///      noexcept, allocation-free, O(1) or O(log grid) time; randomness only from g, and the same
///      g stream gives the same decisions on every platform (take draws with draw01).
/// (P3) feedback(d, wrong): `wrong` is whether the local prediction of the sample decided by d
///      was wrong. Any order and delay; a decision without a ticket is ignored. A policy that
///      learns from offloaded samples only (offload_only) tracks its tickets and also ignores
///      stale or unknown ones; a full-feedback policy expects each decision's feedback once.
///      noexcept, allocation-free.
/// (P4) cancel(d): the decision d will get no feedback (the offload was vetoed or its reply was
///      lost); frees d's ticket. Stale or unknown tickets are ignored. noexcept.
/// (P5) No exceptions, RTTI or heap: a model must build with -fno-exceptions -fno-rtti.
/// tests/static/offload_archetypes.cpp holds a minimal model.
template <class P, class G>
concept offload_policy = std::uniform_random_bit_generator<G> && requires(P& p, float s, G& g, const decision& d, bool y) {
  { P::feedback_model } -> std::convertible_to<feedback_kind>;
  { p.decide(s, g) } noexcept -> std::same_as<decision>;
  { p.feedback(d, y) } noexcept;
  { p.cancel(d) } noexcept;
};

/// An offload policy whose offload cost β can change between decisions (primal_dual drives it).
/// (P6) set_beta(b): later decisions use cost b; returns a failed status (and changes nothing)
///      unless b is finite and in [0, 1]. noexcept.
template <class P>
concept cost_aware_policy = requires(P& p, float b) {
  { p.set_beta(b) } noexcept -> std::same_as<status>;
};

}  // namespace idn::offload
