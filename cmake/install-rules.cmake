include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(IDN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/idn/cmake"
    CACHE STRING "Where idn's CMake package files are installed")

install(TARGETS idn EXPORT idnTargets
  FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS idn_offload EXPORT idnTargets)
install(EXPORT idnTargets
  NAMESPACE idn::
  DESTINATION "${IDN_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/idnConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/idnConfig.cmake"
  INSTALL_DESTINATION "${IDN_INSTALL_CMAKEDIR}")
# Header-only: the package fits any architecture. While 0.x, minor versions break compatibility.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/idnConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/idnConfig.cmake"
  "${PROJECT_BINARY_DIR}/idnConfigVersion.cmake"
  DESTINATION "${IDN_INSTALL_CMAKEDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/idn")
