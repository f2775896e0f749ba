// idn::offload alone, as a microcontroller project links it: the standard library only, no
// exceptions, no RTTI (this target gets -fno-exceptions -fno-rtti and links idn::offload only).
#include <cstdio>

#include "idn/core/random.hpp"
#include "idn/offload.hpp"

int main() {
  static idn::offload::hil_f<256> f;
  if (!f.configure({0.3f, 0, 1000})) return 1;
  idn::rng g(1);
  int offloads = 0;
  for (int t = 0; t < 1000; ++t) {
    const float s = static_cast<float>(t % 100) / 100.f;
    const idn::offload::decision d = f.decide(s, g);
    offloads += d.offload;
    f.feedback(d, s < 0.5f);
  }
  char msg[80];
  idn::offload::format(f.configure({2.f}), msg);
  std::printf("idn::offload: hil_f<256> offloaded %d of 1000; bad configure says \"%s\"\n", offloads, msg);
  return offloads > 0 && offloads < 1000 ? 0 : 1;
}
