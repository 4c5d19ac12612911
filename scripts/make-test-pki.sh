#!/usr/bin/env bash
# Makes a throw-away test PKI for the signing tests, whose URLs point at liaudit-responder on
# 127.0.0.1:PORT (tests/tools/responder.cc; docs/test-pki.md).
#   scripts/make-test-pki.sh DIR PORT
# DIR must not hold a PKI already (it is made if missing). Prints DIR and nothing else on success.
# Writes into DIR (all PEM unless said otherwise; keys are unencrypted PKCS#8):
#   root.crt/key            self-signed root CA, 10 years
#   issuing.crt/key         CA issued by root; CDP .../crl/root.crl, AIA caIssuers .../crl/root.crt
#                           (both CA keys EC P-256, for speed; TEST_PKI_CA_KEY=rsa makes them RSA-2048)
#   signer-rsa.crt/key      RSA-2048, CN "測試機關 Test Signer RSA", 2 years
#   signer-ec.crt/key       EC P-256, 2 years
#   signer-short.crt/key    RSA-2048, valid from 1 hour ago until 2 hours from now
#   signer-revoked.crt/key  RSA-2048, revoked (keyCompromise) in index.txt and issuing.crl
#     (signers: keyUsage critical digitalSignature,nonRepudiation; EKU emailProtection;
#      AIA OCSP http://127.0.0.1:PORT/ocsp and caIssuers http://127.0.0.1:PORT/crl/issuing.crt;
#      CDP http://127.0.0.1:PORT/crl/issuing.crl)
#   signer-*.p8.pem         the signer keys again, for softhsm2-util --import (scripts/make-token.sh)
#   signer-rsa.p12          signer-rsa key + certificate + chain, AES-256-CBC, password
#                           $TEST_P12_PASSWORD (default: test)
#   tsa.crt/key             RSA-2048, EKU critical timeStamping, same AIA/CDP as the signers
#   tsa-chain.pem, chain.pem  issuing.crt then root.crt
#   ocsp.crt/key            OCSP responder, EC P-256 (EKU OCSPSigning, id-pkix-ocsp-nocheck), issued by issuing
#   anchors.pem             root.crt
#   index.txt               the issuing CA's `openssl ca` database (read by the responder's OCSP)
#   root.crl, issuing.crl   DER CRLs: root's empty, issuing's listing signer-revoked
#   ca/                     openssl.cnf and the CA state, so a test can revoke more, e.g.
#     openssl ca -config DIR/ca/openssl.cnf -name issuing_ca -revoke DIR/signer-rsa.crt
#     openssl ca -config DIR/ca/openssl.cnf -name issuing_ca -gencrl -out x.pem  (then to DER)
# Test material only: every key is unencrypted and every file here is for tests on 127.0.0.1.
set -euo pipefail
umask 077

usage() { echo "usage: make-test-pki.sh DIR PORT" >&2; exit 2; }
[ $# -eq 2 ] || usage
DIR=$1
PORT=$2
[[ $PORT =~ ^[0-9]{1,5}$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || usage
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
if [ -e "$DIR/root.crt" ] || [ -e "$DIR/index.txt" ]; then
  echo "make-test-pki: $DIR already holds a PKI; use an empty folder" >&2
  exit 1
fi
case $DIR in *'$'*) echo "make-test-pki: DIR must not contain '\$'" >&2; exit 1 ;; esac
CA_KEY=${TEST_PKI_CA_KEY:-ec}
case $CA_KEY in ec|rsa) ;; *) echo "make-test-pki: TEST_PKI_CA_KEY is ec or rsa" >&2; exit 2 ;; esac
P12_PASSWORD=${TEST_P12_PASSWORD:-test}
export P12_PASSWORD

CA=$DIR/ca
mkdir -p "$CA/newcerts"
LOG=$CA/make-test-pki.log
: > "$LOG"
# Runs a command with its chatter in the log; on failure shows the log and stops.
q() {
  if ! "$@" >>"$LOG" 2>&1; then
    echo "make-test-pki: failed: $*" >&2
    cat "$LOG" >&2
    exit 1
  fi
}

URL=http://127.0.0.1:$PORT
# Serial numbers: one counter for both CAs, from a random 64-bit start (even hex length for openssl ca).
SERIAL=$(( (1 << 60) | 0x$(od -An -N7 -tx1 /dev/urandom | tr -d ' \n') ))
printf '%016X\n' $((SERIAL + 1)) > "$CA/serial"
echo 1000 > "$CA/root-crlnumber"
echo 1000 > "$CA/issuing-crlnumber"
: > "$CA/root-index.txt"
: > "$DIR/index.txt"

cat > "$CA/openssl.cnf" <<CNF
# Test PKI of scripts/make-test-pki.sh (responder port $PORT)
[ca]
default_ca = issuing_ca

[root_ca]
database = $CA/root-index.txt
new_certs_dir = $CA/newcerts
serial = $CA/serial
crlnumber = $CA/root-crlnumber
certificate = $DIR/root.crt
private_key = $DIR/root.key
default_md = sha256
default_days = 3650
default_crl_days = 30
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
crl_extensions = crl_ext

[issuing_ca]
database = $DIR/index.txt
new_certs_dir = $CA/newcerts
serial = $CA/serial
crlnumber = $CA/issuing-crlnumber
certificate = $DIR/issuing.crt
private_key = $DIR/issuing.key
default_md = sha256
default_days = 730
default_crl_days = 30
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
crl_extensions = crl_ext

[policy_any]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied

[crl_ext]
authorityKeyIdentifier = keyid:always

[req]
distinguished_name = req_dn
string_mask = utf8only
utf8 = yes
prompt = no

[req_dn]
CN = unused

[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[v3_issuing]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess = caIssuers;URI:$URL/crl/root.crt
crlDistributionPoints = URI:$URL/crl/root.crl

[v3_signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess = OCSP;URI:$URL/ocsp, caIssuers;URI:$URL/crl/issuing.crt
crlDistributionPoints = URI:$URL/crl/issuing.crl

[v3_tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess = OCSP;URI:$URL/ocsp, caIssuers;URI:$URL/crl/issuing.crt
crlDistributionPoints = URI:$URL/crl/issuing.crl

[v3_ocsp]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess = caIssuers;URI:$URL/crl/issuing.crt
CNF
CNF=$CA/openssl.cnf

# Keys, in parallel (RSA generation is most of the time).
rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/$1.key" 2>>"$LOG.$1"; }
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/$1.key" 2>>"$LOG.$1"; }
pids=()
for k in signer-rsa signer-short signer-revoked tsa; do rsa_key "$k" & pids+=($!); done
for k in signer-ec ocsp; do ec_key "$k" & pids+=($!); done
for k in root issuing; do "${CA_KEY}_key" "$k" & pids+=($!); done
for p in "${pids[@]}"; do
  if ! wait "$p"; then
    echo "make-test-pki: key generation failed" >&2
    cat "$LOG".* >&2 2>/dev/null || true
    exit 1
  fi
done
rm -f "$LOG".*

# TEST_PKI_ORG names the hierarchy (the demo sets a DEMO name).
O="/C=TW/O=${TEST_PKI_ORG:-liaudit TEST PKI (not for real use)}"
# csr NAME CN
csr() { q openssl req -new -utf8 -config "$CNF" -key "$DIR/$1.key" -subj "$O/CN=$2" -out "$CA/$1.csr"; }
# issue NAME EXTENSIONS [openssl ca options...]
issue() {
  local name=$1 ext=$2
  shift 2
  q openssl ca -batch -notext -utf8 -config "$CNF" -name issuing_ca -extensions "$ext" \
    -in "$CA/$name.csr" -out "$DIR/$name.crt" "$@"
}

csr root "liaudit Test Root CA"
q openssl req -x509 -new -utf8 -config "$CNF" -key "$DIR/root.key" -subj "$O/CN=liaudit Test Root CA" \
  -extensions v3_root -days 3650 -sha256 -set_serial "0x$(printf '%016X' "$SERIAL")" -out "$DIR/root.crt"
csr issuing "liaudit Test Issuing CA"
q openssl ca -batch -notext -utf8 -config "$CNF" -name root_ca -extensions v3_issuing -days 3649 \
  -in "$CA/issuing.csr" -out "$DIR/issuing.crt"

csr signer-rsa "${TEST_PKI_SIGNER_CN:-測試機關 Test Signer RSA}"
issue signer-rsa v3_signer -days 730
csr signer-ec "測試機關 Test Signer EC"
issue signer-ec v3_signer -days 730
csr signer-short "測試機關 Test Signer Short-lived"
issue signer-short v3_signer -startdate "$(date -u -d '1 hour ago' +%y%m%d%H%M%SZ)" \
  -enddate "$(date -u -d '2 hours' +%y%m%d%H%M%SZ)"
csr signer-revoked "測試機關 Test Signer Revoked"
issue signer-revoked v3_signer -days 730
csr tsa "liaudit Test TSA"
issue tsa v3_tsa -days 730
csr ocsp "liaudit Test OCSP Responder"
issue ocsp v3_ocsp -days 730

q openssl ca -config "$CNF" -name issuing_ca -revoke "$DIR/signer-revoked.crt" -crl_reason keyCompromise
q openssl ca -batch -config "$CNF" -name root_ca -gencrl -out "$CA/root.crl.pem"
q openssl ca -batch -config "$CNF" -name issuing_ca -gencrl -out "$CA/issuing.crl.pem"
q openssl crl -in "$CA/root.crl.pem" -outform DER -out "$DIR/root.crl"
q openssl crl -in "$CA/issuing.crl.pem" -outform DER -out "$DIR/issuing.crl"

cat "$DIR/issuing.crt" "$DIR/root.crt" > "$DIR/chain.pem"
cp "$DIR/chain.pem" "$DIR/tsa-chain.pem"
cp "$DIR/root.crt" "$DIR/anchors.pem"
for k in signer-rsa signer-ec signer-short signer-revoked; do
  cp "$DIR/$k.key" "$DIR/$k.p8.pem"  # genpkey writes unencrypted PKCS#8 PEM already
done
q openssl pkcs12 -export -inkey "$DIR/signer-rsa.key" -in "$DIR/signer-rsa.crt" -certfile "$DIR/chain.pem" \
  -name "signer-rsa" -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 \
  -passout env:P12_PASSWORD -out "$DIR/signer-rsa.p12"
rm -f "$CA"/*.csr
echo "$DIR"
