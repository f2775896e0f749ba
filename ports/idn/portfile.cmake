# vcpkg port for idn (header-only). Point SOURCE_PATH at a release archive when publishing:
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO <owner>/idn REF v${VERSION} SHA512 <hash>)
# For an overlay port built from a local checkout, set IDN_SOURCE_DIR.
if(DEFINED ENV{IDN_SOURCE_DIR})
  set(SOURCE_PATH "$ENV{IDN_SOURCE_DIR}")
else()
  vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO idn-project/idn
    REF "v${VERSION}"
    SHA512 0
    HEAD_REF main)
endif()

set(VCPKG_BUILD_TYPE release)  # header-only: one configuration is enough
vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DIDN_BUILD_TESTS=OFF
    -DIDN_BUILD_EXAMPLES=OFF
    -DIDN_BUILD_BENCHMARKS=OFF
    -DIDN_INSTALL=ON
    -DIDN_INSTALL_CMAKEDIR=share/idn)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME idn CONFIG_PATH share/idn)
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/debug")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
