// RunRules: builds the shared indexes once, runs the rule families, then puts the
// findings in their documented order (rule id, then key).
#include <algorithm>
#include <string>

#include "core/twid.h"
#include "rules/engine.h"

namespace liaudit::rules {
namespace internal {

Context::Context(const Dataset& d, const RuleOptions& o)
    : ds(d),
      opts(o),
      bases(CleanBases(o.legal_bases.empty() ? DefaultLegalBases() : o.legal_bases)),
      index(d, o.registration_window_days),
      scope(d) {
  const size_t n = ds.syms.size();
  approved_rows = ApprovedRowsByAccount(ds);
  timeline.resize(n);
  for (size_t a = 0; a < n; ++a) {
    if (!approved_rows[a].empty()) timeline[a] = BuildTimeline(ds, approved_rows[a]);
  }
  staff_rows.resize(n);
  own_ids.resize(n);
  for (size_t i = 0; i < ds.staff.size(); ++i) {
    const DsStaff& s = ds.staff[i];
    if (s.account >= n) continue;
    staff_rows[s.account].push_back(static_cast<uint32_t>(i));
    if (!s.national_id.empty()) own_ids[s.account].push_back(s.national_id);
  }
  perm_rows.resize(n);
  any_approved.assign(n, 0);
  for (size_t i = 0; i < ds.permissions.size(); ++i) {
    const DsPermission& p = ds.permissions[i];
    if (p.account >= n) continue;
    perm_rows[p.account].push_back(static_cast<uint32_t>(i));
    if (p.decision == Decision::kApproved) any_approved[p.account] = 1;
    // The applicant's own ID is on every 附表1 they filed, whatever the decision.
    if (!p.national_id.empty()) own_ids[p.account].push_back(p.national_id);
  }
  for (auto& ids : own_ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }

  for (size_t i = 0; i < ds.requests.size(); ++i) {
    const DsRequestSubject& r = ds.requests[i];
    auto [it, inserted] = request_by_no.emplace(r.request_no, static_cast<uint32_t>(requests.size()));
    if (inserted) {
      requests.emplace_back();
      requests.back().no = r.request_no;
    }
    Request& req = requests[it->second];
    req.rows.push_back(static_cast<uint32_t>(i));
    req.subjects.push_back(r.subject_id);
    if (r.inconsistent) req.inconsistent = true;
  }
  for (Request& r : requests) {
    std::sort(r.subjects.begin(), r.subjects.end());
    r.subjects.erase(std::unique(r.subjects.begin(), r.subjects.end()), r.subjects.end());
  }
}

const Request* Context::FindRequest(std::string_view no) const {
  auto it = request_by_no.find(no);
  return it == request_by_no.end() ? nullptr : &requests[it->second];
}

bool Context::RequestLists(const Request& r, std::string_view subject) const {
  return std::binary_search(r.subjects.begin(), r.subjects.end(), subject);
}

std::string Context::Masked(std::string_view id) const { return MaskId(id, opts.id_mask); }

std::string Context::QueryPhrase(const DsQuery& q) const {
  std::string s = "帳號 ";
  s += Name(q.account);
  s += " 於 ";
  s += FormatRocTime(q.time);
  s += " 查調 ";
  s += Masked(q.subject_id);
  s += " 之 ";
  s += Name(q.service);
  const char* item = ServiceNameZh(Name(q.service));
  if (*item) {
    s += ' ';
    s += item;
  }
  return s;
}

Finding NewFinding(const char* rule, std::string key) {
  Finding f;
  f.rule_id = rule;
  const RuleInfo* info = FindRule(rule);
  f.severity = info ? info->severity : Severity::kInfo;
  f.key = std::move(key);
  return f;
}

Finding Context::QueryFinding(const char* rule, const DsQuery& q) const {
  Finding f = NewFinding(rule, std::string(rule).append("|").append(q.txn_id));
  f.account = Name(q.account);
  f.query_time = q.time;
  f.txn_id = q.txn_id;
  f.service_code = Name(q.service);
  f.subject_id = q.subject_id;
  f.evidence.push_back(Evidence{Evidence::Kind::kQuery, q.id, std::string(q.txn_id)});
  return f;
}

}  // namespace internal

namespace {

Status CheckOptions(const RuleOptions& o) {
  if (o.registration_window_days < 0) return Status::Usage("registration_window_days must be >= 0");
  if (o.office_start < 0 || o.office_end > kSecondsPerDay || o.office_end <= o.office_start) {
    return Status::Usage("office hours must satisfy 00:00 <= office_start < office_end <= 24:00");
  }
  if (o.daily_query_limit < 0) return Status::Usage("daily_query_limit must be >= 0");
  if (o.shared_ip_minutes < 0) return Status::Usage("shared_ip_minutes must be >= 0");
  if (o.backfill_grace_days < 0) return Status::Usage("backfill_grace_days must be >= 0");
  if (o.dormant_days < 1) return Status::Usage("dormant_days must be >= 1");
  return Status::OK();
}

}  // namespace

Status RunRules(const Dataset& ds, const RuleOptions& opts, RuleOutput* out) {
  *out = RuleOutput();
  LIAUDIT_RETURN_IF_ERROR(CheckOptions(opts));
  if (ds.period.from == kNoDate || ds.period.to == kNoDate || ds.period.to < ds.period.from) {
    return Status::Usage("the period to check is empty or unset");
  }
  // R09 and R11 walk each account's queries in time order.
  if (!std::is_sorted(ds.queries.begin(), ds.queries.end(),
                      [](const DsQuery& a, const DsQuery& b) { return a.time < b.time; })) {
    return Status::Internal("dataset queries are not sorted by time (store::LoadDataset contract)");
  }
  internal::Context ctx(ds, opts);
  if (!ds.has_roster) {
    out->skipped.push_back({"R05", "no staff roster ingested", "未匯入人事異動名冊"});
    out->skipped.push_back({"R06", "no staff roster ingested", "未匯入人事異動名冊"});
  }
  if (!ds.has_source_ip) {
    out->skipped.push_back({"R11", "no source IP in the platform export for this period",
                            "本期間之平臺查詢紀錄未提供來源 IP"});
  }
  if (!opts.self_query_check) {
    out->skipped.push_back({"R10", "self-query check switched off in the settings", "設定已關閉本項檢查"});
  }
  if (!ds.has_calendar) {
    out->notes.push_back({"R08", "no work calendar ingested: Monday to Friday taken as work days",
                          "未匯入辦公日曆表，以週一至週五為上班日"});
  } else {
    long uncovered = 0;
    for (Date d = ds.period.from; d <= ds.period.to; ++d) uncovered += ds.calendar.count(d) ? 0 : 1;
    if (uncovered) {
      out->notes.push_back({"R08",
                            "the work calendar does not cover " + std::to_string(uncovered) +
                                " day(s) of the period: Monday to Friday taken as work days there",
                            "辦公日曆表未涵蓋本期間之 " + std::to_string(uncovered) + " 日，該等日期以週一至週五為上班日"});
    }
  }
  internal::RunQueryRules(ctx, out);
  internal::RunRegisterRules(ctx, out);
  // The registry decides which job kinds run a rule: a family that produced a finding of
  // a rule this kind of job does not run has it dropped here (the families also skip the
  // work of such rules, asking RunsIn themselves).
  out->findings.erase(std::remove_if(out->findings.begin(), out->findings.end(),
                                     [&](const Finding& f) { return !RunsIn(f.rule_id, ds.period.kind); }),
                      out->findings.end());
  std::stable_sort(out->findings.begin(), out->findings.end(),
                   [](const Finding& a, const Finding& b) {
                     if (a.rule_id != b.rule_id) return a.rule_id < b.rule_id;
                     return a.key < b.key;
                   });
  auto by_rule = [](const SkippedCheck& a, const SkippedCheck& b) { return a.rule_id < b.rule_id; };
  std::stable_sort(out->skipped.begin(), out->skipped.end(), by_rule);
  std::stable_sort(out->notes.begin(), out->notes.end(), by_rule);
  out->registered.assign(ds.queries.size(), 0);
  for (size_t i = 0; i < ds.queries.size(); ++i)
    if (ds.InPeriod(ds.queries[i])) out->registered[i] = ctx.index.HasMatch(ds.queries[i]) ? 1 : 0;
  return Status::OK();
}

}  // namespace liaudit::rules
