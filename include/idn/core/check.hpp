#pragma once
/// Checked numeric validation for builders: each check throws idn::invalid_input with a message
/// "<field> = <value>: <reason>" where <field> already carries its index, e.g. "layers[4].flop".
#include <cmath>
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

}  // namespace idn::check
