#pragma once
/// The per-class and per-station summary of a PA-MDI run (docs/mdi.md). Internal.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "idn/mdi/scenario.hpp"

namespace idn::mdi::detail {

/// Tasks (each with id, source, cls, gen_s, done_s < 0 if not completed, placement) generated in
/// [warmup, horizon) per class: counts, mean and nearest-rank p50/p95/max
/// latency, throughput over the window; utilization of the N worker stations and then of the
/// transfer stations from their busy seconds inside the window. O(T log T).
template <class Tasks>
sim_report summarize(const scenario& s, bool record_trace, const Tasks& tasks, std::span<const double> busy_in_window,
                            std::size_t workers, std::uint64_t events, std::uint64_t rtc_sent, std::uint64_t rtc_denied) {
  sim_report r;
  r.events = events;
  r.rtc_sent = rtc_sent, r.rtc_denied = rtc_denied;
  const double window = s.horizon_s - s.warmup_s;
  std::vector<double> lat;
  for (int c = 0; c < s.num_classes; ++c) {
    class_stats cs;
    cs.cls = c;
    lat.clear();
    for (const auto& t : tasks) {
      if (t.cls != c || t.gen_s < s.warmup_s || t.gen_s >= s.horizon_s) continue;
      ++cs.generated;
      if (t.done_s >= 0) ++cs.completed, lat.push_back(t.done_s - t.gen_s);
    }
    if (!lat.empty()) {
      std::sort(lat.begin(), lat.end());
      double sum = 0;
      for (double x : lat) sum += x;
      auto rank = [&](double q) { return lat[static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(lat.size())))) - 1]; };
      cs.mean_s = sum / static_cast<double>(lat.size()), cs.p50_s = rank(0.5), cs.p95_s = rank(0.95), cs.max_s = lat.back();
    }
    cs.throughput_per_s = static_cast<double>(cs.completed) / window;
    r.classes.push_back(cs);
  }
  for (std::size_t i = 0; i < busy_in_window.size(); ++i) (i < workers ? r.worker_utilization : r.link_utilization).push_back(busy_in_window[i] / window);
  if (record_trace)
    for (const auto& t : tasks) r.trace.push_back({t.id, s.sources[t.source].node, t.cls, t.gen_s, t.done_s, t.placement});
  return r;
}

}  // namespace idn::mdi::detail
