#!/usr/bin/env bash
# Tagged PDF against untagged, same run: the whole quarterly job (every form and review.pdf
# rendered and signed at B-B, PDF/A-1b) on one generated quarter, alternately with
# render.tagged = false and true, ROUNDS times each; prints the job log's stage times, CPU, the PDF
# bytes, the mean size per form kind and review.pdf's size.
# Usage: bench/pdf/tagged.sh [BUILD_DIR] [QUERIES] [ROUNDS]   e.g. bench/pdf/tagged.sh build 100000 2
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
N=${2:-100000}
ROUNDS=${3:-2}
BIN=$BUILD/pipeline/cli/liaudit
WORK=${LIAUDIT_BENCH_DIR:-/tmp/liaudit-bench-tagged}
rm -rf "$WORK"; mkdir -p "$WORK"
bash "$ROOT/scripts/make-demo-cert.sh" "$WORK/cert" >/dev/null
printf '[signing]\npkcs12 = %s/cert/demo-signer.p12\npassword_file = %s/cert/demo-signer.pass\n' "$WORK" "$WORK" \
  > "$WORK/liaudit.ini"
(cd "$WORK" && /usr/bin/python3 "$ROOT/scripts/gen_bench.py" --out input --queries "$N" --queriers 500 --units 20 \
  --quarter 2026Q3 >/dev/null)
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f s", u+s}' "$1"; }
for r in $(seq "$ROUNDS"); do
  for mode in false true; do
    out=$WORK/out-$mode-$r
    (cd "$WORK" && /usr/bin/time -v "$BIN" quarterly --quarter 2026Q3 --no-progress --output "$out" \
       --render.tagged "$mode" >/dev/null 2>"$WORK/time.txt") || { tail -20 "$WORK/time.txt"; exit 1; }
    log=$out/quarterly/2026Q3/job.log
    stages=$(grep -E "liaudit quarterly: (forms|review.pdf): [0-9]+ ms" "$log" | sed -E 's/^.*liaudit quarterly: ([a-z0-9.]+): ([0-9]+ ms).*/\1 \2/' | paste -sd, -)
    bytes=$(find "$out/quarterly/2026Q3" -name '*.pdf' -printf '%s\n' | awk '{s+=$1; n++} END {printf "%d PDFs, %d bytes", n, s}')
    kinds=$(for k in form1 form2 form3 form4; do [ -d "$out/quarterly/2026Q3/$k" ] && \
      find "$out/quarterly/2026Q3/$k" -name '*.pdf' -printf '%s\n' | awk -v k=$k '{s+=$1; n++} END {if (n) printf "%s %d x %d B ", k, n, s/n}'; done)
    echo "round $r tagged=$mode: $stages; job CPU $(cpu "$WORK/time.txt"); $bytes; $kinds; review.pdf $(stat -c %s "$out/quarterly/2026Q3/review.pdf") B"
  done
done
