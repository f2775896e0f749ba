#pragma once
/// Host-side evaluation of an offload policy on a labelled stream (docs/offload.md
/// "Metrics", §3 evaluate.hpp): realised and expected cost, HI accuracy, offload fraction, regret
/// against the best fixed threshold in hindsight, the no-offload / full-offload / oracle
/// baselines, and the device latency/energy accounting of HI and early-exit HI. May allocate
/// (the delayed-feedback queue and the calibration workspace). Not in idn/offload.hpp.
#include <cmath>
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <vector>

#include "idn/offload/calibrate.hpp"
#include "idn/offload/status.hpp"
#include "idn/offload/decision.hpp"
#include "idn/offload/policy.hpp"

namespace idn::offload {

/// One stream sample: the local score, whether the local and remote predictions are right, and
/// whether they agree (the label available in deployment without ground truth).
struct stream_sample {
  float score;
  bool local_correct, remote_correct, agree;
};
/// Where the learner's Y comes from: ground truth (Y = !local_correct) or the remote label (Y = !agree).
enum class feedback_source : std::uint8_t { ground_truth, remote_label };

/// evaluate's knobs: β, whether remote errors are charged, the feedback source and delay, and the comparator grid.
struct eval_options {
  float beta;
  bool charge_remote_errors = false;  ///< κ
  feedback_source source = feedback_source::ground_truth;
  std::uint32_t feedback_delay = 0;    ///< feedback for sample t arrives after sample t + delay is decided
  std::uint32_t comparator_bins = 0;   ///< 0: best continuous θ; K (power of two): best grid θ = j/K
};
/// A fixed policy's average cost, accuracy and offload fraction.
struct baseline {
  double cost, accuracy, offload_fraction;
};
/// avg_cost: realised Σℓ_t/n; avg_expected_cost: Σ[r_t(β + κZ_t) + (1 − r_t)Y_t]/n; regret (a
/// total, not an average): n·avg_expected_cost − n·best_fixed.expected_cost.
struct eval_result {
  status st;
  std::size_t n = 0;
  double avg_cost = 0, avg_expected_cost = 0, accuracy = 0, offload_fraction = 0, regret = 0;
  threshold_result best_fixed;
  baseline no_offload{}, full_offload{}, oracle{};
};

/// Runs p over s in order with feedback per P::feedback_model (full: every sample; offload_only:
/// offloaded samples; none), delayed by e.feedback_delay samples; pending feedback is delivered
/// at the end. Y, Z and the comparator use ground truth. O(n) plus O(n log n) for the hindsight
/// optimum.
template <class Policy, std::uniform_random_bit_generator G>
  requires offload_policy<Policy, G>
eval_result evaluate(Policy& p, std::span<const stream_sample> s, const eval_options& e, G& g) {
  eval_result r;
  if (status st = detail::check_unit("beta", e.beta); !st) return r.st = st, r;
  if (s.empty()) return r.st = detail::fail(errc::empty, "stream.size", 0, "must not be empty"), r;
  if (e.comparator_bins != 0 && (e.comparator_bins < 2 || e.comparator_bins > 65536 || (e.comparator_bins & (e.comparator_bins - 1)) != 0))
    return r.st = detail::fail(errc::out_of_range, "comparator_bins", e.comparator_bins, "must be 0 or a power of two in [2, 65536]"), r;
  const std::size_t n = s.size();
  const double beta = e.beta, kappa = e.charge_remote_errors ? 1.0 : 0.0;
  std::vector<float> score(n);
  std::vector<std::uint8_t> Y(n), Z(n);
  struct queued {
    decision d;
    bool y;
  };
  std::deque<queued> q;
  double cost = 0, expected = 0, correct = 0, offloads = 0;
  for (std::size_t t = 0; t < n; ++t) {
    const stream_sample& x = s[t];
    Y[t] = !x.local_correct;
    Z[t] = !x.remote_correct;
    score[t] = detail::finite(x.score) ? x.score : 0.f;
    const decision d = p.decide(x.score, g);
    const double off_loss = beta + kappa * Z[t];
    cost += d.offload ? off_loss : Y[t];
    expected += static_cast<double>(d.offload_prob) * off_loss + (1.0 - static_cast<double>(d.offload_prob)) * Y[t];
    correct += d.offload ? x.remote_correct : x.local_correct;
    offloads += d.offload;
    const bool y = e.source == feedback_source::ground_truth ? !x.local_correct : !x.agree;
    constexpr feedback_kind fk = Policy::feedback_model;
    if (fk == feedback_kind::full || (fk == feedback_kind::offload_only && d.offload)) q.push_back({d, y});
    while (q.size() > e.feedback_delay) {
      p.feedback(q.front().d, q.front().y);
      q.pop_front();
    }
  }
  for (const queued& x : q) p.feedback(x.d, x.y);
  const double nd = static_cast<double>(n);
  r.n = n;
  r.avg_cost = cost / nd;
  r.avg_expected_cost = expected / nd;
  r.accuracy = correct / nd;
  r.offload_fraction = offloads / nd;
  if (e.comparator_bins) {
    const double K = e.comparator_bins;
    for (float& v : score) {
      const double b = std::floor(static_cast<double>(v < 0.f ? 0.f : (v > 1.f ? 1.f : v)) * K);
      v = static_cast<float>((b < K ? b : K - 1) / K);
    }
  }
  std::vector<std::uint32_t> work(n);
  r.best_fixed = optimal_threshold(calibration_set{score, Y, Z, {}, e.charge_remote_errors}, e.beta, work);
  r.regret = expected - nd * r.best_fixed.expected_cost;
  double err = 0, zerr = 0, oracle_cost = 0, oracle_right = 0;
  for (std::size_t t = 0; t < n; ++t) {
    err += Y[t], zerr += Z[t];
    if (Y[t]) oracle_cost += beta + kappa * Z[t], oracle_right += !Z[t];
    else oracle_right += 1;
  }
  r.no_offload = {err / nd, 1 - err / nd, 0};
  r.full_offload = {beta + kappa * zerr / nd, 1 - zerr / nd, 1};
  r.oracle = {oracle_cost / nd, oracle_right / nd, err / nd};
  return r;
}

/// Per-device HI profile in SI units: local inference, and the offload round trip + radio.
struct hi_profile {
  double local_latency_s, local_energy_j, offload_latency_s, offload_energy_j;
};
/// One early exit: fraction of samples leaving there, and the local latency/energy to reach it.
struct early_exit_stage {
  double fraction, latency_s, energy_j;
};
/// A hierarchical system's mean latency and device energy per sample, with the status of its inputs.
struct hi_system_cost {
  double latency_s = 0, device_energy_j = 0;
  status st{};
};

/// T = T_S + φ·T_off, E = E_S + φ·E_off (§2 "Device accounting"). φ ∈ [0, 1]; profile values
/// finite ≥ 0 (else st names the field and the costs are +inf). O(1).
inline hi_system_cost hi_cost(const hi_profile& p, double phi) noexcept {
  hi_system_cost c;
  const double v[] = {p.local_latency_s, p.local_energy_j, p.offload_latency_s, p.offload_energy_j};
  const char* names[] = {"local_latency_s", "local_energy_j", "offload_latency_s", "offload_energy_j"};
  for (int i = 0; i < 4; ++i)
    if (!detail::finite(v[i]) || v[i] < 0) {
      c.st = detail::fail(detail::finite(v[i]) ? errc::out_of_range : errc::not_finite, names[i], v[i], "must be finite and >= 0");
      c.latency_s = c.device_energy_j = INFINITY;
      return c;
    }
  if (status s = detail::check_unit("offload_fraction", phi); !s) {
    c.st = s;
    c.latency_s = c.device_energy_j = INFINITY;
    return c;
  }
  c.latency_s = p.local_latency_s + phi * p.offload_latency_s;
  c.device_energy_j = p.local_energy_j + phi * p.offload_energy_j;
  return c;
}

/// Early-exit HI: the local part is Σ_e f_e·(T_e, E_e) instead of (T_S, E_S); the fractions
/// must be in [0, 1] and sum to 1 (1e-9). O(#exits).
inline hi_system_cost hi_cost_early_exit(std::span<const early_exit_stage> exits, const hi_profile& p, double phi) noexcept {
  hi_system_cost c = hi_cost(p, phi);
  if (!c.st) return c;
  auto bad = [&](status s) {
    c.st = s;
    c.latency_s = c.device_energy_j = INFINITY;
    return c;
  };
  if (exits.empty()) return bad(detail::fail(errc::empty, "exits.size", 0, "must not be empty"));
  double f = 0, T = 0, E = 0;
  for (std::size_t i = 0; i < exits.size(); ++i) {
    if (status s = detail::check_unit("exits.fraction", exits[i].fraction); !s) return s.index = i, bad(s);
    if (!detail::finite(exits[i].latency_s) || exits[i].latency_s < 0)
      return bad(detail::fail(errc::out_of_range, "exits.latency_s", exits[i].latency_s, "must be finite and >= 0", i));
    if (!detail::finite(exits[i].energy_j) || exits[i].energy_j < 0)
      return bad(detail::fail(errc::out_of_range, "exits.energy_j", exits[i].energy_j, "must be finite and >= 0", i));
    f += exits[i].fraction, T += exits[i].fraction * exits[i].latency_s, E += exits[i].fraction * exits[i].energy_j;
  }
  if (!(std::fabs(f - 1.0) <= 1e-9)) return bad(detail::fail(errc::out_of_range, "exits.fraction.sum", f, "must be 1"));
  c.latency_s = T + phi * p.offload_latency_s;
  c.device_energy_j = E + phi * p.offload_energy_j;
  return c;
}

}  // namespace idn::offload
