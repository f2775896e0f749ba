// alloc: a small IDN decoded from the bytes (budgets, link latencies, sizes, delays, capacities,
// accuracies, α, ν and requests from special values), compiled, batched and run through INFIDA
// (both mirror maps), the greedy baselines and brute force. Asserts: only invalid_input escapes;
// every gain, cost and metric is finite; y ∈ [0, 1] within each node's budget; x ∈ {0, 1} within
// budget (round-down rounding); brute force ≥ greedy ≥ 0 and INFIDA's integral gain ≤ brute force.
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/alloc/baselines.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/network.hpp"

namespace al = idn::alloc;

namespace {
double entry(idn::fuzz::input& in) { return in.byte() % 5 == 0 ? in.real() : in.positive(); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  al::network net;
  std::optional<al::instance> inst;
  idn::fuzz::expect_clean([&] {
    const std::size_t V = in.size(1, 4), M = in.size(1, 4), T = in.size(1, 2);
    for (std::size_t t = 0; t < T; ++t) net.add_task("t");
    for (std::size_t m = 0; m < M; ++m) net.add_model(static_cast<al::task_id>(m % T), in.byte() % 7 == 0 ? in.real() : in.byte() / 255.0);
    for (std::size_t v = 0; v < V; ++v) net.add_node(entry(in) * 10);
    for (std::size_t v = 0; v + 1 < V; ++v) net.add_link(static_cast<al::node_id>(v), static_cast<al::node_id>(v + 1), entry(in) * 1e-3);
    for (std::size_t v = 0; v + 1 < V; ++v)
      for (std::size_t m = 0; m < M; ++m)
        if (in.flag()) net.add_option(static_cast<al::node_id>(v), static_cast<al::model_id>(m), {entry(in), entry(in) * 1e-3, in.flag() ? INFINITY : entry(in)});
    for (std::size_t m = 0; m < M; ++m) net.pin(static_cast<al::node_id>(V - 1), static_cast<al::model_id>(m), entry(in) * 1e-2);
    for (std::size_t t = 0; t < T; ++t) {
      std::vector<al::node_id> path;
      for (std::size_t v = in.size(0, V - 1); v < V; ++v) path.push_back(static_cast<al::node_id>(v));
      net.add_request_type(static_cast<al::task_id>(t), path);
    }
    inst.emplace(net.build({entry(in), in.flag() ? 1.0 : entry(in)}));
  });
  if (!inst) return 0;
  const al::instance& in_ = *inst;
  std::vector<al::batch> slots;
  for (int s = 0; s < 3; ++s)
    idn::fuzz::expect_clean([&] {
      Eigen::VectorXd r(static_cast<Eigen::Index>(in_.num_types()));
      for (auto& x : r) x = entry(in);
      slots.push_back(al::make_batch(in_, r, std::nullopt, static_cast<al::capacity_split>(in.byte() % 3)));
    });
  if (slots.empty()) return 0;
  const auto n = static_cast<Eigen::Index>(in_.num_vars());
  auto within_budget = [&](const Eigen::VectorXd& y) {
    const auto nb = in_.node_begin();
    for (std::size_t v = 0; v < in_.num_nodes(); ++v) {
      double used = 0;
      for (std::uint32_t j = nb[v]; j < nb[v + 1]; ++j) used += in_.size()[j] * y[j];
      if (!(used <= in_.budget()[static_cast<Eigen::Index>(v)] * (1 + 1e-9) + 1e-9)) return false;
    }
    return true;
  };
  double best = -1;
  idn::fuzz::expect_clean([&] {
    const al::brute_force_result o = al::brute_force(in_, slots, 12);
    IDN_FUZZ_ASSERT(std::isfinite(o.gain) && o.gain >= 0);
    best = o.gain;
  });
  idn::fuzz::expect_clean([&] {
    const al::greedy_result g = al::greedy_static(in_, slots);
    IDN_FUZZ_ASSERT(std::isfinite(g.gain) && g.gain >= 0 && within_budget(g.x));
    if (best >= 0) IDN_FUZZ_ASSERT(g.gain <= best * (1 + 1e-9) + 1e-9);
  });
  for (const auto map : {al::mirror_map::entropic, al::mirror_map::euclidean}) {
    idn::fuzz::expect_clean([&] {
      al::infida_options o;
      o.map = map;
      if (in.flag()) {
        o.step = al::step_rule::fixed;
        o.eta = in.flag() ? in.real() : in.positive() * 1e-2;
      } else {
        o.adaptive_scale = in.flag() ? in.real() : in.positive();
      }
      o.seed = in.byte();
      al::infida pol(in_, o);
      for (const al::batch& b : slots) {
        const al::slot_metrics m = pol.step(b);
        IDN_FUZZ_ASSERT(std::isfinite(m.fractional_gain) && std::isfinite(m.integral_gain) && std::isfinite(m.repository_cost));
        IDN_FUZZ_ASSERT(m.integral_gain >= -1e-9 * (1 + m.repository_cost));
        const Eigen::VectorXd& y = pol.fractional();
        const Eigen::VectorXd& x = pol.allocation();
        IDN_FUZZ_ASSERT(y.size() == n && x.size() == n && y.allFinite());
        for (Eigen::Index j = 0; j < n; ++j) IDN_FUZZ_ASSERT(y[j] >= -1e-12 && y[j] <= 1 + 1e-12 && (x[j] == 0 || x[j] == 1));
        IDN_FUZZ_ASSERT(within_budget(y) && within_budget(x));
      }
    });
  }
  return 0;
}
