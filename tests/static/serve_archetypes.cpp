// The load_balancer concept (docs/serve.md, clauses B1-B2): an archetype with exactly the
// required members is accepted by the concept and by the simulation harness.
#include <cstddef>
#include <span>

#include "idn/core/random.hpp"
#include "idn/serve/lb_sim.hpp"

namespace {
struct minimal_balancer {
  template <class G>
  std::size_t pick(std::span<const idn::serve::replica_state>, G&) noexcept { return 0; }
  void on_complete(std::size_t) noexcept {}
};
static_assert(idn::serve::load_balancer<minimal_balancer>);

struct no_on_complete {
  template <class G>
  std::size_t pick(std::span<const idn::serve::replica_state>, G&) noexcept { return 0; }
};
static_assert(!idn::serve::load_balancer<no_on_complete>);

struct throwing_pick {
  template <class G>
  std::size_t pick(std::span<const idn::serve::replica_state>, G&) { return 0; }  // not noexcept
  void on_complete(std::size_t) noexcept {}
};
static_assert(!idn::serve::load_balancer<throwing_pick>);
}  // namespace

// The harness instantiates with the archetype only.
idn::serve::lb_result run_minimal(const idn::serve::lb_scenario& s) { return idn::serve::simulate_balancer(s, minimal_balancer{}); }
