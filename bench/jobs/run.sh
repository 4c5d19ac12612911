#!/usr/bin/env bash
# Whole-job benchmarks (issues 3 and 6), on generated quarters (scripts/gen_bench.py):
#   1. the whole quarterly job (ingest, rules, every form and report as signed PDF, every
#      workbook) for each size given (default: 100000 and 1000000 queries, 500 queriers, 20 units),
#      with the time of each stage from the job log and the peak RSS;
#   2. a nightly job for one day, ingest included, into a store that already holds the rest of
#      the quarter (NIGHTLY_QUARTER_QUERIES, default 330000, makes the last day about 5,000 rows).
# LIAUDIT_BENCH_SHEETS sets output.spreadsheets (default: the program's, xlsx,ods).
# Usage: bench/jobs/run.sh [BUILD_DIR] [SIZES...|none]   e.g. bench/jobs/run.sh build 100000 1000000
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd); shift || true
SIZES=${*:-100000 1000000}
BIN=$BUILD/pipeline/cli/liaudit
PY=/usr/bin/python3
WORK=${LIAUDIT_BENCH_DIR:-/tmp/liaudit-bench-jobs}
mkdir -p "$WORK"
bash "$ROOT/scripts/make-demo-cert.sh" "$WORK/cert" >/dev/null
ini() {
  cat > "$1/liaudit.ini" <<INI
[signing]
pkcs12 = $WORK/cert/demo-signer.p12
password_file = $WORK/cert/demo-signer.pass
INI
  if [ -n "${LIAUDIT_BENCH_SHEETS:-}" ]; then printf '[output]\nspreadsheets = %s\n' "$LIAUDIT_BENCH_SHEETS" >> "$1/liaudit.ini"; fi
}
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$1"; }
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f s", u+s}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }

for n in $SIZES; do
  [ "$n" = none ] && continue   # "none": only the nightly benchmark
  d=$WORK/q$n
  rm -rf "$d"; mkdir -p "$d"; ini "$d"
  echo "== quarterly, $n queries"
  (cd "$d" && $PY "$ROOT/scripts/gen_bench.py" --out input --queries "$n" --queriers 500 --units 20 --quarter 2026Q3 >/dev/null)
  (cd "$d" && /usr/bin/time -v "$BIN" quarterly --quarter 2026Q3 --no-progress >/dev/null 2>"$d/time.txt") || { tail -20 "$d/time.txt"; exit 1; }
  grep -E "liaudit quarterly: [a-z0-9 .]+: [0-9]+ ms" "$d/output/quarterly/2026Q3/job.log" | sed 's/^.*liaudit quarterly: /  /'
  echo "  total: wall $(wall "$d/time.txt"), CPU $(cpu "$d/time.txt"), peak RSS $(rss "$d/time.txt"), $(find "$d/output/quarterly/2026Q3" -name '*.pdf' | wc -l) signed PDFs"
done

echo "== nightly, one 5,000-query day into a store holding the rest of the quarter"
d=$WORK/nightly
rm -rf "$d"; mkdir -p "$d"; ini "$d"
(cd "$d" && $PY "$ROOT/scripts/gen_bench.py" --out input --queries "${NIGHTLY_QUARTER_QUERIES:-330000}" --queriers 500 --units 20 --quarter 2026Q3 >/dev/null)
last=$(ls "$d/input/platform" | sort | tail -1)
mkdir -p "$d/held"; mv "$d/input/platform/$last" "$d/held/"
(cd "$d" && "$BIN" ingest --no-progress >/dev/null 2>&1)
mv "$d/held/$last" "$d/input/platform/"
day=$(grep -c . "$d/input/platform/$last" || true)
date_iso=$(cd "$d" && $PY - "$d/input/platform/$last" <<'PYEOF'
import re, sys
m = re.search(r"(\d{4})(\d{2})(\d{2})", sys.argv[1].rsplit("/", 1)[1])
print("%s-%s-%s" % m.groups())
PYEOF
)
(cd "$d" && /usr/bin/time -v "$BIN" nightly --date "$date_iso" --no-progress >/dev/null 2>"$d/time.txt")
echo "  day $date_iso, $((day - 1)) rows in the day's file"
grep -E "liaudit nightly: [a-z0-9 .]+: [0-9]+ ms" "$d/output/nightly/$date_iso/job.log" | sed 's/^.*liaudit nightly: /  /'
echo "  total: wall $(wall "$d/time.txt"), CPU $(cpu "$d/time.txt"), peak RSS $(rss "$d/time.txt")"
