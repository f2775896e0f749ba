#pragma once
// How many random cases a test runs in this build.

namespace idn::test {

/// `light` under IDN_TEST_LIGHT (sanitizer and emulator runs), else `full`.
constexpr int case_count(int light, int full) {
#ifdef IDN_TEST_LIGHT
  (void)full;
  return light;
#else
  (void)light;
  return full;
#endif
}

}  // namespace idn::test
