// idn/serve/pipeline.hpp: build_chain compiles a pipeline into exactly the entries its devices,
// links and profile give (recomputed here one by one), split_model conserves work and never places
// worse, and validate names every malformed hand-built chain.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "approx.hpp"
#include "error_of.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/serve/pipeline.hpp"
#include "idn/serve/placement.hpp"

using namespace idn::serve;

namespace {
/// An opaque (non-profile) stage.
stage opaque(std::string name, stage_role role, double flop, double bytes, double output_bytes, double memory_bytes = 0) {
  stage s{std::move(name), role};
  s.flop = flop, s.bytes = bytes, s.output_bytes = output_bytes, s.memory_bytes = memory_bytes;
  return s;
}
/// A model stage given by its profile.
stage model_stage(idn::dnn::profile m) {
  stage s{"model", stage_role::model};
  s.model = std::move(m);
  return s;
}
}  // namespace

TEST_CASE("build_chain from devices and profiles; split_model never does worse; validation") {
  const idn::hw::roofline_device pi(idn::hw::raspberry_pi_4().params), nx(idn::hw::jetson_xavier_nx().params),
      t4(idn::hw::nvidia_t4().params);
  continuum cont{{{"iot", pi}, {"edge", nx}, {"cloud", t4}},
                 {idn::hw::affine_link(0.002, 20e6), idn::hw::affine_link(0.01, 100e6)}, {}};
  pipeline p{"resnet50", 150528, {}};
  p.stages = {opaque("pre", stage_role::pre, 2e7, 6e5, 602112, 1e6), model_stage(idn::dnn::resnet50()), opaque("post", stage_role::post, 1e4, 4e3, 100)};
  const chain whole = build_chain(p, cont), split = build_chain(p, cont, true);
  CHECK(whole.elements.size() == 3);
  CHECK(split.elements.size() > 10);
  CHECK(split.elements[1].rfind("model/", 0) == 0);
  for (const double lambda : {0.0, 5.0, 20.0, 60.0}) {
    placement_options o;
    o.throughput = lambda;
    const placement a = place(whole, o), b = place(split, o);
    CAPTURE(lambda);
    if (idn::has_answer(a.status)) REQUIRE((idn::has_answer(b.status) && b.latency <= a.latency * (1 + 1e-12)));
  }
  // Validation.
  pipeline bad = p;
  bad.stages[0].allowed_tiers = 0;
  CHECK_THROWS_WITH_AS(build_chain(bad, cont), doctest::Contains("idn::serve::build_chain: stages[0].allowed_tiers = 0: must select at least one of the 3 tiers"), idn::invalid_input);
  bad = p;
  bad.stages[2].flop = -1;
  CHECK_THROWS_WITH_AS(build_chain(bad, cont), doctest::Contains("stages[2].flop = -1"), idn::invalid_input);
  bad = p;
  bad.stages[0].measured = {0.1, 0.2};
  CHECK_THROWS_WITH_AS(build_chain(bad, cont), doctest::Contains("measured.size()"), idn::invalid_input);
  continuum short_links = cont;
  short_links.uplinks.pop_back();
  CHECK_THROWS_WITH_AS(build_chain(p, short_links), doctest::Contains("uplinks.size() = 1"), idn::invalid_input);
  continuum zero = cont;
  zero.tiers[1].replicas = 0;
  CHECK_THROWS_WITH_AS(build_chain(p, zero), doctest::Contains("tiers[1].replicas = 0"), idn::invalid_input);
  CHECK_THROWS_AS(build_chain(pipeline{}, cont), idn::invalid_input);
}

TEST_CASE("build_chain: every entry recomputed from the devices, links and profile; split conserves time and bytes; masks and measurements") {
  const idn::hw::roofline_device pi(idn::hw::raspberry_pi_4().params), nx(idn::hw::jetson_xavier_nx().params);
  const idn::hw::affine_link up(0.004, 30e6), down(0.003, 80e6);
  continuum cont{{{"iot", pi, 2, 1e-4}, {"edge", nx, 3, 2e-4}}, {up}, {down}};
  const stage pre = opaque("pre", stage_role::pre, 3e7, 5e5, 602112, 2e6), model = model_stage(idn::dnn::mobilenet_v2());
  stage post = opaque("post", stage_role::post, 2e4, 8e3, 64);
  post.allowed_tiers = 0b10;  // edge only
  const pipeline p{"mnv2", 150528, {pre, model, post}};
  const chain c = build_chain(p, cont);
  const idn::dnn::profile& m = *model.model;
  double params = 0, workspace = 0;
  for (const auto& l : m.layers()) params += l.param_bytes, workspace = std::max(workspace, l.workspace_bytes);
  const idn::hw::roofline_device* devs[] = {&pi, &nx};
  for (Eigen::Index k = 0; k < 2; ++k) {
    const auto& d = *devs[k];
    CHECK(c.seconds(0, k) == d.work_time(pre.flop, pre.bytes, idn::dnn::precision::fp32));
    double t = 0;
    for (const auto& l : m.layers()) t += d.latency(l);
    CHECK(c.seconds(1, k) == idn::test::rel(t).epsilon(1e-12));
    CHECK(c.capacity[k] == d.memory_bytes());
  }
  CHECK(std::isinf(c.seconds(2, 0)));  // post is not allowed on the iot tier
  CHECK(c.seconds(2, 1) == nx.work_time(post.flop, post.bytes, idn::dnn::precision::fp32));
  CHECK(c.boundary_bytes[0] == 150528);
  CHECK(c.boundary_bytes[1] == pre.output_bytes);
  CHECK(c.boundary_bytes[2] == m.layer(m.num_layers() - 1).output_bytes);
  CHECK(c.boundary_bytes[3] == 64);
  CHECK(c.weight_bytes[0] == pre.memory_bytes);
  CHECK(c.weight_bytes[1] == idn::test::rel(params).epsilon(1e-12));
  CHECK(c.workspace_bytes[1] == workspace);
  CHECK(c.replicas[1] == 3);
  CHECK(c.overhead[0] == 1e-4);
  for (Eigen::Index j = 0; j < 4; ++j) {
    CHECK(c.up_seconds(0, j) == up.transfer_time(c.boundary_bytes[j]));
    CHECK(c.down_seconds(0, j) == down.transfer_time(c.boundary_bytes[j]));
    CHECK(c.up_serial(0, j) == idn::test::rel(8 * c.boundary_bytes[j] / 30e6).epsilon(1e-9).scale(1e-12));
    CHECK(c.down_serial(0, j) == idn::test::rel(8 * c.boundary_bytes[j] / 80e6).epsilon(1e-9).scale(1e-12));
  }
  // Split: the model's units partition its layers, so times, weights and the peak workspace add up.
  const chain s = build_chain(p, cont, true);
  const Eigen::Index units = static_cast<Eigen::Index>(s.elements.size()) - 2;
  REQUIRE(units > 5);
  for (Eigen::Index k = 0; k < 2; ++k) CHECK(s.seconds.col(k).segment(1, units).sum() == idn::test::rel(c.seconds(1, k)).epsilon(1e-9));
  CHECK(s.weight_bytes.segment(1, units).sum() == idn::test::rel(params).epsilon(1e-12));
  CHECK(s.workspace_bytes.segment(1, units).maxCoeff() == workspace);
  CHECK(s.boundary_bytes[units + 1] == c.boundary_bytes[2]);
  // Measured times replace the model (and are not split).
  pipeline measured = p;
  measured.stages[1].measured = {0.5, std::numeric_limits<double>::infinity()};
  const chain ms = build_chain(measured, cont, true);
  CHECK(ms.elements.size() == 3);
  CHECK(ms.seconds(1, 0) == 0.5);
  CHECK(std::isinf(ms.seconds(1, 1)));
}

TEST_CASE("validate: a hand-built chain is checked entry by entry, naming the field") {
  chain good;
  good.elements = {"a", "b"};
  good.seconds = Eigen::MatrixXd::Constant(2, 2, 0.01);
  good.boundary_bytes = Eigen::VectorXd::Constant(3, 1e3);
  good.weight_bytes = good.workspace_bytes = Eigen::VectorXd::Constant(2, 1e6);
  good.overhead = Eigen::VectorXd::Zero(2);
  good.capacity = Eigen::VectorXd::Constant(2, INFINITY);
  good.replicas = Eigen::VectorXd::Ones(2);
  good.up_seconds = good.down_seconds = good.up_serial = good.down_serial = Eigen::MatrixXd::Constant(1, 3, 1e-3);
  CHECK_NOTHROW(validate(good));
  const struct {
    void (*mutate)(chain&);
    const char* message;
  } cases[] = {
      {[](chain& c) { c.elements.pop_back(); }, "idn::serve::validate: chain.elements.size() = 1: must be 2"},
      {[](chain& c) { c.boundary_bytes.resize(2); }, "idn::serve::validate: chain.boundary_bytes.size() = 2: must be 3"},
      {[](chain& c) { c.seconds(1, 0) = std::nan(""); }, "idn::serve::validate: chain.seconds(1,0) = nan: must be >= 0 (may be +inf: not allowed there)"},
      {[](chain& c) { c.seconds(0, 1) = 1e308, c.seconds(1, 1) = 1e308; },
       "idn::serve::validate: chain.seconds(1,1) = 1e+308: the tier's overhead plus its finite times overflows"},
      {[](chain& c) { c.replicas[1] = 0.5; }, "idn::serve::validate: chain.replicas[1] = 0.5: must be finite and >= 1"},
      {[](chain& c) { c.capacity[0] = 0; }, "idn::serve::validate: chain.capacity[0] = 0: must be > 0 (may be +inf)"},
      {[](chain& c) { c.weight_bytes[1] = -1; }, "idn::serve::validate: chain.weight_bytes[1] = -1: must be finite and >= 0"},
      {[](chain& c) { c.up_serial(0, 2) = INFINITY; }, "idn::serve::validate: chain.up_serial(0,2) = inf: must be finite and >= 0"},
      {[](chain& c) { c.down_seconds.resize(2, 3); }, "idn::serve::validate: chain.up/down_seconds/serial.rows() = 2: must be 1"},
  };
  for (const auto& c : cases) {
    chain bad = good;
    c.mutate(bad);
    CHECK(idn::test::error_of([&] { validate(bad); }) == c.message);
  }
}
