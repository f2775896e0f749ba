#pragma once
/// Identifier aliases of idn::alloc (docs/alloc.md).
#include <cstdint>

namespace idn::alloc {
using node_id = std::uint32_t;
using model_id = std::uint32_t;
using task_id = std::uint32_t;
using type_id = std::uint32_t;
using var_id = std::uint32_t;
}  // namespace idn::alloc
