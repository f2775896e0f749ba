#pragma once
// Random chain-partitioning instances (docs/partition.md "Generator").
#include <cmath>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/hw/link.hpp"
#include "idn/partition/chain.hpp"
#include "idn/partition/solve.hpp"

namespace idn::test {

inline double log_uniform(idn::rng& g, double lo, double hi) { return lo * std::pow(hi / lo, idn::uniform01(g)); }

struct random_chain {
  partition::chain_problem problem;
  partition::solve_options solve;
};

/// L ∈ [1, max_L], K ∈ [1, max_K]; T log-uniform on [1e-4, 1e-1] s with 10 % zeros and 10 %
/// duplicated columns; non-monotone activations log-uniform on [1e2, 1e7] B; M_k = U(0.2, 1.5)·Σw;
/// links at {1, 20, 1000} Mbit/s with 0–5 ms latency; random mode, input_local, return_output,
/// allow_empty.
inline random_chain make_random_chain(idn::rng& g, std::size_t max_L = 12, std::size_t max_K = 4) {
  const std::size_t L = 1 + static_cast<std::size_t>(g() % static_cast<std::uint64_t>(max_L));
  const std::size_t K = 1 + static_cast<std::size_t>(g() % static_cast<std::uint64_t>(max_K));
  partition::chain_profile p{Eigen::VectorXd(L), Eigen::VectorXd(L), Eigen::VectorXd(L + 1)};
  double sum_w = 0;
  for (std::size_t l = 0; l < L; ++l) {
    p.flop[l] = std::floor(log_uniform(g, 1e3, 1e9));
    p.param_bytes[l] = log_uniform(g, 1e3, 1e7);
    sum_w += p.param_bytes[l];
  }
  for (std::size_t c = 0; c <= L; ++c) p.act_bytes[c] = log_uniform(g, 1e2, 1e7);
  Eigen::MatrixXd T(L, K);
  for (std::size_t k = 0; k < K; ++k) {
    if (k > 0 && idn::uniform01(g) < 0.1) {
      T.col(k) = T.col(static_cast<std::size_t>(g() % static_cast<std::uint64_t>(k)));  // duplicated worker: ties
      continue;
    }
    for (std::size_t l = 0; l < L; ++l) T(l, k) = idn::uniform01(g) < 0.1 ? 0.0 : log_uniform(g, 1e-4, 1e-1);
  }
  Eigen::VectorXd M(K);
  for (std::size_t k = 0; k < K; ++k) M[k] = idn::uniform01(g) < 0.1 ? INFINITY : (0.2 + 1.3 * idn::uniform01(g)) * sum_w;
  const double rates[] = {1e6, 2e7, 1e9};
  std::vector<hw::affine_link> up, down;
  for (std::size_t k = 0; k < K; ++k) {
    up.emplace_back(0.005 * idn::uniform01(g), rates[g() % 3]);
    down.push_back(idn::uniform01(g) < 0.5 ? up.back() : hw::affine_link(0.005 * idn::uniform01(g), rates[g() % 3]));
  }
  const hw::affine_link e(0.005 * idn::uniform01(g), rates[g() % 3]);
  partition::chain_options o;
  o.mode = g() % 2 ? partition::comm_mode::serialized : partition::comm_mode::overlapped;
  o.input_local = g() % 2;
  o.return_output = g() % 2;
  partition::solve_options s;
  s.allow_empty = L < K ? true : (g() % 4 != 0);
  return {partition::make_chain_problem(std::move(p), std::move(T), std::move(M), std::span<const hw::affine_link>(up),
                                        std::span<const hw::affine_link>(down), e, o),
          s};
}

}  // namespace idn::test
