#!/usr/bin/env bash
# Fuzz the parsers with libFuzzer for a bounded time (docs/operations.md "Fuzzing").
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     default 20 s per target (7 targets: about 2.5 min
#                                            plus the first build); exit 1 if any target crashed
#   scripts/fuzz.sh --minimize TARGET FILE   shrink a crashing input; prints the minimised file
#                                            to copy into tests/fuzz/regressions/TARGET/
# Builds with clang in build-fuzz/ (-DLIAUDIT_FUZZ=ON, no GoogleTest needed). The whole stack is
# compiled with coverage instrumentation (-fsanitize=fuzzer-no-link) plus ASan and UBSan, so
# the fuzzer sees inside the libraries and any memory error or UB stops the run.
# Each target runs on a copy of tests/fuzz/corpus/<target> plus tests/fuzz/regressions/<target>;
# the checked-in seeds are never modified. Crashing inputs land in build-fuzz/fuzz-run/<target>/crashes/.
# LIAUDIT_FUZZ_SOURCE overrides the CMake source folder (default: the repository root).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${LIAUDIT_FUZZ_SOURCE:-$ROOT}
BUILD=${LIAUDIT_FUZZ_BUILD:-$ROOT/build-fuzz}
TARGETS=(csv encoding parse_platform parse_register datetime twid form_template)

max_len() {  # bytes per input: enough for the seeds, small enough to keep runs fast
  case $1 in
    datetime|twid) echo 64 ;;
    csv|encoding) echo 4096 ;;
    *) echo 8192 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

build() {
  local flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S "$SRC" -B "$BUILD" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLIAUDIT_FUZZ=ON -DLIAUDIT_TESTS=OFF \
    "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
  local t names=()
  for t in "$@"; do names+=("fuzz_$t"); done
  cmake --build "$BUILD" -j "${LIAUDIT_FUZZ_JOBS:-2}" --target "${names[@]}"
}

binary() {  # the fuzz binary of a target, wherever the tests/fuzz folder landed in the build tree
  local b
  b=$(find "$BUILD" -type f -name "fuzz_$1" -perm -u+x | head -n 1)
  [ -n "$b" ] || { echo "fuzz.sh: no fuzz_$1 binary in $BUILD (is tests/fuzz added by CMake?)" >&2; exit 1; }
  echo "$b"
}

if [ "${1:-}" = "--minimize" ]; then
  [ $# -eq 3 ] || { echo "usage: scripts/fuzz.sh --minimize TARGET FILE" >&2; exit 2; }
  target=$2; crash=$(realpath "$3")
  build "$target"
  out="$BUILD/fuzz-run/$target/minimized-$(basename "$crash")"
  mkdir -p "$(dirname "$out")"
  "$(binary "$target")" -minimize_crash=1 -runs=20000 -max_len="$(max_len "$target")" \
    -exact_artifact_path="$out" "$crash" 2>&1 | tail -n 5
  echo "minimised input: $out"
  echo "keep it with: cp '$out' $ROOT/tests/fuzz/regressions/$target/<short-name>"
  exit 0
fi

SECONDS_PER_TARGET=${1:-20}
case $SECONDS_PER_TARGET in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac

build "${TARGETS[@]}"
failed=()
for t in "${TARGETS[@]}"; do
  run="$BUILD/fuzz-run/$t"
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/crashes"
  cp -r "$ROOT/tests/fuzz/corpus/$t/." "$run/corpus/"
  if [ -d "$ROOT/tests/fuzz/regressions/$t" ]; then
    cp -r "$ROOT/tests/fuzz/regressions/$t/." "$run/corpus/"
  fi
  echo "== fuzz_$t: ${SECONDS_PER_TARGET}s"
  set +e
  "$(binary "$t")" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
    -max_len="$(max_len "$t")" -print_final_stats=1 -artifact_prefix="$run/crashes/" \
    "$run/corpus" >"$run/fuzz.log" 2>&1
  rc=$?
  set -e
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$run/fuzz.log" | tr '\n' ' '
  echo
  crashes=$(find "$run/crashes" -type f | sort)
  if [ $rc -ne 0 ] || [ -n "$crashes" ]; then
    failed+=("$t")
    echo "fuzz_$t FAILED (exit $rc); log: $run/fuzz.log"
    grep -E "ERROR: |runtime error:|fuzz oracle failed|SUMMARY:" "$run/fuzz.log" | head -n 5 || true
    for c in $crashes; do echo "  crashing input: $c"; done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: crashes in: ${failed[*]} (minimise with scripts/fuzz.sh --minimize TARGET FILE," \
       "then keep the result under tests/fuzz/regressions/TARGET/)"
  exit 1
fi
echo "fuzz.sh: ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET}s each, no crash"
