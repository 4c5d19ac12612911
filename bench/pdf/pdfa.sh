#!/usr/bin/env bash
# PDF/A-1b against plain PDF, same run: the whole quarterly job (every form and review.pdf
# rendered and signed at B-B) on one generated quarter, alternately with render.pdfa = off and
# render.pdfa = 1b, ROUNDS times each; prints the job log's stage times, CPU, and the PDF bytes.
# Usage: bench/pdf/pdfa.sh [BUILD_DIR] [QUERIES] [ROUNDS]   e.g. bench/pdf/pdfa.sh build 100000 2
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
N=${2:-100000}
ROUNDS=${3:-2}
BIN=$BUILD/pipeline/cli/liaudit
WORK=${LIAUDIT_BENCH_DIR:-/tmp/liaudit-bench-pdfa}
rm -rf "$WORK"; mkdir -p "$WORK"
bash "$ROOT/scripts/make-demo-cert.sh" "$WORK/cert" >/dev/null
printf '[signing]\npkcs12 = %s/cert/demo-signer.p12\npassword_file = %s/cert/demo-signer.pass\n' "$WORK" "$WORK" \
  > "$WORK/liaudit.ini"
(cd "$WORK" && /usr/bin/python3 "$ROOT/scripts/gen_bench.py" --out input --queries "$N" --queriers 500 --units 20 \
  --quarter 2026Q3 >/dev/null)
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f s", u+s}' "$1"; }
for r in $(seq "$ROUNDS"); do
  for mode in off 1b; do
    out=$WORK/out-$mode-$r
    (cd "$WORK" && /usr/bin/time -v "$BIN" quarterly --quarter 2026Q3 --no-progress --output "$out" \
       --render.pdfa "$mode" >/dev/null 2>"$WORK/time.txt") || { tail -20 "$WORK/time.txt"; exit 1; }
    log=$out/quarterly/2026Q3/job.log
    stages=$(grep -E "liaudit quarterly: (forms|review.pdf): [0-9]+ ms" "$log" | sed -E 's/^.*liaudit quarterly: ([a-z0-9.]+): ([0-9]+ ms).*/\1 \2/' | paste -sd, -)
    bytes=$(find "$out/quarterly/2026Q3" -name '*.pdf' -printf '%s\n' | awk '{s+=$1; n++} END {printf "%d PDFs, %d bytes", n, s}')
    echo "round $r pdfa=$mode: $stages; job CPU $(cpu "$WORK/time.txt"); $bytes"
  done
done
