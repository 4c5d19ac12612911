#!/usr/bin/python3
"""Writes a synthetic platform export (inputs.md §1) for the ingest benchmark.

Usage: gen_platform.py ROWS OUT.csv [--seed N] [--txn-prefix GSP] [--start-day 0]
Deterministic for a given seed. Every ID is synthetic (valid checksums, made-up people).
Rows are about 150 bytes: mixed date styles, Chinese names and results, IPv4 addresses.
"""
import argparse
import random

LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
SERVICES = ["C0101", "B0101", "B0201", "B0301", "P0301", "N0101", "T0101", "B0401", "P0401"]
RESULTS = ["成功", "成功", "成功", "查無資料", "失敗"]
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪"
GIVEN = "淑芬美玲志明俊傑雅婷怡君家豪冠宇"


def national_id(rng):
    i = rng.randrange(26)
    code = i + 10
    digits = [rng.choice("12")] + [str(rng.randrange(10)) for _ in range(7)]
    w = [8, 7, 6, 5, 4, 3, 2, 1]
    s = code // 10 + (code % 10) * 9 + sum(int(d) * k for d, k in zip(digits, w))
    check = (10 - s % 10) % 10
    return LETTERS[i] + "".join(digits) + str(check)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--txn-prefix", default="GSP")
    ap.add_argument("--start-day", type=int, default=0, help="days after 2026-07-01")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    accounts = ["ksw%04d" % i for i in range(300)]
    names = {acc: rng.choice(SURNAMES) * (1 + i % 2) + rng.choice(GIVEN) + rng.choice(GIVEN)
             for i, acc in enumerate(accounts)}
    ips = {acc: ("10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)) if i % 2 else
                 "2001:db8:%x:%x::%x" % (rng.randrange(65536), rng.randrange(65536), rng.randrange(1, 65536)))
           for i, acc in enumerate(accounts)}
    subjects = [national_id(rng) for _ in range(50000)]
    import datetime
    base = datetime.datetime(2026, 7, 1) + datetime.timedelta(days=a.start_day)
    span = max(1, a.rows // 11000)  # about 11k queries a day
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write("交易序號,查詢時間,機關代碼,查詢者帳號,查詢者姓名,服務代碼,被查詢人統號,查詢結果,來源IP,憑證序號\r\n")
        for n in range(a.rows):
            t = base + datetime.timedelta(seconds=int(n * span * 86400 / a.rows) + rng.randrange(60))
            acc = rng.choice(accounts)
            if n % 3 == 0:
                ts = t.strftime("%Y-%m-%d %H:%M:%S")
            elif n % 3 == 1:
                ts = "%d/%02d/%02d %s" % (t.year - 1911, t.month, t.day, t.strftime("%H:%M:%S"))
            else:
                ts = t.strftime("%Y/%m/%d %H:%M")
            f.write("%s%d%02d%02d%07d,%s,397050000E,%s,%s,%s,%s,%s,%s,%032X\r\n" % (
                a.txn_prefix, t.year - 1911, t.month, t.day, n, ts, acc, names[acc], rng.choice(SERVICES),
                rng.choice(subjects), rng.choice(RESULTS), ips[acc], rng.getrandbits(128)))


if __name__ == "__main__":
    main()
