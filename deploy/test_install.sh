#!/usr/bin/env bash
# The installation, tested (ctest install_package):
#  1. `cmake --install BUILD --prefix TMP`, then the installed liaudit writes the blank forms
#     from another folder, with the templates and fonts of TMP/share/liaudit;
#  2. when cpack and dpkg-deb are present: the Debian package (into TMP), its files
#     (dpkg-deb -c), its control data (dpkg-deb -I: Depends with the fonts, the maintainer
#     scripts, the conffile), and lintian (when installed) without errors.
#   deploy/test_install.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
tmp=$(mktemp -d /tmp/liaudit-install-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_install: FAIL: $*" >&2; exit 1; }

# 1. cmake --install into a throw-away prefix.
cmake --install "$BUILD" --prefix "$tmp/prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/liaudit share/liaudit/templates/form1.tpl share/liaudit/fonts/fonts.conf \
         share/liaudit/liaudit.ini share/liaudit/crontab libexec/liaudit/liaudit-catchup.sh \
         share/doc/liaudit/operations.md lib/systemd/system/liaudit-nightly.timer \
         lib/systemd/system/liaudit-nightly.service etc/liaudit/liaudit.ini share/man/man1/liaudit.1.gz; do
  [ -e "$tmp/prefix/$f" ] || fail "not installed: $f"
done
grep -q "ExecStart=$tmp/prefix/libexec/liaudit/liaudit-catchup.sh" "$tmp/prefix/lib/systemd/system/liaudit-nightly.service" ||
  fail "the nightly unit does not run the installed catch-up script"
grep -q "^output = /var/lib/liaudit/output" "$tmp/prefix/share/liaudit/liaudit.ini" || fail "liaudit.ini: no production output folder"
mkdir -m 0700 "$tmp/cwd"
(cd "$tmp/cwd" && env -u LIAUDIT_DATA_DIR "$tmp/prefix/bin/liaudit" forms --blank --unsigned --no-progress) >"$tmp/forms.log" 2>&1 ||
  { cat "$tmp/forms.log"; fail "the installed liaudit could not write the blank forms"; }
ls "$tmp/cwd/output/forms/blank/"*.pdf >/dev/null || fail "no blank form PDF"
(cd "$tmp/cwd" && env -u LIAUDIT_DATA_DIR "$tmp/prefix/bin/liaudit" doctor --unsigned) >"$tmp/doctor.log" 2>&1 || true
grep -q "^OK   fonts: $tmp/prefix/share/liaudit/fonts/fonts.conf" "$tmp/doctor.log" || { cat "$tmp/doctor.log"; fail "fonts not from the prefix"; }
grep -q "^OK   templates: $tmp/prefix/share/liaudit/templates" "$tmp/doctor.log" || { cat "$tmp/doctor.log"; fail "templates not from the prefix"; }
echo "test_install: cmake --install and the installed binary: ok"

# 2. The Debian package.
if [ -n "${LIAUDIT_SKIP_PACKAGE:-}" ]; then
  echo "test_install: LIAUDIT_SKIP_PACKAGE set (sanitizer build): package not tested"
  exit 0
fi
if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "test_install: no cpack or dpkg-deb: package not tested"
  exit 0
fi
(cd "$BUILD" && cpack -G DEB --config CPackConfig.cmake -B "$tmp/cpack" -D CPACK_OUTPUT_FILE_PREFIX="$tmp") >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/liaudit_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; fail "no liaudit_<version>_<arch>.deb"; }
version=$(dpkg-deb -f "$deb" Version)
[ "$(basename "$deb")" = "liaudit_${version}_$(dpkg --print-architecture).deb" ] || fail "file name $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print $1, $2, $6}' >"$tmp/contents"
for f in ./usr/bin/liaudit ./usr/share/liaudit/templates/form1.tpl ./usr/share/liaudit/fonts/fonts.conf \
         ./usr/libexec/liaudit/liaudit-catchup.sh ./usr/lib/systemd/system/liaudit-nightly.service \
         ./usr/lib/systemd/system/liaudit-nightly.timer ./usr/lib/systemd/system/liaudit-quarterly.service \
         ./usr/lib/systemd/system/liaudit-quarterly.timer ./usr/share/doc/liaudit/copyright \
         ./usr/share/doc/liaudit/operations.md ./etc/liaudit/liaudit.ini; do
  grep -q " $f\$" "$tmp/contents" || { cat "$tmp/contents"; fail "not in the package: $f"; }
done
grep -q "^-rw------- root/root ./etc/liaudit/liaudit.ini$" "$tmp/contents" || fail "etc/liaudit/liaudit.ini is not 0600"
dpkg-deb -I "$deb" >"$tmp/info"
depends=$(dpkg-deb -f "$deb" Depends)
for p in fonts-cns11643-kai fonts-noto-cjk fonts-dejavu-core adduser libpodofo libharfbuzz libsqlite3 libssl3; do
  grep -q "$p" <<<"$depends" || fail "Depends lacks $p: $depends"
done
for s in postinst prerm postrm conffiles; do grep -q " $s " "$tmp/info" || { cat "$tmp/info"; fail "no $s"; }; done
dpkg-deb -e "$deb" "$tmp/control"
grep -qx /etc/liaudit/liaudit.ini "$tmp/control/conffiles" || fail "liaudit.ini is not a conffile"
grep -q "adduser --system" "$tmp/control/postinst" || fail "postinst does not create the user"
grep -q "systemctl enable\|deb-systemd-helper enable" "$tmp/control/postinst" && fail "postinst enables units"
for s in postinst prerm postrm; do sh -n "$tmp/control/$s" || fail "$s: syntax"; done
echo "test_install: package $(basename "$deb"): ok"
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$deb" >"$tmp/lintian.log" 2>&1 || { cat "$tmp/lintian.log"; fail "lintian found errors"; }
  grep -v "running with root privileges" "$tmp/lintian.log" || true
  echo "test_install: lintian: no errors"
else
  echo "test_install: no lintian: not run"
fi
