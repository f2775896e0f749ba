// idn/mdi/scenario.hpp: validate names the field of every malformed scenario.
#include <doctest/doctest.h>

#include <Eigen/Dense>

#include "idn/mdi/scenario.hpp"
#include "one_node.hpp"

using namespace idn::mdi;

TEST_CASE("scenario validation names the field") {
  scenario s = idn::test::one_node({0.01}, {10}, service_kind::deterministic, 10);
  s.nodes.push_back({"island"});
  s.models[0].time = Eigen::MatrixXd::Constant(1, 2, 0.01);
  CHECK_THROWS_WITH_AS(validate(s), "idn::mdi::validate: nodes[1] = unreachable from node 0: links must connect every node", idn::invalid_input);
  s.links = {{0, 1, 1e6}};
  CHECK_NOTHROW(validate(s));
  s.links.push_back({1, 0, 1e6});
  CHECK_THROWS_WITH_AS(validate(s), doctest::Contains("duplicate edge"), idn::invalid_input);
  s.links = {{0, 0, 1e6}};
  CHECK_THROWS_WITH_AS(validate(s), doctest::Contains("self-loop"), idn::invalid_input);
  s.links = {{0, 1, 0}};
  CHECK_THROWS_WITH_AS(validate(s), doctest::Contains("links[0].bandwidth_bps = 0"), idn::invalid_input);
  s.links = {{0, 1, 1e6}};
  s.sources[0].cls = 3;
  CHECK_THROWS_WITH_AS(validate(s), doctest::Contains("sources[0].cls = 3"), idn::invalid_input);
  s.sources[0].cls = 0;
  s.sources[0].alpha = 1.5;
  CHECK_THROWS_WITH_AS(validate(s), doctest::Contains("sources[0].alpha = 1.5"), idn::invalid_input);
  s.sources[0].alpha = 1;
  s.models[0].partition_cuts = {0, 0, 1};
  CHECK_THROWS_WITH_AS(validate(s), doctest::Contains("partition_cuts[1]"), idn::invalid_input);
  s.models[0].partition_cuts = {0, 1};
  s.horizon_s = 0.5, s.warmup_s = 1;
  CHECK_THROWS_WITH_AS(validate(s), doctest::Contains("horizon_s = 0.5"), idn::invalid_input);
}
