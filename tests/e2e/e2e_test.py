#!/usr/bin/python3
"""End-to-end tests: the real liaudit binary on the synthetic demo quarter.

Run by ctest (tests/e2e/CMakeLists.txt) with LIAUDIT_BIN and LIAUDIT_SRC set. Checks
what users get: findings against the planted violations, signed PDFs (pdfsig, qpdf,
pdffonts, pdftotext), workbooks read back with openpyxl, the manifest, liaudit verify,
exit codes and the atomic job folders.
"""
import csv
import glob
import json
import os
import shutil
import tempfile
import unittest

import e2e_common
from e2e_common import BIN, PY, SRC

WORK = None  # module fixture folder


def run(args, cwd=None, check=True, env=None):
    return e2e_common.run(args, cwd or WORK, check, env=env)


def liaudit(*args, check=True, cwd=None, env=None):
    return run([BIN] + list(args), cwd=cwd, check=check, env=env)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def setUpModule():
    global WORK
    WORK = tempfile.mkdtemp(prefix="liaudit-e2e-")
    e2e_common.gen_demo(WORK)
    e2e_common.prepare_signing(WORK)
    liaudit("nightly", "--date", "2026-09-30")
    # Later tests re-run jobs; keep what the first run quarantined.
    shutil.copy(os.path.join(WORK, "output/nightly/2026-09-30/rejects.csv"), os.path.join(WORK, "first-rejects.csv"))
    shutil.copy(os.path.join(WORK, "output/nightly/2026-09-30/job.log"), os.path.join(WORK, "first-job.log"))
    liaudit("quarterly", "--quarter", "2026Q3")


def tearDownModule():
    if WORK and not os.environ.get("LIAUDIT_KEEP_E2E"):
        shutil.rmtree(WORK, ignore_errors=True)


def copy_workspace(name, with_output=False):
    """A copy of the fixture's store (and, with_output, of its whole output folder) under
    WORK/name: tests that change the store leave the fixture's job chain alone. Returns
    (output folder, store path)."""
    out = os.path.join(WORK, name, "output")
    if with_output:
        shutil.copytree(os.path.join(WORK, "output"), out, symlinks=True)
    else:
        os.makedirs(out)
        for suffix in ["", "-wal", "-shm"]:
            src = os.path.join(WORK, "output/liaudit.sqlite" + suffix)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(out, "liaudit.sqlite" + suffix))
    return out, os.path.join(out, "liaudit.sqlite")


def pdf_text(pdf):
    return "".join(run(["pdftotext", pdf, "-"]).stdout.split())


def all_pdfs(folder):
    return sorted(glob.glob(os.path.join(folder, "**", "*.pdf"), recursive=True))


class PlantedFindings(unittest.TestCase):
    def test_quarterly_finds_exactly_the_planted_violations(self):
        p = run([PY, os.path.join(SRC, "tests", "e2e", "planted_check.py"), "output/quarterly/2026Q3",
                 "input/planted.json", "--no-rejects"], check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_rejects_of_the_first_run_are_quarantined_with_file_and_line(self):
        rows = read_csv(os.path.join(WORK, "first-rejects.csv"))
        with open(os.path.join(WORK, "input/planted.json"), encoding="utf-8") as fh:
            planted = json.load(fh)["rejects"]
        got = {(os.path.basename(r["file"]), int(r["line"])) for r in rows}
        for rej in planted:
            self.assertIn((os.path.basename(rej["file"]), int(rej["line"])), got, rej)
        for r in rows:
            self.assertTrue(r["reason"], r)
        # The job's own log names where each one is (file:line:column), as `ingest` does.
        with open(os.path.join(WORK, "first-job.log"), encoding="utf-8") as fh:
            log = fh.read()
        for r in rows[:20]:
            if int(r["line"]) > 0:
                self.assertIn("rejected %s:%s:" % (r["file"], r["line"]), log)

    def test_findings_csv_has_the_contract_columns_bom_and_masked_ids(self):
        path = os.path.join(WORK, "output/quarterly/2026Q3/findings.csv")
        with open(path, "rb") as fh:
            raw = fh.read()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        header = raw[3:].split(b"\r\n", 1)[0].decode()
        # The contract's columns in order, then the finding key that `followup` takes.
        self.assertEqual(header, "rule_id,severity,account,query_time,txn_id,service_code,subject_id,reg_no,"
                                 "request_no,date,detail,key")
        keys = [r["key"] for r in read_csv(path)]
        self.assertTrue(keys and all(k.startswith(r + "|") for k, r in zip(keys, (r["rule_id"] for r in read_csv(path)))))
        self.assertEqual(len(keys), len(set(keys)))
        for r in read_csv(path):
            if r["subject_id"]:
                self.assertTrue(r["subject_id"].endswith("****"), r["subject_id"])
            if r["query_time"]:
                self.assertRegex(r["query_time"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


class SignedPdfs(unittest.TestCase):
    def test_every_pdf_is_signed_valid_and_whole(self):
        pdfs = all_pdfs(os.path.join(WORK, "output"))
        self.assertGreater(len(pdfs), 50)
        for pdf in pdfs[:: max(1, len(pdfs) // 25)] + [p for p in pdfs if p.endswith(("review.pdf", "exceptions.pdf"))]:
            out = run(["pdfsig", pdf], check=False).stdout
            self.assertIn("Signature is Valid.", out, pdf)
            self.assertIn("Total document signed", out, pdf)

    def test_one_pdf_of_each_kind_is_pdfa_1b_after_signing(self):
        # Signed at B-B with the PKCS#12 DEMO certificate; e2e_ltv checks B-LTA.
        q = os.path.join(WORK, "output/quarterly/2026Q3")
        pdfs = [os.path.join(q, "review.pdf"), os.path.join(WORK, "output/nightly/2026-09-30/exceptions.pdf")]
        for n in range(1, 5):
            pdfs.append(all_pdfs(os.path.join(q, "form%d" % n))[0])
        verdicts = e2e_common.preflight(pdfs, WORK)
        for pdf, (valid, errors) in zip(pdfs, verdicts):
            self.assertIn("Signature is Valid.", run(["pdfsig", pdf], check=False).stdout, pdf)
            self.assertTrue(valid, "%s: %s" % (pdf, "\n".join(errors[:20])))
        self.assertIn("review.pdf is a valid PDF/A-1b file", e2e_common.preflight_says(pdfs[0], WORK))

    def test_a_form1_stays_under_200_kb(self):
        for pdf in all_pdfs(os.path.join(WORK, "output/quarterly/2026Q3/form1")):
            self.assertLess(os.path.getsize(pdf), 200 * 1024, pdf)

    def test_pdfa_off_writes_plain_pdf_that_preflight_refuses(self):
        # The setting is honoured both ways: without PDF/A there is no XMP nor OutputIntent,
        # and the validator (which could otherwise not fail) says so.
        out = os.path.join(WORK, "pdfa-off")
        liaudit("forms", "--blank", "--output", out, "--render.pdfa", "off")
        pdf = os.path.join(out, "forms/blank/form1.pdf")
        (valid, errors), = e2e_common.preflight([pdf], WORK)
        self.assertFalse(valid)
        self.assertTrue(any("CIDSet" in e for e in errors), errors)
        p = liaudit("forms", "--blank", "--output", out, "--render.pdfa", "2u", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("render.pdfa", p.stderr)

    def test_signed_pdfs_keep_their_structure_tree(self):
        # Tagged PDF (docs/pdf.md "The structure tree"), read back by poppler after signing:
        # the incremental updates keep /StructTreeRoot, /MarkInfo and the pages' /StructParents.
        q = os.path.join(WORK, "output/quarterly/2026Q3")
        reports = {os.path.join(q, "review.pdf"): "勞保查詢系統使用紀錄檢查結果報告",
                   os.path.join(WORK, "output/nightly/2026-09-30/exceptions.pdf"): "勞保查詢系統每日異常報告"}
        forms = {all_pdfs(os.path.join(q, "form%d" % n))[0]: title for n, title in
                 [(1, "資料查詢者權限申請表"), (2, "查調資料登記表"), (3, "查調資料申請表"), (4, "稽核紀錄表")]}
        for pdf, title in list(reports.items()) + list(forms.items()):
            self.assertIn("Signature is Valid.", run(["pdfsig", pdf], check=False).stdout, pdf)
            self.assertRegex(run(["pdfinfo", pdf]).stdout, r"Tagged:\s+yes", pdf)
            self.assertIn("No syntax or stream encoding errors", run(["qpdf", "--check", pdf], check=False).stdout, pdf)
            # -struct-text costs poppler one pass over the page per element: the reports (a
            # few thousand elements) are checked without the text, the forms with it.
            tree = run(["pdfinfo", "-struct-text" if pdf in forms else "-struct", pdf]).stdout
            lines = tree.splitlines()
            self.assertEqual(lines[0], "Document", pdf)
            self.assertIn("  H1 (block)", lines, pdf)
            self.assertIn("      TH", lines, pdf)
            self.assertIn("      TD", lines, pdf)
            if pdf in forms:
                h1 = lines[lines.index("  H1 (block)") + 1]
                self.assertIn(title, h1, pdf)
                self.assertNotIn("頁，共", tree, pdf)
                # The signature note a signed form prints in its approval cell is the form's
                # content (a TD), unlike the reports' stamp box (an artifact: reports_test).
                if "form1" in pdf:
                    self.assertIn("已數位簽章", tree, pdf)
        review = run(["pdfinfo", "-struct", os.path.join(q, "review.pdf")]).stdout.splitlines()
        self.assertEqual(review.count("  Figure"), 2)
        self.assertGreaterEqual(review.count("  H2 (block)"), 6)

    def test_tagged_off_writes_untagged_pdf(self):
        out = os.path.join(WORK, "tagged-off")
        liaudit("forms", "--blank", "--output", out, "--render.tagged", "false")
        pdf = os.path.join(out, "forms/blank/form1.pdf")
        self.assertRegex(run(["pdfinfo", pdf]).stdout, r"Tagged:\s+no")
        self.assertEqual(run(["pdfinfo", "-struct", pdf]).stdout.strip(), "")
        (valid, errors), = e2e_common.preflight([pdf], WORK)
        self.assertTrue(valid, errors[:20])

    def test_qpdf_check_and_fonts_embedded_subset(self):
        for pdf in [os.path.join(WORK, "output/quarterly/2026Q3/review.pdf"),
                    os.path.join(WORK, "output/nightly/2026-09-30/exceptions.pdf")] + \
                all_pdfs(os.path.join(WORK, "output/quarterly/2026Q3/form2"))[:2]:
            q = run(["qpdf", "--check", pdf], check=False)
            self.assertIn("No syntax or stream encoding errors", q.stdout, pdf)
            fonts = run(["pdffonts", pdf]).stdout.splitlines()[2:]
            self.assertTrue(fonts, pdf)
            for line in fonts:
                cols = line.split()
                self.assertIn("+", cols[0], line)  # subset tag ABCDEF+Name
                self.assertEqual(cols[-5], "yes", line)  # emb

    def test_review_text_is_extractable(self):
        txt = run(["pdftotext", "output/quarterly/2026Q3/review.pdf", "-"]).stdout
        for s in ["勞保查詢系統使用紀錄檢查結果報告", "高雄市政府勞工局", "115年7月1日"]:
            self.assertIn(s, txt.replace(" ", ""))

    def test_liaudit_verify_passes_and_catches_tampering(self):
        p = liaudit("verify", "output/quarterly/2026Q3", check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        copy = os.path.join(WORK, "tampered")
        shutil.copytree(os.path.join(WORK, "output/quarterly/2026Q3"), copy)
        path = os.path.join(copy, "review.pdf")
        with open(path, "r+b") as fh:
            fh.seek(os.path.getsize(path) // 3)
            b = fh.read(1)
            fh.seek(-1, 1)
            fh.write(bytes([b[0] ^ 0x01]))
        p = liaudit("verify", copy, check=False)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn("review.pdf", p.stdout + p.stderr)
        shutil.rmtree(copy)

    def test_verify_catches_an_edited_manifest(self):
        # Regression: manifest.json of one job folder edited (its counts), every output file
        # untouched, verified as "Everything verifies"; only verify --chain noticed.
        copy = os.path.join(WORK, "edited-manifest")
        shutil.copytree(os.path.join(WORK, "output/nightly/2026-09-30"), copy)
        self.assertTrue(os.path.isfile(os.path.join(copy, "manifest.json.p7s")))
        p = liaudit("verify", copy, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("OK    manifest.json", p.stdout)
        j = json.loads(liaudit("verify", "--json", copy).stdout)
        self.assertTrue(j["manifest_signature"]["ok"], j["manifest_signature"])
        self.assertTrue(j["manifest_signature"]["chain_ok"], j["manifest_signature"])
        path = os.path.join(copy, "manifest.json")
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        n = json.loads(text)["counts"]["findings"]
        edited = text.replace('"findings": %d,' % n, '"findings": %d,' % (n + 2), 1)
        self.assertNotEqual(edited, text)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(edited)
        p = liaudit("verify", copy, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("FAIL  manifest.json", p.stdout)
        self.assertIn("manifest.json was changed after signing", p.stdout)
        j = json.loads(liaudit("verify", "--json", copy, check=False).stdout)
        self.assertFalse(j["ok"])
        self.assertFalse(j["manifest_signature"]["ok"])
        self.assertEqual(j["altered"], [])
        # Removing the signature does not help.
        os.remove(os.path.join(copy, "manifest.json.p7s"))
        p = liaudit("verify", copy, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("manifest.json is not signed", p.stdout)
        shutil.rmtree(copy)

    def test_unsigned_job_verify_says_the_manifest_is_not_signed(self):
        out = os.path.join(WORK, "out-unsigned")
        liaudit("nightly", "--date", "2026-09-29", "--output", out, "--db", os.path.join(out, "liaudit.sqlite"),
                "--unsigned")
        folder = os.path.join(out, "nightly/2026-09-29")
        self.assertFalse(os.path.exists(os.path.join(folder, "manifest.json.p7s")))
        p = liaudit("verify", folder, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("manifest.json is not signed (the job ran with --unsigned)", p.stdout)
        self.assertNotIn("EXTRA", p.stdout)
        shutil.rmtree(out)


class Workbooks(unittest.TestCase):
    def load(self, rel):
        import openpyxl
        return openpyxl.load_workbook(os.path.join(WORK, rel))

    def test_review_workbook_matches_findings_csv(self):
        wb = self.load("output/quarterly/2026Q3/review.xlsx")
        for name in ["摘要", "查詢紀錄", "檢查結果", "統計-單位", "統計-查詢者", "統計-服務項目"]:
            self.assertIn(name, wb.sheetnames)
        ws = wb["檢查結果"]
        self.assertEqual(ws.freeze_panes, "A3")
        findings = read_csv(os.path.join(WORK, "output/quarterly/2026Q3/findings.csv"))
        self.assertEqual(ws.max_row - 2, len(findings))
        q = wb["查詢紀錄"]
        with open(os.path.join(WORK, "output/quarterly/2026Q3/manifest.json"), encoding="utf-8") as fh:
            manifest = json.load(fh)
        self.assertEqual(q.max_row - 2, manifest["counts"]["queries_checked"])
        import datetime
        self.assertIsInstance(q.cell(row=3, column=1).value, datetime.datetime)
        self.assertTrue(str(q.cell(row=3, column=8).value).endswith("****"))

    def test_exceptions_workbook_has_summary_and_a_sheet_per_rule(self):
        wb = self.load("output/nightly/2026-09-30/exceptions.xlsx")
        self.assertEqual(wb.sheetnames[0], "摘要")
        self.assertEqual(len(wb.sheetnames), 1 + 14)  # R14 and R16 do not run nightly
        counts = [c.value for c in wb["摘要"]["D"][2:16]]
        self.assertTrue(all(isinstance(v, int) for v in counts), counts)


    def test_every_workbook_has_an_ods_twin_that_libreoffice_shows_alike(self):
        # output.spreadsheets = xlsx,ods (the default): each workbook also as ODF, listed in
        # the manifest; LibreOffice Calc shows every sheet of both with the same cells and the
        # same 民國 dates (CSV export "as shown", every sheet).
        if not os.path.exists("/usr/bin/soffice"):
            self.skipTest("LibreOffice not installed (Debian libreoffice-calc-nogui)")
        pairs = []
        for folder in ["output/nightly/2026-09-30", "output/quarterly/2026Q3"]:
            with open(os.path.join(WORK, folder, "manifest.json"), encoding="utf-8") as fh:
                listed = {o["path"] for o in json.load(fh)["outputs"]}
            xlsx = sorted(p for p in listed if p.endswith(".xlsx"))
            self.assertTrue(xlsx, folder)
            for rel in xlsx:
                twin = rel[:-5] + ".ods"
                self.assertIn(twin, listed, folder)
                pairs.append((os.path.join(WORK, folder, rel), os.path.join(WORK, folder, twin)))
        self.assertEqual(len(pairs), 1 + 5)  # exceptions; review and form1-form4
        conv = os.path.join(WORK, "soffice")
        shown = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
        for i, kind in enumerate(["xlsx", "ods"]):
            run(["timeout", "600", "/usr/bin/soffice", "--headless", "-env:UserInstallation=file://" + conv + "/profile",
                 "--convert-to", shown, "--outdir", os.path.join(conv, kind)] + [p[i] for p in pairs])
        compared = 0
        for x, _ in pairs:
            stem = os.path.basename(x)[:-5]
            sheets = sorted(glob.glob(os.path.join(conv, "xlsx", stem + "-*.csv")))
            self.assertTrue(sheets, stem)
            for csv_x in sheets:
                csv_o = os.path.join(conv, "ods", os.path.basename(csv_x))
                with open(csv_x, encoding="utf-8") as a, open(csv_o, encoding="utf-8") as b:
                    self.assertEqual(a.read(), b.read(), os.path.basename(csv_x))
                compared += 1
        self.assertEqual(compared, 15 + 8 + 4)  # exceptions: summary + 14 rules; review: 8; one per form
        with open(os.path.join(conv, "ods", "review-查詢紀錄.csv"), encoding="utf-8") as fh:
            row = next(r for r in csv.reader(fh) if r and r[0][:1].isdigit())
        self.assertRegex(row[0], r"^11[0-9]/[01][0-9]/[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$")  # 民國

    def test_ods_cells_are_typed(self):
        # What odfpy (python3-odf) reads back: dates as date cells shown with the ROC
        # calendar, counts as float cells, text as string cells.
        p = run(["/usr/bin/python3", os.path.join(e2e_common.SRC, "tests/ods/readback.py"),
                 os.path.join(WORK, "output/quarterly/2026Q3/review.ods"), "5"])
        j = json.loads(p.stdout)
        sheets = {s["name"]: s for s in j["sheets"]}
        q = sheets["查詢紀錄"]
        self.assertEqual((q["frozen"]["mode"], q["frozen"]["row"], q["header_rows"]), (2, 2, 2))
        first = q["rows"][2]
        self.assertEqual((first[0]["t"], first[0]["style"]), ("date", "roc-datetime"))
        self.assertEqual(first[1]["t"], "string")
        self.assertTrue(first[7]["v"].endswith("****"))
        with open(os.path.join(WORK, "output/quarterly/2026Q3/manifest.json"), encoding="utf-8") as fh:
            manifest = json.load(fh)
        self.assertEqual(q["max_row"] - 2, manifest["counts"]["queries_checked"])
        summary = sheets["摘要"]["rows"][2]
        self.assertEqual((summary[0]["v"], summary[1]["t"]), ("查詢筆數", "float"))
        self.assertEqual(summary[1]["v"], manifest["counts"]["queries_checked"])

    def test_output_spreadsheets_chooses_the_formats(self):
        for value, present, absent in [("xlsx", ".xlsx", ".ods"), ("ods", ".ods", ".xlsx")]:
            out = os.path.join(WORK, "sheets-" + value)
            liaudit("nightly", "--date", "2026-09-29", "--output", out, "--unsigned", "--no-progress",
                    "--output.spreadsheets", value)
            folder = os.path.join(out, "nightly/2026-09-29")
            self.assertTrue(os.path.exists(os.path.join(folder, "exceptions" + present)), value)
            self.assertFalse(os.path.exists(os.path.join(folder, "exceptions" + absent)), value)
        p = liaudit("nightly", "--date", "2026-09-29", "--output", os.path.join(WORK, "sheets-bad"),
                    "--output.spreadsheets", "xlsx,pdf", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("output.spreadsheets", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(WORK, "sheets-bad", "nightly")))


class DocumentTexts(unittest.TestCase):
    def test_form4_asks_for_the_review_report_once(self):
        # Regression: the job's opinion and the form both wrote the due-date sentence.
        import openpyxl
        folder = os.path.join(WORK, "output/quarterly/2026Q3/form4")
        owed = 0
        for pdf in glob.glob(os.path.join(folder, "*.pdf")):
            txt = "".join(run(["pdftotext", pdf, "-"]).stdout.split())
            self.assertLessEqual(txt.count("檢討報告"), 1, pdf)
            owed += txt.count("請立即改正，並於")
        self.assertGreater(owed, 0)
        ws = openpyxl.load_workbook(os.path.join(folder, "form4.xlsx"))["附表4"]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        self.assertEqual(len(rows), len(glob.glob(os.path.join(folder, "*.pdf"))))
        for r in rows:
            opinion, due = r[11], r[12]
            self.assertEqual(opinion.count("檢討報告"), 1 if due else 0, opinion)

    def test_review_counts_the_rows_the_quarters_runs_quarantined(self):
        # The quarterly's own ingest finds every file taken by the nightly before it; the
        # review still reports what that nightly quarantined.
        with open(os.path.join(WORK, "first-rejects.csv"), encoding="utf-8-sig") as fh:
            first = len(list(csv.reader(fh))) - 1
        self.assertGreater(first, 0)
        txt = run(["pdftotext", "-layout", "output/quarterly/2026Q3/review.pdf", "-"]).stdout
        flat = "".join(txt.replace(",", "").split())
        self.assertIn("隔離之輸入資料%d列（本期各次執行累計；本次執行0列" % first, flat)

    def test_skipped_checks_are_written_in_chinese(self):
        # Regression: the reports printed the English reasons ("no staff roster ingested").
        import openpyxl
        import re
        work = tempfile.mkdtemp(prefix="skips-", dir=WORK)
        shutil.copytree(os.path.join(WORK, "input/platform"), os.path.join(work, "input/platform"))
        os.makedirs(os.path.join(work, "input/registers"))
        for name in ["permissions.csv", "registrations.csv", "requests.csv"]:  # no staff.csv, no calendar
            shutil.copy(os.path.join(WORK, "input/registers", name), os.path.join(work, "input/registers"))
        common = ["--unsigned", "--rules.self_query_check", "false", "--no-progress"]
        liaudit("nightly", "--date", "2026-09-30", *common, cwd=work)
        liaudit("quarterly", "--quarter", "2026Q3", *common, cwd=work)
        english = re.compile(r"[A-Za-z]{3,}")
        for rel, heading in [("nightly/2026-09-30/exceptions.pdf", "三、未執行之檢查"),
                             ("quarterly/2026Q3/review.pdf", "六、未執行之檢查")]:
            txt = run(["pdftotext", "-layout", os.path.join(work, "output", rel), "-"]).stdout
            section = txt[txt.index(heading):]
            lines = [l for l in section.splitlines() if re.match(r"\s*\d+\s+R\d\d ", l)]
            self.assertEqual([l.split()[1] for l in lines], ["R05", "R06", "R10", "R08"], rel)
            for line in lines:
                self.assertIsNone(english.search(line), rel + ": " + line)
            self.assertIn("未匯入人事異動名冊", section)
        for rel, col in [("nightly/2026-09-30/exceptions.xlsx", 1), ("quarterly/2026Q3/review.xlsx", 2)]:
            ws = openpyxl.load_workbook(os.path.join(work, "output", rel))["摘要"]
            notes = [r[col] for r in ws.iter_rows(values_only=True) if r[0] == "未執行/備註"]
            self.assertEqual(len(notes), 4, rel)
            for n in notes:
                self.assertIsNone(english.search(n), rel + ": " + n)
        with open(os.path.join(work, "output/nightly/2026-09-30/manifest.json"), encoding="utf-8") as fh:
            m = json.load(fh)
        self.assertIn({"rule": "R05", "reason": "no staff roster ingested"}, m["skipped_checks"])  # English stays
        shutil.rmtree(work)


class Package(unittest.TestCase):
    def test_the_quarterly_package_holds_no_full_id_number(self):
        # Regression (issue 17): the package for 勞工局 held full ID numbers — rejects.csv kept
        # the raw rows (review.pdf points the reader to it) and 附表1-3 printed them in full.
        # Every file of a quarterly whose own ingest quarantined rows (a fresh store) is read
        # as its reader would (PDF text, XLSX cells, CSV / JSON / log text) for any ID the
        # input holds. The store and the nightly (internal) keep the full rows.
        import re
        import sqlite3
        import openpyxl
        id_re = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][12890A-Da-d][0-9]{8}(?![0-9])")
        fold = {c + 0xFEE0: c for c in range(0x21, 0x7F)}  # full-width forms

        def ids_in(text):
            return {m.upper() for m in id_re.findall(text.translate(fold))}

        ids = set()
        for path in glob.glob(os.path.join(WORK, "input", "**", "*.csv"), recursive=True):
            with open(path, "rb") as fh:
                raw = fh.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp950", errors="replace")
            ids |= ids_in(text)
        self.assertGreater(len(ids), 100)
        out = os.path.join(WORK, "package-out")
        liaudit("quarterly", "--quarter", "2026Q3", "--output", out, "--no-progress")
        folder = os.path.join(out, "quarterly/2026Q3")
        self.assertTrue(read_csv(os.path.join(folder, "rejects.csv")))
        files = [p for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True) if os.path.isfile(p)]
        kinds = {os.path.splitext(p)[1] for p in files}
        self.assertTrue({".pdf", ".xlsx", ".ods", ".csv", ".json", ".log", ".p7s"} <= kinds, kinds)
        for path in files:
            if path.endswith(".pdf"):
                text = run(["pdftotext", path, "-"]).stdout
            elif path.endswith(".xlsx"):
                wb = openpyxl.load_workbook(path, read_only=True)
                text = "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row
                                 if v is not None)
                wb.close()
            elif path.endswith(".ods"):
                import zipfile
                with zipfile.ZipFile(path) as z:
                    text = re.sub(r"<[^>]+>", "\n", z.read("content.xml").decode("utf-8"))
            else:
                with open(path, "rb") as fh:
                    text = fh.read().decode("utf-8", errors="replace")
            full = ids_in(text) & ids
            self.assertFalse(full, "%s holds %d full ID(s)" % (os.path.relpath(path, folder), len(full)))
        # The store keeps the quarantined rows verbatim; the nightly (internal) shows them.
        db = sqlite3.connect(os.path.join(out, "liaudit.sqlite"))
        raws = "\n".join(r[0] for r in db.execute("SELECT raw FROM quarantine"))
        db.close()
        self.assertTrue(ids_in(raws) & ids)
        with open(os.path.join(WORK, "first-rejects.csv"), encoding="utf-8-sig") as fh:
            self.assertTrue(ids_in(fh.read()) & ids)


class Manifest(unittest.TestCase):
    def test_manifest_lists_inputs_and_outputs_with_hashes(self):
        import hashlib
        folder = os.path.join(WORK, "output/quarterly/2026Q3")
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as fh:
            m = json.load(fh)
        self.assertEqual(m["job"]["kind"], "quarterly")
        self.assertTrue(m["inputs"])
        listed = {o["path"] for o in m["outputs"]}
        for o in m["outputs"]:
            with open(os.path.join(folder, o["path"]), "rb") as fh:
                data = fh.read()
            self.assertEqual(hashlib.sha256(data).hexdigest(), o["sha256"])
            self.assertEqual(len(data), o["bytes"])
        on_disk = {os.path.relpath(p, folder) for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True)
                   if os.path.isfile(p)} - {"manifest.json", "manifest.json.p7s"}
        self.assertEqual(listed, on_disk)
        self.assertTrue(os.path.isfile(os.path.join(folder, "manifest.json.p7s")))  # the one file not listed
        self.assertTrue(m["previous_manifest_sha256"])  # the nightly ran before

    def test_chain_verifies(self):
        p = liaudit("verify", "--chain", "output", check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_chain_notices_a_damaged_folder(self):
        # The manifests still chain, but a document was changed and another removed: the
        # chain check looks inside each folder too.
        copy = os.path.join(tempfile.mkdtemp(prefix="damaged-", dir=WORK), "output")
        shutil.copytree(os.path.join(WORK, "output"), copy, symlinks=True)
        with open(os.path.join(copy, "quarterly", "2026Q3", "review.pdf"), "ab") as fh:
            fh.write(b"junk")
        form3 = sorted(glob.glob(os.path.join(copy, "quarterly", "2026Q3", "form3", "*.pdf")))
        self.assertTrue(form3)
        os.remove(form3[0])
        p = liaudit("verify", "--chain", copy, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        line = [l for l in p.stdout.splitlines() if "2026Q3" in l]
        self.assertEqual(len(line), 1, p.stdout)
        self.assertTrue(line[0].startswith("ALTERED"), line[0])
        self.assertIn("1 file(s) missing (form3/", line[0])
        self.assertIn("1 file(s) altered (review.pdf)", line[0])
        self.assertIn("chain: 1 problem(s)", p.stdout)
        self.assertRegex(p.stdout, r"OK +\S+nightly")

    def test_chain_notices_findings_and_follow_ups_edited_in_the_store(self):
        # Regression (issue 17): findings deleted and follow-ups closed with sqlite3 left
        # `verify --chain` at "intact". Findings are checked against the signed manifests,
        # follow-ups against their append-only, hash-chained log.
        import sqlite3
        out, db = copy_workspace("edited-store", with_output=True)
        chain = ["verify", "--chain", out, "--db", db]
        # A change made with liaudit moves the chain's head (chain-head, liaudit.log) along.
        with open(os.path.join(out, "chain-head"), encoding="utf-8") as fh:
            entries = json.load(fh)["followup_log_entries"]
        listing = liaudit("followup", "list", "--db", db, "--output", out).stdout.splitlines()
        received = [l.split("\t")[0] for l in listing if "\topen\t" in l][-1]
        liaudit("followup", "received", received, "--by", "權限管理者", "--db", db, "--output", out)
        with open(os.path.join(out, "chain-head"), encoding="utf-8") as fh:
            self.assertEqual(json.load(fh)["followup_log_entries"], entries + 1)
        p = liaudit(*chain, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        con = sqlite3.connect(db)
        job = con.execute("SELECT max(job_id) FROM findings WHERE job_id IN (SELECT id FROM jobs WHERE kind = 'quarterly'"
                          " AND status = 'ok')").fetchone()[0]
        ids = [r[0] for r in con.execute("SELECT id FROM findings WHERE job_id = ? ORDER BY id LIMIT 2", (job,))]
        con.execute("DELETE FROM finding_evidence WHERE finding_id IN (?, ?)", ids)
        con.execute("DELETE FROM findings WHERE id IN (?, ?)", ids)
        key = con.execute("SELECT key FROM followups WHERE state = 'open' ORDER BY key LIMIT 1").fetchone()[0]
        con.execute("UPDATE followups SET state = 'closed', updated_by = '權限管理者' WHERE key = ?", (key,))
        con.commit()
        with self.assertRaises(sqlite3.DatabaseError) as refused:  # the log itself is append-only
            con.execute("DELETE FROM followup_log")
        self.assertIn("append-only", str(refused.exception))
        con.close()
        p = liaudit(*chain, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"CHANGED +\S+quarterly/2026Q3: the store holds \d+ finding\(s\) of job %d, its "
                                   r"signed manifest lists \d+" % job)
        self.assertIn("FOLLOWUP follow-up %s differs from its log (state closed, the log says open" % key, p.stdout)
        # Undoing the last change by hand, log entry and row alike, past the triggers: the
        # log still chains, but it is shorter than its head outside the store.
        con = sqlite3.connect(db)
        con.executescript("DROP TRIGGER followup_log_no_delete;"
                          "DELETE FROM followup_log WHERE id = (SELECT max(id) FROM followup_log);"
                          "UPDATE followups SET state = 'open', updated_by = '', updated_at = NULL, note = ''"
                          " WHERE key = '%s';" % received)
        con.close()
        p = liaudit(*chain, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("REMOVED  follow-up log: chain-head records %d entries, the store holds %d" % (entries + 1, entries),
                      p.stdout)

    def test_chain_notices_the_newest_job_removed_with_its_folder(self):
        # Regression (issue 17): deleting the newest job's row and its folder left a chain
        # that verified. Its head is kept outside the store (chain-head, liaudit.log).
        import sqlite3
        out, db = copy_workspace("removed-job", with_output=True)
        p = liaudit("audit", "--from", "2026-09-01", "--to", "2026-09-30", "--unit", "社會救助科", "--db", db,
                    "--output", out, "--unsigned", "--no-progress")
        folder = p.stdout.split("output: ")[1].strip()
        with open(os.path.join(out, "chain-head"), encoding="utf-8") as fh:
            head = json.load(fh)
        self.assertEqual(os.stat(os.path.join(out, "chain-head")).st_mode & 0o077, 0)
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as fh:
            m = json.load(fh)
        self.assertEqual(head["job_id"], m["job"]["id"])
        with open(os.path.join(out, "liaudit.log"), encoding="utf-8") as fh:
            self.assertIn("chain head: job %d (audit) manifest %s" % (head["job_id"], head["manifest_sha256"]), fh.read())
        chain = ["verify", "--chain", out, "--db", db]
        self.assertEqual(liaudit(*chain, check=False).returncode, 0)
        con = sqlite3.connect(db)
        con.execute("DELETE FROM finding_evidence WHERE finding_id IN (SELECT id FROM findings WHERE job_id = ?)",
                    (head["job_id"],))
        con.execute("DELETE FROM findings WHERE job_id = ?", (head["job_id"],))
        con.execute("DELETE FROM jobs WHERE id = ?", (head["job_id"],))
        con.commit()
        con.close()
        shutil.rmtree(folder)
        p = liaudit(*chain, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("REMOVED  job %d (audit, " % head["job_id"], p.stdout)
        self.assertIn("chain-head names it as the newest job, but the store no longer has it", p.stdout)
        # Removing chain-head too: liaudit.log still names the job, and the file is missed.
        os.remove(os.path.join(out, "chain-head"))
        p = liaudit(*chain, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("liaudit.log names it as the newest job", p.stdout)
        self.assertIn("chain-head: the chain's head is not recorded", p.stdout)

    def test_chain_verifies_after_the_workspace_moved(self):
        # The store records absolute folder paths; a workspace restored elsewhere, where a
        # job is then run again (replacing its folder), still verifies.
        moved = os.path.join(tempfile.mkdtemp(prefix="moved-", dir=WORK), "ws")
        os.makedirs(moved)
        for name in ["input", "cert", "output"]:
            shutil.copytree(os.path.join(WORK, name), os.path.join(moved, name), symlinks=True)
        shutil.copy(os.path.join(WORK, "liaudit.ini"), moved)
        liaudit("nightly", "--date", "2026-09-30", cwd=moved)
        p = liaudit("verify", "--chain", "output", cwd=moved, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_output_is_owner_only(self):
        for rel in ["output", "output/liaudit.sqlite", "output/quarterly/2026Q3"]:
            mode = os.stat(os.path.join(WORK, rel)).st_mode & 0o077
            self.assertEqual(mode, 0, rel)


class CommandLine(unittest.TestCase):
    def test_a_rerun_keeps_the_review_report_due_date_of_the_first_audit(self):
        # 附表4 of a later re-run asks for the review report by the date the follow-up got
        # when the finding was first found, as review.pdf and `followup list` say.
        listing = liaudit("followup", "list").stdout.splitlines()
        first = [l.split("\t") for l in listing if "\topen\t" in l][0]
        key, due, account = first[0], first[2].replace("due ", ""), first[3]
        y, m, d = (int(x) for x in due.split("-"))
        out = os.path.join(WORK, "rerun-out")
        os.makedirs(out)
        for suffix in ["", "-wal", "-shm"]:  # a copy of the store, so the main one's job chain stays
            src = os.path.join(WORK, "output/liaudit.sqlite" + suffix)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(out, "copy.sqlite" + suffix))
        liaudit("quarterly", "--quarter", "2026Q3", "--output", out, "--db", os.path.join(out, "copy.sqlite"),
                "--fixed-clock", "2027-01-20 10:00:00")
        txt = run(["pdftotext", os.path.join(out, "quarterly/2026Q3/form4/附表4-%s.pdf" % account), "-"]).stdout
        self.assertIn("%d年%d月%d日前提具" % (y - 1911, m, d), txt.replace("\n", ""), key)

    def test_form4_never_asks_for_a_report_before_its_audit_date(self):
        # Regression (issue 17): an audit after the due date an earlier audit set asked for
        # the review report "by" that past date; findings whose report was received or that
        # were closed were still asked for. Now: the earlier due date is worded as owed,
        # received / closed findings show their state and are not asked for.
        import re
        out, db = copy_workspace("form4-dates")
        common = ["--db", db, "--output", out]
        keys = {}
        for line in liaudit("followup", "list", *common).stdout.splitlines():
            cols = line.split("\t")
            if len(cols) > 3 and cols[1] == "open":
                keys.setdefault(cols[3], []).append(cols[0])
        mixed = [a for a, k in sorted(keys.items()) if len(k) >= 2][0]  # one received, one still open
        done = [a for a, k in sorted(keys.items()) if a != mixed][0]     # every one closed
        liaudit("followup", "received", keys[mixed][0], "--by", "權限管理者", *common)
        for k in keys[done]:
            liaudit("followup", "close", k, "--by", "權限管理者", *common)
        p = liaudit("audit", "--from", "2026-07-01", "--to", "2026-09-30", "--account", mixed, "--account", done,
                    "--fixed-clock", "2027-01-20 10:00:00", "--unsigned", "--no-progress", *common)
        folder = p.stdout.split("output: ")[1].strip()
        txt = pdf_text(os.path.join(folder, "form4", "附表4-%s.pdf" % mixed))
        self.assertIn("116年1月20日", txt)  # the audit date
        for y, m, d in re.findall(r"請立即改正，並於(\d+)年(\d+)月(\d+)日前提具", txt):
            self.assertGreaterEqual((int(y), int(m), int(d)), (116, 1, 20), txt)
        self.assertIn("依前次稽核，應於", txt)
        self.assertIn("迄今尚未收到（已逾期）", txt)
        self.assertIn("已收檢討報告1件", txt)
        txt = pdf_text(os.path.join(folder, "form4", "附表4-%s.pdf" % done))
        self.assertNotIn("前提具", txt)
        self.assertIn("已結案", txt)

    def test_an_audit_of_an_account_or_unit_nothing_names_is_refused(self):
        # Regression (issue 17): `audit --account X` for an account no export or register
        # names exited 0 and signed a 附表4 certifying 「未發現違反本要點之情事」.
        out, db = copy_workspace("audit-unknown")
        common = ["--from", "2026-07-01", "--to", "2026-09-30", "--db", db, "--output", out, "--unsigned",
                  "--no-progress"]
        p = liaudit("audit", "--account", "KSW99999", *common, check=False)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("audit --account ksw99999: no platform export or register names this account", p.stderr)
        self.assertIn("ksw0999", p.stderr.split("nearest known: ")[1])
        p = liaudit("audit", "--unit", "社會救助課", *common, check=False)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("audit --unit 社會救助課: no register names this unit; the nearest known: 社會救助科", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "audit")))
        # One unknown account among known ones is refused too.
        p = liaudit("audit", "--account", "ksw0999", "--account", "ksw0998x", *common, check=False)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("ksw0998x", p.stderr)

    def test_an_audit_names_the_work_days_no_platform_export_covers(self):
        # Regression (issue 17): an audit reaching past the last export certified the days
        # without any platform export as clean. 附表4 and the manifest name them.
        out, db = copy_workspace("audit-uncovered")
        p = liaudit("audit", "--from", "2026-09-28", "--to", "2026-10-06", "--unit", "社會救助科", "--db", db,
                    "--output", out, "--unsigned", "--no-progress")
        self.assertIn("no platform export covers 4 work day(s) of the period", p.stderr)
        folder = p.stdout.split("output: ")[1].strip()
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as fh:
            m = json.load(fh)
        self.assertEqual(m["days_without_platform_export"], ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06"])
        pdfs = glob.glob(os.path.join(folder, "form4", "*.pdf"))
        self.assertTrue(pdfs)
        for pdf in pdfs:
            txt = pdf_text(pdf)
            self.assertIn("下列工作日無平臺查詢匯出資料，未能查核：115年10月1日、115年10月2日、115年10月5日、"
                          "115年10月6日，共4日", txt)
            self.assertNotIn("經查核本期間之查調紀錄", txt)
        # A period every work day of which has its export names none.
        with open(os.path.join(WORK, "output/quarterly/2026Q3/manifest.json"), encoding="utf-8") as fh:
            self.assertEqual(json.load(fh)["days_without_platform_export"], [])

    def test_a_work_day_without_queries_says_its_export_may_be_late(self):
        # A nightly for a work day with no platform query completes, but says so (a late
        # export must not pass as a quiet day); a weekend day without queries stays quiet.
        out = os.path.join(WORK, "late-out")
        p = liaudit("nightly", "--date", "2026-10-05", "--output", out, "--db", os.path.join(WORK, "late.sqlite"))
        self.assertIn("no platform query of 2026-10-05 is in the store", p.stderr)
        with open(os.path.join(out, "nightly/2026-10-05/manifest.json"), encoding="utf-8") as fh:
            self.assertTrue(any("no platform query" in w for w in json.load(fh)["warnings"]))
        txt = run(["pdftotext", os.path.join(out, "nightly/2026-10-05/exceptions.pdf"), "-"]).stdout
        self.assertIn("本日（工作日）無任何平臺查詢紀錄", txt)
        # Page 1 says it before the figures, so "本期無異常" is not read as a quiet day.
        page1 = run(["pdftotext", "-f", "1", "-l", "1", os.path.join(out, "nightly/2026-10-05/exceptions.pdf"),
                     "-"]).stdout.replace("\n", "")
        self.assertIn("注意事項", page1)
        self.assertIn("平臺匯出檔可能尚未送達", page1)
        self.assertLess(page1.index("注意事項"), page1.index("一、各規則異常件數"))
        p = liaudit("nightly", "--date", "2026-10-04", "--output", out, "--db", os.path.join(WORK, "late.sqlite"))
        self.assertNotIn("no platform query", p.stderr)
        txt = run(["pdftotext", os.path.join(out, "nightly/2026-10-04/exceptions.pdf"), "-"]).stdout
        self.assertNotIn("注意事項", txt)

    def test_every_option_can_come_from_the_ini_file(self):
        # Settings by section ([rules] ...), sub-command options in the sub-command's section
        # ([nightly] date = ...); the command line wins; another sub-command's section is
        # accepted; an unknown key is wrong usage.
        work = tempfile.mkdtemp(prefix="ini-", dir=WORK)
        shutil.copytree(os.path.join(WORK, "input"), os.path.join(work, "input"))
        ini = os.path.join(work, "job.ini")
        with open(ini, "w", encoding="utf-8") as fh:
            fh.write("unsigned = true\nno-progress = true\n[rules]\ndaily_query_limit = 7\n"
                     "[nightly]\ndate = 2026-09-29\n[quarterly]\nquarter = 2026Q3\n[verify]\njson = true\n")
        liaudit("nightly", "--config", ini, cwd=work)
        self.assertTrue(os.path.isdir(os.path.join(work, "output/nightly/2026-09-29")))
        liaudit("nightly", "--config", ini, "--date", "2026-09-28", cwd=work)
        self.assertTrue(os.path.isdir(os.path.join(work, "output/nightly/2026-09-28")))
        with open(os.path.join(work, "output/nightly/2026-09-29/manifest.json"), encoding="utf-8") as fh:
            self.assertEqual(json.load(fh)["settings"]["daily_query_limit"], 7)
        out = liaudit("verify", "--config", ini, os.path.join(work, "output/nightly/2026-09-29"), check=False).stdout
        self.assertTrue(out.lstrip().startswith("{"), out)  # [verify] json = true
        for cmd, bad in [("nightly", "[nightly]\ndat = 2026-09-29\n"), ("verify", "[verify]\njson = maybe\n"),
                         ("nightly", "[nightlyx]\ndate = 1\n")]:
            with open(ini, "w", encoding="utf-8") as fh:
                fh.write(bad)
            p = liaudit(cmd, "--config", ini, cwd=work, check=False)
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn("job.ini", p.stderr, bad)

    def test_usage_errors_exit_2(self):
        self.assertEqual(liaudit("nightly", "--date", "2026-02-30", check=False).returncode, 2)
        self.assertEqual(liaudit("frobnicate", check=False).returncode, 2)
        self.assertEqual(liaudit("quarterly", "--quarter", "2026Q5", check=False).returncode, 2)
        self.assertEqual(liaudit("audit", "--from", "2026-07-01", check=False).returncode, 2)
        self.assertEqual(liaudit("ingest", "--lock-wait", "-5", check=False).returncode, 2)

    def test_a_period_that_has_not_ended_is_refused(self):
        # A nightly checks a whole day and a quarterly a whole quarter, each as it stood at its
        # end: before that end they are refused (exit 2, nothing written), pointing at `audit`.
        out = os.path.join(WORK, "unfinished-out")
        p = liaudit("nightly", "--date", "2027-03-10", "--output", out, "--fixed-clock", "2027-03-10 15:00:00",
                    check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("that day has not ended yet", p.stderr)
        self.assertIn("liaudit audit --from 2027-03-10 --to 2027-03-10", p.stderr)
        p = liaudit("quarterly", "--quarter", "2027Q1", "--output", out, "--fixed-clock", "2027-03-10 15:00:00",
                    check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("the quarter ends on 2027-03-31", p.stderr)
        self.assertIn("liaudit audit --from 2027-01-01 --to 2027-03-09", p.stderr)
        self.assertFalse(os.path.exists(out))
        # The day after, both run.
        p = liaudit("nightly", "--date", "2027-03-10", "--output", out, "--fixed-clock", "2027-03-11 01:00:00",
                    "--unsigned", "--no-progress", check=False)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])

    def test_help_on_every_level(self):
        self.assertIn("Sub-commands", liaudit("--help").stdout)
        for cmd in ["ingest", "nightly", "quarterly", "audit", "forms", "verify", "followup"]:
            self.assertIn("Options of", liaudit(cmd, "--help").stdout)

    def test_missing_certificate_fails_before_writing_anything(self):
        out = os.path.join(WORK, "out-nocert")
        p = liaudit("nightly", "--date", "2026-09-29", "--output", out, "--signing.pkcs12", "cert/nope.p12", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("nope.p12", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "nightly")))

    def test_audit_and_followup(self):
        p = liaudit("audit", "--from", "2026-07-01", "--to", "2026-09-30", "--unit", "社會救助科",
                    "--auditor", "王稽核")
        folder = p.stdout.split("output: ")[1].strip()
        self.assertTrue(glob.glob(os.path.join(folder, "form4", "*.pdf")))
        self.assertTrue(os.path.exists(os.path.join(folder, "evidence.xlsx")))
        self.assertTrue(os.path.exists(os.path.join(folder, "evidence.ods")))
        lst = liaudit("followup", "list").stdout
        self.assertIn("follow-up(s)", lst)
        key = lst.splitlines()[0].split("\t")[0]
        liaudit("followup", "received", key, "--by", "權限管理者")
        self.assertIn("report_received", liaudit("followup", "list").stdout.splitlines()[0] + liaudit("followup", "list").stdout)
        self.assertEqual(liaudit("followup", "close", "R99|nothing", "--by", "x", check=False).returncode, 1)

    def test_blank_forms(self):
        liaudit("forms", "--blank")
        for i in range(1, 5):
            pdf = os.path.join(WORK, "output/forms/blank/form%d.pdf" % i)
            self.assertIn("Signature is Valid.", run(["pdfsig", pdf], check=False).stdout)

    def test_rerun_replaces_the_folder_and_leaves_no_temporary(self):
        liaudit("nightly", "--date", "2026-09-30")
        names = os.listdir(os.path.join(WORK, "output/nightly"))
        self.assertEqual([n for n in names if n.startswith(".") or n.endswith(".previous")], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
