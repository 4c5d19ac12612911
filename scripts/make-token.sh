#!/usr/bin/env bash
# Puts a key and its certificate on a SoftHSM2 test token (docs/test-pki.md).
#   scripts/make-token.sh DIR LABEL PIN KEYFILE CERTFILE [KEYLABEL [ID]]
# DIR/softhsm2.conf names DIR/tokens as the token folder; use it with SOFTHSM2_CONF=DIR/softhsm2.conf.
# The token LABEL is made (user PIN PIN, a random SO PIN) unless it exists already in DIR, then the
# private key KEYFILE (PKCS#8 PEM, e.g. signer-rsa.p8.pem of scripts/make-test-pki.sh; other PEM
# key formats are converted) and the certificate CERTFILE (PEM or DER) are stored on it with label
# KEYLABEL (default: signer) and CKA_ID ID (hex, default: 01). Run it again with another ID to add
# a second key to the same token. Prints nothing on success.
# Test material only: the PIN is on command lines.
set -euo pipefail
umask 077

usage() { echo "usage: make-token.sh DIR LABEL PIN KEYFILE CERTFILE [KEYLABEL [ID]]" >&2; exit 2; }
[ $# -ge 5 ] && [ $# -le 7 ] || usage
DIR=$1 LABEL=$2 PIN=$3 KEYFILE=$4 CERTFILE=$5 KEYLABEL=${6:-signer} ID=${7:-01}
MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

die() { echo "make-token: $*" >&2; exit 1; }
[ -n "$LABEL" ] && [ "$(printf %s "$LABEL" | wc -c)" -le 32 ] || die "LABEL must be 1 to 32 bytes"
[ "${#PIN}" -ge 4 ] || die "PIN must have at least 4 characters (SoftHSM2)"
[[ $ID =~ ^([0-9A-Fa-f]{2})+$ ]] || die "ID must be hex digits, an even number of them (e.g. 01)"
[ -n "$KEYLABEL" ] || die "KEYLABEL must not be empty"
[ -r "$KEYFILE" ] || die "cannot read $KEYFILE"
[ -r "$CERTFILE" ] || die "cannot read $CERTFILE"
command -v softhsm2-util >/dev/null || die "softhsm2-util not found (Debian package softhsm2)"
command -v pkcs11-tool >/dev/null || die "pkcs11-tool not found (Debian package opensc)"
[ -r "$MODULE" ] || die "$MODULE not found (Debian package softhsm2)"

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
mkdir -p "$DIR/tokens"
chmod 700 "$DIR/tokens"
cat > "$DIR/softhsm2.conf" <<CONF
directories.tokendir = $DIR/tokens
objectstore.backend = file
log.level = ERROR
CONF
export SOFTHSM2_CONF=$DIR/softhsm2.conf

WORK=$(mktemp -d "$DIR/.make-token.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/log
# Runs a command with its chatter in the log; on failure shows the log and stops.
q() {
  if ! "$@" >>"$LOG" 2>&1; then
    echo "make-token: failed: ${*//"$PIN"/<PIN>}" >&2
    cat "$LOG" >&2
    exit 1
  fi
}

token_exists() {
  softhsm2-util --show-slots 2>/dev/null |
    awk '/^ *Label:/ { sub(/^ *Label: */, ""); sub(/ *$/, ""); print }' | grep -Fxq -- "$LABEL"
}

if ! token_exists; then
  SO_PIN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  q softhsm2-util --init-token --free --label "$LABEL" --pin "$PIN" --so-pin "$SO_PIN"
fi

# softhsm2-util --import wants unencrypted PKCS#8 PEM; this also accepts traditional PEM keys.
q openssl pkcs8 -topk8 -nocrypt -in "$KEYFILE" -out "$WORK/key.p8.pem"
if ! openssl x509 -in "$CERTFILE" -outform DER -out "$WORK/cert.der" 2>/dev/null; then
  q openssl x509 -inform DER -in "$CERTFILE" -outform DER -out "$WORK/cert.der"
fi
q softhsm2-util --import "$WORK/key.p8.pem" --token "$LABEL" --label "$KEYLABEL" --id "$ID" --pin "$PIN"
q pkcs11-tool --module "$MODULE" --token-label "$LABEL" --login --pin "$PIN" \
  --write-object "$WORK/cert.der" --type cert --id "$ID" --label "$KEYLABEL"
