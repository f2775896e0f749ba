// partition/chain.hpp: make_chain_problem accepts std::vector, std::array and C arrays as well as
// spans, with the same problem.
#include <doctest/doctest.h>

#include <array>
#include <span>
#include <vector>

#include "idn/dnn/zoo.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/partition/chain.hpp"

using namespace idn::partition;

TEST_CASE("make_chain_problem takes std::vector, std::array and C arrays as well as spans, with the same result") {
  using idn::hw::affine_link;
  using idn::hw::roofline_device;
  const auto net = idn::dnn::mobilenet_v2();
  const std::vector<roofline_device> devs{roofline_device(idn::hw::raspberry_pi_4().params),
                                          roofline_device(idn::hw::jetson_xavier_nx().params)};
  const std::array<affine_link, 2> links{affine_link(0.002, 20e6), affine_link(0.005, 100e6)};
  const affine_link c_links[2] = {links[0], links[1]};
  const chain_problem ref = make_chain_problem(net, std::span<const roofline_device>(devs), std::span<const affine_link>(links), links[0]);
  const chain_problem from_vector = make_chain_problem(net, devs, links, links[0]);
  const chain_problem from_c_array = make_chain_problem(net, devs, c_links, links[1]);
  REQUIRE(from_vector.num_workers() == 2);
  REQUIRE(from_vector.num_layers() == ref.num_layers());
  for (std::size_t k = 0; k < 2; ++k)
    for (std::size_t c = 0; c <= ref.num_layers(); ++c) {
      CHECK(from_vector.period(k, 0, c) == ref.period(k, 0, c));
      CHECK(from_c_array.up(k, c) == ref.up(k, c));
      CHECK(from_c_array.down(k, c) == ref.down(k, c));
    }
}

