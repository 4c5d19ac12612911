#!/usr/bin/env bash
# Quick start, step 2: build (if needed) and run every test.
#   scripts/test.sh        the normal build in build/
#   scripts/test.sh --ci   also -Werror, a second pass under ASan + UBSan in build-asan/, and
#                          every libFuzzer target for a bounded time (LIAUDIT_CI_FUZZ_SECONDS,
#                          default 10 s each; scripts/fuzz.sh, built with clang in build-fuzz/)
set -euo pipefail
cd "$(dirname "$0")/.."
CI_MODE=0
[ "${1:-}" = "--ci" ] && CI_MODE=1
JOBS=$(nproc)

run_suite() {  # dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS"
}

if [ $CI_MODE = 1 ]; then
  run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIAUDIT_WERROR=ON
  ASAN_OPTIONS=detect_leaks=1 run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DLIAUDIT_SANITIZE=ON -DLIAUDIT_WERROR=ON
  scripts/fuzz.sh "${LIAUDIT_CI_FUZZ_SECONDS:-10}"
else
  run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
