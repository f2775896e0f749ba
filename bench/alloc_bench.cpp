// idn_alloc_bench: projections across sizes (vs the sorted references) and one INFIDA slot on
// the 1,000-node / 90,000-type synthetic IDN against one pass over the option lists.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "idn/alloc/baselines.hpp"
#include "idn/alloc/distributed.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/alloc/trace.hpp"
#include "idn/core/random.hpp"
#include "ratio_reporter.hpp"

namespace {
using namespace idn::alloc;

struct projection_input {
  Eigen::VectorXd s, yhat_entropic, yhat_euclidean, y;
  double b = 0;
  explicit projection_input(std::size_t n) : s(static_cast<Eigen::Index>(n)), yhat_entropic(s.size()), yhat_euclidean(s.size()), y(s.size()) {
    idn::rng g(42);
    for (Eigen::Index j = 0; j < s.size(); ++j) {
      s[j] = 1e6 + 9e6 * idn::uniform01(g);
      yhat_entropic[j] = std::exp(std::log(1e-3) * (1 - idn::uniform01(g)));  // log-uniform in [1e-3, 1]
      yhat_euclidean[j] = -0.5 + 2 * idn::uniform01(g);
    }
    b = 0.1 * s.sum();
  }
};

void BM_project(benchmark::State& st, std::size_t n, bool entropic, bool sorted) {
  projection_input in(n);
  projection_workspace ws(n);
  for (auto _ : st) {
    if (entropic) {
      if (sorted) project_entropic_sorted(in.s, in.b, in.yhat_entropic, in.y);
      else project_entropic(in.s, in.b, in.yhat_entropic, in.y, ws);
    } else {
      if (sorted) project_euclidean_sorted(in.s, in.b, in.yhat_euclidean, in.y);
      else project_euclidean(in.s, in.b, in.yhat_euclidean, in.y, ws);
    }
    benchmark::DoNotOptimize(in.y.data());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(n));
}

/// Times work(k) and then reference(k) in every iteration k: counters work_s and pass_s (seconds
/// per iteration) and passes (their quotient, the work's cost in reference passes). Interleaved,
/// a load on the machine slows both alike, so the quotient holds still where a ratio of two
/// benchmarks timed apart does not (under a parallel build INFIDA's step against a separately
/// timed option pass read 4.7 to 10).
template <class Work, class Reference>
void time_against(benchmark::State& st, Work work, Reference reference) {
  double busy = 0, pass = 0;
  std::size_t k = 0;
  for (auto _ : st) {
    const auto t0 = std::chrono::steady_clock::now();
    work(k);
    const auto t1 = std::chrono::steady_clock::now();
    reference(k++);
    const auto t2 = std::chrono::steady_clock::now();
    busy += std::chrono::duration<double>(t1 - t0).count();
    pass += std::chrono::duration<double>(t2 - t1).count();
  }
  const auto it = static_cast<double>(st.iterations());
  st.counters["work_s"] = busy / it;
  st.counters["pass_s"] = pass / it;
  st.counters["passes"] = pass > 0 ? busy / pass : 0.0;
}

/// The physical reference for a projection: one streaming pass over its inputs and output,
/// y_j = min(1, c·ŷ_j) with Σ s·y accumulated (what the final pass of any exact method does).
void stream_pass(const Eigen::VectorXd& s, const Eigen::VectorXd& yhat, Eigen::VectorXd& y) {
  double used = 0;
  for (Eigen::Index j = 0; j < s.size(); ++j) {
    y[j] = std::min(1.0, 0.37 * yhat[j]);
    used += s[j] * y[j];
  }
  benchmark::DoNotOptimize(used);
  benchmark::DoNotOptimize(y.data());
}

/// `project` against one stream_pass over s, ŷ and y, time_against.
template <class Project>
void time_in_passes(benchmark::State& st, const Eigen::VectorXd& s, const Eigen::VectorXd& yhat, Eigen::VectorXd& y, Project project) {
  time_against(
      st,
      [&](std::size_t) {
        project();
        benchmark::DoNotOptimize(y.data());
      },
      [&](std::size_t) { stream_pass(s, yhat, y); });
}

/// The projection of projection_input(n) in streaming passes (time_in_passes). At 1e5 the inputs
/// fit this machine's L2, at 1e6 they do not: in passes, a scaling ratio leaves the caches out.
void BM_project_in_passes(benchmark::State& st, std::size_t n, bool entropic) {
  projection_input in(n);
  projection_workspace ws(n);
  time_in_passes(st, in.s, in.yhat_entropic, in.y, [&] {
    if (entropic) project_entropic(in.s, in.b, in.yhat_entropic, in.y, ws);
    else project_euclidean(in.s, in.b, in.yhat_euclidean, in.y, ws);
  });
}

/// An instance built from its answer, with `percent` % of the coordinates at 1: entropic y* log-
/// uniform in [1e-3, 0.95] with ŷ = y*/c* (c* = 2), the saturated ones at ŷ ≥ 1/c*; Euclidean
/// y* in [0.05, 0.95] with ŷ = y* + τ* s (τ* = 1e-7, so τ* s ∈ [0.1, 1]), the clipped ones 3
/// higher; b = Σ s y* with y* = 1 where saturated. Sizes as projection_input.
struct saturating_input {
  Eigen::VectorXd s, yhat, y;
  double b = 0;
  saturating_input(std::size_t n, bool entropic, int percent) : s(static_cast<Eigen::Index>(n)), yhat(s.size()), y(s.size()) {
    idn::rng g(43);
    for (Eigen::Index j = 0; j < s.size(); ++j) {
      s[j] = 1e6 + 9e6 * idn::uniform01(g);
      const bool at_one = idn::uniform01(g) * 100 < percent;
      const double ystar = entropic ? std::exp(std::log(1e-3) + idn::uniform01(g) * std::log(950.0)) : 0.05 + 0.9 * idn::uniform01(g);
      yhat[j] = entropic ? (at_one ? 1 + idn::uniform01(g) : ystar) / 2 : ystar + 1e-7 * s[j] + (at_one ? 3 : 0);
      b += s[j] * (at_one ? 1 : ystar);
    }
  }
};

/// saturating_input(1e6) projected, in streaming passes (time_in_passes).
void BM_project_saturating(benchmark::State& st, bool entropic, int percent) {
  saturating_input in(1000000, entropic, percent);
  projection_workspace ws(1000000);
  time_in_passes(st, in.s, in.yhat, in.y, [&] {
    if (entropic) project_entropic(in.s, in.b, in.yhat, in.y, ws);
    else project_euclidean(in.s, in.b, in.yhat, in.y, ws);
  });
}

/// stream_pass over projection_input(n), alone.
void BM_stream_pass(benchmark::State& st, std::size_t n) {
  projection_input in(n);
  for (auto _ : st) stream_pass(in.s, in.yhat_entropic, in.y);
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(n));
}

/// A synthetic tiered IDN and a ring of expected-count Zipf(1.2) batches (10 requests per type
/// per slot), built once per size.
struct idn_fixture {
  instance in;
  std::vector<batch> batches;
  idn_fixture(const synthetic_options& sp, std::size_t slots) : in(synthetic_tiered(sp).build({0.05, 1.0})) {
    zipf_options z;
    z.sample = false;
    z.requests_per_slot = 10.0 * static_cast<double>(in.num_types());
    const trace tr = zipf_trace(in, slots, z);
    for (std::size_t t = 0; t < slots; ++t) batches.push_back(make_batch(in, tr, t));
  }
};
/// The 1,000-node IDN (90,000 types, 900k options), 16 batches.
struct synthetic_fixture {
  static idn_fixture& get() {
    static idn_fixture f(synthetic_options{}, 16);
    return f;
  }
};
/// The DRAM-scale IDN: 9,100 nodes (fanout 9/10/100), 900,000 types, 9·10⁶ options (~180 MB of
/// option arrays, far beyond any last-level cache), two batches; built once (≈ 5 s, 640 MB).
struct dram_fixture {
  static idn_fixture& get() {
    synthetic_options sp;
    sp.fanout = {9, 10, 100};
    static idn_fixture f(sp, 2);
    return f;
  }
};

void set_counters(benchmark::State& st, const instance& in) {
  st.counters["types"] = static_cast<double>(in.num_types());
  st.counters["entries"] = static_cast<double>(in.num_entries());
  st.counters["vars"] = static_cast<double>(in.num_vars());
}

void BM_alloc_supergradient(benchmark::State& st) {
  auto& f = synthetic_fixture::get();
  const Eigen::VectorXd y = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(f.in.num_vars()), 0.5);
  Eigen::VectorXd g;
  std::size_t k = 0;
  for (auto _ : st) benchmark::DoNotOptimize(supergradient(f.in, y, f.batches[k++ % f.batches.size()], g));
  set_counters(st, f.in);
}

/// One pass over the option lists, the physical bound of an INFIDA slot: Σ C·l̃·y over every
/// entry of batch k (y gathered per entry, as the slot's scan does).
double option_pass(const idn_fixture& f, const Eigen::VectorXd& y, std::size_t k) {
  const batch& b = f.batches[k % f.batches.size()];
  const auto ev = f.in.entry_var();
  const auto ec = f.in.entry_cost();
  const double* cap = b.capacity().data();
  double total = 0;
  for (std::size_t e = 0; e < f.in.num_entries(); ++e) total += ec[e] * cap[e] * y[ev[e]];
  return total;
}

template <class Fixture>
void BM_alloc_option_pass_of(benchmark::State& st) {
  auto& f = Fixture::get();
  const Eigen::VectorXd y = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(f.in.num_vars()), 0.5);
  std::size_t k = 0;
  for (auto _ : st) benchmark::DoNotOptimize(option_pass(f, y, k++));
  set_counters(st, f.in);
}

/// work(k) against one option pass over batch k, time_against.
template <class Work>
void time_in_option_passes(benchmark::State& st, const idn_fixture& f, Work work) {
  const Eigen::VectorXd y = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(f.in.num_vars()), 0.5);
  time_against(st, work, [&](std::size_t k) { benchmark::DoNotOptimize(option_pass(f, y, k)); });
  set_counters(st, f.in);
}

/// INFIDA's fused scan alone (L(y), g, G(x), C(ω)) at a fractional y and a 0/1 x, in option passes.
void BM_alloc_slot_scan(benchmark::State& st) {
  auto& f = synthetic_fixture::get();
  const auto n = static_cast<Eigen::Index>(f.in.num_vars());
  infida policy(f.in, infida_options{});
  const Eigen::VectorXd y = policy.fractional(), x = policy.allocation();
  Eigen::VectorXd g(n);
  std::vector<std::uint8_t> loaded(f.in.num_vars());
  time_in_option_passes(st, f, [&](std::size_t k) {
    benchmark::DoNotOptimize(detail::slot_scan_unchecked(f.in, y.data(), x.data(), f.batches[k % f.batches.size()], g.data(), loaded.data()));
  });
}

/// One INFIDA slot, in option passes.
template <class Fixture>
void BM_alloc_infida_step(benchmark::State& st, mirror_map map, step_rule rule, rounding_method method) {
  auto& f = Fixture::get();
  infida_options o;
  o.map = map;
  o.step = rule;
  if (rule == step_rule::fixed) o.eta = theory_step_size(f.in, map, 1000, 10.0 * 8).eta;
  o.rounding.method = method;
  infida policy(f.in, o);
  time_in_option_passes(st, f, [&](std::size_t k) { benchmark::DoNotOptimize(policy.step(f.batches[k % f.batches.size()])); });
}
/// One slot of the node agents (in-process run_slot, the protocol idn::mpi runs across ranks),
/// adaptive entropic as BM_alloc_infida_step/adaptive_entropic, with the same results bit for bit.
void BM_alloc_agents_slot(benchmark::State& st) {
  auto& f = synthetic_fixture::get();
  infida_options o;
  const auto closing = node_agent::closing_types(f.in);
  std::vector<node_agent> agents;
  for (node_id v{0}; v < f.in.num_nodes(); ++v) agents.emplace_back(f.in, v, o, closing[v]);
  std::size_t messages = 0;
  time_in_option_passes(st, f, [&](std::size_t k) { messages = run_slot(agents, f.in, f.batches[k % f.batches.size()]).messages; });
  st.counters["messages"] = static_cast<double>(messages);
}
void BM_alloc_myopic_greedy_step(benchmark::State& st) {
  auto& f = synthetic_fixture::get();
  myopic_greedy policy(f.in);
  std::size_t k = 0;
  for (auto _ : st) benchmark::DoNotOptimize(policy.step(f.batches[k++ % f.batches.size()]));
  set_counters(st, f.in);
}

/// 500 slots of a sliding Zipf trace on a smaller synthetic IDN (27 access nodes, 5 tasks).
enum class churn_mode { fresh, reuse, refresh10, bernoulli_fresh };
void BM_alloc_churn(benchmark::State& st, churn_mode mode) {
  synthetic_options sp;
  sp.fanout = {3, 3, 3};
  sp.access_uplinks = 2;
  sp.tasks = 5;
  const instance in = synthetic_tiered(sp).build({0.05, 1.0});
  zipf_options z;
  z.requests_per_slot = 2000;
  z.change = drift::slide;
  z.period = 50;
  z.shift = 3;
  const trace tr = zipf_trace(in, 500, z);
  std::vector<batch> batches;
  for (std::size_t t = 0; t < 500; ++t) batches.push_back(make_batch(in, tr, t));
  infida_options o;
  o.step = step_rule::fixed;
  o.eta = theory_step_size(in, mirror_map::entropic, 500, tr.maxCoeff()).eta;
  if (mode == churn_mode::reuse) o.rounding.coins = coin_mode::reuse;
  if (mode == churn_mode::refresh10) o.rounding.refresh_period = 10;
  if (mode == churn_mode::bernoulli_fresh) o.rounding.last = last_fractional::bernoulli;
  double loads = 0, bytes = 0, gain_sum = 0;
  for (auto _ : st) {
    infida policy(in, o);
    loads = bytes = gain_sum = 0;
    for (const batch& b : batches) {
      const slot_metrics m = policy.step(b);
      loads += static_cast<double>(m.loads);
      bytes += m.loaded_bytes;
      gain_sum += m.integral_gain;
    }
  }
  st.counters["loads_per_slot"] = loads / 500;
  st.counters["loaded_bytes_per_slot"] = bytes / 500;
  st.counters["integral_gain_per_slot"] = gain_sum / 500;
}
}  // namespace

int main(int argc, char** argv) {
  using idn::bench::counter_quotient_at_most;
  using idn::bench::time_ratio_at_most;
  std::vector<idn::bench::ratio_target> targets;
  for (const auto& [name, entropic] : {std::pair{"entropic", true}, std::pair{"euclidean", false}}) {
    for (const auto& [label, n] : {std::pair{"1e3", 1000}, std::pair{"1e4", 10000}, std::pair{"1e5", 100000}, std::pair{"1e6", 1000000}}) {
      const std::string fast = std::string("BM_alloc_project_") + name + "/" + label;
      const std::string slow = std::string("BM_alloc_project_") + name + "_sorted/" + label;
      benchmark::RegisterBenchmark(fast.c_str(), BM_project, static_cast<std::size_t>(n), entropic, false);
      benchmark::RegisterBenchmark(slow.c_str(), BM_project, static_cast<std::size_t>(n), entropic, true);
    }
    const std::string base = std::string("BM_alloc_project_") + name;
    // Linear scaling (the issue: at most 12x time per decade measured in DRAM): the cost in
    // streaming passes at 1e6 at most 1.2x that at 1e5. The plain time ratio measured this
    // machine's caches (1e5 fits L2) and failed under load at 12.2-16.8 while the cost per pass
    // fell; measured in passes: 0.6-0.9 entropic, 0.5 Euclidean (bench inputs above).
    for (const auto& [label, n] : {std::pair{"1e5", 100000}, std::pair{"1e6", 1000000}})
      benchmark::RegisterBenchmark((base + "_in_passes/" + label).c_str(), BM_project_in_passes, static_cast<std::size_t>(n), entropic);
    targets.push_back(idn::bench::counter_ratio_at_most(std::string("alloc_project_") + name + "_scaling", base + "_in_passes/1e6",
                                                        base + "_in_passes/1e5", 1.2, "passes"));
    // validate (one pass, each entry tested on its bits) also takes the sums the fixed point
    // needs (Σ s·ŷ, max and min of ŷ and s·ŷ, on independent chains), then the fused fixed point
    // from "nothing saturated": one branch-free pass per round that classifies, writes y and sums
    // the next round (one round on this input). 3.3-3.4 streaming passes measured (3.8-3.9 with
    // the tests as branches on doubles, 6.7-6.9 with separate passes for the max and Σ s·v; 43
    // for the randomized selection alone). What is left is the serial, in-order sums, which must
    // stay bitwise those of finish_entropic. Goal 3: not met.
    if (entropic)
      targets.push_back(idn::bench::counter_quotient_at_most("alloc_project_entropic_vs_stream_pass_1e6", base + "_in_passes/1e6", "work_s", "pass_s", 7.5));
    // Against the sorted reference (O(n log n)): 42x entropic measured at 1e6; Euclidean 8.4-14x
    // on this half-clipped input (4.2x before its Newton rounds on τ replaced the one-way
    // clipping, 7.8-9.3x before the branch-free classification).
    targets.push_back(idn::bench::time_ratio_at_least(std::string("alloc_project_") + name + "_vs_sorted", base + "_sorted/1e6",
                                                      base + "/1e6", entropic ? 25 : 6));
    // The half-clipped Euclidean input (64 % at 0, 2.5 % at 1) takes six Newton steps on τ, each
    // one pass: 16-18 streaming passes measured (~65 with a branch on the class, ~130 before).
    if (!entropic)
      targets.push_back(idn::bench::counter_quotient_at_most("alloc_project_euclidean_half_clipped_vs_stream_pass_1e6", base + "_in_passes/1e6", "work_s",
                                                             "pass_s", 30));
  }
  benchmark::RegisterBenchmark("BM_alloc_stream_pass/1e6", BM_stream_pass, std::size_t{1000000});
  for (const auto& [name, entropic] : {std::pair{"entropic", true}, std::pair{"euclidean", false}})
    for (int percent : {0, 1, 5})
      benchmark::RegisterBenchmark((std::string("BM_alloc_project_") + name + "_saturating/" + std::to_string(percent)).c_str(), BM_project_saturating,
                                   entropic, percent);
  // The regime, "at most 5 % saturate", against one streaming pass (inputs built from
  // their answers, n = 1e6). Euclidean, nothing clipped: validate (which takes Σ s·ŷ, Σ s², the
  // largest s and |ŷ|) and one pass that writes y and the compensated Σ s·y; the Newton round is
  // skipped when it would move no y_j by 1e-13. 3.7 passes measured (13.3 before, 8.9 with a
  // libm fma per entry). With 5 % at 1, both maps take rounds of one pass each (five for the
  // entropic fixed point, three Newton steps on τ for the Euclidean map): 15-18.5 and 12-15.5
  // passes measured (40 and 69 before, when the rounds gave up after 4 and the randomized
  // selection ran). Each cost is timed against a streaming pass in the same iterations
  // (time_in_passes), so that load on the machine cancels.
  targets.push_back(counter_quotient_at_most("alloc_project_euclidean_unclipped_vs_stream_pass_1e6", "BM_alloc_project_euclidean_saturating/0", "work_s",
                                             "pass_s", 7.5));
  targets.push_back(counter_quotient_at_most("alloc_project_entropic_5pct_vs_stream_pass_1e6", "BM_alloc_project_entropic_saturating/5", "work_s",
                                             "pass_s", 28));
  targets.push_back(counter_quotient_at_most("alloc_project_euclidean_5pct_vs_stream_pass_1e6", "BM_alloc_project_euclidean_saturating/5", "work_s",
                                             "pass_s", 22));

  benchmark::RegisterBenchmark("BM_alloc_option_pass", BM_alloc_option_pass_of<synthetic_fixture>)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_option_pass_dram", BM_alloc_option_pass_of<dram_fixture>)->Unit(benchmark::kMillisecond);
  for (const auto& [label, map] : {std::pair{"entropic", mirror_map::entropic}, std::pair{"euclidean", mirror_map::euclidean}})
    benchmark::RegisterBenchmark((std::string("BM_alloc_infida_step_dram/") + label).c_str(), BM_alloc_infida_step<dram_fixture>, map, step_rule::adaptive,
                                 rounding_method::dep_round)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_supergradient", BM_alloc_supergradient)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_slot_scan", BM_alloc_slot_scan)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_infida_step/0", BM_alloc_infida_step<synthetic_fixture>, mirror_map::entropic, step_rule::fixed, rounding_method::dep_round)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_infida_step/1", BM_alloc_infida_step<synthetic_fixture>, mirror_map::euclidean, step_rule::fixed, rounding_method::dep_round)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_infida_step/adaptive_entropic", BM_alloc_infida_step<synthetic_fixture>, mirror_map::entropic, step_rule::adaptive,
                               rounding_method::dep_round)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_infida_step/adaptive_euclidean", BM_alloc_infida_step<synthetic_fixture>, mirror_map::euclidean, step_rule::adaptive,
                               rounding_method::dep_round)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_infida_step/adaptive_entropic_largest_first", BM_alloc_infida_step<synthetic_fixture>, mirror_map::entropic,
                               step_rule::adaptive, rounding_method::largest_first)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_agents_slot", BM_alloc_agents_slot)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_alloc_myopic_greedy_step", BM_alloc_myopic_greedy_step)->Unit(benchmark::kMillisecond)->Iterations(2);
  for (const auto& [label, mode] : {std::pair{"fresh", churn_mode::fresh}, std::pair{"reuse", churn_mode::reuse},
                                    std::pair{"refresh_P10", churn_mode::refresh10}, std::pair{"bernoulli_fresh", churn_mode::bernoulli_fresh}})
    benchmark::RegisterBenchmark((std::string("BM_alloc_churn/") + label).c_str(), BM_alloc_churn, mode)
        ->Unit(benchmark::kMillisecond)->Iterations(1);
  // One INFIDA slot against one pass over the option lists (the physical bound: INFIDA must read
  // them), timed in the same iterations (time_in_option_passes). Measured 4.0-4.7 (entropic) and
  // 4.0-5.1 (Euclidean) since DepRound holds its carry as mass (5.1-5.6 / 5.1-6.0 before), from 11.4 and 11.9 (issue 17) and 6.7 / 7.5 before the
  // fused projections: the scan along each type's options is a chain of dependent multiply-adds
  // with a data-dependent exit (the distributed agents add up capacities node by node in the
  // same order, which bit-identity requires), and DepRound merges pairs sequentially with a
  // random branch. The lines sit below 2x the best runs, so a 2x regression fails.
  targets.push_back(counter_quotient_at_most("alloc_infida_entropic_vs_option_pass", "BM_alloc_infida_step/0", "work_s", "pass_s", 8.5));
  targets.push_back(counter_quotient_at_most("alloc_infida_euclidean_vs_option_pass", "BM_alloc_infida_step/1", "work_s", "pass_s", 9));
  // At DRAM scale (9e6 options, the option pass memory-bound): 4.2x entropic and 4.4x Euclidean
  // interleaved, 3.7x and 3.8x timed apart (adaptive step; 3.6-3.9 and 4.0-5.3 before the
  // Euclidean fast path and the mass DepRound);
  // 4-7.8x before the fused projections, 6-7x in issue 17 (goal 2x, not met: the scan above).
  // Not in the smoke run (the fixture takes 5 s and 640 MB to build).
  targets.push_back(counter_quotient_at_most("alloc_infida_entropic_vs_option_pass_dram", "BM_alloc_infida_step_dram/entropic", "work_s", "pass_s", 7));
  targets.push_back(counter_quotient_at_most("alloc_infida_euclidean_vs_option_pass_dram", "BM_alloc_infida_step_dram/euclidean", "work_s", "pass_s", 9.5));
  // The fused scan alone (L(y), g, G(x), C(ω)): 2.5-2.8 measured (2.4-4.2 timed apart).
  targets.push_back(counter_quotient_at_most("alloc_slot_scan_vs_option_pass", "BM_alloc_slot_scan", "work_s", "pass_s", 4.8));
  // The node agents' slot (the protocol idn::mpi distributes) against the fused centralized step
  // it matches bit for bit, both in option passes: 8.0-9.5 measured (per-hop report vectors, a copy and sort at every close;
  // about 14 before relay read l̃ from the batch, by the driver's 73 -> 47 ms).
  targets.push_back(idn::bench::counter_ratio_at_most("alloc_agents_vs_infida_step", "BM_alloc_agents_slot", "BM_alloc_infida_step/adaptive_entropic", 16, "passes"));
  // The adaptive rule adds one O(n) pass (θ += g and the dual norm) to the fixed step: 5.3 measured
  // (5.1-5.9 timed apart, and 10.1 once under a parallel build, which failed this line).
  targets.push_back(counter_quotient_at_most("alloc_infida_adaptive_vs_option_pass", "BM_alloc_infida_step/adaptive_entropic", "work_s", "pass_s", 10));
  // Adaptive against fixed, both entropic: the adaptive point is exp(η θ/s) for every variable
  // (the fixed step takes log and exp only where g > 0) plus the θ update. 1.2-1.27 measured (in
  // option passes), which left 1.3 no room under load once DepRound got faster; a 2x regression
  // (2.5) breaks 1.6.
  targets.push_back(idn::bench::counter_ratio_at_most("alloc_infida_adaptive_vs_fixed", "BM_alloc_infida_step/adaptive_entropic", "BM_alloc_infida_step/0", 1.6, "passes"));
  // Largest-first sorts each node's y (O(n log n)) where DepRound merges in one O(n) pass; the
  // slot's scan dominates both: 1.0-1.3 measured (in option passes; DepRound got faster). A 2x
  // regression of largest-first breaks 1.7 (DepRound's own is caught by the option-pass lines).
  targets.push_back(idn::bench::counter_ratio_at_most("alloc_largest_first_vs_dep_round", "BM_alloc_infida_step/adaptive_entropic_largest_first",
                                                      "BM_alloc_infida_step/adaptive_entropic", 1.7, "passes"));
  return idn::bench::run(argc, argv, targets);
}
