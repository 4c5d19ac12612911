#!/bin/bash
# Retention purge at scale: a store holding N queries (scripts/gen_bench.py, default 1,000,000
# over one quarter), then `liaudit purge` of the queries before the quarter's middle (about
# half of them): the dry-run count, the purge itself (one transaction, secure_delete) and the
# compaction (VACUUM + WAL checkpoint), with peak memory.
#
#   bench/retention/run.sh BUILD_DIR [QUERIES] [WORK_DIR]
set -euo pipefail
BUILD=${1:?usage: run.sh BUILD_DIR [QUERIES] [WORK_DIR]}
N=${2:-1000000}
WORK=${3:-/tmp/liaudit-retention-bench}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$BUILD/pipeline/cli/liaudit
export LIAUDIT_DATA_DIR=$SRC
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
/usr/bin/python3 "$SRC/scripts/gen_bench.py" --out input --queries "$N" --quarter 2026Q1 > /dev/null
t() { /usr/bin/time -f "%e s wall, %U s user, %M KB peak" "$@"; }
echo "ingest of $N queries:"; t "$BIN" ingest --no-progress > /dev/null 2> ingest.err || { cat ingest.err; exit 1; }
tail -1 ingest.err
ls -l output/liaudit.sqlite | awk '{print "store before: " $5 " bytes"}'
echo "dry run (counts only):"; t "$BIN" purge --before 2026-02-15 --fixed-clock "2032-01-01 00:00:00" 2>&1 | grep -E "queries|wall"
echo "purge --yes:"; t "$BIN" purge --before 2026-02-15 --fixed-clock "2032-01-01 00:00:00" --yes --by bench 2>&1 \
  | grep -E "purge: purge:|compact:|wall"
ls -l output/liaudit.sqlite | awk '{print "store after: " $5 " bytes"}'
sqlite3 output/liaudit.sqlite "SELECT 'queries left: ' || count(*) FROM queries; PRAGMA integrity_check;"
