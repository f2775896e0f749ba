#pragma once
/// All of idn::alloc: online model allocation in inference delivery networks (INFIDA).
#include "idn/alloc/baselines.hpp"
#include "idn/alloc/distributed.hpp"
#include "idn/alloc/gain.hpp"
#include "idn/alloc/ids.hpp"
#include "idn/alloc/infida.hpp"
#include "idn/alloc/network.hpp"
#include "idn/alloc/projection.hpp"
#include "idn/alloc/reconfiguration.hpp"
#include "idn/alloc/rounding.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/alloc/topologies.hpp"
#include "idn/alloc/trace.hpp"
