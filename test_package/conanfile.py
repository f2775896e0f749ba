import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout


class IdnTestConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        CMakeDeps(self).generate()
        toolchain = CMakeToolchain(self)
        # idn built with -o "idn/*:with_onnx=True": also the find_package(idn COMPONENTS onnx) consumer
        toolchain.cache_variables["IDN_TEST_ONNX"] = bool(self.dependencies["idn"].options.with_onnx)
        toolchain.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if can_run(self):
            for program in ("idn_consumer", "idn_offload_consumer"):
                self.run(os.path.join(self.cpp.build.bindir, program), env="conanrun")
