#pragma once
/// Score → grid-bin mapping shared by the learners and calibration: bin_of<K>(score) for float
/// scores and bin_of_int8 for TFLite-Micro int8 softmax codes. C++20 standard library only.
#include <cstddef>
#include <cstdint>

namespace idn::offload {

/// Grid bin of a score: min(K − 1, ⌊sK⌋), exact in binary floating point (K a power of two);
/// scores ≤ 0 and NaN map to 0, scores ≥ 1 to K − 1. O(1).
template <std::size_t K>
constexpr std::uint32_t bin_of(float s) noexcept {
  static_assert(K >= 2 && K <= 65536 && (K & (K - 1)) == 0, "bin_of: K must be a power of two in [2, 65536]");
  if (!(s > 0.f)) return 0;
  if (!(s < 1.f)) return static_cast<std::uint32_t>(K - 1);
  const auto b = static_cast<std::uint32_t>(s * static_cast<float>(K));
  return b < K ? b : static_cast<std::uint32_t>(K - 1);
}

/// Bin of an int8 softmax code (TFLite-Micro scale 1/256, zero point −128) on the 256-bin grid.
constexpr std::uint32_t bin_of_int8(std::int8_t q) noexcept { return static_cast<std::uint32_t>(q + 128); }

}  // namespace idn::offload
