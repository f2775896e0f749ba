#pragma once
/// idn::invalid_input: the one exception type for bad user input (ARCHITECTURE.md, "Errors").
/// Standard library only, so that std-only modules (offload) can include it.
#include <stdexcept>
#include <string>

namespace idn {

/// Thrown when user input violates a documented precondition. The message names the field, the
/// index and the offending value, e.g. "layers[4].flop = -1".
class invalid_input : public std::invalid_argument {
public:
  explicit invalid_input(const std::string& what) : std::invalid_argument(what) {}
  explicit invalid_input(const char* what) : std::invalid_argument(what) {}
};

}  // namespace idn
