#!/usr/bin/python3
"""Writes the synthetic seed corpora under tests/fuzz/corpus/<target>/.

Run from anywhere: /usr/bin/python3 tests/fuzz/make_corpus.py. Every ID below is made up
(checksums computed here); the CSV seeds are the repository's own synthetic test files.
Rerunning rewrites the same files."""
import os
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"

LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def with_check(first9):
    """Appends the check digit to letter + 8 characters (national or resident ID)."""
    code = LETTERS.index(first9[0]) + 10
    total = code // 10 + (code % 10) * 9
    second = first9[1]
    if second.isdigit():
        total += int(second) * 8
    else:  # old resident ID: the second letter's code contributes its last digit
        total += ((LETTERS.index(second) + 10) % 10) * 8
    for i, ch in enumerate(first9[2:9]):
        total += int(ch) * (7 - i)
    return first9 + str((10 - total % 10) % 10)


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    (d / name).write_bytes(data)


def main():
    # csv: first byte = chunk selector, then the text.
    put("csv", "simple", b"\x03a,b,c\r\n1,2,3\n")
    put("csv", "quoted", b"\x00" + '名稱,備註\n"陳,大文","第一行\n第二行"\n"a""b",x\n'.encode())
    put("csv", "bad_quote", b'\x05a,b\nx"y,z\n"open,1\n2,3\n')
    put("csv", "text_after_quote", b'\x07"a"b,c\n\n,,,\r\nlast')
    put("csv", "nul", b"\x01a,\x00b\nc,d\n")
    put("csv", "cr_in_field", b'\x02"a\rb",c\r\n"\r\n"\n')

    # encoding: first byte = chunk selector, then the bytes.
    text = "交易序號,查詢者姓名\nGSP1,王小明\n"
    put("encoding", "utf8", b"\x00" + text.encode())
    put("encoding", "utf8_bom", b"\x03\xef\xbb\xbf" + text.encode())
    put("encoding", "cp950", b"\x01" + text.encode("cp950"))
    put("encoding", "cp950_eudc", b"\x02" + "姓名\n".encode("cp950") + b"\xfa\x40\x81\x40\x8e\xa1\n")
    put("encoding", "cut_lead", b"\x04" + "王".encode("cp950")[:1])
    put("encoding", "utf16", b"\x05\xff\xfe" + "ab".encode("utf-16-le"))
    put("encoding", "overlong", b"\x06\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80")

    # parse_platform: whole platform files.
    for src in ["tests/data/ingest/platform_utf8.csv", "tests/data/ingest/platform_alias_bom.csv",
                "tests/data/store/small/platform/2026-11-25.csv"]:
        put("parse_platform", pathlib.Path(src).name, (ROOT / src).read_bytes())
    put("parse_platform", "cp950.csv", (ROOT / "tests/data/ingest/platform_utf8.csv").read_text("utf-8").encode("cp950"))
    put("parse_platform", "header_only.csv",
        "交易序號,查詢時間,機關代碼,查詢者帳號,查詢者姓名,服務代碼,被查詢人統號,查詢結果,來源IP,憑證序號\n")

    # parse_register: first byte = kind (0 permissions, 1 registrations, 2 requests,
    # 3 staff, 4 calendar), then the file.
    regs = ROOT / "tests/data/store/small/registers"
    for i, name in enumerate(["permissions", "registrations", "requests", "staff"]):
        put("parse_register", f"{i}_{name}.csv", bytes([i]) + (regs / f"{name}.csv").read_bytes())
    put("parse_register", "4_calendar.csv", b"\x04" + (ROOT / "tests/data/store/small/calendar/2026.csv").read_bytes())
    put("parse_register", "4_calendar_cp950.csv", b"\x04" + (ROOT / "tests/data/ingest/calendar_cp950.csv").read_bytes())

    # datetime: every date form of inputs.md plus edge cases.
    for i, s in enumerate(["2026-11-25", "2026/11/25", "115/11/25", "115年11月25日", "1151125",
                           "20261125", "2026-11-25 13:05:09", "115/11/25T08:00", "13:05", "23:59:59",
                           "2024-02-29", "2026-02-29", "2026Q3", "99/1/1", "0001-01-01 00:00"]):
        put("datetime", f"s{i:02d}", s)

    # twid: an ID, optionally "|" and a mask pattern.
    ids = [with_check("A12345678"), with_check("F22222222"), with_check("A80000001"),
           with_check("AB1234567"), "A123456788", "ａ１２３４５６７８９", " A12345678X ", "Z9"]
    for i, s in enumerate(ids):
        put("twid", f"id{i}", s)
    put("twid", "pattern", with_check("S23456789") + "|XX**XX")

    # form_template: the shipped templates.
    for i in range(1, 5):
        put("form_template", f"form{i}.tpl", (ROOT / f"templates/form{i}.tpl").read_bytes())
    put("form_template", "minimal.tpl", "set title t\npage main\ntext h=6 \"{x}\"\ncolumns 10 20\nrow h=5\n  cell span=2 \"a\"\n")


if __name__ == "__main__":
    main()
