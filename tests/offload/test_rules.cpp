// idn/offload/rules.hpp (docs/offload.md, rules): fixed rules, Chow, Bayes and two-threshold decisions.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <cstring>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/offload/presets.hpp"
#include "idn/offload/rules.hpp"

using namespace idn::offload;

TEST_CASE("rules: s = theta accepts, NaN offloads, fixed policies draw nothing") {
  idn::rng g(1), h(1);
  threshold_rule r{0.5f};
  CHECK_FALSE(r.decide(0.5f, g).offload);
  CHECK(r.decide(std::nextafter(0.5f, 0.f), g).offload);
  const decision d = r.decide(std::nanf(""), g);
  CHECK(d.offload);
  CHECK(d.bad_input);
  CHECK(d.offload_prob == 1.f);
  CHECK(never_offload{}.decide(0.1f, g).offload == false);
  CHECK(always_offload{}.decide(0.9f, g).offload == true);
  CHECK(g() == h());  // no draws consumed
  threshold_rule c{0};
  CHECK(make_chow_rule(0.2f, 0.1f, c));
  CHECK(c.theta == idn::test::rel(0.7f));
  CHECK(chow_threshold(0.9f, 0.5f) == 0.f);
  CHECK(chow_threshold(0.f, 0.f) == 1.f);
  char buf[96];
  const status s = make_chow_rule(1.5f, 0.f, c);
  format(s, buf);
  CHECK(std::strcmp(buf, "idn::offload: beta = 1.5: must lie in [0, 1]") == 0);
  CHECK(make_chow_rule(0.1f, std::nanf(""), c).code == errc::not_finite);
}

TEST_CASE("two_threshold: closed form == argmin of the three expected costs at 10^4 points, 500 cost triples") {
  idn::rng g(8201);
  int no_band = 0;
  for (int rep = 0; rep < 500; ++rep) {
    const float cfn = static_cast<float>(0.1 + 5 * idn::uniform01(g)), cfp = static_cast<float>(0.1 + 5 * idn::uniform01(g));
    const float beta = static_cast<float>(idn::uniform01(g));
    two_threshold t{};
    REQUIRE(make_two_threshold(cfn, cfp, beta, t));
    no_band += t.lo == t.hi;
    for (int i = 0; i <= 10000; ++i) {
      const float s = static_cast<float>(i) / 10000.f;
      const double c0 = double(cfn) * s, c1 = double(cfp) * (1.0 - s), co = double(beta);
      const double best = std::min({c0, c1, co});
      const binary_action a = t(s);
      const double got = a == binary_action::predict_0 ? c0 : (a == binary_action::predict_1 ? c1 : co);
      CAPTURE(s);
      CAPTURE(t.lo);
      CAPTURE(t.hi);
      REQUIRE(got <= best + 1e-6);  // float thresholds: ties within rounding
    }
  }
  CHECK(no_band > 20);
  CHECK(no_band < 480);
  two_threshold t{};
  CHECK(make_two_threshold(0.f, 1.f, 0.1f, t).code == errc::out_of_range);
  CHECK(make_two_threshold(1.f, std::nanf(""), 0.1f, t).code == errc::not_finite);
  CHECK(make_two_threshold(1.f, 1.f, 2.f, t).code == errc::out_of_range);
  CHECK(t(std::nanf("")) == binary_action::offload);
}

TEST_CASE("bayes_offload with a 0-1 cost matrix equals the Chow rule on max-softmax") {
  idn::rng g(8202);
  for (int rep = 0; rep < 2000; ++rep) {
    const std::size_t C = 2 + g() % 8;
    std::vector<float> p(C), cost(C * C, 1.f);
    double s = 0;
    for (auto& v : p) s += (v = static_cast<float>(idn::uniform01(g)));
    for (auto& v : p) v = static_cast<float>(v / s);
    for (std::size_t k = 0; k < C; ++k) cost[k * C + k] = 0.f;
    const float beta = static_cast<float>(idn::uniform01(g) * 0.6), eps = static_cast<float>(idn::uniform01(g) * 0.2);
    const bayes_result b = bayes_offload(p, cost, beta, eps);
    std::size_t arg = 0;
    for (std::size_t k = 1; k < C; ++k) if (p[k] > p[arg]) arg = k;
    REQUIRE(b.k == arg);
    const threshold_rule chow{chow_threshold(beta, eps)};
    idn::rng unused(0);
    const bool chow_off = chow.decide(p[arg], unused).offload;
    // Equal except within float rounding of the boundary 1 − p1 = β + ε.
    if (std::abs((1.0 - p[arg]) - (beta + eps)) > 1e-5) REQUIRE(b.offload == chow_off);
  }
  CHECK(bayes_offload({}, {}, 0.1f, 0.f).offload);
  CHECK(bayes_offload(std::vector<float>{1.f}, std::vector<float>{0.f, 1.f}, 0.1f, 0.f).offload);  // size mismatch
}
