#pragma once
/// idn::invalid_input, the one exception type for bad user input, and idn::reject, the one helper
/// that throws it with the house message format (ARCHITECTURE.md, "Vocabulary"):
///
///     idn::<module>::<function>: <field>[<i>] = <value>: <requirement>
///
/// Standard library only, so that std-only modules (offload) can include it.
#include <stdexcept>
#include <string>
#include <string_view>

#include "idn/core/format.hpp"

namespace idn {

/// Thrown when user input violates a documented precondition. The message names the function,
/// the field with its index and the offending value, e.g.
/// "idn::mdi::validate: links[4].bandwidth_bps = -1: must be finite and > 0".
class invalid_input : public std::invalid_argument {
public:
  /// The exception with message `what` (use idn::reject for the house format).
  explicit invalid_input(const std::string& what) : std::invalid_argument(what) {}
  /// The exception with message `what` (use idn::reject for the house format).
  explicit invalid_input(const char* what) : std::invalid_argument(what) {}
};

/// The house message: "idn::<where>: <field> = <value>: <requirement>". `where` is
/// "<module>::<function>" (e.g. "mdi::validate"); `field` carries its index (e.g. "links[4].b");
/// the value is any number (doubles in shortest round-trip form) or text. No allocation beyond
/// the returned string.
template <class Value>
std::string invalid_input_message(std::string_view where, std::string_view field, const Value& value, std::string_view requirement) {
  std::string m = "idn::";
  m.append(where).append(": ").append(field).append(" = ").append(concat(value)).append(": ").append(requirement);
  return m;
}

#if defined(__cpp_exceptions)
/// Throws invalid_input with the house message (see invalid_input_message). Build `field` only
/// on the failure path (call reject after the check), so validating many entries allocates
/// nothing while they are fine. Absent under -fno-exceptions (offload returns statuses).
template <class Value>
[[noreturn]] void reject(std::string_view where, std::string_view field, const Value& value, std::string_view requirement) {
  throw invalid_input(invalid_input_message(where, field, value, requirement));
}
#endif

}  // namespace idn
