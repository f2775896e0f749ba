#pragma once
/// idn::serve: deploying inference pipelines across the continuum (spec/serve.md). So far: M/M/c
/// queueing (Erlang B/C, tails, quantiles, Allen–Cunneen) and replica sizing for a latency SLO.
#include "idn/serve/queueing.hpp"
#include "idn/serve/sizing.hpp"
