#pragma once
// A synthetic board file for the hw tests: known bandwidth, GEMM, depthwise and elementwise
// curves, plus one unreliable point that every reader must ignore.
#include "idn/hw/board_file.hpp"

namespace idn::test {

/// A synthetic board: bandwidth falling from 200 GB/s (16 KiB) to 20 GB/s (64 MiB), GEMM rising
/// from 20 to 100 GFLOP/s, depthwise 8 GFLOP/s, elementwise 30 GB/s.
inline hw::board_file synthetic_board() {
  hw::board_file b;
  b.name = "synthetic";
  b.description = "test board";
  const double sets[] = {16384, 1048576, 67108864}, bw[] = {200e9, 80e9, 20e9};
  for (int i = 0; i < 3; ++i) {
    b.points.push_back({hw::board_quantity::copy_bandwidth, sets[i], 1, bw[i], 0.01, true});
    b.points.push_back({hw::board_quantity::elementwise_fp32, sets[i], 1, 30e9, 0.01, true});
  }
  b.points.push_back({hw::board_quantity::gemm_fp32, 1e6, 1, 20e9, 0.02, true});
  b.points.push_back({hw::board_quantity::gemm_fp32, 1e9, 1, 100e9, 0.02, true});
  b.points.push_back({hw::board_quantity::gemm_fp32, 1e7, 1, 1e15, 0.9, false});  // unreliable: must be ignored
  b.points.push_back({hw::board_quantity::depthwise_fp32, 1e7, 1, 8e9, 0.02, true});
  b.points.push_back({hw::board_quantity::timer_resolution, 0, 1, 2e-8, 0, true});
  return b;
}

}  // namespace idn::test
