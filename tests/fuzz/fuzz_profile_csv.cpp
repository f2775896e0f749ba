// Profile CSV: any bytes through read_profile_csv. Asserts: only invalid_input escapes; a parsed
// profile has finite totals and writes back to text that reads to the same profile, field for
// field and name for name (the round trip is the identity).
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_input.hpp"
#include "idn/dnn/profile_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream is(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const idn::dnn::profile p = idn::dnn::read_profile_csv(is, "fuzz");
    IDN_FUZZ_ASSERT(std::isfinite(idn::dnn::total_flop(p)) && std::isfinite(idn::dnn::total_param_bytes(p)));
    IDN_FUZZ_ASSERT(std::isfinite(idn::dnn::total_param_bytes(p) + idn::dnn::peak_workspace_bytes(p)));
    std::stringstream ss;
    idn::dnn::write_profile_csv(ss, p);
    const idn::dnn::profile q = idn::dnn::read_profile_csv(ss, "again");
    IDN_FUZZ_ASSERT(q.name() == p.name() && q.num_layers() == p.num_layers() && q.batch() == p.batch() && q.prec() == p.prec());
    IDN_FUZZ_ASSERT(q.input_bytes() == p.input_bytes());
    for (std::size_t l = 0; l < p.num_layers(); ++l) {
      const auto &a = p.layer(l), &b = q.layer(l);
      IDN_FUZZ_ASSERT(a.name == b.name && a.kind == b.kind && a.unit == b.unit && a.flop == b.flop);
      IDN_FUZZ_ASSERT(a.param_bytes == b.param_bytes && a.input_bytes == b.input_bytes && a.output_bytes == b.output_bytes &&
                      a.workspace_bytes == b.workspace_bytes);
    }
    (void)idn::dnn::units_only(p);
  } catch (const idn::invalid_input&) {
  }
  return 0;
}
