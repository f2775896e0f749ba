#pragma once
/// The engine behind run_scenario (mdi/run.hpp).
#include "idn/mdi/scenario.hpp"
#include "idn/sim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <ostream>
#include <queue>
#include <span>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace idn::mdi {
namespace detail {

class mdi_runner {
public:
  mdi_runner(const scenario& s, const policy_options& p, std::uint64_t seed) : S_(s), P_(p), N_(static_cast<std::ptrdiff_t>(s.nodes.size())), C_(s.num_classes) {
    adj_.resize(static_cast<std::size_t>(N_));
    for (std::size_t e = 0; e < s.links.size(); ++e) {
      adj_[static_cast<std::size_t>(s.links[e].a)].push_back({s.links[e].b, e});
      adj_[static_cast<std::size_t>(s.links[e].b)].push_back({s.links[e].a, e});
    }
    for (auto& a : adj_) std::sort(a.begin(), a.end());
    // Advertised speeds: given, or Σf/ΣT over the models.
    for (std::ptrdiff_t n = 0; n < N_; ++n) {
      double f = s.nodes[static_cast<std::size_t>(n)].flops;
      if (!(f > 0)) {
        double sf = 0, st = 0;
        for (const model_spec& m : s.models) sf += m.profile.flop.sum(), st += m.time.col(n).sum();
        f = st > 0 && sf > 0 ? sf / st : 1e30;
      }
      flops_.push_back(f);
    }
    const std::size_t transfer_servers = s.medium == medium_kind::shared ? 1 : 2 * s.links.size();
    const bool by_class = P_.kind == policy_kind::pa_mdi && P_.arb != arbitration::fifo;
    servers_.resize(static_cast<std::size_t>(N_) + transfer_servers);
    for (server& sv : servers_) sv.wait = std::priority_queue<item, std::vector<item>, later>(later{by_class});
    queued_.assign(static_cast<std::size_t>(N_), std::vector<double>(static_cast<std::size_t>(C_), 0.0));
    reserved_ = queued_;
    snapshot_.resize(static_cast<std::size_t>(N_));
    idn::rng root(seed);
    for (std::size_t i = 0; i < s.sources.size(); ++i) source_rng_.push_back(root), root.jump();
    for (std::ptrdiff_t n = 0; n < N_; ++n) node_rng_.push_back(root), root.jump();
    const bool dynamic = P_.kind == policy_kind::pa_mdi || P_.kind == policy_kind::ms_mdi;
    for (std::ptrdiff_t n = 0; n < N_ && dynamic; ++n) {
      std::vector<std::ptrdiff_t> nb;
      for (const auto& [v, e] : adj_[static_cast<std::size_t>(n)]) nb.push_back(v);
      disp_.emplace_back(n, nb, C_, P_.view);
      for (const auto& [v, e] : adj_[static_cast<std::size_t>(n)]) disp_.back().set_link(v, S_.links[e].latency_s, S_.links[e].bandwidth_bps);
      arbs_.emplace_back(P_.arb, C_, std::ptrdiff_t{1} << 20);
    }
    if (P_.kind == policy_kind::ar_mdi || P_.kind == policy_kind::local) build_static_plans();
  }

  sim_report run() {
    for (std::size_t i = 0; i < S_.sources.size(); ++i) schedule_arrival(i);
    if ((P_.kind == policy_kind::pa_mdi || P_.kind == policy_kind::ms_mdi) && P_.state_period_s > 0)
      for (std::ptrdiff_t n = 0; n < N_; ++n) sim_.schedule_at(0.0, [this, n] { broadcast(n); });
    sim_.run();
    return report();
  }

private:
  struct piece {
    std::ptrdiff_t node;  // fixed node (static plans) or -1 (chosen at dispatch)
    std::ptrdiff_t first, last;
  };
  struct task {
    std::uint64_t id = 0;
    std::size_t source = 0;
    std::ptrdiff_t model = 0;
    int cls = 0;
    double weight = 1, gen_s = 0, done_s = -1;
    std::size_t next = 0;  // next piece
    std::ptrdiff_t holder = 0;
    std::vector<std::ptrdiff_t> placement, denied, route;
    std::size_t route_pos = 0;
    double bytes = 0;
    bool returning = false;
  };
  struct item {
    std::size_t task;
    int cls;
    double gen_s;
    std::uint64_t seq;
    double service_s, flop;
  };
  /// Service order at a station: class then oldest generation (pa_mdi with class queues), else FIFO.
  struct later {
    bool by_class;
    bool operator()(const item& a, const item& b) const noexcept {  // true: a is served after b
      if (by_class) {
        if (a.cls != b.cls) return a.cls > b.cls;
        if (a.gen_s != b.gen_s) return a.gen_s > b.gen_s;
      }
      return a.seq > b.seq;
    }
  };
  struct server {
    bool busy = false;
    double start = 0, end = 0, busy_in_window = 0;
    item cur{};
    std::priority_queue<item, std::vector<item>, later> wait{later{false}};
  };
  struct snapshot {
    double stamp = -1, in_service = 0;
    std::vector<double> backlog;
  };

  // ---------- plans and pieces
  const std::vector<piece>& pieces_of(const task& t) const {
    return static_plans_.empty() ? model_pieces_[static_cast<std::size_t>(t.model)] : static_plans_[t.source];
  }
  void build_static_plans() {
    for (std::size_t i = 0; i < S_.sources.size(); ++i) {
      const source_spec& src = S_.sources[i];
      const model_spec& m = S_.models[static_cast<std::size_t>(src.model)];
      const std::ptrdiff_t L = m.profile.flop.size();
      if (P_.kind == policy_kind::local) {
        static_plans_.push_back({{src.node, 0, L}});
        continue;
      }
      std::vector<std::ptrdiff_t> chain = chain_for(src.node);
      const auto K = static_cast<std::ptrdiff_t>(chain.size());
      Eigen::MatrixXd T(L, K);
      std::vector<hw::affine_link> links;
      for (std::ptrdiff_t k = 0; k < K; ++k) {
        T.col(k) = m.time.col(chain[static_cast<std::size_t>(k)]);
        links.push_back(link_of(chain[static_cast<std::size_t>(k)], k + 1 < K ? chain[static_cast<std::size_t>(k + 1)] : -1));
      }
      const partition::chain_problem p = partition::make_chain_problem(m.profile, std::move(T), Eigen::VectorXd::Constant(K, INFINITY),
                                                 std::span<const hw::affine_link>(links), std::span<const hw::affine_link>(links), links[0],
                                                 partition::chain_options{partition::comm_mode::serialized, true, true});
      // The cut rule of proportional_split, kept even when the plan is infeasible.
      const partition::partition_result r = partition::proportional_split(p);
      std::vector<std::ptrdiff_t> cuts = r.cuts;
      if (cuts.empty()) cuts = partition::equal_split(p).cuts;
      std::vector<piece> plan;
      for (std::ptrdiff_t k = 0; k < K && !cuts.empty(); ++k)
        if (cuts[static_cast<std::size_t>(k)] < cuts[static_cast<std::size_t>(k + 1)])
          plan.push_back({chain[static_cast<std::size_t>(k)], cuts[static_cast<std::size_t>(k)], cuts[static_cast<std::size_t>(k + 1)]});
      if (plan.empty()) plan.push_back({src.node, 0, L});
      static_plans_.push_back(std::move(plan));
    }
  }
  std::vector<std::ptrdiff_t> chain_for(std::ptrdiff_t source) const {
    std::vector<std::ptrdiff_t> order;
    if (!S_.chain_order.empty()) {
      const auto it = std::find(S_.chain_order.begin(), S_.chain_order.end(), source);
      order = S_.chain_order;
      if (it != S_.chain_order.end()) std::rotate(order.begin(), order.begin() + (it - S_.chain_order.begin()), order.end());
      else order.insert(order.begin(), source);
      return order;
    }
    std::vector<char> seen(static_cast<std::size_t>(N_), 0);
    order.push_back(source), seen[static_cast<std::size_t>(source)] = 1;
    for (std::size_t h = 0; h < order.size(); ++h)
      for (const auto& [v, e] : adj_[static_cast<std::size_t>(order[h])])
        if (!seen[static_cast<std::size_t>(v)]) seen[static_cast<std::size_t>(v)] = 1, order.push_back(v);
    return order;
  }
  hw::affine_link link_of(std::ptrdiff_t a, std::ptrdiff_t b) const {  // the a–b link, or a's fastest
    const link_spec* best = nullptr;
    for (const auto& [v, e] : adj_[static_cast<std::size_t>(a)]) {
      const link_spec& l = S_.links[e];
      if (v == b) return hw::affine_link(l.latency_s, l.bandwidth_bps);
      if (!best || l.bandwidth_bps > best->bandwidth_bps) best = &l;
    }
    return best ? hw::affine_link(best->latency_s, best->bandwidth_bps) : hw::affine_link(0, INFINITY);
  }

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
    const std::ptrdiff_t L = S_.models[static_cast<std::size_t>(t.model)].profile.flop.size();
    const std::ptrdiff_t src_node = S_.sources[t.source].node;
    if (t.next == ps.size()) {  // all pieces done: return the result
      if (t.holder == src_node) return complete(ti);
      t.returning = true;
      return start_transfer(ti, src_node, S_.models[static_cast<std::size_t>(t.model)].profile.act_bytes[L]);
    }
    const piece& pc = ps[t.next];
    if (pc.node >= 0) {  // static plan
      if (pc.node == t.holder) return enqueue_compute(ti, t.holder);
      return start_transfer(ti, pc.node, input_bytes(t));
    }
    dispatch(ti);
  }
  double piece_flop(const task& t) const {
    const piece& pc = pieces_of(t)[t.next];
    return S_.models[static_cast<std::size_t>(t.model)].profile.flop.segment(pc.first, pc.last - pc.first).sum();
  }
  double input_bytes(const task& t) const {
    return S_.models[static_cast<std::size_t>(t.model)].profile.act_bytes[pieces_of(t)[t.next].first];
  }
  /// Queued + reserved FLOP per class at node n (a view into a scratch buffer, valid until the next call).
  std::span<const double> backlog_of(std::ptrdiff_t n) {
    backlog_scratch_.resize(static_cast<std::size_t>(C_));
    for (int c = 0; c < C_; ++c)
      backlog_scratch_[static_cast<std::size_t>(c)] = queued_[static_cast<std::size_t>(n)][static_cast<std::size_t>(c)] + reserved_[static_cast<std::size_t>(n)][static_cast<std::size_t>(c)];
    return backlog_scratch_;
  }
  double in_service_remaining(std::ptrdiff_t n) const {
    const server& s = servers_[static_cast<std::size_t>(n)];
    if (!s.busy || s.end <= s.start) return 0.0;
    return s.cur.flop * std::max(0.0, (s.end - sim_.now()) / (s.end - s.start));
  }
  void dispatch(std::size_t ti) {
    task& t = tasks_[ti];
    const std::ptrdiff_t h = t.holder;
    pa_mdi_dispatcher& d = disp_[static_cast<std::size_t>(h)];
    d.observe(h, flops_[static_cast<std::size_t>(h)], in_service_remaining(h), backlog_of(h), sim_.now());
    if (P_.state_period_s <= 0)
      for (const auto& [v, e] : adj_[static_cast<std::size_t>(h)]) d.observe(v, flops_[static_cast<std::size_t>(v)], in_service_remaining(v), backlog_of(v), sim_.now());
    const task_view tv{t.id, t.cls, t.weight, sim_.now() - t.gen_s, t.gen_s, piece_flop(t), input_bytes(t)};
    const auto ranked = d.rank(tv);
    const candidate* best = nullptr;
    const candidate* runner_up = nullptr;
    for (const candidate& c : ranked) {
      if (std::find(t.denied.begin(), t.denied.end(), c.node) != t.denied.end()) continue;
      if (!best) best = &c;
      else if (!runner_up) runner_up = &c;
    }
    if (!best || best->node == h) return enqueue_compute(ti, h);
    if (!P_.use_rtc) return start_transfer(ti, best->node, input_bytes(t));
    const double fallback = runner_up ? runner_up->comm_s + runner_up->compute_s + runner_up->backlog_s : partition::inf;
    const rtc r{static_cast<std::uint64_t>(ti), h, t.cls, t.weight, tv.age_s, t.gen_s, tv.next_flop, tv.next_input_bytes, best->comm_s, fallback, best->phi};
    ++rtc_sent_;
    const std::ptrdiff_t to = best->node;
    const double delay = control_delay(h, to);
    rtc_store_.push_back(r);
    const std::size_t ri = rtc_store_.size() - 1;
    sim_.schedule_in(delay, [this, ri, to] { receive_rtc(rtc_store_[ri], to); });
  }
  double control_delay(std::ptrdiff_t a, std::ptrdiff_t b) const {
    for (const auto& [v, e] : adj_[static_cast<std::size_t>(a)])
      if (v == b) return S_.links[e].latency_s + 8.0 * S_.control_bytes / S_.links[e].bandwidth_bps;
    return 0.0;
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
      const double delay = control_delay(at, g.to);
      sim_.schedule_in(delay, [this, g, at] { receive_grant(g, at); });
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
    start_transfer(ti, from, input_bytes(t), /*reserved_at_dest=*/true);
  }

  // ---------- transfers (store-and-forward along the least-payload-time route)
  const std::vector<std::ptrdiff_t>& route(std::ptrdiff_t a, std::ptrdiff_t b, double bytes) {
    auto [it, fresh] = route_cache_.try_emplace({a, b, bytes});
    if (fresh) it->second = compute_route(a, b, bytes);
    return it->second;
  }
  std::vector<std::ptrdiff_t> compute_route(std::ptrdiff_t a, std::ptrdiff_t b, double bytes) const {
    std::vector<double> dist(static_cast<std::size_t>(N_), partition::inf);
    std::vector<std::ptrdiff_t> prev(static_cast<std::size_t>(N_), -1);
    using qe = std::pair<double, std::ptrdiff_t>;
    std::priority_queue<qe, std::vector<qe>, std::greater<>> q;
    dist[static_cast<std::size_t>(a)] = 0, q.push({0, a});
    while (!q.empty()) {
      const auto [d, u] = q.top();
      q.pop();
      if (d > dist[static_cast<std::size_t>(u)]) continue;
      for (const auto& [v, e] : adj_[static_cast<std::size_t>(u)]) {
        const double w = d + S_.links[e].latency_s + 8.0 * bytes / S_.links[e].bandwidth_bps;
        if (w < dist[static_cast<std::size_t>(v)] || (w == dist[static_cast<std::size_t>(v)] && u < prev[static_cast<std::size_t>(v)]))
          dist[static_cast<std::size_t>(v)] = w, prev[static_cast<std::size_t>(v)] = u, q.push({w, v});
      }
    }
    std::vector<std::ptrdiff_t> r{b};
    while (r.back() != a) r.push_back(prev[static_cast<std::size_t>(r.back())]);
    std::reverse(r.begin(), r.end());
    return r;
  }
  void start_transfer(std::size_t ti, std::ptrdiff_t dest, double bytes, bool reserved_at_dest = false) {
    task& t = tasks_[ti];
    t.route = route(t.holder, dest, bytes);
    t.route_pos = 0;
    t.bytes = bytes;
    if (reserved_at_dest) reserved_piece_[ti] = piece_flop(t);
    next_hop(ti);
  }
  std::size_t edge_server(std::ptrdiff_t u, std::ptrdiff_t v) const {
    if (S_.medium == medium_kind::shared) return static_cast<std::size_t>(N_);
    for (const auto& [w, e] : adj_[static_cast<std::size_t>(u)])
      if (w == v) return static_cast<std::size_t>(N_) + 2 * e + (u < v ? 0 : 1);
    return static_cast<std::size_t>(N_);
  }
  void next_hop(std::size_t ti) {
    task& t = tasks_[ti];
    if (t.route_pos + 1 >= t.route.size()) return arrived(ti);
    const std::ptrdiff_t u = t.route[t.route_pos], v = t.route[t.route_pos + 1];
    double service = 0;
    for (const auto& [w, e] : adj_[static_cast<std::size_t>(u)])
      if (w == v) service = S_.links[e].latency_s + 8.0 * t.bytes / S_.links[e].bandwidth_bps;
    enqueue(edge_server(u, v), {ti, t.cls, t.gen_s, seq_++, service, 0.0});
  }
  void arrived(std::size_t ti) {
    task& t = tasks_[ti];
    t.holder = t.route.back();
    if (t.returning) return complete(ti);
    if (const auto it = reserved_piece_.find(ti); it != reserved_piece_.end()) {
      double& r = reserved_[static_cast<std::size_t>(t.holder)][static_cast<std::size_t>(t.cls)];
      r = std::max(0.0, r - it->second);
      reserved_piece_.erase(it);
    }
    enqueue_compute(ti, t.holder);
  }

  // ---------- servers
  void enqueue_compute(std::size_t ti, std::ptrdiff_t n) {
    task& t = tasks_[ti];
    const piece& pc = pieces_of(t)[t.next];
    const model_spec& m = S_.models[static_cast<std::size_t>(t.model)];
    double nominal = m.time.col(n).segment(pc.first, pc.last - pc.first).sum();
    nominal = noisy(nominal, n);
    const double flop = piece_flop(t);
    queued_[static_cast<std::size_t>(n)][static_cast<std::size_t>(t.cls)] += flop;
    enqueue(static_cast<std::size_t>(n), {ti, t.cls, t.gen_s, seq_++, nominal, flop});
  }
  double noisy(double s, std::ptrdiff_t n) {
    idn::rng& g = node_rng_[static_cast<std::size_t>(n)];
    switch (S_.service) {
      case service_kind::deterministic: return s;
      case service_kind::exponential: return s * standard_exponential(g);
      case service_kind::lognormal: return lognormal(g, s, S_.service_cv * S_.service_cv);
    }
    return s;
  }
  void enqueue(std::size_t si, const item& it) {
    server& s = servers_[si];
    if (!s.busy) return begin(si, it);
    s.wait.push(it);
  }
  void begin(std::size_t si, const item& it) {
    server& s = servers_[si];
    s.busy = true, s.cur = it, s.start = sim_.now(), s.end = sim_.now() + it.service_s;
    if (si < static_cast<std::size_t>(N_)) queued_[si][static_cast<std::size_t>(it.cls)] -= it.flop;
    sim_.schedule_at(s.end, [this, si] { finish(si); });
  }
  void finish(std::size_t si) {
    server& s = servers_[si];
    const item done = s.cur;
    s.busy_in_window += std::max(0.0, std::min(s.end, S_.horizon_s) - std::max(s.start, S_.warmup_s));
    s.busy = false;
    if (!s.wait.empty()) {
      const item next = s.wait.top();
      s.wait.pop();
      begin(si, next);
    }
    task& t = tasks_[done.task];
    if (si < static_cast<std::size_t>(N_)) {  // a compute piece finished at node si
      t.placement.push_back(static_cast<std::ptrdiff_t>(si));
      t.holder = static_cast<std::ptrdiff_t>(si);
      ++t.next;
      advance(done.task);
    } else {
      ++t.route_pos;
      next_hop(done.task);
    }
  }
  void complete(std::size_t ti) {
    tasks_[ti].done_s = sim_.now();
    --in_flight_;
  }

  // ---------- state broadcasts (D4)
  void broadcast(std::ptrdiff_t n) {
    snapshot& sn = snapshot_[static_cast<std::size_t>(n)];
    const auto bl = backlog_of(n);
    sn.stamp = sim_.now(), sn.in_service = in_service_remaining(n), sn.backlog.assign(bl.begin(), bl.end());
    for (const auto& [v, e] : adj_[static_cast<std::size_t>(n)]) {
      const double delay = S_.links[e].latency_s + 8.0 * S_.control_bytes / S_.links[e].bandwidth_bps;
      // Init-capture: clang < 16 cannot capture a structured binding by name.
      sim_.schedule_in(delay, [this, n, v = v] {
        const snapshot& x = snapshot_[static_cast<std::size_t>(n)];
        disp_[static_cast<std::size_t>(v)].observe(n, flops_[static_cast<std::size_t>(n)], x.in_service, x.backlog, x.stamp);
      });
    }
    if (sim_.now() + P_.state_period_s < S_.horizon_s || in_flight_ > 0) sim_.schedule_in(P_.state_period_s, [this, n] { broadcast(n); });
  }

  // ---------- report
  sim_report report() const {
    sim_report r;
    r.events = sim_.processed();
    r.rtc_sent = rtc_sent_, r.rtc_denied = rtc_denied_;
    const double window = S_.horizon_s - S_.warmup_s;
    for (int c = 0; c < C_; ++c) {
      class_stats cs;
      cs.cls = c;
      std::vector<double> lat;
      for (const task& t : tasks_) {
        if (t.cls != c || t.gen_s < S_.warmup_s || t.gen_s >= S_.horizon_s) continue;
        ++cs.generated;
        if (t.done_s >= 0) ++cs.completed, lat.push_back(t.done_s - t.gen_s);
      }
      if (!lat.empty()) {
        std::sort(lat.begin(), lat.end());
        double sum = 0;
        for (double x : lat) sum += x;
        auto rank = [&](double q) { return lat[static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(lat.size())))) - 1]; };
        cs.mean_s = sum / static_cast<double>(lat.size()), cs.p50_s = rank(0.5), cs.p95_s = rank(0.95), cs.max_s = lat.back();
      }
      cs.throughput_per_s = static_cast<double>(cs.completed) / window;
      r.classes.push_back(cs);
    }
    for (std::ptrdiff_t n = 0; n < N_; ++n) r.worker_utilization.push_back(servers_[static_cast<std::size_t>(n)].busy_in_window / window);
    for (std::size_t i = static_cast<std::size_t>(N_); i < servers_.size(); ++i) r.link_utilization.push_back(servers_[i].busy_in_window / window);
    if (P_.record_trace)
      for (const task& t : tasks_) r.trace.push_back({t.id, S_.sources[t.source].node, t.cls, t.gen_s, t.done_s, t.placement});
    return r;
  }

  const scenario& S_;
  policy_options P_;
  std::ptrdiff_t N_;
  int C_;
  sim::simulator sim_{4096};
  std::vector<std::vector<std::pair<std::ptrdiff_t, std::size_t>>> adj_;
  std::vector<double> flops_;
  std::vector<server> servers_;
  std::vector<std::vector<double>> queued_, reserved_;
  std::vector<snapshot> snapshot_;
  std::vector<idn::rng> source_rng_, node_rng_;
  std::vector<pa_mdi_dispatcher> disp_;
  std::vector<rtc_arbiter> arbs_;
  std::vector<grant> grants_;
  std::vector<rtc> rtc_store_;
  std::vector<double> backlog_scratch_;
  std::map<std::tuple<std::ptrdiff_t, std::ptrdiff_t, double>, std::vector<std::ptrdiff_t>> route_cache_;
  std::vector<std::vector<piece>> static_plans_, model_pieces_ = make_model_pieces(S_);
  std::vector<task> tasks_;
  std::vector<std::size_t> generated_ = std::vector<std::size_t>(S_.sources.size(), 0);
  std::map<std::size_t, double> reserved_piece_;
  std::uint64_t next_id_ = 0, seq_ = 0, rtc_sent_ = 0, rtc_denied_ = 0;
  std::size_t in_flight_ = 0;

  static std::vector<std::vector<piece>> make_model_pieces(const scenario& s) {
    std::vector<std::vector<piece>> out;
    for (const model_spec& m : s.models) {
      std::vector<piece> ps;
      for (std::size_t i = 0; i + 1 < m.partition_cuts.size(); ++i) ps.push_back({-1, m.partition_cuts[i], m.partition_cuts[i + 1]});
      out.push_back(std::move(ps));
    }
    return out;
  }
};

}  // namespace detail

}  // namespace idn::mdi
