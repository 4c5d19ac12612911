#!/usr/bin/env bash
# Tests deploy/liaudit-catchup.sh with a stand-in `liaudit` on PATH that records its
# arguments and, like the real one, creates OUTPUT/nightly/DAY/manifest.json (or
# OUTPUT/quarterly/Q/manifest.json) when it succeeds. FAKE_FAIL_DATE makes it fail (exit 1)
# for that day. Run: deploy/test_catchup.sh  (exit 0 = all passed)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPT="$HERE/liaudit-catchup.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/liaudit-catchup-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/bin"
cat >"$WORK/bin/liaudit" <<'STUB'
#!/usr/bin/env bash
echo "$*" >>"$FAKE_LOG"
cmd=$1; shift
out=output; day=""; quarter=""
while [ $# -gt 0 ]; do
  case $1 in
    --date) day=$2; shift 2 ;;
    --quarter) quarter=$2; shift 2 ;;
    --output) out=$2; shift 2 ;;
    *) shift ;;
  esac
done
if [ "$cmd" = nightly ] && [ "$day" = "${FAKE_FAIL_DATE:-}" ]; then
  echo "liaudit: nightly $day failed (stand-in)" >&2; exit 1
fi
case $cmd in
  nightly) mkdir -p "$out/nightly/$day" && echo '{}' >"$out/nightly/$day/manifest.json" ;;
  quarterly) mkdir -p "$out/quarterly/$quarter" && echo '{}' >"$out/quarterly/$quarter/manifest.json" ;;
esac
STUB
chmod +x "$WORK/bin/liaudit"
export PATH="$WORK/bin:$PATH"
unset LIAUDIT_BIN

failures=0
n=0
fresh() {  # a new empty working folder per case
  n=$((n + 1))
  CASE="$WORK/case$n"
  mkdir -p "$CASE"
  export FAKE_LOG="$CASE/calls.log"
  : >"$FAKE_LOG"
  unset FAKE_FAIL_DATE
}
done_day() { mkdir -p "$CASE/output/nightly/$1" && echo '{}' >"$CASE/output/nightly/$1/manifest.json"; }
catchup() { (cd "$CASE" && "$SCRIPT" "$@" 2>"$CASE/stderr.log"); }
expect_calls() {  # name, expected lines of the log (one argument per call)
  local name=$1; shift
  local want got
  want=$(printf '%s\n' "$@")
  [ $# -eq 0 ] && want=""
  got=$(cat "$FAKE_LOG")
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: liaudit calls differ"; echo "  want: $(echo "$want" | tr '\n' '|')"
    echo "  got:  $(echo "$got" | tr '\n' '|')"; sed 's/^/  stderr: /' "$CASE/stderr.log"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}
expect_rc() {  # name, want, got
  if [ "$2" != "$3" ]; then echo "FAIL $1: exit status $3, want $2"; failures=$((failures + 1)); fi
}

# 1. First run, nothing done yet: only yesterday.
fresh
catchup --today 2026-11-26; expect_rc first-run 0 $?
expect_calls first-run "nightly --date 2026-11-25"

# 2. Three missed nights are run oldest first.
fresh
done_day 2026-11-21
catchup --today 2026-11-25; expect_rc missed-three 0 $?
expect_calls missed-three "nightly --date 2026-11-22" "nightly --date 2026-11-23" "nightly --date 2026-11-24"

# 3. Up to date: nothing runs. Running again after a catch-up runs nothing either.
fresh
done_day 2026-11-24
catchup --today 2026-11-25; expect_rc up-to-date 0 $?
expect_calls up-to-date
fresh
done_day 2026-11-20
catchup --today 2026-11-23 && : >"$FAKE_LOG" && catchup --today 2026-11-23; expect_rc idempotent 0 $?
expect_calls idempotent

# 4. Temporary, ".previous" and incomplete folders (no manifest) do not count as done.
fresh
done_day 2026-11-20
mkdir -p "$CASE/output/nightly/.2026-11-23.tmp-4242" "$CASE/output/nightly/2026-11-22" \
  "$CASE/output/nightly/2026-11-23.previous" "$CASE/output/nightly/notes"
echo '{}' >"$CASE/output/nightly/.2026-11-23.tmp-4242/manifest.json"
echo '{}' >"$CASE/output/nightly/2026-11-23.previous/manifest.json"
catchup --today 2026-11-24; expect_rc incomplete 0 $?
expect_calls incomplete "nightly --date 2026-11-21" "nightly --date 2026-11-22" "nightly --date 2026-11-23"

# 5. A failure stops the catch-up with liaudit's status; the next run starts from that day.
fresh
done_day 2026-11-20
export FAKE_FAIL_DATE=2026-11-22
catchup --today 2026-11-25; expect_rc stop-on-failure 1 $?
expect_calls stop-on-failure "nightly --date 2026-11-21" "nightly --date 2026-11-22"
grep -q "nightly 2026-11-22 failed" "$CASE/stderr.log" || { echo "FAIL stop-on-failure: no message"; failures=$((failures + 1)); }
unset FAKE_FAIL_DATE
: >"$FAKE_LOG"
catchup --today 2026-11-25; expect_rc resume 0 $?
expect_calls resume "nightly --date 2026-11-22" "nightly --date 2026-11-23" "nightly --date 2026-11-24"

# 6. A long outage is bounded by --max-days (ending yesterday) and the gap is named.
fresh
done_day 2026-10-01
catchup --today 2026-11-25 --max-days 3; expect_rc bounded 0 $?
expect_calls bounded "nightly --date 2026-11-22" "nightly --date 2026-11-23" "nightly --date 2026-11-24"
grep -q "2026-10-02 to 2026-11-21 are older than 3 days" "$CASE/stderr.log" \
  || { echo "FAIL bounded: no warning naming the skipped days"; failures=$((failures + 1)); }
fresh
done_day 2026-10-01
catchup --today 2026-11-25; expect_rc default-bound 0 $?
calls=$(wc -l <"$FAKE_LOG")
first=$(head -n 1 "$FAKE_LOG")
if [ "$calls" -ne 31 ] || [ "$first" != "nightly --date 2026-10-25" ]; then
  echo "FAIL default-bound: $calls calls starting '$first', want 31 from 2026-10-25"; failures=$((failures + 1))
else
  echo "ok   default-bound"
fi

# 7. Month, year and leap-day boundaries.
fresh
done_day 2027-12-29
catchup --today 2028-01-02; expect_rc year-end 0 $?
expect_calls year-end "nightly --date 2027-12-30" "nightly --date 2027-12-31" "nightly --date 2028-01-01"
fresh
done_day 2028-02-27
catchup --today 2028-03-01; expect_rc leap-day 0 $?
expect_calls leap-day "nightly --date 2028-02-28" "nightly --date 2028-02-29"

# 8. Options after "--" reach every run; --output and the liaudit.ini output key are honoured.
fresh
mkdir -p "$CASE/store/nightly/2026-11-23" && echo '{}' >"$CASE/store/nightly/2026-11-23/manifest.json"
catchup --today 2026-11-26 --output store -- --output store --lock-wait 3600; expect_rc pass-through 0 $?
expect_calls pass-through "nightly --date 2026-11-24 --output store --lock-wait 3600" \
  "nightly --date 2026-11-25 --output store --lock-wait 3600"
fresh
printf 'output = elsewhere\n[signing]\noutput = not-this\n' >"$CASE/liaudit.ini"
mkdir -p "$CASE/elsewhere/nightly/2026-11-24" && echo '{}' >"$CASE/elsewhere/nightly/2026-11-24/manifest.json"
catchup --today 2026-11-26; expect_rc ini-output 0 $?
expect_calls ini-output "nightly --date 2026-11-25"

# 9. Quarterly mode: the last complete quarter, once.
fresh
catchup --quarterly --today 2026-01-05; expect_rc quarterly 0 $?
expect_calls quarterly "quarterly --quarter 2025Q4"
: >"$FAKE_LOG"
catchup --quarterly --today 2026-01-09; expect_rc quarterly-done 0 $?
expect_calls quarterly-done
fresh
catchup --quarterly --today 2026-07-05; expect_rc quarterly-q2 0 $?
expect_calls quarterly-q2 "quarterly --quarter 2026Q2"

# 10. Wrong usage: exit 2, nothing run.
fresh
catchup --today 2026-13-01; expect_rc bad-date 2 $?
catchup --max-days 0; expect_rc bad-bound 2 $?
catchup --frobnicate; expect_rc bad-option 2 $?
expect_calls usage

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all catch-up tests passed"
