include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(IDN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/idn/cmake"
    CACHE STRING "Where idn's CMake package files are installed")
set(IDN_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where idn's pkg-config files (idn.pc, idn-offload.pc) are installed")

# Two export sets, so that find_package(idn COMPONENTS offload) loads idn::offload without
# looking for Eigen and xtensor (firmware builds that only want the standard-library module).
install(TARGETS idn EXPORT idnTargets
  FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS idn_offload EXPORT idnOffloadTargets)
install(EXPORT idnTargets
  NAMESPACE idn::
  DESTINATION "${IDN_INSTALL_CMAKEDIR}")
install(EXPORT idnOffloadTargets
  NAMESPACE idn::
  DESTINATION "${IDN_INSTALL_CMAKEDIR}")

# The optional ONNX importer: its own export set (find_package(idn COMPONENTS onnx) also finds
# Protobuf and ONNX), and dnn/onnx.hpp, which the idn file set leaves out.
if(IDN_HAVE_ONNX)
  set_target_properties(idn_onnx PROPERTIES EXPORT_NAME onnx)
  install(TARGETS idn_onnx EXPORT idnOnnxTargets)
  install(FILES "${PROJECT_SOURCE_DIR}/include/idn/dnn/onnx.hpp" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/idn/dnn")
  install(EXPORT idnOnnxTargets
    NAMESPACE idn::
    DESTINATION "${IDN_INSTALL_CMAKEDIR}")
endif()

# The optional MPI agents: their own export set (find_package(idn COMPONENTS mpi) also finds MPI)
# and idn/mpi/, which the idn file set leaves out.
if(IDN_HAVE_MPI)
  set_target_properties(idn_mpi PROPERTIES EXPORT_NAME mpi)
  install(TARGETS idn_mpi EXPORT idnMpiTargets)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/idn/mpi" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/idn")
  install(EXPORT idnMpiTargets
    NAMESPACE idn::
    DESTINATION "${IDN_INSTALL_CMAKEDIR}")
endif()

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

# pkg-config: idn.pc (everything; requires eigen3 and xtensor, which Debian and most distributions
# ship .pc files for) and idn-offload.pc (standard library only). C++20 is the consumer's flag.
# The prefix is computed from the .pc file's own location, so the installed tree is relocatable.
file(RELATIVE_PATH idn_pc_to_prefix "/${IDN_INSTALL_PKGCONFIGDIR}" "/")
string(REGEX REPLACE "/$" "" idn_pc_to_prefix "${idn_pc_to_prefix}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(idn_pc_includedir "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(idn_pc_includedir "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(idn_pc_files idn idn-offload)
if(IDN_HAVE_ONNX)
  list(APPEND idn_pc_files idn-onnx)  # ONNX ships no .pc file: idn-onnx.pc names its libraries
endif()
foreach(pc IN LISTS idn_pc_files)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in" "${PROJECT_BINARY_DIR}/${pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/${pc}.pc" DESTINATION "${IDN_INSTALL_PKGCONFIGDIR}")
endforeach()

install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/idn")
