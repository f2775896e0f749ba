// docs/offload.md: budget wrappers (token bucket, quantile cap, primal-dual).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "idn/offload/budget.hpp"
#include "idn/offload/calibrate.hpp"
#include "idn/offload/hil.hpp"
#include "idn/offload/rules.hpp"
#include "streams.hpp"

using namespace idn::offload;

TEST_CASE("token_bucket: offloads in every prefix <= rho*t + B (1e5 samples, random rho and B, two inner policies)") {
  idn::rng g(8501);
  for (int rep = 0; rep < 20; ++rep) {
    const float rho = static_cast<float>(0.01 + 0.98 * idn::uniform01(g)), B = static_cast<float>(1 + 20 * idn::uniform01(g));
    token_bucket<always_offload> a;
    REQUIRE(a.configure({rho, B}));
    token_bucket<hil_n<64>> h;
    REQUIRE(h.inner().configure({0.2f, 0.1f, 0.1f}));
    REQUIRE(h.configure({rho, B}));
    double na = 0, nh = 0;
    for (int t = 1; t <= 100000; ++t) {
      const float s = static_cast<float>(idn::uniform01(g));
      const decision da = a.decide(s, g), dh = h.decide(s, g);
      na += da.offload, nh += dh.offload;
      REQUIRE(na <= double(rho) * t + double(B));
      REQUIRE(nh <= double(rho) * t + double(B));
      if (dh.vetoed) REQUIRE_FALSE(dh.offload);
      if (dh.offload) h.feedback(dh, idn::uniform01(g) > s);
    }
    // Always-offload uses the whole budget once the bucket can hold a refill on top of a token
    // (with B < 1 + ρ the cap discards part of each refill: the guarantee is an upper bound).
    if (B >= 1 + rho) CHECK(na >= double(rho) * 100000 - double(B) - 1);
    CHECK(a.vetoes() + a.offloads() == 100000);
    CHECK(h.inner().pending() <= 32);
  }
  token_bucket<always_offload> t;
  CHECK(t.configure({0.f}).code == errc::out_of_range);
  CHECK(t.configure({0.5f, 0.5f}).code == errc::out_of_range);
  CHECK(t.configure({0.5f, std::nanf("")}).code == errc::not_finite);
}

TEST_CASE("quantile_cap around always_offload tracks the rho-quantile (gamma = 1e-3)") {
  for (const float rho : {0.1f, 0.3f, 0.7f}) {
    quantile_cap<always_offload> q;
    REQUIRE(q.configure({rho, 1e-3f}));
    idn::rng g(8502);
    const int n = 200000;
    double off = 0;
    std::vector<float> seen;
    double theta_sum = 0;
    for (int t = 0; t < n; ++t) {
      const auto s = static_cast<float>(idn::uniform01(g));
      const decision d = q.decide(s, g);
      if (t >= n / 2) off += d.offload, seen.push_back(s), theta_sum += q.theta();
    }
    std::nth_element(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(double(rho) * seen.size()), seen.end());
    const double quantile = seen[static_cast<std::size_t>(double(rho) * seen.size())];
    CAPTURE(rho);
    CHECK(std::abs(off / (n / 2) - rho) <= 0.01);
    CHECK(std::abs(theta_sum / (n / 2) - quantile) <= 0.02);
    CHECK(std::abs(q.theta() - quantile) <= 0.02);
  }
  quantile_cap<threshold_rule> q{threshold_rule{0.5f}};
  CHECK(q.configure({0.2f, 0.f}).code == errc::out_of_range);
  CHECK(q.configure({0.2f, 0.1f, 2.f}).code == errc::out_of_range);
}

TEST_CASE("primal_dual around hil_f<256>: offload fraction <= rho + 0.01, cost <= budget optimum + 0.03 (5 seeds)") {
  const float beta = 0.2f, rho = 0.3f;
  const std::size_t n = 100000;
  double mean_cost = 0, opt = 0;
  for (int seed = 0; seed < 5; ++seed) {
    const auto stream = idn::test::make_stream(idn::test::stream_family::calibrated, n, 8600 + static_cast<std::uint64_t>(seed));
    primal_dual<hil_f<256>> p;
    REQUIRE(p.inner().configure({beta, 0, n}));
    REQUIRE(p.configure({beta, rho, 0.01f}));
    idn::rng g(static_cast<std::uint64_t>(seed));
    double cost = 0, off = 0;
    std::vector<float> s(n);
    std::vector<std::uint8_t> y(n);
    for (std::size_t t = 0; t < n; ++t) {
      const decision d = p.decide(stream[t].s, g);
      cost += d.offload ? beta : stream[t].y;
      off += d.offload;
      p.feedback(d, stream[t].y);
      s[t] = stream[t].s, y[t] = stream[t].y;
    }
    CAPTURE(seed);
    CHECK(off / double(n) <= rho + 0.01);
    std::vector<std::uint32_t> work(n);
    const budget_result b = budget_threshold(calibration_set{s, y}, beta, rho, work);
    REQUIRE(b.st);
    mean_cost += cost / double(n) / 5;
    opt += b.expected_cost / 5;
  }
  CAPTURE(opt);
  CHECK(mean_cost <= opt + 0.03);
  primal_dual<hil_f<64>> p;
  CHECK(p.configure({0.2f, 0.3f, 0.01f, -1.f}).code == errc::out_of_range);
  CHECK(p.configure({0.2f, 0.3f, 1.5f}).code == errc::out_of_range);
}
