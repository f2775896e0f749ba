// The house error format (ARCHITECTURE.md, "Vocabulary"; core/error.hpp):
//   idn::<module>::<function>: <field>[<i>] = <value>: <requirement>
// Each case calls a public entry point with one bad field and checks the whole shape of the
// message, the function it names and the field with its index. The modules whose messages are
// free text after the prefix (alloc, path) are checked for the prefix only.
#include <cmath>
#include <functional>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "error_of.hpp"
#include "idn/alloc/network.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/link.hpp"
#include "idn/partition.hpp"
#include "idn/serve.hpp"

namespace {
using idn::test::error_of;  // "" when nothing is thrown, which no regex below accepts

struct house_case {
  const char* where;  // expected "<module>::<function>"
  const char* field;  // expected field, index included
  std::function<void()> call;
};
}  // namespace

TEST_CASE("house format: serve, partition and hw::affine_link name module, function, field with index, value and requirement") {
  namespace serve = idn::serve;
  namespace part = idn::partition;
  const std::regex house(R"(^idn::([a-z_]+)::([a-z_]+): (.+) = ([^:]+): (.+)$)");
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

TEST_CASE("house format: alloc, path, hw and dnn messages start with idn::<module>::<function>: ") {
  const std::regex prefix(R"(^idn::(alloc|path|hw|dnn)::[a-z_:]+: .+$)");
  idn::alloc::network n;
  const std::vector<std::pair<std::string, std::function<void()>>> cases{
      {"idn::alloc::network::add_node: ", [&] { (void)n.add_node(-1); }},
      {"idn::hw::calibrate_roofline: ",
       [] { (void)idn::hw::calibrate_roofline(idn::hw::jetson_nano().params, std::vector<idn::hw::calibration_sample>(2)); }},
      {"idn::dnn::profile: ", [] { idn::dnn::profile p(idn::dnn::profile_spec{}); }},
  };
  for (const auto& [start, call] : cases) {
    const std::string m = error_of(call);
    CAPTURE(m);
    CHECK(std::regex_match(m, prefix));
    CHECK(m.find(start) == 0);
  }
}
