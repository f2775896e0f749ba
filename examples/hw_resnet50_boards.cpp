// ResNet-50 on every board preset, at fp32 and int8: per-unit latency t_u, whether the unit is
// compute- or memory-bound, its arithmetic intensity against the ridge point, the memory fit,
// and Neurosurgeon's observation: shipping an early activation over a 20 Mbit/s link takes far
// longer than computing it (r_u = x(S_u)/t_u), while shipping the input costs x(input)/T.
// Usage: hw_resnet50_boards [--latency SECONDS] [--csv FILE]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "idn/dnn/zoo.hpp"
#include "idn/hw/estimate.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"

int main(int argc, char** argv) {
  using namespace idn;
  double latency = 0;
  std::string csv_path = "hw_resnet50_boards.csv";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--latency") == 0 && i + 1 < argc) latency = std::atof(argv[++i]);
    else if (std::strcmp(argv[i], "--csv") == 0 && i + 1 < argc) csv_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--latency SECONDS] [--csv FILE]\n", argv[0]);
      return 2;
    }
  }
  try {
    const hw::affine_link link(latency, 20e6);
    std::ofstream csv(csv_path);
    csv << "board,precision,unit,name,flop,out_bytes,t_u_s,bound,intensity,ridge,x_s,r_u\n";
    std::printf("ResNet-50 (torchvision v1.5, batch 1) on idn's board presets; link: %.3g ms + 20 Mbit/s\n"
                "Presets are uncalibrated vendor peaks (eta = 1): times are lower bounds until calibrated.\n",
                latency * 1e3);
    for (const auto& board : hw::board_presets()) {
      const hw::roofline_device dev(board.params);
      std::printf("\n== %s  (%s)\n", board.params.name.c_str(), std::string(board.source).c_str());
      std::printf("%-10s %9s | %10s %2s %9s %8s | %10s %2s %9s\n", "unit", "S_u kB", "fp32 ms", "", "I/I*", "r_u",
                  "int8 ms", "", "r_u");
      const dnn::profile p32 = dnn::resnet50(), p8 = dnn::resnet50({dnn::granularity::units, dnn::precision::int8});
      for (std::size_t u = 0; u < p32.num_layers(); ++u) {
        const auto& l32 = p32.layer(u);
        const auto& l8 = p8.layer(u);
        const double t32 = dev.latency(l32), t8 = dev.latency(l8);
        const double x32 = link.transfer_time(l32.output_bytes), x8 = link.transfer_time(l8.output_bytes);
        const bool c32 = hw::compute_bound(board.params, l32, dnn::precision::fp32);
        const bool c8 = hw::compute_bound(board.params, l8, dnn::precision::int8);
        const double i32 = hw::arithmetic_intensity(l32) / hw::ridge_point(board.params, dnn::precision::fp32);
        std::printf("%-10s %9.1f | %10.4f %2s %9.3g %8.3g | %10.4f %2s %9.3g\n", l32.name.c_str(),
                    l32.output_bytes / 1e3, t32 * 1e3, c32 ? "C" : "M", i32, x32 / t32, t8 * 1e3, c8 ? "C" : "M", x8 / t8);
        for (const auto& [prec, l, t, x, c] : {std::tuple{"fp32", &l32, t32, x32, c32}, std::tuple{"int8", &l8, t8, x8, c8}})
          csv << board.params.name << ',' << prec << ',' << u << ',' << l->name << ',' << l->flop << ','
              << l->output_bytes << ',' << t << ',' << (c ? "compute" : "memory") << ','
              << hw::arithmetic_intensity(*l) << ','
              << hw::ridge_point(board.params, std::string(prec) == "fp32" ? dnn::precision::fp32 : dnn::precision::int8)
              << ',' << x << ',' << x / t << '\n';
      }
      const double T32 = hw::model_time(dev, p32), T8 = hw::model_time(dev, p8);
      const double xin = link.transfer_time(p32.input_bytes());
      const auto fit32 = hw::memory_fit(dev, p32), fit8 = hw::memory_fit(dev, p8);
      std::printf("%-10s %9.1f | %10.4f %2s %9s %8s | %10.4f %2s %9s\n", "total", p32.input_bytes() / 1e3, T32 * 1e3, "",
                  "", "", T8 * 1e3, "", "");
      std::printf("input over the link: x(input) = %.1f ms = %.3g x T(fp32), %.3g x T(int8); memory fit: fp32 %s, int8 %s"
                  " (weights %.1f / %.1f MB)\n",
                  xin * 1e3, xin / T32, xin / T8, fit32.fits ? "yes" : "NO", fit8.fits ? "yes" : "NO", fit32.weights / 1e6,
                  fit8.weights / 1e6);
    }
    std::printf("\nwrote %s\n", csv_path.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
