#!/usr/bin/python3
"""A big synthetic quarter for the benchmarks, with registers that match it.

    /usr/bin/python3 scripts/gen_bench.py --out DIR [--queries 1000000] [--queriers 500]
        [--units 20] [--encoding utf-8|cp950] [--single-file] [--seed 1] [--quarter 2026Q3]

Writes DIR/platform/ (one export per work day, or one file with --single-file),
DIR/registers/{permissions,registrations,requests,staff}.csv. Every query has an approved
registration made the same day (two queries per registration), every querier holds all nine
services, times are inside office hours on weekdays, so the data is realistic in size and
joins rather than in findings (no calendar file: weekday fallback). All data is invented.
Standard library only; about 10-20 s per million queries.
"""
import argparse
import datetime as dt
import os
import random
import sys

SERVICES = ["C0101", "B0101", "B0201", "B0301", "P0301", "N0101", "T0101", "B0401", "P0401"]
LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪邱曾廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = "志明俊傑建宏家豪怡君雅婷淑芬美玲惠如佳慧冠宇承翰柏諺宗憲欣思妤詩涵秀英麗"
REASON = "依社會救助法第4條及第5條之1規定，辦理低收入戶資格審核，需查調家庭成員工作收入"


def make_id(rng):
    letter = rng.choice("EESSABKT")
    code = LETTERS.index(letter) + 10
    body = "%d%07d" % (rng.choice((1, 2)), rng.randrange(10 ** 7))
    total = code // 10 + (code % 10) * 9 + int(body[0]) * 8
    for ch, wgt in zip(body[1:], (7, 6, 5, 4, 3, 2, 1)):
        total += int(ch) * wgt
    return letter + body + str((10 - total % 10) % 10)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--queries", type=int, default=1000000)
    ap.add_argument("--queriers", type=int, default=500)
    ap.add_argument("--units", type=int, default=20)
    ap.add_argument("--encoding", choices=["utf-8", "cp950"], default="utf-8")
    ap.add_argument("--single-file", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quarter", default="2026Q3")
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    y, n = int(a.quarter[:4]), int(a.quarter[5])
    first = dt.date(y, 3 * n - 2, 1)
    last = (dt.date(y + 1, 1, 1) if n == 4 else dt.date(y, 3 * n + 1, 1)) - dt.timedelta(days=1)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    units = ["第%02d科" % (i + 1) for i in range(a.units)]
    staff = []
    for i in range(a.queriers):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        staff.append(("ksb%05d" % i, name, make_id(rng), units[i % a.units],
                      "10.%d.%d.%d" % (10 + i % a.units, i // 250, i % 250 + 1)))
    subjects = [make_id(rng) for _ in range(max(1000, a.queries // 4))]
    names = [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(997)]
    os.makedirs(os.path.join(a.out, "platform"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "registers"), exist_ok=True)
    enc = a.encoding
    header = "交易序號,查詢時間,機關代碼,查詢者帳號,查詢者姓名,服務代碼,被查詢人統號,查詢結果,來源IP,憑證序號\n"
    reg_lines = ["編號,申請日期,姓名,身分證字號,查調項目,查調事由,需要資料者,資料查詢者帳號,資料查詢者,單位,單位主管,主管核章時間,委託申請單編號\n"]
    per_day = [a.queries // len(days) + (1 if i < a.queries % len(days) else 0) for i in range(len(days))]
    single = open(os.path.join(a.out, "platform", "bench_%s.csv" % a.quarter), "w", encoding=enc, newline="") \
        if a.single_file else None
    if single:
        single.write(header)
    reg_no = 0
    total = 0
    rand = rng.random
    nstaff, nsubj = len(staff), len(subjects)
    for d, count in zip(days, per_day):
        roc = "%03d%02d%02d" % (d.year - 1911, d.month, d.day)
        iso = d.isoformat()
        lines = []
        # Two queries per registration: same account, subject and day, two services.
        pairs = (count + 1) // 2
        secs = sorted(int(9 * 3600 + rand() * 8.5 * 3600) for _ in range(count))
        k = 0
        for p in range(pairs):
            acc, qname, _, unit, ip = staff[int(rand() * nstaff)]
            sid = subjects[int(rand() * nsubj)]
            s1, s2 = rng.sample(SERVICES, 2)
            reg_no += 1
            reg_lines.append("B%08d,%s,%s,%s,%s %s,%s,%s,%s,%s,%s,科長,%s 08:30:00,\n" % (
                reg_no, iso, names[reg_no % 997], sid, s1, s2, REASON, qname, acc, qname, unit, iso))
            for svc in (s1, s2):
                if k >= count:
                    break
                t = secs[k]
                k += 1
                total += 1
                lines.append("GSP%s%07d,%s %02d:%02d:%02d,397050000E,%s,%s,%s,%s,成功,%s,\n" % (
                    roc, k, iso, t // 3600, t // 60 % 60, t % 60, acc, qname, svc, sid, ip))
        if single:
            single.write("".join(lines))
        else:
            with open(os.path.join(a.out, "platform", "bench_%s.csv" % d.strftime("%Y%m%d")), "w",
                      encoding=enc, newline="") as fh:
                fh.write(header)
                fh.write("".join(lines))
    if single:
        single.close()
    with open(os.path.join(a.out, "registers", "registrations.csv"), "w", encoding="utf-8", newline="") as fh:
        fh.write("".join(reg_lines))
    with open(os.path.join(a.out, "registers", "permissions.csv"), "w", encoding="utf-8", newline="") as fh:
        fh.write("表單編號,申請日期,申請單位,姓名,身分證字號,E政府帳號,申請事項,查調服務項目,審核結果,生效日期\n")
        for i, (acc, name, nid, unit, _) in enumerate(staff):
            fh.write("FB%05d,%d/01/05,%s,%s,%s,%s,新增權限,%s,准予申請,%d/01/08\n" % (
                i, first.year - 1912, unit, name, nid, acc, ";".join(SERVICES), first.year - 1912))
    with open(os.path.join(a.out, "registers", "staff.csv"), "w", encoding="utf-8", newline="") as fh:
        fh.write("姓名,身分證字號,E政府帳號,單位,狀態,異動日期\n")
        for acc, name, nid, unit, _ in staff:
            fh.write("%s,%s,%s,%s,在職,\n" % (name, nid, acc, unit))
    with open(os.path.join(a.out, "registers", "requests.csv"), "w", encoding="utf-8", newline="") as fh:
        fh.write("申請單編號,申請單位,申請日期,申請人,查調事由,查調筆數,姓名,身分證字號\n")
    print("gen_bench: %d queries in %d work days, %d registrations, %d queriers in %d units -> %s"
          % (total, len(days), reg_no, a.queriers, a.units, a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
