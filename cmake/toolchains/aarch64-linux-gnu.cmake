# Cross-compiling idn's tests, examples and benchmarks for 64-bit Arm Linux (Jetson, Raspberry Pi
# 4/5) on a Debian/Ubuntu x86-64 machine, with Debian's g++-aarch64-linux-gnu:
#   cmake --preset aarch64            (or -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake)
# With qemu-user installed, CTest runs every test under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR).
# A consumer of the installed header-only package needs none of this: idn itself has no binaries.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(IDN_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${IDN_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${IDN_CROSS_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${IDN_CROSS_TRIPLE})

# Libraries must be the target's; programs are the build machine's. Eigen, xtensor, xtl and
# doctest are header-only and architecture-independent, so their package files are taken from
# the build machine too (PACKAGE/INCLUDE BOTH): no *_DIR needs to be passed by hand.
set(CMAKE_FIND_ROOT_PATH /usr/${IDN_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Debian installs xtensor's (architecture-independent) CMake files under the build machine's
# multiarch directory, which a cross build does not search.
if(NOT DEFINED xtensor_DIR)
  file(GLOB idn_xtensor_dirs LIST_DIRECTORIES true "/usr/lib/*-linux-gnu*/cmake/xtensor")
  if(idn_xtensor_dirs)
    list(GET idn_xtensor_dirs 0 idn_xtensor_dir)
    set(xtensor_DIR "${idn_xtensor_dir}" CACHE PATH "xtensor's CMake package directory")
  endif()
endif()

# Run target binaries (CTest, add_custom_command) under qemu-user when it is installed.
find_program(IDN_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(IDN_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${IDN_QEMU_AARCH64};-L;/usr/${IDN_CROSS_TRIPLE}")
endif()
