#pragma once
/// idn::dnn::profile: a validated, immutable chain of layers, and the layer_chain concept that
/// partition/alloc/path consume. docs/dnn.md
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/layer.hpp"

namespace idn::dnn {

/// What a user writes to describe a model; profile's constructor validates it.
struct profile_spec {
  std::string name;
  double input_bytes = 0;            ///< bytes of the input as delivered (e.g. uint8 image)
  precision prec = precision::fp32;
  std::uint32_t batch = 1;
  std::vector<layer> layers;
};

/// A validated chain of layers. Construction is O(L) and checks (§5): non-empty name and layer
/// list, unique layer names, finite non-negative FLOP and byte counts, contiguous units starting
/// at 0, batch >= 1. It fills input_bytes = 0 with the previous output (the profile input for the
/// first layer), raises workspace to >= input + output, and sets each layer's index and prec.
class profile {
public:
  /// Validates spec (field, index and value named on error; sums checked finite) and fills its defaults: input_bytes of 0 from the previous output, workspace, index and precision. O(L).
  explicit profile(profile_spec spec) : spec_(std::move(spec)) { validate_and_fill(); }

  /// Number of layers.
  std::size_t num_layers() const noexcept { return spec_.layers.size(); }
  /// Layer l. Precondition: l < num_layers().
  const dnn::layer& layer(std::size_t l) const noexcept { return spec_.layers[l]; }
  /// The layers, validated and filled.
  std::span<const dnn::layer> layers() const noexcept { return spec_.layers; }
  /// Bytes of the network's input.
  double input_bytes() const noexcept { return spec_.input_bytes; }
  /// The model's name.
  const std::string& name() const noexcept { return spec_.name; }
  /// The precision every layer is at.
  precision prec() const noexcept { return spec_.prec; }
  /// The batch size the byte and FLOP counts are for.
  std::uint32_t batch() const noexcept { return spec_.batch; }
  /// Number of units (last layer's unit + 1).
  std::size_t num_units() const noexcept { return spec_.layers.back().unit + std::size_t{1}; }
  /// The spec this profile was built from, after defaults were filled.
  const profile_spec& spec() const noexcept { return spec_; }

private:
  void validate_and_fill() {
    // Fields are named after the profile, e.g. "resnet56.layers[3].flop".
    if (spec_.name.empty()) reject("dnn::profile", "name", "empty", "must name the model");
    if (spec_.name.find_first_of("\r\n") != std::string::npos) reject("dnn::profile", "name", spec_.name, "must be one line (no CR or LF)");
    if (spec_.layers.empty()) reject("dnn::profile", spec_.name + ".layers.size()", 0, "must be >= 1");
    if (spec_.batch == 0) reject("dnn::profile", spec_.name + ".batch", 0, "must be >= 1");
    const std::string where = "idn::dnn::profile: " + spec_.name + ".";
    check::finite_nonnegative(where + "input_bytes", spec_.input_bytes);
    std::unordered_map<std::string_view, std::size_t> seen;
    seen.reserve(spec_.layers.size());
    double prev_out = spec_.input_bytes;
    // Aggregates (docs/reliability.md): totals, bytes moved per layer and the resident peak must
    // stay finite, so that every sum a cost model or solver forms from this profile is finite.
    check::finite_sum flop_sum("the sum of flop over layers"), param_sum("the sum of param_bytes over layers");
    double peak_workspace = 0;
    for (std::size_t i = 0; i < spec_.layers.size(); ++i) {
      auto& l = spec_.layers[i];
      const std::string field = where + indexed("layers", i);
      auto layer_field = [&](const char* member) { return concat(spec_.name, ".", indexed("layers", i), member); };
      if (l.name.empty()) reject("dnn::profile", layer_field(".name"), "empty", "must name the layer");
      if (l.name.find_first_of("\r\n") != std::string::npos) reject("dnn::profile", layer_field(".name"), l.name, "must be one line (no CR or LF)");
      if (auto [it, fresh] = seen.emplace(l.name, i); !fresh)
        reject("dnn::profile", layer_field(".name"), l.name, concat("duplicates ", indexed("layers", it->second), ".name"));
      check::finite_nonnegative(field + ".flop", l.flop);
      check::finite_nonnegative(field + ".param_bytes", l.param_bytes);
      check::finite_nonnegative(field + ".input_bytes", l.input_bytes);
      check::finite_nonnegative(field + ".output_bytes", l.output_bytes);
      check::finite_nonnegative(field + ".workspace_bytes", l.workspace_bytes);
      if (static_cast<std::size_t>(l.kind) >= layer_kind_count)
        reject("dnn::profile", layer_field(".kind"), static_cast<int>(l.kind), concat("must be < layer_kind_count = ", layer_kind_count));
      const std::uint32_t expected_prev = i == 0 ? 0 : spec_.layers[i - 1].unit;
      const bool unit_ok = i == 0 ? l.unit == 0 : (l.unit == expected_prev || l.unit == expected_prev + 1);
      if (!unit_ok)
        reject("dnn::profile", layer_field(".unit"), l.unit,
               i == 0 ? std::string("must be 0 (units start at 0)") : concat("must be ", expected_prev, " or ", expected_prev + 1, " (units are contiguous)"));
      if (l.input_bytes == 0) l.input_bytes = prev_out;
      flop_sum.add(field + ".flop", l.flop);
      param_sum.add(field + ".param_bytes", l.param_bytes);
      check::finite_derived(field + ".output_bytes", l.output_bytes, l.param_bytes + l.input_bytes + l.output_bytes,
                            "param_bytes + input_bytes + output_bytes");
      l.workspace_bytes = std::max(l.workspace_bytes, l.input_bytes + l.output_bytes);
      peak_workspace = std::max(peak_workspace, l.workspace_bytes);
      l.index = static_cast<std::uint32_t>(i);
      l.prec = spec_.prec;
      prev_out = l.output_bytes;
    }
    check::finite_derived(where + "peak workspace_bytes", peak_workspace, param_sum.value() + peak_workspace,
                          "the sum of param_bytes plus the peak workspace");
  }

  profile_spec spec_;
};

/// A chain of layers as consumed by partition/alloc/path; profile models it.
template <class N>
concept layer_chain = requires(const N& n, std::size_t l) {
  { n.num_layers() } noexcept -> std::convertible_to<std::size_t>;
  { n.layer(l) } noexcept -> std::convertible_to<const layer&>;
  { n.input_bytes() } noexcept -> std::same_as<double>;
};
static_assert(layer_chain<profile>);

/// Copy of `p` at precision `to`: every byte field is scaled by b_to/b_from except the profile's
/// input_bytes() (the input as delivered does not change). FLOP unchanged. O(L).
inline profile with_precision(const profile& p, precision to) {
  profile_spec s = p.spec();
  const double f = bytes_per_element(to) / bytes_per_element(p.prec());
  for (auto& l : s.layers) {
    l.param_bytes *= f;
    l.input_bytes *= f;
    l.output_bytes *= f;
    l.workspace_bytes *= f;
  }
  s.prec = to;
  return profile(std::move(s));
}

/// Σ FLOP. O(L).
inline double total_flop(const profile& p) noexcept {
  double s = 0;
  for (const auto& l : p.layers()) s += l.flop;
  return s;
}
/// Σ parameter bytes. O(L).
inline double total_param_bytes(const profile& p) noexcept {
  double s = 0;
  for (const auto& l : p.layers()) s += l.param_bytes;
  return s;
}
/// max workspace bytes. O(L).
inline double peak_workspace_bytes(const profile& p) noexcept {
  double s = 0;
  for (const auto& l : p.layers()) s = std::max(s, l.workspace_bytes);
  return s;
}

/// One past the last layer of each unit (size = number of units). O(L).
inline std::vector<std::size_t> unit_ends(const profile& p) {
  std::vector<std::size_t> ends;
  ends.reserve(p.num_units());
  for (std::size_t i = 0; i < p.num_layers(); ++i)
    if (i + 1 == p.num_layers() || p.layer(i + 1).unit != p.layer(i).unit) ends.push_back(i + 1);
  return ends;
}

/// S_u: bytes crossing a cut after unit u (the output of its last layer). Precondition:
/// u < num_units(). O(L) worst case (binary search over the unit-sorted layers: O(log L)).
inline double cut_bytes(const profile& p, std::size_t unit) noexcept {
  const auto ls = p.layers();
  const auto it = std::upper_bound(ls.begin(), ls.end(), unit,
                                   [](std::size_t u, const dnn::layer& l) { return u < l.unit; });
  return it == ls.begin() ? p.input_bytes() : std::prev(it)->output_bytes;
}

/// Name of unit u: the part of its first layer's name before '/', or "unit<u>".
inline std::string unit_name(const profile& p, std::size_t first_layer_of_unit) {
  const auto& n = p.layer(first_layer_of_unit).name;
  const auto slash = n.find('/');
  if (slash != std::string::npos && slash > 0) return n.substr(0, slash);
  return concat("unit", p.layer(first_layer_of_unit).unit);
}

/// One `block` layer per unit: summed FLOP and params, the first layer's input, the last layer's
/// output, the max workspace. O(L).
inline profile units_only(const profile& p) {
  profile_spec s{p.name(), p.input_bytes(), p.prec(), p.batch(), {}};
  s.layers.reserve(p.num_units());
  std::size_t first = 0;
  for (const std::size_t end : unit_ends(p)) {
    dnn::layer b;
    b.name = unit_name(p, first);
    b.kind = layer_kind::block;
    b.unit = p.layer(first).unit;
    b.input_bytes = p.layer(first).input_bytes;
    for (std::size_t i = first; i < end; ++i) {
      b.flop += p.layer(i).flop;
      b.param_bytes += p.layer(i).param_bytes;
      b.workspace_bytes = std::max(b.workspace_bytes, p.layer(i).workspace_bytes);
    }
    b.output_bytes = p.layer(end - 1).output_bytes;
    s.layers.push_back(std::move(b));
    first = end;
  }
  return profile(std::move(s));
}

}  // namespace idn::dnn
