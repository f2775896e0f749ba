// idn-board-probe: measures the machine it runs on and writes a board file that
// idn::hw::measured_device loads (docs/hardware-validation.md "The board probe").
//
// Usage: idn-board-probe [--quick] [--threads N] [--name NAME] --out BOARD_FILE
//   --quick      fewer sizes and shorter repetitions (about 10 s instead of about 60 s)
//   --threads N  also measure every series with N threads (aggregate throughput)
//   --name NAME  the board's name in the file (default: the host name)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <unistd.h>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/hw/board_file.hpp"
#include "idn/hw/board_probe.hpp"

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string host_name() {
  char buf[256] = {};
  return gethostname(buf, sizeof buf - 1) == 0 && buf[0] ? std::string(buf) : std::string("board");
}

const char* unit_of(idn::hw::board_quantity q) {
  using idn::hw::board_quantity;
  switch (q) {
    case board_quantity::gemm_fp32: case board_quantity::gemm_fp64: case board_quantity::depthwise_fp32: return "GFLOP/s";
    case board_quantity::timer_resolution: return "ns";
    default: return "GB/s";
  }
}

/// The size column as a reader wants it: working sets in KiB/MiB, GEMM and depthwise work in
/// MFLOP per call, nothing for the timer.
std::string size_text(const idn::hw::board_point& p) {
  using idn::hw::board_quantity;
  char buf[32];
  if (p.quantity == board_quantity::timer_resolution) return "-";
  if (p.quantity == board_quantity::gemm_fp32 || p.quantity == board_quantity::gemm_fp64 || p.quantity == board_quantity::depthwise_fp32)
    std::snprintf(buf, sizeof buf, "%.4g MFLOP", p.size / 1e6);
  else if (p.size < 1024.0 * 1024.0)
    std::snprintf(buf, sizeof buf, "%.4g KiB", p.size / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.4g MiB", p.size / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    idn::hw::board_probe_options o;
    std::string out, name = host_name();
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--quick") o.quick = true;
      else if (a == "--threads" && i + 1 < argc) {
        char* end = nullptr;
        const long t = std::strtol(argv[++i], &end, 10);
        if (*end != '\0' || t < 1 || t > 4096) throw idn::invalid_input(idn::concat("--threads '", argv[i], "': must be an integer in [1, 4096]"));
        o.threads = static_cast<std::uint32_t>(t);
      } else if (a == "--out" && i + 1 < argc) out = argv[++i];
      else if (a == "--name" && i + 1 < argc) name = argv[++i];
      else throw idn::invalid_input(idn::concat("unknown argument '", a, "' (usage: idn-board-probe [--quick] [--threads N] [--name NAME] --out BOARD_FILE)"));
    }
    if (out.empty()) throw idn::invalid_input("--out BOARD_FILE is required (usage: idn-board-probe [--quick] [--threads N] [--name NAME] --out BOARD_FILE)");
    std::size_t step = 0;
    o.progress = [&](const std::string& what) { std::fprintf(stderr, "[%3zu] %s\n", ++step, what.c_str()); };
    idn::hw::board_file b = idn::hw::run_board_probe(o);
    b.name = name;
    b.description = idn::concat(cpu_model(), ", ", std::thread::hardware_concurrency(), " logical CPUs, probe ", o.quick ? "--quick" : "default",
#if defined(__clang__)
                                ", clang ", __clang_major__, '.', __clang_minor__
#elif defined(__GNUC__)
                                ", GCC ", __GNUC__, '.', __GNUC_MINOR__
#else
                                ""
#endif
                                ,
#if defined(__AVX512F__)
                                ", SIMD avx512f"
#elif defined(__AVX2__)
                                ", SIMD avx2"
#elif defined(__ARM_NEON)
                                ", SIMD neon"
#else
                                ", SIMD baseline"
#endif
    );
    std::printf("board '%s': %s\n%-18s %14s %7s %12s %8s  %s\n", b.name.c_str(), b.description.c_str(), "quantity", "size", "threads", "value", "spread", "unit");
    std::size_t unreliable = 0;
    for (const auto& p : b.points) {
      const bool time = p.quantity == idn::hw::board_quantity::timer_resolution;
      const double v = time ? p.value * 1e9 : p.value / 1e9;
      std::printf("%-18s %14s %7u ", std::string(idn::hw::board_quantity_names[static_cast<std::size_t>(p.quantity)]).c_str(), size_text(p).c_str(), p.threads);
      if (p.reliable) std::printf("%12.4g %7.1f%%  %s\n", v, 100 * p.spread, unit_of(p.quantity));
      else {
        ++unreliable;
        std::printf("%12s %7.1f%%  not reported: spread above %.0f %% (a busy or throttling machine?)\n", "unreliable", 100 * p.spread, 100 * o.spread_limit);
      }
    }
    idn::hw::write_board_file(out, b);
    std::printf("wrote %s (%zu points, %zu unreliable)\n", out.c_str(), b.points.size(), unreliable);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "idn-board-probe: %s\n", e.what());
    return 1;
  }
}
