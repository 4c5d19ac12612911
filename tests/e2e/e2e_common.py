"""What the end-to-end tests share: the binary and sources they run (LIAUDIT_BIN and
LIAUDIT_SRC, set by ctest), running a command, and a workspace with the demo quarter, the
DEMO signing certificate and a liaudit.ini pointing at it."""
import os
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
