#!/usr/bin/env bash
# Two builds of liaudit side by side, alternately, on the same machine state (a change that
# must not move the figures, e.g. a refactor): for each round and each build,
#   1. bench/jobs/run.sh BUILD 100000 (the whole quarterly job of a generated 100,000-query
#      quarter, then the 5,000-query nightly), and
#   2. a 1,000,000-row platform export ingested into an empty store (liaudit ingest).
# Usage: bench/jobs/before_after.sh BEFORE_BUILD AFTER_BUILD [ROUNDS]   (default 2 rounds)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BEFORE=$(cd "$1" && pwd); AFTER=$(cd "$2" && pwd); ROUNDS=${3:-2}
WORK=${LIAUDIT_BENCH_DIR:-/tmp/liaudit-bench-before-after}
mkdir -p "$WORK"
[ -f "$WORK/platform-1m.csv" ] || /usr/bin/python3 "$ROOT/bench/ingest/gen_platform.py" 1000000 "$WORK/platform-1m.csv"
ingest() {  # build
  local d=$WORK/ingest
  rm -rf "$d"; mkdir -p "$d/input/platform"
  cp "$WORK/platform-1m.csv" "$d/input/platform/liq_20260701.csv"
  (cd "$d" && /usr/bin/time -v "$1/pipeline/cli/liaudit" ingest --no-progress >/dev/null 2>"$d/time.txt") || { tail "$d/time.txt"; exit 1; }
  awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Elapsed/ {w=$2} /Maximum resident/ {r=$2}
              END {printf "  ingest 1M rows: wall %s, CPU %.1f s, peak RSS %.0f MB\n", w, u+s, r/1024}' "$d/time.txt"
}
for r in $(seq 1 "$ROUNDS"); do
  for b in "$BEFORE" "$AFTER"; do
    echo "=== round $r: $b"
    LIAUDIT_BENCH_DIR=$WORK/jobs bash "$ROOT/bench/jobs/run.sh" "$b" 100000
    ingest "$b"
  done
done
