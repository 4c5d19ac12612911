#!/usr/bin/python3
"""Never half-done, never lost (issue 6), on the real liaudit binary and the demo quarter.

- Crash safety: the quarterly job is killed with SIGKILL at many points (first ingest into
  an empty store, rules, forms, signing, the review report, the final renames); after each
  kill the job folders on disk are either complete (manifest.json and every file it lists,
  with the right SHA-256) or hidden temporaries; rerunning the same job exits 0, leaves no
  temporaries behind, the store passes PRAGMA integrity_check and holds exactly the rows of
  a clean run (nothing lost, nothing doubled).
- Disk full / unwritable output: writes fail with EFBIG (RLIMIT_FSIZE; liaudit ignores SIGXFSZ),
  which our code sees like a full disk; a path under a regular file cannot be created.
  Expected: a clear message, exit 1, nothing half-written in place, the previous folder of
  the same job intact, the store still passes integrity_check.
- Retention: liaudit purge refuses a date inside the retention period (exit 2), is a dry run
  without confirmation, asks for PURGE on a terminal, needs --by, keeps the rows pending
  follow-ups need, writes a destruction record (store, stdout, OUTPUT/liaudit.log).

Run by ctest with LIAUDIT_BIN and LIAUDIT_SRC set (tests/e2e/CMakeLists.txt).
"""
import glob
import hashlib
import json
import os
import pty
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

import e2e_common
from e2e_common import BIN

WORK = None
QUARTER = "2026Q3"
# Tables whose rows must be neither lost nor doubled by a crash.
DATA_TABLES = ["queries", "query_conflicts", "accounts", "register_keys", "permissions", "registrations", "requests",
               "staff", "calendar", "quarantine"]
JOB_KINDS = ["nightly", "quarterly", "audit", "forms"]
CLEAN = {}  # counts of a clean run, duration


def run(args, cwd=None, check=True, **kw):
    return e2e_common.run(args, cwd or WORK, check, **kw)


def liaudit(*args, check=True, cwd=None, **kw):
    return run([BIN] + list(args), cwd=cwd, check=check, **kw)


def quarterly(out, *extra, check=True, **kw):
    return liaudit("quarterly", "--quarter", QUARTER, "--output", out, "--no-progress", *extra, check=check, **kw)


def db_of(out):
    return os.path.join(WORK, out, "liaudit.sqlite")


def counts(out):
    con = sqlite3.connect(db_of(out))
    try:
        return {t: con.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in DATA_TABLES}
    finally:
        con.close()


def integrity(out):
    p = run(["sqlite3", db_of(out), "PRAGMA integrity_check"], check=False)
    return p.stdout.strip() + p.stderr.strip()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def job_folders(out):
    """Every folder named like a job folder (not a hidden temporary), and the hidden ones."""
    visible, hidden = [], []
    for kind in JOB_KINDS:
        base = os.path.join(WORK, out, kind)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            path = os.path.join(base, name)
            if os.path.isdir(path):
                (hidden if name.startswith(".") else visible).append(path)
    return visible, hidden


def folder_problems(folder):
    """[] when the folder is complete: a manifest listing exactly its files, each with its SHA-256
    (but manifest.json.p7s, its signature), and the signature with it when the job signs."""
    manifest = os.path.join(folder, "manifest.json")
    if not os.path.isfile(manifest):
        return ["%s: no manifest.json" % folder]
    try:
        with open(manifest, encoding="utf-8") as fh:
            m = json.load(fh)
    except ValueError as e:
        return ["%s: unreadable manifest (%s)" % (folder, e)]
    problems = []
    listed = set()
    for o in m.get("outputs", []):
        listed.add(o["path"])
        path = os.path.join(folder, o["path"])
        if not os.path.isfile(path):
            problems.append("%s: listed %s is missing" % (folder, o["path"]))
        elif os.path.getsize(path) != o["bytes"] or sha256(path) != o["sha256"]:
            problems.append("%s: %s differs from the manifest" % (folder, o["path"]))
    on_disk = {os.path.relpath(p, folder) for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True)
               if os.path.isfile(p)}
    extra = on_disk - listed - {"manifest.json", "manifest.json.p7s"}
    if extra:
        problems.append("%s: files not in the manifest: %s" % (folder, sorted(extra)[:5]))
    if not listed:
        problems.append("%s: manifest lists no output" % folder)
    if m.get("signing", {}).get("signed") and not os.path.isfile(os.path.join(folder, "manifest.json.p7s")):
        problems.append("%s: manifest.json.p7s is missing" % folder)
    return problems


def no_half_written(test, out, context):
    visible, _ = job_folders(out)
    for f in visible:
        test.assertEqual(folder_problems(f), [], context)


def wait_for_line(path, needle, deadline):
    while time.monotonic() < deadline:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                if needle in fh.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    return False


def start_quarterly(out):
    log = open(os.path.join(WORK, out + ".stderr"), "w")
    cmd = [BIN, "quarterly", "--quarter", QUARTER, "--output", out, "--no-progress"]
    return subprocess.Popen(cmd, cwd=WORK, stdout=subprocess.DEVNULL, stderr=log), log


def kill(proc, log):
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    log.close()
    return not finished


def setUpModule():
    global WORK
    WORK = tempfile.mkdtemp(prefix="liaudit-crash-")
    e2e_common.gen_demo(WORK)
    e2e_common.prepare_signing(WORK)
    t0 = time.monotonic()
    quarterly("clean")
    CLEAN["seconds"] = time.monotonic() - t0
    CLEAN["counts"] = counts("clean")
    quarterly("clean")  # a rerun changes no row
    assert counts("clean") == CLEAN["counts"], (counts("clean"), CLEAN["counts"])
    CLEAN["files"] = sorted(os.path.relpath(p, os.path.join(WORK, "clean/quarterly", QUARTER))
                            for p in glob.glob(os.path.join(WORK, "clean/quarterly", QUARTER, "**", "*"),
                                               recursive=True) if os.path.isfile(p))


def tearDownModule():
    if WORK and not os.environ.get("LIAUDIT_KEEP_E2E"):
        shutil.rmtree(WORK, ignore_errors=True)


class CrashSafety(unittest.TestCase):
    def check_recovers(self, out, context):
        sys.stderr.write("  %s\n" % context)
        # Right after the kill: nothing that looks complete is half-written.
        no_half_written(self, out, context)
        self.assertEqual(integrity(out), "ok", context)
        # The same job again completes, cleans up after the killed run, loses and doubles nothing.
        p = quarterly(out, check=False)
        self.assertEqual(p.returncode, 0, "%s\n%s" % (context, p.stderr[-3000:]))
        self.assertEqual(integrity(out), "ok", context)
        self.assertEqual(counts(out), CLEAN["counts"], context)
        # A kill during the first bulk load (rollback journal, indexes dropped) leaves neither
        # behind: the store is back in WAL with the unique 交易序號 index that stops doubles.
        self.assertEqual(run(["sqlite3", db_of(out), "PRAGMA journal_mode"]).stdout.strip(), "wal", context)
        indexes = run(["sqlite3", db_of(out), "SELECT name FROM sqlite_master WHERE tbl_name='queries' AND"
                                              " type='index'"]).stdout.split()
        self.assertIn("queries_txn", indexes, context)
        visible, hidden = job_folders(out)
        self.assertEqual(hidden, [], context)
        self.assertEqual([os.path.basename(v) for v in visible], [QUARTER], context)
        no_half_written(self, out, context)
        files = sorted(os.path.relpath(p, visible[0]) for p in glob.glob(os.path.join(visible[0], "**", "*"),
                                                                          recursive=True) if os.path.isfile(p))
        self.assertEqual(files, CLEAN["files"], context)
        v = liaudit("verify", os.path.join(out, "quarterly", QUARTER), check=False)
        self.assertEqual(v.returncode, 0, "%s\n%s%s" % (context, v.stdout[-2000:], v.stderr[-2000:]))

    def test_kill_during_first_ingest_into_an_empty_store(self):
        # The first bulk load runs under a rollback journal with the indexes dropped: a kill
        # there must leave a store that the next run opens, fills and indexes completely.
        for i, delay in enumerate([0.0, 0.01, 0.03, 0.06, 0.1, 0.15]):
            out = "first%d" % i
            proc, log = start_quarterly(out)
            self.assertTrue(wait_for_line(os.path.join(WORK, out + ".stderr"), "open store",
                                          time.monotonic() + 30), "the job never opened its store")
            time.sleep(delay)
            killed = kill(proc, log)
            context = "killed %.0f ms after the store opened (killed=%s)" % (delay * 1000, killed)
            self.check_recovers(out, context)
            shutil.rmtree(os.path.join(WORK, out))

    def test_kill_at_many_points_of_a_fresh_quarterly(self):
        # Spread over the whole run: ingest, rules, forms (rendering and signing), review, commit.
        # Each kill is triggered by the stage line the job logs, plus a delay, so that it lands
        # in the stage it names however fast or slow the machine is.
        total = CLEAN["seconds"]
        points = [("open store", 0), ("ingest", 0), ("ingest", 0.01), ("ingest", 0.04),
                  ("load dataset", 0), ("rules", 0), ("load fonts", 0), ("form1", 0.02),
                  ("form3", 0), ("review.pdf", 0), ("store findings", 0)]
        killed_any = 0
        for i, (triggered_by, delay) in enumerate(points):
            out = "fresh%d" % i
            proc, log = start_quarterly(out)
            self.assertTrue(wait_for_line(os.path.join(WORK, out + ".stderr"), " liaudit quarterly: " + triggered_by,
                                          time.monotonic() + 4 * total + 10),
                            "the job never logged stage %r" % triggered_by)
            time.sleep(delay)
            killed = kill(proc, log)
            killed_any += killed
            with open(os.path.join(WORK, out + ".stderr"), encoding="utf-8", errors="replace") as fh:
                stages = [l.split(": ")[1] for l in fh.read().splitlines() if " liaudit quarterly: " in l]
            context = "killed %.0f ms after %r, last stages %s (killed=%s)" % (delay * 1000, triggered_by,
                                                                               stages[-2:], killed)
            self.check_recovers(out, context)
            shutil.rmtree(os.path.join(WORK, out))
        # Only the last point may race the end of the job.
        self.assertGreaterEqual(killed_any, len(points) - 1, "the kills must land before the job finished")

    def test_kill_a_rerun_keeps_the_previous_folder_or_the_new_one(self):
        # A store and folder from a complete run; reruns are killed at several stages, including
        # while the folder is being signed and renamed into place.
        out = "rerun"
        quarterly(out)
        total = CLEAN["seconds"]
        # The last ones land in the commit: manifest, the two renames, removing the previous folder.
        points = [("load dataset", 0), ("form1", 0.005), ("form2", 0.01), ("form3", 0.015), ("form4", 0.02),
                  ("review.pdf", 0.025), ("review.xlsx", 0.03), ("store findings", 0.035)] + \
                 [("finished:", d) for d in (0, 0.002, 0.005, 0.01, 0.02, 0.04, 0.08)]
        for triggered_by, delay in points:
            proc, log = start_quarterly(out)
            wait_for_line(os.path.join(WORK, out + ".stderr"), triggered_by, time.monotonic() + 4 * total + 10)
            time.sleep(delay)
            killed = kill(proc, log)
            context = "rerun killed %.0f ms after '%s' (killed=%s)" % (delay * 1000, triggered_by, killed)
            visible, hidden = job_folders(out)
            names = [os.path.basename(v) for v in visible]
            # Either the old or the new folder is in place, or (between the two renames) the
            # previous one under .previous: never nothing at all.
            self.assertTrue(QUARTER in names or QUARTER + ".previous" in names, "%s: %s" % (context, names))
            self.check_recovers(out, context)


    def test_a_killed_ad_hoc_audit_leaves_no_temporary_behind(self):
        # Each ad hoc audit has a folder name of its own, so no later run of "the same job"
        # exists: the next job writing into output/audit removes the killed one's temporary.
        out = "adhoc"
        quarterly(out)
        log = open(os.path.join(WORK, out + ".stderr"), "w")
        cmd = [BIN, "audit", "--from", "2026-07-01", "--to", "2026-09-30", "--output", out, "--no-progress"]
        proc = subprocess.Popen(cmd, cwd=WORK, stdout=subprocess.DEVNULL, stderr=log)
        self.assertTrue(wait_for_line(os.path.join(WORK, out + ".stderr"), " liaudit audit: form4",
                                      time.monotonic() + 4 * CLEAN["seconds"] + 10), "the audit never reached form4")
        time.sleep(0.02)
        self.assertTrue(kill(proc, log), "the kill must land before the audit finished")
        visible, hidden = job_folders(out)
        self.assertEqual(len([h for h in hidden if "/audit/" in h]), 1, hidden)
        self.assertEqual([v for v in visible if "/audit/" in v], [])
        liaudit("audit", "--from", "2026-08-01", "--to", "2026-08-31", "--output", out, "--no-progress")
        visible, hidden = job_folders(out)
        self.assertEqual(hidden, [])
        self.assertEqual(len([v for v in visible if "/audit/" in v]), 1, visible)
        no_half_written(self, out, "after the second audit")
        shutil.rmtree(os.path.join(WORK, out))

    def test_a_job_killed_between_its_folder_and_its_record_is_settled_by_the_next(self):
        # The one window a kill can hit that the reruns above cannot check deterministically:
        # the folder is committed (manifest in place) but the jobs row still says running. The
        # state is made by hand; the next job (a different one) must record the job as finished
        # with its manifest's hash, mark a job killed before its folder as interrupted, chain
        # to the settled manifest, and leave `verify --chain` clean.
        out = "settle"
        quarterly(out)
        manifest = os.path.join(WORK, out, "quarterly", QUARTER, "manifest.json")
        con = sqlite3.connect(db_of(out))
        try:
            qid = con.execute("SELECT max(id) FROM jobs").fetchone()[0]
            con.execute("UPDATE jobs SET status='running', manifest_sha256='', finished=NULL WHERE id=?", (qid,))
            con.execute("INSERT INTO jobs(kind, params_json, started, status, manifest_sha256, output_dir)"
                        " VALUES('nightly', '{}', 0, 'running', '', ?)",
                        (os.path.join(WORK, out, "nightly", "2026-09-29"),))
            con.commit()
        finally:
            con.close()
        p = liaudit("nightly", "--date", "2026-09-30", "--output", out, "--no-progress")
        self.assertIn("recorded as finished", p.stderr)
        self.assertIn("recorded as interrupted", p.stderr)
        con = sqlite3.connect(db_of(out))
        try:
            rows = con.execute("SELECT id, status, manifest_sha256 FROM jobs ORDER BY id").fetchall()
        finally:
            con.close()
        by_id = {r[0]: r for r in rows}
        self.assertEqual(by_id[qid][1:], ("ok", sha256(manifest)))
        self.assertEqual(by_id[qid + 1][1], "interrupted")
        self.assertNotIn("running", [r[1] for r in rows])
        with open(os.path.join(WORK, out, "nightly", "2026-09-30", "manifest.json"), encoding="utf-8") as fh:
            self.assertEqual(json.load(fh)["previous_manifest_sha256"], sha256(manifest))
        v = liaudit("verify", "--chain", out, check=False)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertIn("OK       ", v.stdout)


class DiskFull(unittest.TestCase):
    """EFBIG from RLIMIT_FSIZE stands in for a full disk (we run as root: chmod does not stop us)."""

    @classmethod
    def setUpClass(cls):
        cls.out = "diskfull"
        quarterly(cls.out)
        cls.good = os.path.join(WORK, cls.out, "quarterly", QUARTER)
        with open(os.path.join(cls.good, "manifest.json"), "rb") as fh:
            cls.good_manifest = fh.read()

    def limited(self, limit_bytes):
        def preexec():
            # The default action (as under a shell, cron or systemd) would kill the process at the
            # limit: liaudit ignores SIGXFSZ itself, so write() fails with EFBIG and the job reports it.
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
        return quarterly(self.out, check=False, preexec_fn=preexec)

    def test_writes_failing_part_way_leave_the_previous_folder_and_a_sound_store(self):
        size = os.path.getsize(db_of(self.out))
        seen_failure = 0
        # From "the WAL cannot grow" through "a PDF cannot be written" to "only the workbook".
        for limit in [4096, 64 << 10, 300 << 10, 1 << 20, 3 << 20, max(size, 8 << 20)]:
            p = self.limited(limit)
            context = "file size limit %d bytes: exit %d\n%s" % (limit, p.returncode, p.stderr[-1500:])
            self.assertIn(p.returncode, (0, 1), context)
            self.assertNotIn("I/O error :", p.stderr, context)  # only liaudit's own messages
            self.assertEqual(integrity(self.out), "ok", context)
            self.assertEqual(counts(self.out), CLEAN["counts"], context)
            no_half_written(self, self.out, context)
            visible, hidden = job_folders(self.out)
            self.assertEqual(hidden, [], context)
            if p.returncode == 1:
                seen_failure += 1
                last = p.stderr.strip().splitlines()[-1]
                self.assertTrue(last.startswith("liaudit: "), context)
                self.assertRegex(last, r"disk I/O error|database or disk is full|not completely written|File too large|"
                                       r"No space left|write failed|cannot flush|cannot write", context)
                # The previous good folder is untouched.
                with open(os.path.join(self.good, "manifest.json"), "rb") as fh:
                    self.assertEqual(fh.read(), self.good_manifest, context)
            else:
                v = liaudit("verify", self.good, check=False)
                self.assertEqual(v.returncode, 0, context + v.stdout[-1500:])
                with open(os.path.join(self.good, "manifest.json"), "rb") as fh:
                    self.good_manifest = fh.read()
        self.assertGreaterEqual(seen_failure, 3)
        # Unsigned, nothing re-reads the PDFs: a truncated one must still fail the job. (Only
        # the .xlsx: the .ods row files would reach the limit before any PDF does.)
        def preexec():
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_FSIZE, (300 << 10, 300 << 10))
        p = quarterly(self.out, "--unsigned", "--output.spreadsheets", "xlsx", check=False, preexec_fn=preexec)
        self.assertEqual(p.returncode, 1, p.stderr[-1500:])
        self.assertIn("not completely written", p.stderr)
        self.assertNotIn("I/O error :", p.stderr)  # libraries do not print their own errors
        self.assertEqual(job_folders(self.out)[1], [])
        with open(os.path.join(self.good, "manifest.json"), "rb") as fh:
            self.assertEqual(fh.read(), self.good_manifest)
        # Without the limit the job completes again.
        quarterly(self.out)
        no_half_written(self, self.out, "after the limit")

    def test_output_under_a_regular_file_cannot_be_created(self):
        with open(os.path.join(WORK, "blocker"), "w") as fh:
            fh.write("a file, not a folder\n")
        p = quarterly("blocker/out", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("blocker/out", p.stderr)
        self.assertRegex(p.stderr, "cannot create|Not a directory")
        # Store elsewhere, job folder under a file: fails before anything is put in place.
        os.makedirs(os.path.join(WORK, "blocked"), exist_ok=True)
        with open(os.path.join(WORK, "blocked/quarterly"), "w") as fh:
            fh.write("a file where the quarterly folder goes\n")
        p = quarterly("blocked", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertRegex(p.stderr.strip().splitlines()[-1], r"^liaudit: .*quarterly.*(cannot create|Not a directory)")
        self.assertEqual(integrity("blocked"), "ok")
        con = sqlite3.connect(db_of("blocked"))
        self.assertEqual(con.execute("SELECT status FROM jobs ORDER BY id DESC LIMIT 1").fetchone()[0], "failed")
        con.close()


class Purge(unittest.TestCase):
    FUTURE = "2032-01-15 00:00:00"  # today as far as the purge knows: July 2026 is then > 5 years old

    @classmethod
    def setUpClass(cls):
        cls.out = "purge"
        quarterly(cls.out)

    def purge(self, *args, **kw):
        return liaudit("purge", "--output", self.out, *args, check=False, stdin=subprocess.DEVNULL, **kw)

    def q(self, sql):
        con = sqlite3.connect(db_of(self.out))
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def test_1_policy_refusals_and_dry_run(self):
        before = counts(self.out)
        p = self.purge("--before", "2026-08-01")  # today is 2026: inside the retention period
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("retention period", p.stderr)
        p = self.purge("--before", "2026-08-01", "--fixed-clock", self.FUTURE, "--retention.years", "10")
        self.assertEqual(p.returncode, 2, p.stderr)
        p = self.purge("--before", "2026-08-01", "--fixed-clock", self.FUTURE, "--yes")  # no --by
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--by", p.stderr)
        p = self.purge("--before", "2026-8-1x", "--fixed-clock", self.FUTURE)
        self.assertEqual(p.returncode, 2, p.stderr)
        # No confirmation and no terminal: a dry run that prints the counts.
        p = self.purge("--before", "2026-08-01", "--fixed-clock", self.FUTURE)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Dry run", p.stdout)
        july = self.q("SELECT count(*) FROM queries WHERE query_time < strftime('%s', '2026-08-01')")[0][0]
        self.assertGreater(july, 1000)
        self.assertRegex(p.stdout, r"queries\s+\d+")
        shown = int(p.stdout.split("queries", 1)[1].split()[0])
        kept = int(p.stdout.split("needs them: ", 1)[1].split()[0])
        self.assertEqual(shown + kept, july)
        self.assertEqual(counts(self.out), before)
        self.assertEqual(self.q("SELECT count(*) FROM destruction_records")[0][0], 0)

    def interactive(self, answer):
        """Runs purge on a pseudo-terminal and types `answer`."""
        master, slave = pty.openpty()
        proc = subprocess.Popen([BIN, "purge", "--output", self.out, "--before", "2026-08-01", "--fixed-clock",
                                 self.FUTURE, "--by", "檔案管理員 王小明"], cwd=WORK, stdin=slave, stdout=slave,
                                stderr=subprocess.PIPE)
        os.close(slave)
        seen = b""
        deadline = time.monotonic() + 60
        while b"Type PURGE" not in seen and time.monotonic() < deadline:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
        os.write(master, answer.encode() + b"\n")
        rest = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            rest += chunk
        proc.wait(timeout=120)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        os.close(master)
        return proc.returncode, (seen + rest).decode(errors="replace"), err

    def test_2_terminal_asks_for_purge_then_removes_and_records(self):
        before = counts(self.out)
        code, text, err = self.interactive("no")
        self.assertIn("Type PURGE", text)
        self.assertEqual(code, 1, text + err)
        self.assertIn("not confirmed", err)
        self.assertEqual(counts(self.out), before)

        # Queries that pending follow-ups rest on (evidence of findings whose follow-up is open).
        pending = {r[0] for r in self.q(
            "SELECT e.row_id FROM finding_evidence e JOIN findings f ON f.id = e.finding_id JOIN followups u"
            " ON u.key = f.key WHERE u.state IN ('open', 'report_received') AND e.kind = 0")}
        self.assertTrue(pending)
        code, text, err = self.interactive("PURGE")
        self.assertEqual(code, 0, text + err)
        self.assertIn("destruction record #1", text)
        left = {r[0] for r in self.q("SELECT id FROM queries WHERE query_time < strftime('%s', '2026-08-01')")}
        self.assertTrue(left)
        self.assertLessEqual(left, pending)
        rec = self.q("SELECT performed_by, before_date, retention_years, counts_json FROM destruction_records")
        self.assertEqual(len(rec), 1)
        self.assertEqual(rec[0][0], "檔案管理員 王小明")
        self.assertEqual(rec[0][2], 5)
        self.assertEqual(json.loads(rec[0][3])["queries"], before["queries"] - counts(self.out)["queries"])
        with open(os.path.join(WORK, self.out, "liaudit.log"), encoding="utf-8") as fh:
            self.assertIn("destruction record #1", fh.read())
        self.assertEqual(integrity(self.out), "ok")
        # The record itself cannot be removed.
        p = run(["sqlite3", db_of(self.out), "DELETE FROM destruction_records"], check=False)
        self.assertNotEqual(p.returncode, 0)

    def test_3_yes_by_then_jobs_still_run(self):
        p = self.purge("--before", "2026-09-01", "--fixed-clock", self.FUTURE, "--yes", "--by", "auditor")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("destruction record #2", p.stdout)
        self.assertEqual(integrity(self.out), "ok")
        self.assertEqual(self.q("SELECT count(*) FROM destruction_records")[0][0], 2)
        quarterly(self.out)  # the job still runs on what is left
        no_half_written(self, self.out, "after purge")
        # A purge keeps findings and the follow-up log: the chain (with its findings and
        # follow-up checks, issue 17) still verifies.
        v = liaudit("verify", "--chain", self.out, "--db", db_of(self.out), check=False)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)

    def test_4_a_killed_purge_is_all_or_nothing(self):
        out = "purgekill"
        quarterly(out)
        db = db_of(out)
        saved = os.path.join(WORK, "purgekill.saved.sqlite")
        src = sqlite3.connect(db)
        dst = sqlite3.connect(saved)
        src.backup(dst)
        src.close()
        dst.close()
        full = counts(out)
        outcomes = set()
        for delay in [0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.15]:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            shutil.copy(saved, db)
            logf = os.path.join(WORK, out, "liaudit.log")
            open(logf, "w").close()
            proc = subprocess.Popen([BIN, "purge", "--output", out, "--before", "2026-08-01", "--fixed-clock",
                                     self.FUTURE, "--yes", "--by", "auditor"], cwd=WORK, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for_line(logf, "start purge", time.monotonic() + 30)
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            context = "purge killed %.0f ms after it started" % (delay * 1000)
            self.assertEqual(integrity(out), "ok", context)
            now = counts(out)
            con = sqlite3.connect(db)
            recs = con.execute("SELECT counts_json FROM destruction_records").fetchall()
            con.close()
            if recs:  # committed: the record says exactly what went
                self.assertEqual(len(recs), 1, context)
                self.assertEqual(full["queries"] - now["queries"], json.loads(recs[0][0])["queries"], context)
                self.assertLess(now["queries"], full["queries"], context)
                outcomes.add("done")
            else:  # rolled back: nothing went
                self.assertEqual(now, full, context)
                outcomes.add("nothing")
        sys.stderr.write("  killed purges: %s\n" % sorted(outcomes))
        quarterly(out)  # and the store still serves jobs


if __name__ == "__main__":
    unittest.main(verbosity=2)
