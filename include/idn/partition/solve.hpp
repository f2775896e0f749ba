#pragma once
/// Exact chain-partitioning solvers over a fixed worker order (docs/partition.md):
/// min bottleneck (backward min-max DP, lexicographically smallest optimal cuts), min latency
/// (shortest path through a layered DAG), latency under a bottleneck bound, and the
/// lexicographic bottleneck-then-latency optimum. O(K·L²) (+ O(K²·L) for latency) oracle calls;
/// with a reserved workspace the DPs allocate nothing.
#include <algorithm>
#include <vector>

#include "idn/partition/chain.hpp"

namespace idn::partition {

/// allow_empty = false: every worker gets at least one layer (requires L ≥ K).
struct solve_options {
  bool allow_empty = true;
};

namespace detail {
/// The DPs' scratch arrays (the storage of partition_workspace).
struct dp_buffers {
  std::vector<double> S, E, Lam;
  std::vector<std::size_t> argE, argLam, cuts;
  void reserve(std::size_t K, std::size_t L) {
    const std::size_t n = (K + 1) * (L + 1);
    if (S.size() < n) S.resize(n), E.resize(n), Lam.resize(n), argE.resize(n), argLam.resize(n);
    if (cuts.capacity() < K + 1) cuts.reserve(K + 1);
  }
};
struct workspace_access;
}  // namespace detail

/// Reusable scratch of the solvers: pass one to every solve (by reference) so that, once it has
/// seen the largest K and L, solving allocates nothing but the result. Not thread-safe: one
/// workspace per thread.
class partition_workspace {
public:
  /// Sizes the buffers for K workers and L layers now (the solvers also grow them on demand).
  void reserve(std::size_t K, std::size_t L) { b_.reserve(K, L); }

private:
  friend struct detail::workspace_access;
  detail::dp_buffers b_;
};

namespace detail {
struct workspace_access {
  static dp_buffers& of(partition_workspace& w) noexcept { return w.b_; }
};
}  // namespace detail

namespace detail {
template <chain_oracle O>
void check_solve(const char* where, const O& o, const solve_options& s) {
  const std::size_t K = o.num_workers(), L = o.num_layers();
  if (L < 1) idn::reject(where, "num_layers", static_cast<double>(L), "must be >= 1");
  if (K < 1) idn::reject(where, "num_workers", static_cast<double>(K), "must be >= 1");
  if (!s.allow_empty && L < K)
    idn::reject(where, "num_layers", static_cast<double>(L), concat("must be >= num_workers = ", K, " when allow_empty = false"));
}
inline dp_buffers& buffers_for(partition_workspace& ws, std::size_t K, std::size_t L) {
  dp_buffers& w = workspace_access::of(ws);
  w.reserve(K, L);
  return w;
}

/// The bottleneck DP: fills S and returns OPT = S(0, 0); cuts into w.cuts. noexcept, no allocation
/// (w reserved).
template <chain_oracle O>
double bottleneck_dp(const O& o, bool allow_empty, dp_buffers& w) noexcept {
  const std::size_t K = o.num_workers(), L = o.num_layers(), stride = L + 1;
  double* S = w.S.data();
  for (std::size_t i = 0; i <= L; ++i) S[K * stride + i] = i == L ? o.fixed_period() : inf;
  for (std::size_t k = K; k-- > 0;) {
    const std::size_t i_end = k == 0 ? 0 : L;  // worker 0 always starts at cut 0
    for (std::size_t i = 0; i <= i_end; ++i) {
      double best = inf;
      for (std::size_t j = allow_empty ? i : i + 1; j <= L; ++j) {
        const double next = S[(k + 1) * stride + j];
        if (!(next < best)) continue;  // cannot improve: max(π, next) ≥ next ≥ best
        const double v = std::max(o.period(k, i, j), next);
        if (v < best) best = v;
      }
      S[k * stride + i] = best;
    }
  }
  const double opt = S[0];
  w.cuts.clear();
  if (!(opt < inf)) return opt;
  w.cuts.push_back(0);
  std::size_t i = 0;
  for (std::size_t k = 0; k < K; ++k) {
    for (std::size_t j = allow_empty ? i : i + 1; j <= L; ++j)
      if (std::max(o.period(k, i, j), S[(k + 1) * stride + j]) <= opt) {
        i = j;
        break;
      }
    w.cuts.push_back(i);
  }
  return opt;
}

/// The latency DP over stages with period ≤ B (and < inf), skipped workers with π(i,i) ≤ B.
/// Returns the optimal Λ (inf if none) and the cuts in w.cuts. noexcept, no allocation.
/// long: the DP's fill and back-tracking share the workspace's index scheme; apart they would
/// each restate it, and the fill is the hot loop of every bounded solver.
template <chain_oracle O>
double latency_dp(const O& o, double B, bool allow_empty, dp_buffers& w) noexcept {
  const std::size_t K = o.num_workers(), L = o.num_layers(), stride = L + 1;
  const chain_options opt = options_of(o);
  const std::size_t src = opt.input_local ? 0 : endpoint, sink = opt.input_local ? 0 : endpoint;
  auto ok = [B](double x) { return x <= B && x < inf; };
  w.cuts.clear();
  if (!ok(o.fixed_period())) return inf;
  double *E = w.E.data(), *Lam = w.Lam.data();
  std::size_t *argE = w.argE.data(), *argLam = w.argLam.data();
  constexpr std::size_t none = static_cast<std::size_t>(-1), from_source = static_cast<std::size_t>(-2);
  for (std::size_t c = 0; c <= L; ++c) {
    // Λ(k, c): a stage [i, c) on worker k after arriving with cut i.
    for (std::size_t k = 0; k < K; ++k) {
      double best = inf;
      std::size_t arg = none;
      for (std::size_t i = 0; i < c; ++i) {
        const double e = E[k * stride + i];
        if (!(e < best)) continue;
        if (!ok(o.period(k, i, c))) continue;
        const double v = e + o.delay(k, i, c);
        if (v < best) best = v, arg = i;
      }
      Lam[k * stride + c] = best, argLam[k * stride + c] = arg;
    }
    if (c == L) break;
    // E(k, c): cut c arrives at worker k, from the source (c = 0) or from the stage ending at c.
    for (std::size_t k = 0; k < K; ++k) {
      double best = inf;
      std::size_t arg = none;
      if (c == 0) {
        bool skips = true;  // workers before k are skipped at cut 0
        for (std::size_t q = 0; q < k && skips; ++q) skips = ok(o.period(q, 0, 0));
        if (skips && (allow_empty || k == 0)) best = o.hop(src, k, 0), arg = from_source;
      } else {
        bool skips = true;  // workers strictly between p and k, grown as p decreases
        for (std::size_t p = k; p-- > 0 && skips;) {
          if (allow_empty || p == k - 1) {
            const double l = Lam[p * stride + c];
            if (l < inf) {
              const double v = l + o.hop(p, k, c);
              if (v < best) best = v, arg = p;
            }
          }
          if (!allow_empty) break;
          skips = ok(o.period(p, c, c));
        }
      }
      E[k * stride + c] = best, argE[k * stride + c] = arg;
    }
  }
  // Finish at worker k with the return hop; workers after k are skipped at cut L.
  double best = inf;
  std::size_t last = none;
  bool skips = true;
  for (std::size_t k = K; k-- > 0 && skips;) {
    if (allow_empty || k == K - 1) {
      const double l = Lam[k * stride + L];
      if (l < inf) {
        const double v = l + (opt.return_output ? o.hop(k, sink, L) : 0.0);
        if (v < best) best = v, last = k;
      }
    }
    if (!allow_empty) break;
    skips = ok(o.period(k, L, L));
  }
  if (last == none) return inf;
  // Backtrack: stage [i, j) on worker k, arriving from argE.
  w.cuts.assign(K + 1, none);
  std::size_t k = last, j = L;
  while (true) {
    const std::size_t i = argLam[k * stride + j];
    w.cuts[k] = i;  // provisional: first layer of worker k's stage
    const std::size_t p = argE[k * stride + i];
    if (p == from_source) break;
    k = p, j = i;
  }
  // Workers without a stage (still none) are skipped at the first layer of the next stage (or L).
  std::vector<std::size_t>& cuts = w.cuts;
  std::size_t next = L;
  cuts[static_cast<std::size_t>(K)] = L;
  for (std::size_t q = K; q-- > 0;) {
    if (cuts[q] != none) next = cuts[q];
    else cuts[q] = next;
  }
  return best;
}
}  // namespace detail

/// Minimum bottleneck P(b) = max(π_e, max_k π_k) over cut vectors (max throughput 1/P): the
/// backward DP of §4.1, returning the lexicographically smallest optimal cuts. O(K·L²); with a
/// warm workspace it allocates only the result.
template <chain_oracle O>
partition_result min_bottleneck(const O& o, solve_options s, partition_workspace& ws) {
  detail::check_solve("partition::min_bottleneck", o, s);
  detail::dp_buffers& w = detail::buffers_for(ws, o.num_workers(), o.num_layers());
  const double opt = detail::bottleneck_dp(o, s.allow_empty, w);
  if (!(opt < inf)) return {};
  return evaluate(o, std::span<const std::size_t>(w.cuts));
}
/// min_bottleneck with a workspace of its own.
template <chain_oracle O>
partition_result min_bottleneck(const O& o, solve_options s = {}) {
  partition_workspace ws;
  return min_bottleneck(o, s, ws);
}

/// Minimum latency Λ(b) among cut vectors whose stages and skipped workers have period ≤ B
/// and π_e ≤ B (§4.2). B ≥ 0 (may be +inf). O(K·L² + K²·L).
template <chain_oracle O>
partition_result min_latency_bounded(const O& o, double max_bottleneck_s, solve_options s, partition_workspace& ws) {
  detail::check_solve("partition::min_latency_bounded", o, s);
  if (std::isnan(max_bottleneck_s) || max_bottleneck_s < 0) idn::reject("partition::min_latency_bounded", "max_bottleneck_s", max_bottleneck_s, "must be >= 0 (may be +inf)");
  detail::dp_buffers& w = detail::buffers_for(ws, o.num_workers(), o.num_layers());
  const double lat = detail::latency_dp(o, max_bottleneck_s, s.allow_empty, w);
  if (!(lat < inf)) return {};
  return evaluate(o, std::span<const std::size_t>(w.cuts));
}
/// min_latency_bounded with a workspace of its own.
template <chain_oracle O>
partition_result min_latency_bounded(const O& o, double max_bottleneck_s, solve_options s = {}) {
  partition_workspace ws;
  return min_latency_bounded(o, max_bottleneck_s, s, ws);
}

/// Minimum single-request latency over all feasible cut vectors. O(K·L² + K²·L).
template <chain_oracle O>
partition_result min_latency(const O& o, solve_options s, partition_workspace& ws) {
  return min_latency_bounded(o, inf, s, ws);
}
/// min_latency with a workspace of its own.
template <chain_oracle O>
partition_result min_latency(const O& o, solve_options s = {}) {
  partition_workspace ws;
  return min_latency(o, s, ws);
}

/// The lexicographic optimum: minimum bottleneck, then minimum latency at that bottleneck.
template <chain_oracle O>
partition_result min_bottleneck_then_latency(const O& o, solve_options s, partition_workspace& ws) {
  const partition_result b = min_bottleneck(o, s, ws);
  if (b.status != solve_status::optimal) return b;
  return min_latency_bounded(o, b.bottleneck_s, s, ws);
}
/// min_bottleneck_then_latency with a workspace of its own.
template <chain_oracle O>
partition_result min_bottleneck_then_latency(const O& o, solve_options s = {}) {
  partition_workspace ws;
  return min_bottleneck_then_latency(o, s, ws);
}

}  // namespace idn::partition
