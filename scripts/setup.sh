#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, create the demo input and
# certificate, and run the main jobs on the demo data.
#   scripts/setup.sh             everything
#   scripts/setup.sh --deps-only only the Debian packages
#   scripts/setup.sh --no-demo   packages and build, no demo run
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=${1:-all}

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libpodofo-dev libharfbuzz-dev libxlsxwriter-dev libzip-dev libxml2-dev zlib1g-dev libsqlite3-dev sqlite3
  libboost-program-options-dev libgtest-dev libssl-dev openssl nlohmann-json3-dev libfontconfig-dev
  fonts-cns11643-kai fonts-noto-cjk fonts-dejavu-core
  poppler-utils qpdf python3 python3-openpyxl python3-odf python3-pil python3-reportlab
  libreoffice-calc-nogui
  icc-profiles-free                                                   # sRGB profile of PDF/A
  libpdfbox2-java default-jre-headless libactivation-java libjaxb-api-java  # PDF/A validator (tests)
  libp11-dev libp11-kit-dev libcurl4-openssl-dev softhsm2 opensc opensc-pkcs11 curl
  clang libclang-rt-14-dev
  lintian dpkg-dev
  libcpp-httplib-dev libargon2-dev                                     # the web console (liaudit serve)
  chromium python3-websocket                                          # its browser tests (DevTools protocol)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ "$MODE" = "--deps-only" ] && exit 0

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
[ "$MODE" = "--no-demo" ] && exit 0

if [ -x scripts/demo.sh ]; then
  scripts/demo.sh
fi

# The console's DEMO accounts: one admin, one manager, each with a fresh random password
# printed once here (the store keeps only its Argon2id hash). A re-run keeps them as they are.
BIN=build/pipeline/cli/liaudit
for pair in demo-admin:admin demo-manager:manager; do
  name=${pair%%:*} role=${pair##*:}
  if $BIN user list 2>/dev/null | grep -q "^$name	"; then
    echo "setup: DEMO console account $name exists (its password was printed when it was made; new one: $BIN user passwd $name)"
    continue
  fi
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" | $BIN user add "$name" --role "$role" >/dev/null
  echo "setup: DEMO console account: user $name, role $role, password $pw  (DEMO: shown only now)"
done
echo "setup: start the console with: $BIN serve --listen 127.0.0.1:8080   then open http://127.0.0.1:8080/"
echo "setup:   (the DEMO signer's TSA runs only during scripts/demo.sh: for audits started in the console on"
echo "setup:    the demo set-up, add --unsigned, or see docs/console.md)"
