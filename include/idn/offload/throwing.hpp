#pragma once
/// Host convenience: turn an idn::offload status into idn's usual exception. The only offload
/// header that throws (and the only one that includes idn/core/error.hpp); never include it in
/// -fno-exceptions builds.
#include <array>

#include "idn/core/error.hpp"
#include "idn/offload/status.hpp"

namespace idn::offload {

/// Throws idn::invalid_input with format(s) as the message unless s is ok.
inline void throw_if_error(const status& s) {
  if (s) return;
  std::array<char, 256> buf{};
  format(s, buf);
  throw idn::invalid_input(buf.data());
}

}  // namespace idn::offload
