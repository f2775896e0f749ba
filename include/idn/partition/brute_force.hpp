#pragma once
/// Brute-force references (docs/partition.md): every cut vector in lexicographic order,
/// evaluated one by one. The test oracle for the DPs; usable on small instances only (at most
/// 10^7 vectors).
#include <cstdint>
#include <vector>

#include "idn/partition/chain.hpp"
#include "idn/partition/solve.hpp"

namespace idn::partition {

namespace detail {
/// C(L + K − 1, K − 1) (allow_empty) or C(L − 1, K − 1), saturating at 2^62.
inline std::uint64_t count_cut_vectors(std::size_t L, std::size_t K, bool allow_empty) {
  const std::uint64_t n = static_cast<std::uint64_t>(allow_empty ? L + K - 1 : L - 1), r = static_cast<std::uint64_t>(K - 1);
  if (!allow_empty && L < K) return 0;
  std::uint64_t c = 1;
  for (std::uint64_t t = 1; t <= r; ++t) {
    c = c * (n - r + t) / t;
    if (c > (std::uint64_t{1} << 62)) return std::uint64_t{1} << 62;
  }
  return c;
}
}  // namespace detail

/// Calls f(std::span<const index> cuts) for every cut vector (0 = b_0 ≤ … ≤ b_K = L; strictly
/// increasing without empty stages) in lexicographic order. Throws beyond 10^7 vectors.
template <chain_oracle O, class F>
void for_each_cut_vector(const O& o, bool allow_empty, F&& f) {
  const std::size_t K = o.num_workers(), L = o.num_layers();
  const std::uint64_t n = detail::count_cut_vectors(L, K, allow_empty);
  if (n > 10000000) idn::reject("partition::brute_force", "cut vectors", static_cast<double>(n), "brute force supports <= 1e7");
  if (n == 0) return;  // no empty stages and fewer layers than workers (L - (K - k) would wrap)
  std::vector<std::size_t> b(static_cast<std::size_t>(K + 1), 0);
  b[static_cast<std::size_t>(K)] = L;
  const std::size_t step = allow_empty ? 0 : 1;
  // Recursive enumeration of b_1..b_{K-1}.
  auto rec = [&](auto&& self, std::size_t k) -> void {
    if (k == K) {
      if (L - b[static_cast<std::size_t>(K - 1)] >= step) f(std::span<const std::size_t>(b));
      return;
    }
    for (std::size_t v = b[k - 1] + step; v <= L - step * (K - k); ++v) {
      b[k] = v;
      self(self, k + 1);
    }
  };
  if (K == 1) {
    if (L >= step) f(std::span<const std::size_t>(b));
    return;
  }
  rec(rec, 1);
}

namespace detail {
/// The first (lexicographically smallest) vector minimising key(result) among feasible ones.
template <chain_oracle O, class Key>
partition_result brute_best(const O& o, bool allow_empty, Key&& key) {
  partition_result best;
  double best_key = inf;
  for_each_cut_vector(o, allow_empty, [&](std::span<const std::size_t> cuts) {
    partition_result r = evaluate(o, cuts);
    if (r.status != solve_status::optimal) return;
    const double k = key(r);
    if (k < best_key) best_key = k, best = std::move(r);
  });
  return best;
}
}  // namespace detail

/// Brute-force min_bottleneck: the lexicographically smallest optimal cut vector.
template <chain_oracle O>
partition_result brute_min_bottleneck(const O& o, solve_options s = {}) {
  detail::check_solve("partition::brute_min_bottleneck", o, s);
  return detail::brute_best(o, s.allow_empty, [](const partition_result& r) { return r.bottleneck_s; });
}
/// Brute-force min_latency.
template <chain_oracle O>
partition_result brute_min_latency(const O& o, solve_options s = {}) {
  detail::check_solve("partition::brute_min_latency", o, s);
  return detail::brute_best(o, s.allow_empty, [](const partition_result& r) { return r.latency_s; });
}
/// Brute-force min_latency_bounded: latency among vectors with bottleneck ≤ B.
template <chain_oracle O>
partition_result brute_min_latency_bounded(const O& o, double B, solve_options s = {}) {
  detail::check_solve("partition::brute_min_latency_bounded", o, s);
  return detail::brute_best(o, s.allow_empty, [B](const partition_result& r) { return r.bottleneck_s <= B ? r.latency_s : inf; });
}
/// Brute-force lexicographic (bottleneck, then latency).
template <chain_oracle O>
partition_result brute_min_bottleneck_then_latency(const O& o, solve_options s = {}) {
  const partition_result b = brute_min_bottleneck(o, s);
  if (b.status != solve_status::optimal) return b;
  return brute_min_latency_bounded(o, b.bottleneck_s, s);
}

}  // namespace idn::partition
