#pragma once
/// idn::rng (xoshiro256**, Blackman & Vigna 2018) and idn::uniform01: the same stream on every
/// platform for a given seed. Standard library only.
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>

namespace idn {

/// xoshiro256**: 256-bit state, period 2^256 - 1, models std::uniform_random_bit_generator.
/// Seeding from one 64-bit value expands it with splitmix64, as the authors recommend.
class rng {
public:
  /// The type of every draw (UniformRandomBitGenerator).
  using result_type = std::uint64_t;

  /// Seeds the state with four splitmix64 outputs of `seed`. O(1).
  explicit constexpr rng(std::uint64_t seed = 0x9e3779b97f4a7c15ULL) noexcept { reseed(seed); }
  /// Uses `state` verbatim. Precondition: not all zero (an all-zero state is replaced by seed 0).
  explicit constexpr rng(const std::array<std::uint64_t, 4>& state) noexcept : s_(state) {
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) reseed(0);
  }

  /// Restarts the stream from `seed` (as the seeding constructor). O(1).
  constexpr void reseed(std::uint64_t seed) noexcept {
    for (auto& w : s_) w = splitmix64(seed);
  }

  /// The smallest draw: 0.
  static constexpr result_type min() noexcept { return 0; }
  /// The largest draw: 2^64 − 1.
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// Next 64 random bits. O(1).
  constexpr result_type operator()() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Advances the stream by 2^128 calls: gives non-overlapping sub-streams for parallel runs.
  constexpr void jump() noexcept {
    constexpr std::array<std::uint64_t, 4> jump_poly{0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                                     0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
    std::array<std::uint64_t, 4> acc{};
    for (const std::uint64_t word : jump_poly) {
      for (int b = 0; b < 64; ++b) {
        if (word & (std::uint64_t{1} << b)) {
          for (int i = 0; i < 4; ++i) acc[i] ^= s_[i];
        }
        (*this)();
      }
    }
    s_ = acc;
  }

  /// The four 64-bit state words (to save or compare streams).
  constexpr const std::array<std::uint64_t, 4>& state() const noexcept { return s_; }
  friend constexpr bool operator==(const rng&, const rng&) = default;

  /// splitmix64 step (Steele, Lea & Flood 2014): advances `x` and returns the mixed value.
  static constexpr std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  std::array<std::uint64_t, 4> s_{};
};

static_assert(std::uniform_random_bit_generator<rng>);

/// A double uniform on [0, 1) with 53 random bits: (bits >> 11) * 2^-53 for a full 64-bit
/// generator, so the value is identical on every platform. Other generators are sampled for 64
/// bits by concatenating draws. O(1).
template <std::uniform_random_bit_generator G>
double uniform01(G& g) noexcept(noexcept(g())) {
  using R = typename G::result_type;
  constexpr auto lo = static_cast<std::uint64_t>(G::min());
  constexpr auto hi = static_cast<std::uint64_t>(G::max());
  std::uint64_t bits = 0;
  if constexpr (lo == 0 && hi == std::numeric_limits<std::uint64_t>::max()) {
    bits = static_cast<std::uint64_t>(g());
  } else {
    // Concatenate unbiased chunks of k bits, k = floor(log2(range + 1)): draws above the
    // largest all-ones mask are rejected, so each chunk is uniform.
    constexpr std::uint64_t range = hi - lo;  // < 2^64 - 1 here
    int k = 1;
    while (k < 63 && ((std::uint64_t{1} << (k + 1)) - 1) <= range) ++k;
    const std::uint64_t mask = (std::uint64_t{1} << k) - 1;
    for (int have = 0; have < 64; have += k) {
      std::uint64_t v = 0;
      do {
        v = static_cast<std::uint64_t>(static_cast<R>(g())) - lo;
      } while (v > mask);
      bits = (bits << k) | v;
    }
  }
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

/// A uniform index in [0, n) from one uniform01 draw (n ≥ 1): ⌊u·n⌋, clamped to n − 1 where u·n
/// rounds up to n. Picks a sample, a replica or a node. O(1).
template <std::uniform_random_bit_generator G>
std::size_t uniform_index(std::size_t n, G& g) noexcept(noexcept(g())) {
  const auto k = static_cast<std::size_t>(uniform01(g) * static_cast<double>(n));
  return k < n ? k : n - 1;
}

/// The one Exp(1) sampler of idn: −log(1 − u) with u = uniform01(g) ∈ [0, 1), so the draw is
/// finite and ≥ 0. Scale it for a rate (gap = standard_exponential(g) / rate) or a mean
/// (mean · standard_exponential(g)); every inter-arrival gap and exponential service time in the
/// library is drawn this way, so one seed gives one stream everywhere. O(1).
template <std::uniform_random_bit_generator G>
double standard_exponential(G& g) noexcept(noexcept(g())) {
  return -std::log(1.0 - uniform01(g));
}

/// The one N(0, 1) sampler of idn: Box–Muller, √(−2·log(1 − u₁))·cos(2π·u₂) from two
/// uniform01 draws taken in that order (finite for every draw). O(1).
template <std::uniform_random_bit_generator G>
double standard_normal(G& g) noexcept(noexcept(g())) {
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform01(g)));
  return radius * std::cos(6.283185307179586 * uniform01(g));
}

/// A lognormal draw with the given mean and squared coefficient of variation scv (both finite,
/// ≥ 0): mean·exp(σz − σ²/2) with σ² = log(1 + scv) and z = standard_normal(g). O(1).
template <std::uniform_random_bit_generator G>
double lognormal(G& g, double mean, double scv) noexcept(noexcept(g())) {
  const double s2 = std::log1p(scv);
  return mean * std::exp(std::sqrt(s2) * standard_normal(g) - s2 / 2);
}

}  // namespace idn
