// docs/offload.md (optimal/budget/risk threshold == brute force) and §6.4 (histogram ==
// sort path on quantised scores).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/offload/bins.hpp"
#include "idn/offload/calibrate.hpp"

using namespace idn::offload;

namespace {
struct data {
  std::vector<float> s, cost;
  std::vector<std::uint8_t> y, z;
  bool kappa = false;
  calibration_set set() const { return {s, y, z, cost, kappa}; }
};

data random_set(idn::rng& g, bool grid256) {
  data d;
  const std::size_t m = 1 + g() % 300, pool = 1 + g() % 25;
  std::vector<float> values(pool);
  for (auto& v : values) v = grid256 ? static_cast<float>(g() % 256) / 256.f : static_cast<float>(idn::uniform01(g));
  const bool with_z = g() % 2, with_cost = g() % 2;
  d.kappa = g() % 2;
  for (std::size_t i = 0; i < m; ++i) {
    d.s.push_back(values[g() % pool]);
    // Higher scores are more often right, so the optimum is interior.
    d.y.push_back(idn::uniform01(g) > d.s.back() ? 1 : 0);
    if (with_z) d.z.push_back(g() % 5 == 0);
    if (with_cost) d.cost.push_back(static_cast<float>(g() % 65) / 64.f);
  }
  return d;
}

struct outcome { double cost, correct, n; };
// Applies "offload iff s < lo, or lo <= s < hi with probability p" directly, per sample.
outcome apply(const data& d, float beta, float lo, float hi, double p) {
  outcome o{0, 0, 0};
  for (std::size_t i = 0; i < d.s.size(); ++i) {
    const double off = d.s[i] < lo ? 1.0 : (d.s[i] < hi ? p : 0.0);
    const double b = d.cost.empty() ? beta : d.cost[i];
    const double z = d.z.empty() ? 0.0 : d.z[i];
    o.cost += off * (b + (d.kappa ? z : 0.0)) + (1 - off) * d.y[i];
    o.correct += off * (1 - z) + (1 - off) * (1 - d.y[i]);
    o.n += off;
  }
  return o;
}

// Every θ in {distinct scores} ∪ {+inf}, in increasing order.
std::vector<float> candidates(const data& d) {
  std::vector<float> c = d.s;
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  c.push_back(INFINITY);
  return c;
}
}  // namespace

TEST_CASE("optimal/budget/risk threshold == brute force over every threshold, 500 random sets") {
  idn::rng g(8301);
  std::vector<std::uint32_t> work(300);
  for (int rep = 0; rep < 500; ++rep) {
    const data d = random_set(g, false);
    const double m = static_cast<double>(d.s.size());
    const float beta = static_cast<float>(g() % 65) / 64.f;
    const auto cand = candidates(d);
    // Optimal: min cost, then fewest offloads.
    outcome best{INFINITY, 0, 0};
    for (float th : cand) {
      const outcome o = apply(d, beta, th, th, 0);
      if (o.cost < best.cost || (o.cost == best.cost && o.n < best.n)) best = o;
    }
    const threshold_result r = optimal_threshold(d.set(), beta, work);
    REQUIRE(r.st);
    CAPTURE(rep);
    REQUIRE(r.expected_cost == best.cost / m);
    REQUIRE(r.accuracy == best.correct / m);
    REQUIRE(r.offload_fraction == best.n / m);
    REQUIRE(static_cast<double>(r.offloaded) == best.n);
    const outcome mine = apply(d, beta, r.theta, r.theta, 0);  // θ offloads exactly that set
    REQUIRE(mine.n == best.n);
    REQUIRE(mine.cost == best.cost);

    // Budget: prefixes with N <= ρm, plus the fractional point after the largest feasible one.
    const float rho = static_cast<float>(1 + g() % 100) / 100.f;
    const double cap = static_cast<double>(rho) * m;
    double bcost = INFINITY;
    std::size_t jf = 0;
    for (std::size_t j = 0; j < cand.size(); ++j) {
      const outcome o = apply(d, beta, cand[j], cand[j], 0);
      if (o.n <= cap) bcost = std::min(bcost, o.cost), jf = j;
    }
    if (jf + 1 < cand.size()) {
      const outcome a = apply(d, beta, cand[jf], cand[jf], 0), b = apply(d, beta, cand[jf + 1], cand[jf + 1], 0);
      const double p = (cap - a.n) / (b.n - a.n);
      bcost = std::min(bcost, a.cost + p * (b.cost - a.cost));
    }
    const budget_result br = budget_threshold(d.set(), beta, rho, work);
    REQUIRE(br.st);
    REQUIRE(br.expected_cost == idn::test::rel(bcost / m).epsilon(1e-12));
    REQUIRE(br.offload_fraction <= double(rho) + 1e-12);
    const outcome bo = apply(d, beta, br.theta_lo, br.theta_hi, br.boundary_prob);
    REQUIRE(bo.cost / m == idn::test::rel(br.expected_cost).epsilon(1e-6));
    REQUIRE(bo.n / m <= double(rho) + 1e-6);

    // Risk: the smallest prefix whose accepted error rate is <= r*.
    const float risk = static_cast<float>(g() % 40) / 100.f;
    std::size_t want = cand.size();
    for (std::size_t j = 0; j < cand.size(); ++j) {
      double acc_err = 0, acc_n = 0;
      for (std::size_t i = 0; i < d.s.size(); ++i)
        if (!(d.s[i] < cand[j])) acc_err += d.y[i], acc_n += 1;
      if (acc_err <= double(risk) * acc_n) { want = j; break; }
    }
    REQUIRE(want < cand.size());
    const threshold_result rr = risk_threshold(d.set(), risk, work);
    REQUIRE(rr.st);
    const outcome ro = apply(d, 0.f, rr.theta, rr.theta, 0), wo = apply(d, 0.f, cand[want], cand[want], 0);
    REQUIRE(ro.n == wo.n);
    REQUIRE(static_cast<double>(rr.offloaded) == wo.n);
  }
}

TEST_CASE("histogram path == sort path on scores b/256 (optimal, budget, risk), 300 sets") {
  idn::rng g(8302);
  std::vector<std::uint32_t> work(300);
  for (int rep = 0; rep < 300; ++rep) {
    const data d = random_set(g, true);
    calibration_histogram<256> h;
    for (std::size_t i = 0; i < d.s.size(); ++i) {
      const std::uint32_t b = bin_of<256>(d.s[i]);
      const bool z = !d.z.empty() && d.z[i];
      REQUIRE((d.cost.empty() ? h.add(b, d.y[i], z) : h.add_cost(b, d.y[i], z, d.cost[i])));
    }
    REQUIRE(h.size() == d.s.size());
    const float beta = static_cast<float>(g() % 65) / 64.f, rho = static_cast<float>(1 + g() % 100) / 100.f;
    const float risk = static_cast<float>(g() % 40) / 100.f;
    const threshold_result a = optimal_threshold(d.set(), beta, work), b = optimal_threshold(h, beta, d.kappa);
    REQUIRE(a.expected_cost == b.expected_cost);
    REQUIRE(a.accuracy == b.accuracy);
    REQUIRE(a.offloaded == b.offloaded);
    REQUIRE(apply(d, beta, a.theta, a.theta, 0).n == apply(d, beta, b.theta, b.theta, 0).n);
    if (!d.kappa) {  // the budget and risk histogram sweeps use κ = 0
      const budget_result ba = budget_threshold(d.set(), beta, rho, work), bb = budget_threshold(h, beta, rho);
      REQUIRE(ba.expected_cost == idn::test::rel(bb.expected_cost).epsilon(1e-12));
      REQUIRE(ba.accuracy == idn::test::rel(bb.accuracy).epsilon(1e-12));
      REQUIRE(ba.boundary_prob == bb.boundary_prob);
      REQUIRE(apply(d, beta, ba.theta_lo, ba.theta_lo, 0).n == apply(d, beta, bb.theta_lo, bb.theta_lo, 0).n);
      REQUIRE(apply(d, beta, ba.theta_hi, ba.theta_hi, 0).n == apply(d, beta, bb.theta_hi, bb.theta_hi, 0).n);
      const threshold_result ra = risk_threshold(d.set(), risk, work), rb = risk_threshold(h, risk);
      REQUIRE(ra.offloaded == rb.offloaded);
      REQUIRE(ra.accuracy == rb.accuracy);
    }
  }
}

TEST_CASE("calibration: bad input names field, index and value; failed results have theta = +inf") {
  std::vector<float> s{0.1f, 0.2f, 0.3f};
  std::vector<std::uint8_t> y{0, 1, 2}, z{0, 0};
  std::vector<std::uint32_t> work(3), small(2);
  calibration_set c{s, y};
  threshold_result r = optimal_threshold(c, 0.2f, work);
  CHECK(r.st.code == errc::not_binary);
  CHECK(r.st.index == 2);
  CHECK(r.theta == INFINITY);
  y[2] = 1;
  CHECK(optimal_threshold(c, 0.2f, small).st.code == errc::workspace_too_small);
  CHECK(optimal_threshold(c, 1.5f, work).st.code == errc::out_of_range);
  c.remote_wrong = z;
  char buf[128];
  format(optimal_threshold(c, 0.2f, work).st, buf);
  CHECK(std::string(buf) == "idn::offload: remote_wrong.size = 2: must equal score.size");
  c.remote_wrong = {};
  s[1] = NAN;
  format(optimal_threshold(c, 0.2f, work).st, buf);
  CHECK(std::string(buf) == "idn::offload: score[1] = nan: not finite");
  s[1] = 0.2f;
  CHECK(budget_threshold(c, 0.2f, 0.f, work).st.code == errc::out_of_range);
  CHECK(risk_threshold(c, -0.1f, work).st.code == errc::out_of_range);
  CHECK(optimal_threshold(calibration_set{}, 0.2f, work).st.code == errc::empty);
  calibration_histogram<64> h;
  CHECK(optimal_threshold(h, 0.2f).st.code == errc::empty);
  CHECK(h.add(64, true).code == errc::out_of_range);
  CHECK(h.add_cost(1, true, false, 2.f).code == errc::out_of_range);
  CHECK(h.add(1, true));
  h.clear();
  CHECK(h.size() == 0);
}
