#pragma once
// Where the io tests' fixture files live (CTest runs them in tests/io).
#include <filesystem>

namespace idn::test {
inline const std::filesystem::path io_data = "data";
}  // namespace idn::test
