#pragma once
// Random request batches for the alloc tests: every type's count uniform in {0, ..., max_requests - 1}.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "idn/alloc/network.hpp"
#include "idn/core/random.hpp"

namespace idn::test {

/// `count` batches of `in`, drawn from g.
inline std::vector<alloc::batch> random_batches(idn::rng& g, const alloc::instance& in, std::size_t count, std::uint64_t max_requests) {
  std::vector<alloc::batch> out;
  for (std::size_t k = 0; k < count; ++k) {
    Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
    for (auto& v : r) v = static_cast<double>(g() % max_requests);
    out.push_back(alloc::make_batch(in, r));
  }
  return out;
}

}  // namespace idn::test
