// The chain_oracle concept (docs/partition.md "Your own cost model", clauses O1-O6): an archetype
// with exactly the required members is accepted and instantiates every solver and baseline;
// near misses are rejected.
#include "idn/partition.hpp"

namespace {
namespace part = idn::partition;
using part::chain_oracle;

/// O1-O5 and nothing else (no options(): the endpoint is source and sink).
struct minimal_oracle {
  std::size_t num_layers() const noexcept { return 1; }
  std::size_t num_workers() const noexcept { return 1; }
  double period(std::size_t, std::size_t, std::size_t) const noexcept { return 1; }
  double delay(std::size_t, std::size_t, std::size_t) const noexcept { return 1; }
  double hop(std::size_t, std::size_t, std::size_t) const noexcept { return 0; }
  double fixed_period() const noexcept { return 0; }
};
static_assert(chain_oracle<minimal_oracle>);
static_assert(chain_oracle<part::chain_problem>);
static_assert(chain_oracle<part::pure_sum_oracle>);

struct throwing_period : minimal_oracle {  // O6: queries are noexcept
  double period(std::size_t, std::size_t, std::size_t) const { return 1; }
};
static_assert(!chain_oracle<throwing_period>);

struct float_delay : minimal_oracle {  // O3: exactly double
  float delay(std::size_t, std::size_t, std::size_t) const noexcept { return 1; }
};
static_assert(!chain_oracle<float_delay>);

struct no_fixed_period {  // O5 missing
  std::size_t num_layers() const noexcept { return 1; }
  std::size_t num_workers() const noexcept { return 1; }
  double period(std::size_t, std::size_t, std::size_t) const noexcept { return 1; }
  double delay(std::size_t, std::size_t, std::size_t) const noexcept { return 1; }
  double hop(std::size_t, std::size_t, std::size_t) const noexcept { return 0; }
};
static_assert(!chain_oracle<no_fixed_period>);
}  // namespace

// Every solver and baseline instantiates with the archetype only.
part::partition_result solve_minimal_bottleneck() { return part::min_bottleneck(minimal_oracle{}); }
part::partition_result solve_minimal_latency() { return part::min_latency(minimal_oracle{}); }
part::partition_result solve_minimal_lexicographic() { return part::min_bottleneck_then_latency(minimal_oracle{}); }
part::partition_result solve_minimal_equal_split() { return part::equal_split(minimal_oracle{}); }
part::partition_result solve_minimal_brute_force() { return part::brute_min_bottleneck_then_latency(minimal_oracle{}); }
part::partition_result evaluate_minimal() {
  const std::size_t cuts[] = {0, 1};
  return part::evaluate(minimal_oracle{}, cuts);
}
