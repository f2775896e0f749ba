// core/csv.hpp: split_record on any line, parse_double on any token, and the writer/reader round
// trip: fields decoded from the bytes, written with append_field, split back, must be identical.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "idn/core/csv.hpp"
#include "idn/core/format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  idn::fuzz::input in(data, size);
  const char delim = in.flag() ? ',' : ';';
  std::vector<std::string> fields, back;
  const std::size_t n = in.size(1, 6);
  for (std::size_t i = 0; i < n; ++i) {
    std::string f = in.text(12);
    std::erase(f, '\n');  // a record is one line
    std::erase(f, '\r');
    fields.push_back(f);
  }
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += delim;
    idn::csv::append_field(line, fields[i], delim);
  }
  const auto st = idn::csv::split_record(line, delim, back);
  IDN_FUZZ_ASSERT(st.ok);
  IDN_FUZZ_ASSERT(back == fields);
  // Whatever the remaining bytes are: split never fails to report, parse_double never lies.
  const std::string rest = in.rest();
  const auto st2 = idn::csv::split_record(rest, delim, back);
  IDN_FUZZ_ASSERT(st2.ok || st2.column >= 1);
  double v = 0;
  if (idn::csv::parse_double(rest, v) && std::isfinite(v)) {
    double w = 0;
    IDN_FUZZ_ASSERT(idn::csv::parse_double(idn::format_number(v), w) && w == v);
  }
  return 0;
}
