// The allocation_policy concept (docs/alloc.md "Writing your own policy", clauses A1-A4): INFIDA
// and every baseline model it; an archetype with exactly the required members is accepted;
// near misses are rejected.
#include <Eigen/Dense>

#include "idn/alloc.hpp"

namespace {
using idn::alloc::allocation_policy;
using idn::alloc::batch;
using idn::alloc::slot_metrics;

/// A1-A2 and nothing else: keeps the repository-only allocation.
struct minimal_allocation_policy {
  Eigen::VectorXd x;
  slot_metrics step(const batch&) { return {}; }
  const Eigen::VectorXd& allocation() const noexcept { return x; }
};
static_assert(allocation_policy<minimal_allocation_policy>);

struct no_allocation {
  slot_metrics step(const batch&) { return {}; }
};
static_assert(!allocation_policy<no_allocation>);

struct step_returns_gain {  // A1: the slot's metrics, not a bare number
  Eigen::VectorXd x;
  double step(const batch&) { return 0; }
  const Eigen::VectorXd& allocation() const noexcept { return x; }
};
static_assert(!allocation_policy<step_returns_gain>);

static_assert(allocation_policy<idn::alloc::infida>);
static_assert(allocation_policy<idn::alloc::static_policy>);
static_assert(allocation_policy<idn::alloc::myopic_greedy>);
static_assert(allocation_policy<idn::alloc::lfu>);
}  // namespace
