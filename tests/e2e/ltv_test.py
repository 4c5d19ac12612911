#!/usr/bin/python3
"""End-to-end tests of official-grade signatures: the key on a real PKCS#11 token
(SoftHSM2, through opensc's pkcs11-spy to count logins), RFC 3161 timestamps, OCSP and
CRL revocation data from a test TSA/OCSP/CRL server on 127.0.0.1 (liaudit-responder,
with a certificate hierarchy made by scripts/make-test-pki.sh), PAdES B-LTA, tampering,
`liaudit extend`, and `verify --at` after the signer's certificate expired.

Run by ctest with LIAUDIT_BIN, LIAUDIT_SRC and LIAUDIT_RESPONDER set. With the argument
"small" (the sanitizer build) the token job is the blank forms instead of the quarterly."""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import e2e_common
from e2e_common import BIN, SRC

RESPONDER = os.environ.get("LIAUDIT_RESPONDER", "build/tests/tools/liaudit-responder")
SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
SPY = "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so"
SMALL = "small" in sys.argv[1:]
PIN = "4321"
W = None  # the shared workspace


def run(args, check=True, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return e2e_common.run(args, W.dir, check, env=e)


def liaudit(*args, check=True, ini="liaudit.ini", env=None):
    env = dict(env or {})
    if SMALL and args[0] not in ("verify", "extend") and "pkcs12" not in read(W.p(ini), "r"):
        # Under LeakSanitizer: SoftHSM2 and pkcs11-spy leak a few allocations in code that is
        # unloaded at exit (LSan cannot even name the module), so token jobs run without leak
        # detection; verify, extend and the PKCS#12 job below (the TSA, OCSP, CRL and DSS
        # code) keep it.
        env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    return run([BIN] + list(args) + ["--config", ini, "--no-progress"], check=check, env=env)


def read(path, mode="rb"):
    with open(path, mode) as fh:
        return fh.read()


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def pdfsig(path):
    return subprocess.run(["pdfsig", path], capture_output=True, text=True).stdout


class Workspace:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="liaudit-ltv-")
        self.responder = subprocess.Popen(
            [RESPONDER, "--port", "0", "--port-file", self.p("port"), "--stats-file", self.p("stats.json"),
             "--pki", self.p("pki"), "--max-seconds", "900"], stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(self.p("port")):
                break
            time.sleep(0.02)
        self.port = int(read(self.p("port"), "r"))
        subprocess.run(["bash", os.path.join(SRC, "scripts", "make-test-pki.sh"), self.p("pki"), str(self.port)],
                       check=True, capture_output=True)
        for label, key in (("ltv-token", "signer-rsa"), ("short-token", "signer-short"), ("revoked-token", "signer-revoked"),
                           ("ec-token", "signer-ec")):
            subprocess.run(["bash", os.path.join(SRC, "scripts", "make-token.sh"), self.p("hsm"), label, PIN,
                            self.p("pki", key + ".p8.pem"), self.p("pki", key + ".crt")], check=True, capture_output=True)
        self.env = {"SOFTHSM2_CONF": self.p("hsm", "softhsm2.conf"), "PKCS11SPY": SOFTHSM,
                    "PKCS11SPY_OUTPUT": self.p("spy.log"), "LTV_PIN": PIN}
        os.environ.update(self.env)
        self.ini("liaudit.ini", "ltv-token")

    def p(self, *parts):
        return os.path.join(self.dir, *parts)

    def ini(self, name, token, level="B-LTA", extra="", module=SPY, tsa=None, pki="pki"):
        tsa = tsa or "http://127.0.0.1:%d/tsa" % self.port
        with open(self.p(name), "w", encoding="utf-8") as fh:
            fh.write("[signing]\npkcs11_module = %s\npkcs11_token = %s\npin_env = LTV_PIN\nchain_file = %s/chain.pem\n"
                     "level = %s\ntsa_url = %s\ntsa_ca_file = %s/anchors.pem\ntrust_anchors = %s/anchors.pem\n%s"
                     "[audit]\nauditor = 測試稽核員\n" % (module, token, pki, level, tsa, pki, pki, extra))
        return name

    def extra_responder(self, name, *options, pki="pki"):
        """Another liaudit-responder on 127.0.0.1 (stopped by the caller): its TSA URL."""
        port_file = self.p(name + ".port")
        proc = subprocess.Popen([RESPONDER, "--port", "0", "--port-file", port_file, "--pki", self.p(pki),
                                 "--max-seconds", "300"] + list(options), stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.02)
        return proc, "http://127.0.0.1:%s/tsa" % read(port_file, "r").strip()

    def stats(self):
        return load_json(self.p("stats.json"))

    def close(self):
        self.responder.send_signal(signal.SIGTERM)
        self.responder.wait(timeout=10)
        if not os.environ.get("LIAUDIT_KEEP_E2E"):
            shutil.rmtree(self.dir, ignore_errors=True)


def setUpModule():
    global W
    W = Workspace()
    if not SMALL:
        e2e_common.gen_demo(W.dir)


def tearDownModule():
    W.close()


def folder_pdfs(folder):
    return sorted(glob.glob(os.path.join(folder, "**", "*.pdf"), recursive=True))


class TokenJob(unittest.TestCase):
    """The whole job signs through one token login, at B-LTA, over one TSA connection."""

    @classmethod
    def setUpClass(cls):
        if os.path.exists(W.p("spy.log")):
            os.remove(W.p("spy.log"))
        before = W.stats()
        if SMALL:
            cls.proc = liaudit("forms", "--blank", "--output", "out-token")
            cls.folder = W.p("out-token", "forms", "blank")
        else:
            cls.proc = liaudit("quarterly", "--quarter", "2026Q3", "--output", "out-token", "--input", "input")
            cls.folder = W.p("out-token", "quarterly", "2026Q3")
        after = W.stats()
        cls.connections = after["connections"] - before["connections"]
        cls.tsa_requests = after["tsa"] - before["tsa"]
        with open(W.p("spy.log"), errors="replace") as fh:
            cls.spy = fh.read()

    def test_one_login_for_the_whole_job(self):
        logins = len(re.findall(r"^\d+: C_Login\b", self.spy, re.M))
        self.assertEqual(logins, 1, "C_Login calls in pkcs11-spy's log")
        self.assertNotIn(PIN, self.proc.stdout + self.proc.stderr)

    def test_every_pdf_is_b_lta_and_verifies(self):
        pdfs = folder_pdfs(self.folder)
        self.assertGreater(len(pdfs), 3)
        v = liaudit("verify", self.folder, "--json")
        verdict = json.loads(v.stdout)
        self.assertTrue(verdict["ok"])
        self.assertEqual(len(verdict["pdfs"]), len(pdfs))
        for p in verdict["pdfs"]:
            self.assertEqual(p["level"], "B-LTA", p["path"])
            self.assertTrue(p["revocation_embedded"])
            self.assertTrue(p["chain_ok"])
            self.assertTrue(p["timestamp_time"])
        m = load_json(os.path.join(self.folder, "manifest.json"))
        self.assertEqual(m["signing"]["level"], "B-LTA")
        self.assertEqual(m["signing"]["token_logins"], 1)
        self.assertIn("PKCS#11", m["signing"]["key"])
        # Two timestamps per PDF (signature and document), the trial and the manifest's.
        self.assertEqual(self.tsa_requests, 2 * len(pdfs) + 2)
        self.assertLessEqual(self.connections, 2, "TCP connections to the TSA/OCSP/CRL server for one job")

    def test_one_pdf_of_each_kind_is_pdfa_1b_at_b_lta(self):
        # The signature, the DSS and the document timestamp are three revisions over the
        # PDF/A file; each must keep it valid. One JVM for all of them.
        pdfs = []
        for kind in ("review.pdf", "form1", "form2", "form3", "form4"):
            found = [p for p in folder_pdfs(self.folder) if os.path.basename(p) == kind or
                     os.path.basename(os.path.dirname(p)) == kind or os.path.basename(p).startswith(kind + ".")]
            if found:
                pdfs.append(found[0])
        if not SMALL:
            liaudit("nightly", "--date", "2026-09-30", "--output", "out-token-nightly", "--input", "input")
            pdfs.append(W.p("out-token-nightly", "nightly", "2026-09-30", "exceptions.pdf"))
        self.assertGreaterEqual(len(pdfs), 4)
        for pdf, (valid, errors) in zip(pdfs, e2e_common.preflight(pdfs, W.dir)):
            self.assertIn("Signature #2:", pdfsig(pdf), pdf)
            self.assertTrue(valid, "%s: %s" % (pdf, "\n".join(errors[:20])))

    def test_pdfsig_accepts_the_approval_signature_and_the_timestamp_covers_the_file(self):
        for path in folder_pdfs(self.folder)[:6]:
            out = pdfsig(path)
            first, _, rest = out.partition("Signature #2:")
            self.assertIn("Signature is Valid.", first, out)
            self.assertIn("Total document signed", rest, out)
            self.assertIn("ETSI.CAdES.detached", first)
            q = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
            self.assertIn("No syntax or stream encoding errors", q.stdout)


@unittest.skipIf(SMALL, "needs the quarterly's hundreds of signatures to pull the token in the middle")
class TokenPulled(unittest.TestCase):
    """The token disappears in the middle of a quarterly (its files moved away, as a card
    pulled out): put back within the bounded retry, the job finishes with a second login;
    gone for good, the job fails with exit 1 and leaves no folder."""

    def run_pulling(self, output, away_seconds):
        if os.path.exists(W.p("spy.log")):
            os.remove(W.p("spy.log"))
        job = subprocess.Popen([BIN, "quarterly", "--quarter", "2026Q3", "--config", "liaudit.ini", "--no-progress",
                                "--output", output], cwd=W.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        tokens = W.p("hsm", "tokens")
        deadline = time.time() + 120
        while time.time() < deadline and job.poll() is None:
            if os.path.exists(W.p("spy.log")) and read(W.p("spy.log"), "rb").count(b"C_Sign\n") >= 20:
                break
            time.sleep(0.005)
        self.assertIsNone(job.poll(), "the job ended before the token could be pulled")
        os.rename(tokens, tokens + ".away")
        if away_seconds is None:  # gone until the job has ended
            out, err = job.communicate(timeout=300)
            os.rename(tokens + ".away", tokens)
        else:
            time.sleep(away_seconds)
            os.rename(tokens + ".away", tokens)
            out, err = job.communicate(timeout=300)
        return job.returncode, out, err

    def test_put_back_in_time_the_job_finishes_with_a_second_login(self):
        rc, out, err = self.run_pulling("out-pulled", 0.3)
        self.assertEqual(rc, 0, err[-2000:])
        folder = W.p("out-pulled", "quarterly", "2026Q3")
        m = load_json(os.path.join(folder, "manifest.json"))
        self.assertGreaterEqual(m["signing"]["token_reopens"], 1)
        self.assertEqual(m["signing"]["token_logins"], 2)
        liaudit("verify", folder)

    def test_gone_for_good_the_job_fails_and_leaves_nothing(self):
        rc, out, err = self.run_pulling("out-gone", None)
        self.assertEqual(rc, 1, err[-2000:])
        self.assertIn("stopped answering and was not found again after 3 attempts", err)
        self.assertEqual(os.listdir(W.p("out-gone", "quarterly")), [])


class TsaAnswers(unittest.TestCase):
    """Answers that do not check out are refused before anything is written; a TSA that
    answers 503 is retried a bounded number of times."""

    def job(self, name, *options, check=False):
        proc, url = W.extra_responder(name, *options)
        try:
            return liaudit("forms", "--blank", "--output", "out-" + name,
                           ini=W.ini(name + ".ini", "ltv-token", "B-T", tsa=url), check=check)
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    def test_wrong_nonce_is_refused(self):
        p = self.job("badnonce", "--tsa-bad-nonce")
        self.assertEqual(p.returncode, 1)
        self.assertIn("does not check out", p.stderr)
        self.assertIn("nonce", p.stderr.lower())
        self.assertFalse(glob.glob(W.p("out-badnonce", "forms", "*")))

    def test_rejection_is_reported(self):
        p = self.job("rejection", "--tsa-status-rejection")
        self.assertEqual(p.returncode, 1)
        self.assertIn("refused the request (status 2", p.stderr)

    def test_503_is_retried_within_the_bound(self):
        self.job("retry", "--tsa-fail-first", "2", check=True)  # 3 attempts: 503, 503, granted
        p = self.job("giveup", "--tsa-fail-first", "3")
        self.assertEqual(p.returncode, 1)
        self.assertIn("did not answer after 3 attempts (HTTP 503)", p.stderr)


class ClosedNetwork(unittest.TestCase):
    """A hierarchy whose OCSP and CRL URLs cannot be reached (port 9): B-LT through local
    CRL files (signing.crl_files); without them the job fails naming each certificate, or
    falls back to B-T with a warning by setting."""

    @classmethod
    def setUpClass(cls):
        subprocess.run(["bash", os.path.join(SRC, "scripts", "make-test-pki.sh"), W.p("pki-closed"), "9"],
                       check=True, capture_output=True)
        subprocess.run(["bash", os.path.join(SRC, "scripts", "make-token.sh"), W.p("hsm"), "closed-token", PIN,
                        W.p("pki-closed", "signer-rsa.p8.pem"), W.p("pki-closed", "signer-rsa.crt")],
                       check=True, capture_output=True)
        cls.tsa, cls.url = W.extra_responder("closed", pki="pki-closed")

    @classmethod
    def tearDownClass(cls):
        cls.tsa.terminate()
        cls.tsa.wait(timeout=10)

    def ini(self, name, extra=""):
        return W.ini(name, "closed-token", "B-LTA", tsa=self.url, pki="pki-closed", extra=extra)

    def test_local_crl_files_give_b_lta(self):
        ini = self.ini("closed-crl.ini", "crl_files = pki-closed/issuing.crl, pki-closed/root.crl\n")
        liaudit("forms", "--blank", "--output", "out-closed", ini=ini)
        folder = W.p("out-closed", "forms", "blank")
        m = load_json(os.path.join(folder, "manifest.json"))
        self.assertEqual(m["signing"]["level"], "B-LTA")
        self.assertTrue(all(": CRL file " in r for r in m["signing"]["revocation"]), m["signing"]["revocation"])
        v = liaudit("verify", folder, "--json", ini=ini)
        self.assertTrue(all(p["revocation_embedded"] for p in json.loads(v.stdout)["pdfs"]))

    def test_without_revocation_data_fail_or_fall_back(self):
        p = liaudit("forms", "--blank", "--output", "out-norev", ini=self.ini("closed-none.ini"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no revocation data for", p.stderr)
        self.assertIn("127.0.0.1:9", p.stderr)
        self.assertFalse(glob.glob(W.p("out-norev", "forms", "*")))
        liaudit("forms", "--blank", "--output", "out-bt-fallback",
                ini=self.ini("closed-fallback.ini", "on_revocation_failure = B-T\n"))
        m = load_json(W.p("out-bt-fallback", "forms", "blank", "manifest.json"))
        self.assertEqual(m["signing"]["level"], "B-T")
        self.assertTrue(any("signing at B-T instead" in w for w in m["warnings"]), m["warnings"])


class Tampering(unittest.TestCase):
    """A flipped byte in the signature timestamp token or in the DSS is caught by
    liaudit verify, though pdfsig still calls the approval signature valid."""

    @classmethod
    def setUpClass(cls):
        liaudit("forms", "--blank", "--output", "out-tamper")
        cls.pdf = W.p("out-tamper", "forms", "blank", "form1.pdf")
        with open(cls.pdf, "rb") as fh:
            cls.data = fh.read()

    def check(self, data, expect):
        path = W.p("tampered.pdf")
        with open(path, "wb") as fh:
            fh.write(data)
        v = liaudit("verify", path, check=False)
        self.assertEqual(v.returncode, 1, v.stdout)
        self.assertIn(expect, v.stdout)
        return path

    def test_signature_timestamp_token(self):
        # The TSA's name inside the token's certificate, in the approval signature's hex.
        first_contents = self.data.index(b"/Contents<")
        name_hex = "liaudit Test TSA".encode().hex().encode()
        at = self.data.index(name_hex, first_contents)
        assert at < self.data.index(b">", first_contents)
        bad = bytearray(self.data)
        bad[at + 1] = ord("0") if bad[at + 1] != ord("0") else ord("1")
        path = self.check(bytes(bad), "timestamp")
        self.assertIn("Signature is Valid.", pdfsig(path).partition("Signature #2:")[0])

    def test_dss_stream(self):
        dss = self.data.rindex(b"/Type/DSS")
        stream = self.data.index(b"stream\n", self.data.rindex(b"/Length", 0, dss)) + 7
        bad = bytearray(self.data)
        bad[stream + 40] ^= 0x01
        self.check(bytes(bad), "document timestamp")

    def test_last_update_byte(self):
        bad = bytearray(self.data)
        at = self.data.rindex(b"/Type/DocTimeStamp")
        bad[at + 6] = ord("X")
        self.check(bytes(bad), "FAIL")


def append_update(data, mode):
    """One incremental update after a signed PDF that blackens page 1 (its content stream
    redefined as "N 0 obj", "N 0\\nobj" or generation 1, or freed): what an attacker
    appends to change what a reader shows while the signature itself stays intact."""
    prev = int(re.findall(rb"startxref\s*(\d+)", data)[-1])
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    ident = re.findall(rb"/ID\s*\[[^\]]*\]", data)[-1]
    root = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
    content = int(re.search(rb"/Type/Page/.*?/Contents (\d+) 0 R", data, re.S).group(1))
    black = b"0 0 0 rg 0 0 2000 2000 re f"
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    gen, sep, kind = {"plain": (0, b" ", b"n"), "newline": (0, b"\n", b"n"), "gen1": (1, b" ", b"n"),
                      "free": (1, b" ", b"f")}[mode]
    offset = len(out)
    if kind == b"n":
        out += b"%d %d%sobj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n" % (content, gen, sep, len(black), black)
    else:
        offset = 0
    xref = len(out)
    out += b"xref\n%d 1\n%010d %05d %s \ntrailer\n<</Size %d/Root %s%s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        content, offset, gen, kind, size, root, ident, prev, xref)
    return bytes(out)


def replace_dss(data, add_certs=(), add_ocsps=(), keep=True):
    """One incremental update that points the catalog at a new /DSS: the last DSS's arrays
    (keep=True) or nothing of them (keep=False), plus the DER items given, as new streams.
    A DSS is the one object an update may replace, so these updates are 'validation data'
    to the object-by-object check; what verify makes of their content is under test."""
    prev = int(re.findall(rb"startxref\s*(\d+)", data)[-1])
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    ident = re.findall(rb"/ID\s*\[[^\]]*\]", data)[-1]
    root_ref = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
    root_num = int(root_ref.split()[0])
    catalog = re.findall(rb"(?s)[\r\n]%d 0 obj\s*(<<.*?>>)\s*endobj" % root_num, data)[-1]
    old_dss = re.findall(rb"(?s)[\r\n]\d+ 0 obj\s*(<<(?:(?!endobj).)*?/Type\s*/DSS(?:(?!endobj).)*)endobj", data)[-1]
    vri_at = old_dss.index(b"/VRI")
    depth, end = 0, old_dss.index(b"<<", vri_at)
    while True:  # the /VRI dictionary, nested dictionaries and all
        if old_dss.startswith(b"<<", end):
            depth, end = depth + 1, end + 2
        elif old_dss.startswith(b">>", end):
            depth, end = depth - 1, end + 2
            if depth == 0:
                break
        else:
            end += 1
    vri = old_dss[vri_at:end]

    def items(key):
        m = re.search(rb"/%s\s*\[([^\]]*)\]" % key, old_dss)
        return m.group(1).strip() if (m and keep) else b""
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    num = size
    refs = {"Certs": items(b"Certs"), "OCSPs": items(b"OCSPs"), "CRLs": items(b"CRLs")}
    for key, ders in (("Certs", add_certs), ("OCSPs", add_ocsps)):
        for der in ders:
            offsets[num] = len(out)
            out += b"%d 0 obj\n<</Length %d>>\nstream\n" % (num, len(der)) + der + b"\nendstream\nendobj\n"
            refs[key] = (refs[key] + b" %d 0 R" % num).strip()
            num += 1
    dss_num = num
    dss = b"<</Type/DSS" + b"".join(b"/%s[%s]" % (k.encode(), v) for k, v in refs.items() if v) + vri + b">>"
    offsets[dss_num] = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (dss_num, dss)
    new_catalog = re.sub(rb"/DSS\s*\d+ 0 R", b"/DSS %d 0 R" % dss_num, catalog)
    offsets[root_num] = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (root_num, new_catalog)
    xref = len(out)
    out += b"xref\n"
    for n in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (n, offsets[n])
    out += b"trailer\n<</Size %d/Root %s%s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        dss_num + 1, root_ref, ident, prev, xref)
    return bytes(out)


def der_of(pem_path):
    return subprocess.run(["openssl", "x509", "-in", pem_path, "-outform", "DER"], check=True,
                          capture_output=True).stdout


class DssContent(unittest.TestCase):
    """What the /DSS says is judged, not only that it is there: an update that drops
    validation data, or an OCSP response from a responder the anchors do not vouch for,
    fails verify; liaudit's own B-LT and B-LTA files carry data for the TSA too."""

    @classmethod
    def setUpClass(cls):
        liaudit("forms", "--blank", "--output", "out-dss-lt", ini=W.ini("dss-lt.ini", "ltv-token", "B-LT"))
        liaudit("forms", "--blank", "--output", "out-dss-lta")
        cls.files = {lv: read(W.p("out-dss-" + lv, "forms", "blank", "form1.pdf")) for lv in ("lt", "lta")}

    def verify(self, data, name):
        path = W.p(name)
        with open(path, "wb") as fh:
            fh.write(data)
        return liaudit("verify", path, "--json", check=False)

    def test_the_update_with_the_dss_as_it_was_verifies(self):
        # The crafted update itself is acceptable when it keeps the validation data, so the
        # failures below come from what the DSS holds.
        for lv, data in self.files.items():
            with self.subTest(level=lv):
                v = self.verify(replace_dss(data), "dss-same-%s.pdf" % lv)
                self.assertEqual(v.returncode, 0, v.stdout)
                pdf = json.loads(v.stdout)["pdfs"][0]
                self.assertEqual(pdf["level"], "B-LT" if lv == "lt" else "B-LTA")
                self.assertTrue(pdf["revocation_embedded"])
                self.assertEqual(pdf["notes"], [])

    def test_a_smaller_dss_is_reported(self):
        for lv, data in self.files.items():
            with self.subTest(level=lv):
                v = self.verify(replace_dss(data, keep=False), "dss-smaller-%s.pdf" % lv)
                self.assertEqual(v.returncode, 1, v.stdout)
                self.assertIn("replaces the /DSS with one that lacks", v.stdout)

    def test_an_ocsp_response_from_an_unvouched_responder_fails(self):
        # A responder certificate of its own making (self-signed, OCSPSigning), answering
        # "good" for the signer: signed correctly, but no trust anchor vouches for it.
        rogue = W.p("rogue")
        os.makedirs(rogue, exist_ok=True)
        pki = W.p("pki")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", os.path.join(rogue, "r.key"), "-out", os.path.join(rogue, "r.crt"), "-days", "30",
                        "-subj", "/CN=Rogue OCSP", "-addext", "extendedKeyUsage=OCSPSigning"],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "ocsp", "-issuer", os.path.join(pki, "issuing.crt"), "-cert",
                        os.path.join(pki, "signer-rsa.crt"), "-no_nonce", "-reqout", os.path.join(rogue, "req.der")],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "ocsp", "-index", os.path.join(pki, "index.txt"), "-CA", os.path.join(pki, "issuing.crt"),
                        "-rsigner", os.path.join(rogue, "r.crt"), "-rkey", os.path.join(rogue, "r.key"),
                        "-reqin", os.path.join(rogue, "req.der"), "-respout", os.path.join(rogue, "resp.der")],
                       check=True, capture_output=True)
        resp = read(os.path.join(rogue, "resp.der"))
        v = self.verify(replace_dss(self.files["lt"], add_certs=[der_of(os.path.join(rogue, "r.crt"))], add_ocsps=[resp]),
                        "dss-rogue-ocsp.pdf")
        self.assertEqual(v.returncode, 1, v.stdout)
        self.assertIn("Rogue OCSP", v.stdout)
        self.assertIn("chains to a trust anchor", v.stdout)


class HiddenUpdates(unittest.TestCase):
    """An update appended after B-LT or B-LTA that changes page content is reported however
    it is written, and extend refuses to put a document timestamp over it."""

    @classmethod
    def setUpClass(cls):
        liaudit("forms", "--blank", "--output", "out-hidden-lt", ini=W.ini("hidden-lt.ini", "ltv-token", "B-LT"))
        liaudit("forms", "--blank", "--output", "out-hidden-lta")
        cls.files = {lv: read(W.p("out-hidden-" + lv, "forms", "blank", "form1.pdf")) for lv in ("lt", "lta")}

    def test_every_way_of_writing_it_is_caught(self):
        for lv, data in self.files.items():
            for mode in ("plain", "newline", "gen1", "free"):
                with self.subTest(level=lv, mode=mode):
                    path = W.p("hidden-%s-%s.pdf" % (lv, mode))
                    with open(path, "wb") as fh:
                        fh.write(append_update(data, mode))
                    v = liaudit("verify", path, check=False)
                    self.assertEqual(v.returncode, 1, v.stdout)
                    self.assertIn("the update after the signature", v.stdout)

    def test_a_new_appearance_that_draws_is_caught(self):
        # Signing adds an empty Form XObject as each widget's appearance (PDF/A); a new one
        # that draws something is not validation data.
        data = self.files["lta"]
        prev = int(re.findall(rb"startxref\s*(\d+)", data)[-1])
        size = int(re.findall(rb"/Size (\d+)", data)[-1])
        ident = re.findall(rb"/ID\s*\[[^\]]*\]", data)[-1]
        root = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
        black = b"0 0 0 rg 0 0 2000 2000 re f"
        out = bytearray(data)
        offset = len(out)
        out += b"%d 0 obj\n<</Type/XObject/Subtype/Form/BBox[0 0 2000 2000]/Length %d>>\nstream\n%s\nendstream\nendobj\n" % (
            size, len(black), black)
        xref = len(out)
        out += b"xref\n%d 1\n%010d 00000 n \ntrailer\n<</Size %d/Root %s%s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
            size, offset, size + 1, root, ident, prev, xref)
        path = W.p("hidden-form.pdf")
        with open(path, "wb") as fh:
            fh.write(bytes(out))
        v = liaudit("verify", path, check=False)
        self.assertEqual(v.returncode, 1, v.stdout)
        self.assertIn("(/Type /XObject), which is not validation data", v.stdout)

    def test_extend_refuses_a_changed_document(self):
        path = W.p("hidden-extend.pdf")
        with open(path, "wb") as fh:
            fh.write(append_update(self.files["lt"], "plain"))
        before = read(path)
        p = liaudit("extend", path, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("does not verify, so it is not extended", p.stderr)
        self.assertEqual(read(path), before)


class Extend(unittest.TestCase):
    def test_extend_keeps_every_byte_and_verify_still_passes(self):
        liaudit("forms", "--blank", "--output", "out-extend")
        folder = W.p("out-extend", "forms", "blank")
        before = {p: read(p) for p in folder_pdfs(folder)}
        liaudit("extend", folder)
        for p, old in before.items():
            new = read(p)
            self.assertTrue(new.startswith(old), p)
            self.assertGreater(len(new), len(old))
            self.assertIn("Signature #3", pdfsig(p))
        v = liaudit("verify", folder)
        self.assertIn("EXTENDED", v.stdout)
        self.assertIn("2 document timestamp(s)", v.stdout)
        liaudit("verify", "--chain", W.p("out-extend"))
        hist = load_json(os.path.join(folder, "manifest.history.json"))
        self.assertEqual(len(hist), 1)
        self.assertEqual(len(hist[0]["files"]), len(before))
        # Still PDF/A-1b with the extension's DSS and second document timestamp.
        pdfs = sorted(before)
        for pdf, (valid, errors) in zip(pdfs, e2e_common.preflight(pdfs, W.dir)):
            self.assertTrue(valid, "%s: %s" % (pdf, "\n".join(errors[:20])))


class Expiry(unittest.TestCase):
    """A certificate that expires two hours from now: a timestamped signature still
    verifies two days later (verify --at); one without a timestamp does not."""

    def test_timestamp_keeps_the_signature_valid_after_expiry(self):
        later = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() + 8 * 3600 + 2 * 86400))
        liaudit("forms", "--blank", "--output", "out-bt", ini=W.ini("short-bt.ini", "short-token", "B-T"))
        liaudit("forms", "--blank", "--output", "out-bb", ini=W.ini("short-bb.ini", "short-token", "B-B"))
        bt = liaudit("verify", W.p("out-bt", "forms", "blank"), "--at", later, check=False)
        self.assertEqual(bt.returncode, 0, bt.stdout)
        self.assertIn("PAdES B-T", bt.stdout)
        bb = liaudit("verify", W.p("out-bb", "forms", "blank", "form1.pdf"), "--at", later, check=False)
        self.assertEqual(bb.returncode, 1, bb.stdout)
        self.assertIn("expired", bb.stdout)
        # Today both verify.
        liaudit("verify", W.p("out-bb", "forms", "blank"))


class Failures(unittest.TestCase):
    def test_revoked_certificate_fails_before_anything_is_written(self):
        p = liaudit("forms", "--blank", "--output", "out-revoked", ini=W.ini("revoked.ini", "revoked-token"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("REVOKED", p.stderr)
        self.assertFalse(glob.glob(W.p("out-revoked", "forms", "*")))

    def test_tsa_down_fails_with_its_url_or_falls_back_by_setting(self):
        dead = "http://127.0.0.1:9/tsa"
        p = liaudit("forms", "--blank", "--output", "out-dead", ini=W.ini("dead.ini", "ltv-token", tsa=dead), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(dead, p.stderr)
        self.assertFalse(glob.glob(W.p("out-dead", "forms", "*")))
        liaudit("forms", "--blank", "--output", "out-fallback",
                ini=W.ini("fallback.ini", "ltv-token", tsa=dead, extra="on_tsa_failure = B-B\n"))
        m = load_json(W.p("out-fallback", "forms", "blank", "manifest.json"))
        self.assertEqual(m["signing"]["level"], "B-B")
        self.assertEqual(m["signing"]["level_asked"], "B-LTA")
        self.assertTrue(any(dead in w for w in m["warnings"]))

    def test_wrong_pin_and_unknown_token_are_named(self):
        p = liaudit("forms", "--blank", "--output", "out-pin", env={"LTV_PIN": "0000"}, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("wrong PIN", p.stderr)
        self.assertNotIn("0000", p.stderr)
        p = liaudit("forms", "--blank", "--output", "out-pin", ini=W.ini("nosuch.ini", "no-such-token"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no-such-token", p.stderr)
        self.assertIn("ltv-token", p.stderr)  # what is present

    def test_pkcs12_signs_at_b_lta_too(self):
        with open(W.p("p12.ini"), "w", encoding="utf-8") as fh:
            fh.write("[signing]\npkcs12 = pki/signer-rsa.p12\npassword_env = LTV_P12\nlevel = B-LTA\n"
                     "tsa_url = http://127.0.0.1:%d/tsa\ntsa_ca_file = pki/anchors.pem\n"
                     "trust_anchors = pki/anchors.pem\n" % W.port)
        liaudit("forms", "--blank", "--output", "out-p12", ini="p12.ini", env={"LTV_P12": "test"})
        v = liaudit("verify", W.p("out-p12", "forms", "blank"), ini="p12.ini")
        self.assertIn("PAdES B-LTA", v.stdout)

    def test_always_authenticate_key_is_refused_plainly(self):
        env = {"SOFTHSM2_CONF": W.p("hsm", "softhsm2.conf")}
        run(["softhsm2-util", "--init-token", "--free", "--label", "always-auth", "--pin", PIN, "--so-pin", "98765432"], env=env)
        run(["pkcs11-tool", "--module", SOFTHSM, "--token-label", "always-auth", "--login", "--pin", PIN, "--keypairgen",
             "--key-type", "EC:prime256v1", "--id", "05", "--label", "per-signature", "--always-auth"], env=env)
        p = liaudit("forms", "--blank", "--output", "out-always",
                    ini=W.ini("always.ini", "always-auth", module=SOFTHSM), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("CKA_ALWAYS_AUTHENTICATE", p.stderr)
        self.assertIn("PIN again at every signature", p.stderr)

    def test_tsa_basic_auth_from_an_owner_only_file(self):
        auth_tsa = subprocess.Popen([RESPONDER, "--port", "0", "--port-file", W.p("auth-port"), "--pki", W.p("pki"),
                                     "--max-seconds", "300", "--tsa-basic-auth", "liaudit:s3cret 密碼"],
                                    stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                if os.path.exists(W.p("auth-port")):
                    break
                time.sleep(0.02)
            url = "http://127.0.0.1:%s/tsa" % read(W.p("auth-port"), "r").strip()
            p = liaudit("forms", "--blank", "--output", "out-noauth", ini=W.ini("noauth.ini", "ltv-token", "B-T", tsa=url),
                        check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("HTTP 401", p.stderr)
            with open(W.p("tsa.auth"), "w", encoding="utf-8") as fh:
                fh.write("liaudit:s3cret 密碼\n")
            os.chmod(W.p("tsa.auth"), 0o644)
            ini = W.ini("auth.ini", "ltv-token", "B-T", tsa=url, extra="tsa_auth_file = tsa.auth\n")
            p = liaudit("forms", "--blank", "--output", "out-auth", ini=ini, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("readable by its owner only", p.stderr)
            os.chmod(W.p("tsa.auth"), 0o600)
            p = liaudit("forms", "--blank", "--output", "out-auth", ini=ini)
            self.assertNotIn("s3cret", p.stdout + p.stderr)
            v = liaudit("verify", W.p("out-auth", "forms", "blank"), ini=ini)
            self.assertIn("PAdES B-T", v.stdout)
        finally:
            auth_tsa.terminate()
            auth_tsa.wait(timeout=10)

    def test_credentials_in_the_tsa_url_are_never_written(self):
        url = "http://liaudit:url-s3cret@127.0.0.1:%d/tsa" % W.port
        p = liaudit("forms", "--blank", "--output", "out-urlcred", ini=W.ini("urlcred.ini", "ltv-token", "B-T", tsa=url))
        folder = W.p("out-urlcred", "forms", "blank")
        manifest = read(os.path.join(folder, "manifest.json"), "r")
        self.assertIn("127.0.0.1:%d/tsa" % W.port, manifest)
        self.assertNotIn("url-s3cret", manifest + p.stdout + p.stderr)
        self.assertNotIn("url-s3cret", read(W.p("out-urlcred", "liaudit.log"), "r"))

    def test_an_empty_pin_is_refused_plainly(self):
        p = liaudit("forms", "--blank", "--output", "out-emptypin", env={"LTV_PIN": ""}, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("is empty (environment variable LTV_PIN)", p.stderr)
        self.assertFalse(os.path.exists(W.p("out-emptypin", "forms", "blank")))

    def test_extend_keeps_an_unreadable_history_and_extends_nothing(self):
        liaudit("forms", "--blank", "--output", "out-badhist")
        folder = W.p("out-badhist", "forms", "blank")
        hist = os.path.join(folder, "manifest.history.json")
        with open(hist, "w", encoding="utf-8") as fh:
            fh.write('[{"extended_at": "2026-01-01",\n  oops')
        before = {p: read(p) for p in folder_pdfs(folder)}
        p = liaudit("extend", folder, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("manifest.history.json: not valid JSON", p.stderr)
        self.assertIn("line 2", p.stderr)
        self.assertEqual({q: read(q) for q in folder_pdfs(folder)}, before)
        self.assertIn("oops", read(hist, "r"))

    def test_ec_key_signs_too(self):
        liaudit("forms", "--blank", "--output", "out-ec", ini=W.ini("ec.ini", "ec-token", "B-LT", module=SOFTHSM))
        v = liaudit("verify", W.p("out-ec", "forms", "blank"))
        self.assertIn("PAdES B-LT", v.stdout)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
