// Partition: a chain problem decoded from the bytes (times, activations, params, memory and links
// from special values), then every solver against brute force. Asserts: only invalid_input
// escapes; a result that claims optimal has finite bottleneck and latency and equals the brute
// force's value of every objective it optimizes (to 1e-9 relative); the exact CCP solvers agree;
// replication and worker-order search match their brute forces.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/hw/link.hpp"
#include "idn/partition/brute_force.hpp"
#include "idn/partition/ccp.hpp"
#include "idn/partition/order.hpp"
#include "idn/partition/replicate.hpp"
#include "idn/partition/solve.hpp"

namespace pt = idn::partition;

namespace {
bool close(double a, double b) { return a == b || std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }
/// The objective(s) a solver optimizes: only those must match brute force (ties elsewhere are free).
enum class goal { bottleneck, latency, both };
void same(const pt::partition_result& fast, const pt::partition_result& brute, goal g) {
  IDN_FUZZ_ASSERT(fast.status == brute.status);
  if (fast.status != pt::solve_status::optimal) return;
  IDN_FUZZ_ASSERT(std::isfinite(fast.bottleneck_s) && std::isfinite(fast.latency_s) && fast.bottleneck_s >= 0);
  if (g != goal::latency) IDN_FUZZ_ASSERT(close(fast.bottleneck_s, brute.bottleneck_s));
  if (g != goal::bottleneck) IDN_FUZZ_ASSERT(close(fast.latency_s, brute.latency_s));
}
/// A value for an entry: usually ordinary, sometimes special (the bytes choose).
double entry(idn::fuzz::input& in) { return in.byte() % 4 == 0 ? in.real() : in.positive() * 1e-3; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  const std::size_t L = static_cast<std::size_t>(in.size(1, 6)), K = static_cast<std::size_t>(in.size(1, 3));
  pt::chain_profile prof{Eigen::VectorXd(L), Eigen::VectorXd(L), Eigen::VectorXd(L + 1)};
  for (std::size_t l = 0; l < L; ++l) prof.flop[l] = entry(in), prof.param_bytes[l] = entry(in) * 1e6;
  for (std::size_t c = 0; c <= L; ++c) prof.act_bytes[c] = entry(in) * 1e6;
  Eigen::MatrixXd T(L, K);
  for (std::size_t l = 0; l < L; ++l)
    for (std::size_t k = 0; k < K; ++k) T(l, k) = entry(in);
  Eigen::VectorXd mem(K);
  for (std::size_t k = 0; k < K; ++k) mem[k] = in.flag() ? INFINITY : entry(in) * 1e7;
  std::vector<idn::hw::affine_link> up, down;
  std::optional<idn::hw::affine_link> endpoint;
  pt::chain_options o;
  o.mode = in.flag() ? pt::comm_mode::overlapped : pt::comm_mode::serialized;
  o.input_local = in.flag(), o.return_output = in.flag();
  const pt::solve_options s{in.flag()};
  std::optional<pt::chain_problem> p;
  idn::fuzz::expect_clean([&] {
    auto link = [&] {  // sequenced reads: the same decoding under every compiler
      const double latency = entry(in) * 1e-2, rate = entry(in) * 1e9;
      return idn::hw::affine_link(latency, rate);
    };
    for (std::size_t k = 0; k < K; ++k) up.push_back(link()), down.push_back(link());
    endpoint.emplace(link());
    p.emplace(pt::make_chain_problem(prof, T, mem, std::span<const idn::hw::affine_link>(up), std::span<const idn::hw::affine_link>(down),
                                     *endpoint, o));
  });
  if (p) {
    idn::fuzz::expect_clean([&] {
      same(pt::min_bottleneck(*p, s), pt::brute_min_bottleneck(*p, s), goal::bottleneck);
      same(pt::min_latency(*p, s), pt::brute_min_latency(*p, s), goal::latency);
      same(pt::min_bottleneck_then_latency(*p, s), pt::brute_min_bottleneck_then_latency(*p, s), goal::both);
      const double B = entry(in);
      if (!std::isnan(B) && B >= 0) {
        const pt::partition_result r = pt::min_latency_bounded(*p, B, s);
        same(r, pt::brute_min_latency_bounded(*p, B, s), goal::latency);
        if (r.status == pt::solve_status::optimal) IDN_FUZZ_ASSERT(r.bottleneck_s <= B);
      }
    });
    idn::fuzz::expect_clean([&] {
      const auto obj = static_cast<pt::objective>(in.byte() % 3);
      pt::order_options oo;
      oo.obj = obj, oo.allow_empty = s.allow_empty;
      const goal g = obj == pt::objective::bottleneck ? goal::bottleneck : obj == pt::objective::latency ? goal::latency : goal::both;
      same(pt::search_order(*p, oo), pt::brute_search_order(*p, obj, s.allow_empty), g);
    });
    if (K == 1) {
      const auto M = static_cast<std::size_t>(in.size(1, 4));
      idn::fuzz::expect_clean([&] {
        const pt::partition_result a = pt::min_bottleneck_replicated(*p, M), b = pt::brute_replicated(*p, M);
        IDN_FUZZ_ASSERT(a.status == b.status);
        if (a.status == pt::solve_status::optimal) IDN_FUZZ_ASSERT(std::isfinite(a.latency_s) && close(a.bottleneck_s, b.bottleneck_s));
      });
      // A huge worker count is refused up front, never allocated.
      idn::fuzz::expect_clean([&] { (void)pt::min_bottleneck_replicated(*p, static_cast<std::size_t>(in.count() >> 2)); });
    }
  }
  // Exact CCP on integer work: the two exact algorithms agree bit for bit.
  std::vector<double> flop(static_cast<std::size_t>(L)), speed(static_cast<std::size_t>(K));
  for (auto& f : flop) f = in.flag() ? in.real() : std::floor(in.positive() * 1000);
  for (auto& v : speed) v = in.flag() ? in.real() : std::floor(1 + in.positive() * 10);
  idn::fuzz::expect_clean([&] {
    const pt::ccp_result a = pt::ccp_nicol(flop, speed), b = pt::ccp_probe_bisect(flop, speed);
    IDN_FUZZ_ASSERT(a.bottleneck_s == b.bottleneck_s && std::isfinite(a.bottleneck_s));
  });
  return 0;
}
