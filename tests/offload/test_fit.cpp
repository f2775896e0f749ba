// docs/offload.md: fit_temperature and fit_top2_linear against independent objectives.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/offload/fit.hpp"

using namespace idn::offload;

namespace {
// Independent NLL(T) in double (two-pass log-sum-exp).
double nll(const std::vector<float>& z, std::size_t C, const std::vector<std::uint32_t>& y, double T) {
  double f = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    double m = -INFINITY;
    for (std::size_t k = 0; k < C; ++k) m = std::max(m, z[i * C + k] / T);
    double d = 0;
    for (std::size_t k = 0; k < C; ++k) d += std::exp(z[i * C + k] / T - m);
    f += m + std::log(d) - z[i * C + y[i]] / T;
  }
  return f;
}
struct logit_data { std::vector<float> z; std::vector<std::uint32_t> y; std::size_t C; };
// Overconfident logits: the true class is the argmax with probability ~0.7, logits scaled by `scale`.
logit_data random_logits(idn::rng& g, std::size_t m, std::size_t C, double scale) {
  logit_data d{std::vector<float>(m * C), std::vector<std::uint32_t>(m), C};
  for (std::size_t i = 0; i < m; ++i) {
    const auto label = static_cast<std::uint32_t>(g() % C);
    d.y[i] = label;
    const std::size_t peak = idn::uniform01(g) < 0.7 ? label : g() % C;
    for (std::size_t k = 0; k < C; ++k) d.z[i * C + k] = static_cast<float>(scale * (idn::uniform01(g) + (k == peak ? 2.0 : 0.0)));
  }
  return d;
}
}  // namespace

TEST_CASE("fit_temperature: stationary NLL', global minimum over 200 log-spaced T, scale equivariance") {
  idn::rng g(8701);
  for (int rep = 0; rep < 30; ++rep) {
    const std::size_t m = 50 + g() % 400, C = 2 + g() % 9;
    const double scale = std::exp(4 * idn::uniform01(g) - 1);
    const logit_data d = random_logits(g, m, C, scale);
    const temperature_result r = fit_temperature(d.z, C, d.y);
    REQUIRE(r.st);
    const double T = r.temperature, a = 1 / T;
    // NLL'(a) by central differences of the independent objective (in a = 1/T).
    const double h = 1e-5 * a;
    const double d1 = (nll(d.z, C, d.y, 1 / (a + h)) - nll(d.z, C, d.y, 1 / (a - h))) / (2 * h);
    CAPTURE(T);
    if (!r.at_bound) REQUIRE(std::abs(d1) <= 1e-4 * double(m) + 1e-3);
    const double best = nll(d.z, C, d.y, T);
    REQUIRE(r.nll_after == idn::test::rel(best).epsilon(1e-9));
    for (int k = 0; k < 200; ++k) {
      const double Tk = std::ldexp(1.0, -6) * std::pow(2.0, 12.0 * k / 199);
      REQUIRE(best <= nll(d.z, C, d.y, Tk) + 1e-9 * std::abs(best));
    }
    // Scaling the logits by c scales T* by c.
    const double c = 1 + 2 * idn::uniform01(g);
    std::vector<float> zc(d.z.size());
    for (std::size_t i = 0; i < zc.size(); ++i) zc[i] = static_cast<float>(c * d.z[i]);
    const temperature_result rc = fit_temperature(zc, C, d.y);
    if (!r.at_bound && !rc.at_bound) REQUIRE(rc.temperature == idn::test::rel(c * T).epsilon(1e-4));
  }
  std::vector<float> z{1, 2, 3, 4};
  std::vector<std::uint32_t> y{0, 2};
  CHECK(fit_temperature(z, 2, y).st.code == errc::out_of_range);  // label 2 >= C
  CHECK(fit_temperature(z, 1, y).st.code == errc::out_of_range);
  CHECK(fit_temperature(z, 3, y).st.code == errc::size_mismatch);
  z[1] = NAN;
  y[1] = 1;
  CHECK(fit_temperature(z, 2, y).st.index == 1);
  // Perfectly separable: the optimum sharpens to the bound a = 2^6 (T = 2^-6), flagged.
  const std::vector<float> sep{5, 0, 0, 5};
  const temperature_result b = fit_temperature(sep, 2, std::vector<std::uint32_t>{0, 1});
  CHECK(b.at_bound);
  CHECK(b.temperature == idn::test::rel(1.0 / 64));
}

namespace {
double top2_obj(const std::vector<top2>& t, const std::vector<std::uint8_t>& w, double b, double w1, double w2, double l2) {
  double f = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double g = b + w1 * t[i].p1 + w2 * t[i].p2;
    const double p = 1 / (1 + std::exp(-g));
    f -= (w[i] ? std::log(1 - p) : std::log(p));
  }
  return f / double(t.size()) + 0.5 * l2 * (w1 * w1 + w2 * w2);
}
}  // namespace

TEST_CASE("fit_top2_linear: gradient == 0 by central differences; finite on separable data; one class is degenerate") {
  idn::rng g(8702);
  for (int rep = 0; rep < 30; ++rep) {
    const std::size_t m = 100 + g() % 500;
    std::vector<top2> t(m);
    std::vector<std::uint8_t> wrong(m);
    for (std::size_t i = 0; i < m; ++i) {
      const double p1 = 0.3 + 0.7 * idn::uniform01(g), p2 = idn::uniform01(g) * std::min(p1, 1 - p1);
      t[i] = {static_cast<float>(p1), static_cast<float>(p2), 0, true};
      wrong[i] = idn::uniform01(g) > 1 / (1 + std::exp(-(-4 + 6 * p1 - 3 * p2)));
    }
    const float l2 = 1e-4f;
    const top2_fit_result r = fit_top2_linear(t, wrong, l2);
    REQUIRE(r.st);
    const double c[3] = {r.coeffs.b, r.coeffs.w1, r.coeffs.w2};
    for (int k = 0; k < 3; ++k) {
      double p[3] = {c[0], c[1], c[2]}, q[3] = {c[0], c[1], c[2]};
      const double h = 1e-4;
      p[k] += h, q[k] -= h;
      const double grad = (top2_obj(t, wrong, p[0], p[1], p[2], l2) - top2_obj(t, wrong, q[0], q[1], q[2], l2)) / (2 * h);
      CAPTURE(k);
      REQUIRE(std::abs(grad) <= 1e-6 + 1e-5 * std::abs(c[k]));  // float coefficients: rounding of c
    }
    REQUIRE(r.nll == idn::test::rel(top2_obj(t, wrong, c[0], c[1], c[2], l2)).epsilon(1e-5));
  }
  // Separable: wrong iff p1 < 0.5. Regularisation keeps the coefficients finite.
  std::vector<top2> t;
  std::vector<std::uint8_t> w;
  for (int i = 0; i < 200; ++i) {
    const float p1 = 0.3f + 0.6f * static_cast<float>(i) / 200.f;
    t.push_back({p1, 0.1f, 0, true});
    w.push_back(p1 < 0.5f);
  }
  const top2_fit_result s = fit_top2_linear(t, w, 1e-3f);
  REQUIRE(s.st);
  CHECK(std::isfinite(s.coeffs.b));
  CHECK(std::isfinite(s.coeffs.w1));
  CHECK(top2_linear(t[10], s.coeffs) < 0.f);   // wrong → offload
  CHECK(top2_linear(t[190], s.coeffs) >= 0.f);  // right → accept
  std::vector<std::uint8_t> all_wrong(200, 1);
  CHECK(fit_top2_linear(t, all_wrong).st.code == errc::degenerate);
  t[3].valid = false;
  CHECK(fit_top2_linear(t, w).st.code == errc::not_finite);
  CHECK(fit_top2_linear(t, w).st.index == 3);
  CHECK(fit_top2_linear({}, {}).st.code == errc::empty);
}
