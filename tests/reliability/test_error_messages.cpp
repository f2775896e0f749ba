// The house error format (ARCHITECTURE.md, "Vocabulary"; core/error.hpp):
//   idn::<module>::<function>: <field>[<i>] = <value>: <requirement>
// Each case calls a public entry point with one bad field and checks the whole shape of the
// message, the function it names and the field with its index. File readers (board files,
// measurement and profile CSVs, ONNX files) name "<file>:<line>:<col>: " instead; their own tests
// pin those messages.
#include <cmath>
#include <functional>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "error_of.hpp"
#include "idn/alloc.hpp"
#include "idn/dnn/graph_profile.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/linear_model.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/link.hpp"
#include "idn/partition.hpp"
#include "idn/path.hpp"
#include "idn/serve.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/stats.hpp"

namespace {
using idn::test::error_of;  // "" when nothing is thrown, which no regex below accepts

struct house_case {
  const char* where;  // expected "<module>::<function>"
  const char* field;  // expected field, index included
  std::function<void()> call;
};
}  // namespace

/// One task, one node with one option and one pin, one request type: the smallest alloc instance.
idn::alloc::instance tiny_instance() {
  idn::alloc::network n;
  const auto t = n.add_task("t");
  const auto m = n.add_model(t, 0.9), pinned = n.add_model(t, 0.5);
  const auto v = n.add_node(10);
  n.add_option(v, m, {1, 0.01, INFINITY});
  n.pin(v, pinned, 0.1);
  n.add_request_type(t, {v});
  return n.build();
}

TEST_CASE("house format: serve, partition, alloc, path, hw, dnn and sim name module, function, field with index, value and requirement") {
  namespace serve = idn::serve;
  namespace part = idn::partition;
  namespace alloc = idn::alloc;
  namespace path = idn::path;
  // The function may be a member ("network::add_node"); the field is the shortest prefix before
  // " = " that leaves a value without ':' and a requirement.
  const std::regex& house = idn::test::house_message_format();
  const alloc::instance in = tiny_instance();
  idn::rng rng(1);
  const path::graph_spec spec = path::random_graph_spec(rng, {});
  const std::vector<idn::hw::affine_link> links{idn::hw::affine_link(0, 1e6)};
  const std::span<const idn::hw::affine_link> span(links);
  const part::chain_profile prof{Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(3)};
  const std::vector<house_case> cases{
      {"serve::erlang_c", "a", [] { (void)serve::erlang_c(4, 4.2); }},
      {"serve::erlang_c", "c", [] { (void)serve::erlang_c(0, 1); }},
      {"serve::erlang_b", "a", [] { (void)serve::erlang_b(2, NAN); }},
      {"serve::mmc", "mu", [] { (void)serve::mmc(1, -1, 2); }},
      {"serve::mmc", "lambda / mu", [] { (void)serve::mmc(3, 1, 2); }},
      {"serve::mmc_response_quantile", "q", [] { (void)serve::mmc_response_quantile(1, 1, 2, 1.5); }},
      {"serve::weights_from_speeds", "speeds[1]", [] { (void)serve::weights_from_speeds(std::vector<double>{1, -2}, 10); }},
      {"serve::optimal_static_split", "mu[1]", [] { (void)serve::optimal_static_split(std::vector<double>{1, 0}, 0.5); }},
      {"serve::optimal_static_split", "lambda", [] { (void)serve::optimal_static_split(std::vector<double>{1, 1}, 2); }},
      {"serve::weighted_random", "weights[0]", [] { serve::weighted_random w(std::vector<double>{-1, 1}); }},
      {"serve::power_of_d", "d", [] { serve::power_of_d p(0); }},
      {"serve::simulate_balancer", "mean_service[1]",
       [] {
         serve::lb_scenario s;
         s.mean_service = {1, 0};
         (void)serve::simulate_balancer(s, serve::random_choice{});
       }},
      {"hw::affine_link", "rate", [] { idn::hw::affine_link l(0, -1); }},
      {"hw::affine_link", "latency", [] { idn::hw::affine_link l(NAN, 1e9); }},
      {"partition::make_chain_problem", "time(1,0)",
       [&] {
         Eigen::MatrixXd T = Eigen::MatrixXd::Ones(2, 1);
         T(1, 0) = -0.5;
         (void)part::make_chain_problem(prof, T, Eigen::VectorXd::Constant(1, INFINITY), span, span, links[0]);
       }},
      {"partition::make_chain_problem", "memory_bytes[0]",
       [&] { (void)part::make_chain_problem(prof, Eigen::MatrixXd::Ones(2, 1), Eigen::VectorXd::Constant(1, NAN), span, span, links[0]); }},
      {"partition::ccp_nicol", "flop[1]", [] { (void)part::ccp_nicol(std::vector<double>{1, 0.5}, std::vector<double>{1}); }},
      {"partition::ccp_probe_bisect", "speed_flops[0]", [] { (void)part::ccp_probe_bisect(std::vector<double>{1}, std::vector<double>{0}); }},
      {"partition::min_latency_bounded", "max_bottleneck_s",
       [&] {
         const auto p = part::make_chain_problem(prof, Eigen::MatrixXd::Ones(2, 1), Eigen::VectorXd::Constant(1, INFINITY), span, span, links[0]);
         (void)part::min_latency_bounded(p, -1.0);
       }},
      {"partition::evaluate", "cuts[1]",
       [&] {
         const auto p = part::make_chain_problem(prof, Eigen::MatrixXd::Ones(2, 1), Eigen::VectorXd::Constant(1, INFINITY), span, span, links[0]);
         const std::vector<std::size_t> cuts{0, 1};
         (void)part::evaluate(p, std::span<const std::size_t>(cuts));
       }},
      {"alloc::network::add_node", "budget_bytes of node 0", [] { (void)alloc::network{}.add_node(-1); }},
      {"alloc::network::add_link", "v",
       [] {
         alloc::network n;
         (void)n.add_node(1);
         n.add_link(alloc::node_id{0}, alloc::node_id{3}, 0.1);
       }},
      {"alloc::make_batch", "requests.size()", [&] { (void)alloc::make_batch(in, Eigen::VectorXd::Zero(2)); }},
      {"alloc::make_batch", "requests[0]", [&] { (void)alloc::make_batch(in, Eigen::VectorXd::Constant(1, -1)); }},
      {"alloc::dep_round", "y[1]",
       [] {
         Eigen::VectorXd x(2);
         (void)alloc::dep_round(Eigen::VectorXd::Ones(2), 1, Eigen::Vector2d(0.5, 2), Eigen::VectorXd::Zero(3), x, alloc::last_fractional::round_down);
       }},
      {"alloc::dep_round", "coins.size()",
       [] {
         Eigen::VectorXd x(2);
         (void)alloc::dep_round(Eigen::VectorXd::Ones(2), 1, Eigen::Vector2d(0.5, 0.5), Eigen::VectorXd::Zero(2), x, alloc::last_fractional::round_down);
       }},
      {"alloc::theory_step_size", "horizon", [&] { (void)alloc::theory_step_size(in, alloc::mirror_map::entropic, 0, 1); }},
      {"path::random_graph_spec", "options (models, blocks, servers, services)",
       [] {
         idn::rng g(2);
         path::random_graph_options o;
         o.servers = 0;
         (void)path::random_graph_spec(g, o);
       }},
      {"path::block_graph", "links[1].to",
       [&] {
         path::graph_spec g = spec;
         g.links[1].to = 99;
         path::block_graph bg{g};
       }},
      {"path::block_graph", "models[0].blocks[1].flops",
       [&] {
         path::graph_spec g = spec;
         g.models[0].blocks[1].flops = -1;
         path::block_graph bg{g};
       }},
      {"hw::calibrate_roofline", "samples.size()",
       [] { (void)idn::hw::calibrate_roofline(idn::hw::jetson_nano().params, std::vector<idn::hw::calibration_sample>(2)); }},
      {"hw::linear_layer_model::fit", "samples.size()", [] { (void)idn::hw::linear_layer_model::fit(std::vector<idn::hw::layer_sample>(3)); }},
      {"dnn::profile", "name", [] { idn::dnn::profile p(idn::dnn::profile_spec{}); }},
      {"dnn::profile", "m.layers[1].flop",
       [] {
         idn::dnn::profile_spec s;
         s.name = "m";
         s.layers.resize(2);
         s.layers[0].name = "a";
         s.layers[1].name = "b";
         s.layers[1].flop = -1;
         idn::dnn::profile p(s);
       }},
      {"dnn::linearize", "empty_net.nodes.size()",  // fields are named after the graph
       [] {
         idn::dnn::graph_profile g;
         g.name = "empty_net";
         (void)idn::dnn::linearize(g);
       }},
      {"sim::simulator::schedule_in", "dt", [] { idn::sim::simulator{}.schedule_in(-1, [] {}); }},
      {"sim::batch_means", "samples.size()", [] { (void)idn::sim::batch_means(std::vector<double>(3, 1.0), 4); }},
      {"path::ps_delay", "x_original",
       [&] {
         const path::block_graph bg{spec};
         (void)path::ps_delay(bg, 0, path::path_load{}, -1, 0);
       }},
  };
  int matched = 0;
  for (const house_case& c : cases) {
    const std::string m = error_of(c.call);
    CAPTURE(m);
    std::smatch g;
    REQUIRE(std::regex_match(m, g, house));
    CHECK(g[1].str() + "::" + g[2].str() == c.where);
    CHECK(g[3].str() == c.field);
    ++matched;
  }
  CHECK(matched == static_cast<int>(cases.size()));
}
