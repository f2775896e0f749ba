from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy
import os


class IdnConan(ConanFile):
    """Header-only recipe. Components, matching the CMake package: idn::idn (every module; Eigen
    and xtensor), idn::offload (standard library only) and, with -o "idn/*:with_onnx=True",
    idn::onnx (the ONNX importer dnn::read_onnx; ONNX and protobuf from Conan Center). The
    idn-profile tool is not packaged by this header-only recipe: build it from the checkout.

    idn needs C++20, and Conan's default profile for GCC 12 says compiler.cppstd=gnu17, so:
        conan create . -s compiler.cppstd=20 --build=missing
    (or set compiler.cppstd=20 / gnu20 in your profile)."""

    name = "idn"
    version = "0.1.0"
    license = "Apache-2.0"
    url = "https://github.com/idn-project/idn"
    description = ("Header-only C++20 algorithms for inference delivery networks: where ML "
                   "inference runs across the device-edge-cloud continuum")
    topics = ("inference", "edge-computing", "scheduling", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"with_onnx": [True, False]}
    default_options = {"with_onnx": False}
    exports_sources = "include/*", "LICENSE"
    no_copy_source = True

    def requirements(self):
        self.requires("eigen/3.4.0")
        self.requires("xtensor/0.24.7")
        if self.options.with_onnx:
            self.requires("onnx/1.15.0")
            self.requires("protobuf/3.21.12")

    def validate(self):
        check_min_cppstd(self, 20)

    def package_id(self):
        # Header-only: one package for every setting; with_onnx (an option) still tells them apart.
        self.info.settings.clear()
        self.info.requires.clear()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"),
             os.path.join(self.package_folder, "include"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "idn")
        self.cpp_info.set_property("pkg_config_name", "idn-all")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

        core = self.cpp_info.components["idn"]
        core.set_property("cmake_target_name", "idn::idn")
        core.set_property("pkg_config_name", "idn")
        core.bindirs = []
        core.libdirs = []
        core.requires = ["eigen::eigen", "xtensor::xtensor"]

        offload = self.cpp_info.components["offload"]
        offload.set_property("cmake_target_name", "idn::offload")
        offload.set_property("pkg_config_name", "idn-offload")
        offload.bindirs = []
        offload.libdirs = []

        if self.options.with_onnx:
            importer = self.cpp_info.components["onnx"]
            importer.set_property("cmake_target_name", "idn::onnx")
            importer.set_property("pkg_config_name", "idn-onnx")
            importer.bindirs = []
            importer.libdirs = []
            importer.defines = ["ONNX_NAMESPACE=onnx", "ONNX_ML=1"]
            importer.requires = ["idn", "onnx::onnx", "protobuf::libprotobuf"]
