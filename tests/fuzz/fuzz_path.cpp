// path (CoDE): a random block graph from a byte-seeded generator, with fields overwritten by
// decoded special values (capacities, background load, bandwidths, latencies, FLOPs, bytes,
// accuracies, penalties, arrival rates), built and searched. Asserts: only invalid_input escapes;
// a built graph's best path never scores NaN; branch and bound and label setting score what
// brute force scores (to 1e-9 relative; both −inf when nothing is feasible).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "fuzz_input.hpp"
#include "idn/core/random.hpp"
#include "idn/path.hpp"

namespace pa = idn::path;

namespace {
bool same(double a, double b) { return a == b || std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  idn::rng g(in.u64());
  pa::random_graph_options p;
  p.models = static_cast<std::size_t>(in.size(1, 3));
  p.blocks = static_cast<std::size_t>(in.size(1, 4));
  p.servers = static_cast<std::size_t>(in.size(1, 3));
  p.services = 1;
  p.fanout = static_cast<std::size_t>(in.size(0, 3));
  p.extra_head_prob = in.byte() / 128.0;
  p.early_exit_prob = in.byte() / 512.0;
  pa::graph_spec spec = pa::random_graph_spec(g, p);
  // Overwrite a few fields with decoded values.
  for (int k = in.size(0, 6); k > 0; --k) {
    const double v = in.real();
    switch (in.byte() % 9) {
      case 0: spec.servers[in.byte() % spec.servers.size()].capacity_flops = v; break;
      case 1: spec.servers[in.byte() % spec.servers.size()].background_flops = v; break;
      case 2: if (!spec.links.empty()) spec.links[in.byte() % spec.links.size()].bandwidth_bps = v; break;
      case 3: if (!spec.links.empty()) spec.links[in.byte() % spec.links.size()].latency_s = v; break;
      case 4: { auto& m = spec.models[in.byte() % spec.models.size()]; m.blocks[in.byte() % m.blocks.size()].flops = v; break; }
      case 5: { auto& m = spec.models[in.byte() % spec.models.size()]; m.blocks[in.byte() % m.blocks.size()].output_bytes = v; break; }
      case 6: spec.models[in.byte() % spec.models.size()].accuracy = v; break;
      case 7: if (!spec.connections.empty()) spec.connections[in.byte() % spec.connections.size()].accuracy_penalty = v; break;
      default: spec.services[0].arrival_rate = v; break;
    }
  }
  idn::fuzz::expect_clean([&] {
    const pa::block_graph bg(spec);
    const pa::interpolation_estimator est;
    pa::search_options o;
    o.rules.switch_budget = static_cast<std::size_t>(in.size(0, 3));
    o.rules.extra_heads = in.flag();
    o.rules.early_exits = in.flag();
    o.eval.policy = static_cast<pa::split_policy>(in.byte() % 2);  // max_throughput, reward_optimal
    o.eval.capacity.rho_bar = 0.9;
    const pa::product_reward<pa::exp_penalty_utility, pa::log_throughput> reward{{20, 0.9}, {}};
    o.method = pa::search_method::brute_force;
    const pa::search_result bf = pa::best_path(bg, 0, est, reward, o);
    IDN_FUZZ_ASSERT(!std::isnan(bf.best.score));
    o.method = pa::search_method::branch_and_bound;
    const pa::search_result bb = pa::best_path(bg, 0, est, reward, o);
    IDN_FUZZ_ASSERT(!std::isnan(bb.best.score) && same(bb.best.score, bf.best.score));
    if (o.eval.policy != pa::split_policy::max_throughput) {
      o.method = pa::search_method::label_setting;
      const pa::search_result ls = pa::best_path(bg, 0, est, reward, o);
      IDN_FUZZ_ASSERT(!std::isnan(ls.best.score) && same(ls.best.score, bf.best.score));
    }
  });
  return 0;
}
