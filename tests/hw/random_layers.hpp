#pragma once
// Random layers spanning compute- and memory-bound regimes, for property tests.
#include <cmath>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/layer.hpp"

namespace idn::test {

inline dnn::layer random_layer(idn::rng& g, std::uint32_t index = 0) {
  dnn::layer l;
  l.name = idn::concat("l", index);
  l.index = index;
  l.kind = static_cast<dnn::layer_kind>(g() % dnn::layer_kind_count);
  l.prec = static_cast<dnn::precision>(g() % 3);
  l.flop = std::exp(idn::uniform01(g) * 25);          // 1 .. 7e10
  l.param_bytes = std::exp(idn::uniform01(g) * 18);    // 1 .. 6e7
  l.input_bytes = std::exp(idn::uniform01(g) * 16);
  l.output_bytes = std::exp(idn::uniform01(g) * 16);
  l.workspace_bytes = l.input_bytes + l.output_bytes;
  return l;
}

}  // namespace idn::test
