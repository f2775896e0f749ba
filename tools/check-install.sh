#!/usr/bin/env bash
# Installs idn into a staging prefix and builds the consumers in test_package/ against it:
#   1. find_package(idn) with the running CMake, and with CMake < 3.23's view of the package files
#   2. the same programs from pkg-config (idn.pc, idn-offload.pc)
#   3. find_package(idn COMPONENTS offload) with Eigen and xtensor disabled
#   4. find_package(idn COMPONENTS onnx) and the installed idn-profile, when idn was built with ONNX
#   5. find_package(idn COMPONENTS idn mpi), 2 ranks against the centralized policy, when built with MPI
# Usage: tools/check-install.sh [build-root]   (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-build}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake -S . -B "$root/install" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIDN_BUILD_TESTS=OFF -DIDN_BUILD_EXAMPLES=OFF -DIDN_INSTALL=ON >/dev/null
cmake --build "$root/install" >/dev/null  # the tools (idn-profile, with ONNX)
cmake --install "$root/install" --prefix "$stage/prefix" >/dev/null
export PKG_CONFIG_PATH="$stage/prefix/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
run() {  # name, source dir, extra configure args...
  local name=$1 src=$2; shift 2
  echo "-- check-install: $name"
  rm -rf "$root/test_package_$name"  # a fresh configure: the staging prefix changes every run
  cmake -S "$src" -B "$root/test_package_$name" -G Ninja -DCMAKE_PREFIX_PATH="$stage/prefix" \
    -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$root/test_package_$name" >/dev/null
  (cd "$root/test_package_$name" && ctest --output-on-failure --no-tests=error -Q)
}
run find_package test_package -DIDN_TEST_PKG_CONFIG=ON
run cmake_3_22 test_package -DIDN_PRETEND_CMAKE_VERSION=3.22.1
run offload_only test_package/offload_only
if [[ -f "$stage/prefix/share/idn/cmake/idnOnnxTargets.cmake" ]]; then
  run onnx_only test_package/onnx_only -DIDN_TEST_PKG_CONFIG=ON
  echo "-- check-install: installed idn-profile"
  "$stage/prefix/bin/idn-profile" tests/dnn/onnx_models/resnet18.onnx | grep -q '^total: macs=1814073344 '
fi
if [[ -f "$stage/prefix/share/idn/cmake/idnMpiTargets.cmake" ]]; then
  run mpi_only test_package/mpi_only
fi
echo "check-install: find_package (CMake $(cmake --version | head -1 | cut -d' ' -f3) and as 3.22), pkg-config, COMPONENTS offload (and onnx, mpi when built) consumers pass"
