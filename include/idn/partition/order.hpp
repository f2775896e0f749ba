#pragma once
/// Worker-order search (docs/partition.md): the order of heterogeneous workers along the
/// chain is free (NP-complete in general; Pinar, Tabak & Aykanat 2008). `exhaustive` tries every
/// permutation (K ≤ 8); `subset_dp` exploits that a worker's stage cost does not depend on its
/// position: bottleneck D(S, j) = min_{k∈S, i≤j} max(D(S∖{k}, i), π_k(i, j)) in O(2^K·K·L²), and
/// latency over states (S, last worker, cut) in O(2^K·K²·L²). Under input_local worker 0 stays
/// first.
#include <algorithm>
#include <numeric>
#include <vector>

#include "idn/partition/brute_force.hpp"
#include "idn/partition/chain.hpp"
#include "idn/partition/solve.hpp"

namespace idn::partition {

/// What search_order minimizes: the bottleneck, the latency, or the latency among minimum-bottleneck plans.
enum class objective { bottleneck, latency, bottleneck_then_latency };
/// How search_order searches worker orders: every permutation, or the subset DP.
enum class order_method { exhaustive, subset_dp };
/// search_order's knobs: objective, method and whether workers may stay empty.
struct order_options {
  objective obj = objective::bottleneck;
  order_method method = order_method::subset_dp;
  bool allow_empty = true;
};

namespace detail {
/// Runs the fixed-order solver of `obj` on p.
inline partition_result solve_fixed(const chain_problem& p, objective obj, bool allow_empty) {
  const solve_options s{allow_empty};
  switch (obj) {
    case objective::bottleneck: return min_bottleneck(p, s);
    case objective::latency: return min_latency(p, s);
    case objective::bottleneck_then_latency: return min_bottleneck_then_latency(p, s);
  }
  return {};
}
/// Is a better than b for the objective? (Latency comparisons tolerate 1e-12 relative noise.)
inline bool better(const partition_result& a, const partition_result& b, objective obj) {
  if (a.status != solve_status::optimal) return false;
  if (b.status != solve_status::optimal) return true;
  const auto lat_less = [](double x, double y) { return x < y - 1e-12 * std::max(std::abs(x), std::abs(y)); };
  switch (obj) {
    case objective::bottleneck: return a.bottleneck_s < b.bottleneck_s;
    case objective::latency: return lat_less(a.latency_s, b.latency_s);
    case objective::bottleneck_then_latency:
      return a.bottleneck_s < b.bottleneck_s || (a.bottleneck_s == b.bottleneck_s && lat_less(a.latency_s, b.latency_s));
  }
  return false;
}
/// The plan for `order` on p, stages relabelled with original worker ids.
inline partition_result relabel(partition_result r, const std::vector<std::size_t>& order) {
  for (stage_info& s : r.stages) s.worker = order[s.worker];
  return r;
}

/// Bottleneck subset DP: returns OPT and fills order (all K workers) and cuts.
inline double subset_bottleneck(const chain_problem& p, bool allow_empty, std::vector<std::size_t>& order, std::vector<std::size_t>& cuts) {
  const std::size_t K = p.num_workers(), L = p.num_layers(), stride = L + 1;
  const bool fix0 = p.options().input_local;
  const std::size_t full = (std::size_t{1} << K) - 1;
  std::vector<double> D((full + 1) * static_cast<std::size_t>(stride), inf);
  std::vector<std::size_t> ak(D.size(), -1), ai(D.size(), -1);
  auto at = [&](std::size_t S, std::size_t j) { return S * static_cast<std::size_t>(stride) + j; };
  if (fix0) {
    for (std::size_t j = allow_empty ? 0 : 1; j <= L; ++j) D[at(1, j)] = p.period(0, 0, j), ak[at(1, j)] = 0, ai[at(1, j)] = 0;
  } else {
    D[at(0, 0)] = 0;
  }
  for (std::size_t S = 1; S <= full; ++S) {
    if (fix0 && !(S & 1)) continue;
    if (fix0 && S == 1) continue;
    for (std::size_t j = 0; j <= L; ++j) {
      double best = inf;
      for (std::size_t k = fix0 ? 1 : 0; k < K; ++k) {
        const std::size_t bit = std::size_t{1} << k;
        if (!(S & bit)) continue;
        const std::size_t prev = S ^ bit;
        for (std::size_t i = 0; i + (allow_empty ? 0 : 1) <= j; ++i) {
          const double d = D[at(prev, i)];
          if (!(d < best)) continue;
          const double v = std::max(d, p.period(k, i, j));
          if (v < best) best = v, ak[at(S, j)] = k, ai[at(S, j)] = i;
        }
      }
      D[at(S, j)] = best;
    }
  }
  const double opt = std::max(p.fixed_period(), D[at(full, L)]);
  order.clear(), cuts.clear();
  if (!(opt < inf)) return inf;
  std::vector<std::size_t> rev_workers, rev_cuts{L};
  std::size_t S = full;
  std::size_t j = L;
  while (S != 0) {
    const std::size_t k = ak[at(S, j)], i = ai[at(S, j)];
    rev_workers.push_back(k), rev_cuts.push_back(i);
    S ^= std::size_t{1} << k, j = i;
  }
  order.assign(rev_workers.rbegin(), rev_workers.rend());
  cuts.assign(rev_cuts.rbegin(), rev_cuts.rend());
  return opt;
}

/// Latency subset DP under a bound B on every period: states (S used, last non-empty worker k,
/// cut j). Workers outside S at the end are skipped at cut L. Fills order and cuts.
/// long: the DP's table layout, its fill and its back-tracking share one index scheme; apart they
/// would each restate it.
inline double subset_latency(const chain_problem& p, double B, bool allow_empty, std::vector<std::size_t>& order, std::vector<std::size_t>& cuts) {
  const std::size_t K = p.num_workers(), L = p.num_layers(), stride = L + 1;
  const chain_options& o = p.options();
  const bool fix0 = o.input_local;
  const std::size_t src = fix0 ? 0 : endpoint, sink = fix0 ? 0 : endpoint;
  auto ok = [B](double x) { return x <= B && x < inf; };
  order.clear(), cuts.clear();
  if (!ok(p.fixed_period())) return inf;
  const std::size_t full = (std::size_t{1} << K) - 1, n = (full + 1) * (K * stride);
  struct back { std::size_t S; std::size_t k, i; };  // predecessor state and the stage's first cut
  std::vector<double> V(n, inf);
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<back> prev(n, back{0, none, none});
  auto at = [&](std::size_t S, std::size_t k, std::size_t j) { return (S * static_cast<std::size_t>(K) + k) * static_cast<std::size_t>(stride) + j; };
  // Initial stages [0, j) on worker q (under input_local: worker 0, or worker 0 skipped then q).
  for (std::size_t q = 0; q < K; ++q) {
    if (fix0 && q != 0 && !(allow_empty && ok(p.period(0, 0, 0)))) continue;
    const std::size_t S = fix0 && q != 0 ? (std::size_t{1} | (std::size_t{1} << q)) : (std::size_t{1} << q);
    for (std::size_t j = 1; j <= L; ++j) {
      if (!ok(p.period(q, 0, j))) continue;
      const double v = p.hop(src, q, 0) + p.delay(q, 0, j);
      if (v < V[at(S, q, j)]) V[at(S, q, j)] = v, prev[at(S, q, j)] = {0, none, 0};
    }
  }
  // Transitions in increasing |S| (subsets enumerate upward: S' ⊃ S means S' > S).
  for (std::size_t S = 1; S <= full; ++S)
    for (std::size_t k = 0; k < K; ++k) {
      if (!(S & (std::size_t{1} << k))) continue;
      for (std::size_t i = 1; i < L; ++i) {
        const double v0 = V[at(S, k, i)];
        if (!(v0 < inf)) continue;
        for (std::size_t q = 0; q < K; ++q) {
          const std::size_t bit = std::size_t{1} << q;
          if (S & bit) continue;
          const double h = v0 + p.hop(k, q, i);
          for (std::size_t j = i + 1; j <= L; ++j) {
            if (!ok(p.period(q, i, j))) continue;
            const double v = h + p.delay(q, i, j);
            if (v < V[at(S | bit, q, j)]) V[at(S | bit, q, j)] = v, prev[at(S | bit, q, j)] = {S, k, i};
          }
        }
      }
    }
  double best = inf;
  std::size_t bS = 0;
  std::size_t bk = -1;
  for (std::size_t S = 1; S <= full; ++S) {
    if (S != full) {  // the unused workers are skipped at L: allowed?
      if (!allow_empty) continue;
      bool skips = true;
      for (std::size_t q = 0; q < K && skips; ++q)
        if (!(S & (std::size_t{1} << q))) skips = ok(p.period(q, L, L));
      if (!skips) continue;
    }
    for (std::size_t k = 0; k < K; ++k) {
      const double v = V[at(S, k, L)];
      if (!(v < inf)) continue;
      const double total = v + (o.return_output ? p.hop(k, sink, L) : 0.0);
      if (total < best) best = total, bS = S, bk = k;
    }
  }
  if (!(best < inf)) return inf;
  // Backtrack the non-empty stages, then append the unused workers (skipped at L).
  std::vector<std::size_t> workers, firsts;
  std::size_t S = bS;
  std::size_t k = bk, j = L;
  std::size_t used = 0;
  while (true) {
    const back b = prev[at(S, k, j)];
    workers.push_back(k), firsts.push_back(b.i);
    used |= std::size_t{1} << k;
    if (b.k == none) break;
    S = b.S, j = b.i, k = b.k;
  }
  std::reverse(workers.begin(), workers.end());
  std::reverse(firsts.begin(), firsts.end());
  if (fix0 && workers.front() != 0) {  // worker 0 skipped at the start
    workers.insert(workers.begin(), 0), firsts.insert(firsts.begin(), 0);
    used |= 1;
  }
  for (std::size_t q = 0; q < K; ++q)
    if (!(used & (std::size_t{1} << q))) workers.push_back(q), firsts.push_back(L);
  order = workers;
  cuts = firsts;
  cuts.push_back(L);
  return best;
}
}  // namespace detail

/// Best worker order and cuts for the objective. stages[k].worker holds the original worker id;
/// cuts refer to positions in the chosen order. exhaustive: K ≤ 8; subset_dp: K ≤ 12.
inline partition_result search_order(const chain_problem& p, order_options opt = {}) {
  const std::size_t K = p.num_workers(), L = p.num_layers();
  if (opt.method == order_method::exhaustive && K > 8) idn::reject("partition::search_order", "num_workers", static_cast<double>(K), "exhaustive supports <= 8");
  if (opt.method == order_method::subset_dp && K > 12) idn::reject("partition::search_order", "num_workers", static_cast<double>(K), "subset_dp supports <= 12");
  if (!opt.allow_empty && L < K) idn::reject("partition::search_order", "num_layers", static_cast<double>(L), concat("must be >= num_workers = ", K, " when allow_empty = false"));
  std::vector<std::size_t> order(static_cast<std::size_t>(K));
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (opt.method == order_method::exhaustive) {
    partition_result best;
    std::vector<std::size_t> best_order;
    const auto first = order.begin() + (p.options().input_local ? 1 : 0);
    do {
      partition_result r = detail::solve_fixed(p.permuted(order), opt.obj, opt.allow_empty);
      if (detail::better(r, best, opt.obj)) best = std::move(r), best_order = order;
    } while (std::next_permutation(first, order.end()));
    return best.status == solve_status::optimal ? detail::relabel(std::move(best), best_order) : best;
  }
  std::vector<std::size_t> cuts;
  double B = inf;
  if (opt.obj != objective::latency) {
    B = detail::subset_bottleneck(p, opt.allow_empty, order, cuts);
    if (!(B < inf)) return {};
    if (opt.obj == objective::bottleneck) return detail::relabel(evaluate(p.permuted(order), std::span<const std::size_t>(cuts)), order);
  }
  if (!(detail::subset_latency(p, B, opt.allow_empty, order, cuts) < inf)) return {};
  return detail::relabel(evaluate(p.permuted(order), std::span<const std::size_t>(cuts)), order);
}

/// Brute force over permutations × cut vectors (tests; worker 0 first under input_local).
inline partition_result brute_search_order(const chain_problem& p, objective obj, bool allow_empty = true) {
  std::vector<std::size_t> order(p.num_workers());
  std::iota(order.begin(), order.end(), std::size_t{0});
  partition_result best;
  std::vector<std::size_t> best_order;
  const solve_options s{allow_empty};
  do {
    const chain_problem q = p.permuted(order);
    partition_result r = obj == objective::bottleneck ? brute_min_bottleneck(q, s)
                         : obj == objective::latency  ? brute_min_latency(q, s)
                                                      : brute_min_bottleneck_then_latency(q, s);
    if (detail::better(r, best, obj)) best = std::move(r), best_order = order;
  } while (std::next_permutation(order.begin() + (p.options().input_local ? 1 : 0), order.end()));
  return best.status == solve_status::optimal ? detail::relabel(std::move(best), best_order) : best;
}

}  // namespace idn::partition
