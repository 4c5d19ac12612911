#!/usr/bin/env bash
# Runs liaudit on the synthetic demo quarter (2026Q3): writes the demo input, a
# clearly labelled self-signed demo certificate and liaudit.ini (once), then the
# nightly job for the quarter's last day, the quarterly job and the blank forms.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/pipeline/cli/liaudit
PY=/usr/bin/python3

echo "demo: writing the synthetic input (input/)"
$PY scripts/gen_demo.py --out input --seed 20260701 --quarter 2026Q3

if [ ! -f demo/cert/demo-signer.p12 ]; then
  echo "demo: making the self-signed DEMO certificate (demo/cert/)"
  bash scripts/make-demo-cert.sh demo/cert
fi

if [ ! -f liaudit.ini ]; then
  cat > liaudit.ini <<'INI'
# liaudit settings for the demo (written by scripts/demo.sh). See liaudit.example.ini
# for every setting. The certificate below is a self-signed DEMO certificate.
input = input
output = output

[signing]
pkcs12 = demo/cert/demo-signer.p12
password_file = demo/cert/demo-signer.pass
trust_anchors = demo/cert/demo-ca.pem

[audit]
auditor = 示範稽核員
INI
  chmod 600 liaudit.ini
fi

$BIN nightly --date 2026-09-30
$BIN quarterly --quarter 2026Q3
$BIN forms --blank
$BIN verify output/quarterly/2026Q3 >/dev/null && echo "demo: output/quarterly/2026Q3 verifies (signatures and manifest)"
echo "demo: done. Open output/quarterly/2026Q3/review.pdf and output/nightly/2026-09-30/exceptions.pdf"
