#pragma once
/// Shared bench harness (ARCHITECTURE.md, "Benchmarks"): every idn_<module>_bench uses
/// idn::bench::run(argc, argv, targets) as its main. After the Google Benchmark run it prints
///   RATIO <name> <measured> <target> PASS|FAIL|SKIP
/// for each target, where measured = metric(numerator) / metric(denominator) from the same run
/// and the metric is seconds per iteration or a user counter. With --idn_enforce_ratios (or
/// --check) it exits 1 when any ratio FAILs; enforcement runs 5 repetitions and compares medians
/// unless --benchmark_repetitions is given, so one noisy run on a busy board does not fail it.
/// SKIP means a benchmark was filtered out. Colours only on a terminal (never in a redirected
/// file, whatever TERM says; --benchmark_color=true forces them); the context header is idn's own,
/// without the "Library was built as DEBUG" banner that Debian's libbenchmark build prints (it
/// concerns the library's own checks, not the timed code; see docs/portability.md).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <unistd.h>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace idn::bench {

/// One ratio target: metric(numerator) / metric(denominator) compared with `target`.
struct ratio_target {
  std::string name;         ///< printed name, e.g. "hw_latency_name_vs_index"
  std::string numerator;    ///< full benchmark name, e.g. "BM_hw_latency/table_by_name/1024"
  std::string denominator;  ///< full benchmark name of the reference in the same run
  bool at_most = true;      ///< PASS iff ratio <= target (false: ratio >= target)
  double target = 1;
  std::string counter;      ///< empty: seconds per iteration; else this user counter's value
  std::string denominator_counter;  ///< the denominator's counter when it differs from `counter`
};

/// PASS iff time(numerator) / time(denominator) <= target (seconds per iteration).
inline ratio_target time_ratio_at_most(std::string name, std::string numerator, std::string denominator, double target) {
  return {std::move(name), std::move(numerator), std::move(denominator), true, target, {}, {}};
}
/// PASS iff time(numerator) / time(denominator) >= target (e.g. a reference is this much slower).
inline ratio_target time_ratio_at_least(std::string name, std::string numerator, std::string denominator, double target) {
  return {std::move(name), std::move(numerator), std::move(denominator), false, target, {}, {}};
}
/// PASS iff counter(numerator) / counter(denominator) >= target (e.g. events per second).
inline ratio_target counter_ratio_at_least(std::string name, std::string numerator, std::string denominator,
                                           double target, std::string counter) {
  return {std::move(name), std::move(numerator), std::move(denominator), false, target, std::move(counter), {}};
}

/// PASS iff counter(numerator) / counter(denominator) <= target (e.g. a cost in passes may not grow).
inline ratio_target counter_ratio_at_most(std::string name, std::string numerator, std::string denominator, double target,
                                          std::string counter) {
  return {std::move(name), std::move(numerator), std::move(denominator), true, target, std::move(counter), {}};
}

/// PASS iff counter a / counter b of one benchmark <= target: a cost measured against a reference
/// timed in the same iterations (interleaved, so that a load on the machine hits both alike).
inline ratio_target counter_quotient_at_most(std::string name, const std::string& benchmark, std::string a, std::string b, double target) {
  return {std::move(name), benchmark, benchmark, true, target, std::move(a), std::move(b)};
}

/// PASS iff counter a / counter b of one benchmark >= target (e.g. a reference timed in the same
/// iterations is this much slower).
inline ratio_target counter_quotient_at_least(std::string name, const std::string& benchmark, std::string a, std::string b, double target) {
  return {std::move(name), benchmark, benchmark, false, target, std::move(a), std::move(b)};
}

/// Records each run's seconds per iteration and counters, forwarding to the console reporter.
class recording_reporter : public benchmark::ConsoleReporter {
public:
  struct record { double seconds_per_iteration = 0; std::map<std::string, double> counters; };

  explicit recording_reporter(OutputOptions o) : ConsoleReporter(o) {}

  /// The machine context (CPUs, caches, load), the CPU-scaling warning and whether idn's own code
  /// was built with assertions — but not the library's "built as DEBUG" banner.
  bool ReportContext(const Context& c) override {
    name_field_width_ = c.name_field_width;  // what ConsoleReporter::ReportContext sets up
    printed_header_ = false;
    prev_counters_.clear();
    std::ostream& out = GetErrorStream();  // as the library: the context goes to stderr
    const benchmark::CPUInfo& cpu = c.cpu_info;
    out << "Run on (" << cpu.num_cpus << " X " << cpu.cycles_per_second / 1e6 << " MHz CPU" << (cpu.num_cpus > 1 ? "s" : "") << ")\n";
    for (const auto& cache : cpu.caches) {
      out << "  L" << cache.level << ' ' << cache.type << ' ' << cache.size / 1024 << " KiB";
      if (cache.num_sharing > 1) out << " (x" << cpu.num_cpus / cache.num_sharing << ')';
      out << '\n';
    }
    if (!cpu.load_avg.empty()) {
      out << "Load Average:";
      for (const double l : cpu.load_avg) out << ' ' << l;
      out << '\n';
    }
    if (cpu.scaling == benchmark::CPUInfo::ENABLED)
      out << "note: CPU frequency scaling is enabled; set the governor to 'performance' for stable ratios\n";
#ifndef NDEBUG
    out << "note: idn's benchmarks were built without NDEBUG (assertions on); use the release preset\n";
#endif
    out.flush();
    return true;
  }

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.error_occurred || r.iterations == 0) continue;
      // With --benchmark_repetitions the median aggregate replaces the single runs.
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (r.run_type != Run::RT_Iteration && !median) continue;
      const std::string name = median ? r.run_name.str() : r.benchmark_name();
      if (!median && medians_.count(name)) continue;
      record rec;
      rec.seconds_per_iteration = r.real_accumulated_time / static_cast<double>(r.iterations);
      for (const auto& [k, c] : r.counters) rec.counters[k] = c.value;
      records_[name] = rec;
      if (median) medians_.insert(name);
    }
    ConsoleReporter::ReportRuns(runs);
  }
  const record* find(const std::string& name) const {
    const auto it = records_.find(name);
    return it == records_.end() ? nullptr : &it->second;
  }

private:
  std::map<std::string, record> records_;
  std::set<std::string> medians_;
};

/// Metric of a record for a target; < 0 when unavailable.
inline double metric(const recording_reporter::record* r, const std::string& counter) {
  if (r == nullptr) return -1;
  if (counter.empty()) return r->seconds_per_iteration;
  const auto it = r->counters.find(counter);
  return it == r->counters.end() ? -1 : it->second;
}

/// The body of every bench main. Returns the process exit code.
inline int run(int argc, char** argv, const std::vector<ratio_target>& targets) {
  bool enforce = false, repetitions_given = false;
  std::string_view color = "auto";
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--idn_enforce_ratios" || a == "--check") {
      enforce = true;
      continue;
    }
    if (a.starts_with("--benchmark_repetitions")) repetitions_given = true;
    if (a.starts_with("--benchmark_color=")) color = a.substr(18);
    args.push_back(argv[i]);
  }
  static char default_repetitions[] = "--benchmark_repetitions=5";
  if (enforce && !repetitions_given) args.push_back(default_repetitions);
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  // A custom reporter does not get the library's --benchmark_color handling: decide here.
  const char* term = std::getenv("TERM");
  const bool colour = color == "true" || color == "yes" || color == "1" ||
                      (color == "auto" && isatty(fileno(stdout)) && term != nullptr && std::string_view(term) != "dumb");
  recording_reporter reporter(colour ? benchmark::ConsoleReporter::OO_ColorTabular : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  bool failed = false;
  for (const auto& t : targets) {
    const double a = metric(reporter.find(t.numerator), t.counter);
    const double b = metric(reporter.find(t.denominator), t.denominator_counter.empty() ? t.counter : t.denominator_counter);
    const char* cmp = t.at_most ? "<=" : ">=";
    if (a < 0 || b <= 0) {
      std::printf("RATIO %s n/a %s%g SKIP\n", t.name.c_str(), cmp, t.target);
      continue;
    }
    const double ratio = a / b;
    const bool pass = t.at_most ? ratio <= t.target : ratio >= t.target;
    failed |= !pass;
    if (!t.denominator_counter.empty())
      std::printf("RATIO %s %.4g %s%g %s   (%s: counters %s / %s)\n", t.name.c_str(), ratio, cmp, t.target, pass ? "PASS" : "FAIL",
                  t.numerator.c_str(), t.counter.c_str(), t.denominator_counter.c_str());
    else
      std::printf("RATIO %s %.4g %s%g %s   (%s / %s%s%s)\n", t.name.c_str(), ratio, cmp, t.target,
                  pass ? "PASS" : "FAIL", t.numerator.c_str(), t.denominator.c_str(),
                  t.counter.empty() ? "" : ", counter ", t.counter.c_str());
  }
  std::fflush(stdout);
  return (enforce && failed) ? 1 : 0;
}

}  // namespace idn::bench
