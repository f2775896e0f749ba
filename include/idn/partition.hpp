#pragma once
/// idn::partition: exact chain partitioning over ordered workers (docs/partition.md): the chain
/// model and oracle concept, min-bottleneck / min-latency / bounded / lexicographic DPs, exact
/// pure-sum CCP, worker-order search, stage replication, baselines and brute-force references.
#include "idn/partition/baselines.hpp"
#include "idn/partition/brute_force.hpp"
#include "idn/partition/ccp.hpp"
#include "idn/partition/chain.hpp"
#include "idn/partition/order.hpp"
#include "idn/partition/replicate.hpp"
#include "idn/partition/solve.hpp"
