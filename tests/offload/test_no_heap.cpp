// docs/offload.md: decide/feedback, scores, histogram and sort calibration allocate nothing.
// Its own executable: counting_new.hpp replaces every global operator new/delete.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "counting_new.hpp"
#include "idn/core/random.hpp"
#include "idn/offload.hpp"

using namespace idn::offload;

namespace {
// Policies in static storage, as on a device.
hil_f<256> f256;
hil_n<256, 32> n256;
token_bucket<hil_n<64>> tb;
primal_dual<hil_f<64>> pd;
quantile_cap<threshold_rule> qc{threshold_rule{0.6f}};
calibration_histogram<256> hist;

template <class P>
std::size_t steps(P& p, const std::vector<float>& s, const std::vector<std::uint8_t>& y, idn::rng& g) {
  const std::size_t before = idn::test::allocations();
  for (std::size_t t = 0; t < s.size(); ++t) {
    const decision d = p.decide(s[t], g);
    if (d.offload || P::feedback_model == feedback_kind::full) p.feedback(d, y[t] != 0);
  }
  return idn::test::allocations() - before;
}
}  // namespace

TEST_CASE("offload: zero heap allocations in 1e5 decide+feedback steps, scores and calibration") {
  idn::rng g(8901);
  std::vector<float> s(100000), logits(10 * 1000);
  std::vector<std::uint8_t> y(100000);
  std::vector<std::int8_t> codes(1000);
  std::vector<std::uint32_t> work(100000);
  for (std::size_t t = 0; t < s.size(); ++t) s[t] = static_cast<float>(idn::uniform01(g)), y[t] = idn::uniform01(g) > s[t];
  for (auto& z : logits) z = static_cast<float>(10 * idn::uniform01(g));
  for (auto& c : codes) c = static_cast<std::int8_t>(static_cast<int>(g() % 256) - 128);
  REQUIRE(f256.configure({0.3f, 0, 100000}));
  REQUIRE(n256.configure({0.3f, 0, 0, 100000}));
  REQUIRE(tb.inner().configure({0.3f, 0.1f, 0.05f}));
  REQUIRE(tb.configure({0.2f, 4.f}));
  REQUIRE(pd.inner().configure({0.3f, 0.05f}));
  REQUIRE(pd.configure({0.3f, 0.2f, 0.01f}));
  REQUIRE(qc.configure({0.3f, 0.01f}));

  std::size_t allocs = 0;
  allocs += steps(f256, s, y, g);
  allocs += steps(n256, s, y, g);
  allocs += steps(tb, s, y, g);
  allocs += steps(pd, s, y, g);
  allocs += steps(qc, s, y, g);
  const std::size_t before = idn::test::allocations();
  float acc = 0;
  for (std::size_t k = 0; k < 1000; ++k) {
    const std::span<const float> z(logits.data() + 10 * k, 10);
    const softmax_summary m = summarize_logits(z, 1.5f);
    acc += m.entropy_conf + top2_int8(codes).p1 + entropy_confidence(z) + top2_probs(z).p2;
  }
  for (std::size_t t = 0; t < s.size(); ++t) (void)hist.add(bin_of<256>(s[t]), y[t] != 0);
  const threshold_result h = optimal_threshold(hist, 0.3f);
  const budget_result hb = budget_threshold(hist, 0.3f, 0.2f);
  const threshold_result srt = optimal_threshold(calibration_set{s, y}, 0.3f, work);
  const budget_result sb = budget_threshold(calibration_set{s, y}, 0.3f, 0.2f, work);
  const threshold_result sr = risk_threshold(calibration_set{s, y}, 0.1f, work);
  allocs += idn::test::allocations() - before;
  CHECK(allocs == 0);
  CHECK(h.st);
  CHECK(hb.st);
  CHECK(srt.st);
  CHECK(sb.st);
  CHECK(sr.st);
  CHECK(acc > 0);
}
