// hw devices and links, dnn profiles: builders fed decoded doubles (NaN, ±inf, ±0, subnormals,
// 1e308, DBL_MAX, ...). Asserts: only invalid_input escapes; a built profile has finite totals; a
// built roofline/linear/table device never returns NaN or a negative time for a valid layer; a
// built link never returns NaN for a finite byte count; model_time and memory_fit that return
// are finite; a calibration that returns yields parameters that build a device.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/estimate.hpp"
#include "idn/hw/linear_model.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/profile_table.hpp"
#include "idn/hw/roofline.hpp"

namespace {
idn::dnn::layer decode_layer(idn::fuzz::input& in, std::size_t i) {
  idn::dnn::layer l;
  l.name = "l" + std::to_string(i);
  l.kind = static_cast<idn::dnn::layer_kind>(in.byte() % idn::dnn::layer_kind_count);
  l.flop = in.real(), l.param_bytes = in.real(), l.input_bytes = in.real(), l.output_bytes = in.real();
  l.workspace_bytes = in.real();
  l.unit = static_cast<std::uint32_t>(i);
  return l;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  // A profile.
  idn::dnn::profile_spec spec;
  spec.name = "fuzz";
  spec.input_bytes = in.real();
  spec.prec = static_cast<idn::dnn::precision>(in.byte() % 3);
  const std::size_t L = in.size(1, 6);
  for (std::size_t i = 0; i < L; ++i) spec.layers.push_back(decode_layer(in, i));
  std::optional<idn::dnn::profile> prof;
  idn::fuzz::expect_clean([&] { prof.emplace(spec); });
  if (prof) {
    IDN_FUZZ_ASSERT(std::isfinite(idn::dnn::total_flop(*prof)) && std::isfinite(idn::dnn::total_param_bytes(*prof)));
    idn::fuzz::expect_clean([&] { (void)idn::dnn::with_precision(*prof, static_cast<idn::dnn::precision>(in.byte() % 3)); });
    (void)idn::dnn::units_only(*prof);
  }
  // A roofline device.
  idn::hw::roofline_params rp;
  rp.name = "fuzz";
  rp.peak_flops = {in.real(), in.real(), in.real()};  // braced lists are sequenced left to right
  rp.memory_bandwidth = in.real();
  rp.compute_efficiency = in.real(), rp.memory_efficiency = in.real();
  rp.layer_overhead = in.real(), rp.call_overhead = in.real();
  rp.overlap = in.flag() ? idn::hw::overlap_mode::sum : idn::hw::overlap_mode::max;
  rp.activations_on_chip = in.flag();
  rp.memory_bytes = in.real();
  std::optional<idn::hw::roofline_device> dev;
  idn::fuzz::expect_clean([&] { dev.emplace(rp); });
  if (dev && prof) {
    for (const auto& l : prof->layers()) {
      const double t = dev->latency(l);
      IDN_FUZZ_ASSERT(!std::isnan(t) && t >= 0);
    }
    idn::fuzz::expect_clean([&] { IDN_FUZZ_ASSERT(std::isfinite(idn::hw::model_time(*dev, *prof))); });
    idn::fuzz::expect_clean([&] {
      const auto r = idn::hw::memory_fit(*dev, *prof);
      IDN_FUZZ_ASSERT(std::isfinite(r.weights) && std::isfinite(r.peak_activation));
    });
    // A measured table over it, with a reference profile for the corrections.
    idn::hw::latency_table table;
    table.measured_at = prof->prec();
    table.by_index.push_back({0, in.real()});
    idn::fuzz::expect_clean([&] {
      const idn::hw::profile_table_device<idn::hw::roofline_device> tab(table, *dev, &*prof);
      for (const auto& l : prof->layers()) IDN_FUZZ_ASSERT(!std::isnan(tab.latency(l)) && tab.latency(l) >= 0);
    });
  }
  // Calibration from decoded samples.
  if (dev) {
    std::vector<idn::hw::calibration_sample> samples(in.size(1, 4));
    for (std::size_t s = 0; s < samples.size(); ++s) {
      samples[s].seconds = in.real();
      const std::size_t n = in.size(1, 3);
      for (std::size_t i = 0; i < n; ++i) samples[s].layers.push_back(decode_layer(in, i));
    }
    idn::fuzz::expect_clean([&] {
      const auto res = idn::hw::calibrate_roofline(rp, samples);
      IDN_FUZZ_ASSERT(std::isfinite(res.rms_relative_error) && std::isfinite(res.max_relative_error));
      const idn::hw::roofline_device fitted(res.params);  // must not throw: the fit is a valid device
      (void)fitted;
    });
  }
  // A linear layer model.
  {
    std::vector<idn::hw::layer_sample> samples(in.size(5, 8));
    for (std::size_t s = 0; s < samples.size(); ++s) samples[s] = {decode_layer(in, s), in.real()};
    idn::fuzz::expect_clean([&] {
      const auto form = in.flag() ? idn::hw::regression_form::logarithmic : idn::hw::regression_form::linear;
      const auto m = idn::hw::linear_layer_model::fit(samples, form);
      IDN_FUZZ_ASSERT(m.pooled().allFinite());
      if (prof)
        for (const auto& l : prof->layers()) IDN_FUZZ_ASSERT(!std::isnan(m.latency(l)) && m.latency(l) >= 0);
    });
  }
  // An affine link.
  idn::fuzz::expect_clean([&] {
    const double latency = in.real(), rate = in.real(), power = in.real();  // sequenced: same decoding on every compiler
    const idn::hw::affine_link link(latency, rate, power);
    for (int k = 0; k < 4; ++k) {
      double b = in.real();
      if (!std::isfinite(b) || b < 0) b = 0;
      const double t = link.transfer_time(b);
      IDN_FUZZ_ASSERT(!std::isnan(t) && t >= 0);
    }
  });
  return 0;
}
