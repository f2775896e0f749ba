// sim: one engine with Poisson, periodic and trace sources feeding a priority station (either
// discipline), all from decoded values. Asserts: only invalid_input escapes; time never goes
// backwards or becomes NaN; every response time is finite and >= 0; utilization stays in [0, 1];
// departures never exceed arrivals. Runs are bounded by event count (a huge rate is legal).
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/core/random.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"

namespace sm = idn::sim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  idn::fuzz::expect_clean([&] {
    sm::simulator sim;
    std::uint64_t arrived = 0, departed = 0;
    std::vector<double> service(8);
    for (auto& s : service) s = in.byte() % 4 == 0 ? in.real() : in.positive() * 1e-3;
    sm::station_options cfg;
    cfg.servers = static_cast<std::uint32_t>(in.size(1, 4));
    cfg.classes = static_cast<std::uint32_t>(in.size(1, 3));
    cfg.disc = in.flag() ? sm::discipline::preemptive_resume : sm::discipline::non_preemptive;
    auto svc = [&](const sm::job& j) { return service[j.id % service.size()]; };
    auto dep = [&](const sm::job&, double response) {
      IDN_FUZZ_ASSERT(std::isfinite(response) && response >= 0);
      ++departed;
    };
    sm::station<decltype(svc), decltype(dep)> st(sim, cfg, svc, dep);
    auto arrive = [&](std::uint64_t k) {
      st.arrive({arrived++, static_cast<std::uint32_t>(k % cfg.classes), sim.now(), 0, 0});
    };
    std::optional<sm::poisson_source<decltype(arrive)>> ps;
    std::optional<sm::periodic_source<decltype(arrive)>> pe;
    std::optional<sm::trace_source<decltype(arrive)>> tr;
    const double rate = in.real(), seed = in.byte(), start = in.flag() ? 0.0 : in.real(), stop = in.real();  // sequenced reads
    idn::fuzz::expect_clean([&] { ps.emplace(sim, rate, idn::rng(static_cast<std::uint64_t>(seed)), arrive, start, stop); });
    const double period = in.real(), phase = in.flag() ? 0.0 : in.real(), pstop = in.real();
    idn::fuzz::expect_clean([&] { pe.emplace(sim, period, phase, arrive, pstop); });
    std::vector<double> times(in.size(0, 8));
    for (auto& t : times) t = in.real();
    idn::fuzz::expect_clean([&] { tr.emplace(sim, times, arrive); });
    double last = sim.now();
    for (int k = 0; k < 5000 && sim.step(); ++k) {
      IDN_FUZZ_ASSERT(!std::isnan(sim.now()) && sim.now() >= last);
      last = sim.now();
    }
    const double u = st.utilization();
    IDN_FUZZ_ASSERT(u >= -1e-12 && u <= 1 + 1e-12);
    IDN_FUZZ_ASSERT(departed <= arrived);
    idn::fuzz::expect_clean([&] { (void)sim.schedule_in(in.real(), [] {}); });
  });
  return 0;
}
