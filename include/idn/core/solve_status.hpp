#pragma once
/// idn::solve_status, the one outcome vocabulary of every solver, sizing and evaluation in idn
/// (ARCHITECTURE.md, "Vocabulary"): infeasibility is a status, never an exception or a bare bool.
/// Standard library only, so that std-only modules (offload) can include it.
#include <cstdint>

namespace idn {

/// How a solver, a sizing or an evaluation ended. A result struct carries it as `status`; only
/// `optimal` and `feasible` results hold an answer.
enum class solve_status : std::uint8_t {
  optimal,          ///< an answer, proven optimal (exact solvers)
  feasible,         ///< an answer that meets every constraint, not claimed optimal (evaluations, heuristics)
  infeasible,       ///< no answer meets the constraints (memory, a bound, an SLO)
  unstable,         ///< the offered load reaches the capacity: queues grow without bound
  unbounded,        ///< the objective grows without bound (a linear program's ray)
  iteration_limit,  ///< a documented work limit stopped the solver before it finished
};

/// The enumerator's name ("optimal", "feasible", …). O(1).
constexpr const char* to_string(solve_status s) noexcept {
  switch (s) {
    case solve_status::optimal: return "optimal";
    case solve_status::feasible: return "feasible";
    case solve_status::infeasible: return "infeasible";
    case solve_status::unstable: return "unstable";
    case solve_status::unbounded: return "unbounded";
    case solve_status::iteration_limit: return "iteration_limit";
  }
  return "unknown";
}

/// True for the statuses that hold an answer (optimal, feasible). O(1).
constexpr bool has_answer(solve_status s) noexcept { return s == solve_status::optimal || s == solve_status::feasible; }

}  // namespace idn
