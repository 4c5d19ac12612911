#!/usr/bin/env bash
# Installs, upgrades, removes and purges build/liaudit_<version>_<arch>.deb for real, with
# its maintainer scripts, in a private mount namespace where /etc, /var and /usr are
# overlays on a temporary folder: nothing of it survives the script. Needs root and
# overlayfs (not a ctest: it needs both). Run scripts/package.sh first.
#   scripts/try-package.sh [DEB]
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(readlink -f "${1:-$(ls build/liaudit_*_"$(dpkg --print-architecture)".deb | head -1)}")
[ "$(id -u)" -eq 0 ] || { echo "try-package: needs root" >&2; exit 2; }
if [ "${LIAUDIT_TRY_INSIDE:-}" != 1 ]; then
  export LIAUDIT_TRY_INSIDE=1 LIAUDIT_TRY_TMP; LIAUDIT_TRY_TMP=$(mktemp -d /tmp/liaudit-try.XXXXXX)
  rc=0; unshare -m --propagation private "$0" "$deb" || rc=$?
  rm -rf "$LIAUDIT_TRY_TMP"
  exit $rc
fi

T=$LIAUDIT_TRY_TMP
for d in etc var usr; do
  mkdir -p "$T/$d-up" "$T/$d-work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$T/$d-up,workdir=$T/$d-work" "/$d"
done
mount -t tmpfs tmpfs /run   # no systemd here: the scripts skip systemctl
fail() { echo "try-package: FAIL: $*" >&2; exit 1; }
mode() { stat -c '%a %U:%G' "$1"; }

dpkg -i "$deb" >/dev/null
getent passwd liaudit >/dev/null || fail "no liaudit user"
for d in /var/lib/liaudit /var/lib/liaudit/input /var/lib/liaudit/input/platform /var/lib/liaudit/input/registers \
         /var/lib/liaudit/input/calendar /var/lib/liaudit/output; do
  [ "$(mode $d)" = "700 liaudit:liaudit" ] || fail "$d: $(mode $d)"
done
[ "$(mode /etc/liaudit/liaudit.ini)" = "600 liaudit:liaudit" ] || fail "liaudit.ini: $(mode /etc/liaudit/liaudit.ini)"
[ "$(mode /etc/liaudit/liaudit.env)" = "600 root:root" ] || fail "liaudit.env: $(mode /etc/liaudit/liaudit.env)"
[ "$(readlink /var/lib/liaudit/liaudit.ini)" = /etc/liaudit/liaudit.ini ] || fail "no liaudit.ini link"
[ ! -e /etc/systemd/system/timers.target.wants/liaudit-nightly.timer ] || fail "the nightly timer was enabled"
runuser -u liaudit -- sh -c 'cd /var/lib/liaudit && liaudit forms --blank --unsigned --no-progress' >/dev/null 2>&1 ||
  fail "liaudit forms --blank as liaudit"
ls /var/lib/liaudit/output/forms/blank/*.pdf >/dev/null || fail "no blank forms"
runuser -u liaudit -- sh -c 'cd /var/lib/liaudit && liaudit doctor --unsigned' || fail "doctor"
echo "try-package: installed: ok"

echo "# local edit" >>/etc/liaudit/liaudit.ini
dpkg -i --force-confold "$deb" >/dev/null
tail -1 /etc/liaudit/liaudit.ini | grep -q "local edit" || fail "the upgrade replaced the edited liaudit.ini"
[ "$(mode /etc/liaudit/liaudit.ini)" = "600 liaudit:liaudit" ] || fail "liaudit.ini after upgrade: $(mode /etc/liaudit/liaudit.ini)"
echo "try-package: reinstalled over an edited liaudit.ini: kept"

dpkg -r liaudit >/dev/null
[ ! -e /usr/bin/liaudit ] || fail "remove left /usr/bin/liaudit"
[ -d /var/lib/liaudit/output/forms/blank ] || fail "remove deleted the outputs"
[ -f /etc/liaudit/liaudit.ini ] || fail "remove deleted the settings"
echo "try-package: removed: data and settings kept"

dpkg -P liaudit >/dev/null
[ ! -e /var/lib/liaudit ] || fail "purge left /var/lib/liaudit"
[ ! -e /etc/liaudit ] || fail "purge left /etc/liaudit"
echo "try-package: purged: /var/lib/liaudit and /etc/liaudit gone"
