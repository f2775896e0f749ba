#pragma once
/// Decodes a fuzzer's bytes into the values that break numeric code: sizes (small, and near 2^32
/// and 2^64), doubles drawn from a table of specials (NaN, ±inf, ±0, subnormals, DBL_MIN,
/// DBL_MAX, 1e308, -1, 1) or taken as raw bits, and short strings. Exhausted input yields zeros,
/// so every harness runs to completion on any byte string. Harnesses read values into named
/// locals (or braced lists) before passing them on: function arguments are evaluated in an
/// unspecified order, and a corpus must decode the same way under GCC and Clang.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "idn/core/error.hpp"

namespace idn::fuzz {

/// Aborts (a finding) with a message when `cond` is false.
#define IDN_FUZZ_ASSERT(cond)                                                                      \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "idn fuzz assertion failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

class input {
public:
  input(const std::uint8_t* data, std::size_t size) noexcept : p_(data), n_(size) {}

  std::uint8_t byte() noexcept { return i_ < n_ ? p_[i_++] : 0; }
  bool flag() noexcept { return byte() & 1; }
  std::uint64_t u64() noexcept {
    std::uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v |= std::uint64_t{byte()} << (8 * b);
    return v;
  }
  /// A count in [lo, hi] (small values most likely).
  std::size_t size(std::size_t lo, std::size_t hi) noexcept { return lo + byte() % (hi - lo + 1); }
  /// A count that may be huge: small, or near 2^32, or near 2^64.
  std::uint64_t count() noexcept {
    switch (byte() % 4) {
      case 0: return byte();
      case 1: return (std::uint64_t{1} << 32) - 2 + byte() % 4;
      case 2: return std::numeric_limits<std::uint64_t>::max() - byte() % 4;
      default: return u64();
    }
  }
  /// A double: a special value, a "nice" number, or raw bits.
  double real() noexcept {
    const std::uint8_t k = byte();
    switch (k % 24) {
      case 0: return std::numeric_limits<double>::quiet_NaN();
      case 1: return std::numeric_limits<double>::infinity();
      case 2: return -std::numeric_limits<double>::infinity();
      case 3: return 0.0;
      case 4: return -0.0;
      case 5: return std::numeric_limits<double>::denorm_min();
      case 6: return 1.23e-321;
      case 7: return std::numeric_limits<double>::min();
      case 8: return std::numeric_limits<double>::max();
      case 9: return 1e308;
      case 10: return -1.0;
      case 11: return 1.0;
      case 12: return 1e-300;
      case 13: return 9.3e-10;
      case 14: return 4294967296.0;
      case 15: return 18446744073709551616.0;
      case 16: case 17: case 18: {  // a number of ordinary size: m · 10^e, e ∈ [-9, 9]
        const double whole = byte(), frac = byte();  // one read per statement: operands of + are unsequenced
        const double m = whole + frac / 256.0;
        double s = 1;
        for (int e = byte() % 19 - 9; e != 0; e += e > 0 ? -1 : 1) s = e > 0 ? s * 10 : s / 10;
        return m * s;
      }
      default: {
        const std::uint64_t bits = u64();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
      }
    }
  }
  /// A non-negative ordinary number (for the parts of an instance the harness keeps sane).
  double positive() noexcept {
    const double whole = byte(), frac = byte();
    return 1e-3 + whole + frac / 256.0;
  }
  /// Up to max_len bytes as a string.
  std::string text(std::size_t max_len) {
    std::string s;
    const std::size_t len = size(0, max_len);
    for (std::size_t i = 0; i < len && i_ < n_; ++i) s += static_cast<char>(byte());
    return s;
  }
  /// Everything not consumed yet.
  std::string rest() {
    std::string s(reinterpret_cast<const char*>(p_ + i_), n_ - i_);
    i_ = n_;
    return s;
  }
  bool empty() const noexcept { return i_ >= n_; }

private:
  const std::uint8_t* p_;
  std::size_t n_, i_ = 0;
};

/// The inverse of `input` for the values it decodes: builds corpus files that decode to chosen
/// values (tests/fuzz/make_seeds.cpp writes the regression inputs with it).
class output {
public:
  void byte(std::uint8_t b) { s_ += static_cast<char>(b); }
  void flag(bool f) { byte(f ? 1 : 0); }
  void u64(std::uint64_t v) {
    for (int b = 0; b < 8; ++b) byte(static_cast<std::uint8_t>(v >> (8 * b)));
  }
  /// size(lo, hi) decodes to v.
  void size(std::size_t lo, std::size_t v) { byte(static_cast<std::uint8_t>(v - lo)); }
  /// count() decodes to v (the raw 8-byte branch).
  void count(std::uint64_t v) { byte(3), u64(v); }
  /// real() decodes to exactly x (the raw-bits branch).
  void real(double x) {
    byte(23);
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    u64(bits);
  }
  void text(const std::string& t) { s_ += t; }
  const std::string& bytes() const noexcept { return s_; }

private:
  std::string s_;
};

/// Runs f(); a clean rejection (idn::invalid_input, io::file_error included) is an expected
/// outcome, anything else escapes and is a finding. With IDN_FUZZ_VERBOSE set, prints each
/// rejection (to check what a regression input exercises).
template <class F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const idn::invalid_input& e) {
    static const bool verbose = std::getenv("IDN_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "rejected: %s\n", e.what());
  }
}

/// True for a value that a successful result may hold where a number is documented.
inline bool finite(double x) noexcept { return x - x == 0; }

}  // namespace idn::fuzz
