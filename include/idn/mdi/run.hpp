#pragma once
/// Running a PA-MDI scenario (docs/mdi.md): run_scenario plays one policy on a validated
/// scenario with a seed and reports per-class latency and throughput, utilizations and control
/// traffic; write_csv prints the per-class rows.
#include <cmath>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/mdi/detail/runner.hpp"
#include "idn/mdi/scenario.hpp"

namespace idn::mdi {

/// Runs one policy on a validated scenario with the given seed: tasks generated in
/// [warmup, horizon) are measured; the run drains afterwards. Deterministic by seed.
inline sim_report run_scenario(const scenario& s, const policy_options& p, std::uint64_t seed) {
  validate(s);
  if (!(p.state_period_s >= 0) || !std::isfinite(p.state_period_s)) reject("mdi::run_scenario", "state_period_s", p.state_period_s, "must be finite and >= 0");
  if (!(p.rtc_window_s >= 0) || !std::isfinite(p.rtc_window_s)) reject("mdi::run_scenario", "rtc_window_s", p.rtc_window_s, "must be finite and >= 0");
  detail::mdi_runner r(s, p, seed);
  return r.run();
}

/// One CSV row per class: label,class,generated,completed,mean_s,p50_s,p95_s,max_s,throughput_per_s.
inline void write_csv(std::ostream& os, std::string_view label, const sim_report& r, bool header) {
  if (header) os << "label,class,generated,completed,mean_s,p50_s,p95_s,max_s,throughput_per_s\n";
  auto opt = [](const std::optional<double>& v) { return v ? format_number(*v) : std::string(); };
  for (const class_stats& c : r.classes)
    os << label << ',' << c.cls << ',' << c.generated << ',' << c.completed << ',' << opt(c.mean_s) << ',' << opt(c.p50_s) << ','
       << opt(c.p95_s) << ',' << opt(c.max_s) << ',' << format_number(c.throughput_per_s) << '\n';
}

}  // namespace idn::mdi
