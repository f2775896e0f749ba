// docs/serve.md "Batching" (analytic parts): capacity B/t(B) rising with B for an affine t
// with a fixed part; the formula's pieces; validation.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/serve/batching.hpp"

using namespace idn::serve;

TEST_CASE("batching_table: capacity = B/t(B), increasing with B; latency = formation + AC wait + t(B); validation") {
  const affine_batch_latency t{0.020, 0.002};
  const std::vector<std::uint32_t> bs{1, 2, 4, 8, 16, 32};
  const auto rows = batching_table(100.0, 2, t, bs);
  double last = 0;
  for (const batch_row& r : rows) {
    CHECK(r.capacity == idn::test::rel(r.batch / t(r.batch)));
    CHECK(r.capacity > last);
    last = r.capacity;
    if (r.status == idn::solve_status::feasible) {
      const double lb = 100.0 / r.batch, mu = 1 / t(r.batch);
      const double expect = (r.batch - 1) / 200.0 + mmc(lb, mu, 2).mean_wait * (1.0 / r.batch + 0) / 2 + t(r.batch);
      CHECK(r.mean_latency == idn::test::rel(expect).epsilon(1e-12));
      CHECK(r.utilization < 1);
    } else {
      CHECK(std::isinf(r.mean_latency));
    }
  }
  // B = 1 is plain M/D/c under Allen-Cunneen; client-formed batches pay no formation wait.
  const auto client = batching_table(100.0, 2, t, bs, {true, 0.0});
  for (std::size_t i = 0; i < bs.size(); ++i)
    if (client[i].status == idn::solve_status::feasible && rows[i].status == idn::solve_status::feasible) CHECK(client[i].mean_latency <= rows[i].mean_latency + 1e-12 + mmc(100.0 / bs[i], 1 / t(bs[i]), 2).mean_wait);
  // At light load a bigger batch adds latency; at heavy load only big batches are stable.
  const auto light = batching_table(5.0, 1, t, bs);
  CHECK(light.front().mean_latency < light.back().mean_latency);
  const auto heavy = batching_table(300.0, 1, t, bs);
  CHECK(heavy.front().status == idn::solve_status::unstable);
  CHECK(heavy.back().status == idn::solve_status::feasible);
  CHECK_THROWS_WITH_AS(batching_table(10.0, 1, [](std::uint32_t) { return -1.0; }, std::vector<std::uint32_t>{16}),
                       "idn::serve::batching_table: batch_latency(16) = -1: must be finite and > 0", idn::invalid_input);
  CHECK_THROWS_AS(batching_table(0.0, 1, t, bs), idn::invalid_input);
  CHECK_THROWS_AS(batching_table(1.0, 0, t, bs), idn::invalid_input);
  CHECK_THROWS_AS(batching_table(1.0, 1, t, std::vector<std::uint32_t>{0}), idn::invalid_input);
}
