#pragma once
// Fake xtensor >= 0.26 layout for the shim test: forwards to the installed 0.24 headers.
#define IDN_FAKE_XTENSOR_026_LAYOUT 1
#include <xtensor/xtensor.hpp>
