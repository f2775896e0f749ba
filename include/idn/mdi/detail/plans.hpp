#pragma once
/// The pieces a task runs as (docs/mdi.md): the offline partitions of each model, placed at
/// dispatch time (pa_mdi, ms_mdi), or one fixed plan per source (ar_mdi: the proportional chain
/// split over the source's worker chain; local: everything at the source). Internal.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "idn/mdi/detail/topology.hpp"
#include "idn/mdi/scenario.hpp"
#include "idn/partition/baselines.hpp"
#include "idn/partition/chain.hpp"

namespace idn::mdi::detail {

/// Layers [first, last) of a model, at a fixed node or (node = no_node) chosen at dispatch.
struct piece {
  std::ptrdiff_t node = no_node;
  std::ptrdiff_t first = 0, last = 0;
};

/// Per model, its offline partitions as pieces placed at dispatch time. O(Σ partitions).
inline std::vector<std::vector<piece>> dispatched_pieces(const scenario& s) {
  std::vector<std::vector<piece>> out;
  for (const model_spec& m : s.models) {
    std::vector<piece> ps;
    for (std::size_t i = 0; i + 1 < m.partition_cuts.size(); ++i) ps.push_back({no_node, m.partition_cuts[i], m.partition_cuts[i + 1]});
    out.push_back(std::move(ps));
  }
  return out;
}

/// The ar_mdi worker chain of a source: scenario.chain_order rotated to start at the source (or
/// the source prepended), else breadth-first from the source.
inline std::vector<std::ptrdiff_t> worker_chain(const scenario& s, const topology& t, std::ptrdiff_t source) {
  if (s.chain_order.empty()) return t.breadth_first(source);
  std::vector<std::ptrdiff_t> order = s.chain_order;
  const auto it = std::find(order.begin(), order.end(), source);
  if (it != order.end()) std::rotate(order.begin(), it, order.end());
  else order.insert(order.begin(), source);
  return order;
}

/// The fixed plan of one source under ar_mdi or local. ar_mdi cuts by partition's
/// proportional_split over the worker chain (equal_split when it finds none), drops empty stages
/// and falls back to the whole model at the source. O(L·K).
inline std::vector<piece> fixed_plan(const scenario& s, const topology& t, policy_kind kind, const source_spec& src) {
  const model_spec& m = s.models[static_cast<std::size_t>(src.model)];
  const std::ptrdiff_t L = m.profile.flop.size();
  if (kind == policy_kind::local) return {{src.node, 0, L}};
  const std::vector<std::ptrdiff_t> chain = worker_chain(s, t, src.node);
  const auto K = static_cast<std::ptrdiff_t>(chain.size());
  Eigen::MatrixXd T(L, K);
  std::vector<hw::affine_link> links;
  for (std::ptrdiff_t k = 0; k < K; ++k) {
    T.col(k) = m.time.col(chain[static_cast<std::size_t>(k)]);
    links.push_back(t.link_or_fastest(chain[static_cast<std::size_t>(k)], k + 1 < K ? chain[static_cast<std::size_t>(k + 1)] : no_node));
  }
  const partition::chain_problem p = partition::make_chain_problem(
      m.profile, std::move(T), Eigen::VectorXd::Constant(K, INFINITY), std::span<const hw::affine_link>(links),
      std::span<const hw::affine_link>(links), links[0], partition::chain_options{partition::comm_mode::serialized, true, true});
  // The cut rule of proportional_split, kept even when the plan is infeasible.
  std::vector<std::size_t> split = partition::proportional_split(p).cuts;
  if (split.empty()) split = partition::equal_split(p).cuts;
  const std::vector<std::ptrdiff_t> cuts(split.begin(), split.end());
  std::vector<piece> plan;
  for (std::ptrdiff_t k = 0; k < K && !cuts.empty(); ++k)
    if (cuts[static_cast<std::size_t>(k)] < cuts[static_cast<std::size_t>(k + 1)])
      plan.push_back({chain[static_cast<std::size_t>(k)], cuts[static_cast<std::size_t>(k)], cuts[static_cast<std::size_t>(k + 1)]});
  if (plan.empty()) plan.push_back({src.node, 0, L});
  return plan;
}

}  // namespace idn::mdi::detail
