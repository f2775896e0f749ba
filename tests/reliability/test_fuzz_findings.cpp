// The 14 findings of the first fuzzing campaign (docs/reliability.md), each pinned with the input
// that broke the library: every one must now give a clear invalid_input / file_error naming the
// field, or a correct, finite result. The same inputs live as files in tests/fuzz/regressions/,
// replayed through the harnesses.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "npy_bytes.hpp"
#include "idn/alloc/baselines.hpp"
#include "idn/alloc/network.hpp"
#include "idn/alloc/projection.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/profile_csv.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/profile_table.hpp"
#include "idn/hw/roofline.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/npy.hpp"
#include "idn/io/traces.hpp"
#include "idn/partition/solve.hpp"
#include "idn/path/graph.hpp"
#include "idn/path/random.hpp"
#include "idn/serve/placement.hpp"
#include "idn/serve/sizing.hpp"

namespace fs = std::filesystem;

namespace {
fs::path tmp(const std::string& name) { return fs::temp_directory_path() / ("idn_test_findings_" + name); }

/// The message of the idn::invalid_input (io::file_error is one) that f() throws; FAILs if none.
template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const idn::invalid_input& e) {
    return e.what();
  }
  FAIL("no invalid_input or file_error thrown");
  return "";
}

void write_npy(const fs::path& p, const std::string& dict, const std::string& payload) {
  std::ofstream(p, std::ios::binary) << idn::test::npy_bytes(dict, payload);
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/self/fd", ec); !ec && it != fs::directory_iterator(); it.increment(ec)) ++n;
  return n;
}

idn::dnn::profile one_layer_profile(std::string layer_name, std::string profile_name = "p") {
  idn::dnn::profile_spec s;
  s.name = std::move(profile_name);
  s.input_bytes = 4;
  s.layers.push_back({std::move(layer_name), idn::dnn::layer_kind::conv, 1, 2, 0, 3, 0, 0});
  return idn::dnn::profile(std::move(s));
}
}  // namespace

TEST_CASE("finding 1: a rejected NPY header closes its file (2,000 malformed files, then a valid one)") {
  const fs::path bad = tmp("bad.npy"), good = tmp("good.npy");
  write_npy(bad, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", "short");
  write_npy(good, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0'));
  const std::size_t before = open_descriptors();
  for (int i = 0; i < 2000; ++i) CHECK_THROWS_AS(idn::io::load_npy<double>(bad), idn::io::file_error);
  CHECK(open_descriptors() == before);
  CHECK(idn::io::load_npy<double>(good).size() == 1);
  fs::remove(bad), fs::remove(good);
}

TEST_CASE("finding 2: a zero-length dimension does not disable the NPY shape-overflow check") {
  const fs::path p = tmp("zero_dim.npy");
  write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4611686018427387904), }", "");
  CHECK(message_of([&] { (void)idn::io::load_npy<double>(p); }).find("shape too large") != std::string::npos);
  CHECK(message_of([&] { (void)idn::io::load_npy_as_double(p); }).find("shape too large") != std::string::npos);
  // A zero-length array whose strides fit still loads.
  write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3, 4), }", "");
  CHECK(idn::io::load_npy<double>(p).size() == 0);
  fs::remove(p);
}

TEST_CASE("findings 3 and 14: profile CSV round trip is the identity for every name") {
  for (const std::string name : {"#conv", "# idn-profile v1", "\tconv", "conv\t", " a ", "#", "a,b", "\"q\"", "x#y", " #x"}) {
    const idn::dnn::profile p = one_layer_profile(name, name);
    std::stringstream ss;
    idn::dnn::write_profile_csv(ss, p);
    const idn::dnn::profile q = idn::dnn::read_profile_csv(ss, "mem");
    REQUIRE(q.num_layers() == 1);
    CHECK(q.layer(0).name == name);
    CHECK(q.name() == name);
  }
  // Random names over the characters that matter, 2,000 cases.
  const std::string alphabet = "#\t ,\"ab=\\";
  std::uint64_t state = 12345;
  int checked = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    std::string name;
    const int len = 1 + static_cast<int>((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 60);
    for (int i = 0; i < len; ++i) name += alphabet[((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 33) % alphabet.size()];
    std::stringstream ss;
    idn::dnn::write_profile_csv(ss, one_layer_profile(name, name));
    const idn::dnn::profile q = idn::dnn::read_profile_csv(ss, "mem");
    REQUIRE(q.layer(0).name == name);
    REQUIRE(q.name() == name);
    ++checked;
  }
  CHECK(checked == 2000);
  // Names that cannot be one CSV line are rejected when the profile is built.
  CHECK(message_of([] { (void)one_layer_profile("a\nb"); }).find("one line") != std::string::npos);
}

TEST_CASE("finding 4: partition time sums that overflow are rejected, NaN from an oracle is never 'optimal'") {
  namespace pt = idn::partition;
  Eigen::MatrixXd T(3, 2);
  T << 1, 1e308, 1, 1e308, 1e308, 1;
  pt::chain_profile prof{Eigen::VectorXd::Zero(3), Eigen::VectorXd::Zero(3), Eigen::VectorXd::Zero(4)};
  const std::vector<idn::hw::affine_link> links(2, idn::hw::affine_link(0, INFINITY));
  const std::string msg = message_of([&] {
    (void)pt::make_chain_problem(prof, T, Eigen::VectorXd::Constant(2, INFINITY), std::span<const idn::hw::affine_link>(links),
                                 std::span<const idn::hw::affine_link>(links), links[0]);
  });
  CHECK(msg.find("time(1,1)") != std::string::npos);
  CHECK(msg.find("overflows") != std::string::npos);
  // Finite sums: the optimum {0, 2, 3} at 2 s is found.
  T(1, 1) = 1e300;
  const pt::chain_problem ok = pt::make_chain_problem(prof, T, Eigen::VectorXd::Constant(2, INFINITY), std::span<const idn::hw::affine_link>(links),
                                                      std::span<const idn::hw::affine_link>(links), links[0]);
  const pt::partition_result r = pt::min_bottleneck(ok);
  REQUIRE(r.status == pt::solve_status::optimal);
  CHECK(r.cuts == std::vector<std::size_t>{0, 2, 3});
  CHECK(r.bottleneck_s == 2);
  CHECK(std::isfinite(r.latency_s));
  // A user oracle that breaks its contract with a NaN gets an error, not "optimal".
  struct nan_oracle {
    std::size_t num_layers() const noexcept { return 2; }
    std::size_t num_workers() const noexcept { return 1; }
    double period(std::size_t, std::size_t, std::size_t) const noexcept { return std::numeric_limits<double>::quiet_NaN(); }
    double delay(std::size_t, std::size_t, std::size_t) const noexcept { return 1; }
    double hop(std::size_t, std::size_t, std::size_t) const noexcept { return 0; }
    double fixed_period() const noexcept { return 0; }
  };
  const std::vector<std::size_t> cuts{0, 2};
  CHECK(message_of([&] { (void)pt::evaluate(nan_oracle{}, std::span<const std::size_t>(cuts)); }).find("NaN") != std::string::npos);
}

TEST_CASE("findings 5 and 6: sizing work is bounded and no float-to-integer cast overflows") {
  using namespace idn::serve;
  const auto start = std::chrono::steady_clock::now();
  const sizing s = min_replicas(1e15, 1, slo{10, 0.99}, 10);
  CHECK(s.limit == sizing_limit::exceeds_max_replicas);
  CHECK(s.replicas == 10);
  CHECK(s.achieved == 1.0);  // unstable at the cap: P(T > d) = 1
  CHECK(min_replicas(1e15, 1, slo{10, 0.99, true}, 10).achieved == INFINITY);
  CHECK(erlang_b(std::numeric_limits<std::uint64_t>::max(), 1.0) == 0.0);  // underflows, then stops
  CHECK(erlang_b(std::numeric_limits<std::uint64_t>::max(), 1000.0) == 0.0);
  // λ/μ ≥ 2^64: a status or a clear error, never UB.
  CHECK(min_replicas(1e30, 1, slo{10, 0.99}).limit == sizing_limit::exceeds_max_replicas);
  CHECK(min_replicas(1e30, 1, slo{10, 0.99}, std::numeric_limits<std::uint64_t>::max()).limit == sizing_limit::exceeds_max_replicas);
  CHECK(message_of([] { (void)min_replicas(1e18, 1, slo{10, 0.99}, std::numeric_limits<std::uint64_t>::max()); }).find("max_offered_load") != std::string::npos);
  CHECK(message_of([] { (void)sqrt_staffing(1e30, 1, 0.2); }).find("max_offered_load") != std::string::npos);
  const std::vector<double> service{1.0, 2.0};
  CHECK(message_of([&] { (void)size_for_mean(1e30, service, 0, 10); }).find("mean_service[0]") != std::string::npos);
  CHECK(message_of([] { (void)erlang_b(std::numeric_limits<std::uint64_t>::max(), 1e15); }).find("max_offered_load") != std::string::npos);
  // At the documented limit the work is still bounded (here: one call, 10^7 Erlangs).
  CHECK(min_replicas(max_offered_load, 1, slo{10, 0.99}, std::numeric_limits<std::uint64_t>::max()).status == idn::solve_status::optimal);
  MESSAGE("bounded sizing calls took ", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), " s");
}

TEST_CASE("finding 7: place() validates a hand-made chain with inconsistent sizes") {
  using namespace idn::serve;
  chain c;
  c.elements = {"a"};
  c.seconds = Eigen::MatrixXd::Constant(1, 1, 0.01);
  c.boundary_bytes = Eigen::VectorXd::Zero(2);
  c.weight_bytes = c.workspace_bytes = Eigen::VectorXd::Zero(1);
  c.overhead = Eigen::VectorXd::Zero(1);
  c.capacity = Eigen::VectorXd::Constant(1, INFINITY);
  c.up_seconds = c.down_seconds = c.up_serial = c.down_serial = Eigen::MatrixXd(0, 2);
  CHECK(message_of([&] { (void)place(c); }).find("replicas.size()") != std::string::npos);
  c.replicas = Eigen::VectorXd::Ones(1);
  CHECK(idn::has_answer(place(c).status));
  c.seconds(0, 0) = std::numeric_limits<double>::quiet_NaN();
  CHECK(message_of([&] { (void)place(c); }).find("seconds(0,0)") != std::string::npos);
}

TEST_CASE("findings 8 and 9: subnormal rates whose reciprocals overflow are rejected") {
  idn::hw::roofline_params p;
  p.name = "sub";
  p.peak_flops = {1e12, 1e12, 1e12};
  p.memory_bandwidth = 4.9e-324;
  CHECK(message_of([&] { idn::hw::roofline_device d(p); }).find("memory_bandwidth") != std::string::npos);
  p.memory_bandwidth = 1e9;
  p.compute_efficiency = 1e-300;
  p.peak_flops = {1e-10, 1e12, 1e12};
  CHECK(message_of([&] { idn::hw::roofline_device d(p); }).find("peak_flops[fp32]") != std::string::npos);
  CHECK(message_of([] { idn::hw::affine_link l(0, 1.23e-321); }).find("idn::hw::affine_link: rate = ") != std::string::npos);
  const idn::hw::affine_link ok(0, 1e-300);  // small but with a finite reciprocal
  CHECK(ok.transfer_time(0) == 0);
}

TEST_CASE("finding 10: profile byte counts whose sums overflow are rejected") {
  idn::dnn::profile_spec s;
  s.name = "big";
  s.layers.push_back({"l0", idn::dnn::layer_kind::conv, 1, 0, 1e308, 1e308, 0, 0});
  CHECK(message_of([&] { idn::dnn::profile p(s); }).find("layers[0].output_bytes") != std::string::npos);
  s.layers[0] = {"l0", idn::dnn::layer_kind::conv, 1e308, 0, 1, 1, 0, 0};
  s.layers.push_back({"l1", idn::dnn::layer_kind::conv, 1e308, 0, 1, 1, 0, 0});
  CHECK(message_of([&] { idn::dnn::profile p(s); }).find("layers[1].flop") != std::string::npos);
}

TEST_CASE("finding 11: alloc path costs that overflow are rejected at compile()") {
  idn::alloc::network n;
  const auto task = n.add_task("t");
  const auto m = n.add_model(task, 0.9);
  const auto a = n.add_node(1e9), b = n.add_node(1e9), c = n.add_node(1e9);
  n.add_link(a, b, 1e308);
  n.add_link(b, c, 1e308);
  n.add_option(a, m, {1e6, 0.01, INFINITY});
  n.pin(c, m, 0.1);
  n.add_request_type(task, {a, b, c});
  CHECK(message_of([&] { (void)n.build(); }).find("overflows at path[2]") != std::string::npos);
}

TEST_CASE("finding 12: serve formulas return finite numbers or a clear error") {
  using namespace idn::serve;
  CHECK(mdc_mean_wait(0, 1, 2) == 0);
  CHECK(ggc_mean_wait(0, 1, 2, 1e308, 1e308) == 0);
  CHECK(message_of([] { (void)mmc_wait_tail(0, 1e308, 2, 0); }).find("c * mu") != std::string::npos);
  CHECK(message_of([] { (void)mmc(0, 5e-324, 1); }).find("mu = 5e-324") != std::string::npos);
  CHECK(message_of([] { (void)mmc_response_tail(1e308, 1e308, 2, 1e308); }).find("c * mu") != std::string::npos);
  CHECK(message_of([] { (void)ggc_mean_wait(0, 1e308, 2, 1e308, 1e308); }).find("c * mu") != std::string::npos);
  CHECK(message_of([] { (void)min_replicas(1e308, 1e308, slo{1e308, 9.3e-10}, 42); }).find("slo.latency * mu") != std::string::npos);
  CHECK(message_of([] { (void)mmc_wait_tail(1, 2, 1, -0.0); }).find("t = -0") != std::string::npos);
  CHECK(message_of([] { (void)mmc_response_tail(1, 2, 1, -0.0); }).find("t = -0") != std::string::npos);
  // Extreme but valid scales stay finite.
  CHECK(std::isfinite(mmc_response_tail(0, 1e200, 2, 1e200)));
  CHECK(std::isfinite(mmc_response_quantile(1e-300, 1e-300 * 1.5, 1, 0.99)));
}

TEST_CASE("finding 13: arrival-trace CSV errors name the file line, comments and blank lines included") {
  const fs::path p = tmp("trace.csv");
  std::ofstream(p) << "time\n# a comment\n0.5\n\n1.0\n0.7\n";
  const std::string msg = message_of([&] { (void)idn::io::load_arrival_trace(p); });
  CHECK(msg.find(":6:") != std::string::npos);
  CHECK(msg.find("times[2] = 0.7") != std::string::npos);
  fs::remove(p);
}

// ---- Found by the fuzzers of this project (tests/fuzz/regressions/*/new*) ----

TEST_CASE("new 1-2: size_for_mean with an overflowing starting total is rejected, never feasible with NaN") {
  const std::vector<double> service{1e308};
  CHECK(message_of([&] { (void)idn::serve::size_for_mean(1.77e-307, service, 1e308, 1e308, 23); }).find("mean_service[0]") != std::string::npos);
}

TEST_CASE("new 3: the Euclidean projection stays on the budget when huge steps make breakpoints coincide") {
  const Eigen::VectorXd s = (Eigen::VectorXd(2) << 129.048, 217.431).finished();
  const double b = 218.2521875;
  int checked = 0;
  for (const double scale : {1e300, 1e307, 1e200, 1e100, 1e17}) {
    const Eigen::VectorXd yhat = (Eigen::VectorXd(2) << 0.9 * scale, 1.0 * scale).finished();
    Eigen::VectorXd y(2);
    idn::alloc::projection_workspace ws;
    idn::alloc::project_euclidean(s, b, yhat, y, ws);
    CHECK(y.minCoeff() >= 0);
    CHECK(y.maxCoeff() <= 1);
    CHECK(std::abs(s.dot(y) - b) <= 1e-12 * b);
    ++checked;
  }
  CHECK(checked == 5);
}

TEST_CASE("new 4, 6: alloc slot sums and subnormal option sizes are rejected") {
  idn::alloc::network n;
  const auto task = n.add_task("t");
  const auto m = n.add_model(task, 0.9);
  const auto a = n.add_node(1e9);
  CHECK(message_of([&] { n.add_option(a, m, {4.9e-324, 0.01, INFINITY}); }).find("1/size_bytes overflows") != std::string::npos);
  n.add_option(a, m, {1e6, 0.01, INFINITY});
  n.pin(a, n.add_model(task, 0.5), 0.1);
  n.add_request_type(task, {a});
  const idn::alloc::instance in = n.build({1e306, 1.0});
  std::vector<idn::alloc::batch> slots;
  for (int t = 0; t < 3; ++t) slots.push_back(idn::alloc::make_batch(in, Eigen::VectorXd::Constant(1, 148.0)));
  CHECK(message_of([&] { (void)idn::alloc::brute_force(in, slots); }).find("must be finite (the sum over the slots overflows)") != std::string::npos);
  CHECK(message_of([&] { (void)idn::alloc::greedy_static(in, slots); }).find("must be finite (the sum over the slots overflows)") != std::string::npos);
}

TEST_CASE("new 5: CoDE graphs whose FLOP x arrival rate overflows are rejected") {
  idn::rng g(5);
  idn::path::random_graph_options p;
  idn::path::graph_spec spec = idn::path::random_graph_spec(g, p);
  spec.models[0].blocks[0].flops = 1.7976931348623157e308;
  spec.services[0].arrival_rate = 7.11921;  // the fuzzer's instance: DBL_MAX FLOP at 7 requests/s
  CHECK(message_of([&] { idn::path::block_graph bg(spec); }).find("must be finite") != std::string::npos);
}

TEST_CASE("new 7: a measured table never returns NaN for kappa 0 times an overflowed fallback") {
  idn::hw::roofline_params rp;
  rp.name = "tiny";
  rp.peak_flops = {1e-300, 1e-300, 1e-300};
  rp.memory_bandwidth = 1e9;
  const idn::hw::roofline_device dev(rp);
  idn::dnn::profile_spec s;
  s.name = "p";
  s.layers.push_back({"a", idn::dnn::layer_kind::conv, 1, 0, 0, 0, 0, 0});
  s.layers.push_back({"b", idn::dnn::layer_kind::conv, 1e300, 0, 0, 0, 0, 1});
  const idn::dnn::profile prof(s);
  idn::hw::latency_table table;
  table.by_index.push_back({0, 0.0});  // kappa(conv) = 0 / 1e300 = 0
  const idn::hw::profile_table_device<idn::hw::roofline_device> tab(table, dev, &prof);
  CHECK(tab.latency(prof.layer(1)) == INFINITY);  // 0 x inf: inf, never NaN
}

TEST_CASE("new 8: min_replicas on the mean rejects a service rate whose mean response overflows") {
  using namespace idn::serve;
  // 1/mu = 1e308 s: the mean response at the first stable replica count exceeds DBL_MAX.
  CHECK(message_of([] { (void)min_replicas(0.5e-308, 1e-308, slo{1.7e308, 0.5, true}, 8); }).find("mean response time") != std::string::npos);
  CHECK(min_replicas(0.5, 1.0, slo{10, 0.5, true}, 8).status == idn::solve_status::optimal);
}

TEST_CASE("new 9: CoDE blocks of subnormal FLOP (infinite throughput) are rejected") {
  idn::rng g(9);
  idn::path::random_graph_options p;
  idn::path::graph_spec spec = idn::path::random_graph_spec(g, p);
  spec.models[0].blocks[0].flops = 4.9406564584124654e-324;
  CHECK(message_of([&] { idn::path::block_graph bg(spec); }).find("smallest block FLOP") != std::string::npos);
  spec.models[0].blocks[0].flops = 1e3;  // small but ordinary: accepted
  const idn::path::block_graph ok(spec);
  CHECK(ok.num_models() == static_cast<std::size_t>(spec.models.size()));
}

TEST_CASE("new 10: an empty NPY matrix with a huge extent loads at once") {
  const fs::path p = tmp("empty_huge.npy");
  write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 200000000000000416), }", "");
  const Eigen::MatrixXd m = idn::io::load_npy_matrix(p);
  CHECK(m.rows() == 0);
  CHECK(m.cols() == 200000000000000416);
  fs::remove(p);
}

TEST_CASE("new 11: a CSV whose only column name is empty survives save and load") {
  const fs::path p = tmp("empty_name.csv"), q = tmp("empty_name_again.csv");
  std::ofstream(p, std::ios::binary) << "\r\r\n\t\n4\n";
  const idn::io::csv_table t = idn::io::load_csv(p);
  REQUIRE(t.columns.size() == 1);
  CHECK(t.columns[0].empty());
  idn::io::save_csv(q, t);
  const idn::io::csv_table u = idn::io::load_csv(q);
  CHECK(u.values.shape() == t.values.shape());
  CHECK(u.values(0, 0) == 4);
  fs::remove(p), fs::remove(q);
}
