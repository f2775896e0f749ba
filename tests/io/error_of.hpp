#pragma once
// The message of the file_error that f() throws, or "" if it throws none.
#include <string>

#include "idn/io/file_error.hpp"

namespace idn::test {

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const idn::io::file_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace idn::test
