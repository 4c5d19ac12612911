#!/usr/bin/env bash
# PAdES levels, same run: B-B vs B-T vs B-LTA, the key on a SoftHSM2 token, the TSA and
# OCSP/CRL server local (liaudit-responder on 127.0.0.1).
#   1. the blank forms job (附表1-4, four signed PDFs), 15 runs per level: median wall time
#      of the job and of its "forms" stage, divided by 4 for one form;
#   2. the whole quarterly job at 100,000 queries (521 signed PDFs) per level: wall time and
#      the "forms" stage (render + sign) from the job log; one store ingested once, then
#      re-run (the quarterly's ingest finds nothing new) so the levels differ only in signing.
# Usage: bench/sign/levels.sh [BUILD_DIR] [QUERIES]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
N=${2:-100000}
BIN=$BUILD/pipeline/cli/liaudit
RESPONDER=$BUILD/tests/tools/liaudit-responder
WORK=${LIAUDIT_BENCH_DIR:-/tmp/liaudit-bench-levels}
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
"$RESPONDER" --port 0 --port-file port --stats-file stats.json --pki pki --max-seconds 3600 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
PORT=$(cat port)
bash "$ROOT/scripts/make-test-pki.sh" pki "$PORT" >/dev/null
bash "$ROOT/scripts/make-token.sh" hsm bench 1234 pki/signer-rsa.p8.pem pki/signer-rsa.crt
export SOFTHSM2_CONF=$WORK/hsm/softhsm2.conf BENCH_PIN=1234
for level in B-B B-T B-LTA; do
  cat > "$level.ini" <<INI
[signing]
pkcs11_module = /usr/lib/softhsm/libsofthsm2.so
pkcs11_token = bench
pin_env = BENCH_PIN
chain_file = $WORK/pki/chain.pem
level = $level
tsa_url = http://127.0.0.1:$PORT/tsa
tsa_ca_file = $WORK/pki/anchors.pem
trust_anchors = $WORK/pki/anchors.pem
INI
done
ms() { echo $(( $(date +%s%N) / 1000000 )); }
stage() { { grep -E "liaudit $1: forms: [0-9]+ ms" "$2" || true; } | sed -E 's/.*forms: ([0-9]+) ms.*/\1/' | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== blank forms (4 signed PDFs), 15 runs per level, medians"
for level in B-B B-T B-LTA; do
  walls=()
  for i in $(seq 15); do
    rm -rf out-$level
    t0=$(ms); "$BIN" forms --blank --config "$level.ini" --output "out-$level" --no-progress >/dev/null 2>&1; t1=$(ms)
    walls+=($((t1 - t0)))
  done
  w=$(printf "%s\n" "${walls[@]}" | median)
  echo "  $level: job $w ms (load signer + render and sign 4 PDFs + manifest), 附表1 $(stat -c %s out-$level/forms/blank/form1.pdf) bytes"
done

echo "== quarterly, $N queries"
mkdir -p q && cd q
/usr/bin/python3 "$ROOT/scripts/gen_bench.py" --out input --queries "$N" --queriers 500 --units 20 --quarter 2026Q3 >/dev/null
"$BIN" ingest --config "../B-B.ini" --no-progress >/dev/null 2>&1
for level in B-B B-T B-LTA B-B B-T B-LTA; do
  before=$(/usr/bin/python3 -c 'import json;print(json.load(open("../stats.json"))["tsa"])')
  c0=$(awk '{print $14 + $15}' /proc/$PID/stat)
  t0=$(ms); /usr/bin/time -f "%U %S" -o ../cpu.txt "$BIN" quarterly --quarter 2026Q3 --config "../$level.ini" --no-progress >/dev/null 2>&1; t1=$(ms)
  c1=$(awk '{print $14 + $15}' /proc/$PID/stat)
  after=$(/usr/bin/python3 -c 'import json;print(json.load(open("../stats.json"))["tsa"])')
  pdfs=$(find output/quarterly/2026Q3 -name '*.pdf' | wc -l)
  echo "  $level: job $((t1 - t0)) ms wall, liaudit CPU $(awk '{printf "%.2f", $1 + $2}' ../cpu.txt) s, local TSA CPU $(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", c/hz}') s, forms stage $(stage quarterly output/quarterly/2026Q3/job.log) ms, $pdfs PDFs, $((after - before)) TSA requests"
done
"$BIN" verify output/quarterly/2026Q3 --config ../B-LTA.ini | tail -1
