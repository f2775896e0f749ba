#pragma once
/// idn::mdi: PA-MDI, priority-aware model-distributed inference (Li & Seferoglu 2025;
/// docs/mdi.md): the per-node dispatcher and the RTC/CTC arbiter, seeded scenarios comparing
/// pa_mdi, ms_mdi, ar_mdi and local inference on a graph of edge workers, and the paper's
/// reference scenarios.
#include "idn/mdi/arbiter.hpp"
#include "idn/mdi/dispatch.hpp"
#include "idn/mdi/reference_scenarios.hpp"
#include "idn/mdi/run.hpp"
#include "idn/mdi/scenario.hpp"
