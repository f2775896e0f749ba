#pragma once
/// The CoDE block graph (docs/path.md "Graph", §3 graph.hpp, §4.1, §5): servers, directed
/// links, models split into blocks on their owner server, heads, adapter connections between
/// block boundaries, and services. `block_graph` validates a graph_spec once and answers the
/// structural queries every search needs in O(1): node ids, prefix work, depths, the S×S link
/// table, CSR lists of connections and heads per boundary node, and a topological order.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::path {

/// "No position": what a lookup returns when there is none (a missing link, a model without a
/// service, a result without a binding constraint).
inline constexpr std::size_t npos = static_cast<std::size_t>(-1);
/// A join without adapter (mirroring baselines only), in place of a connection position.
inline constexpr std::size_t handoff = npos;

/// An edge server: capacity μ_s and the background load ℓ_s it already carries (FLOP/s).
struct server_spec {
  std::string name;
  double capacity_flops = 0, background_flops = 0;  ///< μ_s, ℓ_s (FLOP/s)
};
/// A directed link between two servers (add_duplex_link adds both directions).
struct link_spec {
  std::size_t from = 0, to = 0;
  double bandwidth_bps = 0, latency_s = 0;  ///< directed; +inf bandwidth allowed
};
/// One block of a model's trunk: its work and the bytes of its output tensor.
struct block_spec {
  double flops = 0, output_bytes = 0;  ///< w_{m,k}, d_{m,k}
};
/// A model: its trunk of blocks on one server, its task and its stand-alone accuracy.
struct model_spec {
  std::string name;
  std::size_t server = 0, task = 0;
  double input_bytes = 0;  ///< d_{m,0}
  std::vector<block_spec> blocks;
  double accuracy = 0;  ///< A_m, stand-alone
};
/// original: the model's own final head; extra: another task's head on this trunk; early_exit: an exit of the model's own task before its end.
enum class head_kind : std::uint8_t { original, extra, early_exit };
/// Where a connection's adapter runs: on the destination model's server or on the source's.
enum class adapter_site : std::uint8_t { destination, source };
/// A head at boundary `boundary` of `model`, serving `task`.
struct head_spec {
  std::size_t model = 0, boundary = 0, task = 0;
  head_kind kind = head_kind::original;
  double flops = 0, output_bytes = 0;
  std::optional<double> accuracy;  ///< a_h: required for early exits, forbidden for extra heads
  double accuracy_penalty = 0;     ///< π_h
};
/// A connection: the output at (from_model, from_boundary) feeds to_model after to_boundary through an adapter.
struct connection_spec {
  std::size_t from_model = 0, from_boundary = 0, to_model = 0, to_boundary = 0;
  double adapter_flops = 0;
  adapter_site site = adapter_site::destination;
  double accuracy_penalty = 0;  ///< π_c
};
/// A service: requests of a model's task arriving at rate λ_l at the model's server.
struct service_spec {
  std::string name;
  std::size_t model = 0;
  double arrival_rate = 0;  ///< λ_l (req/s)
};
/// Everything a block_graph is built from; block_graph validates it.
struct graph_spec {
  std::vector<server_spec> servers;
  std::vector<link_spec> links;
  std::vector<model_spec> models;
  std::vector<head_spec> heads;
  std::vector<connection_spec> connections;
  std::vector<service_spec> services;
};

namespace detail {
/// Throws the house message "idn::path::<function>: <field> = <value>: <requirement>".
template <class Value>
[[noreturn]] void fail(std::string_view function, std::string_view field, const Value& value, std::string_view requirement) {
  reject(concat("path::", function), field, value, requirement);
}
inline bool finite_nonneg(double x) noexcept { return std::isfinite(x) && x >= 0; }
inline bool unit_interval(double x) noexcept { return x >= 0 && x <= 1; }
}  // namespace detail

/// Adds links a→b and b→a with the same bandwidth (bit/s) and latency (s).
inline void add_duplex_link(graph_spec& g, std::size_t a, std::size_t b, double bandwidth_bps, double latency_s) {
  g.links.push_back({a, b, bandwidth_bps, latency_s});
  g.links.push_back({b, a, bandwidth_bps, latency_s});
}

/// A server whose capacity is the FLOP rate the device achieves on a reference network:
/// μ = Σ_l flop_l / Σ_l d.latency(layer_l). Throws if that time is not finite and > 0.
template <hw::compute_device D, dnn::layer_chain Net>
server_spec server_from_device(std::string name, const D& d, const Net& reference, double background_flops = 0) {
  double flop = 0, seconds = 0;
  for (std::size_t l = 0; l < reference.num_layers(); ++l) flop += reference.layer(l).flop, seconds += d.latency(reference.layer(l));
  if (!(seconds > 0) || !std::isfinite(seconds) || !(flop > 0))
    detail::fail("server_from_device", concat("d.latency(reference) (", flop, " FLOP)"), seconds, "must be finite and > 0, with flop > 0");
  return {std::move(name), flop / seconds, background_flops};
}

/// τ = transfer_time(0); BW = 8·2^20/(transfer_time(2^20) − τ) (bit/s; +inf if no size cost).
template <hw::link_model Lk>
link_spec link_from_model(std::size_t from, std::size_t to, const Lk& link) {
  const double tau = link.transfer_time(0.0), mib = link.transfer_time(1048576.0);
  if (!detail::finite_nonneg(tau) || !(mib >= tau) || !std::isfinite(mib))
    detail::fail("link_from_model", "link.transfer_time(2^20)", mib, concat("must be finite and >= transfer_time(0) = ", tau, " >= 0"));
  const double bw = mib > tau ? 8.0 * 1048576.0 / (mib - tau) : std::numeric_limits<double>::infinity();
  return {from, to, bw, tau};
}

/// A model and its original head, as model_from_chain builds them.
struct model_and_head {
  model_spec model;
  head_spec head;
};

/// Block q = layers (cut[q−1], cut[q]] of `net` (0-based layer indices, strictly increasing, last
/// < num_layers − 1); the layers after cut.back() form the original head. Block bytes are the
/// output of its last layer; the head's result is the network's last output. The head's `model`
/// is left 0: set it to the model's index in the graph_spec.
template <dnn::layer_chain Net>
model_and_head model_from_chain(std::string name, const Net& net, std::span<const std::size_t> cut_after, std::size_t server, std::size_t task, double accuracy) {
  const std::size_t L = net.num_layers();
  if (cut_after.empty()) detail::fail("model_from_chain", "cut_after.size()", 0, "must be >= 1");
  model_and_head r;
  r.model.name = std::move(name), r.model.server = server, r.model.task = task, r.model.accuracy = accuracy;
  r.model.input_bytes = net.input_bytes();
  std::size_t first = 0;
  for (std::size_t q = 0; q < cut_after.size(); ++q) {
    const std::size_t last = cut_after[q];
    if (last + 1 >= L || (q > 0 && last <= cut_after[q - 1]))
      detail::fail("model_from_chain", concat("cut_after[", q, "]"), last, concat("must increase and leave at least one head layer (", L, " layers)"));
    block_spec b;
    for (std::size_t l = first; l <= last; ++l) b.flops += net.layer(l).flop;
    b.output_bytes = net.layer(last).output_bytes;
    r.model.blocks.push_back(b);
    first = last + 1;
  }
  r.head.boundary = cut_after.size(), r.head.task = task, r.head.kind = head_kind::original;
  r.head.accuracy = accuracy;
  for (std::size_t l = first; l < L; ++l) r.head.flops += net.layer(l).flop;
  r.head.output_bytes = net.layer(L - 1).output_bytes;
  return r;
}

/// Appends connections to a graph_spec while block edges plus connections stay acyclic: add()
/// refuses a connection whose landing boundary already reaches its source. The spec's models
/// must be final (their block counts index the boundaries) and its connections in range.
/// O(V + C) per add.
class acyclic_connections {
public:
  /// Indexes g's boundaries and its existing connections (which must be acyclic). O(V + C).
  explicit acyclic_connections(graph_spec& g) : g_(g) {
    for (const model_spec& m : g.models) offset_.push_back(V_), V_ += m.blocks.size() + 1, last_.resize(V_, 0), last_.back() = 1;
    out_.resize(V_);
    for (const connection_spec& c : g.connections) out_[id(c.from_model, c.from_boundary)].push_back(id(c.to_model, c.to_boundary));
  }
  /// Would a connection from (i, k) to (j, k') close a cycle?
  bool closes_cycle(std::size_t i, std::size_t k, std::size_t j, std::size_t kp) { return reaches(id(j, kp), id(i, k)); }
  /// Appends c and returns true, or returns false when c would close a cycle.
  bool add(const connection_spec& c) {
    if (closes_cycle(c.from_model, c.from_boundary, c.to_model, c.to_boundary)) return false;
    out_[id(c.from_model, c.from_boundary)].push_back(id(c.to_model, c.to_boundary));
    g_.connections.push_back(c);
    return true;
  }

private:
  std::size_t id(std::size_t m, std::size_t k) const { return offset_[m] + k; }
  bool reaches(std::size_t from, std::size_t to) {
    seen_.assign(V_, 0);
    stack_.assign(1, from);
    while (!stack_.empty()) {
      const std::size_t v = stack_.back();
      stack_.pop_back();
      if (v == to) return true;
      if (seen_[v]) continue;
      seen_[v] = 1;
      if (!last_[v]) stack_.push_back(v + 1);  // the next block of the same model
      for (std::size_t w : out_[v]) stack_.push_back(w);
    }
    return false;
  }

  graph_spec& g_;
  std::size_t V_ = 0;
  std::vector<std::size_t> offset_, stack_;
  std::vector<std::vector<std::size_t>> out_;
  std::vector<char> seen_, last_;  ///< last_[v]: v is its model's final boundary
};

/// The validated, immutable block graph. Node (m, k) is boundary k ∈ [0, B_m] of model m.
class block_graph {
public:
  /// Validates spec (every field, index and aggregate; invalid_input names the first bad one) and builds the indexes. O(V + C + H + S²).
  explicit block_graph(graph_spec spec) : g_(std::move(spec)) {
    validate_servers_links();
    validate_models();
    build_nodes();
    validate_heads();
    validate_connections();
    validate_services();
    validate_aggregates();
    build_order();
    // Per service, the load every server carries for the other services.
    load_without_.assign(g_.services.size(), std::vector<double>(g_.servers.size(), 0.0));
    for (std::size_t l = 0; l < g_.services.size(); ++l)
      for (std::size_t o = 0; o < g_.services.size(); ++o)
        if (o != l) load_without_[l][server_of(g_.services[o].model)] += g_.services[o].arrival_rate * service_flops(o);
    conn_depth_.resize(g_.connections.size());
    for (std::size_t c = 0; c < g_.connections.size(); ++c) {
      const connection_spec& cn = g_.connections[c];
      conn_depth_[c] = {depth(cn.from_model, cn.from_boundary), depth(cn.to_model, cn.to_boundary)};
    }
  }

  /// The spec, as given.
  const graph_spec& spec() const noexcept { return g_; }
  /// Number of servers S.
  std::size_t num_servers() const noexcept { return g_.servers.size(); }
  /// Number of models.
  std::size_t num_models() const noexcept { return g_.models.size(); }
  /// Number of directed links.
  std::size_t num_links() const noexcept { return g_.links.size(); }
  /// Number of nodes (boundaries over all models: Σ_m (B_m + 1)).
  std::size_t num_nodes() const noexcept { return node_model_.size(); }
  /// B_m, the number of blocks of model m.
  std::size_t blocks(std::size_t m) const noexcept { return g_.models[m].blocks.size(); }
  /// The node id of boundary k of model m.
  std::size_t node(std::size_t m, std::size_t k) const noexcept { return offset_[m] + k; }
  /// The model of node v.
  std::size_t node_model(std::size_t v) const noexcept { return node_model_[v]; }
  /// The boundary of node v within its model.
  std::size_t node_boundary(std::size_t v) const noexcept { return v - offset_[node_model(v)]; }
  /// The server model m runs on.
  std::size_t server_of(std::size_t m) const noexcept { return g_.models[m].server; }
  /// w_{m,k} for k ∈ [1, B_m].
  double block_flops(std::size_t m, std::size_t k) const noexcept { return g_.models[m].blocks[k - 1].flops; }
  /// d_{m,k}: the tensor at boundary k (k = 0: the input).
  double boundary_bytes(std::size_t m, std::size_t k) const noexcept {
    const model_spec& md = g_.models[m];
    return k == 0 ? md.input_bytes : md.blocks[k - 1].output_bytes;
  }
  /// Σ_{q ≤ k} w_{m,q}: the work of model m's first k blocks.
  double prefix_flops(std::size_t m, std::size_t k) const noexcept { return prefix_[node(m, k)]; }
  /// The depth of boundary k of model m: the share of the trunk's work done before it, in [0, 1].
  double depth(std::size_t m, std::size_t k) const noexcept { return prefix_flops(m, k) / prefix_flops(m, blocks(m)); }
  /// depth() at connection c's two boundaries, precomputed: {from, to}. O(1).
  std::pair<double, double> connection_depths(std::size_t c) const noexcept { return conn_depth_[c]; }
  /// W_m: all blocks plus the original head.
  double model_flops(std::size_t m) const noexcept {
    return prefix_flops(m, blocks(m)) + g_.heads[original_head(m)].flops;
  }
  /// The index of model m's original head.
  std::size_t original_head(std::size_t m) const noexcept { return original_head_[m]; }
  /// The link from → to, or nullopt.
  std::optional<std::size_t> link(std::size_t from, std::size_t to) const noexcept {
    const std::size_t e = link_table_[from * num_servers() + to];
    return e == npos ? std::nullopt : std::optional<std::size_t>(e);
  }
  /// Link id, or npos when from == to or no link exists (callers validated the latter).
  std::size_t link_or_none(std::size_t from, std::size_t to) const noexcept { return link_table_[from * num_servers() + to]; }
  /// The nodes in a topological order of block edges and connections.
  std::span<const std::size_t> topological_order() const noexcept { return order_; }
  /// The connections leaving node v (indices into spec().connections).
  std::span<const std::size_t> connections_from(std::size_t v) const noexcept {
    const auto b = static_cast<std::size_t>(conn_start_[v]), e = static_cast<std::size_t>(conn_start_[v + 1]);
    return std::span<const std::size_t>(conn_list_).subspan(b, e - b);
  }
  /// The heads at node v (indices into spec().heads).
  std::span<const std::size_t> heads_at(std::size_t v) const noexcept {
    const auto b = static_cast<std::size_t>(head_start_[v]), e = static_cast<std::size_t>(head_start_[v + 1]);
    return std::span<const std::size_t>(head_list_).subspan(b, e - b);
  }
  /// The service of model m, or npos.
  std::size_t service_of_model(std::size_t m) const noexcept { return service_of_model_[m]; }
  /// W_l of service l.
  double service_flops(std::size_t l) const noexcept { return model_flops(g_.services[l].model); }
  /// R_s = max(0, ρ̄μ_s − ℓ_s − Σ_{l'≠l, σ_l' = s} λ_l' W_l').
  /// O(1): the other services' load is the per-server total minus service l's own share.
  double residual_flops(std::size_t s, std::size_t service, double rho_bar) const noexcept {
    const server_spec& sv = g_.servers[s];
    const double r = rho_bar * sv.capacity_flops - sv.background_flops - other_load(s, service);
    return r > 0 ? r : 0;
  }
  /// Σ_{l'≠l, σ_l' = s} λ_l' W_l' (FLOP/s), summed in service order without l. O(1).
  double other_load(std::size_t s, std::size_t service) const noexcept {
    const auto& v = load_without_[service];
    return v[s];
  }

private:
  std::size_t S() const noexcept { return num_servers(); }
  void check_server(const char* field, std::size_t i, std::size_t s) const {
    if (s >= S()) detail::fail("block_graph", concat(field, "[", i, "]"), s, concat("unknown server (", S(), " servers)"));
  }
  void validate_servers_links() {
    if (g_.servers.empty()) detail::fail("block_graph", "servers.size()", 0, "must be >= 1");
    for (std::size_t s = 0; s < g_.servers.size(); ++s) {
      const server_spec& v = g_.servers[s];
      if (!(v.capacity_flops > 0) || !std::isfinite(v.capacity_flops))
        detail::fail("block_graph", concat("servers[", s, "].capacity_flops"), v.capacity_flops, "must be finite and > 0");
      if (!detail::finite_nonneg(v.background_flops) || v.background_flops >= v.capacity_flops)
        detail::fail("block_graph", concat("servers[", s, "].background_flops"), v.background_flops, concat("must be >= 0 and < capacity_flops = ", v.capacity_flops));
    }
    link_table_.assign(S() * S(), npos);
    for (std::size_t e = 0; e < g_.links.size(); ++e) {
      const link_spec& l = g_.links[e];
      if (l.from >= S()) detail::fail("block_graph", concat("links[", e, "].from"), l.from, concat("unknown server (", S(), " servers)"));
      if (l.to >= S()) detail::fail("block_graph", concat("links[", e, "].to"), l.to, concat("unknown server (", S(), " servers)"));
      if (l.from == l.to) detail::fail("block_graph", concat("links[", e, "].to"), l.to, "self-loop");
      if (!(l.bandwidth_bps > 0)) detail::fail("block_graph", concat("links[", e, "].bandwidth_bps"), l.bandwidth_bps, "must be > 0 (+inf allowed)");
      if (!detail::finite_nonneg(l.latency_s)) detail::fail("block_graph", concat("links[", e, "].latency_s"), l.latency_s, "must be finite and >= 0");
      std::size_t& slot = link_table_[l.from * S() + l.to];
      if (slot != npos) detail::fail("block_graph", concat("links[", e, "]"), concat(l.from, " -> ", l.to), concat("duplicates links[", slot, "]"));
      slot = e;
    }
  }
  void validate_models() {
    if (g_.models.empty()) detail::fail("block_graph", "models.size()", 0, "must be >= 1");
    for (std::size_t m = 0; m < g_.models.size(); ++m) {
      const model_spec& md = g_.models[m];
      check_server("models", m, md.server);
      if (md.blocks.empty()) detail::fail("block_graph", concat("models[", m, "].blocks.size()"), 0, "must be >= 1");
      if (!detail::finite_nonneg(md.input_bytes)) detail::fail("block_graph", concat("models[", m, "].input_bytes"), md.input_bytes, "must be finite and >= 0");
      if (!detail::unit_interval(md.accuracy)) detail::fail("block_graph", concat("models[", m, "].accuracy"), md.accuracy, "must lie in [0,1]");
      for (std::size_t k = 0; k < md.blocks.size(); ++k) {
        if (!(md.blocks[k].flops > 0) || !std::isfinite(md.blocks[k].flops))
          detail::fail("block_graph", concat("models[", m, "].blocks[", k, "].flops"), md.blocks[k].flops, "must be finite and > 0");
        if (!detail::finite_nonneg(md.blocks[k].output_bytes))
          detail::fail("block_graph", concat("models[", m, "].blocks[", k, "].output_bytes"), md.blocks[k].output_bytes, "must be finite and >= 0");
      }
    }
  }
  void build_nodes() {
    std::size_t n = 0;
    for (std::size_t m = 0; m < g_.models.size(); ++m) {
      offset_.push_back(n);
      double sum = 0;
      for (std::size_t k = 0; k <= g_.models[m].blocks.size(); ++k) {
        if (k > 0) sum += g_.models[m].blocks[k - 1].flops;
        node_model_.push_back(m), prefix_.push_back(sum);
      }
      n += g_.models[m].blocks.size() + 1;
    }
  }
  void validate_heads() {
    original_head_.assign(g_.models.size(), npos);
    std::vector<std::vector<std::size_t>> at(num_nodes());
    for (std::size_t h = 0; h < g_.heads.size(); ++h) {
      const head_spec& hd = g_.heads[h];
      if (hd.model >= num_models()) detail::fail("block_graph", concat("heads[", h, "].model"), hd.model, concat("unknown model (", num_models(), " models)"));
      const model_spec& md = g_.models[static_cast<std::size_t>(hd.model)];
      const auto B = md.blocks.size();
      if (hd.boundary < 1 || hd.boundary > B) detail::fail("block_graph", concat("heads[", h, "].boundary"), hd.boundary, concat("must lie in [1,", B, "]"));
      if (!detail::finite_nonneg(hd.flops)) detail::fail("block_graph", concat("heads[", h, "].flops"), hd.flops, "must be finite and >= 0");
      if (!detail::finite_nonneg(hd.output_bytes)) detail::fail("block_graph", concat("heads[", h, "].output_bytes"), hd.output_bytes, "must be finite and >= 0");
      if (!detail::unit_interval(hd.accuracy_penalty)) detail::fail("block_graph", concat("heads[", h, "].accuracy_penalty"), hd.accuracy_penalty, "must lie in [0,1]");
      if (hd.accuracy && !detail::unit_interval(*hd.accuracy)) detail::fail("block_graph", concat("heads[", h, "].accuracy"), *hd.accuracy, "must lie in [0,1]");
      switch (hd.kind) {
        case head_kind::original:
          if (hd.boundary != B || hd.task != md.task)
            detail::fail("block_graph", concat("heads[", h, "] (boundary, task)"), concat("(", hd.boundary, ", ", hd.task, ")"),
                         concat("the original head of models[", hd.model, "] ('", md.name, "') must sit at boundary ", B, " with task ", md.task));
          if (original_head_[static_cast<std::size_t>(hd.model)] != npos)
            detail::fail("block_graph", concat("heads[", h, "].model"), hd.model,
                         concat("already has its original head heads[", original_head_[static_cast<std::size_t>(hd.model)], "] ('", md.name, "')"));
          if (hd.accuracy && *hd.accuracy != md.accuracy)
            detail::fail("block_graph", concat("heads[", h, "].accuracy"), *hd.accuracy, concat("an original head's accuracy must equal models[", hd.model, "].accuracy = ", md.accuracy));
          original_head_[static_cast<std::size_t>(hd.model)] = h;
          break;
        case head_kind::extra:
          if (hd.accuracy) detail::fail("block_graph", concat("heads[", h, "].accuracy"), *hd.accuracy, "must be empty for kind=extra; use measured_table");
          break;
        case head_kind::early_exit:
          if (!hd.accuracy) detail::fail("block_graph", concat("heads[", h, "].accuracy"), "empty", "required for kind=early_exit");
          if (hd.task != md.task) detail::fail("block_graph", concat("heads[", h, "].task"), hd.task, concat("an early exit must keep its model's task ", md.task));
          break;
      }
      at[node(hd.model, hd.boundary)].push_back(h);
    }
    for (std::size_t m = 0; m < g_.models.size(); ++m)
      if (original_head_[m] == npos)
        detail::fail("block_graph", concat("original heads of models[", m, "] ('", g_.models[m].name, "')"), 0,
                     concat("must be 1 (kind=original at boundary ", g_.models[m].blocks.size(), " with task ", g_.models[m].task, ")"));
    to_csr(at, head_start_, head_list_);
  }
  void validate_connections() {
    std::vector<std::vector<std::size_t>> from(num_nodes());
    for (std::size_t c = 0; c < g_.connections.size(); ++c) {
      const connection_spec& cn = g_.connections[c];
      if (cn.from_model >= num_models()) detail::fail("block_graph", concat("connections[", c, "].from_model"), cn.from_model, concat("unknown model (", num_models(), " models)"));
      if (cn.to_model >= num_models()) detail::fail("block_graph", concat("connections[", c, "].to_model"), cn.to_model, concat("unknown model (", num_models(), " models)"));
      if (cn.from_boundary > blocks(cn.from_model))
        detail::fail("block_graph", concat("connections[", c, "].from_boundary"), cn.from_boundary, concat("must lie in [0,", blocks(cn.from_model), "]"));
      // The landing boundary feeds block to_boundary + 1, which must exist.
      if (cn.to_boundary >= blocks(cn.to_model))
        detail::fail("block_graph", concat("connections[", c, "].to_boundary"), cn.to_boundary, concat("must lie in [0,", blocks(cn.to_model) - 1, "] (it feeds block to_boundary + 1)"));
      if (cn.from_model == cn.to_model && cn.to_boundary <= cn.from_boundary)
        detail::fail("block_graph", concat("connections[", c, "].to_boundary"), cn.to_boundary, concat("must be > from_boundary = ", cn.from_boundary, " within models[", cn.from_model, "]"));
      if (!detail::finite_nonneg(cn.adapter_flops)) detail::fail("block_graph", concat("connections[", c, "].adapter_flops"), cn.adapter_flops, "must be finite and >= 0");
      if (!detail::unit_interval(cn.accuracy_penalty)) detail::fail("block_graph", concat("connections[", c, "].accuracy_penalty"), cn.accuracy_penalty, "must lie in [0,1]");
      const std::size_t a = server_of(cn.from_model), b = server_of(cn.to_model);
      if (a != b && link_or_none(a, b) == npos) detail::fail("block_graph", concat("connections[", c, "] (servers)"), concat(a, " -> ", b), "needs a link between the servers");
      from[node(cn.from_model, cn.from_boundary)].push_back(c);
    }
    to_csr(from, conn_start_, conn_list_);
  }
  /// The aggregate rule (docs/reliability.md): every server load, link volume and time any path
  /// or split can form is at most (Σ all FLOP)·(Σ λ) on a server, (Σ all bytes)·8·(Σ λ) on a link,
  /// and (Σ all FLOP)/(smallest spare capacity) or (Σ all bytes)·8/(smallest bandwidth) in
  /// seconds, and no throughput exceeds (largest capacity)/(smallest block FLOP); these bounds
  /// must be finite. (Found by fuzzing: a block of DBL_MAX FLOP at λ = 7 made λ·load overflow,
  /// and label setting and brute force then disagreed.)
  void validate_aggregates() const {
    double flops = 0, bytes = 0, rate = 0, spare = INFINITY, bandwidth = INFINITY, smallest_block = INFINITY, capacity = 0;
    for (const model_spec& md : g_.models) {
      bytes += md.input_bytes;
      for (const block_spec& b : md.blocks) flops += b.flops, bytes += b.output_bytes, smallest_block = std::min(smallest_block, b.flops);
    }
    for (const server_spec& v : g_.servers) capacity = std::max(capacity, v.capacity_flops);
    for (const head_spec& h : g_.heads) flops += h.flops, bytes += h.output_bytes;
    for (const connection_spec& c : g_.connections) flops += c.adapter_flops;
    for (const service_spec& sv : g_.services) rate += sv.arrival_rate;
    for (const server_spec& v : g_.servers) spare = std::min(spare, v.capacity_flops - v.background_flops);
    for (const link_spec& l : g_.links) bandwidth = std::min(bandwidth, l.bandwidth_bps);
    const double bits = 8 * bytes;
    auto need = [](const char* what, double v) {
      if (!std::isfinite(v)) detail::fail("block_graph", concat(what), v, "must be finite (the FLOP, byte or rate sums are too large for double precision)");
    };
    need("the sum of all block, head and adapter FLOP", flops);
    need("8 x the sum of all input and output bytes", bits);
    need("the sum of arrival rates", rate);
    need("sum of FLOP x sum of arrival rates", flops * rate);
    need("sum of bits x sum of arrival rates", bits * rate);
    need("sum of FLOP / the smallest spare capacity", flops / spare);
    // Throughputs are capacity / FLOP: a subnormal block (4.9e-324 FLOP) made them inf, and
    // branch and bound then pruned the best path (found by fuzzing).
    need("the largest capacity / the smallest block FLOP", capacity / smallest_block);
    if (std::isfinite(bandwidth)) need("sum of bits / the smallest link bandwidth", bits / bandwidth);
  }
  void validate_services() {
    if (g_.services.empty()) detail::fail("block_graph", "services.size()", 0, "must be >= 1");
    service_of_model_.assign(g_.models.size(), npos);
    for (std::size_t l = 0; l < g_.services.size(); ++l) {
      const service_spec& sv = g_.services[l];
      if (sv.model >= num_models()) detail::fail("block_graph", concat("services[", l, "].model"), sv.model, concat("unknown model (", num_models(), " models)"));
      if (service_of_model_[static_cast<std::size_t>(sv.model)] != npos)
        detail::fail("block_graph", concat("services[", l, "].model"), sv.model, concat("already used by services[", service_of_model_[static_cast<std::size_t>(sv.model)], "]"));
      if (!(sv.arrival_rate > 0) || !std::isfinite(sv.arrival_rate)) detail::fail("block_graph", concat("services[", l, "].arrival_rate"), sv.arrival_rate, "must be finite and > 0");
      service_of_model_[static_cast<std::size_t>(sv.model)] = l;
      // Every head whose task is the service's, on another server, must be able to return results.
      const std::size_t home = server_of(sv.model), task = g_.models[static_cast<std::size_t>(sv.model)].task;
      for (std::size_t h = 0; h < g_.heads.size(); ++h) {
        const std::size_t s = server_of(g_.heads[h].model);
        if (g_.heads[h].task == task && s != home && link_or_none(s, home) == npos)
          detail::fail("block_graph", concat("heads[", h, "] (server)"), s, concat("needs a link to server ", home, ", the home of task ", task, ", to return results"));
      }
    }
  }
  /// Kahn over block edges and connections; on a cycle, report one found by DFS.
  void build_order() {
    const auto V = num_nodes();
    std::vector<std::size_t> indeg(V, 0);
    auto succ = [&](std::size_t v, auto&& f) {
      const std::size_t m = node_model(v), k = node_boundary(v);
      if (k < blocks(m)) f(v + 1, npos);
      for (std::size_t c : connections_from(v)) {
        const connection_spec& cn = g_.connections[c];
        f(node(cn.to_model, cn.to_boundary), c);
      }
    };
    for (std::size_t v = 0; v < V; ++v) succ(v, [&](std::size_t w, std::size_t) { ++indeg[w]; });
    std::vector<std::size_t> ready;
    for (std::size_t v = V; v-- > 0;)
      if (indeg[v] == 0) ready.push_back(v);
    while (!ready.empty()) {
      const std::size_t v = ready.back();
      ready.pop_back();
      order_.push_back(v);
      succ(v, [&](std::size_t w, std::size_t) {
        if (--indeg[w] == 0) ready.push_back(w);
      });
    }
    if (order_.size() == V) return;
    // A DFS restricted to the remaining nodes finds a cycle.
    std::vector<int> color(V, 0);
    std::vector<std::pair<std::size_t, std::size_t>> stack;  // (node, connection that led here or −1)
    std::string cycle;
    auto name = [&](std::size_t v) { return concat("models[", node_model(v), "]@", node_boundary(v)); };
    std::vector<std::size_t> parent(V, npos), via(V, npos);
    for (std::size_t s = 0; s < V && cycle.empty(); ++s) {
      if (indeg[s] == 0 || color[s]) continue;
      std::vector<std::size_t> st{s};
      while (!st.empty() && cycle.empty()) {
        const std::size_t v = st.back();
        if (color[static_cast<std::size_t>(v)] == 0) {
          color[static_cast<std::size_t>(v)] = 1;
          succ(v, [&](std::size_t w, std::size_t c) {
            if (!cycle.empty() || indeg[w] == 0) return;
            if (color[w] == 1) {  // back edge v -> w closes a cycle
              std::vector<std::size_t> chain;                     // v, parent(v), ..., w
              for (std::size_t u = v; u != w; u = parent[u]) chain.push_back(u);
              auto arrow = [&](std::size_t how) { return how == npos ? std::string(" -> ") : concat(" -c", how, "-> "); };
              cycle = name(w);
              for (std::size_t i = chain.size(); i-- > 0;) cycle += arrow(via[chain[i]]) + name(chain[i]);
              cycle += arrow(c) + name(w);
            } else if (color[w] == 0) {
              parent[w] = v, via[w] = c;
              st.push_back(w);
            }
          });
        } else {
          color[static_cast<std::size_t>(v)] = 2;
          st.pop_back();
        }
      }
    }
    detail::fail("block_graph", "connections", cycle, "must not form a cycle");
  }
  static void to_csr(const std::vector<std::vector<std::size_t>>& lists, std::vector<std::size_t>& start, std::vector<std::size_t>& flat) {
    start.assign(lists.size() + 1, 0);
    for (std::size_t v = 0; v < lists.size(); ++v) start[v + 1] = start[v] + lists[v].size();
    for (const auto& l : lists) flat.insert(flat.end(), l.begin(), l.end());
  }

  graph_spec g_;
  std::vector<std::size_t> offset_, node_model_, original_head_, link_table_, conn_start_, conn_list_, head_start_, head_list_, order_, service_of_model_;
  std::vector<double> prefix_;
  std::vector<std::vector<double>> load_without_;
  std::vector<std::pair<double, double>> conn_depth_;  ///< per connection: depth at from, at to
};

}  // namespace idn::path
