// idn/offload/scores.hpp (docs/offload.md, scores): top-2, softmax summaries, int8 codes, validation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/offload/status.hpp"
#include "idn/offload/scores.hpp"

using namespace idn::offload;

namespace {
// Sort-based oracle: the two largest values, first index of the maximum.
top2 sorted_top2(const std::vector<float>& p) {
  std::vector<std::size_t> idx(p.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  top2 t;
  t.p1 = p[idx[0]];
  t.p2 = p.size() > 1 ? p[idx[1]] : 0.f;
  t.k1 = static_cast<std::uint32_t>(idx[0]);
  t.valid = true;
  return t;
}
// Two-pass double-precision softmax: top-2 probabilities, normalised-entropy confidence, lse.
struct ref_summary { double p1, p2, conf, lse; };
ref_summary two_pass(const std::vector<float>& z, float T) {
  std::vector<double> u(z.size());
  for (std::size_t k = 0; k < z.size(); ++k) u[k] = static_cast<double>(z[k] / T);
  const double m = *std::max_element(u.begin(), u.end());
  double d = 0;
  for (double x : u) d += std::exp(x - m);
  double H = 0, p1 = 0, p2 = 0;
  std::vector<double> p(u.size());
  for (std::size_t k = 0; k < u.size(); ++k) {
    p[k] = std::exp(u[k] - m) / d;
    if (p[k] > 0) H -= p[k] * std::log(p[k]);
  }
  std::sort(p.begin(), p.end(), std::greater<>());
  p1 = p[0];
  p2 = p.size() > 1 ? p[1] : 0;
  const double conf = z.size() == 1 ? 1.0 : 1.0 - H / std::log(double(z.size()));
  return {p1, p2, conf, m + std::log(d)};
}
}  // namespace

TEST_CASE("scores: top2_probs == sort oracle, summarize_logits == two-pass double softmax, 2,000 random vectors") {
  idn::rng g(8101);
  const std::size_t sizes[] = {1, 2, 3, 10, 1000};
  int cases = 0;
  for (int rep = 0; rep < 400; ++rep)
    for (std::size_t C : sizes) {
      ++cases;
      std::vector<float> z(C), p(C);
      const int kind = rep % 4;  // 0: normal, 1: forced ties, 2: spread 1e4, 3: huge magnitudes
      for (auto& v : z) {
        const double x = 2 * idn::uniform01(g) - 1;
        v = static_cast<float>(kind == 2 ? 1e4 * x : (kind == 3 ? 1e30 * x : 5 * x));
      }
      if (kind == 1 && C > 1) {
        const float top = *std::max_element(z.begin(), z.end());
        z[g() % C] = top, z[g() % C] = top;  // ties at the maximum
      }
      // Probabilities: normalised positive draws, with ties in the tie case.
      double s = 0;
      for (auto& v : p) s += (v = static_cast<float>(idn::uniform01(g)));
      for (auto& v : p) v = static_cast<float>(v / s);
      if (kind == 1 && C > 1) p[g() % C] = *std::max_element(p.begin(), p.end());
      const top2 t = top2_probs(p), o = sorted_top2(p);
      REQUIRE(t.valid);
      REQUIRE(t.p1 == o.p1);
      REQUIRE(t.p2 == o.p2);
      REQUIRE(t.k1 == o.k1);

      const float T = (rep % 3 == 0) ? 1.f : static_cast<float>(0.25 + 4 * idn::uniform01(g));
      if (kind == 3 && T < 1.f) continue;  // z/T would overflow float: covered by the invalid cases below
      const softmax_summary a = summarize_logits(z, T);
      const ref_summary r = two_pass(z, T);
      CAPTURE(C);
      CAPTURE(kind);
      REQUIRE(a.t.valid);
      REQUIRE(std::isfinite(a.t.p1));
      REQUIRE(std::isfinite(a.t.p2));
      REQUIRE(std::isfinite(a.entropy_conf));
      REQUIRE(std::isfinite(a.log_sum_exp));
      // Scores live in [0, 1]: compare to 1e-5 relative to that scale.
      REQUIRE(std::abs(a.t.p1 - r.p1) <= 1e-5 * std::max(1.0, r.p1));
      REQUIRE(std::abs(a.t.p2 - r.p2) <= 1e-5 * std::max(1.0, r.p2));
      REQUIRE(std::abs(a.entropy_conf - r.conf) <= 1e-5);
      REQUIRE(std::abs(a.log_sum_exp - r.lse) <= 1e-5 * std::max(1.0, std::abs(r.lse)));
      // The argmax is the first maximal logit.
      REQUIRE(a.t.k1 == static_cast<std::uint32_t>(std::max_element(z.begin(), z.end()) - z.begin()));
      // Temperature is the same as pre-scaling.
      std::vector<float> zs(C);
      for (std::size_t k = 0; k < C; ++k) zs[k] = z[k] / T;
      const softmax_summary b = summarize_logits(zs, 1.f);
      REQUIRE(std::abs(a.t.p1 - b.t.p1) <= 1e-6);
      REQUIRE(std::abs(a.entropy_conf - b.entropy_conf) <= 1e-6);
      // entropy_confidence on the probabilities agrees with the two-pass oracle.
      if (kind == 0) {
        std::vector<float> pz(C);
        double dd = 0;
        for (std::size_t k = 0; k < C; ++k) dd += std::exp(double(z[k] / T) - r.lse);
        for (std::size_t k = 0; k < C; ++k) pz[k] = static_cast<float>(std::exp(double(z[k] / T) - r.lse) / dd);
        REQUIRE(std::abs(entropy_confidence(pz) - r.conf) <= 1e-5);
      }
    }
  CHECK(cases == 2000);
}

TEST_CASE("scores: int8 codes equal the dequantised probabilities; invalid input gives valid = false and 0") {
  idn::rng g(8102);
  for (int rep = 0; rep < 500; ++rep) {
    const std::size_t C = 1 + g() % 20;
    std::vector<std::int8_t> q(C);
    std::vector<float> p(C);
    for (std::size_t k = 0; k < C; ++k) {
      q[k] = static_cast<std::int8_t>(static_cast<int>(g() % 256) - 128);
      if (rep % 5 == 0 && k > 0) q[k] = q[0];  // ties
      p[k] = static_cast<float>(q[k] + 128) / 256.f;
    }
    const top2 a = top2_int8(q), b = top2_probs(p);
    REQUIRE(a.valid);
    REQUIRE(a.p1 == b.p1);
    REQUIRE(a.p2 == b.p2);
    REQUIRE(a.k1 == b.k1);
  }
  const float nan = std::nanf(""), inf = INFINITY;
  const std::vector<float> empty, bad1{0.5f, nan}, bad2{0.5f, -0.1f}, bad3{inf, 0.f};
  for (const auto* v : {&empty, &bad1, &bad2, &bad3}) {
    const top2 t = top2_probs(*v);
    CHECK_FALSE(t.valid);
    CHECK(max_softmax(t) == 0.f);
    CHECK(margin(t) == 0.f);
    CHECK(top2_logistic(t, {1, 1, 1}) == 0.f);
    CHECK(entropy_confidence(*v) == 0.f);
  }
  CHECK_FALSE(top2_int8({}).valid);
  const std::vector<float> z{1.f, 2.f};
  CHECK_FALSE(summarize_logits(z, 0.f).t.valid);
  CHECK_FALSE(summarize_logits(z, -1.f).t.valid);
  CHECK_FALSE(summarize_logits(z, nan).t.valid);
  CHECK_FALSE(summarize_logits(bad1, 1.f).t.valid);
  CHECK_FALSE(summarize_logits(std::vector<float>{1e30f, 0.f}, 1e-30f).t.valid);  // z/T overflows
  CHECK(summarize_logits(z, 0.f).entropy_conf == 0.f);
  // C = 1: p1 = 1, p2 = 0, confidence 1.
  const softmax_summary one = summarize_logits(std::vector<float>{3.f});
  CHECK(one.t.p1 == 1.f);
  CHECK(one.t.p2 == 0.f);
  CHECK(one.entropy_conf == 1.f);
  CHECK(entropy_confidence(std::vector<float>{1.f}) == 1.f);
}

TEST_CASE("scores: validate_probs / validate_logits name the field, index and value") {
  char buf[128];
  status s = validate_probs(std::vector<float>{0.5f, std::nanf("")});
  CHECK(s.code == errc::not_finite);
  format(s, buf);
  CHECK(std::strcmp(buf, "idn::offload: probs[1] = nan: not finite") == 0);
  s = validate_probs(std::vector<float>{0.5f, 0.2f});
  CHECK(s.code == errc::out_of_range);
  CHECK(std::strcmp(s.field, "probs.sum") == 0);
  s = validate_probs(std::vector<float>{1.5f, -0.5f});
  format(s, buf);
  CHECK(std::strcmp(buf, "idn::offload: probs[1] = -0.5: must be >= 0") == 0);
  CHECK(validate_probs({}).code == errc::empty);
  CHECK(validate_probs(std::vector<float>{0.25f, 0.75f}));
  CHECK(validate_logits(std::vector<float>{1.f}, 0.f).code == errc::out_of_range);
  CHECK(validate_logits(std::vector<float>{1.f, INFINITY}).index == 1);
  CHECK(validate_logits(std::vector<float>{1.f, 2.f}));
  // format truncates and always NUL-terminates.
  char small[10];
  const std::size_t len = format(s, small);
  CHECK(len == 9);
  CHECK(std::strlen(small) == 9);
  CHECK(format(status{}, buf) > 0);
}
