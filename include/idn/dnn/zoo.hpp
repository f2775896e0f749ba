#pragma once
/// The analytic model zoo: ResNet-50, ResNet-56 (CIFAR), MobileNetV2, AlexNet and GPT-2 small,
/// generated from architecture tables by closed-form shape arithmetic (no per-layer numbers are
/// hard-coded). Conventions in docs/dnn.md: 2 FLOP per MAC, BN folded into its conv
/// (γ, β counted as params), element-wise layers 0 FLOP.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"

namespace idn::dnn {

/// units: one `block` layer per natural split unit; layers: every conv/fc/pool/add/norm/...
enum class granularity : std::uint8_t { units, layers };

/// The zoo builders' knobs: precision and batch.
struct zoo_options {
  granularity grain = granularity::units;
  precision prec = precision::fp32;
  std::uint32_t batch = 1;
};

namespace detail {

/// Tracks the activation shape (C, H, W) while a CNN is laid out, and emits layers.
class cnn_builder {
public:
  cnn_builder(std::string name, std::uint32_t c, std::uint32_t h, std::uint32_t w, const zoo_options& o)
      : c_(c), h_(h), w_(w), b_(bytes_per_element(o.prec)), batch_(o.batch) {
    if (o.batch == 0) throw invalid_input("idn::dnn::zoo: zoo_options.batch = 0: must be >= 1");
    spec_.name = std::move(name);
    spec_.prec = o.prec;
    spec_.batch = o.batch;
    spec_.input_bytes = 3.0 * h * w * o.batch;  // uint8 image as delivered
  }

  struct shape { std::uint32_t c, h, w; };
  shape current() const noexcept { return {c_, h_, w_}; }
  void restore(shape s) noexcept { c_ = s.c; h_ = s.h; w_ = s.w; }

  void begin_unit(std::string name) {
    unit_name_ = std::move(name);
    if (started_) ++unit_;
    started_ = true;
  }

  /// k×k conv with `groups` groups; BN adds 2·cout params, bias adds cout.
  void conv(const std::string& name, std::uint32_t cout, std::uint32_t k, std::uint32_t stride,
            std::uint32_t pad, std::uint32_t groups = 1, bool bn = true, bool bias = false) {
    const std::uint32_t ho = (h_ + 2 * pad - k) / stride + 1, wo = (w_ + 2 * pad - k) / stride + 1;
    const double per_out = double(c_ / groups) * k * k;
    const double mac = double(cout) * per_out * ho * wo;
    const double params = double(cout) * per_out + (bias ? cout : 0) + (bn ? 2.0 * cout : 0);
    const layer_kind kind = (groups > 1 && groups == c_) ? layer_kind::depthwise_conv : layer_kind::conv;
    emit(name, kind, 2 * mac, params, act(c_, h_, w_), act(cout, ho, wo));
    c_ = cout; h_ = ho; w_ = wo;
  }
  void activation(const std::string& name) { emit(name, layer_kind::activation, 0, 0, act(c_, h_, w_), act(c_, h_, w_)); }
  void max_pool(const std::string& name, std::uint32_t k, std::uint32_t stride, std::uint32_t pad) {
    const std::uint32_t ho = (h_ + 2 * pad - k) / stride + 1, wo = (w_ + 2 * pad - k) / stride + 1;
    emit(name, layer_kind::pool, 0, 0, act(c_, h_, w_), act(c_, ho, wo));
    h_ = ho; w_ = wo;
  }
  /// Adaptive average pool to out×out.
  void avg_pool(const std::string& name, std::uint32_t out) {
    emit(name, layer_kind::pool, 0, 0, act(c_, h_, w_), act(c_, out, out));
    h_ = out; w_ = out;
  }
  /// Residual add of two tensors of the current shape.
  void add(const std::string& name) {
    emit(name, layer_kind::add, 0, 0, 2 * act(c_, h_, w_), act(c_, h_, w_));
  }
  /// Fully connected on the flattened current tensor.
  void fc(const std::string& name, std::uint32_t out, bool bias = true) {
    const double in = double(c_) * h_ * w_;
    emit(name, layer_kind::fc, 2 * in * out * batch_, in * out + (bias ? out : 0), act(c_, h_, w_), act(out, 1, 1));
    c_ = out; h_ = 1; w_ = 1;
  }

  profile finish(granularity g) {
    profile p(std::move(spec_));
    return g == granularity::units ? units_only(p) : p;
  }

private:
  double act(double c, double h, double w) const noexcept { return c * h * w * b_ * batch_; }
  void emit(const std::string& name, layer_kind kind, double flop_per_sample_or_total, double params,
            double in, double out) {
    layer l;
    l.name = unit_name_ + "/" + name;
    l.kind = kind;
    // conv MAC counts are per sample; fc passes a total that already includes the batch.
    l.flop = kind == layer_kind::fc ? flop_per_sample_or_total : flop_per_sample_or_total * batch_;
    l.param_bytes = params * b_;
    l.input_bytes = in;
    l.output_bytes = out;
    l.unit = unit_;
    spec_.layers.push_back(std::move(l));
  }

  std::uint32_t c_, h_, w_;
  double b_;
  std::uint32_t batch_;
  profile_spec spec_;
  std::string unit_name_;
  std::uint32_t unit_ = 0;
  bool started_ = false;
};

/// torchvision's _make_divisible(v, 8).
inline std::uint32_t make_divisible(double v, std::uint32_t divisor = 8) {
  const auto d = static_cast<std::int64_t>(divisor);
  std::int64_t nv = std::max<std::int64_t>(d, static_cast<std::int64_t>(v + d / 2.0) / d * d);
  if (static_cast<double>(nv) < 0.9 * v) nv += d;
  return static_cast<std::uint32_t>(nv);
}

}  // namespace detail

/// ResNet-50 v1.5 (torchvision: stride in the 3×3 conv), 3×224×224, 1000 classes.
/// 18 units: stem+maxpool, 16 bottlenecks, avgpool+fc. O(L).
inline profile resnet50(const zoo_options& o = {}) {
  detail::cnn_builder b("resnet50", 3, 224, 224, o);
  b.begin_unit("stem");
  b.conv("conv1", 64, 7, 2, 3);
  b.activation("relu");
  b.max_pool("maxpool", 3, 2, 1);
  const std::uint32_t blocks[4] = {3, 4, 6, 3};
  std::uint32_t in = 64;
  for (std::uint32_t s = 0; s < 4; ++s) {
    const std::uint32_t width = 64u << s, out = width * 4;
    for (std::uint32_t i = 0; i < blocks[s]; ++i) {
      const std::uint32_t stride = (i == 0 && s > 0) ? 2 : 1;
      b.begin_unit(concat("layer", s + 1, ".", i));
      const auto input = b.current();
      b.conv("conv1", width, 1, 1, 0);
      b.activation("relu1");
      b.conv("conv2", width, 3, stride, 1);
      b.activation("relu2");
      b.conv("conv3", out, 1, 1, 0);
      if (i == 0) {  // projection shortcut on the block input
        const auto main = b.current();
        b.restore(input);
        b.conv("downsample", out, 1, stride, 0);
        b.restore(main);
      }
      b.add("add");
      b.activation("relu3");
      in = out;
    }
  }
  (void)in;
  b.begin_unit("head");
  b.avg_pool("avgpool", 1);
  b.fc("fc", 1000);
  return b.finish(o.grain);
}

/// CIFAR ResNet-56 (He et al. §4.2): 3 stages of 9 basic blocks (16/32/64 channels), option-A
/// (parameter-free) shortcuts, 10 classes. 29 units. `resolution` ≥ 8 and a multiple of 4
/// (32 for CIFAR; 224 for PA-MDI's resized CIFAR-10).
inline profile resnet56(std::uint32_t resolution = 32, const zoo_options& o = {}) {
  if (resolution < 8 || resolution % 4 != 0)
    throw invalid_input(concat("idn::dnn::resnet56: resolution = ", resolution, ": must be >= 8 and a multiple of 4"));
  detail::cnn_builder b(resolution == 32 ? std::string("resnet56") : concat("resnet56_", resolution), 3,
                        resolution, resolution, o);
  b.begin_unit("stem");
  b.conv("conv1", 16, 3, 1, 1);
  b.activation("relu");
  for (std::uint32_t s = 0; s < 3; ++s) {
    const std::uint32_t ch = 16u << s;
    for (std::uint32_t i = 0; i < 9; ++i) {
      const std::uint32_t stride = (i == 0 && s > 0) ? 2 : 1;
      b.begin_unit(concat("layer", s + 1, ".", i));
      b.conv("conv1", ch, 3, stride, 1);
      b.activation("relu1");
      b.conv("conv2", ch, 3, 1, 1);
      b.add("add");  // option A: identity / subsample + zero-pad, no params
      b.activation("relu2");
    }
  }
  b.begin_unit("head");
  b.avg_pool("avgpool", 1);
  b.fc("fc", 10);
  return b.finish(o.grain);
}

/// MobileNetV2 (torchvision), channels rounded to multiples of 8, 1000 classes. 20 units: first
/// conv, 17 inverted-residual blocks, last 1×1 conv, avgpool+classifier. width ∈ (0, 4].
inline profile mobilenet_v2(std::uint32_t resolution = 224, double width = 1.0, const zoo_options& o = {}) {
  if (!(width > 0 && width <= 4))
    throw invalid_input(concat("idn::dnn::mobilenet_v2: width = ", width) + ": must lie in (0, 4]");
  if (resolution < 32)
    throw invalid_input(concat("idn::dnn::mobilenet_v2: resolution = ", resolution, ": must be >= 32"));
  detail::cnn_builder b("mobilenet_v2", 3, resolution, resolution, o);
  struct row { std::uint32_t t, c, n, s; };
  const row table[7] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                        {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::uint32_t in = detail::make_divisible(32 * width);
  const std::uint32_t last = detail::make_divisible(1280 * std::max(1.0, width));
  b.begin_unit("features.0");
  b.conv("conv", in, 3, 2, 1);
  b.activation("relu6");
  std::uint32_t block = 1;
  for (const row& r : table) {
    const std::uint32_t out = detail::make_divisible(r.c * width);
    for (std::uint32_t i = 0; i < r.n; ++i, ++block) {
      const std::uint32_t stride = i == 0 ? r.s : 1;
      const auto hidden = static_cast<std::uint32_t>(std::lround(double(in) * r.t));
      b.begin_unit(concat("features.", block));
      if (r.t != 1) {
        b.conv("expand", hidden, 1, 1, 0);
        b.activation("expand_relu6");
      }
      b.conv("depthwise", hidden, 3, stride, 1, hidden);
      b.activation("depthwise_relu6");
      b.conv("project", out, 1, 1, 0);
      if (stride == 1 && in == out) b.add("add");
      in = out;
    }
  }
  b.begin_unit("features.18");
  b.conv("conv", last, 1, 1, 0);
  b.activation("relu6");
  b.begin_unit("classifier");
  b.avg_pool("avgpool", 1);
  b.fc("fc", 1000);
  return b.finish(o.grain);
}

/// AlexNet as in torchvision ("one weird trick" layout), 3×224×224, 1000 classes. 8 units: five
/// conv units (conv+ReLU[+maxpool], the adaptive 6×6 avgpool with the last), three fc units.
inline profile alexnet(const zoo_options& o = {}) {
  detail::cnn_builder b("alexnet", 3, 224, 224, o);
  struct row { std::uint32_t cout, k, s, p; bool pool; };
  const row convs[5] = {{64, 11, 4, 2, true}, {192, 5, 1, 2, true}, {384, 3, 1, 1, false},
                        {256, 3, 1, 1, false}, {256, 3, 1, 1, true}};
  for (std::uint32_t i = 0; i < 5; ++i) {
    b.begin_unit(concat("conv", i + 1));
    b.conv("conv", convs[i].cout, convs[i].k, convs[i].s, convs[i].p, 1, /*bn=*/false, /*bias=*/true);
    b.activation("relu");
    if (convs[i].pool) b.max_pool("maxpool", 3, 2, 0);
    if (i == 4) b.avg_pool("avgpool", 6);
  }
  const std::uint32_t fcs[3] = {4096, 4096, 1000};
  for (std::uint32_t i = 0; i < 3; ++i) {
    b.begin_unit(concat("fc", i + 6));
    b.fc("fc", fcs[i]);
    if (i < 2) b.activation("relu");
  }
  return b.finish(o.grain);
}

/// Which positions the GPT-2 LM head is evaluated at.
enum class lm_head : std::uint8_t { last_token, all_tokens };

/// GPT-2 small (d = 768, 12 blocks, 12 heads, FFN 4d, V = 50257, context 1024) on `tokens` = n
/// tokens. 14 units: embeddings, 12 blocks, final LN + LM head (tied to the token embedding).
/// Per block: 12d²·n linear MAC + 2n²d attention MAC; 12d² + 13d params. tokens ∈ [1, 1024].
inline profile gpt2_small(std::uint32_t tokens = 128, lm_head head = lm_head::last_token, const zoo_options& o = {}) {
  if (tokens < 1 || tokens > 1024)
    throw invalid_input(concat("idn::dnn::gpt2_small: tokens = ", tokens, ": must lie in [1, 1024]"));
  if (o.batch == 0) throw invalid_input("idn::dnn::gpt2_small: zoo_options.batch = 0: must be >= 1");
  constexpr double d = 768, V = 50257, ctx = 1024, heads = 12;
  const double n = tokens, B = o.batch, b = bytes_per_element(o.prec);
  const double act = n * d * b * B;  // one n×d activation
  profile_spec s{"gpt2_small", 4 * n * B, o.prec, o.batch, {}};
  std::uint32_t unit = 0;
  auto emit = [&](const std::string& name, layer_kind kind, double mac, double params, double in, double out,
                  double extra_workspace = 0) {
    layer l;
    l.name = name;
    l.kind = kind;
    l.flop = 2 * mac * B;
    l.param_bytes = params * b;
    l.input_bytes = in;
    l.output_bytes = out;
    l.workspace_bytes = in + out + extra_workspace;
    l.unit = unit;
    s.layers.push_back(std::move(l));
  };
  emit("embed/wte_wpe", layer_kind::embedding, 0, V * d + ctx * d, 4 * n * B, act);
  for (int i = 0; i < 12; ++i) {
    ++unit;
    const std::string u = concat("h", i, "/");
    emit(u + "ln_1", layer_kind::norm, 0, 2 * d, act, act);
    emit(u + "attn.c_attn", layer_kind::fc, 3 * d * d * n, 3 * d * d + 3 * d, act, 3 * act);
    emit(u + "attn.scores", layer_kind::attention, 2 * n * n * d, 0, 3 * act, act, heads * n * n * b * B);
    emit(u + "attn.c_proj", layer_kind::fc, d * d * n, d * d + d, act, act);
    emit(u + "add_1", layer_kind::add, 0, 0, 2 * act, act);
    emit(u + "ln_2", layer_kind::norm, 0, 2 * d, act, act);
    emit(u + "mlp.c_fc", layer_kind::fc, 4 * d * d * n, 4 * d * d + 4 * d, act, 4 * act);
    emit(u + "mlp.gelu", layer_kind::activation, 0, 0, 4 * act, 4 * act);
    emit(u + "mlp.c_proj", layer_kind::fc, 4 * d * d * n, 4 * d * d + d, 4 * act, act);
    emit(u + "add_2", layer_kind::add, 0, 0, 2 * act, act);
  }
  ++unit;
  const double positions = head == lm_head::last_token ? 1 : n;
  emit("head/ln_f", layer_kind::norm, 0, 2 * d, act, act);
  emit("head/lm_head", layer_kind::fc, d * V * positions, 0, positions * d * b * B, positions * V * b * B);
  profile p(std::move(s));
  return o.grain == granularity::units ? units_only(p) : p;
}

}  // namespace idn::dnn
