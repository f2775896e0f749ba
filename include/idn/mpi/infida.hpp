#pragma once
/// INFIDA's node agents across MPI ranks (component idn::mpi; docs/alloc-distributed.md).
///
/// Every rank holds the compiled instance and the node agents (alloc/distributed.hpp) of the nodes
/// it owns. A slot runs the agents' protocol unchanged: each active type's forward message is
/// opened at its ingress node, relayed hop by hop to its closing node, closed there, and the
/// backward message is absorbed hop by hop on the way back. Hops between nodes of one rank are
/// function calls; hops between ranks travel in rounds, one batched exchange per round
/// (MPI_Ialltoall of byte counts, MPI_Ialltoallv of the messages, one MPI_Iallreduce to detect the
/// end), so a message never waits for a round trip of its own. Types open in waves, so ranks work
/// on different waves in the same round (a pipeline). Agents end the slot locally.
///
/// Results are bit-identical to the in-process agents and so to the centralized `infida`: the
/// agents compute y and x from the same values in the same order whatever the rank layout, and
/// the slot's gains and per-node metrics are gathered to rank 0 and summed in type and node order,
/// as alloc::run_slot sums them.
///
/// Faults: every wait polls its nonblocking operation against a deadline; a rank that dies or a
/// message that never arrives raises mpi::timeout_error naming the rank, the slot and the phase
/// instead of hanging (the caller should then MPI_Abort: the other ranks may still wait).
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "idn/alloc/distributed.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::mpi {

/// A collective that did not complete before its deadline.
class timeout_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The owner rank of every node: nodes in order of the first request type whose path contains
/// them (ties by node id), cut into `ranks` contiguous blocks of about equal work. A node's work
/// is its option entries (relayed and absorbed every slot) plus every entry of the types it
/// closes (sorted and scanned there). For tiered IDNs, whose types are numbered by ingress node,
/// that order is a depth-first walk of the tree, so blocks are subtrees and only paths that
/// leave a subtree cross ranks. O(E + N log N).
inline std::vector<int> partition_nodes(const alloc::instance& in, int ranks) {
  if (ranks < 1) reject("mpi::partition_nodes", "ranks", ranks, "must be >= 1");
  const std::size_t N = in.num_nodes();
  std::vector<std::size_t> first(N, in.num_types());
  for (std::size_t t = 0; t < in.num_types(); ++t)
    for (const alloc::node_id v : in.type_path(static_cast<alloc::type_id>(t))) first[v] = std::min(first[v], t);
  std::vector<alloc::node_id> order(N);
  std::iota(order.begin(), order.end(), alloc::node_id{0});
  std::stable_sort(order.begin(), order.end(), [&](alloc::node_id a, alloc::node_id b) { return first[a] < first[b]; });
  // Work per node (a node with none still costs a little).
  std::vector<double> weight(N, 1.0);
  const auto ev = in.entry_var();
  const auto vn = in.var_node();
  for (std::size_t e = 0; e < in.num_entries(); ++e) weight[vn[ev[e]]] += 1;
  const auto tb = in.type_begin();
  for (std::size_t t = 0; t < in.num_types(); ++t) weight[in.type_path(static_cast<alloc::type_id>(t)).back()] += tb[t + 1] - tb[t];
  const double total = std::accumulate(weight.begin(), weight.end(), 0.0);
  // Cut by cumulative work, but never skip a rank and leave enough nodes for the ranks still to
  // come (a node heavier than 1/ranks of the work — the cloud of a tiered IDN — gets a rank of
  // its own rather than leaving one empty); with fewer nodes than ranks, some ranks own none.
  std::vector<int> owner(N, 0);
  double seen = 0;
  int prev = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const alloc::node_id v = order[i];
    int r = std::min(ranks - 1, static_cast<int>(seen / total * ranks));
    if (i > 0) r = std::min(r, prev + 1);
    r = std::max(r, ranks - static_cast<int>(std::min<std::size_t>(N - i, static_cast<std::size_t>(ranks))));
    if (i == 0) r = std::min(r, 0);
    owner[v] = prev = r;
    seen += weight[v];
  }
  return owner;
}

/// One slot as this rank saw it. metrics is complete on rank 0 (the others hold zeros).
struct slot_report {
  alloc::slot_metrics metrics;
  std::size_t messages = 0;          ///< neighbour messages this rank's nodes sent (forward + backward)
  std::size_t remote_messages = 0;   ///< of those, to a node on another rank
  std::size_t bytes_sent = 0;        ///< MPI payload bytes this rank sent (messages only)
  std::size_t rounds = 0;            ///< exchange rounds (forward + backward)
  double seconds = 0;                ///< wall time of the slot on this rank
  double wait_seconds = 0;           ///< of which waiting in MPI (the rest is the agents' work)
};

/// The agents of one rank. Collective: every rank constructs it with the same instance, options
/// and owner map, and calls run_slot with the same batch.
class rank_agents {
public:
  /// owner: partition_nodes(in, size) when empty. timeout: per wait. waves: how many waves the
  /// types open in (pipeline depth; 1 = all at once). `in` is referenced, not copied: it must
  /// outlive the agents.
  rank_agents(MPI_Comm comm, const alloc::instance& in, const alloc::infida_options& o, std::vector<int> owner = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60), std::size_t waves = 8)
      : comm_(comm), in_(in), timeout_(timeout), waves_(waves) {
    MPI_Comm_rank(comm, &rank_);
    MPI_Comm_size(comm, &size_);
    owner_ = owner.empty() ? partition_nodes(in, size_) : std::move(owner);
    if (owner_.size() != in.num_nodes())
      reject("mpi::rank_agents", "owner.size()", owner_.size(), concat("must equal num_nodes = ", in.num_nodes()));
    for (std::size_t v = 0; v < owner_.size(); ++v)
      if (owner_[v] < 0 || owner_[v] >= size_)
        reject("mpi::rank_agents", concat("owner[", v, "]"), owner_[v], concat("must lie in [0, ", size_, ") (the communicator size)"));
    slot_of_.assign(in.num_nodes(), -1);
    const auto closing = alloc::node_agent::closing_types(in);
    for (alloc::node_id v{0}; v < in.num_nodes(); ++v)
      if (owner_[v] == rank_) slot_of_[v] = static_cast<std::int32_t>(agents_.size()), agents_.emplace_back(in, v, o, closing[v]), nodes_.push_back(v);
    // Ranks build their agents at different speeds: the first slot's deadlines start together.
    MPI_Barrier(comm_);
  }

  /// This process's rank.
  int rank() const noexcept { return rank_; }
  /// The communicator's size.
  int size() const noexcept { return size_; }
  /// The owning rank of every node.
  std::span<const int> owner() const noexcept { return owner_; }
  /// The nodes this rank owns, increasing.
  std::span<const alloc::node_id> nodes() const noexcept { return nodes_; }
  /// The agent of node v, which this rank must own.
  const alloc::node_agent& agent(alloc::node_id v) const {
    if (v >= slot_of_.size() || slot_of_[v] < 0)
      reject("mpi::rank_agents::agent", "v", v, concat("must be a node owned by this rank ", rank_));
    return agents_[static_cast<std::size_t>(slot_of_[v])];
  }

  /// One slot (collective). The batch must be the same on every rank.
  slot_report run_slot(const alloc::batch& b) {
    const auto t0 = std::chrono::steady_clock::now();
    waited_ = 0;
    if (b.instance_uid() != in_.uid()) reject("mpi::rank_agents::run_slot", "b.instance_uid()", b.instance_uid(), concat("must be in.uid() = ", in_.uid(), " (the batch was made by another instance)"));
    slot_report rep;
    closures_.clear();
    forward_.clear(), backward_.clear();
    // Types open in `waves` waves (by type id), one per round, and every round moves every
    // message, forward or backward, as far as this rank's nodes take it. So while the rank of a
    // closing node closes wave w, the others already relay wave w + 1: a pipeline, not two
    // sequential phases. relay, close and absorb of different types touch disjoint entries, so
    // the order changes nothing in the results.
    const std::size_t M = in_.num_types(), W = std::max<std::size_t>(1, std::min(waves_, M));
    for (std::size_t wave = 0;; ++wave) {
      if (wave < W)
        for (std::size_t t = wave * M / W; t < (wave + 1) * M / W; ++t) {
          const double r = b.requests()[static_cast<Eigen::Index>(t)];
          if (r <= 0) continue;
          const auto path = in_.type_path(static_cast<alloc::type_id>(t));
          if (owner_[path.front()] == rank_) forward_.push_back({agents_[local(path.front())].open(static_cast<alloc::type_id>(t), r), 0});
        }
      clear_outbox();
      for (in_flight& f : forward_) relay_forward(f, b, rep);
      for (const back_flight& f : backward_) relay_backward(f, rep);
      forward_.clear(), backward_.clear();
      if (exchange(rep, "exchange")) take_messages();
      else if (wave + 1 >= W) break;
    }
    // End of slot on every local agent, then the slot's totals on rank 0 in run_slot's order.
    node_metrics_.clear();
    for (std::size_t k = 0; k < agents_.size(); ++k) {
      const alloc::slot_metrics m = agents_[k].end_slot();
      node_metrics_.push_back({static_cast<double>(nodes_[k]), static_cast<double>(m.loads), static_cast<double>(m.unloads), m.loaded_bytes, m.reconfiguration_cost,
                               m.budget_excess_bytes, static_cast<double>(m.repairs)});
    }
    gather_totals(b, rep);
    ++slot_;
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rep.wait_seconds = waited_;
    return rep;
  }

  /// y and x in global variable order, gathered on `root` (collective; other ranks get empty).
  void gather_allocation(std::vector<double>& y, std::vector<double>& x, int root = 0) {
    std::vector<double> mine;
    for (std::size_t k = 0; k < agents_.size(); ++k) {
      const auto f = agents_[k].fractional(), a = agents_[k].allocation();
      mine.insert(mine.end(), f.begin(), f.end());
      mine.insert(mine.end(), a.begin(), a.end());
    }
    const std::vector<double> all = gather_doubles(mine, root, "gather_allocation");
    y.clear(), x.clear();
    if (rank_ != root) return;
    y.assign(in_.num_vars(), 0.0), x.assign(in_.num_vars(), 0.0);
    // Ranks' blocks arrive in rank order; within a block, the rank's nodes in increasing id.
    std::size_t pos = 0;
    for (int r = 0; r < size_; ++r)
      for (alloc::node_id v{0}; v < in_.num_nodes(); ++v) {
        if (owner_[v] != r) continue;
        const std::uint32_t b0 = in_.node_begin()[v], n = in_.node_begin()[v + 1] - b0;
        std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(pos), n, y.begin() + b0);
        std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(pos + n), n, x.begin() + b0);
        pos += 2 * n;
      }
  }

private:
  struct in_flight {
    alloc::forward_message msg;
    std::size_t hop;
  };
  struct back_flight {
    alloc::backward_message msg;
    std::uint32_t hop;
  };
  struct gains {
    alloc::type_id type;
    double fractional, integral;
  };
  struct node_row {
    double node, loads, unloads, loaded_bytes, reconfiguration_cost, budget_excess_bytes, repairs;
  };

  std::size_t local(alloc::node_id v) const noexcept { return static_cast<std::size_t>(slot_of_[v]); }

  /// Relays a forward message through this rank's nodes of its path; closes it at the closing
  /// node (its backward message joins backward_ for this round) or queues it for another rank.
  void relay_forward(in_flight& f, const alloc::batch& b, slot_report& rep) {
    const auto path = in_.type_path(f.msg.type);
    while (true) {
      alloc::node_agent& a = agents_[local(path[f.hop])];
      a.relay(f.msg, b);
      if (f.hop + 1 == path.size()) {
        const alloc::closure c = a.close(f.msg);
        closures_.push_back({f.msg.type, c.fractional_gain, c.integral_gain});
        backward_.push_back({c.back, static_cast<std::uint32_t>(path.size() - 1)});
        return;
      }
      ++rep.messages;
      ++f.hop;
      const int to = owner_[path[f.hop]];
      if (to != rank_) {
        ++rep.remote_messages;
        return put_forward(to, f);
      }
    }
  }
  /// Absorbs a backward message at this rank's nodes of its path, towards the ingress node.
  void relay_backward(back_flight f, slot_report& rep) {
    const auto path = in_.type_path(f.msg.type);
    while (true) {
      agents_[local(path[f.hop])].absorb(f.msg);
      if (f.hop == 0) return;
      ++rep.messages;
      --f.hop;
      const int to = owner_[path[f.hop]];
      if (to != rank_) {
        ++rep.remote_messages;
        return put_backward(to, f);
      }
    }
  }

  // Messages as bytes: forward [0 u8][type u32][hop u32][requests f64][n u32][n × (rank u32, l̃,
  // y, x)], backward [1 u8][type u32][hop u32][C* f64].
  template <class T>
  static void put(std::vector<char>& out, const T& v) {
    const std::size_t at = out.size();
    out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
  }
  template <class T>
  static T get(const char*& p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  void clear_outbox() {
    outbox_.resize(static_cast<std::size_t>(size_));
    for (auto& o : outbox_) o.clear();
  }
  void put_forward(int to, const in_flight& f) {
    auto& o = outbox_[static_cast<std::size_t>(to)];
    put(o, std::uint8_t{0}), put(o, static_cast<std::uint32_t>(f.msg.type)), put(o, static_cast<std::uint32_t>(f.hop)), put(o, f.msg.requests);
    put(o, static_cast<std::uint32_t>(f.msg.reports.size()));
    for (const alloc::option_report& r : f.msg.reports) put(o, r.rank), put(o, r.capacity), put(o, r.y), put(o, r.x);
  }
  void put_backward(int to, const back_flight& f) {
    auto& o = outbox_[static_cast<std::size_t>(to)];
    put(o, std::uint8_t{1}), put(o, static_cast<std::uint32_t>(f.msg.type)), put(o, f.hop), put(o, f.msg.marginal_cost);
  }
  /// Decodes the round's inbox into forward_ and backward_.
  void take_messages() {
    for (const char *p = inbox_.data(), *end = inbox_.data() + inbox_.size(); p < end;) {
      if (get<std::uint8_t>(p) == 0) {
        in_flight f;
        f.msg.type = static_cast<alloc::type_id>(get<std::uint32_t>(p));
        f.hop = get<std::uint32_t>(p);
        f.msg.requests = get<double>(p);
        const auto n = get<std::uint32_t>(p);
        for (std::uint32_t k = 0; k < n; ++k) {
          alloc::option_report r;
          r.rank = get<std::uint32_t>(p), r.capacity = get<double>(p), r.y = get<double>(p), r.x = get<double>(p);
          f.msg.reports.push_back(r);
        }
        forward_.push_back(std::move(f));
      } else {
        back_flight f;
        f.msg.type = static_cast<alloc::type_id>(get<std::uint32_t>(p));
        f.hop = get<std::uint32_t>(p);
        f.msg.marginal_cost = get<double>(p);
        backward_.push_back(f);
      }
    }
  }

  /// Waits for a nonblocking operation until the deadline, yielding the core between polls (ranks
  /// may share cores); throws timeout_error naming the phase.
  void wait(MPI_Request& r, const char* phase) {
    const auto start = std::chrono::steady_clock::now(), deadline = start + timeout_;
    int done = 0;
    while (true) {
      MPI_Test(&r, &done, MPI_STATUS_IGNORE);
      if (done) {
        waited_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return;
      }
      std::this_thread::yield();
      if (std::chrono::steady_clock::now() > deadline)
        throw timeout_error(concat("idn::mpi: rank ", rank_, ", slot ", slot_, ", ", phase, ": no progress within ",
                                   std::chrono::duration<double>(timeout_).count(), " s (a rank died or a message was lost)"));
    }
  }

  /// One round: the outboxes go to their ranks (into inbox_). Returns false when no rank sent
  /// anything (the phase is over everywhere).
  bool exchange(slot_report& rep, const char* phase) {
    long long sent = 0;
    for (const auto& o : outbox_) sent += static_cast<long long>(o.size());
    long long any = 0;
    MPI_Request r;
    MPI_Iallreduce(&sent, &any, 1, MPI_LONG_LONG, MPI_SUM, comm_, &r);
    wait(r, phase);
    if (any == 0) return false;
    send_counts_.resize(static_cast<std::size_t>(size_)), recv_counts_.resize(static_cast<std::size_t>(size_));
    send_displs_.resize(static_cast<std::size_t>(size_)), recv_displs_.resize(static_cast<std::size_t>(size_));
    sendbuf_.clear();
    for (int k = 0; k < size_; ++k) {
      const auto& o = outbox_[static_cast<std::size_t>(k)];
      send_displs_[static_cast<std::size_t>(k)] = static_cast<int>(sendbuf_.size());
      send_counts_[static_cast<std::size_t>(k)] = static_cast<int>(o.size());
      sendbuf_.insert(sendbuf_.end(), o.begin(), o.end());
    }
    rep.bytes_sent += sendbuf_.size();
    MPI_Ialltoall(send_counts_.data(), 1, MPI_INT, recv_counts_.data(), 1, MPI_INT, comm_, &r);
    wait(r, phase);
    int total = 0;
    for (int k = 0; k < size_; ++k) recv_displs_[static_cast<std::size_t>(k)] = total, total += recv_counts_[static_cast<std::size_t>(k)];
    inbox_.resize(static_cast<std::size_t>(total));
    MPI_Ialltoallv(sendbuf_.data(), send_counts_.data(), send_displs_.data(), MPI_CHAR, inbox_.data(), recv_counts_.data(), recv_displs_.data(),
                   MPI_CHAR, comm_, &r);
    wait(r, phase);
    ++rep.rounds;
    return true;
  }

  /// Gathers variable-length double arrays on root, in rank order.
  std::vector<double> gather_doubles(const std::vector<double>& mine, int root, const char* phase) {
    int n = static_cast<int>(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(static_cast<std::size_t>(size_));
    MPI_Request r;
    MPI_Igather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm_, &r);
    wait(r, phase);
    int total = 0;
    for (int k = 0; k < size_; ++k) displs[static_cast<std::size_t>(k)] = total, total += counts[static_cast<std::size_t>(k)];
    std::vector<double> all(rank_ == root ? static_cast<std::size_t>(total) : 0);
    MPI_Igatherv(mine.data(), n, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, root, comm_, &r);
    wait(r, phase);
    return all;
  }

  /// The slot's totals on rank 0, summed as alloc::run_slot sums them: gains in type order,
  /// node metrics in node order.
  void gather_totals(const alloc::batch& b, slot_report& rep) {
    std::vector<double> g;
    for (const gains& c : closures_) g.push_back(static_cast<double>(c.type)), g.push_back(c.fractional), g.push_back(c.integral);
    const std::vector<double> all_g = gather_doubles(g, 0, "gather gains");
    std::vector<double> nm;
    for (const node_row& r : node_metrics_)
      nm.insert(nm.end(), {r.node, r.loads, r.unloads, r.loaded_bytes, r.reconfiguration_cost, r.budget_excess_bytes, r.repairs});
    const std::vector<double> all_n = gather_doubles(nm, 0, "gather node metrics");
    if (rank_ != 0) return;
    alloc::slot_metrics& m = rep.metrics;
    m.repository_cost = alloc::repository_cost(in_, b);
    std::vector<gains> gs;
    for (std::size_t i = 0; i < all_g.size(); i += 3) gs.push_back({static_cast<alloc::type_id>(all_g[i]), all_g[i + 1], all_g[i + 2]});
    std::sort(gs.begin(), gs.end(), [](const gains& a, const gains& c) { return a.type < c.type; });
    for (const gains& c : gs) m.fractional_gain += c.fractional, m.integral_gain += c.integral;
    std::vector<node_row> rows;
    for (std::size_t i = 0; i < all_n.size(); i += 7)
      rows.push_back({all_n[i], all_n[i + 1], all_n[i + 2], all_n[i + 3], all_n[i + 4], all_n[i + 5], all_n[i + 6]});
    std::sort(rows.begin(), rows.end(), [](const node_row& a, const node_row& c) { return a.node < c.node; });
    for (const node_row& r : rows) {
      m.loads += static_cast<std::size_t>(r.loads), m.unloads += static_cast<std::size_t>(r.unloads);
      m.loaded_bytes += r.loaded_bytes, m.reconfiguration_cost += r.reconfiguration_cost;
      m.budget_excess_bytes += r.budget_excess_bytes, m.repairs += static_cast<std::size_t>(r.repairs);
    }
  }

  MPI_Comm comm_;
  const alloc::instance& in_;
  std::chrono::milliseconds timeout_;
  std::size_t waves_;
  int rank_ = 0, size_ = 1;
  std::size_t slot_ = 0;
  double waited_ = 0;
  std::vector<int> owner_;
  std::vector<std::int32_t> slot_of_;
  std::vector<alloc::node_agent> agents_;
  std::vector<alloc::node_id> nodes_;
  std::vector<in_flight> forward_;
  std::vector<back_flight> backward_;
  std::vector<gains> closures_;
  std::vector<node_row> node_metrics_;
  std::vector<std::vector<char>> outbox_;
  std::vector<char> sendbuf_, inbox_;
  std::vector<int> send_counts_, recv_counts_, send_displs_, recv_displs_;
};

}  // namespace idn::mpi
