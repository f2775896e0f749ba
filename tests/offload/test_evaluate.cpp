// evaluate(): metrics, baselines and regret against direct computation; hi_cost identities
// (docs/offload.md "Metrics", §9.5).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/offload/evaluate.hpp"
#include "idn/offload/hil.hpp"
#include "idn/offload/rules.hpp"
#include "idn/offload/throwing.hpp"

using namespace idn::offload;

TEST_CASE("evaluate: a threshold rule's metrics equal direct counting; baselines; regret >= 0 against the hindsight optimum") {
  idn::rng g(8801);
  std::vector<stream_sample> s(5000);
  for (auto& x : s) {
    x.score = static_cast<float>(idn::uniform01(g));
    x.local_correct = idn::uniform01(g) < x.score;
    x.remote_correct = idn::uniform01(g) < 0.95;
    x.agree = x.local_correct == x.remote_correct;
  }
  for (const bool kappa : {false, true}) {
    const float beta = 0.25f;
    threshold_rule rule{0.6f};
    eval_options e{beta, kappa};
    const eval_result r = evaluate(rule, std::span<const stream_sample>(s), e, g);
    REQUIRE(r.st);
    double cost = 0, correct = 0, off = 0, err = 0, zerr = 0, oracle = 0, oracle_right = 0;
    for (const auto& x : s) {
      const bool o = x.score < 0.6f;
      cost += o ? beta + (kappa && !x.remote_correct) : !x.local_correct;
      correct += o ? x.remote_correct : x.local_correct;
      off += o;
      err += !x.local_correct, zerr += !x.remote_correct;
      if (!x.local_correct) oracle += beta + (kappa && !x.remote_correct), oracle_right += x.remote_correct;
      else oracle_right += 1;
    }
    const double n = double(s.size());
    CHECK(r.avg_cost == idn::test::rel(cost / n));
    CHECK(r.avg_expected_cost == idn::test::rel(cost / n));  // deterministic rule: r_t ∈ {0, 1}
    CHECK(r.accuracy == idn::test::rel(correct / n));
    CHECK(r.offload_fraction == idn::test::rel(off / n));
    CHECK(r.no_offload.cost == idn::test::rel(err / n));
    CHECK(r.full_offload.cost == idn::test::rel(beta + (kappa ? zerr / n : 0)));
    CHECK(r.oracle.cost == idn::test::rel(oracle / n));
    CHECK(r.oracle.accuracy == idn::test::rel(oracle_right / n));
    CHECK(r.regret >= -1e-9);  // no fixed threshold beats the hindsight optimum
    CHECK(r.best_fixed.expected_cost <= std::min(r.no_offload.cost, r.full_offload.cost) + 1e-12);
  }
  // A learner gets feedback per its model; the grid comparator bounds regret from the grid.
  hil_f<256> f;
  REQUIRE(f.configure({0.25f, 0, s.size()}));
  eval_options e{0.25f};
  e.comparator_bins = 256;
  e.feedback_delay = 10;
  const eval_result r = evaluate(f, std::span<const stream_sample>(s), e, g);
  REQUIRE(r.st);
  CHECK(f.feedbacks() == s.size());
  CHECK(r.regret <= hil_f_bound(s.size(), grid_log_inv_lambda(256), f.eta()) + 10);  // delay 10 costs at most 10
  hil_n<256> h;
  REQUIRE(h.configure({0.25f, 0, 0, s.size()}));
  const eval_result rn = evaluate(h, std::span<const stream_sample>(s), e, g);
  CHECK(rn.st);
  CHECK(h.pending() == 0);  // all offload feedback delivered
  eval_options bad{1.5f};
  CHECK(evaluate(f, std::span<const stream_sample>(s), bad, g).st.code == errc::out_of_range);
  bad = {0.2f};
  bad.comparator_bins = 3;
  CHECK(evaluate(f, std::span<const stream_sample>(s), bad, g).st.code == errc::out_of_range);
}

TEST_CASE("hi_cost: phi = 0 gives the local cost, linear in phi; early exits weight their stages") {
  const hi_profile p{0.010, 0.050, 0.030, 0.020};
  CHECK(hi_cost(p, 0).latency_s == 0.010);
  CHECK(hi_cost(p, 0).device_energy_j == 0.050);
  const hi_system_cost a = hi_cost(p, 0.25), b = hi_cost(p, 0.75), c = hi_cost(p, 0.5);
  CHECK(c.latency_s == idn::test::rel((a.latency_s + b.latency_s) / 2));
  CHECK(c.device_energy_j == idn::test::rel((a.device_energy_j + b.device_energy_j) / 2));
  CHECK(hi_cost(p, 1).latency_s == idn::test::rel(0.040));
  const early_exit_stage ex[] = {{0.6, 0.004, 0.02}, {0.4, 0.010, 0.05}};
  const hi_system_cost e = hi_cost_early_exit(ex, p, 0.2);
  CHECK(e.st);
  CHECK(e.latency_s == idn::test::rel(0.6 * 0.004 + 0.4 * 0.010 + 0.2 * 0.030));
  CHECK(e.device_energy_j == idn::test::rel(0.6 * 0.02 + 0.4 * 0.05 + 0.2 * 0.020));
  const early_exit_stage one[] = {{1.0, 0.010, 0.050}};
  CHECK(hi_cost_early_exit(one, p, 0.3).latency_s == idn::test::rel(hi_cost(p, 0.3).latency_s));
  const early_exit_stage bad[] = {{0.5, 0.004, 0.02}, {0.4, 0.010, 0.05}};
  const hi_system_cost x = hi_cost_early_exit(bad, p, 0.2);
  CHECK(x.st.code == errc::out_of_range);
  CHECK(std::isinf(x.latency_s));
  CHECK(hi_cost({-1, 0, 0, 0}, 0.1).st.code == errc::out_of_range);
  CHECK(hi_cost(p, 1.5).st.code == errc::out_of_range);
  CHECK_THROWS_WITH_AS(throw_if_error(hi_cost(p, 1.5).st), "idn::offload: offload_fraction = 1.5: must lie in [0, 1]",
                       idn::invalid_input);
}
