// The device-side loop of hierarchical inference (docs/offload.md E3), built with
// -fno-exceptions -fno-rtti as on a microcontroller: a static hil_n<256, 16> learns from int8
// softmax codes (TFLite-Micro quantisation) through top2_int8 + decide_bin; offloaded samples
// get the remote verdict back as feedback. Prints the policies' sizes and the message of a
// deliberately bad configure (status, not exceptions).
#include <cstdint>
#include <cstdio>

#include "idn/core/random.hpp"
#include "idn/offload.hpp"

namespace {
using namespace idn::offload;
hil_n<256, 16> learner;  // static storage: no heap anywhere
}  // namespace

int main() {
  std::printf("sizeof hil_f<256> = %zu, hil_n<256,16> = %zu, token_bucket<hil_n<64,16>> = %zu, calibration_histogram<256> = %zu\n",
              sizeof(hil_f<256>), sizeof(hil_n<256, 16>), sizeof(token_bucket<hil_n<64, 16>>), sizeof(calibration_histogram<256>));
  char msg[96];
  format(learner.configure({1.5f, 0.1f, 0.01f}), msg);
  std::printf("bad configure -> \"%s\"\n", msg);
  hil_n_options p{0.2f};
  p.horizon = 20000;
  if (!learner.configure(p)) return 1;
  idn::rng g(2024);
  std::int8_t codes[10];
  std::uint32_t offloads = 0, wrong_accepts = 0;
  for (int t = 0; t < 20000; ++t) {
    // A synthetic 10-class int8 softmax: one peak whose height sets the confidence.
    const int peak = static_cast<int>(g() % 10), height = static_cast<int>(g() % 256);
    for (int k = 0; k < 10; ++k) codes[k] = static_cast<std::int8_t>((k == peak ? height : static_cast<int>(g() % 40)) - 128);
    const top2 t2 = top2_int8(codes);
    const bool local_wrong = idn::uniform01(g) > static_cast<double>(t2.p1);  // calibrated by construction
    const decision d = learner.decide_bin(bin_of<256>(t2.p1), g);
    if (d.offload) {
      ++offloads;
      learner.feedback(d, local_wrong);  // the remote model's label says whether we would have been wrong
    } else {
      wrong_accepts += local_wrong;
    }
  }
  std::printf("20000 samples: offloaded %u (%.1f %%), wrong local accepts %u, epsilon %.4f, pending tickets %zu, dropped %llu\n",
              offloads, 100.0 * offloads / 20000, wrong_accepts, static_cast<double>(learner.epsilon()), learner.pending(),
              static_cast<unsigned long long>(learner.dropped_tickets()));
  return 0;
}
