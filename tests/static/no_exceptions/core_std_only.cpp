// Compiled with -fno-exceptions -fno-rtti: the std-only core headers that offload/ may use.
#include "idn/core/error.hpp"
#include "idn/core/random.hpp"

[[maybe_unused]] double draw_without_exceptions() {
  idn::rng g(1);
  return idn::uniform01(g);
}
