"""The console in a real browser: Debian's chromium, headless, driven over the DevTools
protocol (python3-websocket, from Debian too; no npm needed). Logs in, finds a finding (an
XSS payload in its evidence shown as text), records a review report with a PDF upload,
starts an ad hoc audit and waits for it, downloads its 附表4 and verifies it, uses 驗證 and
the access log. A screenshot of each page goes to LIAUDIT_ARTIFACTS (default
./console-screenshots under the test's working folder, the build tree under ctest).
Skips, saying why, only when chromium or python3-websocket is absent."""
import base64
import glob
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_common as cc  # noqa: E402
import e2e_common as c  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    import websocket  # Debian python3-websocket
except ImportError:
    websocket = None

ARTIFACTS = os.path.abspath(os.environ.get("LIAUDIT_ARTIFACTS", "console-screenshots"))


class Browser:
    """One headless chromium with one page, spoken to over the DevTools protocol."""

    def __init__(self, profile, downloads):
        args = [CHROMIUM, "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=1280,900", "--lang=zh-TW", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # chromium refuses to run as root with its sandbox
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        ws_url = None
        while time.monotonic() < deadline and ws_url is None:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                raise AssertionError("chromium exited %s" % self.proc.returncode)
            m = re.search(r"DevTools listening on (ws://127\.0\.0\.1:(\d+)/\S+)", line)
            if m:
                ws_url, port = m.group(1), int(m.group(2))
        if ws_url is None:
            raise AssertionError("chromium did not open its DevTools port")
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10))
        page = [t for t in targets if t["type"] == "page"][0]
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("DOM.enable")
        self.send("Page.setDownloadBehavior", behavior="allow", downloadPath=downloads)

    def send(self, method, **params):
        i = next(self.ids)
        self.ws.send(json.dumps({"id": i, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == i:
                if "error" in msg:
                    raise AssertionError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def js(self, expression):
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise AssertionError("%s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expression, seconds=60, what=None):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.js(expression):
                    return
            except AssertionError:
                pass  # the page is navigating
            time.sleep(0.2)
        raise AssertionError("timed out waiting for %s (at %s)" % (what or expression, self.js("location.href")))

    def goto(self, url):
        """Navigates and waits for the page loaded at the end (after any redirect)."""
        before = self.js("performance.timeOrigin")
        self.send("Page.navigate", url=url)
        self.wait("performance.timeOrigin !== %r && document.readyState === 'complete'" % before, what=url)

    def click_and_wait(self, selector, path_regex):
        """Clicks selector, then waits for a loaded page whose path (and query) matches path_regex."""
        before = self.js("performance.timeOrigin")
        self.js("document.querySelector(%s).click()" % json.dumps(selector))
        self.wait("performance.timeOrigin !== %r && document.readyState === 'complete' && "
                  "new RegExp(%s).test(location.pathname + location.search)" % (before, json.dumps(path_regex)),
                  what=path_regex)

    def type_into(self, selector, text):
        """Focuses the field and types as a keyboard would (Input.insertText)."""
        self.js("document.querySelector(%s).focus()" % json.dumps(selector))
        self.send("Input.insertText", text=text)

    def set_files(self, selector, paths):
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        self.send("DOM.setFileInputFiles", nodeId=node, files=paths)

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        # A page that refreshes itself (an audit's) may be mid-load when the condition a test
        # waited for already holds: shoot it once it is laid out, not while it has no width.
        self.wait("document.readyState === 'complete' && document.documentElement.clientWidth > 0",
                  what="a laid-out page for " + name)
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path = os.path.join(ARTIFACTS, name + ".png")
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))
        return path

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@unittest.skipIf(CHROMIUM is None, "chromium is not installed (apt-get install chromium): browser tests skipped")
@unittest.skipIf(websocket is None, "python3-websocket is not installed (apt-get install python3-websocket): "
                                    "browser tests skipped")
class ConsoleInABrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="liaudit_console_browser_")
        cc.make_workspace(cls.work)
        cls.srv = cc.Server(cls.work, seconds=600)
        cls.base = "http://127.0.0.1:%d" % cls.srv.port
        cls.downloads = os.path.join(cls.work, "downloads")
        os.makedirs(cls.downloads)
        cls.b = Browser(os.path.join(cls.work, "profile"), cls.downloads)

    @classmethod
    def tearDownClass(cls):
        cls.b.close()
        cls.srv.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def login(self, user):
        b = self.b
        b.goto(self.base + "/login")
        b.type_into("#user", user)
        b.type_into("#password", cc.PASSWORDS[user])
        b.click_and_wait("form button[type=submit]", "^/$")

    def test_clerk_walks_through_the_console(self):
        b = self.b
        b.goto(self.base + "/findings")  # no session: sent to the login page
        self.assertEqual(b.js("location.pathname"), "/login")
        b.screenshot("01-login")
        b.type_into("#user", "manager")
        b.type_into("#password", "wrong-password-000")
        b.click_and_wait("form button[type=submit]", "^/login")
        self.assertIn("帳號或密碼錯誤", b.js("document.body.innerText"))
        self.login("manager")
        self.assertEqual(b.js("document.querySelector('h1').innerText"), "總覽")
        self.assertEqual(b.js("document.documentElement.lang"), "zh-Hant-TW")
        self.assertIn("最近一次季報", b.js("document.body.innerText"))
        b.screenshot("02-overview")

        # 異常明細: filter by rule, open the finding whose evidence holds the payload.
        b.click_and_wait("nav a[href='/findings']", "^/findings")
        b.type_into("#rule", "R01")
        b.js("document.getElementById('job').value = '2'")
        b.click_and_wait("main form button[type=submit]", "^/findings\\?job=2&rule=R01")
        rows = b.js("document.querySelectorAll('main tbody tr').length")
        self.assertEqual(rows, 5)
        b.screenshot("03-findings")
        b.click_and_wait("a[href*='%s']" % cc.XSS_TXN, "^/finding\\?")
        text = b.js("document.body.innerText")
        self.assertIn(cc.XSS, text)  # shown as text
        self.assertEqual(b.js("document.scripts.length"), 0)  # and never run as markup
        self.assertIn("liq_20260728.csv 第 32 行", text)
        b.screenshot("04-finding")

        # 追蹤改善: record the review report with its scanned PDF.
        report = sorted(glob.glob(os.path.join(self.work, "output", "nightly", "2026-09-30", "*.pdf")))[0]
        b.goto(self.base + "/followups")
        row = "//tr[td[1][text()='R01|%s']]" % cc.XSS_TXN
        form_sel = b.js("""(() => { const tr = document.evaluate(%s, document, null, 9, null).singleNodeValue;
                            const f = tr.querySelector('form'); f.id = 'target-form'; return f.id; })()""" % json.dumps(row))
        b.type_into("#%s input[name=note]" % form_sel, "已收到單位檢討報告")
        b.set_files("#%s input[type=file]" % form_sel, [report])
        b.screenshot("05-followups-before")
        b.click_and_wait("#%s button[value=received]" % form_sel, "^/followups$")
        state = b.js("document.evaluate(%s, document, null, 9, null).singleNodeValue.children[2].innerText"
                     % json.dumps(row))
        self.assertEqual(state, "已收檢討報告")
        b.screenshot("06-followups-after")

        # 專案稽核: start one, wait until the page (refreshing itself) says it is done.
        b.click_and_wait("nav a[href='/audits']", "^/audits$")
        b.js("document.getElementById('from').value = '2026-07-01'; document.getElementById('to').value = '2026-09-30'")
        b.type_into("#auditor", "王稽核")
        b.type_into("#audit_unit", "社會局政風室")
        b.screenshot("07-audit-form")
        b.click_and_wait("main form button[type=submit]", "^/audits/\\d+$")
        b.wait("document.getElementById('state') && document.getElementById('state').dataset.state !== 'running'",
               seconds=300, what="the audit to finish")
        self.assertEqual(b.js("document.getElementById('state').dataset.state"), "ok")
        b.screenshot("08-audit-done")

        # Download its first 附表4 and verify it on the command line.
        name = b.js("[...document.querySelectorAll('main a')].map(a => a.innerText).find(t => t.startsWith('附表4'))")
        self.assertTrue(name)
        b.js("[...document.querySelectorAll('main a')].find(a => a.innerText === %s).click()" % json.dumps(name))
        target = os.path.join(self.downloads, name)
        deadline = time.monotonic() + 60
        while not os.path.exists(target) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        self.assertTrue(os.path.exists(target), os.listdir(self.downloads))
        c.run([c.BIN, "verify", target], self.work)

        # 文件 and 驗證 (the downloaded PDF uploaded again).
        b.goto(self.base + "/documents?folder=quarterly%2F2026Q3")
        self.assertIn("manifest.json", b.js("document.body.innerText"))
        b.screenshot("09-documents")
        b.goto(self.base + "/verify")
        b.set_files("#pdf", [target])
        b.click_and_wait("main form button[type=submit]", "^/verify$")
        self.assertIn("驗證通過", b.js("document.body.innerText"))
        b.screenshot("10-verify")

        # Log out; the admin sees the access log with what the manager did.
        b.click_and_wait("header form button", "^/login$")
        b.goto(self.base + "/")
        self.assertEqual(b.js("location.pathname"), "/login")
        self.login("admin")
        self.assertIsNone(b.js("document.querySelector(\"nav a[href='/audits']\")"))  # admin runs no audits
        b.click_and_wait("nav a[href='/access-log']", "^/access-log$")
        text = b.js("document.body.innerText")
        for action in ("login_failed", "followup_received", "audit_start", "download", "verify"):
            self.assertIn(action, text)
        self.assertIsNone(cc.FULL_ID.search(text))
        b.screenshot("11-access-log")
        # Printing: the navigation is hidden in print media.
        b.send("Emulation.setEmulatedMedia", media="print")
        self.assertEqual(b.js("getComputedStyle(document.querySelector('header nav')).display"), "none")
        b.send("Emulation.setEmulatedMedia", media="")


if __name__ == "__main__":
    unittest.main(verbosity=2)
