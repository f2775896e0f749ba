#pragma once
/// Profile CSV ("# idn-profile v1"): save/load a dnn::profile bit-exactly. Columns name, kind,
/// flop, param_bytes, output_bytes are required; unit, input_bytes, workspace_bytes are optional
/// (without `unit`, each layer is its own unit). Metadata lines "# name=", "# input_bytes=",
/// "# precision=", "# batch=" precede the header. Errors name source, line and column.
#include <array>
#include <charconv>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "idn/core/csv.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"

namespace idn::dnn {

/// Writes `p` as profile CSV. Numbers use shortest round-trip form. O(L).
inline void write_profile_csv(std::ostream& os, const profile& p) {
  std::string out;
  out += "# idn-profile v1\n# name=";
  csv::append_field(out, p.name(), ',');
  out += "\n# input_bytes=";
  append_number(out, p.input_bytes());
  out += "\n# precision=";
  out += to_string(p.prec());
  out += concat("\n# batch=", p.batch());
  out += "\nname,kind,unit,flop,param_bytes,input_bytes,output_bytes,workspace_bytes\n";
  for (const auto& l : p.layers()) {
    csv::append_field(out, l.name, ',');
    out += ',';
    out += to_string(l.kind);
    out += ',' + std::to_string(l.unit);
    for (double v : {l.flop, l.param_bytes, l.input_bytes, l.output_bytes, l.workspace_bytes}) {
      out += ',';
      append_number(out, v);
    }
    out += '\n';
  }
  os << out;
}

namespace detail {

/// The state of read_profile_csv: the spec so far and the header's column positions, with one
/// method per kind of line (metadata comment, header, layer row). Errors name source, line and
/// column.
class profile_csv_reader {
public:
  enum col : std::size_t { c_name, c_kind, c_unit, c_flop, c_param, c_in, c_out, c_ws, n_cols };
  static constexpr std::array<std::string_view, n_cols> names{"name", "kind", "unit", "flop", "param_bytes",
                                                              "input_bytes", "output_bytes", "workspace_bytes"};

  explicit profile_csv_reader(std::string_view source_name) : source_(source_name) {}

  [[noreturn]] void fail(std::size_t line, std::size_t column, const std::string& what) const {
    std::string msg(source_);
    msg += ':' + std::to_string(line) + ':' + std::to_string(column) + ": " + what;
    throw invalid_input(msg);
  }

  /// A '#' line before the header (the magic line, "# key=value" metadata, or a free comment).
  void metadata(std::size_t ln, std::string_view sv) {
    sv = csv::trim(sv);
    sv.remove_prefix(1);
    sv = csv::trim(sv);
    if (sv == "idn-profile v1") { saw_magic = true; return; }
    const auto eq = sv.find('=');
    if (eq == std::string_view::npos) return;  // free comment
    const std::string_view key = csv::trim(sv.substr(0, eq)), value = csv::trim(sv.substr(eq + 1));
    if (key == "name") {
      if (value.empty() || value.front() != '"') {
        spec.name = std::string(value);
      } else {  // quoted by the writer: it keeps blanks, quotes and commas
        const auto st = csv::split_record(value, ',', fields_);
        if (!st.ok || fields_.size() != 1) fail(ln, 1, "malformed quoted name " + std::string(value));
        spec.name = fields_[0];
      }
    } else if (key == "input_bytes") {
      if (!csv::parse_double(value, spec.input_bytes)) fail(ln, 1, "input_bytes '" + std::string(value) + "' is not a number");
    } else if (key == "precision") {
      try { spec.prec = parse_precision(value); } catch (const invalid_input& e) { fail(ln, 1, e.what()); }
    } else if (key == "batch") {
      unsigned long long b = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), b);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || b == 0 || b > 0xffffffffULL)
        fail(ln, 1, "batch '" + std::string(value) + "' is not a positive integer");
      spec.batch = static_cast<std::uint32_t>(b);
    }
  }

  /// The header line: each field must name a known column once; the required ones must appear.
  void header(std::size_t ln, const std::vector<std::string>& fields) {
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const std::string_view h = csv::trim(fields[f]);
      std::size_t c = 0;
      while (c < n_cols && names[c] != h) ++c;
      if (c == n_cols) fail(ln, f + 1, "unknown column '" + std::string(h) + "'");
      if (where_[c]) fail(ln, f + 1, "duplicate column '" + std::string(h) + "'");
      where_[c] = f;
    }
    for (col c : {c_name, c_kind, c_flop, c_param, c_out})
      if (!where_[c]) fail(ln, 0, "missing required column '" + std::string(names[c]) + "'");
    header_fields_ = fields.size();
    have_header = true;
  }

  /// A layer row after the header.
  void row(std::size_t ln, const std::vector<std::string>& fields) {
    if (fields.size() != header_fields_)
      fail(ln, std::min(fields.size(), header_fields_) + 1, concat("row has ", fields.size()) + concat(" fields, header has ", header_fields_));
    layer l;
    l.name = fields[*where_[c_name]];
    const std::string_view kind = csv::trim(fields[*where_[c_kind]]);
    try { l.kind = parse_layer_kind(kind); } catch (const invalid_input& e) { fail(ln, *where_[c_kind] + 1, e.what()); }
    auto number = [&](col c, double& dst) {
      if (!where_[c]) return;
      const std::string_view tok = fields[*where_[c]];
      if (!csv::parse_double(tok, dst)) fail(ln, *where_[c] + 1, std::string(names[c]) + " '" + std::string(tok) + "' is not a number");
    };
    number(c_flop, l.flop);
    number(c_param, l.param_bytes);
    number(c_in, l.input_bytes);
    number(c_out, l.output_bytes);
    number(c_ws, l.workspace_bytes);
    if (where_[c_unit]) {
      double u = 0;
      number(c_unit, u);
      if (!(u >= 0 && u <= 4294967295.0 && u == static_cast<double>(static_cast<std::uint64_t>(u))))
        fail(ln, *where_[c_unit] + 1, "unit '" + fields[*where_[c_unit]] + "' is not a non-negative integer");
      l.unit = static_cast<std::uint32_t>(u);
    } else {
      l.unit = static_cast<std::uint32_t>(spec.layers.size());
    }
    spec.layers.push_back(std::move(l));
  }

  profile_spec spec;
  bool saw_magic = false, have_header = false;

private:
  std::string_view source_;
  std::vector<std::string> fields_;
  std::array<std::optional<std::size_t>, n_cols> where_{};
  std::size_t header_fields_ = 0;
};

}  // namespace detail

/// Parses profile CSV from `is`; `source_name` prefixes every error ("<source>:<line>:<col>: ...").
/// O(L). Throws invalid_input on malformed input, then profile's own validation applies.
inline profile read_profile_csv(std::istream& is, std::string_view source_name) {
  detail::profile_csv_reader r(source_name);
  csv::line_reader reader(is);
  std::string line;
  std::vector<std::string> fields;
  while (reader.next(line)) {
    const std::size_t ln = reader.line_number();
    std::string_view sv = line;  // not trimmed: a quoted name keeps its blanks
    if (!sv.empty() && sv.back() == '\r') sv.remove_suffix(1);
    if (csv::trim(sv).empty()) continue;
    if (csv::trim(sv).front() == '#') {  // names starting with '#' are written quoted
      if (!r.have_header) r.metadata(ln, sv);
      continue;
    }
    const auto st = csv::split_record(sv, ',', fields);
    if (!st.ok) r.fail(ln, st.column, st.what);
    if (!r.have_header) r.header(ln, fields);
    else r.row(ln, fields);
  }
  if (!r.saw_magic && r.spec.name.empty() && !r.have_header) r.fail(reader.line_number(), 0, "empty profile CSV");
  if (!r.have_header) r.fail(reader.line_number(), 0, "no header line");
  if (r.spec.name.empty()) r.spec.name = std::string(source_name);
  try {
    return profile(std::move(r.spec));
  } catch (const invalid_input& e) {
    throw invalid_input(std::string(source_name) + ": " + e.what());
  }
}

/// Loads a profile CSV file; errors name the path.
inline profile load_profile_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw invalid_input(path.string() + ": cannot open profile CSV for reading");
  return read_profile_csv(in, path.string());
}

/// Saves `p` to `path` as profile CSV.
inline void save_profile_csv(const std::filesystem::path& path, const profile& p) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw invalid_input(path.string() + ": cannot open profile CSV for writing");
  write_profile_csv(out, p);
  if (!out) throw invalid_input(path.string() + ": write failed");
}

}  // namespace idn::dnn
