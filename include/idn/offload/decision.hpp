#pragma once
/// idn::offload::decision, what a policy answers for one sample, and feedback_kind, what a policy
/// learns from. C++20 standard library only.
#include <cstdint>

namespace idn::offload {

/// What feedback a policy learns from: none (fixed rules), every sample's local correctness
/// (full), or only that of offloaded samples (offload_only).
enum class feedback_kind : std::uint8_t { none, full, offload_only };

/// One per-sample decision. `ticket != 0` iff the policy awaits feedback for it.
struct decision {
  bool offload = true, explored = false, vetoed = false, bad_input = false;  ///< action; HIL-N exploration; wrapper veto; non-finite score
  float offload_prob = 1.f;  ///< r_t = P(offload | past)
  float score = 0.f;         ///< score as used (clamped to [0, 1] by learners)
  float beta = 0.f;          ///< offload cost in force when decided
  std::uint32_t bin = 0, ticket = 0;
};

}  // namespace idn::offload
