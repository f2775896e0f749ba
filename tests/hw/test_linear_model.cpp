#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "approx.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/linear_model.hpp"
#include "random_layers.hpp"

using namespace idn::hw;
using idn::dnn::layer_kind;

namespace {
Eigen::MatrixXd design(const linear_layer_model& m, const std::vector<layer_sample>& s) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(s.size()), m.num_coefficients());
  for (std::size_t i = 0; i < s.size(); ++i)
    x.row(static_cast<Eigen::Index>(i)) =
        m.features(s[i].layer.flop, s[i].layer.param_bytes, s[i].layer.input_bytes + s[i].layer.output_bytes).transpose();
  return x;
}
}  // namespace

TEST_CASE("regression: noise-free data are recovered to 1e-9 (both forms)") {
  idn::rng g(21);
  for (auto form : {regression_form::linear, regression_form::logarithmic}) {
    for (int trial = 0; trial < 50; ++trial) {
      const Eigen::Vector4d c(1e-4 * (1 + idn::uniform01(g)), 1e-11 * (1 + idn::uniform01(g)),
                              1e-10 * (1 + idn::uniform01(g)), 1e-9 * (1 + idn::uniform01(g)));
      std::vector<layer_sample> s;
      for (int i = 0; i < 40; ++i) {
        auto l = idn::test::random_layer(g, static_cast<std::uint32_t>(i));
        l.kind = layer_kind::conv;
        const double a = l.input_bytes + l.output_bytes;
        const double y = form == regression_form::linear
                             ? c[0] + c[1] * l.flop + c[2] * l.param_bytes + c[3] * a
                             : c[0] + c[1] * 1e6 * std::log1p(l.flop) + c[2] * 1e6 * std::log1p(l.param_bytes + a);
        s.push_back({l, y});
      }
      const auto m = linear_layer_model::fit(s, form);
      const auto k = m.coefficients(layer_kind::conv);
      REQUIRE(k.has_value());
      Eigen::VectorXd want = c;
      if (form == regression_form::logarithmic) want = Eigen::Vector3d(c[0], c[1] * 1e6, c[2] * 1e6);
      for (Eigen::Index j = 0; j < want.size(); ++j) REQUIRE(std::abs((*k)[j] - want[j]) <= 1e-9 * std::abs(want[j]));
    }
  }
}

TEST_CASE("regression: noisy fits satisfy the normal equations; unknown kinds use pooled; outputs >= 0") {
  idn::rng g(22);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<layer_sample> s;
    for (int i = 0; i < 60; ++i) {
      auto l = idn::test::random_layer(g, static_cast<std::uint32_t>(i));
      l.kind = i % 2 ? layer_kind::conv : layer_kind::fc;
      s.push_back({l, 1e-4 + 1e-11 * l.flop * (0.5 + idn::uniform01(g)) + 1e-9 * l.output_bytes});
    }
    const auto m = linear_layer_model::fit(s);
    // Pooled normal equations.
    const Eigen::MatrixXd x = design(m, s);
    Eigen::VectorXd y(static_cast<Eigen::Index>(s.size()));
    for (std::size_t i = 0; i < s.size(); ++i) y[static_cast<Eigen::Index>(i)] = s[i].seconds;
    const Eigen::VectorXd r = y - x * m.pooled();
    REQUIRE((x.transpose() * r).norm() <= 1e-9 * x.norm() * r.norm());
    // Unknown kind -> pooled fit; clamped >= 0.
    auto l = idn::test::random_layer(g);
    l.kind = layer_kind::attention;
    REQUIRE(!m.coefficients(layer_kind::attention).has_value());
    const double pooled = m.pooled()[0] + m.pooled()[1] * l.flop + m.pooled()[2] * l.param_bytes +
                          m.pooled()[3] * (l.input_bytes + l.output_bytes);
    REQUIRE(m.latency(l) == idn::test::rel(std::max(0.0, pooled)).epsilon(1e-12));
    for (int i = 0; i < 20; ++i) REQUIRE(m.latency(idn::test::random_layer(g)) >= 0);
    REQUIRE(m.work_time(1e9, 1e6, idn::dnn::precision::fp32) >= 0);
  }
}

TEST_CASE("regression: rank-deficient data get the minimum-norm solution (SVD pseudo-inverse)") {
  idn::rng g(23);
  std::vector<layer_sample> s;
  for (int i = 0; i < 10; ++i) {
    idn::dnn::layer l;
    l.name = idn::concat("x", i);
    l.kind = layer_kind::pool;
    l.flop = 0;  // F column identically zero, P == A: rank 2 of 4
    l.param_bytes = 1e3 * (1 + i);
    l.input_bytes = 0.5e3 * (1 + i);
    l.output_bytes = 0.5e3 * (1 + i);
    s.push_back({l, 1e-5 + 1e-9 * l.param_bytes * (1 + 0.1 * idn::uniform01(g))});
  }
  const auto m = linear_layer_model::fit(s);
  const Eigen::MatrixXd x = design(m, s);
  Eigen::VectorXd y(10);
  for (int i = 0; i < 10; ++i) y[i] = s[static_cast<std::size_t>(i)].seconds;
  const Eigen::VectorXd pinv = x.jacobiSvd(Eigen::ComputeThinU | Eigen::ComputeThinV).solve(y);
  const auto k = m.coefficients(layer_kind::pool);
  REQUIRE(k.has_value());
  CHECK(((*k) - pinv).norm() <= 1e-6 * pinv.norm());
  CHECK((*k)[1] == idn::test::rel(0.0));
  CHECK((*k)[2] == idn::test::rel((*k)[3]).epsilon(1e-6));
}

TEST_CASE("regression: bad input") {
  std::vector<layer_sample> s(4);
  CHECK_THROWS_WITH_AS(linear_layer_model::fit(s), "idn::hw::linear_layer_model::fit: samples.size() = 4: must be >= 5",
                       idn::invalid_input);
  s.assign(5, layer_sample{idn::dnn::layer{}, 1.0});
  s[3].seconds = 0;
  CHECK_THROWS_WITH_AS(linear_layer_model::fit(s), "idn::hw::linear_layer_model::fit: samples[3].seconds = 0: must be finite and > 0", idn::invalid_input);
  s[3].seconds = 1;
  s[2].layer.flop = -5;
  CHECK_THROWS_AS(linear_layer_model::fit(s), idn::invalid_input);
}
