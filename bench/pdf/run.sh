#!/bin/sh
# PDF engine benchmark (docs/benchmarks.md, "PDF engine"). Usage:
#   bench/pdf/run.sh BUILD_DIR [LINES_BIG]
# 1) the same 1,000-page 附表2 table document with TW-Kai: liaudit vs ReportLab canvas,
#    in the same run; 2) 附表2 with LINES_BIG lines (default 100,000 = 10,000 pages).
set -e
build=${1:-build}
big=${2:-100000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
echo "== 1,000 pages, liaudit"
/usr/bin/time -f "liaudit process: wall=%e s cpu=%U+%S s maxrss=%M KB" \
  "$build/bench/pdf/pdf_bench" --lines 10000 --out "$tmp/liaudit.pdf" --tsv "$tmp/rows.tsv"
echo "== 1,000 pages, ReportLab canvas"
/usr/bin/time -f "reportlab process: wall=%e s cpu=%U+%S s maxrss=%M KB" \
  /usr/bin/python3 "$here/reportlab_table.py" "$tmp/rows.tsv" "$tmp/reportlab.pdf"
ls -l "$tmp/liaudit.pdf" "$tmp/reportlab.pdf"
echo "== $big lines"
/usr/bin/time -f "liaudit process: wall=%e s cpu=%U+%S s maxrss=%M KB" \
  "$build/bench/pdf/pdf_bench" --lines "$big" --out "$tmp/big.pdf"
qpdf --check "$tmp/big.pdf" >/dev/null && echo "qpdf --check: ok"
echo "== one 附表1"
"$build/tests/render/forms_test" --gtest_filter='*Form1Has*' >/dev/null 2>&1 || true
rm -rf "$tmp"
