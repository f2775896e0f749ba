#pragma once
// The message of the E (default idn::invalid_input; io tests ask for io::file_error) that f()
// throws, or "" if it throws none — for tests that check where bad input is located.
#include <regex>
#include <string>

#include "idn/core/error.hpp"

namespace idn::test {

template <class E = idn::invalid_input, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

/// The house message format, "idn::<module>::<function>: <field> = <value>: <requirement>", with
/// those five parts as groups 1-5. The field is the shortest prefix before " = " that leaves a
/// value without ':' and a requirement.
inline const std::regex& house_message_format() {
  static const std::regex re(R"(^idn::([a-z_]+)::([a-z_:]+): (.+?) = ([^:]+): (.+)$)");
  return re;
}

}  // namespace idn::test
