// idn/mdi/arbiter.hpp: the RTC arbiter honours its arbitration order and grants exactly the D5
// prefix under cumulative reservations (random tables).
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/mdi/arbiter.hpp"

using namespace idn::mdi;
using pindex = std::ptrdiff_t;

TEST_CASE("rtc_arbiter: arbitration orders honoured; grants are exactly the D5 prefix under cumulative reservations") {
  idn::rng g(9402);
  for (int rep = 0; rep < 2000; ++rep) {
    const int C = 1 + static_cast<int>(g() % 3);
    const arbitration a = static_cast<arbitration>(g() % 3);
    const backlog_view v = g() % 2 ? backlog_view::priority_aware : backlog_view::total;
    const std::size_t n = 1 + g() % 10;
    rtc_arbiter arb(a, C, static_cast<pindex>(n));
    std::vector<rtc> reqs;
    for (std::size_t i = 0; i < n; ++i) {
      const rtc r{i, static_cast<pindex>(i), static_cast<int>(g() % static_cast<std::uint64_t>(C)), 1, 0, static_cast<double>(g() % 5),
                  1e9 * idn::uniform01(g), 1e4, 0.01 * idn::uniform01(g), 3 * idn::uniform01(g), idn::uniform01(g)};
      reqs.push_back(r);
      arb.submit(r);
    }
    // Expected order.
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      if (a == arbitration::class_then_oldest) return reqs[x].cls != reqs[y].cls ? reqs[x].cls < reqs[y].cls : reqs[x].gen_s < reqs[y].gen_s;
      if (a == arbitration::phi) return reqs[x].phi < reqs[y].phi;
      return false;
    });
    node_state live{1e9, 2e8, std::vector<double>(static_cast<std::size_t>(C), 0.0)};
    for (auto& b : live.backlog_flop) b = 1e9 * idn::uniform01(g);
    node_state ref = live;
    std::vector<grant> out(n);
    REQUIRE(arb.resolve(live, v, out) == static_cast<pindex>(n));
    for (std::size_t i = 0; i < n; ++i) {
      const rtc& r = reqs[order[i]];
      REQUIRE(out[i].task == r.task);
      REQUIRE(out[i].to == r.from);
      double q = ref.in_service_flop;
      for (int k = 0; k < C; ++k)
        if (v == backlog_view::total || k <= r.cls) q += ref.backlog_flop[static_cast<std::size_t>(k)];
      const bool ok = r.comm_s + r.flop / ref.flops + q / ref.flops <= r.fallback_s;
      REQUIRE(out[i].granted == ok);
      if (ok) ref.backlog_flop[static_cast<std::size_t>(r.cls)] += r.flop;
    }
    REQUIRE(live.backlog_flop == ref.backlog_flop);
    REQUIRE(arb.pending() == 0);
  }
  rtc_arbiter small(arbitration::fifo, 2, 1);
  small.submit({1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1});
  CHECK_THROWS_WITH_AS(small.submit({2, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1}), doctest::Contains("arbiter overflow"), idn::invalid_input);
}
