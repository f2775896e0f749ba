// NPY parser: any bytes as a .npy file through every NPY entry point. Asserts: only file_error
// (invalid_input) escapes; a loaded array has the header's element count; with NaN/inf
// disallowed every loaded value is finite; arrival traces are finite, >= 0 and sorted.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "fuzz_input.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/npy.hpp"
#include "idn/io/traces.hpp"

namespace {
const std::filesystem::path& scratch() {
  static const std::filesystem::path p =
      std::filesystem::temp_directory_path() / ("idn_fuzz_npy_" + std::to_string(::getpid()) + ".npy");
  return p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  idn::io::load_options opt;
  opt.allow_nan = in.flag(), opt.allow_inf = in.flag();
  {
    std::ofstream f(scratch(), std::ios::binary | std::ios::trunc);
    const std::string body = in.rest();
    f.write(body.data(), static_cast<std::streamsize>(body.size()));
  }
  std::size_t count = 0;
  bool have_header = false;
  idn::fuzz::expect_clean([&] {
    const idn::io::npy_header h = idn::io::read_npy_header(scratch());
    count = idn::io::detail::element_count(h.shape);
    have_header = true;
  });
  idn::fuzz::expect_clean([&] {
    const auto a = idn::io::load_npy_as_double(scratch(), opt);
    IDN_FUZZ_ASSERT(have_header && a.size() == count);
    for (const double v : a) IDN_FUZZ_ASSERT((opt.allow_nan || !std::isnan(v)) && (opt.allow_inf || !std::isinf(v)));
  });
  idn::fuzz::expect_clean([&] {
    const auto a = idn::io::load_npy<double>(scratch(), opt);
    IDN_FUZZ_ASSERT(have_header && a.size() == count);
    for (const double v : a) IDN_FUZZ_ASSERT((opt.allow_nan || !std::isnan(v)) && (opt.allow_inf || !std::isinf(v)));
  });
  idn::fuzz::expect_clean([&] { (void)idn::io::load_npy<std::int32_t>(scratch(), opt); });
  idn::fuzz::expect_clean([&] { (void)idn::io::load_npy<bool>(scratch(), opt); });
  idn::fuzz::expect_clean([&] {
    const Eigen::MatrixXd m = idn::io::load_npy_matrix(scratch(), opt);
    IDN_FUZZ_ASSERT(have_header && static_cast<std::size_t>(m.size()) == count);
  });
  idn::fuzz::expect_clean([&] { (void)idn::io::load_npy_vector(scratch(), opt); });
  idn::fuzz::expect_clean([&] {
    const Eigen::VectorXd t = idn::io::load_arrival_trace(scratch());
    for (Eigen::Index i = 0; i < t.size(); ++i) IDN_FUZZ_ASSERT(std::isfinite(t[i]) && t[i] >= 0 && (i == 0 || t[i] >= t[i - 1]));
  });
  return 0;
}
