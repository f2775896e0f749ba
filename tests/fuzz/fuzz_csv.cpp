// Numeric CSV and CSV arrival traces: any bytes as a .csv file, with fuzzed options. Asserts: only
// invalid_input escapes; rows × columns match; disallowed NaN/inf never load; traces are finite,
// >= 0 and sorted; a loaded table saved and reloaded is bit-identical.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "fuzz_input.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/traces.hpp"

namespace {
std::filesystem::path scratch(const char* tag) {
  return std::filesystem::temp_directory_path() / ("idn_fuzz_csv_" + std::to_string(::getpid()) + tag + ".csv");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  idn::io::csv_options opt;
  const char delims[] = {',', ';', '\t', ' '};
  opt.delimiter = delims[in.byte() % 4];
  opt.header = in.flag();
  opt.allow_nan = in.flag(), opt.allow_inf = in.flag();
  const auto file = scratch("in"), again = scratch("out");
  {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    const std::string body = in.rest();
    f.write(body.data(), static_cast<std::streamsize>(body.size()));
  }
  idn::fuzz::expect_clean([&] {
    const idn::io::csv_table t = idn::io::load_csv(file, opt);
    IDN_FUZZ_ASSERT(t.values.dimension() == 2 && t.values.shape()[1] == t.columns.size());
    for (const double v : t.values) IDN_FUZZ_ASSERT((opt.allow_nan || !std::isnan(v)) && (opt.allow_inf || !std::isinf(v)));
    if (t.values.shape()[0] == 0 || t.columns.empty()) return;
    idn::io::save_csv(again, t);
    idn::io::csv_options back = opt;
    back.delimiter = ',', back.header = true;
    const idn::io::csv_table u = idn::io::load_csv(again, back);
    IDN_FUZZ_ASSERT(u.values.shape() == t.values.shape());
    IDN_FUZZ_ASSERT(std::memcmp(u.values.data(), t.values.data(), t.values.size() * sizeof(double)) == 0 || opt.allow_nan);
  });
  idn::fuzz::expect_clean([&] { (void)idn::io::load_csv_matrix(file, opt); });
  idn::fuzz::expect_clean([&] {
    const Eigen::VectorXd t = idn::io::load_arrival_trace(file, opt.header ? "time" : "0");
    for (Eigen::Index i = 0; i < t.size(); ++i) IDN_FUZZ_ASSERT(std::isfinite(t[i]) && t[i] >= 0 && (i == 0 || t[i] >= t[i - 1]));
  });
  return 0;
}
