// Cortex-M4 compile check (docs/offload.md): instantiates the learners, wrappers and
// scores with the §4 size limits, compiled with arm-none-eabi-g++ -fno-exceptions -fno-rtti.
#include <cstdint>

#include "idn/offload.hpp"

using namespace idn::offload;

static_assert(sizeof(hil_f<256>) <= 6656, "hil_f<256> must fit in 6.5 KiB");
static_assert(sizeof(hil_n<256, 32>) <= 8192, "hil_n<256,32> must fit in 8 KiB");

namespace {
// A tiny deterministic 32-bit generator (the device's own RNG in practice).
struct xorshift32 {
  using result_type = std::uint32_t;
  std::uint32_t s = 2463534242u;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xffffffffu; }
  result_type operator()() {
    s ^= s << 13, s ^= s >> 17, s ^= s << 5;
    return s;
  }
};
hil_f<256> f;
hil_n<256, 32> n;
token_bucket<hil_n<64, 16>> tb;
primal_dual<hil_f<64>> pd;
quantile_cap<threshold_rule> qc{threshold_rule{0.5f}};
calibration_histogram<256> hist;
xorshift32 g;
}  // namespace

extern "C" int idn_offload_mcu_step(const std::int8_t* codes, int classes, int local_wrong) {
  const top2 t = top2_int8(std::span<const std::int8_t>(codes, static_cast<std::size_t>(classes)));
  const std::uint32_t b = bin_of_int8(static_cast<std::int8_t>(t.p1 * 256.f - 128.f));
  const decision a = f.decide_bin(b, g), c = n.decide_bin(b, g);
  f.feedback(a, local_wrong != 0);
  if (c.offload) n.feedback(c, local_wrong != 0);
  const decision d = tb.decide(t.p1, g), e = pd.decide(t.p1, g), h = qc.decide(t.p1, g);
  (void)hist.add(b, local_wrong != 0);
  return a.offload + c.offload + d.offload + e.offload + h.offload;
}

extern "C" int idn_offload_mcu_configure() {
  int ok = static_cast<bool>(f.configure({0.3f, 0, 10000}));
  ok += static_cast<bool>(n.configure({0.3f, 0, 0, 10000}));
  ok += static_cast<bool>(tb.configure({0.2f}));
  ok += static_cast<bool>(pd.configure({0.3f, 0.2f, 0.01f}));
  ok += static_cast<bool>(qc.configure({0.2f, 0.01f}));
  char msg[96];
  format(f.configure({2.f}), msg);
  return ok + (optimal_threshold(hist, 0.3f).st ? 1 : 0) + msg[0];
}
