// idn/mdi/dispatch.hpp (docs/mdi.md, the dispatcher): Φ ranking, backlog views and the tie rule
// (random tables).
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/mdi/arbiter.hpp"
#include "idn/mdi/dispatch.hpp"

using namespace idn::mdi;
using pindex = std::ptrdiff_t;

namespace {
struct table {
  pa_mdi_dispatcher d;
  std::vector<pindex> nodes;
  std::vector<double> lat, bw, flops, service;
  std::vector<std::vector<double>> backlog;
};
table random_table(idn::rng& g, int C, backlog_view v) {
  const pindex self = static_cast<pindex>(g() % 50);
  std::vector<pindex> nb;
  const std::size_t deg = 1 + g() % 8;
  while (nb.size() < deg) {
    const pindex n = static_cast<pindex>(g() % 50);
    if (n != self && std::find(nb.begin(), nb.end(), n) == nb.end()) nb.push_back(n);
  }
  table t{pa_mdi_dispatcher(self, nb, C, v), {}, {}, {}, {}, {}, {}};
  t.nodes.push_back(self);
  t.nodes.insert(t.nodes.end(), nb.begin(), nb.end());
  for (std::size_t s = 0; s < t.nodes.size(); ++s) {
    t.lat.push_back(0.01 * idn::uniform01(g));
    t.bw.push_back(1e6 * (1 + 100 * idn::uniform01(g)));
    t.flops.push_back(1e9 * (1 + 10 * idn::uniform01(g)));
    t.service.push_back(1e8 * idn::uniform01(g));
    std::vector<double> b(static_cast<std::size_t>(C));
    for (auto& x : b) x = g() % 3 == 0 ? 0.0 : 1e9 * idn::uniform01(g);
    t.backlog.push_back(b);
    if (s > 0) t.d.set_link(t.nodes[s], t.lat[s], t.bw[s]);
    t.d.observe(t.nodes[s], t.flops[s], t.service[s], b, 1.0);
  }
  return t;
}
}  // namespace

TEST_CASE("pa_mdi_dispatcher: destination = argmin(delta + compute + backlog), invariant to age and weight; views; ties") {
  idn::rng g(9401);
  for (int rep = 0; rep < 2000; ++rep) {
    const int C = 1 + static_cast<int>(g() % 3);
    const backlog_view v = g() % 2 ? backlog_view::priority_aware : backlog_view::total;
    table t = random_table(g, C, v);
    const task_view task{1, static_cast<int>(g() % static_cast<std::uint64_t>(C)), 0.1 + idn::uniform01(g), idn::uniform01(g), 0.0,
                         1e9 * idn::uniform01(g), 1e5 * idn::uniform01(g)};
    // Independent argmin of the Φ numerator without age.
    double best = INFINITY;
    pindex want = -1;
    for (std::size_t s = 0; s < t.nodes.size(); ++s) {
      double q = t.service[s];
      for (int k = 0; k < C; ++k)
        if (v == backlog_view::total || k <= task.cls) q += t.backlog[s][static_cast<std::size_t>(k)];
      const double val = (s == 0 ? 0.0 : t.lat[s] + 8 * task.next_input_bytes / t.bw[s]) + (task.next_flop + q) / t.flops[s];
      if (val < best || (val == best && (t.nodes[s] == t.nodes[0] || (want != t.nodes[0] && t.nodes[s] < want)))) best = val, want = t.nodes[s];
    }
    const auto r = t.d.rank(task);
    REQUIRE(r.size() == t.nodes.size());
    CAPTURE(rep);
    REQUIRE(r.front().node == want);
    for (std::size_t i = 1; i < r.size(); ++i) REQUIRE(r[i - 1].phi <= r[i].phi);
    task_view scaled = task;
    scaled.age_s *= 10, scaled.weight *= 3;
    REQUIRE(t.d.rank(scaled).front().node == want);
    // Priority-aware: backlog of lower-priority classes (> cls) does not matter.
    if (v == backlog_view::priority_aware && task.cls + 1 < C) {
      const double phi_before = t.d.rank(task).front().phi;
      for (std::size_t s = 0; s < t.nodes.size(); ++s) {
        std::vector<double> b = t.backlog[s];
        b.back() += 1e12;
        t.d.observe(t.nodes[s], t.flops[s], t.service[s], b, 2.0);
      }
      REQUIRE(t.d.rank(task).front().phi == phi_before);
      REQUIRE(t.d.rank(task).front().node == want);
    }
  }
  // Ties: self wins, then the lower id.
  pa_mdi_dispatcher d(5, {9, 2}, 1, backlog_view::total);
  d.set_link(9, 0, 1e12), d.set_link(2, 0, 1e12);
  for (pindex n : {5, 9, 2}) d.observe(n, 1e9, 0, std::vector<double>{0}, 0);
  const auto r = d.rank({1, 0, 1, 0, 0, 1e9, 0});
  CHECK(r[0].node == 5);
  CHECK(r[1].node == 2);
  CHECK(r[2].node == 9);
  CHECK_THROWS_AS(pa_mdi_dispatcher(1, {1}, 1, backlog_view::total), idn::invalid_input);
  CHECK_THROWS_AS(d.observe(7, 1e9, 0, std::vector<double>{0}, 0), idn::invalid_input);
  CHECK_THROWS_AS(d.observe(9, 0, 0, std::vector<double>{0}, 0), idn::invalid_input);
}
