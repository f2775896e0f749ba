#pragma once
// The message of the E (default idn::invalid_input; io tests ask for io::file_error) that f()
// throws, or "" if it throws none — for tests that check where bad input is located.
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

}  // namespace idn::test
