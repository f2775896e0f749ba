#!/usr/bin/env bash
# A long local fuzzing campaign (docs/reliability.md). Each harness runs until it has executed
# RUNS inputs or spent SECONDS seconds, JOBS harnesses at a time; corpora are kept in
# build/<preset>/long/<harness>, findings go to build/<preset>/long/<harness>-crash-*.
#   PRESET=fuzz-fast (default: no ASan/UBSan, -O2, for throughput) or fuzz (ASan + UBSan)
#   RUNS=10000000 SECONDS=3600 JOBS=$(nproc) bash tools/fuzz-long.sh [harness ...]
# Prints one line per harness: executions, seconds, exit status (0: no finding).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${PRESET:-fuzz-fast}
runs=${RUNS:-10000000}
limit=${SECONDS_PER_HARNESS:-3600}
jobs=${JOBS:-$(nproc)}
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(npy csv profile_csv core_csv hw_dnn partition serve alloc offload path sim)
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
out=build/$preset/long
mkdir -p "$out"
run_one() {
  local h=$1 work=$out/$1 regress=tests/fuzz/regressions/$1
  mkdir -p "$work"
  local start=$SECONDS status=0
  TMPDIR=${TMPDIR:-/dev/shm} build/"$preset"/tests/fuzz/idn_fuzz_"$h" -runs="$runs" -max_total_time="$limit" -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$h-" "$work" tests/fuzz/corpus/"$h" \
    $([[ -d $regress ]] && echo "$regress") >"$work.log" 2>&1 || status=$?
  local execs
  execs=$(grep -m1 'stat::number_of_executed_units' "$work.log" | awk '{print $2}')
  echo "$h executions=${execs:-?} seconds=$((SECONDS - start)) status=$status"
}
export -f run_one
export preset runs limit out
printf '%s\n' "${harnesses[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'
