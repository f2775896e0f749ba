// Hierarchical inference on real data (docs/offload.md E1): scikit-learn's handwritten digits,
// a small local model (logistic regression on 4x4 images, 88.8 % accurate) and a strong remote
// one (RBF SVC on 8x8, 98.4 %), out-of-fold outputs exported once by data/make_digits_csv.py.
// Rows 0-899 calibrate (temperature, threshold, top-2 logistic rule); rows 900-1796 test.
// For each offload cost β it compares no-offload, full-offload, the oracle, the calibrated MSP
// threshold, Chow's rule with and without temperature, the top-2 logistic Bayes rule, and the
// online learners HIL-F / HIL-N (10 shuffled passes of the test split, 20 seeds).
//
// Usage: digits_hi [--data FILE] [--seeds N] [--out DIR] [--profile FILE]
// Writes DIR/digits_cost_vs_beta.csv (beta,policy,avg_cost,accuracy,offload_fraction,regret) and
// DIR/digits_cost_vs_beta.gp. --profile FILE (CSV: device,local_latency_s,local_energy_j,
// offload_latency_s,offload_energy_j,ondevice_latency_s,ondevice_energy_j,ondevice_accuracy)
// prints HI's latency and device-energy reductions against the on-device model at equal accuracy.
// --models FILE (data/digits_cnn_models.csv: model,params,flop,accuracy,latency_s for local,
// ondev, remote, made with --data data/digits_cnn_hi.csv by data/train_digits_cnns.py) --board FILE
// (a board file of the machine that measured them) does the same accounting from measurements:
// docs/offload.md E2 — the device is an STM32H7A3 (idn::hw preset), its latencies are this
// machine's measured ones scaled by (probed FP32 GEMM peak here) / (the MCU's FP32 peak), its
// energy is the preset's measured active power × time; offloading sends the 64-byte 8-bit image
// over an ESP32-class Wi-Fi link (1 Mbit/s, 10 ms RTT, 0.79 W while transmitting: 240 mA at
// 3.3 V, ESP32 datasheet) to an edge server that is this machine (the remote model's measured
// latency). Which inputs are measured and which are modelled is printed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/io/eigen.hpp"
#include "idn/offload.hpp"
#include "idn/offload/evaluate.hpp"
#include "idn/offload/throwing.hpp"
#include "idn/sim/stats.hpp"
#include "gnuplot_figure.hpp"

namespace {
using namespace idn::offload;

struct row {
  int label, local, remote;
  float msp_T, msp_raw, lr_prob;  // temperature-scaled MSP, raw MSP, σ(g) of the fitted top-2 rule
  bool y, z;                      // local wrong, remote wrong
};
struct metrics {
  double cost, accuracy, offload;
};
metrics score_decisions(const std::vector<row>& rows, const std::vector<bool>& off, double beta) {
  metrics m{0, 0, 0};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    m.cost += off[i] ? beta : rows[i].y;
    m.accuracy += off[i] ? !rows[i].z : !rows[i].y;
    m.offload += off[i];
  }
  const double n = static_cast<double>(rows.size());
  return {m.cost / n, m.accuracy / n, m.offload / n};
}
/// Best fixed threshold on the 256-grid of a score over the rows (hindsight comparator).
double best_grid_cost(const std::vector<row>& rows, double beta) {
  std::vector<float> s;
  std::vector<std::uint8_t> y;
  for (const row& r : rows) s.push_back(static_cast<float>(bin_of<256>(r.msp_T)) / 256.f), y.push_back(r.y);
  std::vector<std::uint32_t> work(s.size());
  const threshold_result t = optimal_threshold(calibration_set{s, y}, static_cast<float>(beta), work);
  throw_if_error(t.st);
  return t.expected_cost;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    std::filesystem::path data = "data/digits_hi.csv", out = ".", profile, models, board;
    std::size_t seeds = 20;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw idn::invalid_input(idn::concat("missing value after ", a));
        return argv[++i];
      };
      if (a == "--data") data = next();
      else if (a == "--seeds") seeds = std::stoul(next());
      else if (a == "--out") out = next();
      else if (a == "--profile") profile = next();
      else if (a == "--models") models = next();
      else if (a == "--board") board = next();
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (see the comment at the top of digits_hi.cpp)"));
    }
    if (seeds == 0) throw idn::invalid_input("--seeds must be >= 1");
    const Eigen::MatrixXd M = idn::io::load_csv_matrix(data);
    if (M.cols() != 13) throw idn::invalid_input(idn::concat(data.string(), ": expected 13 columns, got ", M.cols()));
    const std::size_t n = static_cast<std::size_t>(M.rows()), C = 10, n_cal = 900;
    std::vector<float> logits(n * C);
    std::vector<std::uint32_t> labels(n);
    std::size_t argmax_mismatch = 0;
    for (std::size_t i = 0; i < n; ++i) {
      labels[i] = static_cast<std::uint32_t>(M(static_cast<Eigen::Index>(i), 0));
      std::size_t arg = 0;
      for (std::size_t k = 0; k < C; ++k) {
        logits[i * C + k] = static_cast<float>(M(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(3 + k)));
        if (logits[i * C + k] > logits[i * C + arg]) arg = k;
      }
      argmax_mismatch += static_cast<int>(arg) != static_cast<int>(M(static_cast<Eigen::Index>(i), 1));
    }
    if (argmax_mismatch) throw idn::invalid_input(idn::concat(argmax_mismatch, " rows where argmax(z) != local_pred"));
    // Calibration: temperature on the calibration split, then the top-2 logistic rule on T-scaled probabilities.
    const temperature_result T = fit_temperature(std::span<const float>(logits.data(), n_cal * C), C,
                                                 std::span<const std::uint32_t>(labels.data(), n_cal));
    throw_if_error(T.st);
    std::vector<row> rows(n);
    std::vector<top2> t2(n);
    std::vector<std::uint8_t> wrong(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::span<const float> z(logits.data() + i * C, C);
      const softmax_summary sT = summarize_logits(z, T.temperature), s1 = summarize_logits(z, 1.f);
      row& r = rows[i];
      r.label = static_cast<int>(labels[i]);
      r.local = static_cast<int>(M(static_cast<Eigen::Index>(i), 1));
      r.remote = static_cast<int>(M(static_cast<Eigen::Index>(i), 2));
      r.msp_T = max_softmax(sT.t), r.msp_raw = max_softmax(s1.t);
      r.y = r.local != r.label, r.z = r.remote != r.label;
      t2[i] = sT.t, wrong[i] = r.y;
    }
    const top2_fit_result lr = fit_top2_linear(std::span<const top2>(t2.data(), n_cal), std::span<const std::uint8_t>(wrong.data(), n_cal));
    throw_if_error(lr.st);
    for (std::size_t i = 0; i < n; ++i) rows[i].lr_prob = top2_logistic(t2[i], lr.coeffs);
    const std::vector<row> cal(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n_cal)), test(rows.begin() + static_cast<std::ptrdiff_t>(n_cal), rows.end());
    double acc_local = 0, acc_remote = 0;
    for (const row& r : test) acc_local += !r.y, acc_remote += !r.z;
    acc_local /= static_cast<double>(test.size()), acc_remote /= static_cast<double>(test.size());
    std::printf("digits: %zu rows (%zu calibration, %zu test); test accuracy local %.4f, remote %.4f\n", n, n_cal, test.size(), acc_local, acc_remote);
    std::printf("temperature T* = %.4f (NLL %.1f -> %.1f on the calibration split); top-2 rule g = %.3f %+.3f p1 %+.3f p2\n",
                static_cast<double>(T.temperature), T.nll_before, T.nll_after, static_cast<double>(lr.coeffs.b),
                static_cast<double>(lr.coeffs.w1), static_cast<double>(lr.coeffs.w2));

    std::filesystem::create_directories(out);
    std::ofstream csv(out / "digits_cost_vs_beta.csv");
    csv << "beta,policy,avg_cost,accuracy,offload_fraction,regret,avg_cost_ci95\n";
    std::printf("\n%-6s %-10s %9s %9s %9s %10s\n", "beta", "policy", "avg_cost", "accuracy", "offload", "regret/n");
    bool hil_f_ok = true, hil_n_ok = true, f_le_n = true, hi_beats = true;
    double y_max = 0;  // the figure's y range: every policy but full offload (cost = beta) fits
    const std::size_t passes = 10, n_stream = passes * test.size();
    for (const double beta : {0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9}) {
      const auto b = static_cast<float>(beta);
      const double best = best_grid_cost(test, beta);
      // ci95: half-width of the 95 % confidence interval of avg_cost over seeds (0: deterministic).
      auto report = [&](const char* name, const metrics& m, double regret, double ci95 = 0) {
        if (std::string_view(name) != "full") y_max = std::max(y_max, m.cost + ci95);
        std::printf("%-6.2f %-10s %9.4f %9.4f %9.4f %10.5f\n", beta, name, m.cost, m.accuracy, m.offload, regret);
        csv << beta << ',' << name << ',' << m.cost << ',' << m.accuracy << ',' << m.offload << ',' << regret << ',' << ci95 << '\n';
      };
      auto fixed = [&](const char* name, auto offload_if) {
        std::vector<bool> off(test.size());
        for (std::size_t i = 0; i < test.size(); ++i) off[i] = offload_if(test[i]);
        const metrics m = score_decisions(test, off, beta);
        report(name, m, m.cost - best);
        return m;
      };
      const metrics none = fixed("no_offload", [](const row&) { return false; });
      const metrics full = fixed("full", [](const row&) { return true; });
      fixed("oracle", [](const row& r) { return r.y; });
      std::vector<float> s;
      std::vector<std::uint8_t> y, z;
      for (const row& r : cal) s.push_back(r.msp_T), y.push_back(r.y), z.push_back(r.z);
      std::vector<std::uint32_t> work(s.size());
      const threshold_result opt = optimal_threshold(calibration_set{s, y, z}, b, work);
      throw_if_error(opt.st);
      const metrics o = fixed("optimal", [&](const row& r) { return r.msp_T < opt.theta; });
      fixed("chow", [&](const row& r) { return r.msp_T < chow_threshold(b); });
      fixed("chow_T1", [&](const row& r) { return r.msp_raw < chow_threshold(b); });
      fixed("lr_bayes", [&](const row& r) { return r.lr_prob < 1.f - b; });
      hi_beats = hi_beats && o.cost <= std::min(none.cost, full.cost) + 0.01;
      // Online learners on 10 shuffled passes of the test split, averaged over seeds.
      metrics mf{0, 0, 0}, mn{0, 0, 0};
      double rf = 0, rn = 0;
      idn::sim::sample_stats cost_f, cost_n;  // per-seed average costs, for the confidence interval
      for (std::size_t seed = 0; seed < seeds; ++seed) {
        idn::rng g(seed + 1);
        std::vector<stream_sample> stream;
        std::vector<std::size_t> idx(test.size());
        for (std::size_t p = 0; p < passes; ++p) {
          for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
          for (std::size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[g() % i]);
          for (const std::size_t i : idx) stream.push_back({test[i].msp_T, !test[i].y, !test[i].z, test[i].local == test[i].remote});
        }
        eval_options e{b};
        e.comparator_bins = 256;
        hil_f<256> f;
        throw_if_error(f.configure({b, 0, n_stream}));
        const eval_result a = evaluate(f, std::span<const stream_sample>(stream), e, g);
        hil_n<256> h;
        hil_n_options hp{b};
        hp.horizon = n_stream;
        throw_if_error(h.configure(hp));
        const eval_result c = evaluate(h, std::span<const stream_sample>(stream), e, g);
        const double k = 1.0 / static_cast<double>(seeds);
        mf = {mf.cost + k * a.avg_expected_cost, mf.accuracy + k * a.accuracy, mf.offload + k * a.offload_fraction};
        mn = {mn.cost + k * c.avg_expected_cost, mn.accuracy + k * c.accuracy, mn.offload + k * c.offload_fraction};
        cost_f.add(a.avg_expected_cost), cost_n.add(c.avg_expected_cost);
        rf += k * a.regret / static_cast<double>(n_stream), rn += k * c.regret / static_cast<double>(n_stream);
      }
      // Normal approximation 1.96·s/√n of the mean over seeds (0 with one seed).
      auto ci95 = [&](const idn::sim::sample_stats& x) { return 1.96 * std::sqrt(x.variance() / static_cast<double>(seeds)); };
      report("hil_f", mf, rf, ci95(cost_f));
      report("hil_n", mn, rn, ci95(cost_n));
      const double L = grid_log_inv_lambda(256);
      const hil_n_tuning tn = hil_n_theory(n_stream, b, L);
      hil_f_ok = hil_f_ok && rf <= std::sqrt(L / (2.0 * static_cast<double>(n_stream)));
      hil_n_ok = hil_n_ok && rn <= hil_n_bound(n_stream, L, tn.eta, tn.epsilon, beta) / static_cast<double>(n_stream);
      f_le_n = f_le_n && mf.cost <= mn.cost + 1e-12;
    }
    // §9.4: the θ sweep's accuracy–offload curve vs the random-offload chord.
    std::vector<row> sorted = test;
    std::sort(sorted.begin(), sorted.end(), [](const row& a, const row& b) { return a.msp_T < b.msp_T; });
    double worst_gap = 0, worst_phi = 0;  // most negative (curve − chord)
    double correct = 0;
    for (const row& r : sorted) correct += !r.y;
    for (std::size_t k = 0; k <= sorted.size(); ++k) {  // offload the k lowest scores
      if (k > 0) correct += -static_cast<double>(!sorted[k - 1].y) + static_cast<double>(!sorted[k - 1].z);
      if (k < sorted.size() && k > 0 && sorted[k].msp_T == sorted[k - 1].msp_T) continue;
      const double phi = static_cast<double>(k) / static_cast<double>(sorted.size());
      const double acc = correct / static_cast<double>(sorted.size());
      const double gap = acc - (acc_local + phi * (acc_remote - acc_local));
      if (gap < worst_gap) worst_gap = gap, worst_phi = phi;
    }
    std::printf("\n§9.3 HIL-F regret/n <= sqrt(ln 257 / 2n) at every beta: %s\n", hil_f_ok ? "PASS" : "FAIL");
    std::printf("§9.3 HIL-N regret/n <= hil_n_bound/n at every beta: %s\n", hil_n_ok ? "PASS" : "FAIL");
    std::printf("§9.3 HIL-F cost <= HIL-N cost (exploration premium) at every beta: %s\n", f_le_n ? "PASS" : "FAIL");
    std::printf("§9.4 calibrated threshold cost <= min(no-offload, full-offload) + 0.01 at every beta: %s\n", hi_beats ? "PASS" : "FAIL");
    // One sample is 1/n of accuracy: a dip of less than one sample below the chord is noise.
    const double one = 1.0 / static_cast<double>(test.size());
    std::printf("§9.4 accuracy-offload curve on or above the random-offload chord: %s (largest dip %.5f at phi = %.4f; one sample = %.5f)\n",
                worst_gap >= -1e-12 ? "PASS" : (worst_gap > -one - 1e-12 ? "PASS within one sample" : "FAIL"), -worst_gap, worst_phi, one);

    if ((models.empty()) != (board.empty())) throw idn::invalid_input("--models and --board go together");
    Eigen::MatrixXd P;
    if (!profile.empty()) {
      P = idn::io::load_csv_matrix(profile);
      if (P.cols() != 8) throw idn::invalid_input(idn::concat(profile.string(), ": expected 8 columns, got ", P.cols()));
    } else if (!models.empty()) {
      // docs/offload.md E2: one device row built from measured latencies and stated models.
      // model,params,flop,accuracy,latency_s with rows local, ondev, remote (in that order).
      Eigen::MatrixXd Mm(3, 4);
      {
        std::ifstream in(models);
        if (!in) throw idn::invalid_input(idn::concat(models.string(), ": cannot open"));
        std::string line;
        int row = -1;
        const char* expected[3] = {"local", "ondev", "remote"};
        while (std::getline(in, line)) {
          if (line.empty() || line[0] == '#') continue;
          if (row++ < 0) continue;  // header
          std::stringstream ss(line);
          std::string name, field;
          std::getline(ss, name, ',');
          if (row > 3 || name != expected[row - 1])
            throw idn::invalid_input(idn::concat(models.string(), ": row ", row, " is '", name, "', expected local, ondev, remote in order"));
          for (Eigen::Index k = 0; k < 4; ++k) {
            if (!std::getline(ss, field, ',')) throw idn::invalid_input(idn::concat(models.string(), ": row ", row, " has fewer than 5 fields"));
            Mm(row - 1, k) = std::stod(field);
            if (!(Mm(row - 1, k) > 0) || !std::isfinite(Mm(row - 1, k)))
              throw idn::invalid_input(idn::concat(models.string(), ": row ", row, " field ", k + 2, " = '", field, "': must be finite and > 0"));
          }
        }
        if (row != 3) throw idn::invalid_input(idn::concat(models.string(), ": expected 3 model rows, got ", std::max(row, 0)));
      }
      const idn::hw::board_file b = idn::hw::read_board_file(board);
      const double here = b.peak(idn::hw::board_quantity::gemm_fp32);
      if (!(here > 0)) throw idn::invalid_input(idn::concat(board.string(), ": no reliable gemm_fp32 point"));
      const auto mcu = idn::hw::stm32h7a3();
      const double scale = here / mcu.params.peak_flops[0], active_w = mcu.params.active_power;
      const idn::hw::affine_link wifi(0.010, 1e6, 0.79);
      const double image_bytes = 64;  // 8x8 pixels, 8 bits each
      const double t_local = scale * Mm(0, 3), t_ondev = scale * Mm(1, 3), t_edge = Mm(2, 3);
      const double t_off = wifi.transfer_time(image_bytes) + t_edge, e_off = wifi.transmit_power() * (8 * image_bytes / 1e6);
      std::printf("\nmeasured on this machine (PyTorch, 1 thread): local %.3f ms (%.0f FLOP), on-device %.3f ms (%.0f FLOP), remote %.3f ms;\n"
                  "  accuracies (5-fold, out of fold): local %.4f, on-device %.4f, remote %.4f\n"
                  "modelled: MCU = %s, latency x %.0f (probed %.1f GFLOP/s here / %.2f GFLOP/s), %.4f W active (MLPerf Tiny measurement);\n"
                  "  Wi-Fi 1 Mbit/s, 10 ms RTT, 0.79 W transmitting; edge server = this machine\n",
                  1e3 * Mm(0, 3), Mm(0, 1), 1e3 * Mm(1, 3), Mm(1, 1), 1e3 * Mm(2, 3), Mm(0, 2), Mm(1, 2), Mm(2, 2), std::string(mcu.params.name).c_str(), scale,
                  here / 1e9, mcu.params.peak_flops[0] / 1e9, active_w);
      // Row 1: measured latencies scaled (they include PyTorch's per-call overhead, which
      // dominates models this small); row 2: the MCU's compute roofline F / peak (both models fit
      // its SRAM), i.e. the same device without the host runtime's overhead.
      const double r_local = Mm(0, 1) / mcu.params.peak_flops[0], r_ondev = Mm(1, 1) / mcu.params.peak_flops[0];
      P.resize(2, 8);
      P << 1, t_local, active_w * t_local, t_off, e_off, t_ondev, active_w * t_ondev, Mm(1, 2),  //
          2, r_local, active_w * r_local, t_off, e_off, r_ondev, active_w * r_ondev, Mm(1, 2);
      for (Eigen::Index d = 0; d < 2; ++d)
        std::printf("device %lld (MCU, %s): local %.3f ms / %.4f mJ; offload round trip %.2f ms / %.4f mJ radio; on-device model %.3f ms / %.4f mJ\n",
                    static_cast<long long>(d + 1), d == 0 ? "measured x scale" : "roofline F/peak", 1e3 * P(d, 1), 1e3 * P(d, 2), 1e3 * P(d, 3),
                    1e3 * P(d, 4), 1e3 * P(d, 5), 1e3 * P(d, 6));
    }
    if (P.rows() > 0) {
      // Device accounting: the smallest offload fraction of the MSP sweep reaching each
      // on-device alternative's accuracy, then T = T_S + φ T_off and E = E_S + φ E_off.
      std::printf("\n%-8s %10s %8s %12s %12s\n", "device", "accuracy", "phi", "latency -%", "energy -%");
      for (Eigen::Index d = 0; d < P.rows(); ++d) {
        const double target = P(d, 7);
        double c = 0, phi = -1;
        for (const row& r : sorted) c += !r.y;
        for (std::size_t k = 0; k <= sorted.size() && phi < 0; ++k) {
          if (k > 0) c += -static_cast<double>(!sorted[k - 1].y) + static_cast<double>(!sorted[k - 1].z);
          if (c / static_cast<double>(sorted.size()) >= target) phi = static_cast<double>(k) / static_cast<double>(sorted.size());
        }
        if (phi < 0) {
          std::printf("%-8lld %10.4f  unreachable (remote accuracy %.4f)\n", static_cast<long long>(P(d, 0)), target, acc_remote);
          continue;
        }
        const hi_system_cost hc = hi_cost({P(d, 1), P(d, 2), P(d, 3), P(d, 4)}, phi);
        throw_if_error(hc.st);
        std::printf("%-8lld %10.4f %8.4f %12.1f %12.1f\n", static_cast<long long>(P(d, 0)), target, phi,
                    100 * (1 - hc.latency_s / P(d, 5)), 100 * (1 - hc.device_energy_j / P(d, 6)));
      }
    }
    idn_examples::gnuplot_figure fig;
    fig.stem = "digits_cost_vs_beta", fig.csv = "digits_cost_vs_beta.csv";
    fig.title = idn::concat("Hierarchical inference on digits: cost per sample vs offload cost (HIL bands: 95 % CI over ",
                            seeds, " seeds)");
    fig.xlabel = "offload cost beta (cost units per offloaded sample)";
    fig.ylabel = "average cost per sample (cost units)";
    fig.y_column = 3, fig.band_column = 7, fig.points = true, fig.key_position = "top right";
    fig.yrange = std::pair{0.0, 1.15 * y_max};  // full offload (cost = beta) leaves the frame at beta > y_max
    for (const char* name : {"no_offload", "full", "oracle", "optimal", "chow", "chow_T1", "lr_bayes", "hil_f", "hil_n"})
      fig.series.push_back({name, name});
    idn_examples::write_gnuplot_figure(out, fig);
    std::printf("wrote %s and %s\n", (out / "digits_cost_vs_beta.csv").c_str(), (out / "digits_cost_vs_beta.gp").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
