#pragma once
/// idn::serve::read_service_times: per-inference service times measured by a runtime
/// (tools/measure_service_times.py writes them; docs/serve.md "Replicas for general service
/// times"), for service_distribution and lb_sim's empirical law.
///
///     # comment lines (runtime, machine, date)
///     model,sample,seconds
///     resnet18,0,0.0324
///
/// Errors name source, line, column and value, in io::file_error's format. Standard library only.
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "idn/core/csv.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::serve {

/// Samples (seconds, file order) by model name. Throws invalid_input
/// "<source>:<line>:<column>: <what> (value '<token>')" for a missing or wrong header, a wrong
/// field count, an empty model name, or seconds that are not finite and > 0. O(file size).
inline std::map<std::string, std::vector<double>, std::less<>> read_service_times(std::istream& in, std::string_view source = "service times") {
  csv::line_reader reader(in);
  std::string line;
  std::vector<std::string> f;
  auto fail = [&](std::size_t column, const std::string& what, std::string_view token = {}) {
    csv::fail_at(source, reader.line_number(), column, what, token);
  };
  constexpr std::array<std::string_view, 3> columns{"model", "sample", "seconds"};
  std::map<std::string, std::vector<double>, std::less<>> out;
  bool header = false;
  while (reader.next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (csv::trim(line).empty() || line[0] == '#') continue;
    const csv::split_status st = csv::split_record(line, ',', f);
    if (!st.ok) fail(st.column, st.what);
    if (f.size() != columns.size()) fail(std::min(f.size(), columns.size()) + 1, concat("expected 3 fields, got ", f.size()));
    if (!header) {
      for (std::size_t c = 0; c < columns.size(); ++c)
        if (csv::trim(f[c]) != columns[c]) fail(c + 1, concat("column ", c + 1, " must be '", columns[c], "'"), f[c]);
      header = true;
      continue;
    }
    const std::string_view model = csv::trim(f[0]);
    if (model.empty()) fail(1, "empty model name");
    double s = 0;
    if (!csv::parse_double(csv::trim(f[2]), s) || !std::isfinite(s) || !(s > 0)) fail(3, "seconds must be a finite number > 0", f[2]);
    auto it = out.find(model);
    if (it == out.end()) it = out.emplace(std::string(model), std::vector<double>{}).first;
    it->second.push_back(s);
  }
  if (!header) fail(0, "no header line");
  return out;
}

/// Reads the service-time CSV at `path` (see the stream overload).
inline std::map<std::string, std::vector<double>, std::less<>> read_service_times(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw invalid_input(concat(path.string(), ": cannot open the service-time CSV"));
  return read_service_times(in, path.string());
}

}  // namespace idn::serve
