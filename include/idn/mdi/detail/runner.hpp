#pragma once
/// The engine behind run_scenario (mdi/run.hpp): arrivals, the progress of each task through its
/// pieces, the PA-MDI dispatch protocol (Φ ranking, RTC/CTC, state broadcasts) and the worker
/// and transfer stations, all on idn::sim. Workers and transfers are single-server sim::station
/// queues: under pa_mdi with class arbitration, classes in priority order and the oldest task
/// first within a class; otherwise FIFO. Internal.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/mdi/detail/plans.hpp"
#include "idn/mdi/detail/report.hpp"
#include "idn/mdi/detail/topology.hpp"
#include "idn/mdi/arbiter.hpp"
#include "idn/mdi/dispatch.hpp"
#include "idn/mdi/scenario.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/station.hpp"

namespace idn::mdi::detail {

class mdi_runner {
public:
  /// The scenario must be validated and outlive the runner. O(N·C + models·L + sources·L·K).
  mdi_runner(const scenario& s, const policy_options& p, std::uint64_t seed)
      : S_(s), P_(p), N_(static_cast<std::ptrdiff_t>(s.nodes.size())), C_(s.num_classes), topo_(s) {
    for (std::ptrdiff_t n = 0; n < N_; ++n) flops_.push_back(advertised_flops(n));
    const sim::station_options cfg{1, by_class() ? static_cast<std::uint32_t>(C_) : 1u, sim::discipline::non_preemptive, 8,
                                  by_class() ? sim::queue_order::oldest_created : sim::queue_order::fifo};
    const std::size_t stations = static_cast<std::size_t>(N_) + topo_.num_transfer_stations();
    for (std::size_t si = 0; si < stations; ++si) stations_.push_back(std::make_unique<station>(sim_, cfg, on_start{this, si}, on_finish{this, si}));
    busy_in_window_.assign(stations, 0.0);
    queued_.assign(static_cast<std::size_t>(N_), std::vector<double>(static_cast<std::size_t>(C_), 0.0));
    reserved_ = queued_;
    snapshot_.resize(static_cast<std::size_t>(N_));
    idn::rng root(seed);
    for (std::size_t i = 0; i < s.sources.size(); ++i) source_rng_.push_back(root), root.jump();
    for (std::ptrdiff_t n = 0; n < N_; ++n) node_rng_.push_back(root), root.jump();
    if (dynamic()) {
      for (std::ptrdiff_t n = 0; n < N_; ++n) {
        std::vector<std::ptrdiff_t> nb;
        for (const auto& [v, e] : topo_.neighbors(n)) nb.push_back(v);
        disp_.emplace_back(n, nb, C_, P_.view);
        for (const auto& [v, e] : topo_.neighbors(n)) disp_.back().set_link(v, S_.links[e].latency_s, S_.links[e].bandwidth_bps);
        arbs_.emplace_back(P_.arb, C_, std::ptrdiff_t{1} << 20);
      }
      dispatched_ = dispatched_pieces(s);
    } else {
      for (const source_spec& src : s.sources) fixed_plans_.push_back(fixed_plan(s, topo_, P_.kind, src));
    }
  }
  mdi_runner(const mdi_runner&) = delete;
  mdi_runner& operator=(const mdi_runner&) = delete;

  /// Runs until every generated task has completed and no broadcast remains. Returns the report.
  sim_report run() {
    for (std::size_t i = 0; i < S_.sources.size(); ++i) schedule_arrival(i);
    if (dynamic() && P_.state_period_s > 0)
      for (std::ptrdiff_t n = 0; n < N_; ++n) sim_.schedule_at(0.0, [this, n] { broadcast(n); });
    sim_.run();
    return summarize(S_, P_.record_trace, tasks_, busy_in_window_, static_cast<std::size_t>(N_), sim_.processed(), rtc_sent_, rtc_denied_);
  }

private:
  struct task {
    std::uint64_t id = 0;
    std::size_t source = 0;
    std::ptrdiff_t model = 0;
    int cls = 0;
    double weight = 1, gen_s = 0, done_s = -1;
    std::size_t next = 0;  // next piece
    std::ptrdiff_t holder = 0;
    std::vector<std::ptrdiff_t> placement, denied;
    const std::vector<std::ptrdiff_t>* route = nullptr;  // into the topology's route cache
    std::size_t route_pos = 0;
    std::ptrdiff_t cut = 0;  // the activation being moved (its bytes)
    bool returning = false;
    double service_s = 0, flop = 0, service_start = 0;  // the station visit in progress
  };
  // The stations' callbacks: a service starts (returns its time) and a service ends.
  struct on_start {
    mdi_runner* r;
    std::size_t si;
    double operator()(const sim::job& j) const { return r->service_starts(si, j); }
  };
  struct on_finish {
    mdi_runner* r;
    std::size_t si;
    void operator()(const sim::job& j, double) const { r->service_ends(si, j); }
  };
  using station = sim::station<on_start, on_finish>;
  struct snapshot {
    double stamp = -1, in_service = 0;
    std::vector<double> backlog;
  };

  /// Stations order waiting work by class, then the oldest task (pa_mdi with class arbitration).
  bool by_class() const noexcept { return P_.kind == policy_kind::pa_mdi && P_.arb != arbitration::fifo; }
  bool dynamic() const noexcept { return P_.kind == policy_kind::pa_mdi || P_.kind == policy_kind::ms_mdi; }
  /// A node's advertised speed: given, or Σf/ΣT over the models.
  double advertised_flops(std::ptrdiff_t n) const {
    const double f = S_.nodes[static_cast<std::size_t>(n)].flops;
    if (f > 0) return f;
    double sf = 0, st = 0;
    for (const model_spec& m : S_.models) sf += m.profile.flop.sum(), st += m.time.col(n).sum();
    return st > 0 && sf > 0 ? sf / st : 1e30;
  }
  const std::vector<piece>& pieces_of(const task& t) const {
    return fixed_plans_.empty() ? dispatched_[static_cast<std::size_t>(t.model)] : fixed_plans_[t.source];
  }
  const model_spec& layers_of(const task& t) const { return S_.models[static_cast<std::size_t>(t.model)]; }

  // ---------- arrivals
  void schedule_arrival(std::size_t i) {
    const source_spec& src = S_.sources[i];
    if (src.max_tasks && generated_[i] >= src.max_tasks) return;
    const double gap = src.arrivals == arrival_kind::poisson ? standard_exponential(source_rng_[i]) / src.rate_per_s : 1.0 / src.rate_per_s;
    const double t = sim_.now() + gap;
    if (t >= S_.horizon_s) return;
    sim_.schedule_at(t, [this, i] { arrive(i); });
  }
  void arrive(std::size_t i) {
    const source_spec& src = S_.sources[i];
    ++generated_[i];
    task t;
    t.id = next_id_++, t.source = i, t.model = src.model, t.cls = src.cls, t.weight = src.gamma * src.alpha, t.gen_s = sim_.now();
    t.holder = src.node;
    if (P_.kind == policy_kind::ms_mdi) t.weight = 1;
    tasks_.push_back(std::move(t));
    ++in_flight_;
    advance(tasks_.size() - 1);
    schedule_arrival(i);
  }

  // ---------- task progress
  void advance(std::size_t ti) {
    task& t = tasks_[ti];
    const auto& ps = pieces_of(t);
    const std::ptrdiff_t L = layers_of(t).profile.flop.size();
    const std::ptrdiff_t src_node = S_.sources[t.source].node;
    if (t.next == ps.size()) {  // all pieces done: return the result
      if (t.holder == src_node) return complete(ti);
      t.returning = true;
      return start_transfer(ti, src_node, L);
    }
    const piece& pc = ps[t.next];
    if (pc.node != no_node) {  // fixed plan
      if (pc.node == t.holder) return enqueue_compute(ti, t.holder);
      return start_transfer(ti, pc.node, pc.first);
    }
    dispatch(ti);
  }
  double piece_flop(const task& t) const {
    const piece& pc = pieces_of(t)[t.next];
    return layers_of(t).profile.flop.segment(pc.first, pc.last - pc.first).sum();
  }
  std::ptrdiff_t input_cut(const task& t) const { return pieces_of(t)[t.next].first; }
  double input_bytes(const task& t) const { return layers_of(t).profile.act_bytes[input_cut(t)]; }
  /// Queued + reserved FLOP per class at node n (a view into a scratch buffer, valid until the next call).
  std::span<const double> backlog_of(std::ptrdiff_t n) {
    backlog_scratch_.resize(static_cast<std::size_t>(C_));
    for (int c = 0; c < C_; ++c)
      backlog_scratch_[static_cast<std::size_t>(c)] = queued_[static_cast<std::size_t>(n)][static_cast<std::size_t>(c)] + reserved_[static_cast<std::size_t>(n)][static_cast<std::size_t>(c)];
    return backlog_scratch_;
  }
  /// FLOP still to run of the piece in service at node n (linear in the service's elapsed share).
  double in_service_remaining(std::ptrdiff_t n) const {
    const sim::service_interval s = stations_[static_cast<std::size_t>(n)]->serving(0);
    if (!s.j || s.end <= s.start) return 0.0;
    return s.j->work * std::max(0.0, (s.end - sim_.now()) / (s.end - s.start));
  }

  // ---------- the dispatch protocol: Φ ranking, RTC / CTC, state broadcasts
  void dispatch(std::size_t ti) {
    task& t = tasks_[ti];
    const std::ptrdiff_t h = t.holder;
    pa_mdi_dispatcher& d = disp_[static_cast<std::size_t>(h)];
    d.observe(h, flops_[static_cast<std::size_t>(h)], in_service_remaining(h), backlog_of(h), sim_.now());
    if (P_.state_period_s <= 0)
      for (const auto& [v, e] : topo_.neighbors(h)) d.observe(v, flops_[static_cast<std::size_t>(v)], in_service_remaining(v), backlog_of(v), sim_.now());
    const task_view tv{t.id, t.cls, t.weight, sim_.now() - t.gen_s, t.gen_s, piece_flop(t), input_bytes(t)};
    const candidate* best = nullptr;
    const candidate* runner_up = nullptr;
    for (const candidate& c : d.rank(tv)) {
      if (std::find(t.denied.begin(), t.denied.end(), c.node) != t.denied.end()) continue;
      if (!best) best = &c;
      else if (!runner_up) runner_up = &c;
    }
    if (!best || best->node == h) return enqueue_compute(ti, h);
    if (!P_.use_rtc) return start_transfer(ti, best->node, input_cut(t));
    const double fallback = runner_up ? runner_up->comm_s + runner_up->compute_s + runner_up->backlog_s : INFINITY;
    const rtc r{static_cast<std::uint64_t>(ti), h, t.cls, t.weight, tv.age_s, t.gen_s, tv.next_flop, tv.next_input_bytes, best->comm_s, fallback, best->phi};
    ++rtc_sent_;
    const std::ptrdiff_t to = best->node;
    rtc_store_.push_back(r);
    const std::size_t ri = rtc_store_.size() - 1;
    sim_.schedule_in(topo_.control_delay(h, to), [this, ri, to] { receive_rtc(rtc_store_[ri], to); });
  }
  void receive_rtc(const rtc& r, std::ptrdiff_t at) {
    rtc_arbiter& a = arbs_[static_cast<std::size_t>(at)];
    a.submit(r);
    if (P_.rtc_window_s > 0) {
      if (a.pending() == 1) sim_.schedule_in(P_.rtc_window_s, [this, at] { resolve(at); });
      return;
    }
    resolve(at);
  }
  void resolve(std::ptrdiff_t at) {
    rtc_arbiter& a = arbs_[static_cast<std::size_t>(at)];
    const auto bl = backlog_of(at);
    node_state live{flops_[static_cast<std::size_t>(at)], in_service_remaining(at), std::vector<double>(bl.begin(), bl.end())};
    const std::vector<double> before = live.backlog_flop;
    grants_.resize(a.pending());
    const auto n = static_cast<std::size_t>(a.resolve(live, P_.view, grants_));
    for (int c = 0; c < C_; ++c)
      reserved_[static_cast<std::size_t>(at)][static_cast<std::size_t>(c)] += live.backlog_flop[static_cast<std::size_t>(c)] - before[static_cast<std::size_t>(c)];
    for (std::size_t i = 0; i < n; ++i) {
      const grant g = grants_[i];
      sim_.schedule_in(topo_.control_delay(at, g.to), [this, g, at] { receive_grant(g, at); });
    }
  }
  void receive_grant(const grant& g, std::ptrdiff_t from) {
    const auto ti = static_cast<std::size_t>(g.task);
    task& t = tasks_[ti];
    disp_[static_cast<std::size_t>(t.holder)].observe(from, flops_[static_cast<std::size_t>(from)], in_service_remaining(from), backlog_of(from), sim_.now());  // CTC piggyback
    if (!g.granted) {
      ++rtc_denied_;
      t.denied.push_back(from);
      return dispatch(ti);
    }
    t.denied.clear();
    reserved_piece_[ti] = piece_flop(t);
    start_transfer(ti, from, input_cut(t));
  }
  /// State broadcast: node n's live state to every neighbour, every state_period_s while
  /// tasks remain or the horizon is ahead.
  void broadcast(std::ptrdiff_t n) {
    snapshot& sn = snapshot_[static_cast<std::size_t>(n)];
    const auto bl = backlog_of(n);
    sn.stamp = sim_.now(), sn.in_service = in_service_remaining(n), sn.backlog.assign(bl.begin(), bl.end());
    for (const auto& [v, e] : topo_.neighbors(n)) {
      // Init-capture: clang < 16 cannot capture a structured binding by name.
      sim_.schedule_in(topo_.control_delay(n, v), [this, n, v = v] {
        const snapshot& x = snapshot_[static_cast<std::size_t>(n)];
        disp_[static_cast<std::size_t>(v)].observe(n, flops_[static_cast<std::size_t>(n)], x.in_service, x.backlog, x.stamp);
      });
    }
    if (sim_.now() + P_.state_period_s < S_.horizon_s || in_flight_ > 0) sim_.schedule_in(P_.state_period_s, [this, n] { broadcast(n); });
  }

  // ---------- transfers: store-and-forward along the least-payload-time route
  void start_transfer(std::size_t ti, std::ptrdiff_t dest, std::ptrdiff_t cut) {
    task& t = tasks_[ti];
    t.route = &topo_.route(t.holder, dest, t.model, cut);
    t.route_pos = 0;
    t.cut = cut;
    next_hop(ti);
  }
  void next_hop(std::size_t ti) {
    task& t = tasks_[ti];
    if (t.route_pos + 1 >= t.route->size()) return arrived(ti);
    const std::ptrdiff_t u = (*t.route)[t.route_pos], v = (*t.route)[t.route_pos + 1];
    const double bytes = layers_of(t).profile.act_bytes[t.cut];
    enqueue(topo_.transfer_station(u, v), ti, topo_.hop_seconds(u, v, bytes), 0.0);
  }
  void arrived(std::size_t ti) {
    task& t = tasks_[ti];
    t.holder = t.route->back();
    if (t.returning) return complete(ti);
    if (const auto it = reserved_piece_.find(ti); it != reserved_piece_.end()) {
      double& r = reserved_[static_cast<std::size_t>(t.holder)][static_cast<std::size_t>(t.cls)];
      r = std::max(0.0, r - it->second);
      reserved_piece_.erase(it);
    }
    enqueue_compute(ti, t.holder);
  }

  // ---------- stations
  void enqueue_compute(std::size_t ti, std::ptrdiff_t n) {
    task& t = tasks_[ti];
    const piece& pc = pieces_of(t)[t.next];
    const double nominal = layers_of(t).time.col(n).segment(pc.first, pc.last - pc.first).sum();
    const double flop = piece_flop(t);
    const double service = service_time(nominal, n);
    queued_[static_cast<std::size_t>(n)][static_cast<std::size_t>(t.cls)] += flop;
    enqueue(static_cast<std::size_t>(n), ti, service, flop);
  }
  /// The nominal piece time with the scenario's service noise, from node n's stream.
  double service_time(double nominal, std::ptrdiff_t n) {
    idn::rng& g = node_rng_[static_cast<std::size_t>(n)];
    switch (S_.service) {
      case service_kind::deterministic: return nominal;
      case service_kind::exponential: return nominal * standard_exponential(g);
      case service_kind::lognormal: return lognormal(g, nominal, S_.service_cv * S_.service_cv);
    }
    return nominal;
  }
  /// Task ti joins station si with its service time (drawn now) and its FLOP (0 for transfers).
  void enqueue(std::size_t si, std::size_t ti, double service_s, double flop) {
    task& t = tasks_[ti];
    t.service_s = service_s, t.flop = flop;
    const auto cls = static_cast<std::uint32_t>(by_class() ? t.cls : 0);
    stations_[si]->arrive(sim::job{static_cast<std::uint64_t>(ti), cls, t.gen_s, flop, 0});
  }
  double service_starts(std::size_t si, const sim::job& j) {
    task& t = tasks_[static_cast<std::size_t>(j.id)];
    t.service_start = sim_.now();
    if (si < static_cast<std::size_t>(N_)) queued_[si][static_cast<std::size_t>(t.cls)] -= t.flop;
    return t.service_s;
  }
  void service_ends(std::size_t si, const sim::job& j) {
    const auto ti = static_cast<std::size_t>(j.id);
    task& t = tasks_[ti];
    busy_in_window_[si] += std::max(0.0, std::min(sim_.now(), S_.horizon_s) - std::max(t.service_start, S_.warmup_s));
    if (si < static_cast<std::size_t>(N_)) {  // a compute piece finished at node si
      t.placement.push_back(static_cast<std::ptrdiff_t>(si));
      t.holder = static_cast<std::ptrdiff_t>(si);
      ++t.next;
      advance(ti);
    } else {
      ++t.route_pos;
      next_hop(ti);
    }
  }
  void complete(std::size_t ti) {
    tasks_[ti].done_s = sim_.now();
    --in_flight_;
  }

  const scenario& S_;
  policy_options P_;
  std::ptrdiff_t N_;
  int C_;
  topology topo_;
  sim::simulator sim_{4096};
  std::vector<std::unique_ptr<station>> stations_;  // N workers, then the transfer stations
  std::vector<double> busy_in_window_;              // per station, seconds inside [warmup, horizon)
  std::vector<double> flops_;
  std::vector<std::vector<double>> queued_, reserved_;
  std::vector<snapshot> snapshot_;
  std::vector<idn::rng> source_rng_, node_rng_;
  std::vector<pa_mdi_dispatcher> disp_;
  std::vector<rtc_arbiter> arbs_;
  std::vector<grant> grants_;
  std::vector<rtc> rtc_store_;
  std::vector<double> backlog_scratch_;
  std::vector<std::vector<piece>> fixed_plans_, dispatched_;
  std::vector<task> tasks_;
  std::vector<std::size_t> generated_ = std::vector<std::size_t>(S_.sources.size(), 0);
  std::map<std::size_t, double> reserved_piece_;
  std::uint64_t next_id_ = 0, rtc_sent_ = 0, rtc_denied_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace idn::mdi::detail
