#pragma once
/// Published top-2 linear decision modules (docs/offload.md): the logistic-regression
/// coefficients (b, w1, w2) of Behera et al.'s DIME code (github.com/JoseGaDel/DIME), for
/// g = b + w1·π^(1) + w2·π^(2). Their code accepts iff σ(g) ≥ ½; idn tests the sign of g only
/// (g = 0 accepts), which is the same decision. `behera_cifar10_mcu_int8_codes` acts on raw int8
/// codes; convert it with codes_to_probs() to use it on probabilities.
#include "idn/offload/scores.hpp"

namespace idn::offload::presets {

inline constexpr top2_linear_coeffs behera_cifar10_resnet8_int8{-4.63391351f, 5.93658349f, -3.04197074f};
inline constexpr top2_linear_coeffs behera_cifar10_resnet8_fp32{-4.531622904f, 5.82555453f, -3.59687685f};
inline constexpr top2_linear_coeffs behera_cifar10_resnet56_int8{-4.695974f, 5.21640018f, -3.70736749f};
inline constexpr top2_linear_coeffs behera_cifar10_resnet56_fp32{-5.099092033f, 5.60475641f, -4.37203237f};
inline constexpr top2_linear_coeffs behera_cifar10_alexnet_int8{-4.33089237f, 5.39107836f, -1.03445988f};
inline constexpr top2_linear_coeffs behera_cifar10_alexnet_fp32{-3.796948174f, 4.84755215f, -1.79537036f};
inline constexpr top2_linear_coeffs behera_imagenet_resnet18_int8{-3.02860354f, 4.95192416f, -1.7800178f};
inline constexpr top2_linear_coeffs behera_imagenet_resnet50_int8{-3.45594814f, 5.11103057f, -2.07690727f};
inline constexpr top2_linear_coeffs behera_imagenet_alexnet_int8{-2.61127983f, 5.00778702f, -1.23894854f};
inline constexpr top2_linear_coeffs behera_mnist_esp32_fp32{-1.9996633f, 2.10135718f, -1.8588692f};
inline constexpr top2_linear_coeffs behera_cifar10_mcu_int8_codes{-3.42381517f, 0.03105428f, -0.00686018f};

}  // namespace idn::offload::presets
