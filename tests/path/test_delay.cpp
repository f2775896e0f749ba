// path/delay.hpp: ps_delay against M/M/1 (one server, checked by a Lindley simulation) and
// against a processor-sharing simulation of two linked servers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/sim/stats.hpp"

#include "idn/path.hpp"
#include "two_servers.hpp"

using namespace idn::path;
using idn::path::test::two_servers;

TEST_CASE("ps_delay: one server = M/M/1 (PS and FIFO share the mean), checked against a Lindley simulation") {
  for (const double u : {0.3, 0.7}) {
    const double cap = 2e9, W = 1e9, lambda = u * cap / W;
    const block_graph bg(two_servers(cap, 1e9, lambda, 1e9));
    const path_load L = compute_load(bg, original_path(bg, 0));
    const delay_result d = ps_delay(bg, 0, L, lambda, 0);
    CHECK(d.utilization[0] == idn::test::rel(u).epsilon(1e-12));
    idn::rng g(73);
#ifdef IDN_TEST_LIGHT
    const int n = 200'000;
#else
    const int n = 1'000'000;
#endif
    // FIFO M/M/1 by Lindley's recursion, 50 batch means.
    std::vector<double> sojourn(static_cast<std::size_t>(n));
    double wait = 0;
    for (int i = 0; i < n; ++i) {
      const double s = idn::standard_exponential(g) * W / cap, a = idn::standard_exponential(g) / lambda;
      sojourn[static_cast<std::size_t>(i)] = wait + s;
      wait = std::max(0.0, wait + s - a);
    }
    const idn::sim::batch_means_result bm = idn::sim::batch_means(sojourn, 50);
    const double mean = bm.mean, se = bm.std_error;
    CAPTURE(u);
    CHECK(std::abs(d.mean_delay_s - mean) <= std::max(4 * se, 0.01 * mean));
    // Overload is reported, not NaN.
    const delay_result over = ps_delay(bg, 0, L, 3 * lambda / u, 0);
    CHECK(over.status == idn::solve_status::unstable);
    CHECK(std::isinf(over.mean_delay_s));
  }
}

namespace {
/// Event-driven processor sharing with exponential work: n jobs share rate μ equally. Jobs of
/// the "path" class visit server 0 (work w0), then wait a constant transfer X, then server 1
/// (work w1); "original" jobs visit server 0 only (work W). Returns the per-class mean sojourn.
struct ps_result {
  double original, path, original_se, path_se;
};
ps_result simulate_ps(double mu0, double mu1, double x0, double xp, double W, double w0, double w1, double X, int n, std::uint64_t seed) {
  idn::rng g(seed);
  auto expo = [&](double mean) { return idn::standard_exponential(g) * mean; };
  struct job {
    double remaining, start;
    int cls, id;
  };
  std::vector<job> s0, s1;
  std::vector<std::pair<double, job>> transfer;  // (arrival time at server 1, job)
  double now = 0, next_arrival = expo(1 / (x0 + xp));
  std::vector<double> so, sp;  // sojourns per class, in completion order
  int arrived = 0, finished = 0;
  auto advance = [&](std::vector<job>& q, double mu, double dt) {
    if (q.empty()) return;
    const double each = mu * dt / static_cast<double>(q.size());
    for (job& j : q) j.remaining -= each;
  };
  auto record = [&](const job& j) {
    if (j.id >= n / 10) (j.cls == 0 ? so : sp).push_back(now - j.start);  // the first 10 % is warm-up
    ++finished;
  };
  while (finished < n) {
    // Next event: arrival, a completion at either server, or a transfer landing.
    double t_arr = arrived < n ? next_arrival : INFINITY, t0 = INFINITY, t1 = INFINITY, tt = INFINITY;
    std::size_t i0 = 0, i1 = 0, it = 0;
    for (std::size_t i = 0; i < s0.size(); ++i)
      if (const double t = now + s0[i].remaining * static_cast<double>(s0.size()) / mu0; t < t0) t0 = t, i0 = i;
    for (std::size_t i = 0; i < s1.size(); ++i)
      if (const double t = now + s1[i].remaining * static_cast<double>(s1.size()) / mu1; t < t1) t1 = t, i1 = i;
    for (std::size_t i = 0; i < transfer.size(); ++i)
      if (transfer[i].first < tt) tt = transfer[i].first, it = i;
    const double t = std::min({t_arr, t0, t1, tt});
    advance(s0, mu0, t - now), advance(s1, mu1, t - now);
    now = t;
    if (t == t_arr) {
      const int cls = idn::uniform01(g) < xp / (x0 + xp) ? 1 : 0;
      s0.push_back({expo(cls == 0 ? W : w0), now, cls, arrived++});
      next_arrival = now + expo(1 / (x0 + xp));
    } else if (t == t0) {
      const job j = s0[i0];
      s0.erase(s0.begin() + static_cast<std::ptrdiff_t>(i0));
      if (j.cls == 0) record(j);
      else transfer.push_back({now + X, j});
    } else if (t == t1) {
      const job j = s1[i1];
      s1.erase(s1.begin() + static_cast<std::ptrdiff_t>(i1));
      record(j);
    } else {
      job j = transfer[it].second;
      transfer.erase(transfer.begin() + static_cast<std::ptrdiff_t>(it));
      j.remaining = expo(w1);
      s1.push_back(j);
    }
  }
  const idn::sim::batch_means_result o = idn::sim::batch_means(so, 45), q = idn::sim::batch_means(sp, 45);
  ps_result r{o.mean, q.mean, o.std_error, q.std_error};
  return r;
}
}  // namespace

TEST_CASE("ps_delay: two linked servers against a processor-sharing simulation (u in {0.3, 0.7})") {
#ifdef IDN_TEST_LIGHT
  const int n = 100'000;
#else
  const int n = 1'000'000;
#endif
  for (const double u : {0.3, 0.7}) {
    // Server 0: the original model (W = 1e9) plus the path's first part; server 1: the rest.
    graph_spec spec = two_servers(2e9, 2e9, 1, 1e9);
    spec.models.push_back({"helper", 1, 1, 1000, {{4e8, 5000}, {4e8, 100}}, 0.7});
    spec.heads.push_back({1, 2, 1, head_kind::original, 0, 10, 0.7, 0});
    spec.heads.push_back({1, 2, 0, head_kind::extra, 2e8, 10, std::nullopt, 0});
    spec.connections.push_back({0, 1, 1, 1, 0, adapter_site::destination, 0});
    // Split λ: x0 = 40 % on the original, xp = 60 % on the path; scale λ so server 0's u = target.
    const block_graph probe(spec);
    const path p{0, {{0, 0, 1, 0}, {1, 1, 2, 1}}, {0}, 2};
    const path_load L = compute_load(probe, p);
    const double W = probe.service_flops(0), lam = u * 2e9 / (0.4 * W + 0.6 * L.server_flops[0]);
    const double x0 = 0.4 * lam, xp = 0.6 * lam;
    const delay_result d = ps_delay(probe, 0, L, x0, xp);
    REQUIRE(d.status == idn::solve_status::feasible);
    CHECK(d.utilization[0] == idn::test::rel(u).epsilon(1e-12));
    const ps_result sim = simulate_ps(2e9, 2e9, x0, xp, W, L.server_flops[0], L.server_flops[1], L.transfer_s, n, 79);
    CAPTURE(u);
    CHECK(std::abs(sim.original - d.original_delay_s) <= std::max(4 * sim.original_se, 0.01 * d.original_delay_s));
    CHECK(std::abs(sim.path - d.path_delay_s) <= std::max(4 * sim.path_se, 0.01 * d.path_delay_s));
  }
}
