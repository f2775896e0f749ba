#!/usr/bin/env bash
# Compiles every public header alone (twice, to check its include guard) with one compiler,
# syntax only: the header check of docs/portability.md.
#   tools/check-headers.sh [compiler] [extra flags...]      e.g. tools/check-headers.sh clang++-14
# Exit status 1 and the list of failing headers when any header does not compile alone.
set -uo pipefail
cd "$(dirname "$0")/.."
cxx=${1:-c++}
shift || true
jobs=${JOBS:-$(nproc)}
# Eigen's headers (Debian: /usr/include/eigen3); xtensor and xtl are expected on the default path.
# dnn/onnx.hpp (the optional idn::onnx component) needs ONNX's headers and their two defines;
# it is skipped where libonnx-dev is not installed.
flags=(-std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -Iinclude
       -isystem "${EIGEN3_INCLUDE_DIR:-/usr/include/eigen3}" -DONNX_NAMESPACE=onnx -DONNX_ML=1 "$@")
# idn/mpi/ needs mpi.h: OpenMPI's include directories when its compiler wrapper is installed,
# else those headers are skipped (the idn::mpi component is not built either).
mpi_dirs=()
if command -v mpicxx >/dev/null && mpicxx --showme:incdirs >/dev/null 2>&1; then
  for d in $(mpicxx --showme:incdirs); do flags+=(-isystem "$d"); done
  mpi_dirs=(yes)
fi
log=$(mktemp -d)
check() {  # one header; its diagnostics go to $log/<header>.txt
  local h=$1 out=$log/${1//\//_}.txt
  printf '#include "%s"\n#include "%s"\n' "$h" "$h" |
    "$cxx" "${flags[@]}" -x c++ - >"$out" 2>&1 && rm -f "$out"
}
export cxx log flags_str="${flags[*]}"
mapfile -t headers < <(cd include && find idn -name '*.hpp' | sort |
  { if [[ -f /usr/include/onnx/onnx_pb.h ]]; then cat; else grep -v '^idn/dnn/onnx\.hpp$'; fi; } |
  { if ((${#mpi_dirs[@]})); then cat; else grep -v '^idn/mpi/'; fi; })
printf '%s\n' "${headers[@]}" |
  xargs -P "$jobs" -I{} bash -c 'flags=($flags_str); '"$(declare -f check)"'; check {}'
failed=("$log"/*.txt)
if [[ -e ${failed[0]} ]]; then
  for f in "${failed[@]}"; do echo "== $(basename "$f" .txt)"; head -20 "$f"; done
  echo "check-headers: ${#failed[@]} of ${#headers[@]} headers fail alone with $cxx"
  rm -rf "$log"; exit 1
fi
echo "check-headers: all ${#headers[@]} headers compile alone with $cxx $*"
rm -rf "$log"
