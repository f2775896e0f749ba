// idn/offload/presets.hpp: the published top-2 decision modules decide as their authors' code does (sign of g == sigma(g) >= 1/2).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "idn/core/random.hpp"
#include "idn/offload/presets.hpp"

using namespace idn::offload;

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
