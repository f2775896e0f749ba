// docs/serve.md "simulate_scans", §9 R4: the scan harness against an independent flow-shop
// recursion (fixed-size scans, FIFO link, round robin), the U{min..max} scan sizes, kept_up and
// min_replicas_for_scans, the batching trade-off, determinism and validation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/link.hpp"
#include "idn/serve/scans.hpp"

using namespace idn::serve;

namespace {
/// The oracle: requests leave the link in order (C1_j = C1_{j-1} + σ_j, then latency L), round
/// robin sends request j to replica j mod c, and each replica is FIFO. Every scan has exactly n
/// images. The link queue is FIFO in scan-start order, so the recursion runs scan by scan, in
/// start order, over the shared link and replicas, even when scans overlap.
struct oracle_result {
  double mean_image_latency, max_makespan, mean_makespan;
};
oracle_result flow_shop(const scan_workload& w, std::uint32_t c, const affine_batch_latency& t, double lat, double per_byte) {
  struct start {
    double at;
    std::uint32_t n;
  };
  std::vector<start> starts;
  for (std::uint32_t cl = 0; cl < w.clients; ++cl)
    for (std::uint32_t k = 0; k < w.scans; ++k) starts.push_back({w.period * (k + static_cast<double>(cl) / w.clients), w.min_images});
  std::stable_sort(starts.begin(), starts.end(), [](const start& a, const start& b) { return a.at < b.at; });
  std::vector<double> free_at(c, 0.0);
  double link_free = 0, lat_sum = 0, images = 0, max_m = 0, sum_m = 0;
  std::size_t next = 0;
  for (const start& s : starts) {
    double last = 0;
    for (std::uint32_t sent = 0; sent < s.n; sent += w.batch) {
      const std::uint32_t size = std::min(w.batch, s.n - sent);
      link_free = std::max(link_free, s.at) + per_byte * w.image_bytes * size;
      const std::size_t r = next++ % c;
      free_at[r] = std::max(free_at[r], link_free + lat) + t(size);
      lat_sum += (free_at[r] - s.at) * size, images += size;
      last = std::max(last, free_at[r]);
    }
    max_m = std::max(max_m, last - s.at), sum_m += last - s.at;
  }
  return {lat_sum / images, max_m, sum_m / static_cast<double>(starts.size())};
}
}  // namespace

TEST_CASE("simulate_scans equals the flow-shop recursion for fixed-size scans under round robin (2,000 random cases)") {
  idn::rng g(2026);
  for (int trial = 0; trial < 2000; ++trial) {
    scan_workload w;
    w.min_images = w.max_images = 1 + static_cast<std::uint32_t>(idn::uniform01(g) * 60);
    w.batch = 1 + static_cast<std::uint32_t>(idn::uniform01(g) * 16);
    w.clients = 1 + static_cast<std::uint32_t>(idn::uniform01(g) * 3);
    w.scans = 1 + static_cast<std::uint32_t>(idn::uniform01(g) * 4);
    w.image_bytes = 1e5 + idn::uniform01(g) * 3e6;
    const double rate = 1e8 + idn::uniform01(g) * 1e10, lat = idn::uniform01(g) * 1e-3;
    const affine_batch_latency t{idn::uniform01(g) * 0.05, 1e-3 + idn::uniform01(g) * 0.02};
    w.period = 0.5 + idn::uniform01(g) * 30;  // both kept_up outcomes occur
    const std::uint32_t c = 1 + static_cast<std::uint32_t>(idn::uniform01(g) * 6);
    const scan_result r = simulate_scans(w, c, t, round_robin{}, idn::hw::affine_link(lat, rate), 7);
    const oracle_result o = flow_shop(w, c, t, lat, 8 / rate);
    CAPTURE(trial);
    REQUIRE(r.images == std::uint64_t{w.min_images} * w.clients * w.scans);
    CHECK(r.mean_image_latency == idn::test::rel(o.mean_image_latency).epsilon(1e-9));
    CHECK(r.max_makespan == idn::test::rel(o.max_makespan).epsilon(1e-9));
    CHECK(r.mean_makespan == idn::test::rel(o.mean_makespan).epsilon(1e-9));
    CHECK(r.kept_up == (o.max_makespan <= w.period));
    CHECK(r.requests == std::uint64_t{(w.min_images + w.batch - 1) / w.batch} * w.clients * w.scans);
  }
}

TEST_CASE("simulate_scans: U{min..max} scan sizes, kept_up, min_replicas_for_scans, determinism") {
  scan_workload w;  // the spec's scratch detection: U{50..300} images every 180 s, 15 scans
  w.clients = 4, w.scans = 15;
  const idn::hw::affine_link link(0.5e-3, 1e10);
  const affine_batch_latency gpu{0.030, 0.300};  // a slow GPU: 330 ms per single image
  const scan_result one = simulate_scans(w, 1, gpu, least_outstanding{}, link, 11);
  // 60 scans of mean 175 images: the count is within 4 SE of the uniform mean (sd 72.3 per scan).
  CHECK(static_cast<double>(one.images) / 60 == idn::test::rel(175).epsilon(4 * 72.3 / std::sqrt(60.0) / 175));
  CHECK_FALSE(one.kept_up);  // 4 scans × 175 images × 0.33 s = 231 s of work per 180 s
  const auto [c, rep] = min_replicas_for_scans(w, gpu, [](std::uint32_t) { return least_outstanding{}; }, link, 11);
  REQUIRE(c > 1);
  CHECK(rep.kept_up);
  CHECK(rep.max_makespan <= w.period);
  CHECK_FALSE(simulate_scans(w, c - 1, gpu, least_outstanding{}, link, 11).kept_up);
  // Same seed, same run; SWRR works through the factory.
  const scan_result again = simulate_scans(w, c, gpu, least_outstanding{}, link, 11);
  CHECK(again.mean_image_latency == rep.mean_image_latency);
  CHECK(again.events == rep.events);
  const auto sw = min_replicas_for_scans(
      w, gpu, [](std::uint32_t n) { return smooth_weighted_round_robin(std::vector<std::uint32_t>(n, 1)); }, link, 11);
  CHECK(sw.first >= c - 1);
  CHECK(sw.second.kept_up);
  // A tighter deadline needs at least as many replicas, and the answer meets it.
  const auto tight = min_replicas_for_scans(w, gpu, [](std::uint32_t) { return least_outstanding{}; }, link, 11, {30.0, 64});
  CHECK(tight.first >= c);
  CHECK(tight.second.max_makespan <= 30.0);
  CHECK(simulate_scans(w, tight.first - 1, gpu, least_outstanding{}, link, 11).max_makespan > 30.0);
  const auto none = min_replicas_for_scans(w, gpu, [](std::uint32_t) { return least_outstanding{}; }, link, 11, {30.0, 2});
  CHECK(none.first == 0);
  CHECK_THROWS_AS(min_replicas_for_scans(w, gpu, [](std::uint32_t) { return least_outstanding{}; }, link, 11, {-1.0, 2}), idn::invalid_input);
}

TEST_CASE("simulate_scans (R4): with a fixed part in t(b), bigger batches raise throughput but add latency at light load") {
  scan_workload w;
  w.scans = 5;
  const idn::hw::affine_link link(0.5e-3, 1e11);
  const affine_batch_latency gpu{0.100, 0.010};
  // Heavy load (one replica): batching shortens the makespan.
  w.batch = 1;
  const scan_result b1 = simulate_scans(w, 1, gpu, round_robin{}, link, 3);
  w.batch = 16;
  const scan_result b16 = simulate_scans(w, 1, gpu, round_robin{}, link, 3);
  CHECK(b16.mean_makespan < b1.mean_makespan / 3);
  // Light load (a replica per request, no serialization): every image of B = 1 finishes in
  // L + t(1) and every image of B = 16 in L + t(size of its request).
  const idn::hw::affine_link instant(0.5e-3, INFINITY);
  w.batch = 1;
  const scan_result l1 = simulate_scans(w, 300, gpu, round_robin{}, instant, 3);
  w.batch = 16;
  const scan_result l16 = simulate_scans(w, 300, gpu, round_robin{}, instant, 3);
  CHECK(l16.mean_image_latency > l1.mean_image_latency);
  CHECK(l1.mean_image_latency == idn::test::rel(0.5e-3 + gpu(1)).epsilon(1e-12));
  CHECK(l16.max_makespan == idn::test::rel(0.5e-3 + gpu(16)).epsilon(1e-12));
}

TEST_CASE("simulate_scans: validation") {
  const idn::hw::affine_link link(0.5e-3, 1e9);
  const affine_batch_latency t{0.01, 0.01};
  scan_workload w;
  CHECK_THROWS_WITH_AS(simulate_scans(w, 0, t, round_robin{}, link, 1), "idn::serve::simulate_scans: replicas = 0: must be >= 1", idn::invalid_input);
  w.max_images = 10;
  CHECK_THROWS_WITH_AS(simulate_scans(w, 1, t, round_robin{}, link, 1), doctest::Contains("max_images = 10"), idn::invalid_input);
  w = {};
  w.batch = 4;
  CHECK_THROWS_WITH_AS(simulate_scans(w, 1, [](std::uint32_t b) { return b == 3 ? -1.0 : 0.1; }, round_robin{}, link, 1),
                       "idn::serve::simulate_scans: batch_latency(3) = -1: must be finite and > 0", idn::invalid_input);
  w = {};
  w.period = 0;
  CHECK_THROWS_AS(simulate_scans(w, 1, t, round_robin{}, link, 1), idn::invalid_input);
  w = {};
  CHECK_THROWS_WITH_AS(simulate_scans(w, 1, t, power_of_d(2), link, 1), "idn::serve::simulate_scans: power_of_d d = 2: must be <= replicas = 1", idn::invalid_input);
  CHECK_THROWS_AS(simulate_scans(w, 2, t, smooth_weighted_round_robin({1, 1, 1}), link, 1), idn::invalid_input);
}
