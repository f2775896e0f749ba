// offload (std-only, status-returning): calibration sets, HIL-F / HIL-N learners and the
// temperature fit on decoded floats (NaN, ±inf, ±0, subnormals, huge) and sizes. Asserts: no
// exception (the module has none), a call that returns ok has finite numbers with fractions in
// [0, 1]; optimal_threshold's cost is the minimum over every threshold (brute force); a learner's
// offload probability is always in [0, 1], never NaN, whatever its parameters and feedback.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/core/random.hpp"
#include "idn/offload/calibrate.hpp"
#include "idn/offload/fit.hpp"
#include "idn/offload/hil.hpp"

namespace ol = idn::offload;

namespace {
float score(idn::fuzz::input& in) { return in.byte() % 4 == 0 ? static_cast<float>(in.real()) : static_cast<float>(in.byte()) / 255.f; }
bool unit(double x) { return x >= 0 && x <= 1; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  const std::size_t m = in.size(0, 40);
  std::vector<float> s(m), cost;
  std::vector<std::uint8_t> y(m), z;
  const bool with_z = in.flag(), with_cost = in.flag(), kappa = in.flag();
  for (std::size_t i = 0; i < m; ++i) {
    s[i] = score(in);
    y[i] = in.byte() % 3 == 0 ? in.byte() : in.byte() & 1;  // sometimes not 0/1: must be a status
    if (with_z) z.push_back(in.byte() & 1);
    if (with_cost) cost.push_back(score(in));
  }
  const ol::calibration_set set{s, y, z, cost, kappa};
  std::vector<std::uint32_t> work(m + in.size(0, 1));
  const float beta = score(in);
  const ol::threshold_result r = ol::optimal_threshold(set, beta, work);
  if (r.st) {
    IDN_FUZZ_ASSERT(std::isfinite(r.expected_cost) && unit(r.offload_fraction) && unit(r.accuracy) && !std::isnan(r.theta));
    // Brute force: no threshold θ ∈ {scores} ∪ {+inf} is cheaper.
    std::vector<float> cand = s;
    cand.push_back(INFINITY);
    for (const float theta : cand) {
      double c = 0;
      for (std::size_t i = 0; i < m; ++i) {
        const bool off = s[i] < theta;
        const double b = cost.empty() ? beta : cost[i], zz = z.empty() ? 0.0 : z[i];
        c += off ? b + (kappa ? zz : 0.0) : y[i];
      }
      IDN_FUZZ_ASSERT(r.expected_cost <= c / static_cast<double>(m) + 1e-9);
    }
  }
  const ol::budget_result b = ol::budget_threshold(set, beta, static_cast<float>(score(in)), work);
  if (b.st) IDN_FUZZ_ASSERT(std::isfinite(b.expected_cost) && unit(b.offload_fraction) && unit(b.accuracy) && unit(b.boundary_prob));
  const ol::threshold_result k = ol::risk_threshold(set, score(in), work);
  if (k.st) IDN_FUZZ_ASSERT(std::isfinite(k.expected_cost) && unit(k.offload_fraction) && unit(k.accuracy));
  // Online learners.
  idn::rng g(in.byte());
  ol::hil_f<16> f;
  ol::hil_n<16> n;
  const bool f_ok = static_cast<bool>(f.configure({score(in), static_cast<float>(in.flag() ? in.real() : 0.0), in.flag() ? in.count() : 0,
                                                   static_cast<std::uint32_t>(in.byte())}));
  const bool n_ok = static_cast<bool>(n.configure({score(in), static_cast<float>(in.flag() ? in.real() : 0.0),
                                                   static_cast<float>(in.flag() ? in.real() : 0.0), in.flag() ? in.count() : 1000,
                                                   in.flag() ? ol::hil_n_estimator::exploration_only : ol::hil_n_estimator::inverse_propensity,
                                                   static_cast<std::uint32_t>(in.byte())}));
  (void)f_ok, (void)n_ok;
  for (int t = 0; t < 64 && !in.empty(); ++t) {
    const float sc = score(in);
    const ol::decision a = f.decide(sc, g), c = n.decide(sc, g);
    IDN_FUZZ_ASSERT(unit(a.offload_prob) && unit(c.offload_prob));
    f.feedback(a, in.flag());
    if (c.offload) n.feedback(c, in.flag());
  }
  // Temperature fit.
  const std::size_t classes = in.size(0, 4), rows = in.size(0, 6);
  std::vector<float> logits(classes * rows);
  std::vector<std::uint32_t> labels(rows);
  for (auto& v : logits) v = static_cast<float>(in.byte() % 5 == 0 ? in.real() : (in.byte() - 128) / 16.0);
  for (auto& l : labels) l = in.byte() % (classes + 1);
  const ol::temperature_result tr = ol::fit_temperature(logits, classes, labels);
  if (tr.st) IDN_FUZZ_ASSERT(std::isfinite(tr.temperature) && tr.temperature > 0 && std::isfinite(tr.nll_after) && std::isfinite(tr.nll_before));
  return 0;
}
