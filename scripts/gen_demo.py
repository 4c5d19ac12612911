#!/usr/bin/python3
"""Deterministic synthetic demo data for liaudit (one quarter, default 2026Q3).

    /usr/bin/python3 scripts/gen_demo.py --out input [--seed 20260701] [--quarter 2026Q3]
    /usr/bin/python3 scripts/gen_demo.py --out input --as-of 2026-07-14 [--days-step 1]

Writes input/platform/*.csv (one export per day), input/registers/{permissions,
registrations,requests,staff}.csv, input/calendar/calendar_2026Q3.csv and
input/planted.json (the findings the rules must produce, per job, and the rows ingest
must quarantine). Every person, ID number and account is invented.

Two modes:
  full   (no --as-of) the whole quarter and the final register snapshots at once; the
         expected findings assume one `liaudit quarterly` (or nightly jobs) after that
         single ingest, so every register key is in the first snapshot and R15 never fires.
  as-of  (--as-of D) the register snapshots as they stood at the end of D and the platform
         exports up to D. planted.json assumes the nightly flow: for D = first day of the
         quarter, then every --days-step days, and the last day: gen_demo --as-of D;
         liaudit nightly --date D; finally liaudit quarterly. Backfilled registrations
         (R15) fire only in this mode.

The generator keeps a model of what it writes and re-derives every finding from it with
an independent implementation of rules.md (evaluate()); it refuses to write data whose
derived findings differ from the planted list, so planted.json is checked twice.
Standard library only.
"""
import argparse
import bisect
import csv
import datetime as dt
import io
import json
import os
import random
import sys

# ----------------------------------------------------------------------------- constants

SERVICES = ["C0101", "B0101", "B0201", "B0301", "P0301", "N0101", "T0101", "B0401", "P0401"]
LEGAL_BASES = ["社會救助法", "老人福利法", "身心障礙者權益保障法", "兒童及少年福利與權益保障法",
               "特殊境遇家庭扶助條例", "國民年金法", "家庭暴力防治法", "長期照顧服務法",
               "中低收入老人生活津貼發給辦法", "弱勢兒童及少年生活扶助與醫療補助辦法",
               "身心障礙者生活補助費發給辦法", "老年農民福利津貼暫行條例", "個人資料保護法"]
AGENCY = "397050000E"
ID_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"

# Default rule settings (rules.md); the planted cases are built around them.
WINDOW = 30
OFFICE_START = 8 * 3600
OFFICE_END = 18 * 3600
DAILY_LIMIT = 50
SHARED_IP_SECONDS = 600
GRACE = dt.timedelta(days=3)
DORMANT_DAYS = 90

# code, name, head, default permission items, reasons (each cites a legal basis)
UNITS = [
    ("SA", "社會救助科", "蔡淑芬", ["C0101", "B0101", "B0201", "B0301", "P0301", "N0101", "B0401", "P0401"], [
        "依社會救助法第4條及第5條之1規定，辦理低收入戶資格審核，需查調家庭成員工作收入以核算家庭總收入",
        "依社會救助法第4條之1規定，辦理中低收入戶資格複查，查明申請人家戶成員投保薪資",
        "依社會救助法第21條辦理急難救助申請，查明申請人是否有勞保給付",
        "依社會救助法第5條之3規定，認定有工作能力者之工作收入，需查調投保資料"]),
    ("EL", "老人福利科", "許文雄", ["C0101", "B0101", "N0101", "T0101", "B0401"], [
        "依中低收入老人生活津貼發給辦法辦理津貼申請審核，查明申請人是否領有勞保年金",
        "依老人福利法第12條辦理中低收入老人生活津貼資格複查",
        "依老年農民福利津貼暫行條例辦理老農津貼與勞保給付之重複請領查核",
        "依長期照顧服務法辦理長照服務補助資格審核，查明家戶成員就業情形"]),
    ("DI", "身心障礙福利科", "吳美玲", ["C0101", "B0101", "B0201", "N0101", "B0401"], [
        "依身心障礙者生活補助費發給辦法辦理生活補助費申請，查調家戶成員工作收入",
        "依身心障礙者權益保障法第71條辦理生活補助資格複查，查明是否領有勞保給付",
        "依身心障礙者權益保障法辦理日間照顧補助審核，查明申請人投保狀況"]),
    ("CY", "兒童及少年福利科", "林志明", ["C0101", "B0101", "B0301", "P0301"], [
        "依弱勢兒童及少年生活扶助與醫療補助辦法辦理生活扶助申請，查明父母工作收入",
        "依兒童及少年福利與權益保障法第22條辦理托育補助審核，查明父母投保資料",
        "依兒童及少年福利與權益保障法辦理兒少保護個案家庭經濟狀況評估"]),
    ("WF", "婦女及家庭服務科", "黃雅婷", ["C0101", "B0101", "B0301", "N0101"], [
        "依特殊境遇家庭扶助條例第4條辦理特殊境遇家庭身分認定，查明申請人工作收入",
        "依特殊境遇家庭扶助條例辦理緊急生活扶助，查明申請人是否領有失業給付",
        "依家庭暴力防治法第58條辦理被害人經濟扶助，查明其就業及投保情形"]),
    ("SW", "社會工作科", "鄭建宏", ["C0101", "B0101", "B0201", "B0401", "P0401"], [
        "依社會救助法辦理脆弱家庭個案評估，查明主要照顧者就業與勞保給付情形",
        "依家庭暴力防治法辦理個案處遇計畫，查明相對人工作情形",
        "依國民年金法及社會救助法辦理個案經濟協助評估，查調勞保年金給付資料"]),
]
UNIT_NAME = {u[0]: u[1] for u in UNITS}
UNIT_HEAD = {u[0]: u[2] for u in UNITS}
UNIT_ITEMS = {u[0]: u[3] for u in UNITS}
UNIT_REASONS = {u[0]: u[4] for u in UNITS}

OFFICES = ["鳳山區公所", "三民區公所", "左營區公所", "苓雅區公所", "前鎮區公所", "楠梓區公所",
           "小港區公所", "鼓山區公所", "岡山區公所", "旗山區公所", "美濃區公所", "路竹區公所",
           "高雄市立仁愛之家", "高雄市兒童福利服務中心"]
REQUEST_REASONS = {
    "SA": "依社會救助法第4條及第10條規定，本所受理低收入戶申請，需查調家戶成員工作收入以核算家庭總收入",
    "EL": "依老人福利法第12條及中低收入老人生活津貼發給辦法，本所辦理津貼資格複查，需查明有無勞保年金",
    "DI": "依身心障礙者生活補助費發給辦法第3條，本所辦理生活補助費申請，需查調家戶成員投保資料",
    "CY": "依弱勢兒童及少年生活扶助與醫療補助辦法，本所辦理生活扶助申請，需查明父母工作收入",
    "WF": "依特殊境遇家庭扶助條例第4條，本所辦理特殊境遇家庭身分認定，需查明申請人工作收入",
    "SW": "依社會救助法第21條，本所辦理急難救助，需查明申請人是否領有勞保給付",
}

SURNAMES = ("陳林黃張李王吳劉蔡楊許鄭謝郭洪邱曾廖賴周徐蘇葉莊呂江何蕭羅高"
            "潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴")
GIVEN = ("志明俊傑建宏家豪怡君雅婷淑芬美玲惠如佳慧冠宇承翰柏諺宗憲欣思妤詩涵秀英麗"
         "珠正雄文彬國華金龍春嬌素月玉蘭清水火土德福添丁秋香阿")
# Big5/CP950-encodable rarer characters (ETEN extension 碁銹, and 琍崁靚): staff names,
# which appear in the CP950 platform exports.
RARE_BIG5 = "碁銹琍崁靚"
# Not encodable in CP950 (the classic Big5 造字 cases) and Ext-B: subject names only,
# which live in UTF-8 registers.
RARE_BMP = "堃犇喆"
RARE_EXTB = ["\U00020B9F", "\U000216DF", "\U00029E3D"]  # 𠮟 𡛟 𩸽
PUA = ["\uE2D4", "\uF8A1"]  # 造字 code points

OFFICE_TITLES = ["科員", "社工員", "社工督導", "組員", "約僱人員", "股長", "辦事員"]

# ----------------------------------------------------------------------------- ids


def id_check_digit(prefix9_values):
    """prefix: letter code and 8 weighted values -> the check digit."""
    return (10 - prefix9_values % 10) % 10


def _id_sum(s):
    first = ID_LETTERS.index(s[0]) + 10
    if s[1] in "ABCD":
        second = (ID_LETTERS.index(s[1]) + 10) % 10
    else:
        second = int(s[1])
    total = (first // 10) + (first % 10) * 9 + second * 8
    for i, w in zip(range(2, 9), (7, 6, 5, 4, 3, 2, 1)):
        total += int(s[i]) * w
    return total


def make_id(rng, letter=None, second=None):
    letter = letter or rng.choice("EEEESSSAKTBDFHJ")
    second = second or rng.choice("1212121212")
    body = "".join(rng.choice("0123456789") for _ in range(7))
    s = letter + second + body
    return s + str(id_check_digit(_id_sum(s)))


def valid_id(s):
    if len(s) != 10 or s[0] not in ID_LETTERS or not s[2:].isdigit():
        return False
    if s[1] not in "1289ABCD":
        return False
    return (_id_sum(s[:9]) + int(s[9])) % 10 == 0


assert valid_id("A123456789") and valid_id("A800000014") and valid_id("AC01234567")
assert valid_id("AA00000009") and not valid_id("A123456788") and not valid_id("A800000015")


def cites_basis(reason):
    r = reason.replace(" ", "").replace("\u3000", "")
    return any(b in r for b in LEGAL_BASES)

# ----------------------------------------------------------------------------- dates


def roc(d):
    return d.year - 1911


def fmt_date(d, style):
    if style == "iso":
        return d.strftime("%Y-%m-%d")
    if style == "slash":
        return d.strftime("%Y/%m/%d")
    if style == "roc":
        return "%d/%02d/%02d" % (roc(d), d.month, d.day)
    if style == "rocz":
        return "%d年%02d月%02d日" % (roc(d), d.month, d.day)
    if style == "compact":
        return "%03d%02d%02d" % (roc(d), d.month, d.day)
    if style == "ymd8":
        return d.strftime("%Y%m%d")
    raise ValueError(style)


def fmt_ts(t, style, seconds=True):
    return fmt_date(t.date(), style) + " " + (t.strftime("%H:%M:%S") if seconds else t.strftime("%H:%M"))


def at(d, hh, mm, ss=0):
    return dt.datetime(d.year, d.month, d.day, hh, mm, ss)


def daterange(a, b):
    d = a
    while d <= b:
        yield d
        d += dt.timedelta(days=1)


def parse_quarter(q):
    y, n = int(q[:4]), int(q[5])
    first = dt.date(y, 3 * n - 2, 1)
    last = (dt.date(y + 1, 1, 1) if n == 4 else dt.date(y, 3 * n + 1, 1)) - dt.timedelta(days=1)
    return first, last


FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


def fw(s):
    return "".join(FULLWIDTH.get(c, c) for c in s)

# ----------------------------------------------------------------------------- model


class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return "Obj(%r)" % self.__dict__


class World:
    """Everything generated, in normalised form; rendering adds the variations."""

    def __init__(self, seed, quarter):
        self.rng = random.Random(seed)
        self.quarter = quarter
        self.q_first, self.q_last = parse_quarter(quarter)
        self.staff = []      # Obj(account,name,nid,unit,title,ip,cert,phone,email,join,change)
        self.perms = []      # Obj(form_no,applied_on,...,appear)
        self.regs = []       # Obj(... appear, withdraw, approved_at)
        self.requests = []   # Obj(request_no, office, applied_on, subjects[(name,id)], count, ...)
        self.queries = []    # Obj(time, account, service, subject, ip, result, ...)
        self.bad_rows = []   # Obj(day, kind, text fields)
        self.calendar = {}   # date -> (workday, note)
        self.plans = []      # Obj(rule, key_fn, jobs_fn, note)
        self.reserved = set()  # (account, date): no regular activity
        self.used_ids = set()
        self.by_account = {}

    # ---- helpers
    def workday(self, d):
        if d in self.calendar:
            return self.calendar[d][0]
        return d.weekday() < 5

    def workdays(self, a=None, b=None):
        return [d for d in daterange(a or self.q_first, b or self.q_last) if self.workday(d)]

    def next_workday(self, d, n=1):
        while n > 0:
            d += dt.timedelta(days=1)
            if self.workday(d):
                n -= 1
        return d

    def prev_workday(self, d):
        d -= dt.timedelta(days=1)
        while not self.workday(d):
            d -= dt.timedelta(days=1)
        return d

    def wd(self, m, day):
        d = dt.date(self.q_first.year, m, day)
        assert self.workday(d), d
        return d

    def new_id(self, letter=None, second=None):
        while True:
            s = make_id(self.rng, letter, second)
            if s not in self.used_ids:
                self.used_ids.add(s)
                return s

    def person_name(self, rare=None):
        r = self.rng
        n = r.choice(SURNAMES) + r.choice(GIVEN)
        if r.random() < 0.85:
            n += r.choice(GIVEN)
        if rare:
            n = n[:-1] + rare
        return n

    def subject(self):
        r = self.rng.random()
        if r < 0.03:
            sid = self.new_id(second=self.rng.choice("89"))  # new-style resident ID
        elif r < 0.05:
            sid = self.new_id(second=self.rng.choice("ABCD"))  # old-style resident ID
        else:
            sid = self.new_id()
        return (self.person_name(), sid)


# ----------------------------------------------------------------------------- permission replay

def perm_items_at(perms, day):
    """inputs.md §2: approved rows with 生效日期 <= day, in (生效日期, 表單編號) order."""
    items = set()
    for p in sorted((p for p in perms if p.decision == "准予申請" and p.effective_on <= day),
                    key=lambda p: (p.effective_on, p.form_no)):
        if p.action == "新增權限":
            items |= set(p.items)
        elif p.action == "註銷權限":
            items = set()
        else:
            items = set(p.items)
    return {i for i in items if i in SERVICES}


# ----------------------------------------------------------------------------- calendar

# Days off (是否放假 2) besides weekends. 2026: 中秋節 Fri 25 Sep; 教師節 Mon 28 Sep (a day off
# again since the 2025 amendment of 紀念日及節日實施條例). The typhoon day is a demo addition
# (a city-declared 停止上班 day) placed on the first Wednesday on or after the 12th of the
# quarter's second month.
HOLIDAYS = {dt.date(2026, 9, 25): "中秋節", dt.date(2026, 9, 28): "教師節"}
WEEKDAY_ZH = "一二三四五六日"


def build_calendar(w):
    first = dt.date(w.q_first.year, w.q_first.month + 1, 12)
    while first.weekday() != 2 or first in HOLIDAYS:
        first += dt.timedelta(days=1)
    w.typhoon_day = first
    for d in daterange(w.q_first, w.q_last):
        if d in HOLIDAYS:
            w.calendar[d] = (False, HOLIDAYS[d])
        elif d == first:
            w.calendar[d] = (False, "颱風停止上班（高雄市）")
        elif d.weekday() >= 5:
            w.calendar[d] = (False, "")
        else:
            w.calendar[d] = (True, "")


# ----------------------------------------------------------------------------- staff and permissions

def D(w, mo, day):
    """First work day on or after (quarter month mo, day)."""
    d = dt.date(w.q_first.year, w.q_first.month + mo, day)
    while not w.workday(d):
        d += dt.timedelta(days=1)
    return d


def add_perm(w, s, applied_on, action, items, effective_on, decision="准予申請", reason=None,
             reject_reason="", unit=None, appear=None):
    unit = unit or s.unit
    if reason is None:
        reason = {"新增權限": "新進人員辦理%s業務需要" % UNIT_NAME[unit][:-1],
                  "註銷權限": "人員離職，註銷查調權限",
                  "異動查調項目": "業務調整，異動查調項目",
                  "職務異動": "職務調整至%s" % UNIT_NAME[unit]}[action]
    p = Obj(form_no=None, applied_on=applied_on, unit=unit, title=s.title, name=s.name,
            nid=s.nid, phone=s.phone, email=s.email, account=s.account, action=action,
            reason=reason, items=list(items), decision=decision,
            effective_on=effective_on if decision == "准予申請" else None,
            reject_reason=reject_reason, manager="趙怡君", unit_head=UNIT_HEAD[unit],
            manager_head="孫國華", appear=appear or applied_on)
    w.perms.append(p)
    return p


def new_staff(w, unit, role, join=None, account=None):
    r = w.rng
    name = w.person_name(r.choice(RARE_BIG5) if r.random() < 0.12 else None)
    name.encode("cp950")  # staff names appear in CP950 exports
    while account is None or account in w.by_account:
        account = "ksw%04d" % r.randrange(100, 9999)
    ui = [u[0] for u in UNITS].index(unit) + 1
    s = Obj(account=account, name=name, nid=w.new_id(letter=r.choice("EES")), unit=unit,
            title=r.choice(OFFICE_TITLES), ip="10.%d.%d.%d" % (40 + ui, r.randrange(1, 9), r.randrange(10, 250)),
            cert="%016X" % r.getrandbits(64), phone="07-3344885#%d" % r.randrange(2100, 2999),
            email="%s@kcg.gov.tw" % account, join=join, change=None, role=role, ip_change=None)
    w.staff.append(s)
    w.by_account[account] = s
    return s


def build_staff(w):
    r = w.rng
    roles = {  # unit -> seven roles (see docs/demo-data.md)
        "SA": ["r09a", "r02a", "t1", "l3", "r13ab", "r12a", "r09near"],
        "EL": ["r03c", "r09b", "d1", "r08ab", "r10a", "l1", "r11a"],
        "DI": ["r11b", "r11near", "r15a", "l4", "r01a", "r08cd", "ipchange"],
        "CY": ["r03a", "t2", "r12b1", "r13c", "r02b", "d3", "r01b"],
        "WF": ["r12b2", "r15b", "r10b", "d2", "l2", "r02c", "r01c"],
        "SW": ["r15c", "r14", "r07reg", "r07req", "reg1", "reg2", "reg3"],
    }
    w.role = {}
    for unit, rl in roles.items():
        for role in rl:
            w.role[role] = new_staff(w, unit, role)
    w.role["n1"] = new_staff(w, "SA", "n1", join=D(w, 0, 20))
    w.role["n2"] = new_staff(w, "SW", "n2", join=D(w, 0, 27))
    w.role["x1"] = new_staff(w, "SA", "x1", join=w.q_first)
    # Pre-quarter grants: applied 2023-01 .. two weeks before the quarter.
    lo = dt.date(w.q_first.year - 3, 1, 5)
    span = (w.q_first - dt.timedelta(days=20) - lo).days
    for s in w.staff:
        if s.join is not None:
            continue
        items = list(UNIT_ITEMS[s.unit])
        if len(items) > 4 and r.random() < 0.4:
            items.remove(r.choice(items[2:]))
        if s.role == "r03c" and "T0101" not in items:
            items.append("T0101")
        a = lo + dt.timedelta(days=r.randrange(span))
        while a.weekday() >= 5:
            a += dt.timedelta(days=1)
        add_perm(w, s, a, "新增權限", items, a + dt.timedelta(days=r.randrange(2, 8)))
        if r.random() < 0.2:  # an older item change, still pre-quarter
            b = a + dt.timedelta(days=r.randrange(30, 200))
            if b < w.q_first - dt.timedelta(days=10):
                while b.weekday() >= 5:
                    b += dt.timedelta(days=1)
                add_perm(w, s, b, "異動查調項目", UNIT_ITEMS[s.unit], b + dt.timedelta(days=3))
    # In-quarter changes (clean ones and the planted ones).
    n1, n2, x1 = w.role["n1"], w.role["n2"], w.role["x1"]
    add_perm(w, n1, D(w, 0, 15), "新增權限", UNIT_ITEMS["SA"], n1.join)
    add_perm(w, n2, D(w, 0, 27), "新增權限", UNIT_ITEMS["SW"], D(w, 1, 3))    # R03 before 生效
    add_perm(w, x1, D(w, 0, 6), "新增權限", ["C0101", "B0101"], None, decision="不同意",
             reject_reason="未檢附自然人憑證及主管核章")                          # R04
    e0 = w.role["r03c"]
    add_perm(w, e0, D(w, 0, 28), "異動查調項目", ["C0101", "B0101", "N0101", "B0401"], D(w, 1, 3))
    t1 = w.role["t1"]  # clean transfer SA -> EL
    t1.change = ("調職", D(w, 1, 17), "EL")
    add_perm(w, t1, D(w, 1, 10), "職務異動", UNIT_ITEMS["EL"], t1.change[1], unit="EL")
    t2 = w.role["t2"]  # transfer CY -> WF on D, 職務異動 filed late: R06
    t2.change = ("調職", D(w, 1, 3), "WF")
    add_perm(w, t2, D(w, 1, 12), "職務異動", UNIT_ITEMS["WF"], D(w, 1, 13), unit="WF")
    l1 = w.role["l1"]  # clean leaver
    l1.change = ("離職", D(w, 1, 31), l1.unit)
    add_perm(w, l1, D(w, 1, 24), "註銷權限", [], l1.change[1])
    l2 = w.role["l2"]  # left, never revoked: R06
    l2.change = ("離職", D(w, 0, 24), l2.unit)
    l3 = w.role["l3"]  # left, revoked late, account used after leaving: R05 x2 + R06
    l3.change = ("離職", D(w, 1, 14), l3.unit)
    add_perm(w, l3, D(w, 1, 20), "註銷權限", [], D(w, 1, 21))
    l4 = w.role["l4"]  # left, revocation filed in time but effective later: R05
    l4.change = ("離職", D(w, 2, 4), l4.unit)
    add_perm(w, l4, D(w, 2, 1), "註銷權限", [], D(w, 2, 10))
    w.role["ipchange"].ip_change = (D(w, 1, 3), "10.43.7.%d" % r.randrange(10, 250))
    # Form numbers: per ROC year in application order.
    seq = {}
    for p in sorted(w.perms, key=lambda p: (p.applied_on, p.account, p.action)):
        y = roc(p.applied_on)
        seq[y] = seq.get(y, 0) + 1
        p.form_no = "F%d-%04d" % (y, seq[y])
    w.perms_by_account = {}
    for p in w.perms:
        w.perms_by_account.setdefault(p.account, []).append(p)


def unit_at(s, d):
    if s.change and d >= s.change[1]:
        return s.change[2]
    return s.unit


def ip_at(s, d):
    if s.ip_change and d >= s.ip_change[0]:
        return s.ip_change[1]
    return s.ip


RARE_CYCLE = [RARE_EXTB[0], RARE_BMP[0], RARE_EXTB[1], RARE_BMP[1], RARE_EXTB[2], RARE_BMP[2], PUA[0], PUA[1]]


def new_subject(w):
    w.subject_count = getattr(w, "subject_count", 0) + 1
    name, sid = w.subject()
    if w.subject_count % 37 == 5:
        k = (w.subject_count // 37) % len(RARE_CYCLE)
        name = name[:-1] + RARE_CYCLE[k]
    return (name, sid)


def add_reg(w, s, applied_on, subj, items, approved_at="auto", request_no="", reason=None,
            appear=None, withdraw=None, tag=None):
    r = w.rng
    unit = unit_at(s, applied_on)
    if approved_at == "auto":
        approved_at = at(applied_on, 8, r.randrange(5, 56), r.randrange(60))
    colleagues = [c for c in w.staff if c.unit == s.unit and c is not s]
    requester = s.name if r.random() < 0.5 or not colleagues else r.choice(colleagues).name
    g = Obj(reg_no=None, applied_on=applied_on, subject_name=subj[0], subject_id=subj[1],
            items=list(items), reason=reason or r.choice(UNIT_REASONS[unit]), requester=requester,
            account=s.account, querier_name=s.name, unit=unit, unit_head=UNIT_HEAD[unit],
            approved_at=approved_at, request_no=request_no, appear=appear or applied_on,
            withdraw=withdraw, tag=tag)
    w.regs.append(g)
    return g


def add_query(w, s, t, service, subject_id, ip=None, result=None, tag=None, account=None):
    r = w.rng
    if result is None:
        x = r.random()
        result = "成功" if x < 0.86 else ("查無資料" if x < 0.97 else "失敗")
    q = Obj(time=t, account=account or s.account, name=s.name if s else "", service=service,
            subject=subject_id, ip=ip or ip_at(s, t.date()), cert=s.cert if s else "", result=result,
            txn=None, tag=tag)
    w.queries.append(q)
    w.day_count[(q.account, t.date())] = w.day_count.get((q.account, t.date()), 0) + 1
    return q


def office_time(r, lo=9 * 3600, hi=17 * 3600 + 30 * 60):
    while True:
        x = r.randrange(lo, hi)
        if not (12 * 3600 + 10 * 60 <= x < 13 * 3600 + 20 * 60) or r.random() < 0.15:
            return x


def ts(d, sec):
    return dt.datetime(d.year, d.month, d.day) + dt.timedelta(seconds=sec)


NO_REGULAR = {"d1", "d2", "x1"}


def regular_range(w, s):
    if s.role in NO_REGULAR:
        return None
    lo, hi = w.q_first, w.q_last
    if s.role == "d3":
        return (lo, lo)
    if s.role == "n1":
        lo = s.join
    if s.role == "n2":
        lo = D(w, 1, 3)
    if s.change and s.change[0] == "離職":
        hi = w.prev_workday(s.change[1])
        if s.role == "l1":
            hi = w.prev_workday(w.prev_workday(hi))
    return (lo, hi)


def can_query(w, s, d):
    rr = regular_range(w, s)
    return (rr is not None and rr[0] <= d <= rr[1] and w.workday(d)
            and (s.account, d) not in w.reserved and w.day_count.get((s.account, d), 0) < 30)


def serve(w, s, applied_on, subj, qdays, n_items=None, request_no="", reason=None):
    """A registration and its queries, all permitted; returns the registration or None."""
    r = w.rng
    perms = w.perms_by_account[s.account]
    allowed = perm_items_at(perms, applied_on)
    for d in qdays:
        allowed &= perm_items_at(perms, d)
    allowed = [i for i in SERVICES if i in allowed]
    if not allowed:
        return None
    k = n_items or r.choices([1, 2, 3], [55, 35, 10])[0]
    weights = [6 if i in ("C0101", "B0101") else 2 for i in allowed]
    items = []
    while len(items) < min(k, len(allowed)):
        i = r.choices(allowed, weights)[0]
        if i not in items:
            items.append(i)
    g = add_reg(w, s, applied_on, subj, items, request_no=request_no, reason=reason)
    for it in items:
        d = r.choice(qdays)
        lo = 9 * 3600 if d == applied_on else 8 * 3600 + 20 * 60
        t = ts(d, office_time(r, lo))
        add_query(w, s, t, it, subj[1])
        if r.random() < 0.05:  # looked again later the same day
            add_query(w, s, ts(d, min(t.hour * 3600 + t.minute * 60 + r.randrange(900, 5400), 17 * 3600 + 45 * 60)), it, subj[1])
    return g


def query_days(w, s, d):
    r = w.rng
    lag = r.choices([0, 1, 2, 4], [70, 18, 8, 4])[0]
    days = [d]
    e = d
    for _ in range(lag):
        e = w.next_workday(e)
    if e != d and can_query(w, s, e):
        days = [e] if r.random() < 0.6 else [d, e]
    return [x for x in days if can_query(w, s, x)] or None


def build_regular(w):
    r = w.rng
    pool = {u[0]: [] for u in UNITS}
    heavy = {s.account: r.choice([0.7, 1.0, 1.0, 1.3, 1.8]) for s in w.staff}
    for d in w.workdays():
        for s in w.staff:
            if not can_query(w, s, d):
                continue
            k = r.choices([0, 1, 2, 3, 4, 5], [30, 30, 20, 10, 6, 4])[0]
            k = int(k * heavy[s.account] + 0.5)
            for _ in range(k):
                qd = query_days(w, s, d)
                if not qd:
                    continue
                applied = d
                if d == w.q_first and r.random() < 0.3:
                    applied = w.prev_workday(d)  # registered before the quarter began
                unit = unit_at(s, applied)
                if pool[unit] and r.random() < 0.1:
                    subj = r.choice(pool[unit])
                else:
                    subj = new_subject(w)
                    pool[unit].append(subj)
                serve(w, s, applied, subj, qd)
    # Requests from district offices, served by one querier of the unit in charge.
    servers = {u[0]: [s for s in w.staff if s.unit == u[0] and s.change is None and s.join is None
                      and s.role not in NO_REGULAR and s.role not in ("d3",)] for u in UNITS}
    days = w.workdays(w.q_first, w.q_last - dt.timedelta(days=6))
    for i in range(30):
        unit = UNITS[i % len(UNITS)][0]
        a = r.choice(days)
        req = add_request(w, r.choice(OFFICES[:12]), a, [new_subject(w) for _ in range(r.randrange(1, 6))],
                          REQUEST_REASONS[unit])
        s = r.choice(servers[unit])
        b = w.next_workday(a, r.randrange(0, 3)) if r.random() < 0.7 else a
        for subj in req.subjects:
            qd = [x for x in (b, w.next_workday(b)) if can_query(w, s, x)]
            if qd:
                serve(w, s, b, subj, qd[:1], n_items=r.choice([1, 1, 2]), request_no=req.request_no,
                      reason="受理%s委託（%s），%s" % (req.office, req.request_no, UNIT_REASONS[unit][0]))


def add_request(w, office, applied_on, subjects, reason, count=None, decision="受理",
                review="符合規定，同意協助查調"):
    w.req_seq[applied_on] = w.req_seq.get(applied_on, 0) + 1
    r = w.rng
    req = Obj(request_no="R%03d%02d%02d-%02d" % (roc(applied_on), applied_on.month, applied_on.day,
                                                  w.req_seq[applied_on]),
              office=office, applied_on=applied_on, applicant=w.person_name(),
              title=r.choice(["課員", "社會課課長", "約僱人員", "社工員"]),
              phone="07-%07d" % r.randrange(7000000, 7999999), fax="07-%07d" % r.randrange(7000000, 7999999),
              reason=reason, count=count if count is not None else len(subjects), subjects=list(subjects),
              review=review, decision=decision, appear=applied_on)
    w.requests.append(req)
    return req


# ----------------------------------------------------------------------------- planted cases

def plan(w, rule, key, day=None, nightly=True, quarterly=True, modes=("full", "as-of"), note=""):
    w.plans.append(Obj(rule=rule, key=key, day=day, nightly=nightly, quarterly=quarterly,
                       modes=modes, note=note))


def plan_q(w, rule, q, note, **kw):
    """A per-query finding: in the nightly of the query's day and in the quarterly."""
    if rule == "R12":
        plan(w, rule, lambda: "R12|" + q.txn, day=q.time.date(), note=note, **kw)
    else:
        plan(w, rule, lambda: "%s|%s" % (rule, q.txn), day=q.time.date(), note=note, **kw)


def reserve(w, s, *days):
    for d in days:
        w.reserved.add((s.account, d))


def clean_case(w, s, d, t, service="C0101", applied=None, subj=None, approved_at="auto", **kw):
    """A registration (approved before the query) and one query: the base of most plants."""
    applied = applied or d
    subj = subj or new_subject(w)
    g = add_reg(w, s, applied, subj, [service], approved_at=approved_at, **kw)
    q = add_query(w, s, t, service, subj[1])
    return g, q


def build_plants(w):
    r = w.rng
    R = w.role
    # R01 unregistered query: three curious look-ups without any registration.
    for role, d, hm in (("r01a", D(w, 0, 28), (11, 15, 7)), ("r01b", D(w, 1, 27), (15, 40, 22)),
                        ("r01c", D(w, 2, 22), (10, 5, 0))):
        s = R[role]
        reserve(w, s, d)
        q = add_query(w, s, at(d, *hm), "C0101", new_subject(w)[1])
        plan_q(w, "R01", q, "query with no registration at all")
    # R02 approval missing or late.
    s = R["r02a"]; d = D(w, 0, 21); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 10, 31, 2), applied=D(w, 0, 20), approved_at=None)
    plan_q(w, "R02", q, "registration never approved by the unit head")
    s = R["r02b"]; d = D(w, 1, 6); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 14, 0, 41), approved_at=at(w.next_workday(d), 9, 10, 0))
    plan_q(w, "R02", q, "approved the next morning, after the query")
    s = R["r02c"]; d = D(w, 2, 15); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 9, 20, 15), approved_at=at(d, 11, 0, 0))
    plan_q(w, "R02", q, "approved the same day, two hours after the query")
    # R03 no permission for the service at query time.
    s = R["r03a"]; d = D(w, 0, 16); reserve(w, s, d)
    subj = new_subject(w)
    add_reg(w, s, d, subj, ["C0101", "B0201"])
    add_query(w, s, at(d, 9, 45, 10), "C0101", subj[1])
    q = add_query(w, s, at(d, 9, 47, 55), "B0201", subj[1])
    plan_q(w, "R03", q, "B0201 was never granted to this account")
    s = R["n2"]; d = D(w, 0, 30); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 15, 12, 9))
    plan_q(w, "R03", q, "new staff queried before the grant's 生效日期")
    s = R["r03c"]; d = D(w, 1, 13); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 11, 2, 37), service="T0101")
    plan_q(w, "R03", q, "T0101 removed by an 異動查調項目 form effective earlier")
    # R04 account never approved.
    s = R["x1"]; d = D(w, 0, 9); reserve(w, s, d)
    subj = new_subject(w)
    add_reg(w, s, d, subj, ["C0101", "B0101"])
    for svc, hm in (("C0101", (10, 20, 5)), ("B0101", (10, 21, 40))):
        q = add_query(w, s, at(d, *hm), svc, subj[1])
        plan_q(w, "R04", q, "the account's only application was rejected (不同意)")
    ghost = Obj(account="ksw0999", name="臨時人員", cert="%016X" % r.getrandbits(64), ip="10.41.9.201")
    d = D(w, 1, 20)
    q = add_query(w, ghost, at(d, 16, 5, 31), "B0101", new_subject(w)[1], ip=ghost.ip)
    plan_q(w, "R04", q, "unknown account, not in any register")
    plan_q(w, "R01", q, "unknown account, not in any register (and not registered)")
    # R05 query after leaving (+ R06 for l3, whose revocation was filed late).
    s = R["l3"]
    colleague_ip = R["t1"].ip
    for d, hm in ((D(w, 1, 17), (9, 33, 12)), (D(w, 1, 18), (14, 8, 50))):
        reserve(w, s, d)
        g, q = clean_case(w, s, d, at(d, *hm))
        q.ip = colleague_ip
        plan_q(w, "R05", q, "account used after its holder left (revocation filed late)")
    plan(w, "R06", lambda s=s: "R06|%s|%s" % (s.account, s.change[1]), day=s.change[1],
         note="left; 註銷權限 filed six days after leaving")
    s = R["l4"]; d = D(w, 2, 7); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 10, 12, 3))
    plan_q(w, "R05", q, "account used after its holder left (revocation not yet effective)")
    # R06 roster change without a prior 註銷/職務異動.
    for role, note in (("l2", "left; permission never revoked"),
                       ("t2", "transferred; 職務異動 filed after the move")):
        s = R[role]
        plan(w, "R06", lambda s=s: "R06|%s|%s" % (s.account, s.change[1]), day=s.change[1], note=note)
    # R07 no legal basis (registrations and requests).
    s = R["r07reg"]
    for d, hm, reason in ((D(w, 0, 15), (10, 40, 0), "個案訪視需要，請協助查詢勞保投保資料"),
                          (D(w, 1, 18), (15, 2, 30), "家屬申請補助，查明其工作收入情形")):
        reserve(w, s, d)
        g, q = clean_case(w, s, d, at(d, *hm), reason=reason)
        plan(w, "R07", lambda g=g: "R07|reg|" + g.reg_no, day=d, note="registration reason names no law")
    req = add_request(w, "旗山區公所", D(w, 1, 4), [new_subject(w), new_subject(w)],
                      "民眾陳情，請協助查詢其子女工作狀況", decision="不受理",
                      review="未敘明法令依據，不予受理")
    plan(w, "R07", lambda req=req: "R07|req|" + req.request_no, day=req.applied_on,
         note="request (不受理) names no law")
    s = R["r07req"]
    req = add_request(w, "楠梓區公所", D(w, 2, 1), [new_subject(w), new_subject(w)],
                      "辦理年度訪視，需了解個案就業情形")
    d = w.next_workday(req.applied_on); reserve(w, s, d)
    for i, subj in enumerate(req.subjects):
        clean_case(w, s, d, at(d, 13, 10 + 7 * i, 4), subj=subj, request_no=req.request_no,
                   reason="受理楠梓區公所委託（%s），依社會救助法辦理個案訪視" % req.request_no)
    plan(w, "R07", lambda req=req: "R07|req|" + req.request_no, day=req.applied_on,
         note="request (受理) names no law; its registrations do")
    # R08 off-hours: Saturday, typhoon day, before 08:00, exactly 18:00:00.
    s = R["r08ab"]
    sat = dt.date(w.q_first.year, w.q_first.month + 1, 8)
    while sat.weekday() != 5:
        sat += dt.timedelta(days=1)
    for d, hm, note in ((sat, (10, 12, 44), "Saturday"), (w.typhoon_day, (14, 20, 9), "typhoon day off (calendar)")):
        g, q = clean_case(w, s, d, at(d, *hm), applied=w.prev_workday(d))
        plan_q(w, "R08", q, note)
    s = R["r08cd"]
    for d, hm, note in ((D(w, 0, 14), (7, 46, 10), "07:46 before office hours"),
                        (D(w, 2, 3), (18, 0, 0), "18:00:00, office hours are [08:00, 18:00)")):
        reserve(w, s, d)
        g, q = clean_case(w, s, d, at(d, *hm), applied=w.prev_workday(d))
        plan_q(w, "R08", q, note)
    # R09 more than 50 queries on a day (and 50 exactly, which is fine).
    for role, d, n in (("r09a", D(w, 0, 29), 61), ("r09b", D(w, 2, 16), 55), ("r09near", D(w, 1, 26), 50)):
        s = R[role]
        reserve(w, s, d)
        a = w.prev_workday(d)
        for i in range(n):
            subj = new_subject(w)
            clean_case(w, s, d, ts(d, 9 * 3600 + i * (7 * 3600 // n) + r.randrange(60)), subj=subj,
                       applied=a, approved_at=at(a, 16, 0, 0),
                       reason=UNIT_REASONS[s.unit][0] + "（年度總清查）")
        if n > DAILY_LIMIT:
            plan(w, "R09", lambda s=s, d=d: "R09|%s|%s" % (s.account, d), day=d,
                 note="%d queries in one day" % n)
    # R10 self query, registered.
    for role, d in (("r10a", D(w, 0, 23)), ("r10b", D(w, 2, 10))):
        s = R[role]
        reserve(w, s, d)
        g, q = clean_case(w, s, d, at(d, 16, 44, 18), subj=(s.name, s.nid))
        plan_q(w, "R10", q, "querier looked up their own ID")
    # R11 shared credential: a different IP less than 10 minutes earlier.
    s = R["r11a"]; d = D(w, 1, 4); reserve(w, s, d)
    clean_case(w, s, d, at(d, 10, 2, 13))
    g, q = clean_case(w, s, d, at(d, 10, 6, 40))
    q.ip = "10.44.3.77"
    plan_q(w, "R11", q, "second PC four minutes after the first")
    s = R["r11b"]; d = D(w, 1, 20); reserve(w, s, d)
    clean_case(w, s, d, at(d, 14, 30, 5))
    g, q = clean_case(w, s, d, at(d, 14, 33, 50))
    q.ip = "10.43.5.18"
    plan_q(w, "R11", q, "other IP 3m45s after")
    g, q = clean_case(w, s, d, at(d, 14, 38, 20))
    plan_q(w, "R11", q, "back on the own IP 4m30s after the other IP")
    s = R["r11near"]; d = D(w, 2, 17); reserve(w, s, d)
    clean_case(w, s, d, at(d, 9, 20, 0))
    g, q = clean_case(w, s, d, at(d, 9, 30, 0))
    q.ip = "10.43.2.99"  # exactly 10 minutes: not "less than", no finding
    # R12 beyond the request.
    s = R["r12a"]
    req = add_request(w, "三民區公所", D(w, 0, 27), [new_subject(w) for _ in range(3)],
                      REQUEST_REASONS["SA"])
    d = D(w, 0, 29); reserve(w, s, d)
    clean_case(w, s, d, at(d, 9, 15, 0), applied=w.prev_workday(d), subj=req.subjects[0], request_no=req.request_no)
    g, q = clean_case(w, s, d, at(d, 9, 18, 30), applied=w.prev_workday(d), request_no=req.request_no)
    plan_q(w, "R12", q, "subject not listed on the request the registration names")
    d = D(w, 1, 6); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 11, 11, 11), applied=D(w, 1, 5), request_no="R%03d0805-99" % roc(d))
    plan_q(w, "R12", q, "registration names a request number that does not exist")
    s = R["r12b1"]
    req = add_request(w, "鳳山區公所", D(w, 1, 17), [new_subject(w) for _ in range(3)],
                      REQUEST_REASONS["CY"], count=2)
    a = w.next_workday(req.applied_on)
    last = None
    for i, subj in enumerate(req.subjects):
        d = w.next_workday(a, i) if i else a
        reserve(w, s, d)
        clean_case(w, s, d, at(d, 10, 30, 0), applied=a, subj=subj, request_no=req.request_no)
        last = d
    plan(w, "R12", lambda req=req: "R12|req|" + req.request_no, day=last,
         note="3 distinct subjects queried, 查調筆數 2")
    s = R["r12b2"]
    req = add_request(w, "左營區公所", D(w, 2, 8), [new_subject(w) for _ in range(2)],
                      REQUEST_REASONS["WF"], count=2)
    d = w.next_workday(req.applied_on); reserve(w, s, d)
    for i, subj in enumerate(req.subjects):
        clean_case(w, s, d, at(d, 14, 5 + 12 * i, 0), subj=subj, request_no=req.request_no)
    g, q = clean_case(w, s, d, at(d, 15, 1, 0), request_no=req.request_no)
    plan_q(w, "R12", q, "third subject, not on the request")
    plan(w, "R12", lambda req=req: "R12|req|" + req.request_no, day=d,
         note="3 distinct subjects queried, 查調筆數 2")
    # R13 invalid subject ID.
    s = R["r13ab"]
    d = D(w, 0, 8); reserve(w, s, d)
    good = w.new_id()
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    g, q = clean_case(w, s, d, at(d, 13, 40, 0), subj=(w.person_name(), bad))
    plan_q(w, "R13", q, "checksum fails (same typo in the registration)")
    d = D(w, 2, 2); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 14, 12, 12), subj=(w.person_name(), w.new_id()[:9]))
    plan_q(w, "R13", q, "nine characters")
    s = R["r13c"]; d = D(w, 1, 25); reserve(w, s, d)
    subj = new_subject(w)
    sid = subj[1]
    typo = sid[:4] + sid[5] + sid[4] + sid[6:]
    k = 5
    while valid_id(typo) or typo == sid:
        typo = sid[:k] + sid[k + 1] + sid[k] + sid[k + 2:]
        k += 1
    add_reg(w, s, d, subj, ["C0101"])
    q = add_query(w, s, at(d, 10, 3, 0), "C0101", typo, result="查無資料")
    add_query(w, s, at(d, 10, 6, 0), "C0101", sid, result="成功")
    plan_q(w, "R13", q, "digits transposed in the query")
    plan_q(w, "R01", q, "digits transposed in the query, so no registration matches")
    # R14 approved registration never queried (window ends inside the quarter).
    s = R["r14"]
    for d in (D(w, 0, 6), D(w, 1, 3), D(w, 1, 25)):
        g = add_reg(w, s, d, new_subject(w), ["C0101", "B0101"])
        plan(w, "R14", lambda g=g: "R14|" + g.reg_no, nightly=False, note="approved, never queried")
    add_reg(w, s, D(w, 2, 8), new_subject(w), ["C0101"])  # window ends after the quarter: fine
    add_reg(w, R["reg1"], D(w, 1, 10), new_subject(w), ["C0101"], approved_at=None)  # never approved: fine
    add_reg(w, R["reg2"], D(w, 0, 20), new_subject(w), ["B0101"],
            withdraw=w.next_workday(D(w, 0, 20), 2))  # withdrawn from the register: fine
    # R15 backfilled: the registration shows up 6 days after the query (as-of flow only).
    for role, d, lag in (("r15a", D(w, 0, 15), 6), ("r15b", D(w, 1, 11), 6), ("r15c", D(w, 2, 2), 6)):
        s = R[role]
        reserve(w, s, d)
        g, q = clean_case(w, s, d, at(d, 10, 0, 0), appear=d + dt.timedelta(days=lag))
        plan_q(w, "R15", q, "registration first seen %d days after the query" % lag,
               nightly=False, modes=("as-of",))
        plan_q(w, "R01", q, "not yet registered when the nightly ran", quarterly=False, modes=("as-of",))
    s = R["r15a"]; d = D(w, 1, 19); reserve(w, s, d)
    g, q = clean_case(w, s, d, at(d, 10, 0, 0), appear=d + dt.timedelta(days=2))
    plan_q(w, "R01", q, "registered two days late: R01 in the nightly, within the R15 grace",
           quarterly=False, modes=("as-of",))
    # R16 dormant: permission held at quarter end, no query in the last 90 days.
    s = R["d3"]; reserve(w, s, w.q_first)
    clean_case(w, s, w.q_first, at(w.q_first, 10, 30, 0), applied=w.prev_workday(w.q_first))
    for role in ("d1", "d2", "d3"):
        s = R[role]
        plan(w, "R16", lambda s=s: "R16|" + s.account, nightly=False,
             note="never queried" if role != "d3" else "queried only on the first day of the quarter")


# ----------------------------------------------------------------------------- numbering, bad rows

HHMM_DAYS = ((0, 10), (2, 23))  # exports whose timestamps have no seconds


def finish(w):
    r = w.rng
    seq = {}
    for g in sorted(w.regs, key=lambda g: (g.applied_on, g.unit, g.account, g.subject_id, g.items)):
        u = [u[0] for u in UNITS if u[1] == g.unit][0] if g.unit in UNIT_NAME.values() else g.unit
        k = (u, roc(g.applied_on))
        seq[k] = seq.get(k, 0) + 1
        g.reg_no = "%s%d-%04d" % (k[0], k[1], seq[k])
    for g in w.regs:  # registrations store the unit's name
        if g.unit in UNIT_NAME:
            g.unit = UNIT_NAME[g.unit]
    hhmm = {D(w, mo, d) for mo, d in HHMM_DAYS}
    w.hhmm_days = hhmm
    w.days = {}
    for q in w.queries:
        if q.time.date() in hhmm:
            q.time = q.time.replace(second=0)
        w.days.setdefault(q.time.date(), []).append(q)
    for d in sorted(w.days):
        qs = sorted(w.days[d], key=lambda q: (q.time, q.account, q.service, q.subject))
        w.days[d] = qs
        n = r.randrange(100, 900)
        for q in qs:
            n += r.randrange(1, 25)
            q.txn = "GSP%03d%02d%02d%06d" % (roc(d), d.month, d.day, n)
        w.last_seq = getattr(w, "last_seq", {})
        w.last_seq[d] = n
    # Bad rows and re-exported rows, by file day.
    w.extra = {}  # day -> list of Obj(kind, ...)
    plain = [s.account for s in w.staff if s.role.startswith("reg")]

    def pick(d):
        qs = [q for q in w.days[d] if q.account in plain] or w.days[d]
        return qs[len(qs) // 2]
    for kind, (mo, day) in (("bad_date", (0, 8)), ("bad_columns", (0, 22)), ("bad_hour", (1, 19)),
                            ("missing_subject", (2, 9))):
        d = D(w, mo, day)
        w.last_seq[d] += 3
        txn = "GSP%03d%02d%02d%06d" % (roc(d), d.month, d.day, w.last_seq[d])
        w.extra.setdefault(d, []).append(Obj(kind=kind, q=pick(d), txn=txn))
    src = D(w, 0, 9)
    w.dup_pair = (src, w.next_workday(src))
    w.extra.setdefault(w.dup_pair[1], []).append(Obj(kind="duplicate", q=w.days[src][-1], txn=w.days[src][-1].txn))
    src = D(w, 1, 25)
    w.extra.setdefault(w.next_workday(src), []).append(Obj(kind="conflict", q=w.days[src][-1], txn=w.days[src][-1].txn))
    w.good_queries = [q for d in sorted(w.days) for q in w.days[d]]


# ----------------------------------------------------------------------------- rules.md, independently

def first_seen_map(w, flow):
    """as-of flow: the end of the first nightly whose snapshot holds the key; None for keys of
    the first snapshot."""
    fs = {}
    for g in w.regs:
        for f in flow:
            if g.appear <= f and (g.withdraw is None or f < g.withdraw):
                fs[id(g)] = None if f == flow[0] else dt.datetime(f.year, f.month, f.day, 23, 59, 59)
                break
    return fs


class Ctx:
    """Indexes over the whole model, built once; each job applies its snapshot's visibility."""

    def __init__(self, w):
        self.pairs = {}
        self.by_applied = {}
        for g in w.regs:
            self.pairs.setdefault((g.account, g.subject_id), []).append(g)
            self.by_applied.setdefault(g.applied_on, []).append(g)
        self.perms = {}
        for p in w.perms:
            self.perms.setdefault(p.account, []).append(p)
        self.reqs = {}
        for q in w.requests:
            self.reqs.setdefault(q.request_no, []).append(q)
        self.staff = {s.account: s for s in w.staff}
        self.by_acc = {}
        self.by_day = {}
        for q in sorted(w.good_queries, key=lambda q: q.time):
            self.by_acc.setdefault(q.account, []).append(q)
            self.by_day.setdefault(q.time.date(), []).append(q)
        self.acc_times = {a: [q.time for q in v] for a, v in self.by_acc.items()}
        req_pairs = {(g.account, g.subject_id) for g in w.regs if g.request_no}
        self.linkable = [q for q in w.good_queries if (q.account, q.subject) in req_pairs]


def evaluate(w, ctx, job_day, S, first_seen):
    """Findings (set of keys) of one job: job_day = a date (nightly) or None (quarterly).
    S = snapshot date of the registers (None: the full, final registers). The store holds
    the exports up to S, which only matters to R14 and R16 (quarterly): every other rule
    looks at the period or earlier."""
    lo, hi = (job_day, job_day) if job_day else (w.q_first, w.q_last)
    p_end = dt.datetime(hi.year, hi.month, hi.day) + dt.timedelta(days=1)
    win = dt.timedelta(days=WINDOW)

    def visible(g):
        if S is None:
            return g.withdraw is None
        return g.appear <= S and (g.withdraw is None or S < g.withdraw)

    def approved(g):
        return g.approved_at if g.approved_at and (S is None or g.approved_at.date() <= S) else None

    def perms_of(a):
        return [p for p in ctx.perms.get(a, ()) if S is None or p.appear <= S]

    def request(no):
        rows = [x for x in ctx.reqs.get(no, ()) if S is None or x.appear <= S]
        return rows or None

    def roster(a):
        s = ctx.staff.get(a)
        if s is None or (S is not None and s.join is not None and s.join > S):
            return None
        if s.change and (S is None or S >= s.change[1]):
            return (s.change[0], s.change[1], s.nid)
        return ("在職", None, s.nid)

    def matches(q):
        d = q.time.date()
        return [g for g in ctx.pairs.get((q.account, q.subject), ())
                if q.service in g.items and g.applied_on <= d <= g.applied_on + win and visible(g)]

    out = set()
    period_queries = [q for d in daterange(lo, hi) for q in ctx.by_day.get(d, ())]
    for q in period_queries:
        m = matches(q)
        key = q.txn
        if not m:
            out.add("R01|" + key)
        else:
            if not any(approved(g) and approved(g) <= q.time for g in m):
                out.add("R02|" + key)
            if all(first_seen.get(id(g)) and first_seen[id(g)] > q.time + GRACE for g in m):
                out.add("R15|" + key)
        ps = perms_of(q.account)
        ap = [p for p in ps if p.decision == "准予申請"]
        if not ap:
            out.add("R04|" + key)
        elif q.service not in perm_items_at(ap, q.time.date()):
            out.add("R03|" + key)
        st = roster(q.account)
        if st and st[0] == "離職" and st[1] <= q.time.date():
            out.add("R05|" + key)
        sec = q.time.hour * 3600 + q.time.minute * 60 + q.time.second
        if not w.workday(q.time.date()) or not (OFFICE_START <= sec < OFFICE_END):
            out.add("R08|" + key)
        own = {p.nid for p in ps}
        if st:
            own.add(st[2])
        if q.subject in own:
            out.add("R10|" + key)
        times = ctx.acc_times[q.account]
        i = bisect.bisect_left(times, q.time - dt.timedelta(seconds=SHARED_IP_SECONDS - 1))
        for e in ctx.by_acc[q.account][i:]:
            if e.time >= q.time:
                break
            if e.ip != q.ip:
                out.add("R11|" + key)
                break
        for g in m:
            if g.request_no:
                rows = request(g.request_no)
                if rows is None or q.subject not in {x[1] for rq in rows for x in rq.subjects}:
                    out.add("R12|" + key)
        if not valid_id(q.subject):
            out.add("R13|" + key)
    # R06 roster changes in the period without a prior 註銷/職務異動.
    for a in ctx.staff:
        st = roster(a)
        if st and st[0] in ("離職", "調職") and lo <= st[1] <= hi:
            if not any(p.decision == "准予申請" and p.action in ("註銷權限", "職務異動") and p.applied_on <= st[1]
                       for p in perms_of(a)):
                out.add("R06|%s|%s" % (a, st[1]))
    # R07 reasons without a legal basis.
    for d in daterange(lo, hi):
        for g in ctx.by_applied.get(d, ()):
            if visible(g) and not cites_basis(g.reason):
                out.add("R07|reg|" + g.reg_no)
    for no in ctx.reqs:
        rows = request(no)
        if rows and lo <= rows[0].applied_on <= hi and not cites_basis(rows[0].reason):
            out.add("R07|req|" + no)
    # R09 volume.
    cnt = {}
    for q in period_queries:
        k = (q.account, q.time.date())
        cnt[k] = cnt.get(k, 0) + 1
    for (a, d), n in cnt.items():
        if n > DAILY_LIMIT:
            out.add("R09|%s|%s" % (a, d))
    # R12(b) distinct subjects under a request, over linked queries up to the period end.
    linked, active = {}, set()
    for q in ctx.linkable:
        if q.time >= p_end:
            continue
        for g in matches(q):
            if g.request_no:
                linked.setdefault(g.request_no, set()).add(q.subject)
                if lo <= q.time.date() <= hi:
                    active.add(g.request_no)
    for no in active:
        rows = request(no)
        if rows and len(linked[no]) > rows[0].count:
            out.add("R12|req|" + no)
    if job_day is None:
        store = [q for q in w.good_queries if S is None or q.time.date() <= S]
        # R14 approved, window ended in the period, never matched.
        matched = set()
        for q in store:
            for g in matches(q):
                matched.add(id(g))
        for g in w.regs:
            if visible(g) and approved(g) and lo <= g.applied_on + win <= hi and id(g) not in matched:
                out.add("R14|" + g.reg_no)
        # R16 dormant.
        last = {}
        for q in store:
            if q.time < p_end:
                last[q.account] = max(last.get(q.account, q.time), q.time)
        cutoff = p_end - dt.timedelta(days=DORMANT_DAYS)
        for a in ctx.perms:
            if perm_items_at(perms_of(a), hi):
                lt = last.get(a)
                # "the 90 days up to the period end" may be read as starting on either of two
                # days; keep every last query clear of both.
                if lt is not None and cutoff - dt.timedelta(days=1) <= lt < cutoff + dt.timedelta(days=1):
                    raise SystemExit("gen_demo: R16 boundary too close for %s" % a)
                if lt is None or lt < cutoff:
                    out.add("R16|" + a)
    return out


# ----------------------------------------------------------------------------- rendering

PLATFORM_COLS = ["txn_id", "query_time", "agency_code", "account", "querier_name", "service_code",
                 "subject_id", "result", "source_ip", "cert_serial"]
PLATFORM_ZH = dict(zip(PLATFORM_COLS, ["交易序號", "查詢時間", "機關代碼", "查詢者帳號", "查詢者姓名",
                                       "服務代碼", "被查詢人統號", "查詢結果", "來源IP", "憑證序號"]))
VARIANTS = [
    [PLATFORM_ZH[c] for c in PLATFORM_COLS],
    list(PLATFORM_COLS),
    ["查詢時間", "交易序號", "查詢者帳號", "查詢者姓名", "被查詢人統號", "服務代碼", "查詢結果", "來源IP",
     "機關代碼", "憑證序號", "備註"],
    ["account", "query_time", "service_code", "subject_id", "txn_id", "result", "source_ip", "querier_name"],
    ["交易序號", "query_time", "查詢者帳號", "service_code", "被查詢人統號", "result", "來源IP", "querier_name",
     "機關代碼"],
]
ALIAS = {v: k for k, v in PLATFORM_ZH.items()}
RESULT_EN = {"成功": "success", "查無資料": "nodata", "失敗": "error"}
ENCODINGS = ["cp950", "utf-8-sig", "utf-8"]
DATE_STYLES = ["iso", "slash", "roc", "rocz", "compact"]


class Text:
    """CSV text with physical line numbers (records may span lines)."""

    def __init__(self, crlf):
        self.eol = "\r\n" if crlf else "\n"
        self.parts = []
        self.line = 1

    def row(self, fields):
        buf = io.StringIO()
        csv.writer(buf, lineterminator=self.eol).writerow(fields)
        return self.raw(buf.getvalue())

    def raw(self, s):
        start = self.line
        self.parts.append(s)
        self.line += s.count("\n")
        return start

    def text(self):
        return "".join(self.parts)


def platform_style(w, d):
    days = sorted(w.days)
    i = days.index(d)
    if d == w.dup_pair[1]:  # the re-exported row must look exactly the same
        i = days.index(w.dup_pair[0])
    return dict(enc=ENCODINGS[i % 3], date=DATE_STYLES[(i * 2) % 5], variant=VARIANTS[i % 5],
                crlf=ENCODINGS[i % 3] == "cp950" or i % 4 == 1, seconds=d not in w.hhmm_days, i=i)


def platform_fields(q, st, cols, quirk=None, note=""):
    f = {"txn_id": q.txn, "query_time": fmt_ts(q.time, st["date"], st["seconds"]), "agency_code": AGENCY,
         "account": q.account, "querier_name": q.name, "service_code": q.service, "subject_id": q.subject,
         "result": q.result, "source_ip": q.ip, "cert_serial": q.cert, "備註": note}
    if quirk == "fw_account":
        f["account"] = fw(q.account)
    elif quirk == "upper_account":
        f["account"] = "\u3000" + q.account.upper() + " "
    elif quirk == "fw_service":
        f["service_code"] = fw(q.service)
    elif quirk == "lower_subject":
        f["subject_id"] = q.subject.lower()
    out = []
    for c in cols:
        key = ALIAS.get(c, c)
        v = f[key]
        if key == "result" and c == "result" and st["i"] % 2:
            v = RESULT_EN.get(v, v)
        out.append(v)
    return out


def render_platform(w, d):
    """-> (file name, bytes, [(line, reason)])"""
    st = platform_style(w, d)
    t = Text(st["crlf"])
    cols = st["variant"]
    t.row(cols)
    rejects = []
    extras = {e.kind: e for e in w.extra.get(d, [])}
    qs = w.days.get(d, [])
    mid = len(qs) // 2
    quirks = {2: ["fw_account", "upper_account", "fw_service", "lower_subject", None, None, None][st["i"] % 7]}
    for n, q in enumerate(qs):
        if n == mid:
            for kind, e in sorted(extras.items()):
                bq = e.q
                f = platform_fields(bq, st, cols)
                ti = cols.index([c for c in cols if ALIAS.get(c, c) == "txn_id"][0])
                f[ti] = e.txn
                qi = cols.index([c for c in cols if ALIAS.get(c, c) == "query_time"][0])
                if kind == "bad_date":
                    f[qi] = fmt_date(d, st["date"]).replace("%02d" % d.day, "32", 1)[::-1].replace(
                        ("%02d" % d.day)[::-1], "23", 1)[::-1] if False else _bad_day(d, st)
                    rejects.append((t.row(f), "impossible date (day 32)"))
                elif kind == "bad_hour":
                    f[qi] = fmt_date(d, st["date"]) + " 25:10:00"
                    rejects.append((t.row(f), "impossible time (hour 25)"))
                elif kind == "bad_columns":
                    # An unquoted comma: one non-empty field more than the header names. (A
                    # short row is not an error when only optional trailing fields are missing.)
                    rejects.append((t.row(f + ["已電話確認"]), "wrong number of columns (one too many)"))
                elif kind == "missing_subject":
                    si = cols.index([c for c in cols if ALIAS.get(c, c) == "subject_id"][0])
                    f[si] = ""
                    rejects.append((t.row(f), "missing required field 被查詢人統號"))
                elif kind == "duplicate":
                    t.row(platform_fields(bq, st, cols))
                elif kind == "conflict":
                    ri = cols.index([c for c in cols if ALIAS.get(c, c) == "result"][0])
                    f[ri] = "失敗" if bq.result != "失敗" else "成功"
                    if cols[ri] == "result" and st["i"] % 2:
                        f[ri] = RESULT_EN[f[ri]]
                    rejects.append((t.row(f), "conflict: same 交易序號, different content"))
        note = "補查,已電話確認" if n % 97 == 13 else ""
        t.row(platform_fields(q, st, cols, quirks.get(n), note))
    name = "platform/liq_%s.csv" % d.strftime("%Y%m%d")
    return name, t.text().encode(st["enc"]), rejects


def _bad_day(d, st):
    s = fmt_date(dt.date(d.year, d.month, 28), st["date"])
    i = s.rfind("28")
    return s[:i] + "32" + s[i + 2:] + " 10:15:22"


def items_text(items, i):
    sep = [",", "、", ";", " "][i % 4]
    return sep.join(items)


def render_registers(w, S):
    """Register snapshots as of S (None = final). -> {name: (bytes, rejects)}"""
    out = {}
    # permissions.csv: CP950, CRLF, ROC dates.
    t = Text(True)
    t.row(["表單編號", "申請日期", "申請單位", "職稱", "姓名", "身分證字號", "聯絡電話", "e-mail", "E政府帳號",
           "申請事項", "申請事由", "查調服務項目", "審核結果", "生效日期", "不同意原因", "權限管理者", "單位主管",
           "權限管理單位主管"])
    for i, p in enumerate(sorted(w.perms, key=lambda p: p.form_no)):
        if S is not None and p.appear > S:
            continue
        t.row([p.form_no, fmt_date(p.applied_on, "roc"), UNIT_NAME[p.unit], p.title, p.name, p.nid, p.phone,
               p.email, p.account, p.action, p.reason, items_text(p.items, i + 1), p.decision,
               fmt_date(p.effective_on, "roc") if p.effective_on else "", p.reject_reason, p.manager,
               p.unit_head, p.manager_head])
    out["registers/permissions.csv"] = (t.text().encode("cp950"), [])
    # registrations.csv: UTF-8 with BOM, LF; Ext-B and PUA names; a multi-line reason; a bad row.
    t = Text(False)
    t.row(["編號", "申請日期", "姓名", "身分證字號", "查調項目", "查調事由", "需要資料者", "資料查詢者帳號",
           "資料查詢者", "單位", "單位主管", "主管核章時間", "委託申請單編號"])
    rejects = [(t.row(["SA%d-0000" % roc(w.q_first), "%d/02/30" % roc(w.q_first), "測試資料", "E100000001",
                       "C0101", "依社會救助法辦理", "測試", "ksw0001", "", "社會救助科", "", "", ""]),
                "impossible date 申請日期 (February 30)")]
    multiline = None
    for i, g in enumerate(sorted(w.regs, key=lambda g: (g.applied_on, g.reg_no))):
        if S is None and g.withdraw is not None:
            continue
        if S is not None and not (g.appear <= S and (g.withdraw is None or S < g.withdraw)):
            continue
        ap = g.approved_at if g.approved_at and (S is None or g.approved_at.date() <= S) else None
        reason = g.reason
        if multiline is None and g.tag is None and g.request_no == "" and g.applied_on.month == w.q_first.month + 1:
            multiline = g.reg_no
        if g.reg_no == multiline:
            reason += "\n（附件：申請書影本一份）"
        t.row([g.reg_no, fmt_date(g.applied_on, "rocz"), g.subject_name, g.subject_id, items_text(g.items, i),
               reason, g.requester, g.account, g.querier_name, g.unit, g.unit_head,
               fmt_ts(ap, "slash") if ap else "", g.request_no])
    out["registers/registrations.csv"] = (b"\xef\xbb\xbf" + t.text().encode("utf-8"), rejects)
    # requests.csv: UTF-8 without BOM, English aliases, one row per subject.
    t = Text(False)
    t.row(["request_no", "unit", "applied_on", "applicant", "title", "phone", "fax", "reason", "count",
           "subject_name", "subject_id", "review", "decision"])
    for rq in sorted(w.requests, key=lambda x: x.request_no):
        if S is not None and rq.appear > S:
            continue
        for name, sid in rq.subjects:
            t.row([rq.request_no, rq.office, fmt_date(rq.applied_on, "slash"), rq.applicant, rq.title, rq.phone,
                   rq.fax, rq.reason, str(rq.count), name, sid, rq.review, rq.decision])
    out["registers/requests.csv"] = (t.text().encode("utf-8"), [])
    # staff.csv: CP950, compact ROC dates.
    t = Text(True)
    t.row(["姓名", "身分證字號", "E政府帳號", "單位", "狀態", "異動日期"])
    for s in sorted(w.staff, key=lambda s: s.account):
        if S is not None and s.join is not None and s.join > S:
            continue
        status, changed, unit = "在職", "", s.unit
        if s.change and (S is None or S >= s.change[1]):
            status, changed, unit = s.change[0], fmt_date(s.change[1], "compact"), s.change[2]
        t.row([s.name, s.nid, s.account, UNIT_NAME[unit], status, changed])
    out["registers/staff.csv"] = (t.text().encode("cp950"), [])
    # calendar: CP950, the open-data columns.
    t = Text(True)
    t.row(["西元日期", "星期", "是否放假", "備註"])
    for d in sorted(w.calendar):
        wk, note = w.calendar[d]
        t.row([fmt_date(d, "ymd8"), WEEKDAY_ZH[d.weekday()], "0" if wk else "2", note])
    out["calendar/calendar_%s.csv" % w.quarter] = (t.text().encode("cp950"), [])
    return out


# ----------------------------------------------------------------------------- read-back

def parse_any_ts(s):
    """Every timestamp form of inputs.md (after full-width folding); None if impossible."""
    import re
    s = s.translate({ord(v): k for k, v in FULLWIDTH.items()}).strip(" \u3000")
    m = re.fullmatch(r"(\d{4})[-/](\d{2})[-/](\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?", s) or \
        re.fullmatch(r"(\d{2,3})/(\d{2})/(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?", s) or \
        re.fullmatch(r"(\d{2,3})年(\d{2})月(\d{2})日 (\d{2}):(\d{2})(?::(\d{2}))?", s) or \
        re.fullmatch(r"(\d{3})(\d{2})(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?", s)
    if not m:
        return None
    y = int(m.group(1))
    y = y + 1911 if y < 1000 else y
    try:
        return dt.datetime(y, int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)),
                           int(m.group(6) or 0))
    except ValueError:
        return None


def readback(w, out, S, rejects):
    """Reads the written exports back (encoding detection, header aliases, normalisation) and
    compares them with the model: every good query once, every planted reject unparseable."""
    want = {q.txn: q for q in w.good_queries if S is None or q.time.date() <= S}
    seen = {}
    bad = {(r["file"], r["line"]) for r in rejects}
    for f in sorted(os.listdir(os.path.join(out, "platform"))):
        name = "platform/" + f
        data = open(os.path.join(out, name), "rb").read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp950")
        text = text.lstrip("\ufeff")
        rd = csv.reader(io.StringIO(text, newline=""))
        header = [ALIAS.get(c, c) for c in next(rd)]
        line = 2
        for row in rd:
            rec_line, line = line, line + sum(x.count("\n") for x in row) + 1
            if len(row) != len(header):
                assert (name, rec_line) in bad, (name, rec_line)
                continue
            v = dict(zip(header, row))
            t = parse_any_ts(v["query_time"])
            norm = lambda x: x.translate({ord(b): a for a, b in FULLWIDTH.items()}).strip(" \u3000")
            acc, svc, sid = norm(v["account"]).lower(), norm(v["service_code"]).upper(), norm(v["subject_id"]).upper()
            if t is None or not sid:
                assert (name, rec_line) in bad, (name, rec_line)
                continue
            q = want.get(v["txn_id"])
            assert q is not None, (name, rec_line)
            same = (t, acc, svc, sid, v.get("source_ip")) == (q.time, q.account, q.service, q.subject, q.ip)
            if v["txn_id"] in seen or not same:
                assert (name, rec_line) in bad or same, (name, rec_line)
            seen[v["txn_id"]] = True
    assert set(seen) == set(want), "exports lost %d queries" % len(set(want) - set(seen))


# ----------------------------------------------------------------------------- main

def build(seed, quarter):
    w = World(seed, quarter)
    w.day_count = {}
    w.req_seq = {}
    build_calendar(w)
    build_staff(w)
    build_plants(w)
    build_regular(w)
    finish(w)
    return w


def expected_jobs(w, mode):
    exp = {}
    for p in w.plans:
        if mode not in p.modes:
            continue
        key = p.key()
        if p.nightly and p.day is not None:
            exp.setdefault("nightly %s" % p.day, {})[key] = p
        if p.quarterly:
            exp.setdefault("quarterly", {})[key] = p
    return exp


def check(w, mode, flow):
    """Derives every job's findings from the model and compares with the plan."""
    exp = expected_jobs(w, mode)
    fs = first_seen_map(w, flow) if mode == "as-of" else {}
    ctx = Ctx(w)
    problems = []
    for d in daterange(w.q_first, w.q_last):
        got = evaluate(w, ctx, d, d if mode == "as-of" else None, fs)
        want = set(exp.get("nightly %s" % d, {}))
        if got != want:
            problems.append("nightly %s: unplanned %s, missing %s" % (d, sorted(got - want), sorted(want - got)))
    got = evaluate(w, ctx, None, w.q_last if mode == "as-of" else None, fs)
    want = set(exp.get("quarterly", {}))
    if got != want:
        problems.append("quarterly: unplanned %s, missing %s" % (sorted(got - want), sorted(want - got)))
    if problems:
        sys.stderr.write("gen_demo: the generated data does not produce the planted findings:\n  " +
                         "\n  ".join(problems) + "\n")
        raise SystemExit(3)
    return exp


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="input folder to write (platform/, registers/, calendar/)")
    ap.add_argument("--seed", type=int, default=20260701)
    ap.add_argument("--quarter", default="2026Q3")
    ap.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: registers as of this day, exports up to it")
    ap.add_argument("--no-verify", action="store_true", help="skip re-deriving the findings (faster)")
    ap.add_argument("--readback", action="store_true", help="also read the written exports back and compare")
    a = ap.parse_args(argv)
    if a.quarter != "2026Q3":
        sys.stderr.write("gen_demo: note: holidays are only known for 2026Q3; other quarters use weekends only\n")
    w = build(a.seed, a.quarter)
    mode = "as-of" if a.as_of else "full"
    S = None
    if a.as_of:
        S = dt.date.fromisoformat(a.as_of)
        if not (w.q_first <= S <= w.q_last):
            ap.error("--as-of must lie inside the quarter %s" % a.quarter)
    flow = list(daterange(w.q_first, w.q_last))
    exp = expected_jobs(w, mode) if a.no_verify else check(w, mode, flow)
    # Files.
    files, rejects = {}, []
    for d in sorted(w.days):
        name, data, rj = render_platform(w, d)
        job = ("nightly %s" % d) if mode == "as-of" else "quarterly"
        rejects += [{"file": name, "line": ln, "reason": why, "job": job} for ln, why in rj]
        if S is None or d <= S:
            files[name] = data
    for name, (data, rj) in render_registers(w, S).items():
        files[name] = data
        rejects += [{"file": name, "line": ln, "reason": why, "job": "*" if mode == "as-of" else "quarterly"}
                    for ln, why in rj]
    os.makedirs(a.out, exist_ok=True)
    pdir = os.path.join(a.out, "platform")
    if os.path.isdir(pdir):  # exports after --as-of from an earlier run are not there yet
        for f in os.listdir(pdir):
            if f.startswith("liq_") and f.endswith(".csv") and ("platform/" + f) not in files:
                os.remove(os.path.join(pdir, f))
    for name, data in files.items():
        path = os.path.join(a.out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(path, "rb") as fh:
                if fh.read() == data:
                    continue  # unchanged: keep the file (and its time stamp)
        except FileNotFoundError:
            pass
        with open(path + ".tmp", "wb") as fh:
            fh.write(data)
        os.replace(path + ".tmp", path)
    if a.readback:
        readback(w, a.out, S, rejects)
    expected = []
    for job in sorted(exp, key=lambda j: (j == "quarterly", j)):
        for key, p in sorted(exp[job].items()):
            expected.append({"rule": p.rule, "key": key, "job": job, "note": p.note})
    counts = {
        "queries": len(w.good_queries), "platform_files": len(w.days), "work_days": len(w.workdays()),
        "accounts": len(w.staff) + 1, "units": len(UNITS), "permission_forms": len(w.perms),
        "registrations": len(w.regs), "requests": len(w.requests),
        "request_rows": sum(len(r.subjects) for r in w.requests), "staff": len(w.staff),
        "expected_findings": len(expected), "rejects": len(rejects),
    }
    doc = {"quarter": a.quarter, "mode": mode, "seed": a.seed,
           "as_of": a.as_of, "nightly_dates": [str(d) for d in flow] if mode == "as-of" else [],
           "settings": {"registration_window_days": WINDOW, "office_start": "08:00", "office_end": "18:00",
                        "daily_query_limit": DAILY_LIMIT, "shared_ip_minutes": SHARED_IP_SECONDS // 60,
                        "backfill_grace_days": GRACE.days, "dormant_days": DORMANT_DAYS},
           "counts": counts, "expected": expected, "rejects": rejects}
    with open(os.path.join(a.out, "planted.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
