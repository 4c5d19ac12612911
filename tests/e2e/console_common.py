"""What the console's tests and benchmark share: a workspace with the demo quarter (one
querier name replaced by an XSS payload), its jobs, one account per role, `liaudit serve` on
127.0.0.1 with a free port and bounds that stop it by itself, a small HTTP client that keeps
nothing between calls (so each test says which cookie and CSRF token it sends), and the
bounded load run (many clients while nightly jobs run)."""
import http.client
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
import uuid

import e2e_common as c

XSS = "<script>alert(1)</script>"
XSS_TXN = "GSP1150728000696"  # the demo quarter's R01 finding on 2026-07-28 (seed 20260701)
PASSWORDS = {"admin": "admin-password-0001", "manager": "manager-password-01",
             "auditor": "auditor-password-01", "ethics": "ethics-password-001"}
FULL_ID = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-D1289]\d{8}(?![0-9])")


def make_workspace(work):
    """The demo quarter, signed, its quarterly and one nightly run, an account per role
    (named after the role); the querier name of XSS_TXN's row is the XSS payload."""
    c.gen_demo(work)
    c.prepare_signing(work)
    path = os.path.join(work, "input", "platform", "liq_20260728.csv")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(XSS_TXN + ","):
            cols = line.split(",")
            cols[7] = XSS
            lines[i] = ",".join(cols)
            break
    else:
        raise AssertionError("the demo quarter has no row " + XSS_TXN)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    c.run([c.BIN, "nightly", "--date", "2026-09-30"], work)  # job 1
    c.run([c.BIN, "quarterly", "--quarter", "2026Q3"], work)  # job 2, the findings the tests look at
    for role, pw in PASSWORDS.items():
        c.run([c.BIN, "user", "add", role, "--role", role], work, input=pw + "\n")


class Server:
    """`liaudit serve` on 127.0.0.1, a free port, stopping by itself after `seconds`."""

    def __init__(self, work, seconds=600, extra=()):
        # Its log into a file: a pipe nobody reads would stop the server once full.
        self.log_path = os.path.join(work, "serve-%d.log" % time.monotonic_ns())
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen([c.BIN, "serve", "--listen", "127.0.0.1:0", "--exit-after", str(seconds)]
                                     + list(extra), cwd=work, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise AssertionError("serve did not start: %r %s" % (line, self.read_log()))
        self.port = int(m.group(1))

    def read_log(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, encoding="utf-8") as fh:
            return fh.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        return self.proc.returncode

    def request(self, method, path, body=None, cookie=None, csrf=None, headers=None, timeout=60):
        """(status, headers as a dict with lower-case names, body bytes); no redirects followed.
        body: bytes, a str, or a dict (sent as JSON)."""
        h = {"Connection": "close"}
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        elif isinstance(body, str):
            body = body.encode()
        if cookie:
            h["Cookie"] = "liaudit_session=" + cookie
        if csrf:
            h["X-CSRF-Token"] = csrf
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            conn.close()

    def json(self, method, path, body=None, cookie=None, csrf=None):
        status, _, data = self.request(method, path, body, cookie, csrf)
        try:
            return status, json.loads(data.decode("utf-8"))
        except ValueError:
            return status, {"raw": data.decode("utf-8", "replace")}

    def login(self, user, password=None):
        """(session cookie, CSRF token) of a fresh login; fails when the login does."""
        status, headers, data = self.request("POST", "/api/login",
                                             {"user": user, "password": password or PASSWORDS[user]})
        if status != 200:
            raise AssertionError("login %s: %d %s" % (user, status, data.decode("utf-8", "replace")))
        m = re.match(r"liaudit_session=([0-9a-f]{64});", headers.get("set-cookie", ""))
        if not m:
            raise AssertionError("login %s: no session cookie in %r" % (user, headers))
        return m.group(1), json.loads(data)["csrf"]


def multipart(fields, files):
    """(body bytes, content type) of a multipart/form-data request; files: name → (filename, bytes)."""
    boundary = uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode()
        out += value.encode() + b"\r\n"
    for name, (filename, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/pdf\r\n\r\n" % (boundary, name, filename)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


def q(s):
    return urllib.parse.quote(s, safe="")


def load_run(srv, work, seconds, clients=50, followup_keys=()):
    """`clients` threads hit the pages and the API for `seconds` while nightly jobs run one
    after another; the first len(followup_keys) clients are managers that each move one
    follow-up back and forth (received, reopen). Returns a dict: requests, errors (a list of
    what went wrong), latencies (seconds, sorted), nightlies (how many ran), changes (key →
    how many changes were answered 200)."""
    sessions = {role: srv.login(role) for role in ("manager", "auditor", "ethics", "admin")}
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    latencies, errors = [], []
    changes = {k: 0 for k in followup_keys}
    nightlies = [0]

    def nightly_loop():
        day = 1
        while time.monotonic() < stop_at:
            p = c.run([c.BIN, "nightly", "--date", "2026-08-%02d" % day], work, check=False)
            with lock:
                if p.returncode != 0:
                    errors.append("nightly 2026-08-%02d exited %d: %s" % (day, p.returncode, p.stderr[-500:]))
                nightlies[0] += 1
            day = day % 28 + 1

    pages = ["/", "/findings?job=2", "/followups", "/documents", "/api/jobs", "/api/findings?job=2&rule=R01",
             "/api/followups", "/finding?job=2&key=" + q("R01|" + XSS_TXN), "/verify"]

    def client(i):
        roles = ["auditor", "ethics", "admin", "manager"]
        key = followup_keys[i] if i < len(followup_keys) else None
        cookie, csrf = sessions["manager" if key else roles[i % len(roles)]]
        n = 0
        while time.monotonic() < stop_at:
            if key:
                action = "received" if n % 2 == 0 else "reopen"
                path, method, body = "/api/followups/%s/%s" % (q(key), action), "POST", {"note": "load %d" % n}
            else:
                path, method, body = pages[(i + n) % len(pages)], "GET", None
            t0 = time.monotonic()
            try:
                status, _, data = srv.request(method, path, body, cookie, csrf if method == "POST" else None)
            except Exception as e:  # noqa: BLE001 - every failure is counted, none is fatal here
                status, data = -1, str(e).encode()
            dt = time.monotonic() - t0
            with lock:
                latencies.append(dt)
                if status != 200:
                    errors.append("%s %s: %d %s" % (method, path, status, data[:200].decode("utf-8", "replace")))
                elif key:
                    changes[key] += 1
            n += 1

    threads = [threading.Thread(target=nightly_loop)] + [threading.Thread(target=client, args=(i,))
                                                         for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "latencies": latencies, "nightlies": nightlies[0],
            "changes": changes}


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100.0 * (len(sorted_values) - 1))))]
