"""A tiny, hand-made input folder for end-to-end tests of one behaviour at a time: one
querier (ksw0001, 社會救助科) with every service item since 2026-01-01, one 附表3 request
from 鳳山區公所, and registrations and queries the test chooses. Rows are dicts keyed by canonical column name; files are
written UTF-8 with BOM unless the test asks for other bytes."""
import os

ID_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"

PLATFORM_COLS = ["交易序號", "查詢時間", "機關代碼", "查詢者帳號", "查詢者姓名", "服務代碼", "被查詢人統號", "查詢結果",
                 "來源IP", "憑證序號"]
PERMISSION_COLS = ["表單編號", "申請日期", "申請單位", "職稱", "姓名", "身分證字號", "聯絡電話", "e-mail", "E政府帳號",
                   "申請事項", "申請事由", "查調服務項目", "審核結果", "生效日期", "不同意原因", "權限管理者", "單位主管",
                   "權限管理單位主管"]
REGISTRATION_COLS = ["編號", "申請日期", "姓名", "身分證字號", "查調項目", "查調事由", "需要資料者", "資料查詢者帳號",
                     "資料查詢者", "單位", "單位主管", "主管核章時間", "委託申請單編號"]
REQUEST_COLS = ["申請單編號", "申請單位", "申請日期", "申請人", "職稱", "聯絡電話", "傳真號碼", "查調事由", "查調筆數",
                "姓名", "身分證字號", "審核意見", "審核結果"]
STAFF_COLS = ["姓名", "身分證字號", "E政府帳號", "單位", "狀態", "異動日期"]


def make_id(n, letter="E", second="2"):
    """A valid ID number with body n (checksum per inputs.md)."""
    s = letter + second + "%07d" % n
    first = ID_LETTERS.index(s[0]) + 10
    total = first // 10 + (first % 10) * 9 + int(s[1]) * 8
    for i, w in zip(range(2, 9), (7, 6, 5, 4, 3, 2, 1)):
        total += int(s[i]) * w
    return s + str((10 - total % 10) % 10)


def csv_text(cols, rows, sep=","):
    def q(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\r\n;\t') else v
    lines = [sep.join(q(c) for c in cols)]
    for r in rows:
        lines.append(sep.join(q(r.get(c, "")) for c in cols))
    return "\r\n".join(lines) + "\r\n"


def write(path, text, encoding="utf-8-sig"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)


def permission(account="ksw0001", unit="社會救助科", form_no="F115-0001", name="王小明", n=1):
    return {"表單編號": form_no, "申請日期": "115/01/02", "申請單位": unit, "姓名": name, "身分證字號": make_id(900 + n, "S", "1"),
            "E政府帳號": account, "申請事項": "新增權限", "查調服務項目": "C0101、B0101、B0201、B0301、P0301、N0101、T0101、B0401、P0401",
            "審核結果": "准予申請", "生效日期": "115/01/05", "權限管理者": "李管理"}


def registration(reg_no, subject_id, account="ksw0001", unit="社會救助科", applied="115/07/01", approved="115/07/01 08:00",
                 items="C0101", name="陳測試"):
    return {"編號": reg_no, "申請日期": applied, "姓名": name, "身分證字號": subject_id, "查調項目": items,
            "查調事由": "依社會救助法第5條辦理低收入戶資格審核", "需要資料者": "張社工", "資料查詢者帳號": account,
            "資料查詢者": "王小明", "單位": unit, "單位主管": "林主管", "主管核章時間": approved}


def request(request_no="Q115-0001", subject_id=None, unit="鳳山區公所", applied="115/06/20"):
    """One subject of a 附表3 request from another agency (not linked to any registration)."""
    return {"申請單編號": request_no, "申請單位": unit, "申請日期": applied, "申請人": "周承辦", "查調事由":
            "依社會救助法第5條辦理低收入戶資格審核", "查調筆數": "1", "姓名": "吳測試",
            "身分證字號": subject_id or make_id(990, "T", "1"), "審核結果": "受理"}


def query(txn, time, subject_id, account="ksw0001", service="C0101"):
    return {"交易序號": txn, "查詢時間": time, "機關代碼": "397050000E", "查詢者帳號": account, "查詢者姓名": "王小明",
            "服務代碼": service, "被查詢人統號": subject_id, "查詢結果": "成功", "來源IP": "10.1.1.1"}


def write_inputs(work, queries=(), registrations=(), permissions=None, requests=None, staff=None, platform_name="liq_20260701.csv"):
    """Writes work/input with the given rows; None = the default register (one request, one permission);
    [] = a register of a header and no rows."""
    inp = os.path.join(work, "input")
    write(os.path.join(inp, "registers", "permissions.csv"),
          csv_text(PERMISSION_COLS, [permission()] if permissions is None else permissions))
    write(os.path.join(inp, "registers", "registrations.csv"), csv_text(REGISTRATION_COLS, registrations))
    write(os.path.join(inp, "registers", "requests.csv"), csv_text(REQUEST_COLS, [request()] if requests is None else requests))
    if staff is not None:
        write(os.path.join(inp, "registers", "staff.csv"), csv_text(STAFF_COLS, staff))
    if queries is not None:
        write(os.path.join(inp, "platform", platform_name), csv_text(PLATFORM_COLS, queries))
    return inp
