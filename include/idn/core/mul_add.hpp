#pragma once
/// idn::mul_add(a, b, c) = a·b + c, computed so that floating-point contraction cannot make two
/// call sites of the same formula round differently. Where the target has a fused multiply-add
/// instruction (aarch64, x86-64 with -mfma or -march=native, ...) the compiler may contract
/// `a * b + c` in one inlining context and not in another; there this is one std::fma, a single
/// instruction and a single rounding. Where the target has none, the compiler cannot contract,
/// and this is the plain `a * b + c` with contraction off (std::fma would be a slow library call). Results are
/// therefore bit-identical between call sites within one build; across targets they may differ
/// in the last bit. Used wherever idn promises bit-identical results from two code paths
/// (docs/portability.md). O(1), constexpr-friendly on the non-FMA path.
#include <cmath>

namespace idn {

#if defined(FP_FAST_FMA) || defined(__FP_FAST_FMA) || defined(__FMA__) || defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
inline constexpr bool has_hardware_fma = true;
#else
inline constexpr bool has_hardware_fma = false;
#endif

/// a·b + c: fused (std::fma) where the target has FMA, unfused otherwise, never left to the
/// compiler's contraction, so every call site on a platform gets the same bits.
inline double mul_add(double a, double b, double c) noexcept {
  if constexpr (has_hardware_fma) {
    return std::fma(a, b, c);
  } else {
    // Clang turns a·b + c into llvm.fmuladd ("fuse or not") even without FMA hardware, and then
    // constant-folds it fused while the run-time code is unfused: contraction must be off here.
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
    return a * b + c;
  }
}

}  // namespace idn
