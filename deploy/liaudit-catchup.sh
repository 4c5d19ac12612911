#!/usr/bin/env bash
# Runs the nightly check for every day that has no completed nightly folder yet, oldest
# first, so a night the machine was off (or a failed run) is caught up on the next run
# (docs/operations.md "Catch-up"). With --quarterly, runs the quarterly job instead if the
# last complete quarter has no completed folder (for cron, which has no Persistent=).
#
#   liaudit-catchup.sh [--output DIR] [--max-days N] [--today YYYY-MM-DD] [--quarterly]
#                      [-- LIAUDIT_OPTIONS...]
#
# A day counts as done when OUTPUT/nightly/YYYY-MM-DD/manifest.json exists: liaudit writes a
# job folder under a hidden temporary name and renames it into place only when complete,
# so a crash never leaves a folder that looks done. The days run are those after the newest
# completed day up to yesterday, at most --max-days (default 31) of them, ending yesterday;
# with no completed day at all (first run), only yesterday. Stops at the first failure and
# exits with liaudit's status (1 failed, 2 usage), so the next run starts again from there.
# Days are Asia/Taipei days, as liaudit's own "yesterday".
#
# Environment: LIAUDIT_BIN (default: liaudit on PATH). OUTPUT defaults to the "output" key of
# ./liaudit.ini when present, else "output" (liaudit's default), relative to the current folder.
# LIAUDIT_OPTIONS after "--" are passed to every liaudit run (e.g. --config FILE --lock-wait 3600);
# if they name --output, pass the same folder as --output to this script too.
set -euo pipefail

LIAUDIT_BIN=${LIAUDIT_BIN:-liaudit}
OUTPUT=""
MAX_DAYS=31
TODAY=""
MODE=nightly
EXTRA=()

die_usage() { echo "liaudit-catchup: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --output) [ $# -ge 2 ] || die_usage "--output needs a folder"; OUTPUT=$2; shift 2 ;;
    --max-days) [ $# -ge 2 ] || die_usage "--max-days needs a number"; MAX_DAYS=$2; shift 2 ;;
    --today) [ $# -ge 2 ] || die_usage "--today needs YYYY-MM-DD"; TODAY=$2; shift 2 ;;
    --quarterly) MODE=quarterly; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die_usage "unknown argument '$1' (see --help)" ;;
  esac
done
case $MAX_DAYS in ''|*[!0-9]*|0) die_usage "--max-days: expected a positive whole number, got '$MAX_DAYS'" ;; esac

# Taipei is UTC+8 all year (no DST); a POSIX TZ string needs no zoneinfo files.
export TZ=CST-8

valid_date() {  # YYYY-MM-DD that GNU date reads back unchanged
  [[ $1 =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] && [ "$(date -d "$1" +%F 2>/dev/null)" = "$1" ]
}
add_days() { date -d "$1 $2 day" +%F; }

if [ -z "$TODAY" ]; then
  TODAY=$(date +%F)
elif ! valid_date "$TODAY"; then
  die_usage "--today: expected YYYY-MM-DD, got '$TODAY'"
fi

if [ -z "$OUTPUT" ]; then
  OUTPUT=output
  if [ -f liaudit.ini ]; then
    # Only a top-level key (before any [section]) sets the output folder.
    ini=$(awk '/^[[:space:]]*\[/{exit} /^[[:space:]]*output[[:space:]]*=/{sub(/^[^=]*=[[:space:]]*/, ""); sub(/[[:space:]]*$/, ""); print; exit}' liaudit.ini)
    [ -n "$ini" ] && OUTPUT=$ini
  fi
fi

run() {  # liaudit SUBCOMMAND ARGS... ; logs the command line, returns liaudit's status
  echo "liaudit-catchup: running: $LIAUDIT_BIN $*" >&2
  local rc=0
  "$LIAUDIT_BIN" "$@" || rc=$?
  return $rc
}

if [ "$MODE" = quarterly ]; then
  y=${TODAY:0:4}; m=$((10#${TODAY:5:2}))
  q=$(( (m - 1) / 3 ))  # the current quarter's index; the one before it is the last complete one
  if [ $q -eq 0 ]; then q=4; y=$((y - 1)); fi
  quarter="${y}Q${q}"
  if [ -f "$OUTPUT/quarterly/$quarter/manifest.json" ]; then
    echo "liaudit-catchup: quarterly $quarter already done ($OUTPUT/quarterly/$quarter)" >&2
    exit 0
  fi
  rc=0
  run quarterly --quarter "$quarter" ${EXTRA[@]+"${EXTRA[@]}"} || rc=$?
  [ $rc -eq 0 ] || echo "liaudit-catchup: quarterly $quarter failed (exit $rc)" >&2
  exit $rc
fi

yesterday=$(add_days "$TODAY" -1)
last=""
if [ -d "$OUTPUT/nightly" ]; then
  for dir in "$OUTPUT"/nightly/*/; do
    name=$(basename "$dir")
    # Hidden temporary folders and "<day>.previous" never match; a folder counts only when complete.
    valid_date "$name" || continue
    [ -f "$dir/manifest.json" ] || continue
    if [ -z "$last" ] || [[ $name > $last ]]; then last=$name; fi
  done
fi

earliest=$(add_days "$yesterday" "-$((MAX_DAYS - 1))")
if [ -z "$last" ]; then
  first=$yesterday
  echo "liaudit-catchup: no completed nightly folder under $OUTPUT/nightly: running $yesterday only" >&2
elif [[ ! $last < $yesterday ]]; then
  echo "liaudit-catchup: up to date (last completed night: $last)" >&2
  exit 0
else
  first=$(add_days "$last" 1)
  if [[ $first < $earliest ]]; then
    echo "liaudit-catchup: warning: $first to $(add_days "$earliest" -1) are older than $MAX_DAYS days and are" \
         "not caught up automatically; run 'liaudit nightly --date DAY' for them by hand" >&2
    first=$earliest
  fi
fi

day=$first
count=0
while [[ ! $day > $yesterday ]]; do
  rc=0
  run nightly --date "$day" ${EXTRA[@]+"${EXTRA[@]}"} || rc=$?
  if [ $rc -ne 0 ]; then
    echo "liaudit-catchup: nightly $day failed (exit $rc); stopping, the next run starts again from $day" >&2
    exit $rc
  fi
  count=$((count + 1))
  day=$(add_days "$day" 1)
done
echo "liaudit-catchup: $count night(s) done, up to $yesterday" >&2
