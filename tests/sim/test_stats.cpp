#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/stats.hpp"

using namespace idn::sim;

TEST_CASE("sample_stats: Welford moments and nearest-rank quantiles vs a sorted copy") {
  idn::rng g(51);
  for (int t = 0; t < 300; ++t) {
    sample_stats s;
    std::vector<double> xs(1 + g() % 200);
    double sum = 0;
    for (auto& x : xs) {
      x = std::floor(idn::uniform01(g) * 50) - 10;  // ties
      s.add(x);
      sum += x;
    }
    const double mean = sum / double(xs.size());
    double ss = 0;
    for (double x : xs) ss += (x - mean) * (x - mean);
    REQUIRE(s.mean() == idn::test::rel(mean).epsilon(1e-12));
    if (xs.size() > 1) REQUIRE(s.variance() == idn::test::rel(ss / double(xs.size() - 1)).epsilon(1e-10));
    std::vector<double> sorted = xs;
    std::sort(sorted.begin(), sorted.end());
    for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 1.0}) {
      const std::size_t rank = q == 0 ? 1 : static_cast<std::size_t>(std::ceil(q * double(xs.size())));
      REQUIRE(s.quantile(q) == sorted[std::max<std::size_t>(rank, 1) - 1]);
    }
    REQUIRE(s.min() == sorted.front());
    REQUIRE(s.max() == sorted.back());
  }
  sample_stats e;
  CHECK_THROWS_AS(e.quantile(0.5), idn::invalid_input);
  e.add(1);
  CHECK_THROWS_AS(e.quantile(1.5), idn::invalid_input);
  CHECK(e.variance() == 0);
}

TEST_CASE("time_weighted: equals the exact integral of random step functions") {
  idn::rng g(52);
  for (int t = 0; t < 500; ++t) {
    const double t0 = idn::uniform01(g) * 10;
    double level = idn::uniform01(g) * 5;
    time_weighted tw(t0, level);
    double now = t0, integral = 0, peak = level;
    for (int k = 0; k < 50; ++k) {
      const double dt = (g() % 5 == 0) ? 0.0 : idn::uniform01(g);
      integral += level * dt;
      now += dt;
      level = std::floor(idn::uniform01(g) * 8);
      peak = std::max(peak, level);
      tw.set(now, level);
    }
    const double end = now + 0.5;
    integral += level * 0.5;
    REQUIRE(tw.mean(end) == idn::test::rel(integral / (end - t0)).epsilon(1e-12));
    REQUIRE(tw.max_level() == peak);
  }
  time_weighted tw(0, 2);
  CHECK(tw.mean(0) == 2);
  tw.set(1, 4);
  CHECK_THROWS_AS(tw.set(0.5, 1), idn::invalid_input);
  tw.reset(2);
  CHECK(tw.mean(3) == 4);
}

TEST_CASE("batch_means: drops the first n mod b, SE of batch means; bad input") {
  std::vector<double> xs;
  for (int i = 0; i < 103; ++i) xs.push_back(i < 3 ? 1e9 : double(i % 4));  // the 3 outliers are dropped
  const auto r = batch_means(xs, 4);
  CHECK(r.batches == 4);
  // batch means of 25 consecutive values of i % 4 starting at i = 3
  std::vector<double> means;
  for (int b = 0; b < 4; ++b) {
    double s = 0;
    for (int i = 0; i < 25; ++i) s += double((3 + b * 25 + i) % 4);
    means.push_back(s / 25);
  }
  double m = 0;
  for (double x : means) m += x / 4;
  double v = 0;
  for (double x : means) v += (x - m) * (x - m) / 3;
  CHECK(r.mean == idn::test::rel(m));
  CHECK(r.std_error == idn::test::rel(std::sqrt(v / 4)));
  CHECK_THROWS_AS(batch_means(xs, 1), idn::invalid_input);
  CHECK_THROWS_AS(batch_means(std::vector<double>(3, 1.0), 4), idn::invalid_input);
}

TEST_CASE("poisson_source: counts on [0, T] have mean = variance = lambda T (within 4 SE)") {
  const double lambda = 5, horizon = 20;
  const int reps = 2000;
  idn::rng seeds(53);
  double s = 0, s2 = 0;
  for (int r = 0; r < reps; ++r) {
    simulator sim;
    std::uint64_t count = 0;
    poisson_source src(sim, lambda, idn::rng(seeds()), [&](std::uint64_t) { ++count; }, 0, horizon);
    sim.run();
    CHECK(src.arrivals() == count);
    s += double(count);
    s2 += double(count) * double(count);
  }
  const double mean = s / reps, var = (s2 - reps * mean * mean) / (reps - 1), lt = lambda * horizon;
  CHECK(std::abs(mean - lt) <= 4 * std::sqrt(lt / reps));
  CHECK(std::abs(var - lt) <= 4 * lt * std::sqrt(2.0 / (reps - 1)));
}
