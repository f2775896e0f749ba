// serve/batch_planner.hpp: the InferLine-style estimator against an independent single-server
// recursion (bit-identical with the same random streams), against M/M/c and M/D/c formulas at
// batch 1, the batching limits (light load: batches of one; saturation: full batches), and the
// planner against exhaustive search over (B, replicas) with the same estimator.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/serve/batch_planner.hpp"
#include "idn/serve/queueing.hpp"

using namespace idn;
using namespace idn::serve;
using profile_map = std::map<std::uint32_t, std::vector<double>>;

namespace {

/// One replica, dynamic batching, written as a recursion over batches (no event engine): the
/// next batch starts at max(server free, next waiting arrival) and takes every item that has
/// arrived by then, at most B. Same random streams as the estimator.
std::vector<double> recursion_latencies(double rate, const std::map<std::uint32_t, std::vector<double>>& prof, std::uint32_t B, std::uint64_t items,
                                        std::uint64_t seed) {
  idn::rng arrivals(seed), service(seed ^ 0x9e3779b97f4a7c15ULL);
  std::vector<double> at(items);
  double t = 0;
  for (auto& a : at) a = t += standard_exponential(arrivals) / rate;
  std::vector<double> latency;
  double free_at = 0;
  for (std::size_t next = 0; next < items;) {
    const double start = std::max(free_at, at[next]);
    std::size_t end = next;
    while (end < items && end - next < B && at[end] <= start) ++end;
    const std::uint32_t b = static_cast<std::uint32_t>(end - next);
    const std::vector<double>& s = prof.lower_bound(b)->second;
    const double finish = start + s[idn::uniform_index(s.size(), service)];
    for (std::size_t i = next; i < end; ++i)
      if (i >= items / 10) latency.push_back(finish - at[i]);
    free_at = finish, next = end;
  }
  return latency;
}

std::vector<double> exponential_samples(double mean, std::size_t n, std::uint64_t seed) {
  idn::rng g(seed);
  std::vector<double> v(n);
  for (auto& x : v) x = mean * standard_exponential(g);
  return v;
}

}  // namespace

TEST_CASE("batched stage estimator: one replica equals an independent recursion, bit for bit, on 300 random instances") {
  idn::rng g(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::map<std::uint32_t, std::vector<double>> prof;
    const std::uint32_t sizes[] = {1, 2, 4, 8};
    const std::uint32_t largest = sizes[trial % 4];
    for (const std::uint32_t b : sizes) {
      if (b > largest) break;
      std::vector<double> s(1 + static_cast<std::size_t>(uniform01(g) * 20));
      for (auto& x : s) x = 0.01 * (1 + 0.3 * b) * (0.8 + 0.4 * uniform01(g));
      prof[b] = s;
    }
    const batch_latency_profile p(prof);
    const std::uint32_t B = 1 + static_cast<std::uint32_t>(uniform01(g) * largest);
    const double cap = B / p.mean_at(p.slot(B)), rate = cap * (0.1 + 0.85 * uniform01(g));
    const std::uint64_t items = 1000 + static_cast<std::uint64_t>(uniform01(g) * 3000), seed = trial + 1;
    std::vector<double> ref = recursion_latencies(rate, prof, B, items, seed);
    std::sort(ref.begin(), ref.end());
    double sum = 0;
    for (double x : ref) sum += x;
    const stage_estimate e = simulate_batched_stage(rate, p, {B, 1}, 0.99, items, seed);
    CAPTURE(trial);
    CHECK(e.quantile_latency == ref[static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(ref.size()))) - 1]);
    CHECK(e.mean_latency == doctest::Approx(sum / static_cast<double>(ref.size())).epsilon(1e-12));
  }
}

TEST_CASE("batched stage estimator at batch 1: M/M/c mean and p99 and Cosmetatos' M/D/c mean") {
  std::uint64_t seed = 11;
#ifdef IDN_TEST_LIGHT  // sanitizers, qemu: the same tolerances on fewer configurations
  const std::vector<std::uint64_t> cs{1, 4};
#else
  const std::vector<std::uint64_t> cs{1, 2, 4, 8};
#endif
  for (const std::uint64_t c : cs)
    for (const double rho : {0.5, 0.8}) {
      CAPTURE(c);
      CAPTURE(rho);
      const double mean = 0.02, rate = rho * static_cast<double>(c) / mean;
      // Exponential service from 20,000 samples (their own mean, so the formula sees the same load).
      const std::vector<double> ex = exponential_samples(mean, 20'000, seed++);
      double m = 0;
      for (double x : ex) m += x / static_cast<double>(ex.size());
      const stage_estimate e = simulate_batched_stage(rate, batch_latency_profile(profile_map{{1, ex}}), {1, c}, 0.99, 400'000, seed++);
      CHECK(e.mean_latency == doctest::Approx(mmc(rate, 1 / m, c).mean_response).epsilon(0.03));
      CHECK(e.quantile_latency == doctest::Approx(mmc_response_quantile(rate, 1 / m, c, 0.99)).epsilon(0.05));
      CHECK(e.mean_batch == 1);
      const stage_estimate d = simulate_batched_stage(rate, batch_latency_profile(profile_map{{1, {mean}}}), {1, c}, 0.99, 400'000, seed++);
      CHECK(d.mean_latency - mean == doctest::Approx(mdc_mean_wait(rate, 1 / mean, c)).epsilon(0.06));
      CHECK(d.throughput == doctest::Approx(rate).epsilon(0.02));
    }
}

TEST_CASE("dynamic batching limits: light load serves batches of one, near saturation batches fill up") {
  const batch_latency_profile p({{1, {0.010}}, {2, {0.012}}, {4, {0.016}}, {8, {0.024}}});
  const stage_estimate light = simulate_batched_stage(1.0, p, {8, 1}, 0.5, 20'000, 3);
  CHECK(light.mean_batch < 1.02);
  CHECK(light.mean_latency == doctest::Approx(0.010).epsilon(0.02));
  // Capacity at B = 8: 8 / 0.024 = 333 items/s; at 320 items/s batches are almost always full.
  const stage_estimate heavy = simulate_batched_stage(320.0, p, {8, 1}, 0.5, 100'000, 3);
  CHECK(heavy.mean_batch > 7.0);
  CHECK(heavy.throughput == doctest::Approx(320.0).epsilon(0.03));
}

TEST_CASE("plan_batched_stage equals exhaustive search over (B, replicas) with the same estimator, 40 random instances") {
  idn::rng g(5);
#ifdef IDN_TEST_LIGHT
  const int trials = 12;
#else
  const int trials = 40;
#endif
  for (int trial = 0; trial < trials; ++trial) {
    std::map<std::uint32_t, std::vector<double>> prof;
    const double base = 0.005 + 0.02 * uniform01(g), per_item = base * (0.1 + 0.8 * uniform01(g));
    for (const std::uint32_t b : {1u, 2u, 4u, 8u}) {
      std::vector<double> s(5);
      for (auto& x : s) x = (base + per_item * (b - 1)) * (0.9 + 0.2 * uniform01(g));
      prof[b] = s;
    }
    const batch_latency_profile p(prof);
    const double rate = (1 + 40 * uniform01(g)) / base;
    const slo target{base * (2 + 6 * uniform01(g)), 0.95, trial % 5 == 0};
    batch_plan_options o;
    o.max_replicas = 48, o.items = 4000, o.seed = trial + 1;
    const batch_plan plan = plan_batched_stage(rate, p, target, o);
    // Exhaustive: every B, every replica count from 1 that is stable.
    double best = INFINITY;
    std::uint32_t best_b = 0;
    for (const std::uint32_t B : p.sizes())
      for (std::uint64_t c = 1; c <= o.max_replicas; ++c) {
        if (!(rate < static_cast<double>(c) * B / p.mean_at(p.slot(B)))) continue;
        const stage_estimate e = simulate_batched_stage(rate, p, {B, c}, target.on_mean ? 0.5 : target.quantile, o.items, o.seed);
        if ((target.on_mean ? e.mean_latency : e.quantile_latency) <= target.latency && static_cast<double>(c) < best) best = static_cast<double>(c), best_b = B;
      }
    CAPTURE(trial);
    if (best == INFINITY) {
      CHECK(plan.status != idn::solve_status::optimal);
    } else {
      REQUIRE(plan.status == idn::solve_status::optimal);
      CHECK(plan.cost == best);
      CHECK(plan.config.max_batch == best_b);
    }
  }
}

TEST_CASE("batch planner: bad input is named") {
  CHECK_THROWS_WITH_AS(batch_latency_profile(profile_map{{0, {1.0}}}), doctest::Contains("idn::serve::batch_latency_profile: batch size = 0: must be >= 1"), invalid_input);
  CHECK_THROWS_WITH_AS(batch_latency_profile(profile_map{{2, {1.0, -1.0}}}), doctest::Contains("idn::serve::batch_latency_profile: by_batch[2][1] = -1: must be finite and > 0"), invalid_input);
  CHECK_THROWS_WITH_AS(batch_latency_profile(profile_map{{2, {}}}), doctest::Contains("idn::serve::batch_latency_profile: by_batch[2].size() = 0: must be >= 1"), invalid_input);
  CHECK_THROWS_AS(batch_latency_profile(profile_map{}), invalid_input);
  CHECK_THROWS_WITH_AS(batch_latency_profile(profile_map{{1, {1e308, 1e308}}}), doctest::Contains("overflows"), invalid_input);
  const batch_latency_profile p({{1, {0.01}}, {4, {0.02}}});
  CHECK_THROWS_WITH_AS(simulate_batched_stage(100, p, {8, 1}, 0.99, 1000, 1), doctest::Contains("max_batch = 8"), invalid_input);
  CHECK_THROWS_WITH_AS(simulate_batched_stage(300, p, {4, 1}, 0.99, 1000, 1), doctest::Contains("capacity 200"), invalid_input);
  CHECK_THROWS_WITH_AS(simulate_batched_stage(NAN, p, {4, 1}, 0.99, 1000, 1), doctest::Contains("rate = nan"), invalid_input);
  CHECK_THROWS_WITH_AS(simulate_batched_stage(10, p, {4, 0}, 0.99, 1000, 1), doctest::Contains("replicas = 0"), invalid_input);
  CHECK_THROWS_WITH_AS(simulate_batched_stage(10, p, {4, 1}, 0.99, 999, 1), doctest::Contains("items = 999"), invalid_input);
  CHECK_THROWS_WITH_AS(simulate_batched_stage(10, p, {4, 1}, 0.99, ~std::uint64_t{0}, 1), doctest::Contains("must lie in [1000, 1e8]"), invalid_input);
  // Fuzz finding: service times from 3 s to 1e122 s; the horizon dwarfs 3 s on a double clock.
  const batch_latency_profile wide(profile_map{{1, {0.021}}, {2, {1e122, 3, 5}}});
  CHECK_THROWS_WITH_AS(simulate_batched_stage(2.7e-122, wide, {2, 1}, 0.99, 1000, 1), doctest::Contains("idn::serve::simulate_batched_stage: profile.shortest_mean() = 0.021: must be >= 2^-52 * 1e6 of the horizon items / rate"), invalid_input);
  CHECK_THROWS_WITH_AS(plan_batched_stage(10, p, slo{0, 0.99, false}), doctest::Contains("slo.latency = 0"), invalid_input);
  CHECK_THROWS_WITH_AS(plan_batched_stage(10, p, slo{1, 1.0, false}), doctest::Contains("slo.quantile = 1"), invalid_input);
  // An SLO below every batch time: no replica count helps.
  CHECK(plan_batched_stage(10, p, slo{0.005, 0.99, false}).limit == sizing_limit::slo_below_service_time);
  CHECK(plan_batched_stage(1000, p, slo{0.05, 0.99, false}, {.max_replicas = 2}).limit == sizing_limit::exceeds_max_replicas);
}
