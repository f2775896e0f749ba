#!/usr/bin/env bash
# Regenerates the committed fuzz inputs (tests/fuzz/corpus and tests/fuzz/regressions) with the
# library's own writers. Needs a configured build with tests (any preset); usage:
#   bash tools/fuzz-seeds.sh [build directory, default build/dev]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
cmake --build "$build" --target idn_fuzz_make_seeds
"$build/tests/fuzz/idn_fuzz_make_seeds" tests/fuzz
