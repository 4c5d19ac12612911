#!/usr/bin/python3
"""The demo quarter as the scheduler runs it: for each day D of 2026Q3 the registers as they
stood at the end of D and the day's export appear, then `liaudit nightly --date D`; at the end
`liaudit quarterly`. Every nightly and the quarterly must find exactly the planted violations,
including R15 (registrations backfilled more than three days after the query), which only this
day-by-day history can show.
"""
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

import e2e_common
from e2e_common import BIN, PY, SRC, run


def main():
    work = tempfile.mkdtemp(prefix="liaudit-asof-")
    passed = failed = 0
    try:
        e2e_common.prepare_signing(work)
        day = datetime.date(2026, 7, 1)
        while day <= datetime.date(2026, 9, 30):
            d = day.isoformat()
            last = day == datetime.date(2026, 9, 30)
            e2e_common.gen_demo(work, "--as-of", d, *([] if last else ["--no-verify"]))
            run([BIN, "nightly", "--date", d, "--no-progress"], work)
            day += datetime.timedelta(days=1)
        run([BIN, "quarterly", "--quarter", "2026Q3", "--no-progress"], work)
        check = os.path.join(SRC, "tests", "e2e", "planted_check.py")
        folders = sorted(os.listdir(os.path.join(work, "output", "nightly")))
        for name in folders + ["quarterly"]:
            folder = os.path.join(work, "output", "quarterly", "2026Q3") if name == "quarterly" else \
                os.path.join(work, "output", "nightly", name)
            p = subprocess.run([PY, check, folder, "input/planted.json", "--no-rejects"], cwd=work,
                               capture_output=True, text=True)
            if p.returncode == 0:
                passed += 1
            else:
                failed += 1
                print("MISMATCH %s\n%s%s" % (name, p.stdout, p.stderr))
        p = subprocess.run([BIN, "verify", "--chain", "output"], cwd=work, capture_output=True, text=True)
        if p.returncode == 0:
            passed += 1
        else:
            failed += 1
            print("CHAIN BROKEN\n" + p.stdout[-3000:] + p.stderr)
    finally:
        if not os.environ.get("LIAUDIT_KEEP_E2E"):
            shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
