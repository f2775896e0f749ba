#pragma once
/// idn::offload::draw01: one uniform draw in [0, 1) from exactly one generator output, so that a
/// seed gives the same decisions on every platform. C++20 standard library only.
#include <bit>
#include <cstdint>
#include <random>
#include <type_traits>

namespace idn::offload {

/// One uniform draw in [0, 1) from a single generator output: its top 24 (float) or 53 (double)
/// bits. For idn::rng, draw01<float>(g) == float(g() >> 40) * 0x1p-24f. Requires a generator
/// whose range is [0, 2^w − 1] with w ≥ the mantissa width.
template <class Real, std::uniform_random_bit_generator G>
Real draw01(G& g) noexcept {
  static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>, "draw01: Real must be float or double");
  using R = typename G::result_type;
  static_assert(G::min() == 0, "draw01: the generator's min() must be 0");
  constexpr int w = std::bit_width(static_cast<std::uint64_t>(G::max()));
  static_assert(static_cast<std::uint64_t>(G::max()) == (w == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w) - 1),
                "draw01: the generator's range must be [0, 2^w - 1]");
  constexpr int bits = std::is_same_v<Real, float> ? 24 : 53;
  static_assert(w >= bits, "draw01: the generator must produce at least 24 (float) or 53 (double) bits per call");
  const std::uint64_t top = static_cast<std::uint64_t>(static_cast<R>(g())) >> (w - bits);
  if constexpr (std::is_same_v<Real, float>) return static_cast<float>(top) * 0x1p-24f;
  else return static_cast<double>(top) * 0x1p-53;
}

}  // namespace idn::offload
