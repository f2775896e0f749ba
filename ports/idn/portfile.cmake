# vcpkg overlay port for idn (header-only). It builds the idn checkout it lives in
# (ports/idn/ -> ../..), so no environment variable and no download are involved:
#   vcpkg install idn --overlay-ports=<idn checkout>/ports
#   vcpkg install "idn[onnx]" --overlay-ports=<idn checkout>/ports   (also the ONNX importer,
#       idn::onnx, and the idn-profile tool; idn-board-probe is always installed, in tools/idn)
# vcpkg's ABI hash covers this port's files, not the checkout: after changing idn's sources, run
# `vcpkg remove idn` (or bump "port-version" in vcpkg.json) before installing again.
#
# Publishing to a registry: replace SOURCE_PATH below with the release archive and its real hash,
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO idn-project/idn REF "v${VERSION}" SHA512 <hash>)
# where <hash> is printed by `cmake -E sha512sum idn-${VERSION}.tar.gz` on that archive.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
if(NOT EXISTS "${SOURCE_PATH}/include/idn/idn.hpp")
  message(FATAL_ERROR "idn overlay port: ${SOURCE_PATH} is not an idn checkout (use the port from ports/ of one)")
endif()

set(VCPKG_BUILD_TYPE release)  # header-only: one configuration is enough
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS FEATURES onnx IDN_WITH_ONNX)
vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
    -DIDN_BUILD_TESTS=OFF
    -DIDN_BUILD_EXAMPLES=OFF
    -DIDN_BUILD_BENCHMARKS=OFF
    -DIDN_BUILD_TOOLS=ON
    -DIDN_INSTALL=ON
    -DIDN_INSTALL_CMAKEDIR=share/idn
    -DIDN_INSTALL_PKGCONFIGDIR=share/pkgconfig)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME idn CONFIG_PATH share/idn)
vcpkg_fixup_pkgconfig()
# idn-board-probe is built with -march=native (IDN_PROBE_NATIVE) to measure what this CPU can do:
# do not share this port's binary cache between machines with different CPUs.
set(tools idn-board-probe)
if("onnx" IN_LIST FEATURES)
  list(APPEND tools idn-profile)
endif()
vcpkg_copy_tools(TOOL_NAMES ${tools} AUTO_CLEAN)
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/debug")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
