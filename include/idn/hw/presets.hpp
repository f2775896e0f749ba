#pragma once
/// Board presets: vendor headline peaks (or measured where no vendor figure exists), η = 1,
/// uncalibrated. Calibrate (calibrate.hpp) before trusting absolute times. "(d)" in a note marks
/// a derived value: cores × clock × ops/cycle, bus width × transfer rate, or sparse peak / 2.
#include <string_view>
#include <vector>

#include "idn/hw/roofline.hpp"

namespace idn::hw {

/// Where a preset figure comes from.
enum class provenance : std::uint8_t { vendor_peak, derived_peak, measured };

/// A datasheet preset: roofline parameters, where each figure comes from, and the source.
struct board_preset {
  roofline_params params;
  provenance compute = provenance::vendor_peak, bandwidth = provenance::vendor_peak;
  std::string_view source, note;
  bool calibrated = false;
};

namespace detail {
constexpr double gib = 1024.0 * 1024.0 * 1024.0;
inline roofline_params make_params(std::string name, double fp32, double fp16, double int8, double bw, double mem,
                                   double active, overlap_mode ov = overlap_mode::max) {
  roofline_params p;
  p.name = std::move(name);
  p.peak_flops = {fp32, fp16, int8};
  p.memory_bandwidth = bw;
  p.memory_bytes = mem;
  p.active_power = active;
  p.overlap = ov;
  return p;
}
}  // namespace detail

/// NVIDIA Jetson Nano (4 GB), 10 W mode.
inline board_preset jetson_nano() {
  return {detail::make_params("jetson_nano", 236e9, 472e9, 472e9, 25.6e9, 4 * detail::gib, 10),
          provenance::derived_peak, provenance::vendor_peak, "NVIDIA Jetson Nano module datasheet",
          "fp32 236 GFLOP/s (d: 128 cores x 921.6 MHz x 2); fp16 472 GFLOP/s vendor; no int8 path, int8 = fp16; "
          "25.6 GB/s LPDDR4; 10 W mode (5 W mode also exists)"};
}
/// NVIDIA Jetson Xavier NX (8 GB), 15 W mode.
inline board_preset jetson_xavier_nx() {
  return {detail::make_params("jetson_xavier_nx", 0.845e12, 1.69e12, 21e12, 51.2e9, 8 * detail::gib, 15),
          provenance::derived_peak, provenance::derived_peak, "NVIDIA Jetson Xavier NX module datasheet",
          "fp32 0.845 TFLOP/s (d: 384 cores x 1.1 GHz x 2); fp16 1.69 (d); int8 21 TOPS vendor (GPU + 2 DLA); "
          "51.2 GB/s (d: 128-bit x 3200 MT/s); 15 W mode (10 W also)"};
}
/// NVIDIA Jetson AGX Orin 64 GB, 60 W mode.
inline board_preset jetson_agx_orin_64gb() {
  return {detail::make_params("jetson_agx_orin_64gb", 5.3e12, 5.3e12, 85e12, 204.8e9, 64 * detail::gib, 60),
          provenance::derived_peak, provenance::vendor_peak, "NVIDIA Jetson AGX Orin technical brief",
          "fp32 5.3 TFLOP/s vendor; fp16 not assumed faster; int8 85 TOPS (d: GPU 170 sparse TOPS / 2); "
          "204.8 GB/s LPDDR5; 60 W max (15-60 W)"};
}
/// Raspberry Pi 4 (4 GB): measured HPL and STREAM; power unknown.
inline board_preset raspberry_pi_4() {
  return {detail::make_params("raspberry_pi_4", 8e9, 8e9, 8e9, 5.5e9, 4 * detail::gib, 0),
          provenance::measured, provenance::measured,
          "published HPL (feiereisen.net/?page_id=924) and STREAM (sci-pi.org.uk/bench/stream.html) runs",
          "8 GFLOP/s measured HPL (FP64), used for every precision; 5.5 GB/s measured STREAM (12.8 GB/s theoretical); "
          "active power unknown (0 W)"};
}
/// ST STM32H7A3 (Cortex-M7 @ 280 MHz): 1.4 MB SRAM, 2 MiB flash for weights, in-order (sum).
inline board_preset stm32h7a3() {
  auto p = detail::make_params("stm32h7a3", 0.56e9, 0.56e9, 1.12e9, 2.24e9, 1'409'024.0, 0.1606, overlap_mode::sum);
  p.weight_storage = 2.0 * 1024 * 1024;
  return {std::move(p), provenance::derived_peak, provenance::derived_peak,
          "ST STM32H7A3 datasheet; power from MLPerf Tiny v1.0 (ResNet-8: 160.6 mW, 8.70 mJ, 18.44 inf/s)",
          "fp32 0.56 GFLOP/s (d: 280 MHz x 1 FMA x 2); int8 1.12 GOP/s (d: ~2 MAC/cycle SIMD); "
          "2.24 GB/s (d: 64-bit AXI x 280 MHz); 1376 KiB SRAM + 2 MiB flash; 0.1606 W measured"};
}
/// NVIDIA T4 (16 GB), 70 W.
inline board_preset nvidia_t4() {
  return {detail::make_params("nvidia_t4", 8.1e12, 65e12, 130e12, 320e9, 16 * detail::gib, 70),
          provenance::vendor_peak, provenance::vendor_peak, "NVIDIA T4 datasheet",
          "fp32 8.1 TFLOP/s; fp16 65 TFLOP/s tensor; int8 130 TOPS; 320 GB/s GDDR6; 70 W"};
}
/// NVIDIA A100 40 GB (PCIe power figure), dense tensor peaks.
inline board_preset nvidia_a100_40gb() {
  return {detail::make_params("nvidia_a100_40gb", 19.5e12, 312e12, 624e12, 1555e9, 40 * detail::gib, 250),
          provenance::vendor_peak, provenance::vendor_peak, "NVIDIA A100 datasheet",
          "fp32 19.5 TFLOP/s; fp16 312 TFLOP/s tensor; int8 624 TOPS; 1555 GB/s HBM2; 250 W PCIe (SXM 400 W)"};
}

/// All presets, in the order of the spec's table.
inline std::vector<board_preset> board_presets() {
  return {jetson_nano(), jetson_xavier_nx(), jetson_agx_orin_64gb(), raspberry_pi_4(),
          stm32h7a3(), nvidia_t4(), nvidia_a100_40gb()};
}

}  // namespace idn::hw
