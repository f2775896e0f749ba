#!/usr/bin/env bash
# Installs the Debian packages idn needs that are not installed yet (run as root on Debian
# bookworm). Nothing is downloaded from anywhere but Debian's archive.
#   bash tools/setup-debian.sh         what the demo (examples) needs
#   bash tools/setup-debian.sh test    plus the test toolchains (Cortex-M4 and aarch64 cross
#                                      compilers, qemu-user, clang 14/16/19 with libc++ and the
#                                      fuzzer and sanitizer runtimes, gnuplot, pkg-config, ONNX
#                                      and protobuf for the idn::onnx importer, Boost's headers,
#                                      OpenMPI for idn::mpi)
set -euo pipefail
packages=(g++ cmake ninja-build libeigen3-dev xtensor-dev doctest-dev libbenchmark-dev)
if [[ "${1:-}" == test ]]; then
  packages+=(
    # Cortex-M4 compile check of idn/offload (CTest offload_cortex_m4): the cross compiler and
    # the C/C++ headers only (about 52 MB; the 313 MB prebuilt newlib libraries are not needed).
    gcc-arm-none-eabi binutils-arm-none-eabi libstdc++-arm-none-eabi-dev libnewlib-dev
    # Clang: 16 for the clang, libcxx and fuzz presets (with libc++ and the libFuzzer/sanitizer
    # runtimes), 14 and 19 for the header check (docs/portability.md).
    clang-16 libclang-rt-16-dev libc++-16-dev libc++abi-16-dev clang-14 clang-19
    # aarch64: cross compiler and qemu-user to run the cross-built tests.
    g++-aarch64-linux-gnu qemu-user
    # The examples' figures are rendered by the tests; the install check uses pkg-config.
    gnuplot-nox pkg-config
    # idn::onnx and idn-profile (ONNX's protobuf classes and shape inference) and ONNX's own test
    # models (libonnx-testdata, 1.4 MB; the three together about 38 MB installed). Re-exporting the
    # test models (tools/export_onnx_models.py) also needs python3-torch python3-torchvision
    # python3-onnx; the committed fixtures do not.
    libonnx-dev libprotobuf-dev libonnx-testdata
    # Boost.Math's incomplete gamma function makes Erlang B/C O(1) in the number of servers
    # (serve/queueing.hpp; without it the O(c) recurrence is used). Headers only.
    libboost-dev
    # idn::mpi (INFIDA's node agents across MPI ranks) and its mpirun CTests: OpenMPI.
    libopenmpi-dev openmpi-bin)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup-debian: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup-debian: all packages present"
fi
