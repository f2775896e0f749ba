#pragma once
/// Inference pipelines on an ordered continuum of tiers (docs/serve.md "Pipeline", §3):
/// pre-process → model → post-process stages, the tiers (an idn::hw device, replicas, a
/// per-request overhead) and the links between consecutive tiers, compiled once into the
/// validated, immutable `chain` of elements that placement works on.
#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/any.hpp"
#include "idn/serve/queueing.hpp"

namespace idn::serve {

/// A stage's role in the pipeline: pre-processing, the model, or post-processing.
enum class stage_role : std::uint8_t { pre, model, post };

/// One pipeline stage: opaque work (flop, bytes moved; memory resident) or a dnn profile.
struct stage {
  std::string name;
  stage_role role = stage_role::pre;
  double flop = 0, bytes = 0;        ///< per-request work for work_time (FLOP, bytes moved)
  std::optional<dnn::profile> model = std::nullopt;  ///< a model stage given as a profile
  double output_bytes = 0;           ///< bytes handed on (a profile stage uses its last layer's output)
  double memory_bytes = 0;           ///< resident bytes of an opaque stage
  std::vector<double> measured = {};  ///< optional s/request per tier (size K); +inf = cannot run there
  std::uint32_t allowed_tiers = ~0u; ///< bit k set: may run on tier k
};
/// An inference pipeline: the request's size and its stages in order.
struct pipeline {
  std::string name;
  double request_bytes = 0;
  std::vector<stage> stages;
};
/// A tier of the continuum: its device, replicas and per-request overhead.
struct tier {
  std::string name;
  hw::any_device device;
  std::uint32_t replicas = 1;
  double request_overhead = 0;  ///< s per request handled (decode/encode, dispatch)
};
/// uplinks[k]: tier k → k + 1; empty downlinks = the uplinks.
struct continuum {
  std::vector<tier> tiers;
  std::vector<hw::any_link> uplinks, downlinks;
};

/// The compiled chain: N elements ("<stage>" or "<stage>/<unit>") × K tiers.
struct chain {
  std::vector<std::string> elements;
  Eigen::MatrixXd seconds;                    ///< N × K: τ_{e,k}; +inf where not allowed
  Eigen::VectorXd boundary_bytes;             ///< N + 1: a_0 … a_N
  Eigen::VectorXd weight_bytes, workspace_bytes;  ///< N
  Eigen::VectorXd overhead, capacity, replicas;   ///< K
  Eigen::MatrixXd up_seconds, down_seconds;       ///< (K − 1) × (N + 1): x_k(a_j), x'_k(a_j)
  Eigen::MatrixXd up_serial, down_serial;         ///< (K − 1) × (N + 1): σ_k(a_j) = x_k(a_j) − x_k(0)
};

/// Validates a chain given by hand (build_chain's output always passes): sizes N ≥ 1 elements ×
/// K ≥ 1 tiers as documented on `chain`, every entry (times ≥ 0 or +inf, never NaN; bytes,
/// overheads and link times finite ≥ 0; capacity > 0, may be +inf; replicas ≥ 1 finite), and the
/// aggregates (docs/reliability.md): per tier overhead + Σ finite times, Σ weights + peak
/// workspace, and the latency bound over all tiers and links must be finite. Throws
/// invalid_input naming the field and index. O(N·K).
inline void validate(const chain& c) {
  const Eigen::Index N = c.seconds.rows(), K = c.seconds.cols();
  auto bad = [](const std::string& field, double v, const char* rule) { throw invalid_input(concat("idn::serve::validate: chain.", field, " = ", v, ": ", rule)); };
  if (N < 1) bad("seconds.rows()", static_cast<double>(N), "must be >= 1 (one row per element)");
  if (K < 1) bad("seconds.cols()", static_cast<double>(K), "must be >= 1 (one column per tier)");
  auto size_is = [&](const char* field, Eigen::Index got, Eigen::Index want) {
    if (got != want) bad(field, static_cast<double>(got), concat("must be ", want).c_str());
  };
  size_is("elements.size()", static_cast<Eigen::Index>(c.elements.size()), N);
  size_is("boundary_bytes.size()", c.boundary_bytes.size(), N + 1);
  size_is("weight_bytes.size()", c.weight_bytes.size(), N);
  size_is("workspace_bytes.size()", c.workspace_bytes.size(), N);
  size_is("overhead.size()", c.overhead.size(), K);
  size_is("capacity.size()", c.capacity.size(), K);
  size_is("replicas.size()", c.replicas.size(), K);
  for (const Eigen::MatrixXd* m : {&c.up_seconds, &c.down_seconds, &c.up_serial, &c.down_serial}) {
    size_is("up/down_seconds/serial.rows()", m->rows(), K - 1);
    size_is("up/down_seconds/serial.cols()", m->cols(), N + 1);
  }
  auto finite_nonneg = [&](const std::string& field, double v) {
    if (!(v >= 0) || !std::isfinite(v)) bad(field, v, "must be finite and >= 0");
  };
  for (Eigen::Index e = 0; e <= N; ++e) finite_nonneg(concat("boundary_bytes[", e, "]"), c.boundary_bytes[e]);
  double weights = 0, peak_workspace = 0;
  for (Eigen::Index e = 0; e < N; ++e) {
    finite_nonneg(concat("weight_bytes[", e, "]"), c.weight_bytes[e]);
    finite_nonneg(concat("workspace_bytes[", e, "]"), c.workspace_bytes[e]);
    weights += c.weight_bytes[e], peak_workspace = std::max(peak_workspace, c.workspace_bytes[e]);
    if (!std::isfinite(weights + peak_workspace)) bad(concat("weight_bytes[", e, "]"), c.weight_bytes[e], "the sum of weights plus the peak workspace overflows");
  }
  double latency_bound = 0;
  for (Eigen::Index k = 0; k < K; ++k) {
    finite_nonneg(concat("overhead[", k, "]"), c.overhead[k]);
    if (std::isnan(c.capacity[k]) || !(c.capacity[k] > 0)) bad(concat("capacity[", k, "]"), c.capacity[k], "must be > 0 (may be +inf)");
    if (!(c.replicas[k] >= 1) || !std::isfinite(c.replicas[k])) bad(concat("replicas[", k, "]"), c.replicas[k], "must be finite and >= 1");
    double tier = c.overhead[k];
    for (Eigen::Index e = 0; e < N; ++e) {
      const double t = c.seconds(e, k);
      if (std::isnan(t) || t < 0) bad(concat("seconds(", e, ",", k, ")"), t, "must be >= 0 (may be +inf: not allowed there)");
      if (std::isfinite(t)) tier += t;
      if (!std::isfinite(tier)) bad(concat("seconds(", e, ",", k, ")"), t, "the tier's overhead plus its finite times overflows");
    }
    latency_bound += tier;
  }
  for (Eigen::Index k = 0; k + 1 < K; ++k) {
    for (Eigen::Index j = 0; j <= N; ++j) {
      finite_nonneg(concat("up_seconds(", k, ",", j, ")"), c.up_seconds(k, j));
      finite_nonneg(concat("down_seconds(", k, ",", j, ")"), c.down_seconds(k, j));
      finite_nonneg(concat("up_serial(", k, ",", j, ")"), c.up_serial(k, j));
      finite_nonneg(concat("down_serial(", k, ",", j, ")"), c.down_serial(k, j));
    }
    latency_bound += c.up_seconds.row(k).maxCoeff() + c.down_seconds.row(k).maxCoeff();
    if (!std::isfinite(latency_bound)) bad(concat("up/down_seconds row ", k, ": latency bound"), latency_bound, "the sum of tier and link times overflows");
  }
  if (!std::isfinite(latency_bound)) bad("latency bound", latency_bound, "the sum of tier and link times overflows");
}

namespace detail {
inline double checked_time(double t, const std::string& tier_name, const std::string& element) {
  if (!(t >= 0) || std::isnan(t)) reject("serve::build_chain", concat("time of element '", element, "' on tier '", tier_name, "'"), t, "must be >= 0");
  return t;
}
}  // namespace detail

namespace detail {

/// One element of a compiled chain: its name, time per tier (+inf where not allowed), output,
/// weight and workspace bytes.
struct chain_element {
  std::string name;
  std::vector<double> t;
  double out, weight, workspace;
};

/// build_chain, step 1: the continuum and the pipeline's scalars. O(K).
inline void check_continuum(const pipeline& p, const continuum& c) {
  const std::size_t K = c.tiers.size();
  if (p.stages.empty()) idn::reject("serve::build_chain", "stages.size()", 0, "must be >= 1");
  if (K == 0) idn::reject("serve::build_chain", "tiers.size()", 0, "must be >= 1");
  if (K > 32) idn::reject("serve::build_chain", "tiers.size()", K, "must be <= 32 (allowed_tiers is a 32-bit mask)");
  if (c.uplinks.size() != K - 1) idn::reject("serve::build_chain", "uplinks.size()", c.uplinks.size(), "must be tiers.size() - 1");
  if (!c.downlinks.empty() && c.downlinks.size() != K - 1)
    idn::reject("serve::build_chain", "downlinks.size()", c.downlinks.size(), "must be empty or tiers.size() - 1");
  if (!(p.request_bytes >= 0) || !std::isfinite(p.request_bytes)) idn::reject("serve::build_chain", "request_bytes", p.request_bytes, "must be finite and >= 0");
  for (std::size_t k = 0; k < K; ++k) {
    if (c.tiers[k].replicas == 0) idn::reject("serve::build_chain", concat("tiers[", k, "].replicas"), 0, "must be >= 1");
    if (!(c.tiers[k].request_overhead >= 0) || !std::isfinite(c.tiers[k].request_overhead))
      idn::reject("serve::build_chain", concat("tiers[", k, "].request_overhead"), c.tiers[k].request_overhead, "must be finite and >= 0");
  }
}

/// build_chain, step 2: stage s, checked, as elements appended to `els`: one per dnn unit when
/// split_model applies, else one. Times come from measurements, the stage's model or its
/// flop/bytes, per tier. O(K · layers) device queries.
inline void append_stage_elements(const stage& st, std::size_t s, const continuum& c, bool split_model, std::vector<chain_element>& els) {
  const std::size_t K = c.tiers.size();
  const std::uint32_t all = K == 32 ? ~0u : ((1u << K) - 1u);
  auto bad = [&](const char* field, double v, const char* rule) { idn::reject("serve::build_chain", concat("stages[", s, "].", field), v, rule); };
  if (!(st.flop >= 0) || !std::isfinite(st.flop)) bad("flop", st.flop, "must be finite and >= 0");
  if (!(st.bytes >= 0) || !std::isfinite(st.bytes)) bad("bytes", st.bytes, "must be finite and >= 0");
  if (!(st.output_bytes >= 0) || !std::isfinite(st.output_bytes)) bad("output_bytes", st.output_bytes, "must be finite and >= 0");
  if (!(st.memory_bytes >= 0) || !std::isfinite(st.memory_bytes)) bad("memory_bytes", st.memory_bytes, "must be finite and >= 0");
  if ((st.allowed_tiers & all) == 0) reject("serve::build_chain", concat("stages[", s, "].allowed_tiers"), st.allowed_tiers, concat("must select at least one of the ", K, " tiers"));
  if (!st.measured.empty() && st.measured.size() != K) bad("measured.size()", static_cast<double>(st.measured.size()), "must equal tiers.size()");
  for (double m : st.measured)
    if (!(m >= 0) || std::isnan(m)) bad("measured", m, "must be >= 0 (may be +inf)");
  auto allowed = [&](std::size_t k) { return ((st.allowed_tiers >> k) & 1u) != 0; };
  if (st.model && split_model && st.measured.empty()) {
    const dnn::profile& m = *st.model;
    std::size_t first = 0;
    for (const std::size_t end : dnn::unit_ends(m)) {
      chain_element e{concat(st.name, "/", dnn::unit_name(m, first)), std::vector<double>(K), m.layer(end - 1).output_bytes, 0, 0};
      for (std::size_t l = first; l < end; ++l) e.weight += m.layer(l).param_bytes, e.workspace = std::max(e.workspace, m.layer(l).workspace_bytes);
      for (std::size_t k = 0; k < K; ++k) {
        double t = 0;
        for (std::size_t l = first; l < end; ++l) t += checked_time(c.tiers[k].device.latency(m.layer(l)), c.tiers[k].name, e.name);
        e.t[k] = allowed(k) ? t : INFINITY;
      }
      els.push_back(std::move(e));
      first = end;
    }
    return;
  }
  chain_element e{st.name, std::vector<double>(K), st.output_bytes, st.memory_bytes, 0};
  if (st.model) {
    const dnn::profile& m = *st.model;
    e.out = m.layer(m.num_layers() - 1).output_bytes;
    e.weight = 0;
    for (const auto& l : m.layers()) e.weight += l.param_bytes, e.workspace = std::max(e.workspace, l.workspace_bytes);
  }
  for (std::size_t k = 0; k < K; ++k) {
    double t;
    if (!st.measured.empty()) {
      t = st.measured[k];
    } else if (st.model) {
      t = 0;
      for (const auto& l : st.model->layers()) t += checked_time(c.tiers[k].device.latency(l), c.tiers[k].name, e.name);
    } else {
      t = checked_time(c.tiers[k].device.work_time(st.flop, st.bytes, dnn::precision::fp32), c.tiers[k].name, e.name);
    }
    e.t[k] = allowed(k) ? t : INFINITY;
  }
  els.push_back(std::move(e));
}

/// build_chain, step 3: transfer times of every boundary over each tier pair's up- and downlink
/// (total and serialization part), checked finite and >= 0. O(K · N) link queries.
inline void fill_link_times(chain& ch, const continuum& c) {
  const auto N = static_cast<Eigen::Index>(ch.elements.size());
  const std::size_t K = c.tiers.size();
  const auto KK = static_cast<Eigen::Index>(K);
  ch.up_seconds.resize(KK > 0 ? KK - 1 : 0, N + 1), ch.down_seconds.resize(ch.up_seconds.rows(), N + 1);
  ch.up_serial.resize(ch.up_seconds.rows(), N + 1), ch.down_serial.resize(ch.up_seconds.rows(), N + 1);
  for (std::size_t k = 0; k + 1 < K; ++k) {
    const hw::any_link& up = c.uplinks[k];
    const hw::any_link& down = c.downlinks.empty() ? c.uplinks[k] : c.downlinks[k];
    const double u0 = up.transfer_time(0), d0 = down.transfer_time(0);
    for (Eigen::Index j = 0; j <= N; ++j) {
      const double u = up.transfer_time(ch.boundary_bytes[j]), d = down.transfer_time(ch.boundary_bytes[j]);
      if (!(u >= 0) || !std::isfinite(u) || !(d >= 0) || !std::isfinite(d)) {
        const bool up_ok = std::isfinite(u) && u >= 0;
        reject("serve::build_chain", concat(up_ok ? "downlinks[" : "uplinks[", k, "].transfer_time(", ch.boundary_bytes[j], ")"), up_ok ? d : u, "must be finite and >= 0");
      }
      const auto kk = static_cast<Eigen::Index>(k);
      ch.up_seconds(kk, j) = u, ch.down_seconds(kk, j) = d;
      ch.up_serial(kk, j) = std::max(0.0, u - u0), ch.down_serial(kk, j) = std::max(0.0, d - d0);
    }
  }
}

}  // namespace detail

/// Validates and compiles a pipeline on a continuum. split_model: a profile stage becomes one
/// element per dnn unit (unless it has measured times). O(N·K) device queries, each checked.
inline chain build_chain(const pipeline& p, const continuum& c, bool split_model = false) {
  detail::check_continuum(p, c);
  std::vector<detail::chain_element> els;
  for (std::size_t s = 0; s < p.stages.size(); ++s) detail::append_stage_elements(p.stages[s], s, c, split_model, els);
  const std::size_t K = c.tiers.size();
  const auto N = static_cast<Eigen::Index>(els.size()), KK = static_cast<Eigen::Index>(K);
  chain ch;
  ch.seconds.resize(N, KK), ch.boundary_bytes.resize(N + 1), ch.weight_bytes.resize(N), ch.workspace_bytes.resize(N);
  ch.boundary_bytes[0] = p.request_bytes;
  for (Eigen::Index e = 0; e < N; ++e) {
    const detail::chain_element& x = els[static_cast<std::size_t>(e)];
    ch.elements.push_back(x.name);
    for (Eigen::Index k = 0; k < KK; ++k) ch.seconds(e, k) = x.t[static_cast<std::size_t>(k)];
    ch.boundary_bytes[e + 1] = x.out, ch.weight_bytes[e] = x.weight, ch.workspace_bytes[e] = x.workspace;
  }
  ch.overhead.resize(KK), ch.capacity.resize(KK), ch.replicas.resize(KK);
  for (std::size_t k = 0; k < K; ++k) {
    ch.overhead[static_cast<Eigen::Index>(k)] = c.tiers[k].request_overhead;
    ch.capacity[static_cast<Eigen::Index>(k)] = c.tiers[k].device.memory_bytes();
    ch.replicas[static_cast<Eigen::Index>(k)] = c.tiers[k].replicas;
  }
  detail::fill_link_times(ch, c);
  validate(ch);  // the aggregates (per-tier sums, memory, latency bound)
  return ch;
}

}  // namespace idn::serve
