// Board files and runtime measurement CSVs: any bytes through read_board_file,
// read_layer_measurements and serve::read_batch_service_times. Asserts: only invalid_input
// escapes; a parsed board file writes back to text that reads to the same points; a
// measured_device built from it (probe-only and with a fit to any parsed measurements) never
// returns NaN or a negative latency; parsed service times build a batch_latency_profile whose
// simulated stage (half its capacity, 1,000 items) reports finite latencies.
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/fit_measured_device.hpp"
#include "idn/hw/layer_measurements.hpp"
#include "idn/hw/measured_device.hpp"
#include "idn/serve/batch_planner.hpp"
#include "idn/serve/service_times.hpp"

namespace {

void check_latencies(const idn::hw::measured_device& d, const std::vector<idn::dnn::layer>& extra) {
  std::vector<idn::dnn::layer> ls = extra;
  for (const double f : {0.0, 1.0, 1e6, 1e12, 1e300})
    for (const double b : {0.0, 1.0, 1e9, 1e300}) {
      idn::dnn::layer l;
      l.flop = f;
      l.input_bytes = b;
      for (std::size_t k = 0; k < idn::dnn::layer_kind_count; ++k) {
        l.kind = static_cast<idn::dnn::layer_kind>(k);
        ls.push_back(l);
      }
    }
  for (const auto& l : ls) {
    const double t = d.latency(l);
    IDN_FUZZ_ASSERT(!std::isnan(t) && t >= 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<idn::hw::model_measurements> runs;
  try {
    std::istringstream is(text);
    runs = idn::hw::read_layer_measurements(is, "fuzz");
    for (const auto& r : runs) {
      IDN_FUZZ_ASSERT(r.model_seconds > 0 && std::isfinite(r.model_seconds) && r.layers.size() == r.layer_seconds.size() && !r.layers.empty());
      for (const double s : r.layer_seconds) IDN_FUZZ_ASSERT(s > 0 && std::isfinite(s));
    }
  } catch (const idn::invalid_input&) {
  }
  try {
    std::istringstream is(text);
    for (const auto& [model, by_batch] : idn::serve::read_batch_service_times(is, "fuzz")) {
      for (const auto& [batch, samples] : by_batch) IDN_FUZZ_ASSERT(batch >= 1 && !samples.empty());
      try {
        const idn::serve::batch_latency_profile p(by_batch);
        const std::uint32_t B = p.sizes().back();
        const double rate = 0.5 * B / p.mean_at(p.sizes().size() - 1);
        const idn::serve::stage_estimate e = idn::serve::simulate_batched_stage(rate, p, {B, 1}, 0.99, 1000, 1);
        IDN_FUZZ_ASSERT(std::isfinite(e.quantile_latency) && e.quantile_latency > 0 && std::isfinite(e.mean_latency) && e.mean_batch >= 1);
      } catch (const idn::invalid_input&) {
      }
    }
  } catch (const idn::invalid_input&) {
  }
  try {
    std::istringstream is(text);
    const idn::hw::board_file b = idn::hw::read_board_file(is, "fuzz");
    std::stringstream ss;
    idn::hw::write_board_file(ss, b);
    const idn::hw::board_file c = idn::hw::read_board_file(ss, "again");
    IDN_FUZZ_ASSERT(c.points.size() == b.points.size());
    for (std::size_t i = 0; i < b.points.size(); ++i)
      IDN_FUZZ_ASSERT(c.points[i].quantity == b.points[i].quantity && c.points[i].size == b.points[i].size && c.points[i].value == b.points[i].value &&
                      c.points[i].threads == b.points[i].threads && c.points[i].spread == b.points[i].spread &&
                      c.points[i].reliable == b.points[i].reliable);
    try {
      const idn::hw::measured_device probe(b);
      check_latencies(probe, {});
      if (!runs.empty()) {
        const std::vector<std::vector<idn::dnn::layer>> graphs(runs.size());
        const idn::hw::measured_device fitted(b, idn::hw::fit_device_to_runtime(probe, runs, graphs).options);
        check_latencies(fitted, runs.front().layers);
      }
    } catch (const idn::invalid_input&) {
    }
  } catch (const idn::invalid_input&) {
  }
  return 0;
}
