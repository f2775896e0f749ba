// Compile-only: sim's link_station instantiates with the minimal link archetype.
#include "hw_archetypes.hpp"
#include "idn/sim/link_station.hpp"

namespace {
struct ignore_delivery {
  void operator()(const idn::sim::job&, double) const noexcept {}
};
}  // namespace

[[maybe_unused]] void instantiate_link_station_with_archetype() {
  idn::sim::simulator sim;
  idn::sim::link_station<idn::archetypes::minimal_link, ignore_delivery> link(
      sim, idn::archetypes::minimal_link(0), idn::sim::link_sharing::fifo, ignore_delivery{});
  link.send(idn::sim::job{}, 1.0);
  sim.run();
}
