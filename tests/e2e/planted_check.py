#!/usr/bin/python3
"""Compares a job's findings.csv (and rejects.csv) with the demo's planted.json.

    /usr/bin/python3 tests/e2e/planted_check.py JOBDIR PLANTED.json [--job quarterly|"nightly YYYY-MM-DD"]
                                                [--no-rejects]

JOBDIR is an output folder such as output/quarterly/2026Q3 or output/nightly/2026-07-14;
the job is taken from its path unless --job is given. Findings are compared by their key
(findings.csv's `key` column, the key `liaudit followup` takes; docs/demo-data.md). Exit 0 only when the planted findings of this job and
the found ones are exactly the same set, and (unless --no-rejects) every row of rejects.csv
is a planted reject and every planted reject of this job is there. Exit 1 otherwise, 2 on
usage or unreadable files.
"""
import argparse
import csv
import json
import os
import re
import sys

def job_from_path(jobdir):
    parts = os.path.normpath(os.path.abspath(jobdir)).split(os.sep)
    if len(parts) >= 2 and parts[-2] == "nightly" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[-1]):
        return "nightly " + parts[-1]
    if len(parts) >= 2 and parts[-2] == "quarterly":
        return "quarterly"
    return None


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare a job's findings with planted.json.")
    ap.add_argument("jobdir")
    ap.add_argument("planted")
    ap.add_argument("--job", help='"quarterly" or "nightly YYYY-MM-DD" (default: from JOBDIR)')
    ap.add_argument("--no-rejects", action="store_true", help="do not compare rejects.csv")
    a = ap.parse_args(argv)
    job = a.job or job_from_path(a.jobdir)
    if not job:
        ap.error("cannot tell the job from %s; pass --job" % a.jobdir)
    try:
        with open(a.planted, encoding="utf-8") as fh:
            planted = json.load(fh)
        rows = read_csv(os.path.join(a.jobdir, "findings.csv"))
    except (OSError, ValueError) as e:
        print("planted_check: %s" % e, file=sys.stderr)
        return 2
    if rows and "key" not in rows[0]:
        print("planted_check: findings.csv has no key column (a folder written before findings.csv had one)",
              file=sys.stderr)
        return 2
    want = {e["key"]: e for e in planted["expected"] if e["job"] == job}
    found, dups = {}, []
    for i, row in enumerate(rows, start=2):
        k = (row.get("key") or "").strip()
        if k in found:
            dups.append(k)
        found[k] = (i, row)
    missing = sorted(set(want) - set(found))
    unexpected = sorted(set(found) - set(want))
    ok = not missing and not unexpected and not dups
    print("planted_check: job %s (%s mode): %d planted, %d found, %d missing, %d unexpected, %d duplicate"
          % (job, planted.get("mode"), len(want), len(found), len(missing), len(unexpected), len(dups)))
    for k in missing:
        print("  MISSING    %-40s %s" % (k, want[k].get("note", "")))
    for k in unexpected:
        line, row = found[k]
        print("  UNEXPECTED %-40s findings.csv line %d: %s" % (k, line, (row.get("detail") or "")[:100]))
    for k in dups:
        print("  DUPLICATE  %s" % k)

    if not a.no_rejects:
        path = os.path.join(a.jobdir, "rejects.csv")
        got = []
        if os.path.exists(path):
            for row in read_csv(path):
                lower = {(k or "").strip().lower(): v for k, v in row.items()}
                f = lower.get("file", "")
                line = lower.get("line", "")
                got.append(((f or "").replace("\\", "/"), str(line).strip()))
        planted_rj = planted.get("rejects", [])

        def is_planted(f, line):
            return any(f.endswith(p["file"]) and line == str(p["line"]) for p in planted_rj)
        extra = [g for g in got if not is_planted(*g)]
        absent = [p for p in planted_rj if p["job"] == job and
                  not any(f.endswith(p["file"]) and line == str(p["line"]) for f, line in got)]
        print("planted_check: rejects: %d in rejects.csv, %d not planted, %d planted for this job missing"
              % (len(got), len(extra), len(absent)))
        for f, line in extra:
            print("  UNEXPECTED REJECT %s line %s" % (f, line))
        for p in absent:
            print("  MISSING REJECT    %s line %d (%s)" % (p["file"], p["line"], p["reason"]))
        ok = ok and not extra and not absent
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
