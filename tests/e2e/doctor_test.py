#!/usr/bin/python3
"""liaudit doctor on a real workspace: the demo quarter, the DEMO certificate, one nightly;
then one thing broken at a time (a folder other users can read, a corrupt store, missing
templates, a wrong key password, a certificate about to expire) and each must show as its
own FAIL or WARN line, with exit 1 exactly when something FAILs.

Run by ctest with LIAUDIT_BIN and LIAUDIT_SRC set."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import e2e_common
from e2e_common import BIN

CLOCK = ["--fixed-clock", "2026-10-01 03:00:00"]
RESPONDER = os.environ.get("LIAUDIT_RESPONDER", "build/tests/tools/liaudit-responder")


def read(path):
    with open(path) as fh:
        return fh.read().strip()


def lines(out):
    """{check name: (status, detail)} from doctor's plain output."""
    got = {}
    for line in out.splitlines():
        if line.startswith("doctor:"):
            continue
        status, rest = line.split(None, 1)
        name, detail = rest.split(": ", 1)
        got[name] = (status, detail)
    return got


class Doctor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="liaudit-doctor-")
        e2e_common.gen_demo(cls.work)
        e2e_common.prepare_signing(cls.work)
        for root, dirs, _ in os.walk(os.path.join(cls.work, "input")):
            os.chmod(root, 0o700)
        os.chmod(os.path.join(cls.work, "liaudit.ini"), 0o600)
        e2e_common.run([BIN, "nightly", "--date", "2026-09-30", "--no-progress"] + CLOCK, cls.work)

    @classmethod
    def tearDownClass(cls):
        if not os.environ.get("LIAUDIT_KEEP_E2E"):
            shutil.rmtree(cls.work, ignore_errors=True)

    def doctor(self, *args, expect, clock=CLOCK):
        p = e2e_common.run([BIN, "doctor"] + clock + list(args), self.work, check=False)
        self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return lines(p.stdout)

    def test_healthy(self):
        got = self.doctor(expect=0)
        for name in ("settings", "input folder", "output folder", "store", "fonts", "templates", "signer",
                     "last nightly"):
            self.assertEqual(got[name][0], "OK", (name, got[name]))
        self.assertIn("schema version", got["store"][1])
        self.assertIn("U+20000", got["fonts"][1])
        self.assertIn("TW-Kai-Ext-B", got["fonts"][1])
        self.assertIn("valid until", got["signer"][1])
        self.assertEqual(got["timestamp"][0], "SKIP")   # the demo signs at B-B
        self.assertIn(got["systemd timers"][0], ("SKIP", "OK", "WARN"))

    def test_json(self):
        p = e2e_common.run([BIN, "doctor", "--json"] + CLOCK, self.work)
        doc = json.loads(p.stdout)
        self.assertIs(doc["ok"], True)
        self.assertEqual(list(doc), ["ok", "checks"])
        for c in doc["checks"]:
            self.assertEqual(sorted(c), ["detail", "name", "status"])
            self.assertIn(c["status"], ("OK", "WARN", "FAIL", "SKIP"))
        self.assertIn("last nightly", [c["name"] for c in doc["checks"]])

    def test_output_readable_by_others(self):
        out = os.path.join(self.work, "output")
        os.chmod(out, 0o755)
        try:
            got = self.doctor(expect=1)
            p = e2e_common.run([BIN, "doctor", "--json"] + CLOCK, self.work, check=False)
            self.assertIs(json.loads(p.stdout)["ok"], False)
        finally:
            os.chmod(out, 0o700)
        self.assertEqual(got["output folder"][0], "FAIL")
        self.assertIn("0755", got["output folder"][1])
        self.assertEqual(got["store"][0], "OK")  # only the broken check fails

    def test_settings_readable_by_others(self):
        ini = os.path.join(self.work, "liaudit.ini")
        os.chmod(ini, 0o644)
        try:
            got = self.doctor(expect=0)
        finally:
            os.chmod(ini, 0o600)
        self.assertEqual(got["settings"][0], "WARN")
        self.assertIn("0644", got["settings"][1])

    def test_missing_input_folder(self):
        got = self.doctor("--input", os.path.join(self.work, "no-such-input"), expect=1)
        self.assertEqual(got["input folder"][0], "FAIL")
        self.assertIn("does not exist", got["input folder"][1])

    def test_corrupt_store(self):
        work = tempfile.mkdtemp(prefix="liaudit-doctor-store-")
        try:
            os.chmod(work, 0o700)
            db = os.path.join(work, "liaudit.sqlite")
            shutil.copy(os.path.join(self.work, "output", "liaudit.sqlite"), db)
            os.chmod(db, 0o600)
            size = os.path.getsize(db)
            with open(db, "r+b") as fh:  # every page after the first two: garbage
                fh.seek(2 * 16384)
                fh.write(b"\xa5" * (size - 2 * 16384))
            got = self.doctor("--db", db, expect=1)
            self.assertEqual(got["store"][0], "FAIL", got["store"])
            with open(db, "r+b") as fh:  # not a database at all
                fh.write(b"this is not sqlite" * 10)
            got = self.doctor("--db", db, expect=1)
            self.assertEqual(got["store"][0], "FAIL", got["store"])
            self.assertEqual(got["last nightly"][0], "SKIP")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_missing_store_is_a_warning(self):
        got = self.doctor("--db", os.path.join(self.work, "output", "none.sqlite"), expect=0)
        self.assertEqual(got["store"][0], "WARN")
        self.assertEqual(got["last nightly"][0], "WARN")

    def test_broken_templates_and_fonts(self):
        bad = os.path.join(self.work, "bad-templates")
        shutil.copytree(os.path.join(e2e_common.SRC, "templates"), bad, dirs_exist_ok=True)
        os.remove(os.path.join(bad, "form3.tpl"))
        got = self.doctor("--render.templates", bad, "--render.fonts", os.path.join(self.work, "none.conf"), expect=1)
        self.assertEqual(got["templates"][0], "FAIL")
        self.assertIn("form3.tpl", got["templates"][1])
        self.assertEqual(got["fonts"][0], "FAIL")

    def test_signer(self):
        wrong = os.path.join(self.work, "wrong.pass")
        with open(wrong, "w") as fh:
            fh.write("not the password\n")
        os.chmod(wrong, 0o600)
        got = self.doctor("--signing.password_file", wrong, expect=1)
        self.assertEqual(got["signer"][0], "FAIL")
        # The demo certificate is valid for about a year: inside a 100-year warning period.
        got = self.doctor("--signing.expiry_warning_days", "36500", expect=0)
        self.assertEqual(got["signer"][0], "WARN")
        self.assertIn("expiry_warning_days", got["signer"][1])
        got = self.doctor("--unsigned", expect=0)
        self.assertEqual(got["signer"][0], "SKIP")

    def test_timestamp(self):
        """At B-T the signer's load makes a trial timestamp: a TSA that answers is OK; one that
        does not is a WARN with on_tsa_failure = B-B (the level reached is B-B) and a FAIL of the
        signer otherwise."""
        if not os.path.exists(RESPONDER):
            self.skipTest("no liaudit-responder")
        port_file = os.path.join(self.work, "tsa.port")
        tsa = subprocess.Popen([RESPONDER, "--port", "0", "--port-file", port_file, "--pki",
                                os.path.join(self.work, "pki"), "--max-seconds", "300"], stderr=subprocess.DEVNULL)
        try:
            for _ in range(250):
                if os.path.exists(port_file) and read(port_file):
                    break
                time.sleep(0.02)
            port = read(port_file)
            e2e_common.run(["bash", os.path.join(e2e_common.SRC, "scripts", "make-test-pki.sh"),
                            os.path.join(self.work, "pki"), port], self.work)
            bt = ["--signing.level", "B-T", "--signing.tsa_ca_file", "pki/anchors.pem"]
            got = self.doctor("--signing.tsa_url", "http://127.0.0.1:%s/tsa" % port, *bt, expect=0)
            self.assertEqual(got["timestamp"][0], "OK", got["timestamp"])
            self.assertIn("PAdES B-T", got["timestamp"][1])
        finally:
            tsa.send_signal(signal.SIGTERM)
            tsa.wait(timeout=10)
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            closed = "http://127.0.0.1:%d/tsa" % s.getsockname()[1]
        got = self.doctor("--signing.tsa_url", closed, "--signing.on_tsa_failure", "B-B", "--signing.tsa_attempts", "1",
                          *bt, expect=0)
        self.assertEqual(got["timestamp"][0], "WARN", got["timestamp"])
        self.assertIn("B-B instead of B-T", got["timestamp"][1])
        got = self.doctor("--signing.tsa_url", closed, "--signing.tsa_attempts", "1", *bt, expect=1)
        self.assertEqual(got["signer"][0], "FAIL", got["signer"])

    def test_old_nightly_is_a_warning(self):
        got = self.doctor(expect=0, clock=["--fixed-clock", "2026-10-09 03:00:00"])
        self.assertEqual(got["last nightly"][0], "WARN")
        self.assertIn("two days", got["last nightly"][1])


if __name__ == "__main__":
    unittest.main()
