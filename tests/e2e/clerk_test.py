#!/usr/bin/python3
"""End-to-end tests of files as the bureau's staff make them, on small hand-made inputs:
formula injection in every CSV (checked with LibreOffice), dates and headers as Excel
(zh-TW) writes them, spreadsheets and other files in the input folders, UTF-16 and
semicolon files, file names from long or odd values, missing and shrunken registers.

Run by ctest with LIAUDIT_BIN and LIAUDIT_SRC set. Jobs run --unsigned (signing is tested
elsewhere); every check reads what a user gets: the CSV in LibreOffice, the workbook with
openpyxl, the PDF with pdftotext, the manifest and the exit status."""
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import unittest
import zipfile

import e2e_common
from e2e_common import BIN
from tiny_input import (PLATFORM_COLS, REGISTRATION_COLS, csv_text, make_id, permission, query, registration, write,
                        write_inputs)

SOFFICE = shutil.which("soffice")


def liaudit(work, *args, check=True):
    return e2e_common.run([BIN] + list(args) + ["--unsigned", "--no-progress"], work, check)


def manifest(folder):
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as fh:
        return json.load(fh)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


class Work(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="liaudit-clerk-")

    def tearDown(self):
        if not os.environ.get("LIAUDIT_KEEP_E2E"):
            shutil.rmtree(self.work, ignore_errors=True)

    def path(self, *p):
        return os.path.join(self.work, *p)


def formula_cells(csv_path, profile):
    """Opens csv_path in LibreOffice Calc (headless) as a user would and returns the formulas
    of the sheet it makes (table:formula attributes of the flat ODF it saves)."""
    out = os.path.dirname(csv_path)
    subprocess.run([SOFFICE, "-env:UserInstallation=file://" + profile, "--headless", "--infilter=CSV:44,34,76,1",
                    "--convert-to", "fods", "--outdir", out, csv_path], capture_output=True, check=True, timeout=120)
    fods = os.path.splitext(csv_path)[0] + ".fods"
    with open(fods, encoding="utf-8") as fh:
        return re.findall(r'table:formula="([^"]*)"', fh.read())


PAYLOADS = ["=1+1", "+cmd|' /c calc'!A0", "-2+3", "@SUM(1,2)", "=HYPERLINK(\"http://127.0.0.1/\",\"x\")"]


class FormulaInjection(Work):
    """OWASP CSV injection: text from input files must never become a formula."""

    def setUp(self):
        super().setUp()
        s = make_id(11)
        queries = [query("GSP1150701%06d" % i, "2026-07-01 09:%02d" % i, s, account=p)
                   for i, p in enumerate(PAYLOADS)]
        regs = [registration("SA115-0001", s, name="=1+1"), dict(registration("SA115-0002", s), 查調事由="-1+1")]
        write_inputs(self.work, queries=queries, registrations=regs)
        # A row the parser rejects, starting with a formula: its raw text goes to rejects.csv.
        with open(self.path("input", "platform", "liq_20260701.csv"), "a", encoding="utf-8", newline="") as fh:
            fh.write("=HYPERLINK(\"http://127.0.0.1/\"),2026-07-01 25:00,x,y,z,C0101,E1,成功,,\r\n")
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        self.folder = self.path("output", "nightly", "2026-07-01")

    @unittest.skipUnless(SOFFICE, "LibreOffice (libreoffice-calc-nogui) is not installed")
    def test_no_cell_of_any_csv_becomes_a_formula_in_libreoffice(self):
        profile = self.path("lo-profile")
        # The check itself: the same payload written as is does become a formula.
        control = self.path("control.csv")
        with open(control, "w", encoding="utf-8", newline="") as fh:
            fh.write("a,b\r\n=1+1,x\r\n")
        self.assertEqual(formula_cells(control, profile), ["of:=1+1"])
        findings = read_csv(os.path.join(self.folder, "findings.csv"))
        accounts = {f["account"] for f in findings}
        for p in PAYLOADS:
            self.assertIn("'" + p.lower(), accounts)  # accounts are stored lower-case
        rejects = read_csv(os.path.join(self.folder, "rejects.csv"))
        self.assertTrue(any(r["raw"].startswith("'=HYPERLINK") for r in rejects), rejects)
        for name in ("findings.csv", "rejects.csv"):
            copy = self.path(name)
            shutil.copy(os.path.join(self.folder, name), copy)
            self.assertEqual(formula_cells(copy, profile), [], name)

    def test_workbooks_hold_text_cells_only(self):
        import openpyxl
        wb = openpyxl.load_workbook(os.path.join(self.folder, "exceptions.xlsx"))
        seen = set()
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    self.assertNotEqual(c.data_type, "f", "%s!%s is a formula: %r" % (ws.title, c.coordinate, c.value))
                    if isinstance(c.value, str):
                        seen.add(c.value)
        self.assertIn("=1+1", seen)  # the account is there, as text


class ExcelTaiwanFiles(Work):
    def test_dates_as_excel_writes_them_are_taken(self):
        s = make_id(21)
        regs = [registration("SA115-0001", s, applied="115.07.01", approved="2026/7/1 上午 08:05:00"),
                registration("SA115-0002", make_id(22), applied="2026/7/1", approved="2026/7/1 下午 12:10")]
        queries = [query("GSP1150701000001", "2026/7/1 下午 02:30", s),
                   query("GSP1150701000002", "2026/7/1 上午 09:05:00", make_id(22))]
        write_inputs(self.work, queries=queries, registrations=regs)
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        folder = self.path("output", "nightly", "2026-07-01")
        self.assertEqual(read_csv(os.path.join(folder, "rejects.csv")), [])
        rules = [f["rule_id"] for f in read_csv(os.path.join(folder, "findings.csv"))]
        self.assertNotIn("R01", rules)
        # 下午 12:10 is noon: approved after the 09:05 query, so that one is R02 (approval late).
        self.assertEqual(rules, ["R02"])

    def test_header_spellings_are_taken_and_reported(self):
        s = make_id(31)
        cols = ["編號", "申請日期", "姓名", "身份證字號 ", "查調項目", "查調事由", "需要資料者", "帳號", "單位",
                "主管核章時間"]
        reg = registration("SA115-0001", s)
        reg["身份證字號 "] = reg["身分證字號"]
        reg["帳號"] = reg["資料查詢者帳號"]
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)], registrations=[])
        write(self.path("input", "registers", "registrations.csv"), csv_text(cols, [reg]))
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        folder = self.path("output", "nightly", "2026-07-01")
        self.assertEqual(read_csv(os.path.join(folder, "findings.csv")), [])
        inputs = {os.path.basename(i["path"]): i for i in manifest(folder)["inputs"]}
        self.assertEqual(inputs["registrations.csv"]["header_aliases"],
                         ["身份證字號 → 身分證字號", "帳號 → 資料查詢者帳號"])
        with open(os.path.join(folder, "job.log"), encoding="utf-8") as fh:
            self.assertIn("header 身份證字號 → 身分證字號", fh.read())
        # Regression (issue 15 review): the next run takes the same file as already ingested
        # and said nothing of its header any more.
        liaudit(self.work, "nightly", "--date", "2026-07-02")
        folder = self.path("output", "nightly", "2026-07-02")
        inputs = {os.path.basename(i["path"]): i for i in manifest(folder)["inputs"]}
        self.assertTrue(inputs["registrations.csv"]["already_ingested"])
        self.assertEqual(inputs["registrations.csv"]["header_aliases"],
                         ["身份證字號 → 身分證字號", "帳號 → 資料查詢者帳號"])
        with open(os.path.join(folder, "job.log"), encoding="utf-8") as fh:
            self.assertIn("header 身份證字號 → 身分證字號", fh.read())

    def test_a_register_saved_as_xlsx_is_refused_loudly(self):
        s = make_id(41)
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)], registrations=[])
        os.remove(self.path("input", "registers", "registrations.csv"))
        with zipfile.ZipFile(self.path("input", "registers", "registrations.xlsx"), "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
        p = liaudit(self.work, "nightly", "--date", "2026-07-01", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("registrations register has never been ingested", p.stderr)
        self.assertIn("registrations.xlsx", p.stderr)
        self.assertIn("CSV UTF-8", p.stderr)
        self.assertFalse(os.path.exists(self.path("output", "nightly", "2026-07-01")))

    def test_files_not_read_are_named_in_log_and_manifest(self):
        s = make_id(42)
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)])
        with zipfile.ZipFile(self.path("input", "registers", "registrations.xlsx"), "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
        with zipfile.ZipFile(self.path("input", "platform", "liq_20260701.xlsx"), "w") as z:  # beside its CSV
            z.writestr("[Content_Types].xml", "<Types/>")
        with zipfile.ZipFile(self.path("input", "platform", "liq_20260702.xlsx"), "w") as z:  # no CSV of it
            z.writestr("[Content_Types].xml", "<Types/>")
        write(self.path("input", "platform", "說明.txt"), "notes")
        write(self.path("input", "registers", "~$registrations.xlsx"), "lock")
        write(self.path("input", "platform", "old", "liq_20260630.csv"), csv_text(PLATFORM_COLS, []))
        p = liaudit(self.work, "nightly", "--date", "2026-07-01")
        folder = self.path("output", "nightly", "2026-07-01")
        m = manifest(folder)
        not_read = {os.path.relpath(i["path"], self.path("input")) if os.path.isabs(i["path"]) else
                    i["path"].split("input/", 1)[1]: i["reason"] for i in m["inputs_not_read"]}
        self.assertIn("platform/說明.txt", not_read)
        self.assertIn("registers/~$registrations.xlsx", not_read)
        self.assertIn("platform/old/liq_20260630.csv", not_read)
        rejected = [i for i in m["inputs"] if i["path"].endswith("registrations.xlsx")]
        self.assertEqual(len(rejected), 1)
        # Regression (issue 15): it said "save it as registrations.csv" with registrations.csv there.
        self.assertIn("it is ignored, because registrations.csv is there and is what liaudit reads",
                      rejected[0]["error"])
        self.assertNotIn("save it as", rejected[0]["error"])
        errors = {os.path.basename(i["path"]): i.get("error", "") for i in m["inputs"]}
        self.assertIn("is ignored, because liq_20260701.csv is there", errors["liq_20260701.xlsx"])
        self.assertIn("save it as \"CSV UTF-8 (comma delimited)\" (CSV UTF-8（逗號分隔）) named liq_20260702.csv",
                      errors["liq_20260702.xlsx"])
        self.assertTrue(any("說明.txt" in w for w in m["warnings"]), m["warnings"])
        self.assertIn("說明.txt", p.stderr)
        self.assertEqual(read_csv(os.path.join(folder, "findings.csv")), [])  # the CSV register was taken

    def test_folders_links_and_pipes_in_input_folders_are_named_and_a_vanished_register_warned(self):
        # Regression (issue 15 review): empty sub-folders, folders named *.csv, dangling
        # symbolic links and FIFOs got no log line and no manifest entry; a register ingested
        # before whose file is gone (a share not mounted) was used without a word.
        s = make_id(43)
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)])
        plat, regs = self.path("input", "platform"), self.path("input", "registers")
        os.makedirs(os.path.join(plat, "old"))
        os.makedirs(os.path.join(plat, "dir.csv"))
        os.makedirs(os.path.join(regs, "staff.csv"))
        os.symlink("/nonexistent/x.csv", os.path.join(plat, "dangling.csv"))
        os.mkfifo(os.path.join(plat, "fifo.txt"))
        p = liaudit(self.work, "nightly", "--date", "2026-07-01")
        folder = self.path("output", "nightly", "2026-07-01")
        m = manifest(folder)
        not_read = {i["path"].split("input/", 1)[1]: i["reason"] for i in m["inputs_not_read"]}
        self.assertIn("an empty folder", not_read["platform/old"])
        self.assertIn("a folder, not a file", not_read["platform/dir.csv"])
        self.assertIn("a folder, not a file", not_read["registers/staff.csv"])
        self.assertIn("symbolic link to /nonexistent/x.csv, which does not exist", not_read["platform/dangling.csv"])
        self.assertIn("named pipe", not_read["platform/fifo.txt"])
        with open(os.path.join(folder, "job.log"), encoding="utf-8") as fh:
            log = fh.read()
        for name in ("platform/old", "platform/dir.csv", "registers/staff.csv", "platform/dangling.csv",
                     "platform/fifo.txt"):
            self.assertIn("not read: input/" + name + ": ", log)
        # The registrations register, ingested above, is now a link to a share not mounted.
        reg = os.path.join(regs, "registrations.csv")
        os.remove(reg)
        os.symlink("/mnt/not-mounted/registrations.csv", reg)
        p = liaudit(self.work, "nightly", "--date", "2026-07-02")
        m = manifest(self.path("output", "nightly", "2026-07-02"))
        missing = [w for w in m["warnings"] if "registrations register file is missing this run" in w]
        self.assertEqual(len(missing), 1, m["warnings"])
        self.assertRegex(missing[0], r"using the snapshot of \d{4}-\d\d-\d\d \(")
        self.assertIn("registrations register file is missing this run", p.stderr)

    def test_a_wrongly_cased_input_folder_is_named_with_the_fix(self):
        # Regression (issue 15 review): input/Platform/ (made where names ignore case) was only
        # "a folder liaudit does not read", and a missing register did not point at Registers/.
        s = make_id(44)
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)])
        os.rename(self.path("input", "platform"), self.path("input", "Platform"))
        p = liaudit(self.work, "nightly", "--date", "2026-07-01")
        self.assertIn("in Platform/, not platform/: not read (folder names are case-sensitive here); rename the "
                      "folder to platform/", p.stderr)
        self.assertIn("liaudit: warning: input file not read: input/Platform/", p.stderr)
        os.rename(self.path("input", "registers"), self.path("input", "Registers"))
        shutil.rmtree(self.path("output"))
        p = liaudit(self.work, "nightly", "--date", "2026-07-01", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("Registers/ is there, but folder names are case-sensitive: rename it to registers/", p.stderr)

    def test_utf16_and_semicolon_files_get_one_message_naming_the_format(self):
        s = make_id(51)
        rows = [query("GSP115070200%04d" % i, "2026-07-02 09:00", s) for i in range(50)]
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)])
        write(self.path("input", "platform", "unicode.csv"), csv_text(PLATFORM_COLS, rows, sep="\t"), encoding="utf-16")
        write(self.path("input", "platform", "unicode-nobom.csv"), csv_text(PLATFORM_COLS, rows, sep="\t"),
              encoding="utf-16-le")
        write(self.path("input", "platform", "semicolon.csv"), csv_text(PLATFORM_COLS, rows, sep=";"))
        write(self.path("input", "platform", "tabs.csv"), csv_text(PLATFORM_COLS, rows, sep="\t"))
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        rejects = read_csv(self.path("output", "nightly", "2026-07-01", "rejects.csv"))
        by_file = {}
        for r in rejects:
            by_file.setdefault(os.path.basename(r["file"]), []).append(r)
        self.assertEqual(sorted(by_file), ["semicolon.csv", "tabs.csv", "unicode-nobom.csv", "unicode.csv"])
        for name, rs in by_file.items():
            self.assertEqual(len(rs), 1, (name, rs))  # the file, not a flood of rows
            self.assertEqual(rs[0]["line"], "0" if name.startswith("unicode.") else rs[0]["line"])
        self.assertIn("UTF-16", by_file["unicode.csv"][0]["reason"])
        self.assertIn("UTF-16", by_file["unicode-nobom.csv"][0]["reason"])
        self.assertIn("semicolon-separated", by_file["semicolon.csv"][0]["reason"])
        self.assertIn("tab-separated", by_file["tabs.csv"][0]["reason"])
        self.assertNotIn("one comma", by_file["semicolon.csv"][0]["reason"])

    def test_quoted_semicolon_header_and_utf32_are_named_right(self):
        # Regression (issue 15 review): a semicolon file with every header cell quoted was
        # said to have "only one comma"; UTF-32 was called UTF-16.
        s = make_id(53)
        rows = [query("GSP115070200%04d" % i, "2026-07-02 09:00", s) for i in range(3)]
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)])
        q = lambda v: '"' + str(v) + '"'
        for name, sep in (("semi.csv", ";"), ("tabs.csv", "\t")):
            write(self.path("input", "platform", name),
                  "\r\n".join([sep.join(q(c) for c in PLATFORM_COLS)] +
                               [sep.join(q(r.get(c, "")) for c in PLATFORM_COLS) for r in rows]) + "\r\n")
        write(self.path("input", "platform", "u32.csv"), csv_text(PLATFORM_COLS, rows), encoding="utf-32")
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        m = manifest(self.path("output", "nightly", "2026-07-01"))
        errors = {os.path.basename(i["path"]): i.get("error", "") for i in m["inputs"]}
        rejects = {os.path.basename(r["file"]): r["reason"]
                   for r in read_csv(self.path("output", "nightly", "2026-07-01", "rejects.csv"))}
        said = {n: errors.get(n, "") + rejects.get(n, "") for n in ("semi.csv", "tabs.csv", "u32.csv")}
        self.assertIn("has no commas but %d semicolons" % (len(PLATFORM_COLS) - 1), said["semi.csv"])
        self.assertIn("has no commas but %d tabs" % (len(PLATFORM_COLS) - 1), said["tabs.csv"])
        self.assertIn("UTF-32", said["u32.csv"])
        self.assertNotIn("UTF-16", said["u32.csv"])


    def test_unicode_text_txt_in_platform_and_calendar_is_refused_naming_utf16(self):
        # Regression (issue 15 review): Excel's 「Unicode 文字」 saves UTF-16 tab-separated text
        # as .txt; in platform/ or calendar/ it was only "not a .csv file (.txt): not read".
        s = make_id(52)
        rows = [query("GSP115070200%04d" % i, "2026-07-02 09:00", s) for i in range(5)]
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)])
        write(self.path("input", "platform", "liq_20260702.txt"), csv_text(PLATFORM_COLS, rows, sep="\t"),
              encoding="utf-16")
        write(self.path("input", "calendar", "holidays.txt"), "西元日期\t是否放假\r\n20260701\t2\r\n",
              encoding="utf-16-le")
        write(self.path("input", "platform", "說明.txt"), "notes")
        p = liaudit(self.work, "nightly", "--date", "2026-07-01")
        m = manifest(self.path("output", "nightly", "2026-07-01"))
        errors = {os.path.basename(i["path"]): i.get("error", "") for i in m["inputs"]}
        self.assertIn("it is UTF-16: it starts with a UTF-16 byte-order mark", errors["liq_20260702.txt"])
        self.assertIn("named liq_20260702.csv in platform/", errors["liq_20260702.txt"])
        self.assertIn("looks like UTF-16 little-endian without a byte-order mark", errors["holidays.txt"])
        self.assertIn("CSV UTF-8（逗號分隔）) named holidays.csv in calendar/", errors["holidays.txt"])
        self.assertIn("liq_20260702.txt", p.stderr)
        not_read = {os.path.basename(i["path"]): i["reason"] for i in m["inputs_not_read"]}
        self.assertIn("if it is a platform export, open it in Excel or LibreOffice and save it as",
                      not_read["說明.txt"])

class OldMacLineEndings(Work):
    """Regression (issue 15 review): CR-only files (Excel for Mac "CSV (Macintosh)") were read
    as one header record: a platform export lost every row with exit 0 and no reject, and a
    register was called header-only. A lone CR among LF lines merged two records."""

    def test_cr_only_and_mixed_line_endings_are_read_row_by_row(self):
        s = make_id(61)
        qs = [query("GSP1150701%06d" % i, "2026-07-01 09:%02d" % i, s) for i in range(5)]
        bad = dict(query("GSP1150701000009", "2026-07-01 25:00", s))
        write_inputs(self.work, queries=qs, registrations=[registration("SA115-0001", s),
                                                           registration("SA115-0002", make_id(62))])
        write(self.path("input", "platform", "liq_20260701.csv"),
              csv_text(PLATFORM_COLS, qs[:3] + [bad] + qs[3:]).replace("\r\n", "\r"))
        reg = self.path("input", "registers", "registrations.csv")
        with open(reg, "rb") as fh:
            text = fh.read()
        lines = text.split(b"\r\n")
        # Mixed: CR after the header, LF after the first row, CRLF after the last.
        with open(reg, "wb") as fh:
            fh.write(lines[0] + b"\r" + lines[1] + b"\n" + b"\r\n".join(lines[2:]))
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        folder = self.path("output", "nightly", "2026-07-01")
        rejects = read_csv(os.path.join(folder, "rejects.csv"))
        self.assertEqual([(os.path.basename(r["file"]), r["line"]) for r in rejects], [("liq_20260701.csv", "5")])
        inputs = {os.path.basename(i["path"]): i for i in manifest(folder)["inputs"]}
        self.assertEqual(inputs["liq_20260701.csv"]["taken"], 5, inputs["liq_20260701.csv"])
        self.assertEqual(read_csv(os.path.join(folder, "findings.csv")), [])  # both registrations taken

class OddValues(Work):
    def test_long_and_odd_unit_names_make_safe_unique_files(self):
        long_unit = "社會救助科" * 30  # 450 bytes
        # Full-width letters, and one name in NFC and in NFD (typed on Windows and on a Mac).
        units = [long_unit + "甲", long_unit + "乙", "社工/督導", "..", "ABC科", "abc科", "ＡＢＣ科", "José科",
                 "Jose\u0301科"]
        regs, queries, perms = [], [], []
        for i, u in enumerate(units):
            s = make_id(60 + i)
            acct = "ksw%04d" % (10 + i)
            perms.append(permission(account=acct, unit=u, form_no="F115-%04d" % i, n=i))
            regs.append(registration("SA115-%04d" % i, s, account=acct, unit=u))
            queries.append(query("GSP1150701%06d" % i, "2026-07-01 09:%02d" % i, s, account=acct))
        write_inputs(self.work, queries=queries, registrations=regs, permissions=perms)
        liaudit(self.work, "quarterly", "--quarter", "2026Q3")
        folder = self.path("output", "quarterly", "2026Q3")
        form2 = sorted(os.listdir(os.path.join(folder, "form2")))
        pdfs = [f for f in form2 if f.endswith(".pdf")]
        self.assertEqual(len(pdfs), len(units), form2)
        for f in pdfs:
            self.assertLessEqual(len(f.encode()), 255, f)
            self.assertNotIn("/", f)
        # No two are one file on a file system that ignores case, width or normalisation (SMB, APFS).
        self.assertEqual(len({unicodedata.normalize("NFKC", f).casefold() for f in pdfs}), len(units), pdfs)
        stands_for = {o["path"]: o.get("for") for o in manifest(folder)["outputs"] if o["path"].startswith("form2/")}
        self.assertIn(long_unit + "甲", stands_for.values())
        self.assertIn("社工/督導", stands_for.values())
        # The document shows the unit (shortened with … where its cell is too narrow: docs/ingest.md);
        # the form's workbook holds the full name.
        named = [p for p, v in stands_for.items() if v == long_unit + "乙"][0]
        text = re.sub(r"\s+", "", pdf_text(os.path.join(folder, named)))
        self.assertIn("單位：" + long_unit[:40], text)
        import openpyxl
        wb = openpyxl.load_workbook(os.path.join(folder, "form2", "form2.xlsx"), read_only=True)
        cells = {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row}
        for u in units:
            self.assertIn(u, cells)


class Registers(Work):
    def test_a_job_without_the_registrations_register_fails(self):
        s = make_id(71)
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)], registrations=[])
        os.remove(self.path("input", "registers", "registrations.csv"))
        for cmd in (["nightly", "--date", "2026-07-01"], ["quarterly", "--quarter", "2026Q3"]):
            p = liaudit(self.work, *cmd, check=False)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("registrations register has never been ingested", p.stderr)
        self.assertEqual(glob.glob(self.path("output", "nightly", "*")) + glob.glob(self.path("output", "quarterly", "*")),
                         [])
        # On purpose: allowed by the setting.
        p = liaudit(self.work, "nightly", "--date", "2026-07-01", "--ingest.required_registers=permissions,requests")
        rules = [f["rule_id"] for f in read_csv(self.path("output", "nightly", "2026-07-01", "findings.csv"))]
        self.assertEqual(rules, ["R01"])

    def test_a_register_of_a_header_alone_fails_the_job(self):
        # Regression (issue 15): a required register with a header and no rows (a template
        # never filled in) passed silently, and every query became R01.
        s = make_id(72)
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)], registrations=[])
        p = liaudit(self.work, "nightly", "--date", "2026-07-01", check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("the registrations register has never been ingested with a data row", p.stderr)
        self.assertIn("registrations.csv has a header and no rows", p.stderr)
        self.assertEqual(glob.glob(self.path("output", "nightly", "*")), [])
        # Every row rejected says nothing either; the rejected rows are named first.
        write(self.path("input", "registers", "registrations.csv"),
              csv_text(REGISTRATION_COLS, [registration("SA115-0001", s, applied="115/02/30")]))
        p = liaudit(self.work, "nightly", "--date", "2026-07-01", check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("has 1 rows and every one was rejected", p.stderr)
        self.assertLess(p.stderr.index('"115/02/30" is not a valid date'), p.stderr.index("never been ingested"))
        # Once it held rows, an empty snapshot is a warning on page 1, not a failure.
        write(self.path("input", "registers", "registrations.csv"),
              csv_text(REGISTRATION_COLS, [registration("SA115-0001", s)]))
        liaudit(self.work, "ingest")
        write(self.path("input", "registers", "registrations.csv"), csv_text(REGISTRATION_COLS, []))
        liaudit(self.work, "ingest")
        write(self.path("input", "registers", "registrations.csv"), csv_text(REGISTRATION_COLS, []) + "\r\n")
        liaudit(self.work, "nightly", "--date", "2026-07-01")  # newest 0 rows, the one before 0 rows too
        folder = self.path("output", "nightly", "2026-07-01")
        self.assertTrue(any("registrations register has no data rows in its newest snapshot" in w
                            for w in manifest(folder)["warnings"]), manifest(folder)["warnings"])
        page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", os.path.join(folder, "exceptions.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
        self.assertIn("無任何資料列", re.sub(r"\s+", "", page1))

    def test_every_missing_register_is_named_in_one_message(self):
        # Regression (issue 15): only the first missing register was named; the clerk fixed
        # it, ran again, and learnt of the next one.
        s = make_id(73)
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)], requests=[])
        requests_csv = self.path("input", "registers", "requests.csv")
        with open(requests_csv, "rb") as fh:
            header_only_requests = fh.read()
        for name in ("permissions.csv", "registrations.csv", "requests.csv"):
            os.remove(self.path("input", "registers", name))
        p = liaudit(self.work, "nightly", "--date", "2026-07-01", check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("3 required registers are missing", p.stderr)
        self.assertIn("the permissions register has never been ingested", p.stderr)
        self.assertIn("the registrations register has never been ingested", p.stderr)
        self.assertIn("the requests register has never been ingested", p.stderr)
        self.assertEqual(len([l for l in p.stderr.splitlines() if l.startswith("liaudit: ")]), 1, p.stderr)
        # A 附表3 register of a header alone is a period without district-office requests:
        # lawful, so a warning and a page-1 notice, not a failure.
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s)],
                     registrations=[registration("SA115-0001", s)], requests=[])
        with open(requests_csv, "wb") as fh:
            fh.write(header_only_requests)
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        m = manifest(self.path("output", "nightly", "2026-07-01"))
        self.assertTrue(any("no district office request" in w for w in m["warnings"]), m["warnings"])

    def test_a_register_that_shrank_by_half_is_warned_on_page_one(self):
        subjects = [make_id(80 + i) for i in range(10)]
        regs = [registration("SA115-%04d" % i, s) for i, s in enumerate(subjects)]
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", subjects[0])], registrations=regs)
        liaudit(self.work, "ingest")
        write(self.path("input", "registers", "registrations.csv"), csv_text(REGISTRATION_COLS, regs[:4]))
        liaudit(self.work, "nightly", "--date", "2026-07-01")
        folder = self.path("output", "nightly", "2026-07-01")
        self.assertTrue(any("registrations register shrank" in w for w in manifest(folder)["warnings"]))
        page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", os.path.join(folder, "exceptions.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
        self.assertIn("減少逾半", re.sub(r"\s+", "", page1))
        liaudit(self.work, "quarterly", "--quarter", "2026Q3")
        page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1",
                                self.path("output", "quarterly", "2026Q3", "review.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
        self.assertIn("減少逾半", re.sub(r"\s+", "", page1))


class LogsShowNoFullId(Work):
    """Regression (issue 15): a reject's reason quoting a shifted value printed a whole ID
    number on the terminal and in liaudit.log / job.log."""

    def test_rejects_quoting_ids_are_masked_in_logs_and_on_the_terminal(self):
        s, shifted, shifted2 = make_id(91), make_id(92), make_id(93)
        regs = [registration("SA115-0001", s), dict(registration("SA115-0002", s), 申請日期=shifted)]
        queries = [query("GSP1150701000001", "2026-07-01 09:00", s), query("GSP1150701000002", shifted2, s)]
        write_inputs(self.work, queries=queries, registrations=regs)
        # `ingest` prints every reject (in a copy: the nightly then takes the same files itself).
        shutil.copytree(self.path("input"), self.path("copy", "input"))
        p = liaudit(self.path("copy"), "ingest")
        said = p.stdout + p.stderr
        self.assertIn("rejected", p.stderr)
        for cmd in (["nightly", "--date", "2026-07-01"], ["quarterly", "--quarter", "2026Q3"]):
            p = liaudit(self.work, *cmd)
            said += p.stdout + p.stderr
        self.assertIn('"%s****" is not a valid date' % shifted[:6], said)
        self.assertIn('"%s****" is not a valid timestamp' % shifted2[:6], said)
        logs = [self.path("copy", "output", "liaudit.log"), self.path("output", "liaudit.log"),
                self.path("output", "nightly", "2026-07-01", "job.log"),
                self.path("output", "quarterly", "2026Q3", "job.log")]
        for name in logs:
            with open(name, encoding="utf-8") as fh:
                said += fh.read()
        for full in (s, shifted, shifted2):
            self.assertNotIn(full, said)
        # The internal rejects.csv keeps the raw row as it was (the store's quarantine too).
        rejects = read_csv(self.path("output", "nightly", "2026-07-01", "rejects.csv"))
        self.assertTrue(any(shifted in r["raw"] for r in rejects), rejects)


    def test_ids_glued_to_text_or_split_by_zero_width_spaces_and_verify_file_names_are_masked(self):
        # Regression (issue 15 review): IDA200006014, 9B200006024 and C<ZWSP>200006034 reached
        # the terminal and job.log whole, and `liaudit verify` printed 附表4-<account>.pdf
        # with an account that is an ID number.
        s = make_id(96)
        a, b, c = make_id(601, "A"), make_id(602, "B"), make_id(603, "C")
        regs = [registration("SA115-0001", s), dict(registration("SA115-0002", s), 申請日期="ID" + a),
                dict(registration("SA115-0003", s), 申請日期="9" + b),
                dict(registration("SA115-0004", s), 申請日期=c[0] + "\u200b" + c[1:])]
        account = make_id(604, "J").lower()
        write_inputs(self.work, queries=[query("GSP1150701000001", "2026-07-01 09:00", s, account=account)],
                     registrations=regs, permissions=[permission(account=account)])
        p = liaudit(self.work, "quarterly", "--quarter", "2026Q3")
        said = p.stdout + p.stderr
        self.assertIn('"ID%s****" is not a valid date' % a[:6], said)
        v = e2e_common.run([BIN, "verify", "output/quarterly/2026Q3"], self.work, check=False)
        self.assertIn("附表4-%s****.pdf" % account[:6], v.stdout)
        said += v.stdout + v.stderr
        with open(self.path("output", "quarterly", "2026Q3", "job.log"), encoding="utf-8") as fh:
            said += fh.read()
        with open(self.path("output", "liaudit.log"), encoding="utf-8") as fh:
            said += fh.read()
        for full in (a, b, c, c[1:], account):
            self.assertNotIn(full, said)


class FollowupList(Work):
    """Regression (issue 15): `followup list` printed accounts and keys from input as they were."""

    def test_followup_list_holds_no_formula_and_no_line_break_from_input(self):
        s = make_id(95)
        queries = [query("GSP1150701000001", "2026-07-01 09:00", s, account="=1+1"),
                   query("GSP1150701000002", "2026-07-01 09:01", s, account="ksw\n0002"),
                   query("GSP115070\x1b[2J0003", "2026-07-01 09:02", s, account="-2+3"),
                   query("GSP1150701000004", "2026-07-01 09:03", s, account="@SUM(1,2)"),
                   # A spreadsheet strips the quotes of a field: "=1+1" pasted or opened as TSV is a formula.
                   query("GSP1150701000005", "2026-07-01 09:04", s, account='"=1+1"')]
        write_inputs(self.work, queries=queries, registrations=[registration("SA115-0001", s)])
        liaudit(self.work, "quarterly", "--quarter", "2026Q3")
        p = e2e_common.run([BIN, "followup", "list"], self.work)
        lines = p.stdout.split("\n")
        self.assertEqual(lines[-1], "")
        self.assertRegex(lines[-2], r"^\d+ follow-up\(s\)$")
        entries = [l.split("\t") for l in lines[:-2]]
        self.assertEqual(len(entries), int(lines[-2].split()[0]))
        self.assertGreaterEqual(len(entries), 4, p.stdout)
        for e in entries:
            self.assertEqual(len(e), 5, e)  # key, state, due, account, rule: a value makes no field of its own
            for field in e:
                self.assertNotRegex(field, r'^[\s"]*[=+\-@]', e)
        self.assertNotRegex(p.stdout, "[\x00-\x08\x0b-\x1f\x7f]")
        accounts = {e[3] for e in entries}
        self.assertTrue({"'=1+1", "'-2+3", "'@sum(1,2)", "ksw\\n0002", "'\"=1+1\""} <= accounts, accounts)
        if SOFFICE:  # opened as tab-separated text, as a clerk would paste or open it
            listing = self.path("followup.csv")
            with open(listing, "w", encoding="utf-8") as fh:
                fh.write(p.stdout)
            out = self.path("fods")
            os.makedirs(out)
            subprocess.run([SOFFICE, "-env:UserInstallation=file://" + self.path("lo"), "--headless",
                            "--infilter=CSV:9,34,76,1", "--convert-to", "fods", "--outdir", out, listing],
                           capture_output=True, check=True, timeout=120)
            with open(os.path.join(out, "followup.fods"), encoding="utf-8") as fh:
                self.assertEqual(re.findall(r'table:formula="([^"]*)"', fh.read()), [])
        self.assertTrue(any("GSP115070\\x1B[2J0003" in e[0] for e in entries), entries)


if __name__ == "__main__":
    unittest.main(verbosity=2)
