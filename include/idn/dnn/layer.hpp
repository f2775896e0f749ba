#pragma once
/// idn::dnn::layer: one layer's cost profile (FLOP, bytes) at a precision. docs/dnn.md
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "idn/core/error.hpp"

namespace idn::dnn {

/// Numeric precision of weights and activations.
enum class precision : std::uint8_t { fp32, fp16, int8 };

/// Bytes per element: 4, 2, 1 for fp32, fp16, int8.
constexpr double bytes_per_element(precision p) noexcept {
  switch (p) {
    case precision::fp32: return 4;
    case precision::fp16: return 2;
    case precision::int8: return 1;
  }
  return 4;
}

/// "fp32", "fp16", "int8".
constexpr std::string_view to_string(precision p) noexcept {
  switch (p) {
    case precision::fp32: return "fp32";
    case precision::fp16: return "fp16";
    case precision::int8: return "int8";
  }
  return "fp32";
}

/// Parses "fp32", "fp16" or "int8"; throws invalid_input naming the token otherwise.
inline precision parse_precision(std::string_view s) {
  if (s == "fp32") return precision::fp32;
  if (s == "fp16") return precision::fp16;
  if (s == "int8") return precision::int8;
  throw invalid_input("precision '" + std::string(s) + "' is not one of fp32, fp16, int8");
}

/// What a layer computes; decides which regression/κ group it belongs to. pool is windowed
/// pooling (max/average over a k×k window); global_pool reduces whole spatial or feature axes
/// (global/adaptive-to-1 pooling, ReduceMean and the like): different kernels in every runtime.
enum class layer_kind : std::uint8_t {
  conv, depthwise_conv, fc, attention, pool, norm, activation, add, embedding, block, other, global_pool
};
inline constexpr std::size_t layer_kind_count = 12;

inline constexpr std::array<std::string_view, layer_kind_count> layer_kind_names{
    "conv", "depthwise_conv", "fc", "attention", "pool", "norm",
    "activation", "add", "embedding", "block", "other", "global_pool"};

/// snake_case name of a kind.
constexpr std::string_view to_string(layer_kind k) noexcept {
  return layer_kind_names[static_cast<std::size_t>(k)];
}

/// Parses a snake_case kind name; throws invalid_input naming the token otherwise.
inline layer_kind parse_layer_kind(std::string_view s) {
  for (std::size_t i = 0; i < layer_kind_count; ++i)
    if (layer_kind_names[i] == s) return static_cast<layer_kind>(i);
  throw invalid_input("layer kind '" + std::string(s) + "' is unknown");
}

/// One layer at the profile batch and precision. Byte fields are at `prec`.
struct layer {
  std::string name;                  ///< unique within its profile
  layer_kind kind = layer_kind::other;
  double flop = 0;                   ///< FLOP per call at the profile batch (2 per MAC)
  double param_bytes = 0;            ///< weight bytes at the profile precision
  double input_bytes = 0;            ///< activation bytes read; 0 -> previous output (first: profile input)
  double output_bytes = 0;           ///< activation bytes written = bytes crossing a cut after this layer
  double workspace_bytes = 0;        ///< peak live activation bytes; raised to >= input + output
  std::uint32_t unit = 0;            ///< natural split unit: contiguous, numbered 0,1,2,...
  std::uint32_t index = 0;           ///< position in its profile (set by profile's constructor)
  precision prec = precision::fp32;  ///< precision of the byte fields (set by profile's constructor)
};

}  // namespace idn::dnn
