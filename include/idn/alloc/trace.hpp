#pragma once
/// Request traces: T × num_types count matrices, Zipf generators with drift, and batches read
/// from a trace row (docs/alloc.md). Sampling uses an alias table over idn::uniform01, so
/// streams are identical on every platform; no std:: distributions are used.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"

namespace idn::alloc {

/// Row t holds slot t's request counts per type.
using trace = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// How popularity changes every `period` slots. slide: ranks rotate by `shift`; reshuffle: a fresh
/// random ranking; alternate: two independent random rankings take turns.
enum class drift { none, slide, reshuffle, alternate };
/// What a Zipf trace ranks by popularity.
enum class zipf_key { type, task };  ///< rank types, or tasks (mass split evenly over the task's types)

/// zipf_trace's knobs: the exponent, the request volume, what it ranks, drift (kind, period, shift) and the per-ingress skew.
struct zipf_options {
  double exponent = 1.2;
  double requests_per_slot = 1000;
  zipf_key key = zipf_key::type;
  drift change = drift::none;
  std::size_t period = 100;  ///< slots between drift events
  std::size_t shift = 1;     ///< slide: ranks rotate by this much
  /// Request rates per ingress node (a type's first path node): ∝ rank^-node_exponent over a
  /// seeded random ranking of the ingress nodes; 0 gives every ingress node the same rate.
  double node_exponent = 0;
  bool sample = true;        ///< multinomial counts; else expected counts
  std::uint64_t seed = 0;
};

namespace detail {

/// Vose's alias table: O(n) build, O(1) draws with two uniforms.
class alias_table {
public:
  explicit alias_table(const std::vector<double>& p) : prob_(p.size()), alias_(p.size()) {
    const std::size_t n = p.size();
    const double total = std::accumulate(p.begin(), p.end(), 0.0);
    std::vector<double> scaled(n);
    std::vector<std::size_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = p[i] * static_cast<double>(n) / total;
      (scaled[i] < 1 ? small : large).push_back(i);
    }
    while (!small.empty() && !large.empty()) {
      const std::size_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) { large.pop_back(); small.push_back(l); }
    }
    for (const std::size_t i : large) prob_[i] = 1, alias_[i] = i;
    for (const std::size_t i : small) prob_[i] = 1, alias_[i] = i;
  }
  template <class G>
  std::size_t draw(G& g) const noexcept {
    const double u = idn::uniform01(g) * static_cast<double>(prob_.size());
    std::size_t i = static_cast<std::size_t>(u);
    if (i >= prob_.size()) i = prob_.size() - 1;
    return idn::uniform01(g) < prob_[i] ? i : alias_[i];
  }

private:
  std::vector<double> prob_;
  std::vector<std::size_t> alias_;
};

/// Fisher-Yates with idn::uniform01.
template <class G>
void shuffle(std::vector<std::size_t>& v, G& g) {
  for (std::size_t i = v.size(); i > 1; --i) {
    auto j = static_cast<std::size_t>(idn::uniform01(g) * static_cast<double>(i));
    if (j >= i) j = i - 1;
    std::swap(v[i - 1], v[j]);
  }
}

}  // namespace detail

/// Zipf popularity p ∝ rank^-exponent over a seeded permutation of types (or tasks), times the
/// ingress node's rate weight, with optional drift every `period` slots; counts are multinomial
/// (sample) or expected. O(slots · (types + requests_per_slot)).
inline trace zipf_trace(const instance& in, std::size_t slots, const zipf_options& z) {
  if (slots == 0) detail::fail("zipf_trace", "slots", 0, "must be >= 1");
  if (!std::isfinite(z.exponent) || z.exponent < 0) detail::fail("zipf_trace", "exponent", z.exponent, "must be finite and >= 0");
  if (z.period == 0) detail::fail("zipf_trace", "period", 0, "must be >= 1");
  if (!std::isfinite(z.node_exponent) || z.node_exponent < 0)
    detail::fail("zipf_trace", "node_exponent", z.node_exponent, "must be finite and >= 0");
  if (!std::isfinite(z.requests_per_slot) || z.requests_per_slot < 0)
    detail::fail("zipf_trace", "requests_per_slot", z.requests_per_slot, "must be finite and >= 0");
  const std::size_t types = in.num_types();
  std::size_t tasks = 0;
  for (std::size_t t = 0; t < types; ++t) tasks = std::max<std::size_t>(tasks, in.type_task(static_cast<type_id>(t)) + 1);
  const std::size_t keys = z.key == zipf_key::type ? types : tasks;
  std::vector<std::size_t> types_of_task(tasks, 0);
  for (std::size_t t = 0; t < types; ++t) ++types_of_task[in.type_task(static_cast<type_id>(t))];
  idn::rng g(z.seed);
  std::vector<std::size_t> perm(keys);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  detail::shuffle(perm, g);
  std::vector<std::size_t> other = perm;  // alternate: the second ranking
  if (z.change == drift::alternate) detail::shuffle(other, g);
  // Ingress-node weights (drawn after the rankings, so node_exponent = 0 leaves streams unchanged).
  std::vector<double> node_w(in.num_nodes(), 1.0);
  if (z.node_exponent > 0) {
    std::vector<std::size_t> nodes(in.num_nodes());
    std::iota(nodes.begin(), nodes.end(), std::size_t{0});
    detail::shuffle(nodes, g);
    for (std::size_t r = 0; r < nodes.size(); ++r) node_w[nodes[r]] = std::pow(static_cast<double>(r + 1), -z.node_exponent);
  }
  trace out = trace::Zero(static_cast<Eigen::Index>(slots), static_cast<Eigen::Index>(types));
  std::vector<double> p(types);
  for (std::size_t t = 0; t < slots; ++t) {
    if (t > 0 && t % z.period == 0) {
      if (z.change == drift::slide) std::rotate(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(z.shift % std::max<std::size_t>(keys, 1)), perm.end());
      if (z.change == drift::reshuffle) detail::shuffle(perm, g);
      if (z.change == drift::alternate) perm.swap(other);
    }
    if (t == 0 || (z.change != drift::none && t % z.period == 0)) {
      // rank of key perm[r] is r + 1
      std::vector<double> key_p(keys);
      for (std::size_t r = 0; r < keys; ++r) key_p[perm[r]] = std::pow(static_cast<double>(r + 1), -z.exponent);
      double total = 0;
      for (std::size_t ty = 0; ty < types; ++ty) {
        const auto task = in.type_task(static_cast<type_id>(ty));
        p[ty] = (z.key == zipf_key::type ? key_p[ty] : key_p[task] / static_cast<double>(types_of_task[task])) *
                node_w[in.type_path(static_cast<type_id>(ty)).front()];
        total += p[ty];
      }
      for (auto& v : p) v /= total;
    }
    if (!z.sample) {
      for (std::size_t ty = 0; ty < types; ++ty) out(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(ty)) = z.requests_per_slot * p[ty];
      continue;
    }
    const detail::alias_table table(p);
    const auto draws = static_cast<std::uint64_t>(std::llround(z.requests_per_slot));
    for (std::uint64_t k = 0; k < draws; ++k) out(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(table.draw(g))) += 1;
  }
  return out;
}

/// Validates a T × num_types count array (e.g. read with idn::io) into a trace.
inline trace to_trace(const instance& in, const Eigen::Ref<const Eigen::MatrixXd>& counts) {
  if (static_cast<std::size_t>(counts.cols()) != in.num_types())
    detail::fail("to_trace", "counts.cols()", counts.cols(), concat("must equal num_types = ", in.num_types()));
  for (Eigen::Index t = 0; t < counts.rows(); ++t)
    for (Eigen::Index ty = 0; ty < counts.cols(); ++ty)
      if (!std::isfinite(counts(t, ty)) || counts(t, ty) < 0)
        detail::fail("to_trace", concat("counts(slot ", t, ", type ", ty, ")"), counts(t, ty), "must be finite and >= 0");
  return counts;
}

/// The batch of slot t of a trace.
inline batch make_batch(const instance& in, const trace& tr, std::size_t t, capacity_split split = capacity_split::none) {
  if (t >= static_cast<std::size_t>(tr.rows())) detail::fail("make_batch", "t", t, concat("must be < the trace length ", tr.rows()));
  return make_batch(in, Eigen::VectorXd(tr.row(static_cast<Eigen::Index>(t)).transpose()), std::nullopt, split);
}

}  // namespace idn::alloc
