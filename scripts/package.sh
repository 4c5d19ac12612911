#!/usr/bin/env bash
# The Debian package: builds liaudit in build/ and writes build/liaudit_<version>_amd64.deb
# (cmake/Package.cmake, maintainer scripts in deploy/debian/), then runs lintian if present.
#   scripts/package.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" --target liaudit
(cd "$BUILD" && cpack -G DEB --config CPackConfig.cmake >/dev/null)
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$BUILD/CPackConfig.cmake")
deb="$BUILD/liaudit_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { echo "package.sh: $deb was not written" >&2; exit 1; }
echo "package.sh: $deb"
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$deb" || { echo "package.sh: lintian found errors" >&2; exit 1; }
fi
