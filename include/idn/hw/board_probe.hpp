#pragma once
/// idn::hw::run_board_probe: microbenchmarks of the machine it runs on, written as a board_file
/// (hw/board_file.hpp; docs/hardware-validation.md "The board probe"):
///   - copy (a = b) and triad (a = b + s·c) bandwidth over working sets from L1 to DRAM, so the
///     cache levels show;
///   - FP32 and FP64 GEMM through Eigen at shapes of real DNN layers (conv as im2col GEMM,
///     attention projections, a batch-1 classifier GEMV);
///   - a 3×3 depthwise convolution and an elementwise ReLU, the low-intensity kernels;
///   - timer resolution, and for every point the spread (p90 − p10)/median over repetitions; a
///     point above options.spread_limit is marked unreliable instead of reported as a number.
/// Each point runs `repetitions` timed repetitions of at least rep_seconds each (inner loops are
/// batched to reach it), after one untimed warm-up. With threads > 1, every series is measured
/// again with that many std::threads, each on its own buffers (aggregate throughput). Link
/// Threads::Threads (or -pthread) when calling it; idn-board-probe does.
#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Dense>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/hw/board_file.hpp"

namespace idn::hw {

/// run_board_probe's knobs: threads, the quick mode, the spread limit and a progress callback.
struct board_probe_options {
  bool quick = false;             ///< fewer sizes, shorter repetitions (≈ 10 s instead of ≈ 60 s)
  std::uint32_t threads = 1;      ///< also measure every series with this many threads when > 1
  double spread_limit = 0.25;     ///< (p90 − p10)/median above this: the point is unreliable
  /// Called before each point with a short description ("gemm_fp32 3136x576x64, 1 thread").
  std::function<void(const std::string&)> progress;
};

namespace detail {

/// Smallest positive difference between consecutive steady_clock readings, seconds.
inline double timer_resolution() {
  using clock = std::chrono::steady_clock;
  double best = INFINITY;
  for (int k = 0; k < 2000; ++k) {
    const auto a = clock::now();
    auto b = clock::now();
    while (b == a) b = clock::now();
    best = std::min(best, std::chrono::duration<double>(b - a).count());
  }
  return best;
}

/// Keeps the optimizer from removing a computation whose result is unused.
template <class T>
inline void keep(T& v) {
#if defined(__GNUC__)
  asm volatile("" : : "r,m"(v) : "memory");
#else
  static volatile T sink;
  sink = v;
#endif
}

/// One point: `work(inner)` runs the kernel `inner` times per thread; `units` is the work of one
/// kernel call (bytes or FLOP). Returns value = units·inner·threads / median seconds.
struct point_timing {
  double value, spread;
};
inline point_timing time_point(const std::function<void(std::uint32_t thread, std::uint64_t inner)>& work, double units,
                               std::uint32_t threads, double rep_seconds, int repetitions) {
  using clock = std::chrono::steady_clock;
  // Calibrate the inner count on thread 0 alone: double until one call block lasts rep_seconds.
  std::uint64_t inner = 1;
  for (;;) {
    const auto t0 = clock::now();
    work(0, inner);
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    if (s >= rep_seconds || inner > (std::uint64_t{1} << 40)) break;
    inner *= s > 0 ? std::max<std::uint64_t>(2, static_cast<std::uint64_t>(std::min(64.0, rep_seconds / s))) : 64;
  }
  std::vector<double> secs;
  if (threads == 1) {
    for (int r = 0; r < repetitions; ++r) {
      const auto t0 = clock::now();
      work(0, inner);
      secs.push_back(std::chrono::duration<double>(clock::now() - t0).count());
    }
  } else {
    // The workers synchronise among themselves and stamp their own start and end; a repetition
    // lasts from the first start to the last end. The calling thread only waits in join(), so it
    // takes no core from them. (It used to stamp the time between two barriers it shared with
    // the workers: when they filled every core it ran only after they had finished, and an ASan
    // run saw 10 TB/s of copy bandwidth.)
    const std::size_t reps = static_cast<std::size_t>(repetitions) + 1;  // rep 0: warm-up
    std::barrier sync(static_cast<std::ptrdiff_t>(threads));
    std::vector<clock::time_point> start(reps * threads), end(reps * threads);
    std::vector<std::thread> pool;
    for (std::uint32_t t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (std::size_t r = 0; r < reps; ++r) {
          sync.arrive_and_wait();
          start[r * threads + t] = clock::now();
          work(t, inner);
          end[r * threads + t] = clock::now();
        }
      });
    for (auto& th : pool) th.join();
    for (std::size_t r = 1; r < reps; ++r) {
      const auto first = std::min_element(start.begin() + static_cast<std::ptrdiff_t>(r * threads), start.begin() + static_cast<std::ptrdiff_t>((r + 1) * threads));
      const auto last = std::max_element(end.begin() + static_cast<std::ptrdiff_t>(r * threads), end.begin() + static_cast<std::ptrdiff_t>((r + 1) * threads));
      secs.push_back(std::chrono::duration<double>(*last - *first).count());
    }
  }
  std::sort(secs.begin(), secs.end());
  auto q = [&](double f) { return secs[static_cast<std::size_t>(std::lround(f * static_cast<double>(secs.size() - 1)))]; };
  const double med = q(0.5);
  return {units * static_cast<double>(inner) * threads / med, (q(0.9) - q(0.1)) / med};
}

/// What the probe steps share: the options, the timing budget, the thread counts, and the board
/// file the points go to.
struct probe_context {
  const board_probe_options& o;
  board_file& b;
  double rep;
  int reps;
  std::vector<std::uint32_t> thread_counts;
  void say(const std::string& s) const {
    if (o.progress) o.progress(s);
  }
  void add(board_quantity q, double size, std::uint32_t threads, point_timing t) {
    b.points.push_back({q, size, threads, t.value, t.spread, t.spread <= o.spread_limit});
  }
};

/// Copy and triad bandwidth and fp32 elementwise ReLU over working sets 16 KiB … 256 MiB.
inline void probe_bandwidth(probe_context& ctx) {
  // Bandwidth: working sets 16 KiB … 256 MiB (quick: 16 KiB … 64 MiB, ×4 steps).
  std::vector<double> sets;
  for (double ws = 16384; ws <= (ctx.o.quick ? 64.0 : 256.0) * 1048576; ws *= ctx.o.quick ? 4 : 2) sets.push_back(ws);
  for (const std::uint32_t T : ctx.thread_counts)
    for (const double ws : sets) {
      for (const bool triad : {false, true}) {
        const std::size_t arrays = triad ? 3 : 2, n = static_cast<std::size_t>(ws / (8.0 * static_cast<double>(arrays)));
        std::vector<std::vector<double>> a(T, std::vector<double>(n, 1.0)), bb(T, std::vector<double>(n, 2.0)),
            c(T, std::vector<double>(triad ? n : 0, 3.0));
        ctx.say(concat(triad ? "triad" : "copy", " bandwidth, working set ", ws / 1024, " KiB, ", T, T == 1 ? " thread" : " threads"));
        auto work = [&](std::uint32_t t, std::uint64_t inner) {
          double* x = a[t].data();
          const double* y = bb[t].data();
          const double* z = c[t].data();
          for (std::uint64_t k = 0; k < inner; ++k) {
            if (triad)
              for (std::size_t i = 0; i < n; ++i) x[i] = y[i] + 0.5 * z[i];
            else
              for (std::size_t i = 0; i < n; ++i) x[i] = y[i];
            keep(x[k % n]);
          }
        };
        ctx.add(triad ? board_quantity::triad_bandwidth : board_quantity::copy_bandwidth, ws, T,
            time_point(work, static_cast<double>(n * 8 * arrays), T, ctx.rep, ctx.reps));
      }
      // Elementwise ReLU over fp32 (read + write): the bandwidth an activation layer sees.
      const std::size_t n = static_cast<std::size_t>(ws / 8.0);
      std::vector<std::vector<float>> x(T, std::vector<float>(n, -1.0f)), y(T, std::vector<float>(n));
      ctx.say(concat("elementwise relu, working set ", ws / 1024, " KiB, ", T, T == 1 ? " thread" : " threads"));
      auto relu = [&](std::uint32_t t, std::uint64_t inner) {
        for (std::uint64_t k = 0; k < inner; ++k) {
          for (std::size_t i = 0; i < n; ++i) y[t][i] = std::max(x[t][i], 0.0f);
          keep(y[t][k % n]);
        }
      };
      ctx.add(board_quantity::elementwise_fp32, ws, T, time_point(relu, static_cast<double>(n * 8), T, ctx.rep, ctx.reps));
    }
}

/// GEMM fp32 and fp64 at the im2col shapes of real layers.
inline void probe_gemm(probe_context& ctx) {
  // GEMM C(M×N) = A(M×K)·B(K×N) at the im2col shapes of real layers, spread over three decades
  // of FLOP: a 64³ toy, late and early ResNet-50 convolutions (49×512×128, 3136×64×256,
  // 784×1152×128), a 16×16 attention-sized one (196×256×256) and ViT-B/16's MLP (196×768×3072).
  struct shape {
    int m, k, n;
  };
  std::vector<shape> shapes{{64, 64, 64}, {49, 512, 128}, {196, 256, 256}, {3136, 64, 256}, {784, 1152, 128}, {196, 768, 3072}};
  if (ctx.o.quick) shapes = {{49, 512, 128}, {3136, 64, 256}, {196, 768, 3072}};
  for (const std::uint32_t T : ctx.thread_counts)
    for (const shape s : shapes) {
      const double flop = 2.0 * s.m * s.k * s.n;
      // One GEMM series per precision; Scalar is float or double.
      auto gemm = [&]<class Scalar>(Scalar, board_quantity q, const char* label) {
        using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
        std::vector<matrix> A(T, matrix::Constant(s.m, s.k, Scalar(0.5))), B(T, matrix::Constant(s.k, s.n, Scalar(0.25))), C(T, matrix(s.m, s.n));
        ctx.say(concat("gemm ", label, ' ', s.m, 'x', s.k, 'x', s.n, ", ", T, T == 1 ? " thread" : " threads"));
        auto work = [&](std::uint32_t t, std::uint64_t inner) {
          for (std::uint64_t k = 0; k < inner; ++k) {
            C[t].noalias() = A[t] * B[t];
            keep(C[t](0, 0));
          }
        };
        ctx.add(q, flop, T, time_point(work, flop, T, ctx.rep, ctx.reps));
      };
      gemm(0.0f, board_quantity::gemm_fp32, "fp32");
      gemm(0.0, board_quantity::gemm_fp64, "fp64");
    }
}

/// 3×3 depthwise convolution, fp32, on MobileNetV2 shapes.
inline void probe_depthwise(probe_context& ctx) {
  // 3×3 depthwise convolution, stride 1, fp32, channel-major, on MobileNetV2 shapes; the input
  // is stored zero-padded, so the inner loop has no branches and vectorizes, as in runtimes.
  struct dw {
    int c, h, w;
  };
  const std::vector<dw> dws = ctx.o.quick ? std::vector<dw>{{144, 56, 56}} : std::vector<dw>{{32, 112, 112}, {144, 56, 56}, {576, 14, 14}, {960, 7, 7}};
  for (const std::uint32_t T : ctx.thread_counts)
    for (const dw d : dws) {
      const std::size_t H = static_cast<std::size_t>(d.h), W = static_cast<std::size_t>(d.w), C = static_cast<std::size_t>(d.c);
      const std::size_t padded = (H + 2) * (W + 2), n = H * W * C;
      std::vector<std::vector<float>> in(T, std::vector<float>(padded * C, 0.0f)), out(T, std::vector<float>(n)), wts(T, std::vector<float>(C * 9, 0.1f));
      for (auto& x : in)
        for (std::size_t ch = 0; ch < C; ++ch)
          for (std::size_t i = 0; i < H; ++i)
            for (std::size_t j = 0; j < W; ++j) x[ch * padded + (i + 1) * (W + 2) + j + 1] = 1.0f;
      ctx.say(concat("depthwise 3x3 ", d.c, 'x', d.h, 'x', d.w, ", ", T, T == 1 ? " thread" : " threads"));
      auto work = [&](std::uint32_t t, std::uint64_t inner) {
        for (std::uint64_t k = 0; k < inner; ++k) {
          for (std::size_t ch = 0; ch < C; ++ch) {
            const float* x = in[t].data() + ch * padded;
            float* y = out[t].data() + ch * H * W;
            const float* wk = wts[t].data() + ch * 9;
            for (std::size_t i = 0; i < H; ++i) {
              const float *r0 = x + i * (W + 2), *r1 = r0 + (W + 2), *r2 = r1 + (W + 2);
              float* yr = y + i * W;
              for (std::size_t j = 0; j < W; ++j)
                yr[j] = wk[0] * r0[j] + wk[1] * r0[j + 1] + wk[2] * r0[j + 2] + wk[3] * r1[j] + wk[4] * r1[j + 1] + wk[5] * r1[j + 2] +
                        wk[6] * r2[j] + wk[7] * r2[j + 1] + wk[8] * r2[j + 2];
            }
          }
          keep(out[t][k % n]);
        }
      };
      const double flop = 2.0 * 9.0 * static_cast<double>(n);
      ctx.add(board_quantity::depthwise_fp32, flop, T, time_point(work, flop, T, ctx.rep, ctx.reps));
    }
}

}  // namespace detail

/// Runs the probe on this machine. Takes ≈ 60 s by default, ≈ 10 s with options.quick (plus the
/// same again per extra thread setting). Throws invalid_input for threads = 0 or a spread_limit
/// that is not > 0.
inline board_file run_board_probe(const board_probe_options& o = {}) {
  if (o.threads == 0) reject("hw::run_board_probe", "threads", 0, "must be >= 1");
  if (!(o.spread_limit > 0)) reject("hw::run_board_probe", "spread_limit", o.spread_limit, "must be > 0");
  board_file b;
  detail::probe_context ctx{o, b, o.quick ? 2e-3 : 10e-3, o.quick ? 7 : 11, {1}};
  if (o.threads > 1) ctx.thread_counts.push_back(o.threads);
  ctx.say("timer resolution");
  b.points.push_back({board_quantity::timer_resolution, 0, 1, detail::timer_resolution(), 0, true});
  detail::probe_bandwidth(ctx);
  detail::probe_gemm(ctx);
  detail::probe_depthwise(ctx);
  return b;
}

}  // namespace idn::hw
