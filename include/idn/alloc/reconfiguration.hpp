#pragma once
/// Reconfiguration costs (docs/alloc.md): what loading a model onto a node costs, in the unit of
/// the gain, so that policies are scored on net gain = G(x^t) − Σ load costs of x^t → x^{t+1}.
/// A load costs its transfer time over the node's uplink plus its load time, priced at
/// `price` s of request cost per second of reconfiguration (for example the rate of requests
/// the option would serve, each delayed by that long).
#include <cmath>
#include <cstddef>

#include <Eigen/Dense>

#include "idn/alloc/network.hpp"
#include "idn/core/format.hpp"

namespace idn::alloc {

/// price · (size_bytes / uplink_bytes_per_s + load_s). Throws invalid_input naming the field on
/// non-finite or negative input, a zero bandwidth, or an overflowing result. O(1).
inline double load_cost_of_transfer(double size_bytes, double uplink_bytes_per_s, double load_s, double price) {
  if (!std::isfinite(size_bytes) || size_bytes < 0)
    detail::fail("load_cost_of_transfer", "size_bytes", size_bytes, "must be finite and >= 0");
  if (!(uplink_bytes_per_s > 0)) detail::fail("load_cost_of_transfer", "uplink_bytes_per_s", uplink_bytes_per_s, "must be > 0");
  if (!std::isfinite(load_s) || load_s < 0) detail::fail("load_cost_of_transfer", "load_s", load_s, "must be finite and >= 0");
  if (!std::isfinite(price) || price < 0) detail::fail("load_cost_of_transfer", "price", price, "must be finite and >= 0");
  const double c = price * (size_bytes / uplink_bytes_per_s + load_s);
  if (!std::isfinite(c)) detail::fail("load_cost_of_transfer", "price", price, "too large: price times the reconfiguration time overflows");
  return c;
}

/// Σ var_load_cost_j over the variables loaded from `before` to `after` (x_j > 0.5 counts as
/// loaded): e.g. the cost of installing a policy's initial allocation from an empty network
/// (before = 0). O(num_vars).
inline double reconfiguration_cost(const instance& in, const Eigen::Ref<const Eigen::VectorXd>& before,
                                   const Eigen::Ref<const Eigen::VectorXd>& after) {
  const auto n = static_cast<Eigen::Index>(in.num_vars());
  if (before.size() != n) detail::fail("reconfiguration_cost", "before.size()", before.size(), concat("must equal num_vars = ", n));
  if (after.size() != n) detail::fail("reconfiguration_cost", "after.size()", after.size(), concat("must equal num_vars = ", n));
  double c = 0;
  for (Eigen::Index j = 0; j < n; ++j)
    if (!(before[j] > 0.5) && after[j] > 0.5) c += in.var_load_cost()[static_cast<std::size_t>(j)];
  return c;
}

}  // namespace idn::alloc
