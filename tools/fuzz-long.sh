#!/usr/bin/env bash
# A long local fuzzing campaign (docs/reliability.md): each harness of the `fuzz` preset for a
# fixed number of executions, one harness per core, corpora kept in build/fuzz/long/<harness>.
# Prints one line per harness: executions, seconds, exit status. Usage:
#   bash tools/fuzz-long.sh [runs per harness, default 10000000] [harness ...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000000}
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(npy csv profile_csv core_csv hw_dnn partition serve alloc offload path sim)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
jobs=$(nproc)
mkdir -p build/fuzz/long
run_one() {
  local h=$1 work=build/fuzz/long/$1
  mkdir -p "$work"
  local start=$SECONDS status=0
  build/fuzz/tests/fuzz/idn_fuzz_"$h" -runs="$runs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    "$work" tests/fuzz/corpus/"$h" $( [[ -d tests/fuzz/regressions/$h ]] && echo tests/fuzz/regressions/"$h" ) \
    >"$work.log" 2>&1 || status=$?
  local execs
  execs=$(grep -m1 'stat::number_of_executed_units' "$work.log" | awk '{print $2}')
  echo "$h executions=${execs:-?} seconds=$((SECONDS - start)) status=$status"
}
export -f run_one
export runs
printf '%s\n' "${harnesses[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'
