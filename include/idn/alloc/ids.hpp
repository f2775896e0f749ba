#pragma once
/// The ids of idn::alloc (docs/alloc.md): one strong_id type per kind of entity, so that a node
/// and a model (or a request type and a task) cannot be swapped in a call. Each converts to
/// std::size_t to index arrays; build one from a number with node_id{3}.
#include <cstdint>

#include "idn/core/strong_id.hpp"

namespace idn::alloc {
/// A node of the network (network::add_node).
using node_id = strong_id<struct node_tag>;
/// A model (network::add_model).
using model_id = strong_id<struct model_tag>;
/// An inference task (network::add_task).
using task_id = strong_id<struct task_tag>;
/// A request type: a task and the path its requests take (network::add_request_type).
using type_id = strong_id<struct type_tag>;
/// A decision variable: one (node, model) option of the compiled instance.
using var_id = strong_id<struct var_tag>;
}  // namespace idn::alloc
