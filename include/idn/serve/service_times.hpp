#pragma once
/// idn::serve::read_service_times: per-inference service times measured by a runtime
/// (tools/measure_service_times.py writes them; docs/serve.md "Replicas for general service
/// times"), for service_distribution and lb_sim's empirical law.
///
///     # comment lines (runtime, machine, date)
///     model,sample,seconds                model,batch,sample,seconds
///     resnet18,0,0.0324                   resnet18,4,0,0.1012
///
/// Errors name source, line, column and value, in io::file_error's format. Standard library only.
#include <array>
#include <cmath>
#include <cstdint>
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

/// Service-time samples (seconds, file order) by model name and batch size.
using batch_service_times = std::map<std::string, std::map<std::uint32_t, std::vector<double>>, std::less<>>;

/// Reads `model,sample,seconds` (every row batch 1) or `model,batch,sample,seconds` (seconds per
/// batch of `batch` items, an integer >= 1). Throws invalid_input
/// "<source>:<line>:<column>: <what> (value '<token>')" for a missing or wrong header, a wrong
/// field count, an empty model name, a batch that is not an integer in [1, 2^32), or seconds that
/// are not finite and > 0. O(file size).
inline batch_service_times read_batch_service_times(std::istream& in, std::string_view source = "service times") {
  csv::line_reader reader(in);
  std::string line;
  std::vector<std::string> f;
  auto fail = [&](std::size_t column, const std::string& what, std::string_view token = {}) {
    csv::fail_at(source, reader.line_number(), column, what, token);
  };
  constexpr std::array<std::string_view, 3> plain{"model", "sample", "seconds"};
  constexpr std::array<std::string_view, 4> batched{"model", "batch", "sample", "seconds"};
  batch_service_times out;
  std::size_t columns = 0;  // 0 until the header: 3 or 4
  while (reader.next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (csv::trim(line).empty() || line[0] == '#') continue;
    const csv::split_status st = csv::split_record(line, ',', f);
    if (!st.ok) fail(st.column, st.what);
    if (columns == 0) {
      columns = f.size() == batched.size() ? batched.size() : plain.size();
      if (f.size() != columns) fail(std::min(f.size(), columns) + 1, concat("expected 3 or 4 header fields, got ", f.size()));
      for (std::size_t c = 0; c < columns; ++c) {
        const std::string_view want = columns == 4 ? batched[c] : plain[c];
        if (csv::trim(f[c]) != want) fail(c + 1, concat("column ", c + 1, " must be '", want, "'"), f[c]);
      }
      continue;
    }
    if (f.size() != columns) fail(std::min(f.size(), columns) + 1, concat("expected ", columns, " fields, got ", f.size()));
    const std::string_view model = csv::trim(f[0]);
    if (model.empty()) fail(1, "empty model name");
    double batch = 1, s = 0;
    if (columns == 4 && (!csv::parse_double(csv::trim(f[1]), batch) || !(batch >= 1) || !(batch < 4294967296.0) || batch != std::floor(batch)))
      fail(2, "batch must be an integer in [1, 2^32)", f[1]);
    if (!csv::parse_double(csv::trim(f[columns - 1]), s) || !std::isfinite(s) || !(s > 0))
      fail(columns, "seconds must be a finite number > 0", f[columns - 1]);
    auto it = out.find(model);
    if (it == out.end()) it = out.emplace(std::string(model), std::map<std::uint32_t, std::vector<double>>{}).first;
    it->second[static_cast<std::uint32_t>(batch)].push_back(s);
  }
  if (columns == 0) fail(0, "no header line");
  return out;
}

/// Batch-1 samples (seconds, file order) by model name, from either format of
/// read_batch_service_times (a model with no batch-1 rows is left out). Same errors. O(file size).
inline std::map<std::string, std::vector<double>, std::less<>> read_service_times(std::istream& in, std::string_view source = "service times") {
  std::map<std::string, std::vector<double>, std::less<>> out;
  for (auto& [model, by_batch] : read_batch_service_times(in, source))
    if (const auto it = by_batch.find(1); it != by_batch.end()) out.emplace(model, std::move(it->second));
  return out;
}

/// Reads the batched service-time CSV at `path` (see the stream overload).
inline batch_service_times read_batch_service_times(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw invalid_input(concat(path.string(), ": cannot open the service-time CSV"));
  return read_batch_service_times(in, path.string());
}

/// Reads the service-time CSV at `path` (see the stream overload).
inline std::map<std::string, std::vector<double>, std::less<>> read_service_times(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw invalid_input(concat(path.string(), ": cannot open the service-time CSV"));
  return read_service_times(in, path.string());
}

}  // namespace idn::serve
