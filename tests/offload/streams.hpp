#pragma once
// The labelled score streams of docs/offload.md: seven families, deterministic by seed.
#include <cstdint>
#include <vector>

#include "idn/core/random.hpp"

namespace idn::test {

enum class stream_family { calibrated, miscalibrated, drift, sorted, alternating, all_wrong, all_right };
inline constexpr stream_family all_families[] = {stream_family::calibrated, stream_family::miscalibrated, stream_family::drift,
                                                 stream_family::sorted,     stream_family::alternating,   stream_family::all_wrong,
                                                 stream_family::all_right};
/// Stream lengths are divided by this in light (sanitizer) builds.
#ifdef IDN_TEST_LIGHT
inline constexpr std::size_t light = 10;
#else
inline constexpr std::size_t light = 1;
#endif
/// β values the tests cycle through.
inline constexpr float beta_cycle[] = {0.f, 1.f / 64, 0.3f, 0.5f, 1.f};

struct labelled { float s; bool y; };  // y = local prediction wrong

/// n samples: calibrated (P(Y=1|s) = 1 − s), miscalibrated (P(Y=1|s) = (1 − s)²/2 + 0.3·1{s>0.8}),
/// drift (calibrated, then P(Y=1|s) = s after n/2), sorted (scores increasing in t, calibrated),
/// alternating (Y = t mod 2), all Y = 1, all Y = 0. Scores uniform in [0, 1).
inline std::vector<labelled> make_stream(stream_family f, std::size_t n, std::uint64_t seed) {
  idn::rng g(seed);
  std::vector<labelled> out(n);
  for (std::size_t t = 0; t < n; ++t) {
    float s = static_cast<float>(idn::uniform01(g));
    if (f == stream_family::sorted) s = static_cast<float>((static_cast<double>(t) + idn::uniform01(g)) / static_cast<double>(n));
    const double u = idn::uniform01(g);
    double p_wrong = 1.0 - s;
    if (f == stream_family::miscalibrated) p_wrong = (1.0 - s) * (1.0 - s) / 2 + (s > 0.8 ? 0.3 : 0.0);
    if (f == stream_family::drift && t >= n / 2) p_wrong = s;
    bool y = u < p_wrong;
    if (f == stream_family::alternating) y = t % 2;
    if (f == stream_family::all_wrong) y = true;
    if (f == stream_family::all_right) y = false;
    out[t] = {s, y};
  }
  return out;
}

}  // namespace idn::test
