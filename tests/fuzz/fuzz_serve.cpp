// serve: every queueing formula and sizing entry point (M/M/c and general service) on decoded rates (NaN, ±inf, ±0,
// subnormals, 1e308, DBL_MAX, counts near 2^32 and 2^64), and placement on a decoded chain.
// Asserts: only invalid_input escapes; every returned number is finite (probabilities in [0, 1])
// except sizing.achieved on an unstable cap, which is exactly the documented 1 or +inf; sizing
// returns within its documented work bound (the -timeout catches a hang); place() == the best
// over all placements found by evaluate(), within the prefix sums' absolute error.
#include <cmath>
#include <cstdint>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/serve/general_sizing.hpp"
#include "idn/serve/placement.hpp"
#include "idn/serve/sizing.hpp"

namespace sv = idn::serve;

namespace {
bool probability(double p) { return p >= 0 && p <= 1; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  const double lambda = in.real(), mu = in.real(), t = in.real(), q = in.real();
  const std::uint64_t c = in.flag() ? in.count() : in.size(1, 40);
  idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(probability(sv::erlang_b(c, lambda))); });
  idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(probability(sv::erlang_c(c, lambda))); });
  idn::fuzz::expect_clean([&] {
    const sv::mmc_metrics m = sv::mmc(lambda, mu, c);
    IDN_FUZZ_ASSERT(probability(m.prob_wait) && std::isfinite(m.mean_wait) && std::isfinite(m.mean_response) &&
                    std::isfinite(m.mean_in_system) && std::isfinite(m.utilization));
  });
  idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(probability(sv::mmc_wait_tail(lambda, mu, c, t))); });
  idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(probability(sv::mmc_response_tail(lambda, mu, c, t))); });
  idn::fuzz::expect_clean([&] {
    const double v = sv::mmc_response_quantile(lambda, mu, c, q);
    IDN_FUZZ_ASSERT(std::isfinite(v) && v >= 0);
  });
  // Decoded values go to named locals first: argument evaluation order is unspecified, and a
  // corpus must decode the same way under every compiler.
  const double ca2 = in.real(), cs2 = in.real();
  idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(std::isfinite(sv::ggc_mean_wait(lambda, mu, c, ca2, cs2))); });
  idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(std::isfinite(sv::mdc_mean_wait(lambda, mu, c))); });
  idn::fuzz::expect_clean([&] {
    const sv::slo s{in.real(), in.real(), in.flag()};
    const std::uint64_t cap = in.flag() ? in.count() : in.size(1, 64);
    const sv::sizing z = sv::min_replicas(lambda, mu, s, cap);
    if (z.limit == sv::sizing_limit::exceeds_max_replicas && !(lambda / mu < static_cast<double>(z.replicas)))
      IDN_FUZZ_ASSERT(z.achieved == (s.on_mean ? INFINITY : 1.0));
    else
      IDN_FUZZ_ASSERT(std::isfinite(z.achieved) && z.achieved >= 0);
    if (z.status == idn::solve_status::optimal) IDN_FUZZ_ASSERT(z.replicas >= 1 && z.utilization < 1);
  });
  const double alpha = in.real();
  idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(sv::sqrt_staffing(lambda, mu, alpha) >= 1); });
  idn::fuzz::expect_clean([&] {
    std::vector<double> service(in.size(1, 3));
    for (auto& x : service) x = in.real();
    const double fixed = in.real(), target = in.real();
    const std::uint64_t max_total = in.flag() ? in.count() : 1000;
    const sv::tandem_sizing z = sv::size_for_mean(lambda, service, fixed, target, max_total);
    IDN_FUZZ_ASSERT(z.replicas.size() == service.size());
    if (idn::has_answer(z.status)) IDN_FUZZ_ASSERT(std::isfinite(z.mean_latency));
  });
  // Placement on a decoded chain (sizes sometimes inconsistent on purpose).
  sv::chain ch;
  const Eigen::Index N = static_cast<Eigen::Index>(in.size(1, 4)), K = static_cast<Eigen::Index>(in.size(1, 3));
  const bool consistent = in.byte() % 8 != 0;
  const Eigen::Index Kr = consistent ? K : static_cast<Eigen::Index>(in.size(0, 3));
  auto value = [&] { return in.byte() % 5 == 0 ? in.real() : in.positive() * 1e-3; };
  ch.elements.assign(static_cast<std::size_t>(N), "e");
  ch.seconds.resize(N, K);
  for (Eigen::Index e = 0; e < N; ++e)
    for (Eigen::Index k = 0; k < K; ++k) ch.seconds(e, k) = value();
  ch.boundary_bytes.resize(N + 1), ch.weight_bytes.resize(N), ch.workspace_bytes.resize(N);
  for (auto& b : ch.boundary_bytes) b = value() * 1e6;
  for (Eigen::Index e = 0; e < N; ++e) ch.weight_bytes[e] = value() * 1e6, ch.workspace_bytes[e] = value() * 1e6;
  ch.overhead.resize(K), ch.capacity.resize(K), ch.replicas.resize(Kr);
  for (Eigen::Index k = 0; k < K; ++k) ch.overhead[k] = value(), ch.capacity[k] = in.flag() ? INFINITY : value() * 1e9;
  for (Eigen::Index k = 0; k < Kr; ++k) ch.replicas[k] = in.flag() ? 1.0 : value();
  ch.up_seconds.resize(K - 1, N + 1), ch.down_seconds.resize(K - 1, N + 1), ch.up_serial.resize(K - 1, N + 1), ch.down_serial.resize(K - 1, N + 1);
  for (Eigen::Index k = 0; k + 1 < K; ++k)
    for (Eigen::Index j = 0; j <= N; ++j) {
      ch.up_serial(k, j) = value(), ch.down_serial(k, j) = value();
      ch.up_seconds(k, j) = ch.up_serial(k, j) + value(), ch.down_seconds(k, j) = ch.down_serial(k, j) + value();
    }
  sv::placement_options po;
  po.throughput = in.flag() ? 0.0 : value() * 1e3;
  po.max_utilization = in.flag() ? 0.8 : in.real();
  po.return_result = in.flag();
  idn::fuzz::expect_clean([&] {
    const sv::placement p = sv::place(ch, po);
    if (p.ends.empty()) return;
    IDN_FUZZ_ASSERT(std::isfinite(p.latency));
    if (!idn::has_answer(p.status)) return;
    // Brute force: the best feasible latency over every (last tier, ends) is not below place()'s.
    const auto n = static_cast<std::size_t>(N), kk = static_cast<std::size_t>(K);
    std::vector<std::size_t> ends(kk);
    double best = INFINITY;
    auto rec = [&](auto&& self, std::size_t k, std::size_t last, std::size_t from) -> void {
      if (k == kk) {
        const sv::placement e = sv::evaluate(ch, ends, last, po);
        if (idn::has_answer(e.status)) best = std::min(best, e.latency);
        return;
      }
      if (k >= last) {
        ends[k] = n;
        self(self, k + 1, last, n);
        return;
      }
      for (std::size_t j = from; j <= n; ++j) ends[k] = j, self(self, k + 1, last, j);
    };
    for (std::size_t last = 0; last < kk; ++last) rec(rec, 0, last, 0);
    // The oracle answers range queries by prefix sums, whose absolute error is a few ulps of the
    // largest prefix (docs/reliability.md, "Numerical accuracy"): compare within that scale.
    double scale = 0;
    for (Eigen::Index e = 0; e < N; ++e)
      for (Eigen::Index k = 0; k < K; ++k) scale += std::isfinite(ch.seconds(e, k)) ? ch.seconds(e, k) : 0.0;
    scale += ch.overhead.sum() + ch.up_seconds.sum() + ch.down_seconds.sum();
    IDN_FUZZ_ASSERT(best >= p.latency * (1 - 1e-9) - 64 * 2.2e-16 * scale);
  });
  // General service times (serve/general_sizing.hpp), decoded last so that older corpus entries
  // decode as before: samples through the tail, the quantile and the galloping sizing (bounded
  // work whatever the load: the -timeout catches a hang).
  idn::fuzz::expect_clean([&] {
    std::vector<double> samples(in.size(1, 4));
    for (auto& x : samples) x = in.real();
    const sv::service_distribution dist(samples);
    const double dg = in.real();
    const std::uint64_t cg = in.size(1, 16);
    IDN_FUZZ_ASSERT(probability(sv::general_response_tail(lambda, dist, cg, dg)));
    const double qg = in.real();
    const double v = sv::general_response_quantile(lambda, dist, cg, qg);
    IDN_FUZZ_ASSERT(std::isfinite(v) && v >= 0);
  });
  idn::fuzz::expect_clean([&] {
    std::vector<double> samples(in.size(1, 4));
    for (auto& x : samples) x = in.real();
    const sv::service_distribution dist(samples);
    const sv::slo s{in.real(), in.real(), in.flag()};
    const std::uint64_t cap = in.flag() ? in.count() : in.size(1, 64);
    const sv::sizing z = sv::min_replicas(lambda, dist, s, cap);
    if (z.limit == sv::sizing_limit::exceeds_max_replicas && !(lambda * dist.mean() < static_cast<double>(z.replicas)))
      IDN_FUZZ_ASSERT(z.achieved == (s.on_mean ? INFINITY : 1.0));
    else
      IDN_FUZZ_ASSERT(std::isfinite(z.achieved) && z.achieved >= 0);
    if (z.status == idn::solve_status::optimal) IDN_FUZZ_ASSERT(z.replicas >= 1 && z.utilization < 1);
  });
  return 0;
}
