#pragma once
/// idn's version. Kept in step with `project(idn VERSION ...)` in the top-level CMakeLists.txt.
#define IDN_VERSION_MAJOR 0
#define IDN_VERSION_MINOR 1
#define IDN_VERSION_PATCH 0
#define IDN_VERSION_STRING "0.1.0"
