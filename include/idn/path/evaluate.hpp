#pragma once
/// Scoring one path (docs/path.md "Split policies", §4.4): the split of service l's requests
/// between the original model and the path under a policy, the operating point, and the reward.
///  - max_throughput: the max-throughput split (closed form or exact 2-variable LP);
///  - reward_optimal: argmax of F over the polygon 𝒫(p). The optimum of a reward non-decreasing
///    in Th and A_av lies on the upper hull of the polygon's image in (Th, M = A_l x_0 + Â x_p),
///    between the max-A_av vertex and the max-Th vertex; each hull edge is sampled at 32 points
///    and refined by golden section around the best sample (exact when F has at most one interior
///    local maximum per edge, which holds for every stock product reward);
///  - serve_all: x_0 + x_p = λ_l; x_p ranges over the interval where u_s ≤ ρ̄ (and < 1) on the
///    home server and every server of the path,
///    the link caps and the floor hold (affine in x_p: closed form) and, with D_max, where
///    D̄ ≤ D_max (a convex sublevel set, found by bisection around the delay minimizer); F is
///    maximized there by the same sampled golden search (exact for weighted_cost_v1, whose J is
///    convex). An empty interval scores −inf (infeasible).
/// The scorer is allocation-free after construction and shared by evaluate and all searches, so
/// every method computes bitwise-identical scores.
#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "idn/core/solve_status.hpp"
#include "idn/path/accuracy.hpp"
#include "idn/path/delay.hpp"
#include "idn/path/reward.hpp"
#include "idn/path/throughput.hpp"

namespace idn::path {

using idn::solve_status;

/// How evaluate splits a service's demand between its original path and p: most throughput, the reward's optimum, or serving all demand.
enum class split_policy : std::uint8_t { max_throughput, reward_optimal, serve_all };

/// evaluate's knobs: the split policy, the capacity limits and an optional bound on the mean delay.
struct evaluation_options {
  capacity_options capacity;
  split_policy policy = split_policy::reward_optimal;
  std::optional<double> reference_delay_s;  ///< D_ref (default W_l/μ_{σ_l})
  std::optional<double> max_mean_delay_s;   ///< D_max (serve_all only)
};

/// evaluate's outcome for one path: status, split, operating point, score, load and accuracy.
struct evaluation_result {
  path p;
  path_load load;
  double path_accuracy = 0;
  bool measured = false;
  split flows;
  operating_point point;
  double score = 0;
  solve_status status = solve_status::feasible;  ///< infeasible: score −inf (no split serves the constraints)
};

namespace detail {

template <class E>
bool is_measured_path(const E& e, const path& p) {
  if constexpr (requires { e.is_measured(p); }) return e.is_measured(p);
  else return false;
}

/// Scores loads of one service under one reward and policy. Construction checks the options
/// (throwing idn::invalid_input); score() is allocation-free.
template <reward_function R>
class scorer {
public:
  /// scratch: a buffer reused across queries (a search workspace's); null = own buffer.
  scorer(const block_graph& g, std::size_t service, const R& reward, const evaluation_options& o, const char* fn, std::vector<double>* scratch = nullptr)
      : g_(g), service_(service), reward_(reward), o_(o), u_(scratch ? *scratch : own_) {
    service_at(g, service, fn);
    check_capacity(o.capacity, fn);
    check_reward(reward, fn);
    if (o.reference_delay_s && (!(*o.reference_delay_s > 0) || !std::isfinite(*o.reference_delay_s)))
      fail(fn, "reference_delay_s", *o.reference_delay_s, "must be finite and > 0");
    if (o.max_mean_delay_s && (!(*o.max_mean_delay_s > 0) || !std::isfinite(*o.max_mean_delay_s)))
      fail(fn, "max_mean_delay_s", *o.max_mean_delay_s, "must be finite and > 0");
    const service_spec& sv = g.spec().services[service];
    home_ = g.server_of(sv.model), W_ = g.service_flops(service), A_l_ = g.spec().models[static_cast<std::size_t>(sv.model)].accuracy;
    lambda_ = sv.arrival_rate;
    th0_ = std::min(lambda_, g.residual_flops(home_, service, o.capacity.rho_bar) / W_);
    d_ref_ = o.reference_delay_s ? *o.reference_delay_s : W_ / g.spec().servers[home_].capacity_flops;
    cap_ = o.capacity;
    if (const auto f = implied_accuracy_floor(reward)) cap_.min_avg_accuracy = std::max(*f, o.capacity.min_avg_accuracy.value_or(0.0));
    u_.resize(2 * g.num_servers() + g.num_links());  // utilizations, then the capacity table
    fill_capacity_table(g, service, cap_, u_.data() + g.num_servers(), u_.data() + 2 * g.num_servers());
    table_ = {u_.data() + g.num_servers(), u_.data() + 2 * g.num_servers()};
    operating_point probe;  // rewards that cannot be evaluated for this service (Th_0 = 0) throw here
    probe.standalone_throughput = th0_, probe.demand = lambda_, probe.avg_accuracy = A_l_, probe.original_accuracy = A_l_, probe.reference_delay_s = d_ref_;
    (void)reward_(probe);
  }

  const capacity_options& capacity() const noexcept { return cap_; }
  double standalone() const noexcept { return th0_; }

  /// The operating point of the split (x0, xp) for a path with load L and accuracy A_p; without
  /// `with_delay` the delay fields stay 0 (stable = true). O(S).
  operating_point point(const path_load& L, double A_p, double x0, double xp, bool with_delay = true) noexcept {
    operating_point op;
    op.throughput = x0 + xp, op.standalone_throughput = th0_, op.demand = lambda_, op.original_accuracy = A_l_;
    op.avg_accuracy = op.throughput > 0 ? (A_l_ * x0 + A_p * xp) / op.throughput : A_l_;
    op.path_share = op.throughput > 0 ? xp / op.throughput : 0;
    op.reference_delay_s = d_ref_;
    if (with_delay) {
      utilizations(g_, service_, L, x0, xp, u_.data());
      const delay_result d = delays_from(g_, service_, L, x0, xp, u_.data());
      op.status = d.status, op.mean_delay_s = d.mean_delay_s;
    }
    op.local_work_share = op.throughput > 0 ? (x0 * W_ + xp * L.server_flops[home_]) / (op.throughput * W_) : 1.0;
    return op;
  }

  /// True when quick_bound is available (separable_nonnegative_reward).
  static constexpr bool has_quick_bound = separable_nonnegative_reward<R>;
  /// ≥ score(L, A_p, reward_optimal) (and ≥ the max-throughput score): ξ at the best accuracy a
  /// split can average, max(A_l, A_p), times ζ at the largest throughput the polygon allows (the
  /// max-throughput split). O(S + E), no golden-section search: the searches' cheap first test
  /// before the exact prefix bound. Requires has_quick_bound.
  double quick_bound(const path_load& L, double A_p) noexcept
    requires has_quick_bound
  {
    // The largest x0 + xp under the local and remote constraints alone (dropping the demand and
    // any accuracy floor only enlarges the polygon), then capped by the demand: the closed form
    // of max_throughput_split without its validity test.
    return quick_bound(split_without_demand(g_, service_, L, cap_, remote(L)), A_p);
  }

  /// Whether every split of the polygon 𝒫 at loads L and accuracy A_p scores below `cut` (the
  /// reward_optimal score's supremum < cut), decided rigorously without golden section: the
  /// supremum lies on the upper hull (see reward_optimal), where A_av falls and Th rises from
  /// vertex to vertex, so on a piece [u0, u1] of a hull edge F ≤ ξ(A_av(u0))·ζ(Th(u1)). Each edge
  /// is bisected depth first: a piece whose bound is below `cut` is dropped, a point scoring
  /// ≥ cut answers false. The piece bound is first order in the piece's width, so a cut within
  /// about 1e-5 (relative) above the supremum may exhaust the budget (pieces of 2⁻⁴⁰ of an edge,
  /// 256 evaluations) and answer false: "cannot prune", which keeps a search exact. Usually a
  /// handful of evaluations against golden section's ~90 per edge. Two O(S + E) answers come
  /// first: the quick bound below `cut` (true), and a feasible split scoring ≥ cut (false): the
  /// split of the local and remote limits alone, scaled into the demand (the polygon contains
  /// the origin, so scaling keeps it inside; the accuracy floor is checked). The searches'
  /// prefix test. Requires has_quick_bound.
  bool reward_optimal_below(const path_load& L, double A_p, double cut) noexcept
    requires has_quick_bound
  {
    const remote_limit rl = remote(L);
    const local_remote_split c = split_without_demand(g_, service_, L, cap_, rl);
    if (quick_bound(c, A_p) < cut) return true;
    if (std::isfinite(c.xp) && c.x0 >= 0 && c.x0 + c.xp > 0) {  // a feasible split scoring ≥ cut: cannot prune
      const double s = std::min(1.0, lambda_ / (c.x0 + c.xp)), x0 = s * c.x0, xp = s * c.xp;  // scaled into the demand
      const bool floor_ok = !cap_.min_avg_accuracy || A_l_ * x0 + A_p * xp >= *cap_.min_avg_accuracy * (x0 + xp);
      if (floor_ok && !(value(L, A_p, x0, xp) < cut)) return false;
    }
    std::array<vertex, 28> hull;  // written before read: no zero fill (this is the hot prefix test)
    int first = 0;
    const int nh = upper_hull(make_split_problem(g_, service_, L, A_p, cap_, rl), hull, first);
    for (int i = first; i < nh; ++i)
      if (!(value(L, A_p, hull[static_cast<std::size_t>(i)].x0, hull[static_cast<std::size_t>(i)].xp) < cut)) return false;
    struct piece {
      double u0, u1;
      int depth;
    };
    std::array<piece, 48> stack;
    int evaluations = 0;
    for (int i = first; i + 1 < nh; ++i) {
      const vertex &a = hull[static_cast<std::size_t>(i)], &b = hull[static_cast<std::size_t>(i + 1)];
      auto at = [&](double u) { return vertex{a.x0 + u * (b.x0 - a.x0), a.xp + u * (b.xp - a.xp), 0, 0}; };
      auto avg = [&](const vertex& v) { const double T = v.x0 + v.xp; return T > 0 ? (A_l_ * v.x0 + A_p * v.xp) / T : A_l_; };
      std::size_t top = 0;
      stack[top++] = {0.0, 1.0, 0};
      while (top > 0) {
        const piece pc = stack[--top];
        const vertex v0 = at(pc.u0), v1 = at(pc.u1);
        if (separable_value(std::max(avg(v0), avg(v1)), std::max(v0.x0 + v0.xp, v1.x0 + v1.xp)) < cut) continue;
        if (pc.depth >= 40 || ++evaluations > 256) return false;
        const double mid = 0.5 * (pc.u0 + pc.u1);
        const vertex vm = at(mid);
        if (!(value(L, A_p, vm.x0, vm.xp) < cut)) return false;
        stack[top++] = {mid, pc.u1, pc.depth + 1};
        stack[top++] = {pc.u0, mid, pc.depth + 1};
      }
    }
    return true;
  }

  /// Score and split of a path with load L (X included) and accuracy A_p under `policy`.
  double score(const path_load& L, double A_p, split_policy policy, split& out) {
    if (policy == split_policy::max_throughput) {
      out = max_throughput_split_unchecked(g_, service_, L, A_p, cap_, true, remote(L));
      return static_cast<double>(reward_(point(L, A_p, out.x_original, out.x_path, uses_delay<R>)));
    }
    if (policy == split_policy::serve_all) return serve_all(L, A_p, out);
    return reward_optimal(L, A_p, out);
  }

private:
  using vertex = polygon_vertex;
  double value(const path_load& L, double A_p, double x0, double xp) { return static_cast<double>(reward_(point(L, A_p, x0, xp, uses_delay<R>))); }

  /// The remote limit of L, from the capacity table.
  remote_limit remote(const path_load& L) const noexcept { return remote_capacity(table_, g_.num_servers(), g_.num_links(), home_, L); }
  /// The quick bound from the split without demand c (see quick_bound).
  double quick_bound(const local_remote_split& c, double A_p) const {
    const double T = std::isfinite(c.xp) ? c.x0 + c.xp : std::numeric_limits<double>::infinity();
    return separable_value(std::max(A_l_, A_p), std::max(0.0, std::min(lambda_, T)));
  }
  /// ξ(A)·ζ at throughput T (the other operating-point fields are the service's constants).
  double separable_value(double A, double T) const {
    operating_point op;
    op.throughput = T, op.standalone_throughput = th0_, op.demand = lambda_, op.original_accuracy = A_l_, op.avg_accuracy = A, op.reference_delay_s = d_ref_;
    return static_cast<double>(reward_.xi(A)) * static_cast<double>(reward_.zeta(op));
  }

  /// The polygon's upper hull in (T, M = A_l x0 + Â xp), T ascending, into hull; `first` is the
  /// max-A_av vertex with T > 0 (the last vertex if none). Returns the vertex count.
  static int upper_hull(const split_problem& P, std::array<vertex, 28>& hull, int& first) noexcept {
    std::array<vertex, 28> v;
    const int nv = polygon_vertices(P, v);
    // Upper hull in (T, M), T ascending (ties: larger M first kept).
    std::sort(v.begin(), v.begin() + nv, [](const vertex& a, const vertex& b) { return a.T < b.T || (a.T == b.T && (a.M > b.M || (a.M == b.M && a.x0 > b.x0))); });
    int nh = 0;
    for (int i = 0; i < nv; ++i) {
      if (nh > 0 && v[static_cast<std::size_t>(i)].T == hull[static_cast<std::size_t>(nh - 1)].T) continue;
      while (nh >= 2) {
        const vertex &a = hull[static_cast<std::size_t>(nh - 2)], &b = hull[static_cast<std::size_t>(nh - 1)], &c = v[static_cast<std::size_t>(i)];
        if ((b.T - a.T) * (c.M - a.M) - (b.M - a.M) * (c.T - a.T) >= 0) --nh;  // b not strictly above a–c
        else break;
      }
      hull[static_cast<std::size_t>(nh++)] = v[static_cast<std::size_t>(i)];
    }
    // From the max-A_av hull vertex (T > 0) to the max-T vertex.
    first = nh - 1;
    for (int i = 0; i < nh; ++i) {
      const vertex& h = hull[static_cast<std::size_t>(i)];
      if (h.T > 0 && h.M * hull[static_cast<std::size_t>(first)].T > hull[static_cast<std::size_t>(first)].M * h.T) first = i;
    }
    return nh;
  }

  double reward_optimal(const path_load& L, double A_p, split& out) {
    const split_problem P = make_split_problem(g_, service_, L, A_p, cap_, remote(L));
    std::array<vertex, 28> hull;
    int first = 0;
    const int nh = upper_hull(P, hull, first);
    double best = -std::numeric_limits<double>::infinity(), b0 = 0, bp = 0, bT = -1;
    auto consider = [&](double x0, double xp) {
      const double f = value(L, A_p, x0, xp), T = x0 + xp;
      if (f > best || (f == best && T > bT)) best = f, b0 = x0, bp = xp, bT = T;
    };
    for (int i = first; i < nh; ++i) consider(hull[static_cast<std::size_t>(i)].x0, hull[static_cast<std::size_t>(i)].xp);
    for (int i = first; i + 1 < nh; ++i) {
      const vertex &a = hull[static_cast<std::size_t>(i)], &b = hull[static_cast<std::size_t>(i + 1)];
      double t = 0;
      golden_max([&](double u) { return value(L, A_p, a.x0 + u * (b.x0 - a.x0), a.xp + u * (b.xp - a.xp)); }, 0.0, 1.0, t);
      consider(a.x0 + t * (b.x0 - a.x0), a.xp + t * (b.xp - a.xp));
    }
    out = finish_split(P, b0, bp);
    out.binding = limit::none;
    return best;
  }

  /// Maximizes f over t ∈ [lo, hi]: 32 samples, then golden section around the best one.
  template <class F>
  static double golden_max(F&& f, double lo, double hi, double& arg) {
    constexpr int samples = 32;
    double best = f(lo), at = lo;
    for (int s = 1; s <= samples; ++s) {
      const double t = lo + (hi - lo) * s / samples, v = f(t);
      if (v > best) best = v, at = t;
    }
    double a = std::max(lo, at - (hi - lo) / samples), b = std::min(hi, at + (hi - lo) / samples);
    constexpr double phi = 0.6180339887498949;
    double c = b - phi * (b - a), d = a + phi * (b - a), fc = f(c), fd = f(d);
    for (int it = 0; it < 100 && b - a > 1e-12 * std::max(1.0, std::abs(b)); ++it) {
      if (fc >= fd) b = d, d = c, fd = fc, c = b - phi * (b - a), fc = f(c);
      else a = c, c = d, fc = fd, d = a + phi * (b - a), fd = f(d);
    }
    const double t = fc >= fd ? c : d, v = std::max(fc, fd);
    if (v > best) best = v, at = t;
    arg = at;
    return best;
  }

  double serve_all(const path_load& L, double A_p, split& out) {
    const double lam = lambda_, ninf = -std::numeric_limits<double>::infinity();
    double lo = 0, hi = lam;
    // a + b·xp ≤ c  →  clip [lo, hi].
    auto clip = [&](double a, double b, double c) {
      if (b > 0) hi = std::min(hi, (c - a) / b);
      else if (b < 0) lo = std::max(lo, (c - a) / b);
      else if (a > c) lo = 1, hi = 0;
    };
    const double rho = cap_.rho_bar;
    for (std::size_t s = 0; s < g_.num_servers(); ++s) {
      const server_spec& sv = g_.spec().servers[s];
      const double base = sv.background_flops + g_.other_load(s, service_) + (s == home_ ? lam * W_ : 0.0);
      const double slope = L.server_flops[s] - (s == home_ ? W_ : 0.0);
      if (s != home_ && !(L.server_flops[s] > 0)) continue;  // a server this service never touches
      // u_s ≤ ρ̄ and u_s < 1 (strict: a full server is unstable).
      clip(base, slope, std::min(rho, 1 - 1e-12) * sv.capacity_flops);
    }
    for (std::size_t e = 0; e < g_.num_links(); ++e) {
      const double bw = g_.spec().links[e].bandwidth_bps;
      if (L.link_bytes[e] > 0 && std::isfinite(bw)) clip(0, 8 * L.link_bytes[e], cap_.link_rho_bar * bw);
    }
    if (cap_.min_avg_accuracy) {
      const double a = *cap_.min_avg_accuracy;  // (A_l − α)(λ − xp) + (Â − α) xp ≥ 0
      clip(-(A_l_ - a) * lam, (A_l_ - a) - (A_p - a), 0);
    }
    if (!(lo <= hi)) {
      out = make_split(A_l_, A_p, lam, 0);  // infeasible: report the original-only split
      return ninf;
    }
    if (o_.max_mean_delay_s) {
      const double dmax = *o_.max_mean_delay_s;
      auto delay = [&](double xp) { return point(L, A_p, lam - xp, xp, true).mean_delay_s; };
      double xm = lo;
      golden_max([&](double t) { return -delay(t); }, lo, hi, xm);
      if (!(delay(xm) <= dmax)) {
        out = make_split(A_l_, A_p, lam, 0);
        return ninf;
      }
      auto edge = [&](double inside, double outside) {  // bisection to the sublevel boundary
        if (delay(outside) <= dmax) return outside;
        for (int it = 0; it < 200 && std::abs(outside - inside) > 1e-12 * std::max(1.0, std::abs(inside)); ++it) {
          const double mid = 0.5 * (inside + outside);
          (delay(mid) <= dmax ? inside : outside) = mid;
        }
        return inside;
      };
      const double nlo = edge(xm, lo), nhi = edge(xm, hi);
      lo = nlo, hi = nhi;
    }
    double xp = lo;
    const double best = golden_max([&](double t) { return value_all(L, A_p, lam - t, t); }, lo, hi, xp);
    out = make_split(A_l_, A_p, lam - xp, xp);
    return best;
  }
  /// F at a serve_all point (delays always computed: serve_all rewards read them).
  double value_all(const path_load& L, double A_p, double x0, double xp) { return static_cast<double>(reward_(point(L, A_p, x0, xp, true))); }

  const block_graph& g_;
  std::size_t service_, home_ = 0;
  R reward_;
  evaluation_options o_;
  capacity_options cap_;
  double W_ = 0, A_l_ = 0, lambda_ = 0, th0_ = 0, d_ref_ = 0;
  std::vector<double> own_;
  std::vector<double>& u_;
  capacity_table table_{};  ///< residual FLOP/s and link caps of the service, in u_ after the utilizations
};

/// Checks an estimator's value, naming the path.
inline double checked_accuracy(const block_graph& g, const path& p, double a, const char* fn) {
  if (!unit_interval(a)) fail(fn, concat("estimator(", to_string(g, p), ")"), a, "must lie in [0,1]");
  return a;
}
}  // namespace detail

/// Loads, accuracy, split, operating point and score of one path (validated; mirroring allowed).
template <accuracy_estimator E, reward_function R>
evaluation_result evaluate(const block_graph& g, const path& p, const E& est, const R& reward, const evaluation_options& o) {
  detail::scorer<R> sc(g, p.service, reward, o, "evaluate");
  evaluation_result r;
  r.p = p;
  r.load = compute_load(g, p);
  r.path_accuracy = detail::checked_accuracy(g, p, static_cast<double>(est.estimate(g, p)), "evaluate");
  r.measured = detail::is_measured_path(est, p);
  r.score = sc.score(r.load, r.path_accuracy, o.policy, r.flows);
  r.point = sc.point(r.load, r.path_accuracy, r.flows.x_original, r.flows.x_path);
  r.status = r.score > -std::numeric_limits<double>::infinity() ? solve_status::feasible : solve_status::infeasible;
  return r;
}

}  // namespace idn::path
