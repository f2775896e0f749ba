#pragma once
// The measured CoDE scenario (docs/path.md "Measured mixed paths"): two small CNNs trained on
// scikit-learn's digits by examples/path/data/train_code_adapters.py, described block by block
// in code_digits_blocks.csv, and the held-out accuracy of every candidate path with trained
// adapters in code_digits_paths.csv. The graph is path_code_graph.hpp's (Jetson Nano + Xavier NX
// rooflines, 100 Mbit/s): the boards are modelled, the models, FLOPs and accuracies measured.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "idn/core/csv.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"
#include "path_code_graph.hpp"

namespace code_example {

/// A CSV file with a header line ('#' lines skipped) as strings; field(r, "name") looks a column
/// up and names file, line and column in its errors.
class csv_rows {
public:
  explicit csv_rows(const std::filesystem::path& file) : source_(file.string()) {
    std::ifstream in(file);
    if (!in) throw idn::invalid_input(idn::concat(source_, ": cannot open (regenerate with examples/path/data/train_code_adapters.py)"));
    idn::csv::line_reader reader(in);
    std::string line;
    std::vector<std::string> f;
    while (reader.next(line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (idn::csv::trim(line).empty() || line[0] == '#') continue;
      const idn::csv::split_status st = idn::csv::split_record(line, ',', f);
      if (!st.ok) idn::csv::fail_at(source_, reader.line_number(), st.column, st.what, {});
      if (header_.empty()) {
        header_ = f;
        continue;
      }
      if (f.size() != header_.size()) idn::csv::fail_at(source_, reader.line_number(), f.size(), idn::concat("expected ", header_.size(), " fields"), {});
      rows_.push_back(f), lines_.push_back(reader.line_number());
    }
    if (header_.empty()) idn::csv::fail_at(source_, reader.line_number(), 0, "no header line", {});
  }
  std::size_t size() const noexcept { return rows_.size(); }
  const std::string& field(std::size_t r, std::string_view name) const {
    for (std::size_t c = 0; c < header_.size(); ++c)
      if (header_[c] == name) return rows_[r][c];
    idn::csv::fail_at(source_, 1, 0, idn::concat("no column '", name, "'"), {});
  }
  double number(std::size_t r, std::string_view name) const {
    double v = 0;
    const std::string& t = field(r, name);
    if (!idn::csv::parse_double(idn::csv::trim(t), v) || !std::isfinite(v) || v < 0)
      idn::csv::fail_at(source_, lines_[r], column(name), idn::concat(name, " must be a finite number >= 0"), t);
    return v;
  }

private:
  std::size_t column(std::string_view name) const {
    for (std::size_t c = 0; c < header_.size(); ++c)
      if (header_[c] == name) return c + 1;
    return 0;
  }
  std::string source_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_;
};

/// The two measured models as chains (one layer per block, then the head), their cuts and
/// boundary shapes, and the settings that carry their names, accuracies and early exits.
struct measured_models {
  settings s;
  std::optional<idn::dnn::profile> a, b;
  std::vector<std::size_t> cuts_a, cuts_b;
  std::vector<shape> shapes_a, shapes_b;

  graph_spec build() const { return code_example::build(s, *a, *b, cuts_a, cuts_b, shapes_a, shapes_b); }
};

/// Reads code_digits_blocks.csv (examples/path/data): rows model,task,part,boundary,flop,params,
/// c,h,w,accuracy with part = input | block | head | early_exit | extra_head. The model of task 0
/// is CoDE's model A, the other model B. Activations and weights are FP32.
inline measured_models read_measured_models(const std::filesystem::path& file, settings s) {
  const csv_rows t(file);
  measured_models out;
  for (const int task : {0, 1}) {
    idn::dnn::profile_spec spec;
    std::vector<shape> shapes;
    std::vector<double> exits;
    double accuracy = -1;
    for (std::size_t r = 0; r < t.size(); ++r) {
      if (t.number(r, "task") != task) continue;
      const std::string& part = t.field(r, "part");
      const shape sh{t.number(r, "c"), t.number(r, "h"), t.number(r, "w")};
      if (part == "input") {
        spec.name = t.field(r, "model"), spec.input_bytes = 4 * sh.size(), accuracy = t.number(r, "accuracy");
        shapes.push_back(sh);
      } else if (part == "block" || part == "head") {
        if (spec.name.empty() || t.field(r, "model") != spec.name) continue;
        idn::dnn::layer l;
        l.name = idn::concat(part, t.field(r, "boundary")), l.kind = idn::dnn::layer_kind::conv;
        l.flop = t.number(r, "flop"), l.param_bytes = 4 * t.number(r, "params"), l.output_bytes = 4 * sh.size();
        l.unit = static_cast<std::uint32_t>(spec.layers.size());
        spec.layers.push_back(l);
        if (part == "block") shapes.push_back(sh);
      } else if (part == "early_exit" && t.field(r, "model") == spec.name) {
        exits.push_back(t.number(r, "accuracy"));
      }
    }
    if (spec.name.empty() || shapes.size() < 3) throw idn::invalid_input(idn::concat(file.string(), ": task ", task, ": needs an input row and at least two blocks"));
    std::vector<std::size_t> cuts(shapes.size() - 1);
    for (std::size_t k = 0; k < cuts.size(); ++k) cuts[k] = k;
    (task == 0 ? s.name_a : s.name_b) = spec.name;
    (task == 0 ? s.accuracy_a : s.accuracy_b) = accuracy;
    (task == 0 ? s.exits_a : s.exits_b) = exits;
    (task == 0 ? out.a : out.b).emplace(std::move(spec));
    (task == 0 ? out.cuts_a : out.cuts_b) = cuts;
    (task == 0 ? out.shapes_a : out.shapes_b) = shapes;
  }
  s.classes = 5;
  out.s = s;
  return out;
}

/// Measured accuracy by (service, to_string(path)) from code_digits_paths.csv.
inline std::map<std::pair<int, std::string>, double> read_measured_paths(const std::filesystem::path& file) {
  const csv_rows t(file);
  std::map<std::pair<int, std::string>, double> out;
  for (std::size_t r = 0; r < t.size(); ++r) out[{static_cast<int>(t.number(r, "service")), t.field(r, "path")}] = t.number(r, "accuracy");
  return out;
}

}  // namespace code_example
