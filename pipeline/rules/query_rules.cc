// Rules that walk the platform queries: one pass over ds.queries (sorted by time)
// computes each query's matching registrations once and feeds every per-query rule
// (R01-R05, R08, R10-R13, R15) plus the counters of R09, R11, R12(b) and R14.
#include <algorithm>
#include <string>
#include <vector>

#include "core/twid.h"
#include "rules/engine.h"

namespace liaudit::rules::internal {

namespace {

const char* const kWeekdayZh[] = {"日", "一", "二", "三", "四", "五", "六"};

std::string HourMinute(int seconds_of_day) { return FormatClock(seconds_of_day).substr(0, 5); }

void AddRegEvidence(const Dataset& ds, const std::vector<uint32_t>& regs, Finding* f) {
  for (uint32_t r : regs) {
    const DsRegistration& reg = ds.registrations[r];
    f->evidence.push_back(Evidence{Evidence::Kind::kRegistration, reg.id, reg.reg_no.str()});
  }
}

std::string JoinRegNos(const Dataset& ds, const std::vector<uint32_t>& regs) {
  std::string s;
  for (uint32_t r : regs) {
    if (!s.empty()) s += "、";
    s += ds.registrations[r].reg_no;
  }
  return s;
}

// R11: per account, the newest query with an IP (ip_a, t_a) and the newest query whose
// IP differs from ip_a (ip_b, t_b). The newest earlier query with an IP other than x
// is then (ip_a, t_a) when x != ip_a, else (ip_b, t_b): O(1) per query, no history.
struct IpState {
  Sym ip_a = kNoSym;
  LocalTime t_a = kNoTime;
  Sym ip_b = kNoSym;
  LocalTime t_b = kNoTime;
  uint32_t q_a = 0, q_b = 0;  // query indices, for evidence
};

struct DayCount {
  Date day = kNoDate;
  int count = 0;
  uint32_t crossing = 0;  // the query that went over the limit
};

}  // namespace

void RunQueryRules(const Context& c, RuleOutput* out) {
  const Dataset& ds = c.ds;
  const RuleOptions& o = c.opts;
  const bool run_r14 = RunsIn("R14", ds.period.kind);
  const LocalTime period_end = ds.period.end();
  const size_t nsym = ds.syms.size();
  const LocalTime shared_ip_window = static_cast<LocalTime>(o.shared_ip_minutes) * 60;
  const LocalTime grace = static_cast<LocalTime>(o.backfill_grace_days) * kSecondsPerDay;
  std::vector<Finding>& F = out->findings;

  std::vector<IpState> ip(ds.has_source_ip ? nsym : 0);
  std::vector<DayCount> day(nsym);
  std::vector<char> reg_matched(run_r14 ? ds.registrations.size() : 0, 0);
  std::vector<std::pair<uint32_t, uint32_t>> links;  // (request index, query index), R12(b)
  std::vector<char> req_in_period(c.requests.size(), 0), req_in_scope(c.requests.size(), 0);
  std::vector<uint32_t> m;

  auto flush_day = [&](Sym acct) {
    DayCount& dc = day[acct];
    if (dc.day != kNoDate && dc.count > o.daily_query_limit) {
      const DsQuery& q = ds.queries[dc.crossing];
      Finding f = NewFinding("R09", "R09|" + c.Name(acct) + "|" + FormatIsoDate(dc.day));
      f.account = c.Name(acct);
      f.date = dc.day;
      f.detail = "帳號 " + c.Name(acct) + " 於 " + FormatRocSlash(dc.day) + " 共查調 " +
                 std::to_string(dc.count) + " 筆，超過每日上限 " +
                 std::to_string(o.daily_query_limit) + " 筆。";
      f.evidence.push_back(Evidence{Evidence::Kind::kQuery, q.id, std::string(q.txn_id)});
      F.push_back(std::move(f));
    }
    dc = DayCount();
  };

  for (size_t qi = 0; qi < ds.queries.size(); ++qi) {
    const DsQuery& q = ds.queries[qi];
    if (q.time == kNoTime || q.time >= period_end || q.account >= nsym) continue;
    const bool in_period = ds.InPeriod(q);
    c.index.Matches(q, &m);

    // Evidence for the period-level rules comes from every query, whatever its account.
    for (uint32_t r : m) {
      if (run_r14) reg_matched[r] = 1;
      const CompactStr& no = ds.registrations[r].request_no;
      if (no.empty()) continue;
      auto it = c.request_by_no.find(no);
      if (it == c.request_by_no.end()) continue;
      links.emplace_back(it->second, static_cast<uint32_t>(qi));
      if (in_period) {
        req_in_period[it->second] = 1;
        if (c.InScope(q.account)) req_in_scope[it->second] = 1;
      }
    }

    // R11 state is kept over the context queries too (it looks back across midnight
    // and before the period start). Sparse older queries loaded only for R12(b) are
    // left out: between them the history has gaps.
    bool r11 = false;
    Sym r11_ip = kNoSym;
    LocalTime r11_time = kNoTime;
    uint32_t r11_q = 0;
    if (!ip.empty() && q.source_ip != kNoSym &&
        (ds.context_start == kNoTime || q.time >= ds.context_start)) {
      IpState& s = ip[q.account];
      if (s.ip_a != kNoSym && s.ip_a != q.source_ip) {
        r11_ip = s.ip_a, r11_time = s.t_a, r11_q = s.q_a;
      } else if (s.ip_b != kNoSym) {
        r11_ip = s.ip_b, r11_time = s.t_b, r11_q = s.q_b;
      }
      r11 = in_period && r11_ip != kNoSym && q.time - r11_time < shared_ip_window;
      if (s.ip_a != q.source_ip) {
        s.ip_b = s.ip_a, s.t_b = s.t_a, s.q_b = s.q_a;
        s.ip_a = q.source_ip;
      }
      s.t_a = q.time;
      s.q_a = static_cast<uint32_t>(qi);
    }

    if (!in_period || !c.InScope(q.account)) continue;
    const Date d = DateOf(q.time);

    // R09: queries are in time order, so each account's days arrive in order.
    {
      DayCount& dc = day[q.account];
      if (dc.day != d) {
        flush_day(q.account);
        dc.day = d;
      }
      if (++dc.count == o.daily_query_limit + 1) dc.crossing = static_cast<uint32_t>(qi);
    }

    // R01 / R02 / R15 / R12(a): the registrations.
    if (m.empty()) {
      Finding f = c.QueryFinding("R01", q);
      f.detail = c.QueryPhrase(q) + "，查無相符之查調資料登記（附表2）。";
      F.push_back(std::move(f));
    } else {
      bool approved_in_time = false;
      bool any_approved = false;
      for (uint32_t r : m) {
        LocalTime at = ds.registrations[r].approved_at;
        if (at != kNoTime) any_approved = true;
        if (at != kNoTime && at <= q.time) approved_in_time = true;
      }
      if (!approved_in_time) {
        Finding f = c.QueryFinding("R02", q);
        f.reg_no = ds.registrations[m[0]].reg_no;
        f.detail = c.QueryPhrase(q) + "，相符之查調資料登記（編號 " + JoinRegNos(ds, m) + "）" +
                   (any_approved ? "之單位主管核章時間晚於查詢時間。" : "未經單位主管核章。");
        AddRegEvidence(ds, m, &f);
        F.push_back(std::move(f));
      }
      bool all_late = true;
      LocalTime earliest_seen = kNoTime;
      for (uint32_t r : m) {
        LocalTime fs = ds.registrations[r].first_seen;
        if (fs == kNoTime || fs - q.time <= grace) {
          all_late = false;
          break;
        }
        if (earliest_seen == kNoTime || fs < earliest_seen) earliest_seen = fs;
      }
      if (all_late) {
        Finding f = c.QueryFinding("R15", q);
        f.reg_no = ds.registrations[m[0]].reg_no;
        f.detail = c.QueryPhrase(q) + "，相符之查調資料登記（編號 " + JoinRegNos(ds, m) +
                   "）遲至 " + FormatRocTime(earliest_seen) + " 始登錄，晚於查詢時間逾 " +
                   std::to_string(o.backfill_grace_days) + " 日，疑似事後補登。";
        AddRegEvidence(ds, m, &f);
        F.push_back(std::move(f));
      }
      for (uint32_t r : m) {
        const DsRegistration& reg = ds.registrations[r];
        if (reg.request_no.empty()) continue;
        const Request* req = c.FindRequest(reg.request_no);
        if (req && c.RequestLists(*req, q.subject_id)) continue;
        Finding f = c.QueryFinding("R12", q);
        f.reg_no = reg.reg_no;
        f.request_no = reg.request_no;
        f.detail = c.QueryPhrase(q) + "，所依查調資料登記（編號 " + reg.reg_no + "）載明之委託申請單 " +
                   reg.request_no + (req ? " 未列此被查詢人，超出委託範圍。" : " 查無此申請單（附表3）。");
        f.evidence.push_back(Evidence{Evidence::Kind::kRegistration, reg.id, reg.reg_no.str()});
        if (req) {
          for (uint32_t row : req->rows) {
            f.evidence.push_back(Evidence{Evidence::Kind::kRequest, ds.requests[row].id, reg.request_no.str()});
          }
        }
        F.push_back(std::move(f));
        break;  // one finding per query: the first registration that goes beyond its request
      }
    }

    // R03 / R04: permission at query time.
    if (!c.any_approved[q.account]) {
      Finding f = c.QueryFinding("R04", q);
      f.detail = c.QueryPhrase(q) + "，該帳號於權限申請紀錄（附表1）中無任何核准之申請。";
      for (uint32_t row : c.perm_rows[q.account]) {
        const DsPermission& p = ds.permissions[row];
        f.evidence.push_back(Evidence{Evidence::Kind::kPermission, p.id, p.form_no});
      }
      F.push_back(std::move(f));
    } else {
      const PermState* st = StateAt(c.timeline[q.account], d);
      if (!st || !std::binary_search(st->items.begin(), st->items.end(), q.service)) {
        Finding f = c.QueryFinding("R03", q);
        std::string why;
        if (!st) {
          why = "該帳號之查調權限於查詢時尚未生效";
        } else if (st->items.empty()) {
          why = "該帳號之查調權限於查詢時已註銷";
        } else {
          why = "該帳號於查詢時之查調項目為 ";
          for (size_t i = 0; i < st->items.size(); ++i) {
            if (i) why += "、";
            why += c.Name(st->items[i]);
          }
          why += "，未含 " + c.Name(q.service);
        }
        f.detail = c.QueryPhrase(q) + "，" + why + "（附表1）。";
        if (st) {
          const DsPermission& p = ds.permissions[st->row];
          f.evidence.push_back(Evidence{Evidence::Kind::kPermission, p.id, p.form_no});
        } else {
          for (uint32_t row : c.approved_rows[q.account]) {
            const DsPermission& p = ds.permissions[row];
            f.evidence.push_back(Evidence{Evidence::Kind::kPermission, p.id, p.form_no});
          }
        }
        F.push_back(std::move(f));
      }
    }

    // R05: the roster says the querier had left.
    if (ds.has_roster) {
      for (uint32_t row : c.staff_rows[q.account]) {
        const DsStaff& s = ds.staff[row];
        if (s.status != StaffStatus::kLeft || s.changed_on == kNoDate || s.changed_on > d) continue;
        Finding f = c.QueryFinding("R05", q);
        f.detail = c.QueryPhrase(q) + "，人員異動紀錄顯示該帳號使用者已於 " +
                   FormatRocSlash(s.changed_on) + " 離職。";
        f.evidence.push_back(Evidence{Evidence::Kind::kStaff, s.id, c.Name(s.account)});
        F.push_back(std::move(f));
        break;
      }
    }

    // R08: [office_start, office_end) on a work day.
    {
      const int sec = SecondOfDay(q.time);
      const bool workday = IsWorkDay(ds, d);
      if (!workday || sec < o.office_start || sec >= o.office_end) {
        Finding f = c.QueryFinding("R08", q);
        f.detail = c.QueryPhrase(q) + "，查詢時間（" + FormatRocSlash(d) + " 星期" +
                   kWeekdayZh[Weekday(d)] + " " + FormatClock(sec) + "）" +
                   (workday ? "不在上班時間 " + HourMinute(o.office_start) + "–" +
                                  HourMinute(o.office_end) + " 內。"
                            : "為非辦公日。");
        F.push_back(std::move(f));
      }
    }

    // R10: only against the querier's own ID.
    if (o.self_query_check &&
        std::binary_search(c.own_ids[q.account].begin(), c.own_ids[q.account].end(),
                           std::string_view(q.subject_id))) {
      Finding f = c.QueryFinding("R10", q);
      f.detail = c.QueryPhrase(q) + "，被查詢人為查詢者本人。";
      for (uint32_t row : c.perm_rows[q.account]) {
        const DsPermission& p = ds.permissions[row];
        if (p.national_id == q.subject_id) {
          f.evidence.push_back(Evidence{Evidence::Kind::kPermission, p.id, p.form_no});
        }
      }
      for (uint32_t row : c.staff_rows[q.account]) {
        const DsStaff& s = ds.staff[row];
        if (s.national_id == q.subject_id) {
          f.evidence.push_back(Evidence{Evidence::Kind::kStaff, s.id, c.Name(s.account)});
        }
      }
      F.push_back(std::move(f));
    }

    if (r11) {
      const DsQuery& prev = ds.queries[r11_q];
      Finding f = c.QueryFinding("R11", q);
      f.detail = c.QueryPhrase(q) + "（來源IP " + c.Name(q.source_ip) + "），同帳號於 " +
                 FormatRocSlash(DateOf(r11_time)) + " " + FormatClock(SecondOfDay(r11_time)) +
                 " 曾自不同來源IP " + c.Name(r11_ip) + " 查詢（相隔未滿 " +
                 std::to_string(o.shared_ip_minutes) + " 分鐘），疑似帳號共用。";
      f.evidence.push_back(Evidence{Evidence::Kind::kQuery, prev.id, std::string(prev.txn_id)});
      F.push_back(std::move(f));
    }

    if (!IsValidId(q.subject_id)) {
      Finding f = c.QueryFinding("R13", q);
      f.detail = c.QueryPhrase(q) + "，被查詢人身分證號不符編碼規則。";
      F.push_back(std::move(f));
    }
  }
  for (size_t a = 0; a < nsym; ++a) flush_day(static_cast<Sym>(a));

  // R12(b): distinct subjects over every linked query up to the period end.
  std::sort(links.begin(), links.end(), [&](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first < y.first;
    const DsQuery& qx = ds.queries[x.second];
    const DsQuery& qy = ds.queries[y.second];
    if (qx.subject_id != qy.subject_id) return qx.subject_id < qy.subject_id;
    return x.second < y.second;
  });
  links.erase(std::unique(links.begin(), links.end()), links.end());
  for (size_t i = 0; i < links.size();) {
    size_t j = i;
    const uint32_t ri = links[i].first;
    size_t distinct = 0;
    for (; j < links.size() && links[j].first == ri; ++j) {
      if (j == i || ds.queries[links[j].second].subject_id != ds.queries[links[j - 1].second].subject_id) {
        ++distinct;
      }
    }
    const Request& req = c.requests[ri];
    const DsRequestSubject& head = ds.requests[req.rows[0]];
    // A request whose rows disagree is quarantined: its 查調筆數 cannot be trusted.
    if (req_in_period[ri] && (!c.filtered() || req_in_scope[ri]) && !req.inconsistent &&
        distinct > static_cast<size_t>(std::max(head.count, 0))) {
      Finding f = NewFinding("R12", "R12|req|" + std::string(req.no));
      f.request_no = std::string(req.no);
      std::vector<Sym> accounts;
      for (size_t k = i; k < j; ++k) accounts.push_back(ds.queries[links[k].second].account);
      std::sort(accounts.begin(), accounts.end());
      accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
      if (accounts.size() == 1) f.account = c.Name(accounts[0]);
      f.detail = "委託申請單 " + f.request_no + "（" + c.Name(head.unit) + "，申請日期 " +
                 FormatRocSlash(head.applied_on) + "）申請查調 " + std::to_string(head.count) +
                 " 筆，至 " + FormatRocSlash(ds.period.to) + " 已查調 " + std::to_string(distinct) +
                 " 名不同之被查詢人，超出委託範圍。";
      for (uint32_t row : req.rows) {
        f.evidence.push_back(Evidence{Evidence::Kind::kRequest, ds.requests[row].id, f.request_no});
      }
      for (size_t k = i; k < j; ++k) {
        const DsQuery& lq = ds.queries[links[k].second];
        f.evidence.push_back(Evidence{Evidence::Kind::kQuery, lq.id, std::string(lq.txn_id)});
      }
      F.push_back(std::move(f));
    }
    i = j;
  }

  // R14: approved registrations whose window ended in the period, never matched.
  if (run_r14) {
    size_t uncovered = 0;
    for (size_t r = 0; r < ds.registrations.size(); ++r) {
      const DsRegistration& reg = ds.registrations[r];
      if (reg.approved_at == kNoTime || reg.applied_on == kNoDate || reg_matched[r]) continue;
      const Date end = reg.applied_on + o.registration_window_days;
      if (!ds.period.ContainsDate(end) || !c.InScope(reg.account)) continue;
      if (ds.context_start != kNoTime && StartOf(reg.applied_on) < ds.context_start) {
        ++uncovered;  // its window starts before the loaded queries: cannot tell
        continue;
      }
      Finding f = NewFinding("R14", "R14|" + reg.reg_no);
      f.account = c.Name(reg.account);
      f.subject_id = reg.subject_id;
      f.reg_no = reg.reg_no;
      f.request_no = reg.request_no;
      f.detail = "查調資料登記 編號 " + reg.reg_no + "（帳號 " + f.account + "，被查詢人 " +
                 c.Masked(reg.subject_id) + "，申請日期 " + FormatRocSlash(reg.applied_on) +
                 "）已經主管核章，至登記期限 " + FormatRocSlash(end) + " 止查無相符之查詢紀錄。";
      f.evidence.push_back(Evidence{Evidence::Kind::kRegistration, reg.id, reg.reg_no.str()});
      F.push_back(std::move(f));
    }
    if (uncovered) {
      out->notes.push_back({"R14",
                            std::to_string(uncovered) +
                                " registration(s) not checked: their window starts before "
                                "the queries loaded for this period",
                            std::to_string(uncovered) + " 筆登記未檢查：其登記效期始於已載入之查詢紀錄以前，無從判斷是否已查調"});
    }
  }
}

}  // namespace liaudit::rules::internal
