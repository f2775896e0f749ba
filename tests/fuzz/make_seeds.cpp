// Writes the committed fuzz inputs (tools/fuzz-seeds.sh runs it; the output is small):
//   corpus/<harness>/   seeds made by the library's own writers (NPY, CSV, profile CSV) or, for
//                       the builder harnesses, encoded instances and fixed-seed random bytes;
//   regressions/<h>/    the inputs of the 14 findings of the first campaign (docs/reliability.md),
//                       encoded for the harness that reproduces each, so CI replays them forever.
// Usage: idn_fuzz_make_seeds <tests/fuzz directory>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include "fuzz_input.hpp"
#include "npy_bytes.hpp"
#include "idn/core/random.hpp"
#include "idn/dnn/profile_csv.hpp"
#include "idn/dnn/zoo.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/npy.hpp"

namespace fs = std::filesystem;
using idn::fuzz::output;

namespace {
fs::path root;

void put(const std::string& dir, const std::string& name, const std::string& bytes) {
  const fs::path d = root / dir;
  fs::create_directories(d);
  std::ofstream(d / name, std::ios::binary) << bytes;
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string random_bytes(idn::rng& g, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(g() >> 56);
  return s;
}
std::string npy_with_dict(const std::string& dict, const std::string& payload) { return idn::test::npy_bytes(dict, payload); }

// fuzz_partition's entry(): byte % 4 == 0 selects real().
void entry(output& o, double x) { o.byte(0), o.real(x); }
// fuzz_serve's prefix: λ, μ, t, q, c (flag 0: size 1..40, or flag 1: count), then ggc's ca2, cs2.
void serve_rates(output& o, double lambda, double mu, double t, double q, std::uint64_t c, bool huge_c = false) {
  o.real(lambda), o.real(mu), o.real(t), o.real(q);
  o.flag(huge_c);
  if (huge_c) o.count(c);
  else o.size(1, c);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: idn_fuzz_make_seeds <tests/fuzz directory>\n");
    return 2;
  }
  root = argv[1];
  const fs::path tmp = fs::temp_directory_path() / "idn_make_seeds";
  fs::create_directories(tmp);
  idn::rng g(20261206);

  // ---- parsers: files written by the library's own writers.
  {
    const xt::xarray<double> a = {{1.5, -2.0, 0.0}, {4.0, 1e-300, 6.0}};
    idn::io::save_npy(tmp / "a.npy", a);
    put("corpus/npy", "f8_2x3", std::string(2, '\0') + slurp(tmp / "a.npy"));
    const xt::xarray<std::int32_t> b = {7, -8, 9, 10};
    idn::io::save_npy(tmp / "b.npy", b);
    put("corpus/npy", "i4_4", std::string(2, '\0') + slurp(tmp / "b.npy"));
    const xt::xarray<bool> c = {true, false, true};
    idn::io::save_npy(tmp / "c.npy", c);
    put("corpus/npy", "b1_3", std::string(2, '\0') + slurp(tmp / "c.npy"));
    const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(5, 0.0, 2.0);
    idn::io::save_npy(tmp / "t.npy", t);
    put("corpus/npy", "trace_5", std::string(2, '\0') + slurp(tmp / "t.npy"));
    put("corpus/npy", "fortran_big_endian", std::string(2, '\0') +
                                                npy_with_dict("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2), }", std::string(32, '\x01')));
  }
  {
    const std::vector<std::string> cols{"time", "value", "#weird, name"};
    Eigen::MatrixXd m(3, 3);
    m << 0.0, 1.5, -3, 0.5, 2.5, 1e308, 1.0, -0.0, 4.9e-324;
    idn::io::save_csv(tmp / "m.csv", cols, m);
    put("corpus/csv", "three_columns", std::string("\x00\x01\x00\x00", 4) + slurp(tmp / "m.csv"));
    put("corpus/csv", "quoted_semicolon", std::string("\x01\x01\x01\x01", 4) + "\"a;b\";c\n1;nan\n# comment\n\n2;inf\n");
    put("corpus/csv", "no_header", std::string("\x00\x00\x00\x00", 4) + "1,2\n3,4\n");
  }
  for (const auto& p : {idn::dnn::alexnet(), idn::dnn::resnet56(32), idn::dnn::mobilenet_v2(96, 0.5)}) {
    std::stringstream ss;
    idn::dnn::write_profile_csv(ss, p);
    put("corpus/profile_csv", p.name(), ss.str());
  }
  for (int k = 0; k < 8; ++k) put("corpus/core_csv", "random_" + std::to_string(k), random_bytes(g, 16 + 24 * static_cast<std::size_t>(k)));
  put("corpus/core_csv", "quotes", std::string("\x01\x03", 2) + "\"a\"\",b" + "\x05" + "#x, y" + "\x02" + "\t " + "1e308,\"2\"");
  // ---- builder harnesses: fixed-seed random bytes (the decoders map any bytes to an instance).
  for (const char* h : {"hw_dnn", "partition", "serve", "alloc", "offload", "path", "sim"})
    for (int k = 0; k < 8; ++k) put(std::string("corpus/") + h, "random_" + std::to_string(k), random_bytes(g, 32 + 48 * static_cast<std::size_t>(k)));

  // ---- regressions: the 14 findings.
  // 1: a rejected header (payload shorter than the shape) — replayed many times by the unit test.
  put("regressions/npy", "finding01_rejected_header", std::string(2, '\0') +
                                                          npy_with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", "short"));
  // 2: a zero-length dimension next to 2^62 × 2^62.
  put("regressions/npy", "finding02_zero_dim_overflow",
      std::string(2, '\0') + npy_with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4611686018427387904), }", ""));
  // 3 and 14: layer names starting with '#' and with a tab, written by hand as an old writer did.
  put("regressions/profile_csv", "finding03_hash_name",
      "# idn-profile v1\n# name=p\nname,kind,unit,flop,param_bytes,input_bytes,output_bytes,workspace_bytes\n\"#conv\",conv,0,1,2,4,3,7\n");
  put("regressions/profile_csv", "finding14_tab_name",
      "# idn-profile v1\n# name=\"\tp\"\nname,kind,unit,flop,param_bytes,input_bytes,output_bytes,workspace_bytes\n\"\tconv\",conv,0,1,2,4,3,7\n");
  // 13: an arrival trace with comment and blank lines (the error must name line 6).
  put("regressions/csv", "finding13_trace_comments", std::string("\x00\x01\x00\x00", 4) + "time\n# a comment\n0.5\n\n1.0\n0.7\n");
  // 4: partition times whose column sum overflows.
  {
    output o;
    o.size(1, 3), o.size(1, 2);
    for (int k = 0; k < 3 + 3 + 4; ++k) o.byte(1), o.byte(1), o.byte(0);  // flop, params, activations: ordinary
    const double T[3][2] = {{1, 1e308}, {1, 1e308}, {1e308, 1}};
    for (const auto& row : T)
      for (const double t : row) entry(o, t);
    o.flag(true), o.flag(true);  // memory: unlimited
    o.flag(false), o.flag(false), o.flag(true), o.flag(true);  // serialized, endpoint source, return output, allow empty
    for (int k = 0; k < 2 * 2 + 1; ++k) o.byte(1), o.byte(1), o.byte(0), o.byte(1), o.byte(1), o.byte(0);  // links
    put("regressions/partition", "finding04_time_sum_overflow", o.bytes());
  }
  // 5, 6, 12: serve formulas and sizing.
  {
    output o;  // 5: min_replicas(1e15, 1, slo{10, 0.99}, max_replicas = 10)
    serve_rates(o, 1e15, 1, 0, 0.5, 1);
    o.real(0), o.real(0);                          // ggc ca2, cs2
    o.real(10), o.real(0.99), o.flag(false);       // slo
    o.flag(false), o.size(1, 10);                  // max_replicas = 10
    put("regressions/serve", "finding05_min_replicas_hang", o.bytes());
  }
  {
    output o;  // 5: erlang_b(2^64 − 1, 1.0)
    serve_rates(o, 1.0, 1.0, 0, 0.5, ~std::uint64_t{0}, true);
    put("regressions/serve", "finding05_erlang_b_huge_c", o.bytes());
  }
  {
    output o;  // 6: λ/μ ≥ 2^64 in min_replicas, sqrt_staffing and size_for_mean
    serve_rates(o, 1e30, 1, 0, 0.5, 3);
    o.real(0), o.real(0);
    o.real(10), o.real(0.99), o.flag(false);
    o.flag(true), o.count(~std::uint64_t{0});
    o.real(0.2);                                          // sqrt_staffing alpha
    o.size(1, 1), o.real(1.0), o.real(0), o.real(10), o.flag(false);  // size_for_mean: one tier of 1 s
    put("regressions/serve", "finding06_cast_overflow", o.bytes());
  }
  const struct { const char* name; double lambda, mu, t, q; std::uint64_t c; double ca2, cs2, d, quantile; } twelve[] = {
      {"finding12_mdc_lambda0", 0, 1, 0, 0.5, 2, 0, 0, 1, 0.9},
      {"finding12_wait_tail_cmu_overflow", 0, 1e308, 0, 0.5, 2, 0, 0, 1, 0.9},
      {"finding12_mmc_subnormal_mu", 0, 5e-324, 0, 0.5, 1, 0, 0, 1, 0.9},
      {"finding12_response_tail_overflow", 1e308, 1e308, 1e308, 0.5, 2, 0, 0, 1, 0.9},
      {"finding12_ggc_overflow", 0, 1e308, 0, 0.5, 2, 1e308, 1e308, 1, 0.9},
      {"finding12_min_replicas_nan", 1e308, 1e308, 0, 0.5, 2, 0, 0, 1e308, 9.3e-10},
      {"finding12_negative_zero_t", 1, 2, -0.0, 0.5, 1, 0, 0, 1, 0.9},
  };
  for (const auto& f : twelve) {
    output o;
    serve_rates(o, f.lambda, f.mu, f.t, f.q, f.c);
    o.real(f.ca2), o.real(f.cs2);
    o.real(f.d), o.real(f.quantile), o.flag(false);
    o.flag(false), o.size(1, 42);
    put("regressions/serve", f.name, o.bytes());
  }
  {
    output o;  // 7: a hand-made chain whose replicas vector is empty
    serve_rates(o, 1, 2, 0, 0.5, 1);
    o.real(0), o.real(0), o.real(1), o.real(0.9), o.flag(false), o.flag(false), o.size(1, 4);
    o.real(0.5), o.size(1, 1), o.real(0.1), o.real(0), o.real(1), o.flag(false);
    o.size(1, 2), o.size(1, 1), o.byte(0), o.size(0, 0);  // N = 2, K = 1, inconsistent, 0 replicas
    for (int k = 0; k < 2 + 3 + 4 + 1; ++k) o.byte(1), o.byte(1), o.byte(0);  // times, bytes, overhead: ordinary
    o.flag(true);                              // capacity +inf
    o.flag(true), o.flag(true), o.flag(true);  // throughput 0, max_utilization 0.8, return the result
    put("regressions/serve", "finding07_place_inconsistent_sizes", o.bytes());
  }
  // 8, 9, 10: hw devices, links and profile aggregates.
  {
    output o;  // 10: input + output bytes of one layer overflow; 8: bandwidth 4.9e-324
    o.real(0), o.byte(0), o.size(1, 1);
    o.byte(0), o.real(1), o.real(0), o.real(1e308), o.real(1e308), o.real(0);
    o.real(1e12), o.real(1e12), o.real(1e12), o.real(4.9e-324), o.real(1), o.real(1), o.real(0), o.real(0), o.flag(false), o.flag(false), o.real(0);
    put("regressions/hw_dnn", "finding08_10_subnormal_bandwidth_and_byte_sum", o.bytes());
  }
  {
    output o;  // 9: affine_link rate 1.23e-321 (everything before it decodes to rejected NaNs)
    for (int k = 0; k < 3 + 6 + 11; ++k) o.byte(0);
    for (int k = 0; k < 5 * 7 + 1; ++k) o.byte(0);
    o.real(0), o.real(1.23e-321), o.real(0);
    put("regressions/hw_dnn", "finding09_subnormal_link_rate", o.bytes());
  }
  // 11: alloc path costs overflow (link latency × network factor).
  {
    output o;
    o.size(1, 3), o.size(1, 1), o.size(1, 1);  // 3 nodes, 1 model, 1 task
    o.byte(1), o.byte(230);                     // accuracy 0.9
    for (int v = 0; v < 3; ++v) o.byte(1), o.byte(100), o.byte(0);  // budgets
    for (int l = 0; l < 2; ++l) o.byte(0), o.real(1e308);           // link latencies 1e305 s
    o.flag(true), o.byte(1), o.byte(1), o.byte(0), o.byte(1), o.byte(1), o.byte(0), o.flag(true);  // option at node 0
    o.flag(false);                                                    // none at node 1
    o.byte(1), o.byte(1), o.byte(0);                                  // pin delay
    o.size(0, 0);                                                     // path 0, 1, 2
    o.byte(1), o.byte(1), o.byte(0);                                  // alpha
    o.flag(false), o.byte(0), o.real(1e308);                          // network factor 1e308
    put("regressions/alloc", "finding11_path_cost_overflow", o.bytes());
  }
  fs::remove_all(tmp);
  std::printf("wrote seeds and regressions under %s\n", root.string().c_str());
  return 0;
}
