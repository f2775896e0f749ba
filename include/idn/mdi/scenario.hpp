#pragma once
/// Seeded discrete-event runner comparing pa_mdi, ms_mdi, ar_mdi and local model-distributed
/// inference on a graph of edge workers (docs/mdi.md).
/// Nodes are single-server non-preemptive compute stations; every directed edge (or one shared
/// medium) is a single-server transfer station; both order waiting work by the policy's rule.
/// Events run on idn::sim::simulator (time, then insertion order). Control messages (state
/// broadcasts, RTC, CTC) take link latency + 8·control_bytes/bandwidth and never queue.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/link.hpp"
#include "idn/partition/baselines.hpp"
#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/partition/chain.hpp"
#include "idn/mdi/arbiter.hpp"
#include "idn/mdi/dispatch.hpp"
#include "idn/partition/solve.hpp"

namespace idn::mdi {

/// The scheme a run plays (docs/mdi.md): PA-MDI, MS-MDI (priority-blind dispatch), AR-MDI (a
/// static chain split) or everything at the source.
enum class policy_kind { pa_mdi, ms_mdi, ar_mdi, local };
/// per_link: one transfer station per direction of every link; shared: one channel for every transfer.
enum class medium_kind { per_link, shared };
/// How a source generates tasks: Poisson at rate_per_s, or every 1/rate_per_s seconds.
enum class arrival_kind { poisson, periodic };
/// A piece's service time: its profile time as is, or drawn exponential / lognormal with that mean
/// (lognormal with scenario::service_cv).
enum class service_kind { deterministic, exponential, lognormal };

/// One edge worker.
struct node_spec {
  std::string name;
  double memory_bytes = INFINITY, flops = 0;  ///< flops 0: derived as Σf/ΣT over the models
};
/// An undirected, full-duplex link between workers a and b.
struct link_spec {
  std::ptrdiff_t a, b;
  double bandwidth_bps, latency_s = 0;  ///< undirected, full duplex
};
/// A model: its chain profile, its layer times on every worker and its offline partitions.
struct model_spec {
  std::string name;
  partition::chain_profile profile;
  Eigen::MatrixXd time;               ///< L × |nodes| seconds
  std::vector<std::ptrdiff_t> partition_cuts;  ///< P + 1 entries, 0 … L, increasing
};
/// A task source at a worker: its model, class (0 = most urgent), weight γ, accuracy α and arrivals.
struct source_spec {
  std::ptrdiff_t node, model;
  int cls;
  double gamma = 1, alpha = 1;
  arrival_kind arrivals = arrival_kind::poisson;
  double rate_per_s = 1;
  std::size_t max_tasks = 0;  ///< 0: unlimited (until the horizon)
};
/// Workers, links, models and sources of one run, with its horizon and warm-up (seconds); see
/// validate for every requirement.
struct scenario {
  std::vector<node_spec> nodes;
  std::vector<link_spec> links;
  medium_kind medium = medium_kind::per_link;
  std::vector<model_spec> models;
  std::vector<source_spec> sources;
  int num_classes = 2;
  std::vector<std::ptrdiff_t> chain_order;  ///< ar_mdi worker order; empty: BFS from each source
  service_kind service = service_kind::deterministic;
  double service_cv = 0, warmup_s = 0, horizon_s = 0, control_bytes = 64;
};
/// The knobs of one scheme; default_policy(kind) gives the paper's presets.
struct policy_options {
  policy_kind kind;
  double state_period_s = 0.1;
  bool use_rtc = true;
  arbitration arb = arbitration::class_then_oldest;
  backlog_view view = backlog_view::priority_aware;
  double rtc_window_s = 0;
  bool record_trace = false;
};

/// The paper's presets (docs/mdi.md): pa_mdi (Φ dispatch, priority-aware backlog, RTC/CTC, class queues),
/// ms_mdi (weight 1, total backlog, no RTC, FIFO), ar_mdi (static proportional chain, FIFO),
/// local (FIFO at the source).
inline policy_options default_policy(policy_kind k) {
  policy_options o{k};
  if (k != policy_kind::pa_mdi) o.use_rtc = false, o.arb = arbitration::fifo, o.view = backlog_view::total;
  return o;
}

/// Offline partition cuts: the min_bottleneck cuts of a reference problem, empty stages dropped.
inline std::vector<std::ptrdiff_t> offline_cuts(const partition::chain_problem& reference) {
  const partition::partition_result r = partition::min_bottleneck(reference);
  if (r.status != partition::solve_status::optimal) reject("mdi::offline_cuts", "reference", "infeasible", "min_bottleneck must find a partition");
  std::vector<std::ptrdiff_t> cuts{0};
  for (std::size_t k = 1; k < r.cuts.size(); ++k)
    if (static_cast<std::ptrdiff_t>(r.cuts[k]) != cuts.back()) cuts.push_back(static_cast<std::ptrdiff_t>(r.cuts[k]));
  return cuts;
}

/// Per class over tasks generated in [warmup, horizon): counts, latency statistics (seconds; empty
/// when none completed) and throughput (tasks/s over the window).
struct class_stats {
  int cls;
  std::size_t generated = 0, completed = 0;
  std::optional<double> mean_s, p50_s, p95_s, max_s;
  double throughput_per_s = 0;
};
/// One task of a traced run (policy_options::record_trace).
struct task_record {
  std::uint64_t id;
  std::ptrdiff_t source;
  int cls;
  double generated_s, completed_s;
  std::vector<std::ptrdiff_t> placement;  ///< node of each executed piece, in order
};
/// What run_scenario reports: per class statistics, per worker and per transfer station
/// utilization over the window, event and RTC counts, and the trace when recorded.
struct sim_report {
  std::vector<class_stats> classes;
  std::vector<double> worker_utilization, link_utilization;
  std::uint64_t events = 0, rtc_sent = 0, rtc_denied = 0;
  std::vector<task_record> trace;
};

/// Validates a scenario: indices, self-loops, duplicate edges, bandwidth, connectivity, model
/// shapes and cuts, source parameters, horizon. Throws idn::invalid_input.
inline void validate(const scenario& s) {
  const auto N = static_cast<std::ptrdiff_t>(s.nodes.size());
  if (N == 0) reject("mdi::validate", "nodes.size()", 0, "must be >= 1");
  if (s.num_classes < 1) reject("mdi::validate", "num_classes", s.num_classes, "must be >= 1");
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    if (std::isnan(s.nodes[i].memory_bytes) || s.nodes[i].memory_bytes < 0) reject("mdi::validate", concat("nodes[", i, "].memory_bytes"), s.nodes[i].memory_bytes, "must be >= 0");
    if (!std::isfinite(s.nodes[i].flops) || s.nodes[i].flops < 0) reject("mdi::validate", concat("nodes[", i, "].flops"), s.nodes[i].flops, "must be finite and >= 0");
  }
  std::vector<std::vector<std::ptrdiff_t>> adj(static_cast<std::size_t>(N));
  for (std::size_t e = 0; e < s.links.size(); ++e) {
    const link_spec& l = s.links[e];
    if (l.a < 0 || l.a >= N) reject("mdi::validate", concat("links[", e, "].a"), l.a, "unknown node");
    if (l.b < 0 || l.b >= N) reject("mdi::validate", concat("links[", e, "].b"), l.b, "unknown node");
    if (l.a == l.b) reject("mdi::validate", concat("links[", e, "].b"), l.b, "self-loop");
    if (!(l.bandwidth_bps > 0) || !std::isfinite(l.bandwidth_bps)) reject("mdi::validate", concat("links[", e, "].bandwidth_bps"), l.bandwidth_bps, "must be finite and > 0");
    check::finite_nonnegative_at("mdi::validate", l.latency_s, "links[", e, "].latency_s");
    auto& na = adj[static_cast<std::size_t>(l.a)];
    if (std::find(na.begin(), na.end(), l.b) != na.end()) reject("mdi::validate", concat("links[", e, "]"), e, "duplicate edge");
    na.push_back(l.b), adj[static_cast<std::size_t>(l.b)].push_back(l.a);
  }
  std::vector<char> seen(static_cast<std::size_t>(N), 0);
  std::vector<std::ptrdiff_t> stack{0};
  seen[0] = 1;
  while (!stack.empty()) {
    const std::ptrdiff_t u = stack.back();
    stack.pop_back();
    for (std::ptrdiff_t v : adj[static_cast<std::size_t>(u)])
      if (!seen[static_cast<std::size_t>(v)]) seen[static_cast<std::size_t>(v)] = 1, stack.push_back(v);
  }
  for (std::ptrdiff_t v = 0; v < N; ++v)
    if (!seen[static_cast<std::size_t>(v)]) reject("mdi::validate", concat("nodes[", v, "]"), "unreachable from node 0", "links must connect every node");
  if (s.models.empty()) reject("mdi::validate", "models.size()", 0, "must be >= 1");
  for (std::size_t m = 0; m < s.models.size(); ++m) {
    const model_spec& md = s.models[m];
    const std::ptrdiff_t L = md.profile.flop.size();
    partition::validate_profile(md.profile, concat("models[", m, "].profile"));
    if (md.time.rows() != L || md.time.cols() != N)
      reject("mdi::validate", concat("models[", m, "].time.rows()"), md.time.rows(), concat("must be L x |nodes| = ", L, " x ", N).c_str());
    for (std::ptrdiff_t l = 0; l < L; ++l)
      for (std::ptrdiff_t k = 0; k < N; ++k) check::finite_nonnegative_at("mdi::validate", md.time(l, k), "models[", m, "].time(", l, ",", k, ")");
    const auto& c = md.partition_cuts;
    if (c.size() < 2 || c.front() != 0 || c.back() != L) reject("mdi::validate", concat("models[", m, "].partition_cuts.size()"), c.size(), "must run from 0 to L");
    for (std::size_t i = 1; i < c.size(); ++i)
      if (c[i] <= c[i - 1]) reject("mdi::validate", concat("models[", m, "].partition_cuts[", i, "]"), c[i], "must be increasing");
  }
  if (s.sources.empty()) reject("mdi::validate", "sources.size()", 0, "must be >= 1");
  for (std::size_t i = 0; i < s.sources.size(); ++i) {
    const source_spec& src = s.sources[i];
    if (src.node < 0 || src.node >= N) reject("mdi::validate", concat("sources[", i, "].node"), src.node, "unknown node");
    if (src.model < 0 || src.model >= static_cast<std::ptrdiff_t>(s.models.size())) reject("mdi::validate", concat("sources[", i, "].model"), src.model, "unknown model");
    if (src.cls < 0 || src.cls >= s.num_classes) reject("mdi::validate", concat("sources[", i, "].cls"), src.cls, "must lie in [0, num_classes)");
    if (!(src.gamma > 0) || !std::isfinite(src.gamma)) reject("mdi::validate", concat("sources[", i, "].gamma"), src.gamma, "must be finite and > 0");
    if (!(src.alpha > 0 && src.alpha <= 1)) reject("mdi::validate", concat("sources[", i, "].alpha"), src.alpha, "must lie in (0, 1]");
    if (!(src.rate_per_s > 0) || !std::isfinite(src.rate_per_s)) reject("mdi::validate", concat("sources[", i, "].rate_per_s"), src.rate_per_s, "must be finite and > 0");
  }
  for (std::size_t i = 0; i < s.chain_order.size(); ++i)
    if (s.chain_order[i] < 0 || s.chain_order[i] >= N) reject("mdi::validate", concat("chain_order[", i, "]"), s.chain_order[i], "unknown node");
  if (!(s.horizon_s > s.warmup_s) || !std::isfinite(s.horizon_s) || s.warmup_s < 0) reject("mdi::validate", "horizon_s", s.horizon_s, "must be finite and > warmup_s >= 0");
  if (!(s.service_cv >= 0) || !std::isfinite(s.service_cv)) reject("mdi::validate", "service_cv", s.service_cv, "must be finite and >= 0");
  check::finite_nonnegative_at("mdi::validate", s.control_bytes, "control_bytes");
}

}  // namespace idn::mdi

