"""liaudit serve against the real binary on 127.0.0.1: every route without a session, with
each role, with a forged or stale cookie, without the CSRF token; login throttling; path
traversal on downloads; an XSS payload from an input file shown escaped; the follow-up round
trip with a PDF upload; an ad hoc audit started, polled and its 附表4 verified; the access
log (chained, CSV, no full ID number); then 50 clients for 20 s while nightly jobs run."""
import csv
import glob
import hashlib
import io
import json
import itertools
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_common as cc  # noqa: E402
import e2e_common as c  # noqa: E402

LOAD_SECONDS = int(os.environ.get("LIAUDIT_CONSOLE_LOAD_SECONDS", "20"))

API_ROUTES = [("GET", "/api/session"), ("POST", "/api/logout"), ("GET", "/api/jobs"), ("GET", "/api/findings?job=2"),
              ("GET", "/api/followups"), ("POST", "/api/followups/R01%7CX/received"), ("POST", "/api/audits"),
              ("GET", "/api/audits/1"), ("GET", "/api/documents"), ("GET", "/api/download?path=x.pdf"),
              ("POST", "/api/verify"), ("GET", "/api/access-log"), ("GET", "/api/access-log.csv")]
PAGES = [("GET", "/"), ("GET", "/findings"), ("GET", "/finding?job=2&key=x"), ("GET", "/followups"),
         ("POST", "/followups"), ("GET", "/audits"), ("POST", "/audits"), ("GET", "/audits/1"), ("GET", "/documents"),
         ("GET", "/verify"), ("POST", "/verify"), ("GET", "/access-log"), ("POST", "/logout")]

# Which roles may do what (docs/console.md "Roles"): route → roles answered with something
# other than 403.
FORBIDDEN_UNLESS = {
    ("POST", "/api/followups/R01%7CX/received"): {"manager"},
    ("POST", "/api/audits"): {"manager", "auditor"},
    ("GET", "/api/access-log"): {"admin", "ethics"},
    ("GET", "/api/access-log.csv"): {"admin", "ethics"},
    ("GET", "/audits"): {"manager", "auditor"},
    ("POST", "/audits"): {"manager", "auditor"},
    ("POST", "/followups"): {"manager"},
    ("GET", "/access-log"): {"admin", "ethics"},
}


class Console(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="liaudit_console_e2e_")
        cc.make_workspace(cls.work)
        cls.srv = cc.Server(cls.work, seconds=900)

    @classmethod
    def tearDownClass(cls):
        rc = cls.srv.stop()
        err = cls.srv.read_log()
        if cc.FULL_ID.search(err):
            raise AssertionError("serve's log holds a full ID number: " + err)
        shutil.rmtree(cls.work, ignore_errors=True)
        if rc not in (0, -15):
            raise AssertionError("serve exited %s: %s" % (rc, err))

    # --- sessions and roles ---

    def test_01_every_route_without_a_session(self):
        for method, path in API_ROUTES:
            status, _, body = self.srv.request(method, path, {})
            self.assertEqual(status, 401, (method, path, body))
            self.assertIn("請先登入", body.decode("utf-8"))
        for method, path in PAGES:
            status, headers, _ = self.srv.request(method, path, "")
            self.assertIn(status, (302, 303), (method, path))
            self.assertEqual(headers.get("location"), "/login", (method, path))
        status, _, body = self.srv.request("GET", "/login")
        self.assertEqual(status, 200)
        self.assertIn("登入勞保查詢稽核主控台", body.decode("utf-8"))

    def test_01b_login_itself_cannot_be_forged_from_another_site(self):
        import re
        import urllib.parse
        form = {"user": "admin", "password": cc.PASSWORDS["admin"]}
        ctype = {"Content-Type": "application/x-www-form-urlencoded"}
        # A form posted from elsewhere has neither the page's token nor its cookie.
        status, headers, body = self.srv.request("POST", "/login", urllib.parse.urlencode(form), headers=ctype)
        self.assertEqual(status, 403, body[:200])
        self.assertNotIn("liaudit_session=", headers.get("set-cookie", ""))
        # A text/plain body that parses as JSON (what a cross-site form can send) is refused.
        status, headers, _ = self.srv.request("POST", "/api/login", json.dumps(form),
                                              headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        self.assertNotIn("liaudit_session=", headers.get("set-cookie", ""))
        # The console's own page: its token and cookie together log in.
        status, headers, body = self.srv.request("GET", "/login")
        token = re.search(r'name="csrf" value="([0-9a-f]{64})"', body.decode("utf-8")).group(1)
        cookie = headers["set-cookie"].split(";")[0]
        self.assertEqual(cookie, "liaudit_login=" + token)
        self.assertIn("SameSite=Strict", headers["set-cookie"])
        wrong = dict(form, csrf="0" * 64)
        status, _, _ = self.srv.request("POST", "/login", urllib.parse.urlencode(wrong), headers=dict(ctype, Cookie=cookie))
        self.assertEqual(status, 403)
        status, headers, _ = self.srv.request("POST", "/login", urllib.parse.urlencode(dict(form, csrf=token)),
                                              headers=dict(ctype, Cookie=cookie))
        self.assertEqual((status, headers.get("location")), (303, "/"))
        self.assertIn("liaudit_session=", headers.get("set-cookie", ""))

    def test_02_forged_and_stale_cookies(self):
        cookie, csrf = self.srv.login("ethics")
        self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=cookie)[0], 200)
        for forged in (secrets.token_hex(32), cookie[:-1] + ("0" if cookie[-1] != "0" else "1"), csrf, "x" * 64,
                       cookie + "00", "", "../../etc/passwd"):
            self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=forged)[0], 401, forged)
            status, headers, _ = self.srv.request("GET", "/", cookie=forged)
            self.assertEqual((status, headers.get("location")), (302, "/login"), forged)
        self.assertEqual(self.srv.request("POST", "/api/logout", cookie=cookie, csrf=csrf)[0], 200)
        self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=cookie)[0], 401)  # stale after logout
        # A disabled account's session ends at once.
        c.run([c.BIN, "user", "add", "temp", "--role", "auditor"], self.work, input="temporary-pass-1\n")
        cookie, _ = self.srv.login("temp", "temporary-pass-1")
        self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=cookie)[0], 200)
        c.run([c.BIN, "user", "disable", "temp"], self.work)
        self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=cookie)[0], 401)
        status, _, body = self.srv.request("POST", "/api/login", {"user": "temp", "password": "temporary-pass-1"})
        self.assertEqual(status, 401)
        # A new password ends the sessions opened before it.
        c.run([c.BIN, "user", "add", "temp2", "--role", "auditor"], self.work, input="temporary-pass-2\n")
        cookie, _ = self.srv.login("temp2", "temporary-pass-2")
        time.sleep(1.1)  # the store keeps whole seconds
        c.run([c.BIN, "user", "passwd", "temp2"], self.work, input="temporary-pass-3\n")
        self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=cookie)[0], 401)
        self.assertEqual(self.srv.request("POST", "/api/login", {"user": "temp2", "password": "temporary-pass-2"})[0], 401)
        cookie, _ = self.srv.login("temp2", "temporary-pass-3")
        self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=cookie)[0], 200)

    def test_03_cookie_flags(self):
        _, headers, _ = self.srv.request("POST", "/api/login", {"user": "admin", "password": cc.PASSWORDS["admin"]})
        cookie = headers["set-cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        self.assertNotIn("Secure", cookie)  # plain HTTP here; Secure under TLS
        self.assertRegex(cookie, r"^liaudit_session=[0-9a-f]{64};")

    def test_04_each_role(self):
        for role in cc.PASSWORDS:
            cookie, csrf = self.srv.login(role)
            for method, path in API_ROUTES + PAGES:
                if path in ("/api/logout", "/logout"):
                    continue
                body = {} if path.startswith("/api/") else ""
                status, _, data = self.srv.request(method, path, body, cookie=cookie, csrf=csrf)
                allowed = FORBIDDEN_UNLESS.get((method, path))
                if allowed is not None and role not in allowed:
                    self.assertEqual(status, 403, (role, method, path, data[:200]))
                else:
                    self.assertNotIn(status, (401, 403), (role, method, path, data[:200]))
            status, data = self.srv.json("GET", "/api/session", cookie=cookie)
            self.assertEqual((status, data.get("role")), (200, role))

    def test_05_csrf_token_required_for_every_change(self):
        cookie, csrf = self.srv.login("manager")
        key = cc.q("R01|" + cc.XSS_TXN)
        for method, path, body in [("POST", "/api/followups/%s/received" % key, {"note": "x"}),
                                   ("POST", "/api/audits", {"from": "2026-07-01", "to": "2026-07-02"}),
                                   ("POST", "/api/logout", {}), ("POST", "/api/verify", {"folder": "nightly/2026-09-30"}),
                                   ("POST", "/followups", "key=R01&action=close"), ("POST", "/logout", "")]:
            for token in (None, "0" * 64, csrf[:-1], csrf + "0"):
                status, _, data = self.srv.request(method, path, body, cookie=cookie, csrf=token)
                self.assertEqual(status, 403, (path, token, data))
        # Nothing was changed: the follow-up is still open, the session still alive.
        status, data = self.srv.json("GET", "/api/followups", cookie=cookie)
        state = {f["key"]: f["state"] for f in data["followups"]}
        self.assertEqual(state["R01|" + cc.XSS_TXN], "open")
        self.assertEqual(self.srv.request("GET", "/api/jobs", cookie=cookie)[0], 200)

    def test_06_login_messages_and_throttle(self):
        c.run([c.BIN, "user", "add", "victim", "--role", "ethics"], self.work, input="victim-password-1\n")
        wrong = self.srv.json("POST", "/api/login", {"user": "victim", "password": "not-the-password"})
        unknown = self.srv.json("POST", "/api/login", {"user": "nobody-here", "password": "not-the-password"})
        self.assertEqual(wrong, unknown)  # no user enumeration
        self.assertEqual(wrong[0], 401)
        self.assertEqual(self.srv.json("POST", "/api/login", {"user": "victim"})[0], 400)
        self.assertEqual(self.srv.request("POST", "/api/login", "not json",
                                          headers={"Content-Type": "application/json"})[0], 400)
        for _ in range(4):
            self.srv.json("POST", "/api/login", {"user": "victim", "password": "guess-guess-guess"})
        status, data = self.srv.json("POST", "/api/login", {"user": "victim", "password": "victim-password-1"})
        self.assertEqual(status, 429, data)  # locked even with the right password
        self.assertEqual(self.srv.json("POST", "/api/login", {"user": "nobody-here", "password": "x"})[0], 401)
        self.srv.login("admin")  # others still get in

    # --- downloads, escaping ---

    def test_07_downloads_stay_inside_the_output_folder(self):
        cookie, _ = self.srv.login("auditor")
        out = os.path.join(self.work, "output")
        os.symlink("/etc/passwd", os.path.join(out, "nightly", "passwd.pdf"))
        os.symlink("/etc", os.path.join(out, "etc-dir"))
        pdfs = sorted(glob.glob(os.path.join(out, "nightly", "2026-09-30", "*.pdf")))
        self.assertTrue(pdfs)
        good = os.path.relpath(pdfs[0], out)
        status, headers, data = self.srv.request("GET", "/api/download?path=" + cc.q(good), cookie=cookie)
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/pdf")
        self.assertTrue(data.startswith(b"%PDF-"))
        # The workbook's ODF twin, with its media type.
        ods = os.path.relpath(os.path.join(out, "nightly", "2026-09-30", "exceptions.ods"), out)
        status, headers, data = self.srv.request("GET", "/api/download?path=" + cc.q(ods), cookie=cookie)
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/vnd.oasis.opendocument.spreadsheet")
        self.assertTrue(data.startswith(b"PK") and b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in data[:100])
        for bad in ["../liaudit.ini", "nightly/../../liaudit.ini", "nightly/2026-09-30/../../../cert/demo-signer.pass",
                    "/etc/passwd", os.path.abspath(pdfs[0]), "nightly/passwd.pdf", "etc-dir/passwd",
                    "liaudit.sqlite", "nightly", "", "%2e%2e/liaudit.ini", "nightly/2026-09-30/../../../liaudit.ini\x00.pdf"]:
            status, _, data = self.srv.request("GET", "/api/download?path=" + cc.q(bad), cookie=cookie)
            self.assertIn(status, (400, 404), (bad, data[:100]))
            self.assertNotIn(b"root:", data)
            self.assertNotIn(b"SQLite format", data)
        # The raw, unencoded form too (httplib decodes it).
        status, _, data = self.srv.request("GET", "/api/download?path=../liaudit.ini", cookie=cookie)
        self.assertIn(status, (400, 404))
        for bad in ["..", "../..", "/etc", "etc-dir"]:
            status, data = self.srv.json("GET", "/api/documents?folder=" + cc.q(bad), cookie=cookie)
            self.assertIn(status, (400, 404), bad)
        status, data = self.srv.json("GET", "/api/documents", cookie=cookie)
        names = [e["name"] for e in data["entries"]]
        self.assertIn("nightly", names)
        self.assertNotIn("liaudit.sqlite", names)
        os.remove(os.path.join(out, "nightly", "passwd.pdf"))
        os.remove(os.path.join(out, "etc-dir"))

    def test_08_markup_from_input_files_stays_text(self):
        cookie, _ = self.srv.login("ethics")
        status, data = self.srv.json("GET", "/api/findings?job=2&rule=R01", cookie=cookie)
        self.assertEqual(status, 200)
        mine = [f for f in data["findings"] if f["txn"] == cc.XSS_TXN]
        self.assertEqual(len(mine), 1)
        self.assertIn(cc.XSS, mine[0]["evidence"][0]["row"])  # JSON carries the text as it is
        status, headers, page = self.srv.request("GET", "/finding?job=2&key=" + cc.q("R01|" + cc.XSS_TXN), cookie=cookie)
        self.assertEqual(status, 200)
        page = page.decode("utf-8")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn("liq_20260728.csv", page)
        self.assertIn("第 32 行", page)
        self.assertIn("script-src 'self'", headers["content-security-policy"])
        for path in ["/", "/findings?job=2", "/findings?job=2&account=%3Cscript%3E", "/followups", "/documents",
                     "/finding?job=2&key=" + cc.q("R01|" + cc.XSS_TXN), "/findings?rule=%22%3E%3Cscript%3Ex"]:
            status, _, page = self.srv.request("GET", path, cookie=cookie)
            self.assertNotIn(b"<script", page, path)
        self.assertIsNone(cc.FULL_ID.search(page.decode("utf-8")), "a page shows a full ID number")

    def test_08b_findings_filtered_by_unit_severity_account_date(self):
        cookie, _ = self.srv.login("auditor")
        everything = self.srv.json("GET", "/api/findings?job=2", cookie=cookie)[1]["findings"]
        units = {}
        for unit in ("身心障礙福利科", "社會救助科", "老人福利科", "兒童及少年福利科", "婦女及家庭服務科"):
            got = self.srv.json("GET", "/api/findings?job=2&unit=" + cc.q(unit), cookie=cookie)[1]["findings"]
            units[unit] = {f["key"] for f in got}
        self.assertTrue(any(units.values()))
        self.assertLess(max(len(v) for v in units.values()), len(everything))
        for a, b in itertools.combinations(units.values(), 2):
            self.assertFalse(a & b)  # one unit per account
        self.assertEqual(self.srv.json("GET", "/api/findings?job=2&unit=" + cc.q("沒有這個科"), cookie=cookie)[1]["findings"], [])
        high = self.srv.json("GET", "/api/findings?job=2&severity=high", cookie=cookie)[1]["findings"]
        self.assertTrue(high)
        self.assertTrue(all(f["severity"] == "high" for f in high))
        mine = self.srv.json("GET", "/api/findings?job=2&account=ksw6200&date=2026-07-28", cookie=cookie)[1]["findings"]
        self.assertIn(cc.XSS_TXN, [f["txn"] for f in mine])
        self.assertTrue(all(f["account"] == "ksw6200" for f in mine))
        self.assertEqual(self.srv.json("GET", "/api/findings?job=999", cookie=cookie)[0], 404)

    # --- follow-ups, audits, verify ---

    def test_09_followup_round_trip_with_a_scanned_report(self):
        cookie, csrf = self.srv.login("manager")
        key = "R01|" + cc.XSS_TXN
        pdfs = sorted(glob.glob(os.path.join(self.work, "output", "nightly", "2026-09-30", "*.pdf")))
        with open(pdfs[0], "rb") as fh:
            report = fh.read()
        body, ctype = cc.multipart({"note": "檢討報告已收（115年10月1日）"}, {"report": ("檢討報告.pdf", report)})
        status, _, data = self.srv.request("POST", "/api/followups/%s/received" % cc.q(key), body, cookie, csrf,
                                           {"Content-Type": ctype})
        self.assertEqual(status, 200, data)
        sha = hashlib.sha256(report).hexdigest()
        kept = os.path.join(self.work, "output", "followup-reports", sha + ".pdf")
        self.assertTrue(os.path.isfile(kept))
        self.assertEqual(os.stat(os.path.dirname(kept)).st_mode & 0o077, 0)
        # Not a PDF, or too large: refused, nothing recorded.
        body, ctype = cc.multipart({"note": "x"}, {"report": ("x.pdf", b"<html>not a pdf</html>")})
        status, _, _ = self.srv.request("POST", "/api/followups/%s/received" % cc.q(key), body, cookie, csrf,
                                        {"Content-Type": ctype})
        self.assertEqual(status, 415)
        self.assertEqual(self.srv.json("POST", "/api/followups/%s/close" % cc.q(key), {"note": "已改善"}, cookie, csrf)[0], 200)
        self.assertEqual(self.srv.json("POST", "/api/followups/%s/reopen" % cc.q(key), {"note": "再查"}, cookie, csrf)[0], 200)
        self.assertEqual(self.srv.json("POST", "/api/followups/%s/close" % cc.q("R01|NO-SUCH"), {}, cookie, csrf)[0], 404)
        status, data = self.srv.json("GET", "/api/findings?job=2&key=" + cc.q(key), cookie=cookie)
        history = [(h["from"], h["to"], h["by"]) for h in data["history"]]
        self.assertEqual(history[-3:], [("open", "report_received", "manager"), ("report_received", "closed", "manager"),
                                        ("closed", "open", "manager")])
        self.assertIn(sha, data["history"][-3]["note"])
        state = {f["key"]: f for f in self.srv.json("GET", "/api/followups", cookie=cookie)[1]["followups"]}
        self.assertEqual(state[key]["state"], "open")
        self.assertEqual(state[key]["updated_by"], "manager")
        # The command line sees the same store.
        listing = c.run([c.BIN, "followup", "list"], self.work).stdout
        self.assertIn(cc.XSS_TXN, listing)

    def test_10_audit_in_the_background_then_its_form4_verifies(self):
        cookie, csrf = self.srv.login("auditor")
        self.assertEqual(self.srv.json("POST", "/api/audits", {"from": "2026-09-31", "to": "2026-09-30"}, cookie, csrf)[0], 400)
        self.assertEqual(self.srv.json("POST", "/api/audits", {"from": "2026-09-30", "to": "2026-07-01"}, cookie, csrf)[0], 400)
        self.assertEqual(self.srv.request("POST", "/api/audits", "[", cookie, csrf)[0], 400)
        status, a = self.srv.json("POST", "/api/audits", {"from": "2026-07-01", "to": "2026-09-30", "auditor": "王稽核",
                                                          "audit_unit": "社會局政風室", "accounts": ["ksw6200"]}, cookie, csrf)
        self.assertEqual(status, 202, a)
        deadline = time.monotonic() + 300
        while a["state"] == "running" and time.monotonic() < deadline:
            time.sleep(0.5)
            status, a = self.srv.json("GET", "/api/audits/%d" % a["id"], cookie=cookie)
            self.assertEqual(status, 200)
        self.assertEqual(a["state"], "ok", a)
        self.assertEqual(a["by"], "auditor")
        self.assertEqual(self.srv.json("GET", "/api/audits/9999", cookie=cookie)[0], 404)
        form4 = [d for d in a["documents"] if "附表4" in d and d.endswith(".pdf")]
        self.assertTrue(form4, a["documents"])
        status, _, pdf = self.srv.request("GET", "/api/download?path=" + cc.q(form4[0]), cookie=cookie)
        self.assertEqual(status, 200)
        path = os.path.join(self.work, "downloaded-form4.pdf")
        with open(path, "wb") as fh:
            fh.write(pdf)
        c.run([c.BIN, "verify", path], self.work)  # exit 0: signature valid
        text = c.run(["pdftotext", "-layout", path, "-"], self.work).stdout
        self.assertIn("王稽核", text)
        # The console's own verify: the download passes, one flipped byte does not.
        body, ctype = cc.multipart({}, {"pdf": ("form4.pdf", pdf)})
        status, _, data = self.srv.request("POST", "/api/verify", body, cookie, csrf, {"Content-Type": ctype})
        self.assertEqual(status, 200, data)
        self.assertIn("驗證通過".encode(), data)
        bad = bytearray(pdf)
        i = len(bad) // 3
        bad[i] = (bad[i] + 1) % 256
        body, ctype = cc.multipart({}, {"pdf": ("form4.pdf", bytes(bad))})
        status, _, data = self.srv.request("POST", "/api/verify", body, cookie, csrf, {"Content-Type": ctype})
        self.assertEqual(status, 200)
        self.assertIn("驗證未通過".encode(), data)
        status, data = self.srv.json("POST", "/api/verify", {"folder": a["folder"]}, cookie, csrf)
        self.assertEqual((status, data.get("ok")), (200, True), data)
        self.assertEqual(self.srv.json("POST", "/api/verify", {"folder": "../"}, cookie, csrf)[0], 400)

    # --- the access log ---

    def test_11_access_log(self):
        admin, _ = self.srv.login("admin")
        status, data = self.srv.json("GET", "/api/access-log?limit=0", cookie=admin)
        self.assertEqual(status, 200)
        actions = {e["action"] for e in data["entries"]}
        for a in ("login", "login_failed", "login_locked", "logout", "view_jobs", "view_finding", "download",
                  "download_refused", "followup_received", "followup_close", "followup_reopen", "audit_start",
                  "verify", "csrf_refused", "forbidden"):
            self.assertIn(a, actions)
        self.assertTrue(any(e["action"] == "download" and e["user"] == "auditor" and e["client"] == "127.0.0.1"
                            for e in data["entries"]))
        self.assertTrue(any(e["action"] == "login_failed" and e["user"] == "nobody-here" for e in data["entries"]))
        ethics, _ = self.srv.login("ethics")
        status, headers, body = self.srv.request("GET", "/api/access-log.csv", cookie=ethics)
        self.assertEqual(status, 200)
        self.assertIn("text/csv", headers["content-type"])
        text = body.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][:4], ["時間", "使用者", "來源位址", "動作"])
        self.assertGreater(len(rows), 20)
        self.assertIsNone(cc.FULL_ID.search(text), "the access log holds a full ID number")
        store = os.path.join(self.work, "output", "liaudit.sqlite")
        dump = c.run(["sqlite3", store, "SELECT user, client, action, target, outcome FROM console_log"], self.work).stdout
        self.assertIsNone(cc.FULL_ID.search(dump))
        # Append-only in the file itself.
        p = c.run(["sqlite3", store, "DELETE FROM console_log WHERE id = 1"], self.work, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("append-only", p.stderr)
        self.assertEqual(self.srv.request("GET", "/api/access-log", cookie=self.srv.login("manager")[0])[0], 403)
        # `verify --chain` checks the log's hash chain: sound as written; an entry edited past the
        # triggers (on a copy of the store) is named.
        p = c.run([c.BIN, "verify", "--chain", "output"], self.work, check=False)
        self.assertNotIn("CONSOLE", p.stdout + p.stderr)
        copy = os.path.join(self.work, "tampered.sqlite")
        c.run(["sqlite3", store, ".backup '%s'" % copy], self.work)
        c.run(["sqlite3", copy, "DROP TRIGGER console_log_no_update; UPDATE console_log SET target = 'x' WHERE id = 2"],
              self.work)
        p = c.run([c.BIN, "verify", "--chain", "output", "--db", copy], self.work, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("CONSOLE  console log entry 2 was changed after it was written", p.stdout)

    # --- load ---

    def test_12_fifty_clients_while_nightlies_run(self):
        cookie, _ = self.srv.login("manager")
        open_keys = [f["key"] for f in self.srv.json("GET", "/api/followups", cookie=cookie)[1]["followups"]
                     if f["state"] == "open" and f["key"] != "R01|" + cc.XSS_TXN][:5]
        self.assertEqual(len(open_keys), 5)
        before = {}
        for k in open_keys:
            before[k] = len(self.srv.json("GET", "/api/findings?job=2&key=" + cc.q(k), cookie=cookie)[1]["history"])
        r = cc.load_run(self.srv, self.work, LOAD_SECONDS, 50, open_keys)
        p95 = cc.percentile(r["latencies"], 95)
        print("load: %d requests in %d s by 50 clients, %d nightly jobs, p50 %.3f s, p95 %.3f s, max %.3f s, errors %d"
              % (r["requests"], LOAD_SECONDS, r["nightlies"], cc.percentile(r["latencies"], 50), p95,
                 r["latencies"][-1] if r["latencies"] else 0, len(r["errors"])), file=sys.stderr)
        self.assertEqual(r["errors"], [], r["errors"][:10])
        self.assertGreater(r["nightlies"], 0)
        self.assertGreater(r["requests"], 50)
        for k in open_keys:  # every answered change is in the history: none lost
            history = self.srv.json("GET", "/api/findings?job=2&key=" + cc.q(k), cookie=cookie)[1]["history"]
            self.assertEqual(len(history) - before[k], r["changes"][k], k)
            self.assertGreater(r["changes"][k], 0)


    # --- retention ---

    def test_13_purge_keeps_the_access_log_for_its_own_retention(self):
        work = tempfile.mkdtemp(prefix="liaudit_console_purge_")
        try:
            os.makedirs(os.path.join(work, "output"))
            for name, when in (("old", "2018-03-01"), ("mid", "2020-03-01"), ("new", "2024-03-01")):
                c.run([c.BIN, "user", "add", name, "--role", "ethics", "--fixed-clock", when + " 10:00:00"], work,
                      input="a-long-password-1\n")
            clock = ["--fixed-clock", "2026-12-01 10:00:00"]
            out = c.run([c.BIN, "purge", "--before", "2021-06-01", "--retention.console_log_years", "7"] + clock,
                        work).stdout
            self.assertIn("console access log entries before 2019-12-01 (retention 7 years): 1", out)
            c.run([c.BIN, "purge", "--before", "2021-06-01", "--yes", "--by", "clerk",
                   "--retention.console_log_years", "7"] + clock, work)
            store = os.path.join(work, "output", "liaudit.sqlite")
            left = c.run(["sqlite3", store, "SELECT target FROM console_log ORDER BY id"], work).stdout.split()
            self.assertEqual(left, ["mid", "new"])
            purges = c.run(["sqlite3", store, "SELECT performed_by FROM console_log_purges"], work).stdout.split()
            self.assertEqual(purges, ["clerk"])
            # The default (5 years) then takes 'mid' too.
            c.run([c.BIN, "purge", "--before", "2021-06-01", "--yes", "--by", "clerk"] + clock, work)
            left = c.run(["sqlite3", store, "SELECT target FROM console_log ORDER BY id"], work).stdout.split()
            self.assertEqual(left, ["new"])
            self.assertNotEqual(c.run([c.BIN, "purge", "--before", "2021-06-01", "--retention.console_log_years", "0"]
                                      + clock, work, check=False).returncode, 0)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_14_https_with_a_certificate_and_secure_cookies(self):
        import http.client
        import ssl
        tls = os.path.join(self.work, "tls")
        os.makedirs(tls)
        crt, key = os.path.join(tls, "console.crt"), os.path.join(tls, "console.key")
        c.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
               "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", crt], self.work)
        self.assertNotEqual(c.run([c.BIN, "serve", "--listen", "127.0.0.1:0", "--tls-cert", crt], self.work,
                                  check=False).returncode, 0)  # both or neither
        proc = subprocess.Popen([c.BIN, "serve", "--listen", "127.0.0.1:0", "--tls-cert", crt, "--tls-key", key,
                                 "--exit-after", "60"], cwd=self.work, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            line = proc.stdout.readline()
            m = re.match(r"listening on https://127\.0\.0\.1:(\d+)/", line)
            self.assertTrue(m, line)
            ctx = ssl.create_default_context(cafile=crt)
            conn = http.client.HTTPSConnection("127.0.0.1", int(m.group(1)), context=ctx, timeout=30)
            conn.request("POST", "/api/login", body=json.dumps({"user": "ethics", "password": cc.PASSWORDS["ethics"]}),
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            cookie = r.getheader("Set-Cookie")
            self.assertIn("Secure", cookie)
            self.assertIn("HttpOnly", cookie)
            conn.close()
        finally:
            proc.terminate()
            proc.wait(20)
            proc.stdout.close()

    def test_15_uploads_are_bounded(self):
        cookie, csrf = self.srv.login("auditor")
        big = b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024)
        body, ctype = cc.multipart({}, {"pdf": ("big.pdf", big)})
        status, _, _ = self.srv.request("POST", "/api/verify", body, cookie, csrf, {"Content-Type": ctype})
        self.assertEqual(status, 413)


if __name__ == "__main__":
    unittest.main(verbosity=2)
