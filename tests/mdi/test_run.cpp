// idn/mdi/run.hpp (docs/mdi.md, the simulator): M/M/1, Cobham's two-class priority formula
// (exponential and deterministic service), Little's law, determinism and invariants, pa_mdi ==
// ms_mdi under the degenerate settings, and the CSV report.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <sstream>
#include <vector>

#include "approx.hpp"
#include "idn/mdi/run.hpp"
#include "one_node.hpp"

using namespace idn::mdi;
using pindex = std::ptrdiff_t;

namespace {
#ifdef IDN_TEST_LIGHT
constexpr double scale = 0.2;
#else
constexpr double scale = 1.0;
#endif
/// Mean sojourn per class and its standard error from 50 batch means (generation order).
struct estimate { double mean, se; };
estimate batch_mean(const sim_report& r, int cls, double warmup) {
  std::vector<double> x;
  for (const task_record& t : r.trace)
    if (t.cls == cls && t.generated_s >= warmup && t.completed_s >= 0) x.push_back(t.completed_s - t.generated_s);
  const std::size_t B = 50, per = x.size() / B;
  std::vector<double> means;
  for (std::size_t b = 0; b < B; ++b) means.push_back(std::accumulate(x.begin() + static_cast<std::ptrdiff_t>(b * per), x.begin() + static_cast<std::ptrdiff_t>((b + 1) * per), 0.0) / static_cast<double>(per));
  const double m = std::accumulate(means.begin(), means.end(), 0.0) / B;
  double v = 0;
  for (double y : means) v += (y - m) * (y - m);
  return {m, std::sqrt(v / (B - 1) / B)};
}
bool agrees(estimate e, double theory) { return std::abs(e.mean - theory) <= std::max(4 * e.se, 0.01 * theory); }
policy_options traced(policy_kind k) {
  policy_options p = default_policy(k);
  p.record_trace = true;
  return p;
}
}  // namespace

TEST_CASE("scenario runner: M/M/1 at rho 0.5 and 0.8 (mean sojourn 1/(mu - lambda))") {
  for (const double rho : {0.5, 0.8}) {
    const double mu = 100, lambda = rho * mu;
    const scenario s = idn::test::one_node({1 / mu}, {lambda}, service_kind::exponential, 1.1e6 / lambda * scale);
    const sim_report r = run_scenario(s, traced(policy_kind::local), 7);
    const estimate e = batch_mean(r, 0, s.warmup_s);
    CAPTURE(rho);
    CAPTURE(e.mean);
    CAPTURE(e.se);
    CHECK(agrees(e, 1 / (mu - lambda)));
    CHECK(r.worker_utilization[0] == idn::test::rel(rho).epsilon(0.02));
  }
}

TEST_CASE("scenario runner: Cobham's non-preemptive priority formula per class under pa_mdi (exponential and deterministic)") {
  for (const service_kind k : {service_kind::exponential, service_kind::deterministic}) {
    const double s0 = 0.010, s1 = 0.020, rho0 = 0.3, rho1 = 0.4;
    const double l0 = rho0 / s0, l1 = rho1 / s1;
    const scenario s = idn::test::one_node({s0, s1}, {l0, l1}, k, 4e5 / (l0 + l1) * scale);
    const sim_report r = run_scenario(s, traced(policy_kind::pa_mdi), 11);
    const double m2f = k == service_kind::exponential ? 2.0 : 1.0;  // E[S^2] = m2f·E[S]^2
    const double R = (l0 * m2f * s0 * s0 + l1 * m2f * s1 * s1) / 2;
    const double W0 = R / (1 - rho0), W1 = R / ((1 - rho0) * (1 - rho0 - rho1));
    const estimate e0 = batch_mean(r, 0, s.warmup_s), e1 = batch_mean(r, 1, s.warmup_s);
    CAPTURE(int(k));
    CAPTURE(e0.mean);
    CAPTURE(e1.mean);
    CHECK(agrees(e0, W0 + s0));
    CHECK(agrees(e1, W1 + s1));
    // Under FIFO (ms_mdi) the classes see the same wait instead.
    const sim_report f = run_scenario(s, traced(policy_kind::ms_mdi), 11);
    CHECK(batch_mean(f, 0, s.warmup_s).mean > e0.mean);
  }
}

TEST_CASE("scenario runner: Little's law, determinism, invariants, pa_mdi == ms_mdi in the degenerate case") {
  scenario s;
  for (int n = 0; n < 4; ++n) s.nodes.push_back({"n", INFINITY, 0});
  s.links = {{0, 1, 2e7, 0.002}, {1, 2, 2e7, 0.002}, {2, 3, 2e7, 0.002}, {0, 2, 1e7, 0.001}};
  const pindex L = 6;
  idn::partition::chain_profile p{Eigen::VectorXd::Constant(L, 1e9), Eigen::VectorXd::Zero(L), Eigen::VectorXd::LinSpaced(L + 1, 2e4, 1e3)};
  Eigen::MatrixXd T(L, 4);
  for (pindex n = 0; n < 4; ++n) T.col(n).setConstant(0.002 * (1 + n % 2));
  s.models.push_back({"chain6", p, T, {0, 2, 4, 6}});
  source_spec a{0, 0, 0}, b{3, 0, 1};
  a.rate_per_s = 40, b.rate_per_s = 40;
  s.sources = {a, b};
  s.warmup_s = 5, s.horizon_s = 60;
  s.service = service_kind::lognormal, s.service_cv = 0.5;
  for (const policy_kind k : {policy_kind::pa_mdi, policy_kind::ms_mdi, policy_kind::ar_mdi, policy_kind::local}) {
    CAPTURE(int(k));
    const sim_report r1 = run_scenario(s, traced(k), 3), r2 = run_scenario(s, traced(k), 3), r3 = run_scenario(s, traced(k), 4);
    REQUIRE(r1.trace.size() == r2.trace.size());
    bool same = true, differ = r1.trace.size() != r3.trace.size();
    for (std::size_t i = 0; i < r1.trace.size(); ++i) {
      same = same && r1.trace[i].completed_s == r2.trace[i].completed_s && r1.trace[i].placement == r2.trace[i].placement;
      if (!differ && i < r3.trace.size()) differ = r1.trace[i].completed_s != r3.trace[i].completed_s;
    }
    CHECK(same);
    CHECK(differ);
    CHECK(r1.events == r2.events);
    // Every measured task completes after it was generated; pieces run in order.
    for (const task_record& t : r1.trace) {
      REQUIRE(t.completed_s >= t.generated_s);
      if (k == policy_kind::pa_mdi || k == policy_kind::ms_mdi) REQUIRE(t.placement.size() == 3);
    }
    for (double u : r1.worker_utilization) REQUIRE((u >= 0 && u <= 1 + 1e-12));
    for (double u : r1.link_utilization) REQUIRE((u >= 0 && u <= 1 + 1e-12));
    // Little: time-average number in system over the window == throughput x mean sojourn.
    double area = 0, sum_w = 0;
    std::size_t n = 0;
    for (const task_record& t : r1.trace) {
      area += std::max(0.0, std::min(t.completed_s, s.horizon_s) - std::max(t.generated_s, s.warmup_s));
      if (t.generated_s >= s.warmup_s && t.generated_s < s.horizon_s) sum_w += t.completed_s - t.generated_s, ++n;
    }
    const double window = s.horizon_s - s.warmup_s;
    CHECK(area / window == idn::test::rel(static_cast<double>(n) / window * (sum_w / static_cast<double>(n))).epsilon(0.02));
  }
  // pa_mdi with one class, no RTC, the total view and FIFO is ms_mdi.
  s.num_classes = 1;
  s.sources[1].cls = 0;
  policy_options pa = traced(policy_kind::pa_mdi);
  pa.use_rtc = false, pa.view = backlog_view::total, pa.arb = arbitration::fifo;
  const sim_report x = run_scenario(s, pa, 5), y = run_scenario(s, traced(policy_kind::ms_mdi), 5);
  REQUIRE(x.trace.size() == y.trace.size());
  for (std::size_t i = 0; i < x.trace.size(); ++i) {
    REQUIRE(x.trace[i].completed_s == y.trace[i].completed_s);
    REQUIRE(x.trace[i].placement == y.trace[i].placement);
  }
}

TEST_CASE("write_csv: one row per class, empty fields for classes without completions") {
  scenario s = idn::test::one_node({0.01, 0.01}, {10, 10}, service_kind::deterministic, 5);
  s.sources[1].max_tasks = 0;
  sim_report r = run_scenario(s, default_policy(policy_kind::local), 1);
  r.classes[1].completed = 0, r.classes[1].mean_s.reset(), r.classes[1].p50_s.reset(), r.classes[1].p95_s.reset(), r.classes[1].max_s.reset();
  std::ostringstream os;
  write_csv(os, "x", r, true);
  const std::string out = os.str();
  CHECK(out.rfind("label,class,generated,completed,mean_s,p50_s,p95_s,max_s,throughput_per_s\n", 0) == 0);
  CHECK(out.find("\nx,0,") != std::string::npos);
  CHECK(out.find(",,,,") != std::string::npos);  // class 1: no statistics, never NaN
  CHECK(out.find("nan") == std::string::npos);
}
