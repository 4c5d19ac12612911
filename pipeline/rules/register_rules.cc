// Rules about the registers themselves: R06 (roster changes), R07 (legal basis of
// registrations and requests) and R16 (dormant accounts).
#include <algorithm>
#include <set>
#include <string>

#include "rules/engine.h"

namespace liaudit::rules::internal {

namespace {

void RunR06(const Context& c, RuleOutput* out) {
  const Dataset& ds = c.ds;
  if (!ds.has_roster) return;
  std::set<std::string> seen;
  for (const DsStaff& s : ds.staff) {
    if (s.status == StaffStatus::kActive || s.changed_on == kNoDate) continue;
    if (!ds.period.ContainsDate(s.changed_on) || s.account >= c.perm_rows.size()) continue;
    if (!c.InScope(s.account)) continue;
    bool filed = false;
    for (uint32_t row : c.perm_rows[s.account]) {
      const DsPermission& p = ds.permissions[row];
      if (p.decision == Decision::kApproved &&
          (p.action == PermissionAction::kRevoke || p.action == PermissionAction::kJobChange) &&
          p.applied_on != kNoDate && p.applied_on <= s.changed_on) {
        filed = true;
        break;
      }
    }
    if (filed) continue;
    std::string key = "R06|" + c.Name(s.account) + "|" + FormatIsoDate(s.changed_on);
    if (!seen.insert(key).second) continue;
    Finding f = NewFinding("R06", std::move(key));
    f.account = c.Name(s.account);
    f.date = s.changed_on;
    const char* what = s.status == StaffStatus::kLeft ? "離職" : "調職";
    f.detail = "人員異動紀錄顯示帳號 " + f.account + "（" + c.Name(s.unit) + "）於 " +
               FormatRocSlash(s.changed_on) + " " + what +
               "，查無於異動日以前申請並經核准之註銷權限或職務異動申請（附表1）。";
    f.evidence.push_back(Evidence{Evidence::Kind::kStaff, s.id, f.account});
    out->findings.push_back(std::move(f));
  }
}

void RunR07(const Context& c, RuleOutput* out) {
  const Dataset& ds = c.ds;
  // Under an audit filter, a request belongs to the accounts whose registrations serve it.
  std::set<std::string_view> requests_in_scope;
  for (const DsRegistration& r : ds.registrations) {
    if (ds.period.ContainsDate(r.applied_on) && c.InScope(r.account) &&
        !CitesCleaned(r.reason, c.bases)) {
      Finding f = NewFinding("R07", "R07|reg|" + r.reg_no);
      f.account = c.Name(r.account);
      f.subject_id = r.subject_id;
      f.reg_no = r.reg_no;
      f.request_no = r.request_no;
      f.detail = "查調資料登記 編號 " + r.reg_no + "（帳號 " + f.account + "，申請日期 " +
                 FormatRocSlash(r.applied_on) + "）之查調事由未敘明法令依據。";
      f.evidence.push_back(Evidence{Evidence::Kind::kRegistration, r.id, r.reg_no.str()});
      out->findings.push_back(std::move(f));
    }
    if (c.filtered() && !r.request_no.empty() && c.InScope(r.account)) {
      requests_in_scope.insert(r.request_no);
    }
  }
  for (const Request& req : c.requests) {
    const DsRequestSubject& head = ds.requests[req.rows[0]];
    // A request whose rows disagree is quarantined (listed in the rejects): its
    // request-level columns, the reason among them, cannot be trusted.
    if (req.inconsistent || !ds.period.ContainsDate(head.applied_on)) continue;
    if (c.filtered() && !requests_in_scope.count(req.no)) continue;
    if (CitesCleaned(head.reason, c.bases)) continue;
    Finding f = NewFinding("R07", "R07|req|" + std::string(req.no));
    f.request_no = std::string(req.no);
    f.detail = "委託申請單 " + f.request_no + "（" + c.Name(head.unit) + "，申請日期 " +
               FormatRocSlash(head.applied_on) + "）之查調事由未敘明法令依據。";
    for (uint32_t row : req.rows) {
      f.evidence.push_back(Evidence{Evidence::Kind::kRequest, ds.requests[row].id, f.request_no});
    }
    out->findings.push_back(std::move(f));
  }
}

void RunR16(const Context& c, RuleOutput* out) {
  const Dataset& ds = c.ds;
  const LocalTime end = ds.period.end();
  std::vector<LocalTime> last(ds.syms.size(), kNoTime);
  for (const auto& [acct, t] : ds.last_query_time) {
    if (acct < last.size() && t < end) last[acct] = std::max(last[acct], t);
  }
  for (const DsQuery& q : ds.queries) {
    if (q.account < last.size() && q.time < end) last[q.account] = std::max(last[q.account], q.time);
  }
  // "No query in the dormant_days days up to the period end": the days
  // (to - dormant_days, to]; a last query on day to - dormant_days is dormant.
  const Date cutoff = ds.period.to - c.opts.dormant_days;
  for (size_t a = 1; a < c.timeline.size(); ++a) {
    const PermState* st = StateAt(c.timeline[a], ds.period.to);
    if (!st || st->items.empty()) continue;
    const Sym acct = static_cast<Sym>(a);
    if (last[a] != kNoTime && DateOf(last[a]) > cutoff) continue;
    if (!c.InScope(acct)) continue;
    Finding f = NewFinding("R16", "R16|" + c.Name(acct));
    f.account = c.Name(acct);
    f.date = last[a] == kNoTime ? kNoDate : DateOf(last[a]);
    f.detail = "帳號 " + f.account + " 於 " + FormatRocSlash(ds.period.to) + " 仍具查調權限，但最近 " +
               std::to_string(c.opts.dormant_days) + " 日內無查詢紀錄（" +
               (last[a] == kNoTime ? std::string("從未查詢")
                                   : "最後查詢日 " + FormatRocSlash(f.date)) +
               "），宜檢討停用。";
    const DsPermission& p = ds.permissions[st->row];
    f.evidence.push_back(Evidence{Evidence::Kind::kPermission, p.id, p.form_no});
    out->findings.push_back(std::move(f));
  }
}

}  // namespace

void RunRegisterRules(const Context& c, RuleOutput* out) {
  if (RunsIn("R06", c.ds.period.kind)) RunR06(c, out);
  if (RunsIn("R07", c.ds.period.kind)) RunR07(c, out);
  if (RunsIn("R16", c.ds.period.kind)) RunR16(c, out);
}

}  // namespace liaudit::rules::internal
