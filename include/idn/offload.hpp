#pragma once
/// idn::offload: hierarchical-inference offload decisions (docs/offload.md). C++20 standard
/// library only; builds with -fno-exceptions -fno-rtti. Includes every offload header except
/// reference.hpp (naive learners for tests), evaluate.hpp (host evaluation) and throwing.hpp.
#include "idn/offload/bins.hpp"
#include "idn/offload/budget.hpp"
#include "idn/offload/calibrate.hpp"
#include "idn/offload/decision.hpp"
#include "idn/offload/draw.hpp"
#include "idn/offload/fit.hpp"
#include "idn/offload/hil.hpp"
#include "idn/offload/policy.hpp"
#include "idn/offload/presets.hpp"
#include "idn/offload/rules.hpp"
#include "idn/offload/scores.hpp"
#include "idn/offload/status.hpp"
