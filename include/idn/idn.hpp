#pragma once
/// Umbrella header: every public idn header. io/ is not included here on purpose: it is the only
/// module that pulls in xtensor, so include "idn/io/..." explicitly where you load files.
#include "idn/version.hpp"

#include "idn/alloc.hpp"
#include "idn/offload.hpp"
#include "idn/partition.hpp"
#include "idn/path.hpp"
#include "idn/serve.hpp"
#include "idn/offload/evaluate.hpp"
#include "idn/offload/throwing.hpp"

#include "idn/core/check.hpp"
#include "idn/core/csr.hpp"
#include "idn/core/csv.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/core/random.hpp"

#include "idn/dnn/layer.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/dnn/profile_csv.hpp"
#include "idn/dnn/zoo.hpp"

#include "idn/hw/any.hpp"
#include "idn/hw/calibrate.hpp"
#include "idn/hw/concepts.hpp"
#include "idn/hw/energy.hpp"
#include "idn/hw/estimate.hpp"
#include "idn/hw/linear_model.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/profile_table.hpp"
#include "idn/hw/roofline.hpp"

#include "idn/sim/link_station.hpp"
#include "idn/sim/simulator.hpp"
#include "idn/sim/sources.hpp"
#include "idn/sim/station.hpp"
#include "idn/sim/stats.hpp"
