// The analytic zoo next to the published totals; writes profiles/<model>.csv.
#include <cstdio>
#include <filesystem>
#include <string>

#include "idn/dnn/profile_csv.hpp"
#include "idn/dnn/zoo.hpp"

int main() {
  using namespace idn::dnn;
  try {
    struct row { profile p; double params_pub, gmac_pub; const char* source; };
    const row rows[] = {{resnet50(), 25.557032e6, 4.09, "torchvision / He et al."},
                        {resnet56(32), 0.85e6, 0.125, "He et al. / Li et al."},
                        {resnet56(224), 0.85e6, 0.125 * 49, "PA-MDI workload (CIFAR-10 at 224)"},
                        {mobilenet_v2(), 3.504872e6, 0.300, "torchvision / Sandler et al."},
                        {alexnet(), 61.10084e6, 0.71, "torchvision"},
                        {gpt2_small(128), 124.439808e6, 0, "Radford et al. (n = 128)"}};
    std::filesystem::create_directories("profiles");
    std::printf("%-14s %5s %9s %9s %12s %12s %9s %9s %9s %10s %10s  %s\n", "model", "units", "GMAC", "(pub.)", "params",
                "(pub.)", "fp32 MB", "fp16 MB", "int8 MB", "peak ws MB", "max cut MB", "source");
    for (const auto& r : rows) {
      const double params = total_param_bytes(r.p) / 4, gmac = total_flop(r.p) / 2e9;
      double max_cut = 0;
      for (std::size_t u = 0; u < r.p.num_units(); ++u) max_cut = std::max(max_cut, cut_bytes(r.p, u));
      char published[16] = "-";
      if (r.gmac_pub > 0) std::snprintf(published, sizeof published, "%.4f", r.gmac_pub);
      std::printf("%-14s %5zu %9.4f %9s %12.0f %12.0f %9.2f %9.2f %9.2f %10.2f %10.3f  %s\n",
                  r.p.name().c_str(), r.p.num_units(), gmac, published, params, r.params_pub,
                  params * 4 / 1e6, params * 2 / 1e6, params / 1e6, peak_workspace_bytes(r.p) / 1e6, max_cut / 1e6,
                  r.source);
      save_profile_csv(std::filesystem::path("profiles") / (r.p.name() + ".csv"), r.p);
    }
    std::printf("input bytes: images 3*H*W (uint8), GPT-2 4*n (int32 ids). Wrote profiles/*.csv\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
