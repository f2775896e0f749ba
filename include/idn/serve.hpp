#pragma once
/// idn::serve: deploying inference pipelines across the continuum (docs/serve.md). So far: the
/// pipeline model and exact stage placement (via idn::partition), M/M/c
/// queueing (Erlang B/C, tails, quantiles, Allen–Cunneen), replica sizing for a latency SLO,
/// and the load balancers.
#include "idn/serve/balancers.hpp"
#include "idn/serve/batch_planner.hpp"
#include "idn/serve/batching.hpp"
#include "idn/serve/general_sizing.hpp"
#include "idn/serve/lb_sim.hpp"
#include "idn/serve/scans.hpp"
#include "idn/serve/service_times.hpp"
#include "idn/serve/scenarios.hpp"
#include "idn/serve/pipeline.hpp"
#include "idn/serve/placement.hpp"
#include "idn/serve/queueing.hpp"
#include "idn/serve/sizing.hpp"
