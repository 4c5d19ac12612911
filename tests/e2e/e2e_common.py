"""What the end-to-end tests share: the binary and sources they run (LIAUDIT_BIN and
LIAUDIT_SRC, set by ctest), running a command, and a workspace with the demo quarter, the
DEMO signing certificate and a liaudit.ini pointing at it."""
import os
import re
import subprocess

BIN = os.path.abspath(os.environ.get("LIAUDIT_BIN", "build/pipeline/cli/liaudit"))
SRC = os.environ.get("LIAUDIT_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
PY = "/usr/bin/python3"


def run(args, cwd, check=True, **kw):
    """Runs args in cwd; with check, a non-zero exit fails the test with its output."""
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d\nstdout:\n%s\nstderr:\n%s" % (args, p.returncode, p.stdout, p.stderr))
    return p


def gen_demo(work, *extra):
    """The synthetic demo quarter (seed 20260701) into work/input; extra: gen_demo.py options."""
    return run([PY, os.path.join(SRC, "scripts", "gen_demo.py"), "--out", "input", "--seed", "20260701"]
               + list(extra), work)


def prepare_signing(work):
    """The DEMO certificate in work/cert and a liaudit.ini that signs with it and trusts it."""
    run(["bash", os.path.join(SRC, "scripts", "make-demo-cert.sh"), "cert"], work)
    with open(os.path.join(work, "liaudit.ini"), "w", encoding="utf-8") as fh:
        fh.write("[signing]\npkcs12 = cert/demo-signer.p12\npassword_file = cert/demo-signer.pass\n"
                 "trust_anchors = cert/demo-ca.pem\n[audit]\nauditor = 測試稽核員\n")


# Apache PDFBox Preflight (Debian libpdfbox2-java) and what it needs on the class path.
PREFLIGHT_CP = ":".join("/usr/share/java/" + jar for jar in (
    "pdfbox2.jar", "preflight.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar", "javax.activation.jar",
    "jaxb-api.jar"))
PREFLIGHT = ["java", "-cp", PREFLIGHT_CP, "org.apache.pdfbox.preflight.Validator_A1b"]


def preflight(pdfs, work):
    """Preflight's PDF/A-1b verdict on every file of pdfs, in one JVM (its "xml group" mode
    over a list file): a list, in the order of pdfs, of (is valid, [error code: details])."""
    import xml.etree.ElementTree as ET
    listing = os.path.join(work, "preflight-list.txt")
    with open(listing, "w", encoding="utf-8") as fh:
        fh.write("".join(os.path.abspath(p) + "\n" for p in pdfs))
    report = listing + ".preflight.xml"
    if os.path.exists(report):
        os.remove(report)
    run(PREFLIGHT + ["xml", "group", listing], work)
    with open(report, encoding="utf-8") as fh:
        xml = fh.read()
    # Error details quote raw PDF bytes, as character references XML 1.0 does not allow.
    def allowed(m):
        c = int(m.group(1)[1:], 16) if m.group(1)[0] in "xX" else int(m.group(1))
        return m.group(0) if c in (9, 10, 13) or c >= 32 else "?"
    xml = re.sub(r"&#([0-9]+|[xX][0-9a-fA-F]+);", allowed, xml)
    results = ET.fromstring(xml).findall("preflight")
    if len(results) != len(pdfs):
        raise AssertionError("preflight reported on %d of %d files" % (len(results), len(pdfs)))
    out = []
    for r in results:
        valid = r.find("isValid")
        errors = ["%s: %s" % (e.findtext("code"), e.findtext("details")) for e in r.iter("error")]
        out.append((valid is not None and valid.text == "true" and valid.get("type") == "PDF/A1-b", errors))
    return out


def preflight_says(pdf, work):
    """Preflight's own sentence on one file ("The file X is a valid PDF/A-1b file")."""
    return run(PREFLIGHT + [os.path.abspath(pdf)], work, check=False).stdout
