from conan import ConanFile
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy
import os


class IdnConan(ConanFile):
    name = "idn"
    version = "0.1.0"
    license = "Apache-2.0"
    description = ("Header-only C++20 algorithms for inference delivery networks: where ML "
                   "inference runs across the device-edge-cloud continuum")
    topics = ("inference", "edge-computing", "scheduling", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    exports_sources = "CMakeLists.txt", "cmake/*", "include/*", "LICENSE"
    no_copy_source = True

    def requirements(self):
        self.requires("eigen/3.4.0")
        self.requires("xtensor/0.24.7")

    def validate(self):
        from conan.tools.build import check_min_cppstd
        check_min_cppstd(self, 20)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["IDN_BUILD_TESTS"] = False
        tc.cache_variables["IDN_BUILD_EXAMPLES"] = False
        tc.cache_variables["IDN_BUILD_BENCHMARKS"] = False
        tc.cache_variables["IDN_INSTALL"] = True
        tc.generate()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"), os.path.join(self.package_folder, "include"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "idn")
        self.cpp_info.set_property("cmake_target_name", "idn::idn")
        self.cpp_info.requires = ["eigen::eigen", "xtensor::xtensor"]

    def package_id(self):
        self.info.clear()
