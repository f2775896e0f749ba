#pragma once
// A one-node PA-MDI scenario for the mdi tests: each model is one layer of a given service time.
#include <cstddef>
#include <vector>

#include "idn/mdi/scenario.hpp"

namespace idn::test {

/// One node; each model is one layer of service time `s` seconds.
inline mdi::scenario one_node(std::vector<double> service_s, std::vector<double> rates, mdi::service_kind k, double horizon) {
  mdi::scenario s;
  s.nodes = {{"n0"}};
  for (std::size_t m = 0; m < service_s.size(); ++m) {
    s.models.push_back({"m", {Eigen::VectorXd::Constant(1, 1e9), Eigen::VectorXd::Zero(1), Eigen::VectorXd::Constant(2, 1e3)},
                        Eigen::MatrixXd::Constant(1, 1, service_s[m]), {0, 1}});
    mdi::source_spec src{0, static_cast<std::ptrdiff_t>(m), static_cast<int>(m)};
    src.rate_per_s = rates[m];
    s.sources.push_back(src);
  }
  s.num_classes = static_cast<int>(service_s.size());
  s.service = k;
  s.warmup_s = horizon * 0.1;
  s.horizon_s = horizon;
  return s;
}

}  // namespace idn::test
