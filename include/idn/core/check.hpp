#pragma once
/// Checked numeric validation for builders: each check throws idn::invalid_input with a message
/// "<field> = <value>: <reason>" where <field> already carries its index, e.g. "layers[4].flop".
///
/// The aggregate rule (docs/reliability.md): a builder validates not only each entry but every
/// quantity the library derives from the entries (sums, prefix sums, products, reciprocals, path
/// costs), so that a result documented as a number is never NaN or inf. The second half of this
/// header holds the helpers for it; their messages name the entry at which the aggregate left
/// the finite range.
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::check {

/// Throws invalid_input "<field> = <value>: <reason>".
[[noreturn]] inline void fail(std::string_view field, double value, std::string_view reason) {
  std::string msg(field);
  msg += " = ";
  append_number(msg, value);
  msg += ": ";
  msg += reason;
  throw invalid_input(msg);
}

/// x must be finite and >= 0, else invalid_input in the house format (core/error.hpp)
/// "idn::<where>: <name...> = <x>: must be finite and >= 0". The field name is concatenated from
/// `name` only on failure, so validating many entries allocates nothing while they are fine.
template <class... Name>
void finite_nonnegative_at(std::string_view where, double x, const Name&... name) {
  if (!std::isfinite(x) || x < 0) reject(where, concat(name...), x, "must be finite and >= 0");
}

/// x must be finite.
inline void finite(std::string_view field, double x) {
  if (!std::isfinite(x)) fail(field, x, "must be finite");
}
/// x must be finite and >= 0.
inline void finite_nonnegative(std::string_view field, double x) {
  if (!std::isfinite(x) || x < 0) fail(field, x, "must be finite and >= 0");
}
/// x must be finite and > 0.
inline void finite_positive(std::string_view field, double x) {
  if (!std::isfinite(x) || x <= 0) fail(field, x, "must be finite and > 0");
}
/// x must be > 0 (may be +inf), never NaN.
inline void positive_or_inf(std::string_view field, double x) {
  if (std::isnan(x) || x <= 0) fail(field, x, "must be > 0 (may be +inf)");
}
/// x must be >= 0 (may be +inf), never NaN.
inline void nonnegative_or_inf(std::string_view field, double x) {
  if (std::isnan(x) || x < 0) fail(field, x, "must be >= 0 (may be +inf)");
}
/// x must lie in (0, 1].
inline void unit_interval_open_closed(std::string_view field, double x) {
  if (!(x > 0 && x <= 1)) fail(field, x, "must lie in (0, 1]");
}

/// x must be finite and > 0 with a finite reciprocal 1/x (rejects subnormals below
/// 1/DBL_MAX ≈ 5.6e-309, whose reciprocal overflows). Returns 1/x.
inline double finite_reciprocal(std::string_view field, double x) {
  if (!std::isfinite(x) || x <= 0) fail(field, x, "must be finite and > 0");
  const double r = 1.0 / x;
  if (!std::isfinite(r)) fail(field, x, "is too small: its reciprocal overflows");
  return r;
}

/// The derived value x (computed by the library from the user's entries) must be finite; `field`
/// names the entry that produced it. Returns x.
inline double finite_derived(std::string_view field, double value, double derived, std::string_view what) {
  if (!std::isfinite(derived)) {
    std::string reason(what);
    reason += " = ";
    append_number(reason, derived);
    reason += ": must be finite";
    fail(field, value, reason);
  }
  return derived;
}

/// A running sum of entries that must stay finite: add() throws, naming the entry, as soon as the
/// sum overflows. O(1) per entry, no allocation unless it throws.
class finite_sum {
public:
  /// `what` names the aggregate in messages, e.g. "sum of layers[].flop".
  explicit finite_sum(std::string_view what, double start = 0) noexcept : what_(what), sum_(start) {}
  /// Adds x (the entry named `field`); throws invalid_input if the sum leaves the finite range.
  double add(std::string_view field, double x) {
    sum_ = finite_derived(field, x, sum_ + x, what_);
    return sum_;
  }
  /// The sum so far.
  double value() const noexcept { return sum_; }

private:
  std::string_view what_;
  double sum_;
};

}  // namespace idn::check
