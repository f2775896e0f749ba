#pragma once
/// idn::path: CoDE inference-path search over coordinated DNNs (docs/path.md).
#include "idn/path/accuracy.hpp"
#include "idn/path/baselines.hpp"
#include "idn/path/delay.hpp"
#include "idn/path/evaluate.hpp"
#include "idn/path/graph.hpp"
#include "idn/path/joint.hpp"
#include "idn/path/lp.hpp"
#include "idn/path/path.hpp"
#include "idn/path/random.hpp"
#include "idn/path/reward.hpp"
#include "idn/path/search.hpp"
#include "idn/path/throughput.hpp"
