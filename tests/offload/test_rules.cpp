// docs/offload.md (rules) and §9.6 (published top-2 decision modules).
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

TEST_CASE("presets: sign(g) == (sigma(g) >= 1/2) on 10^5 top-2 pairs; code-domain preset == codes_to_probs on all int8 pairs") {
  const top2_linear_coeffs all[] = {
      presets::behera_cifar10_resnet8_int8,  presets::behera_cifar10_resnet8_fp32,  presets::behera_cifar10_resnet56_int8,
      presets::behera_cifar10_resnet56_fp32, presets::behera_cifar10_alexnet_int8,  presets::behera_cifar10_alexnet_fp32,
      presets::behera_imagenet_resnet18_int8, presets::behera_imagenet_resnet50_int8, presets::behera_imagenet_alexnet_int8,
      presets::behera_mnist_esp32_fp32};
  idn::rng g(8203);
  for (int i = 0; i < 100000; ++i) {
    const float p1 = static_cast<float>(idn::uniform01(g));
    const float p2 = static_cast<float>(idn::uniform01(g)) * std::min(p1, 1.f - p1);
    const top2 t{p1, p2, 0, true};
    for (const auto& c : all) {
      const double g64 = double(c.b) + double(c.w1) * p1 + double(c.w2) * p2;
      const bool accept_ref = 1.0 / (1.0 + std::exp(-g64)) >= 0.5;
      if (std::abs(g64) > 1e-5) REQUIRE((top2_linear(t, c) >= 0.f) == accept_ref);
    }
  }
  const top2_linear_coeffs code = presets::behera_cifar10_mcu_int8_codes, prob = codes_to_probs(code);
  int checked = 0;
  for (int q1 = -128; q1 < 128; ++q1)
    for (int q2 = -128; q2 < 128; ++q2) {
      const double g_code = double(code.b) + double(code.w1) * q1 + double(code.w2) * q2;
      if (std::abs(g_code) < 1e-4) continue;
      const top2 t{static_cast<float>(q1 + 128) / 256.f, static_cast<float>(q2 + 128) / 256.f, 0, true};
      REQUIRE((top2_linear(t, prob) >= 0.f) == (g_code >= 0));
      ++checked;
    }
  CHECK(checked > 65000);
}

TEST_CASE("to_string(errc) names every enumerator; format() keeps the full message") {
  using idn::offload::errc;
  static_assert(std::string_view(to_string(errc::ok)) == "ok");
  const char* names[] = {"ok", "not_finite", "out_of_range", "not_binary", "size_mismatch", "empty", "workspace_too_small", "degenerate"};
  for (int c = 0; c < 8; ++c) CHECK(std::string_view(to_string(static_cast<errc>(c))) == names[c]);
  CHECK(std::string_view(to_string(static_cast<errc>(200))) == "unknown");
}
