#pragma once
/// Purely relative comparison for doctest. doctest::Approx(v).epsilon(e) accepts
/// |x − v| < e·(1 + max(|x|, |v|)): for values well below 1 (latencies in seconds, probabilities)
/// that is an absolute tolerance of e and a 10 % check on 0.05 s can never fail. rel(v) sets the
/// scale to (practically) 0, so .epsilon(e) means |x − v| < e·max(|x|, |v|).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

namespace idn::test {
inline doctest::Approx rel(double v) { return doctest::Approx(v).scale(1e-300); }

/// True when a == b (also both infinite) or |a − b| <= tol·max(|a|, |b|): purely relative, for
/// comparing two solvers' optima that may differ only by rounding.
inline bool relatively_equal(double a, double b, double tol = 1e-12) {
  return a == b || std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b));
}
}  // namespace idn::test
