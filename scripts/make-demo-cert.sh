#!/usr/bin/env bash
# Makes a clearly labelled, self-signed DEMO signing certificate for liaudit.
#   scripts/make-demo-cert.sh DIR
# Writes (keeping any that already exist):
#   DIR/demo-signer.p12   key + certificate, PKCS#12 with AES-256-CBC (OpenSSL 3 readable)
#   DIR/demo-signer.pass  its random password, mode 0600 (settings: signing.password_file)
#   DIR/demo-ca.pem       the certificate alone, to use as trust anchor (signing.trust_anchors)
# DIR itself is mode 0700. Never use this certificate for real documents.
set -euo pipefail
umask 077
DIR=${1:?usage: make-demo-cert.sh DIR}
mkdir -p "$DIR"
chmod 700 "$DIR"
P12="$DIR/demo-signer.p12"
PASS="$DIR/demo-signer.pass"
CA="$DIR/demo-ca.pem"

if [ -s "$P12" ] && [ -s "$PASS" ] && [ -s "$CA" ]; then
  echo "make-demo-cert: keeping the existing demo certificate in $DIR"
  exit 0
fi

WORK=$(mktemp -d "$DIR/.make-demo-cert.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# 32 random bytes, base64: no shell-special characters matter since it never
# appears on a command line (passed with file:).
openssl rand -base64 32 | tr -d '\n' > "$WORK/pass"

cat > "$WORK/req.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only
x509_extensions = ext
[dn]
C = TW
O = 高雄市政府社會局（測試）
OU = liaudit DEMO
CN = liaudit 測試用簽章憑證 DEMO
[ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

openssl req -x509 -new -utf8 -config "$WORK/req.cnf" -newkey rsa:2048 -sha256 -days 1095 \
  -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" \
  -name "liaudit DEMO signer" -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 \
  -passout "file:$WORK/pass" -out "$WORK/p12"

chmod 600 "$WORK/pass" "$WORK/p12"
chmod 644 "$WORK/cert.pem"
mv "$WORK/cert.pem" "$CA"
mv "$WORK/pass" "$PASS"
mv "$WORK/p12" "$P12"
echo "make-demo-cert: wrote $P12 (password in $PASS) and $CA"
openssl x509 -in "$CA" -noout -subject -enddate -nameopt utf8,sep_comma_plus
