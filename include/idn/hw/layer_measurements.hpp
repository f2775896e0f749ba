#pragma once
/// idn::hw::read_layer_measurements: per-layer and whole-model latencies measured by a real
/// runtime (tools/measure_layer_latency.py writes them; docs/hardware-validation.md).
///
///     # comment lines (runtime, versions, threads, machine, date)
///     model,call,module,kind,flop,param_bytes,input_bytes,output_bytes,seconds
///     resnet18,1,conv1,conv,236027904,37632,602112,3211264,0.00183
///     ...
///     resnet18,1,__model__,model,...,0.0445
///
/// A row per layer call (kind: a dnn::layer_kind name) and one whole-model row per model
/// (module __model__, kind model). Errors name file, line, column and value, in io::file_error's
/// format. Standard library only.
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
#include "idn/dnn/layer.hpp"

namespace idn::hw {

/// The measurements of one model.
struct model_measurements {
  std::string model;
  std::vector<dnn::layer> layers;      ///< one per measured layer call, in call order (name "module#call")
  std::vector<double> layer_seconds;   ///< measured seconds, parallel to layers
  double model_seconds = 0;            ///< the whole model, one inference
};

/// Reads a measurement CSV; models in first-appearance order. Throws invalid_input
/// "<source>:<line>:<column>: <what> (value '<token>')" for a missing or wrong header, a wrong
/// field count, an unknown kind, a number that is not finite and >= 0, seconds <= 0, a model
/// without its __model__ row or with two, or a model without layer rows. O(file size).
inline std::vector<model_measurements> read_layer_measurements(std::istream& in, std::string_view source = "measurements") {
  csv::line_reader reader(in);
  std::string line;
  std::vector<std::string> f;
  auto fail = [&](std::size_t column, const std::string& what, std::string_view token = {}) {
    csv::fail_at(source, reader.line_number(), column, what, token);
  };
  constexpr std::array<std::string_view, 9> columns{"model", "call", "module", "kind", "flop", "param_bytes", "input_bytes", "output_bytes", "seconds"};
  std::vector<model_measurements> out;
  std::map<std::string, std::size_t, std::less<>> where;
  bool header = false;
  while (reader.next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (csv::trim(line).empty() || line[0] == '#') continue;
    const csv::split_status st = csv::split_record(line, ',', f);
    if (!st.ok) fail(st.column, st.what);
    if (!header) {
      if (f.size() != columns.size()) fail(1, "the header must be 'model,call,module,kind,flop,param_bytes,input_bytes,output_bytes,seconds'");
      for (std::size_t c = 0; c < columns.size(); ++c)
        if (csv::trim(f[c]) != columns[c]) fail(c + 1, concat("column ", c + 1, " must be '", columns[c], "'"), f[c]);
      header = true;
      continue;
    }
    if (f.size() != columns.size()) fail(std::min(f.size(), columns.size()) + 1, concat("expected 9 fields, got ", f.size()));
    double v[6];  // call, flop, param_bytes, input_bytes, output_bytes, seconds
    const std::size_t numeric[6] = {1, 4, 5, 6, 7, 8};
    for (std::size_t k = 0; k < 6; ++k) {
      const std::size_t c = numeric[k];
      if (!csv::parse_double(csv::trim(f[c]), v[k]) || !std::isfinite(v[k]) || v[k] < 0)
        fail(c + 1, concat(columns[c], " is not a finite number >= 0"), f[c]);
    }
    if (!(v[5] > 0)) fail(9, "seconds must be > 0", f[8]);
    const std::string model(csv::trim(f[0])), module(csv::trim(f[2]));
    if (model.empty()) fail(1, "empty model name");
    auto it = where.find(model);
    if (it == where.end()) {
      it = where.emplace(model, out.size()).first;
      out.push_back({model, {}, {}, 0});
    }
    model_measurements& m = out[it->second];
    const std::string_view kind = csv::trim(f[3]);
    if (kind == "model") {
      if (m.model_seconds > 0) fail(4, concat("a second whole-model row for '", model, "'"));
      m.model_seconds = v[5];
      continue;
    }
    dnn::layer l;
    try {
      l.kind = dnn::parse_layer_kind(kind);
    } catch (const invalid_input& e) {
      fail(4, e.what(), kind);
    }
    l.name = concat(module, '#', f[1]);
    l.flop = v[1];
    l.param_bytes = v[2];
    l.input_bytes = v[3];
    l.output_bytes = v[4];
    l.index = static_cast<std::uint32_t>(m.layers.size());
    m.layers.push_back(std::move(l));
    m.layer_seconds.push_back(v[5]);
  }
  if (!header) fail(0, "no header line");
  for (const auto& m : out) {
    if (m.model_seconds <= 0) fail(0, concat("model '", m.model, "' has no whole-model row (module __model__, kind model)"));
    if (m.layers.empty()) fail(0, concat("model '", m.model, "' has no layer rows"));
  }
  return out;
}

/// Reads the measurement CSV at `path` (see the stream overload).
inline std::vector<model_measurements> read_layer_measurements(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw invalid_input(concat(path.string(), ": cannot open the measurement CSV"));
  return read_layer_measurements(in, path.string());
}

}  // namespace idn::hw
