#!/usr/bin/env bash
# Runs liaudit on the synthetic demo quarter (2026Q3) the way production signs: the
# key on a PKCS#11 token (a SoftHSM2 DEMO token), PAdES B-LTA with an RFC 3161
# timestamp and OCSP/CRL revocation data. For this run only it starts a local DEMO
# TSA/OCSP/CRL server on 127.0.0.1 (liaudit-responder) and makes a DEMO certificate
# hierarchy that points at it; the server stops when the demo ends. Then: the nightly
# job for the quarter's last day, the quarterly job and the blank forms.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/pipeline/cli/liaudit
RESPONDER=build/tests/tools/liaudit-responder
PY=/usr/bin/python3
DEMO=demo/ltv   # DEMO PKI, token and server state (owner-only)

echo "demo: writing the synthetic input (input/)"
$PY scripts/gen_demo.py --out input --seed 20260701 --quarter 2026Q3

umask 077
mkdir -p "$DEMO"
# The DEMO TSA/OCSP/CRL server: 127.0.0.1 only, for this run only, bounded in time.
rm -f "$DEMO/port"
"$RESPONDER" --port 0 --port-file "$DEMO/port" --pki "$DEMO/pki" --max-seconds 1800 2>"$DEMO/responder.log" &
RESPONDER_PID=$!
trap 'kill $RESPONDER_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$DEMO/port" ] && break; sleep 0.05; done
PORT=$(cat "$DEMO/port")
# The certificates name the server's port, so they are made for each run.
echo "demo: making the DEMO certificate hierarchy and the SoftHSM2 DEMO token ($DEMO/)"
rm -rf "$DEMO/pki" "$DEMO/token"
TEST_PKI_ORG="liaudit DEMO PKI (not for real use)" TEST_PKI_SIGNER_CN="高雄市政府社會局 DEMO 簽章" \
  bash scripts/make-test-pki.sh "$DEMO/pki" "$PORT" >/dev/null
[ -f "$DEMO/pin" ] || { od -An -N8 -tx8 /dev/urandom | tr -d ' \n' > "$DEMO/pin"; }
bash scripts/make-token.sh "$DEMO/token" "LIAUDIT DEMO" "$(cat "$DEMO/pin")" \
  "$DEMO/pki/signer-rsa.p8.pem" "$DEMO/pki/signer-rsa.crt" demo-signer
export SOFTHSM2_CONF=$PWD/$DEMO/token/softhsm2.conf

if [ ! -f liaudit.ini ] || grep -q "^pkcs12 = demo/cert" liaudit.ini; then
  cat > liaudit.ini <<INI
# liaudit settings for the demo (written by scripts/demo.sh). See liaudit.example.ini
# for every setting. The key is on a SoftHSM2 DEMO token; the TSA, OCSP responder and
# certificates are DEMO ones on 127.0.0.1, started by scripts/demo.sh for its run only.
input = input
output = output

[signing]
pkcs11_module = /usr/lib/softhsm/libsofthsm2.so
pkcs11_token = LIAUDIT DEMO
pkcs11_key = demo-signer
pin_file = $DEMO/pin
chain_file = $DEMO/pki/chain.pem
level = B-LTA
tsa_url = http://127.0.0.1:$PORT/tsa
tsa_ca_file = $DEMO/pki/anchors.pem
trust_anchors = $DEMO/pki/anchors.pem

[audit]
auditor = 示範稽核員
INI
  chmod 600 liaudit.ini
else
  # The DEMO server's port changes with each run.
  sed -i "s#^tsa_url = http://127.0.0.1:[0-9]*/tsa#tsa_url = http://127.0.0.1:$PORT/tsa#" liaudit.ini
fi

$BIN nightly --date 2026-09-30
$BIN quarterly --quarter 2026Q3
$BIN forms --blank
$BIN verify output/quarterly/2026Q3 >/dev/null && echo "demo: output/quarterly/2026Q3 verifies (signatures and manifest)"
echo "demo: done. Open output/quarterly/2026Q3/review.pdf and output/nightly/2026-09-30/exceptions.pdf"
