#include "jobs/documents.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/twid.h"
#include "forms/forms.h"
#include "jobs/spreadsheets.h"

namespace fs = std::filesystem;

namespace liaudit::jobs {
namespace {

const char* ActionZh(PermissionAction a) {
  switch (a) {
    case PermissionAction::kGrant: return "新增權限";
    case PermissionAction::kRevoke: return "註銷權限";
    case PermissionAction::kChangeItems: return "異動查調項目";
    case PermissionAction::kJobChange: return "職務異動";
  }
  return "";
}

const char* DecisionZh(Decision d) {
  switch (d) {
    case Decision::kApproved: return "准予申請";
    case Decision::kRejected: return "不同意";
    case Decision::kOther: return "其他";
  }
  return "";
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += sep;
    s += v[i];
  }
  return s;
}

const char* EvidenceKindZh(Evidence::Kind k) {
  switch (k) {
    case Evidence::Kind::kQuery: return "平臺查詢紀錄";
    case Evidence::Kind::kRegistration: return "查調資料登記（附表2）";
    case Evidence::Kind::kPermission: return "權限申請（附表1）";
    case Evidence::Kind::kRequest: return "查調資料申請（附表3）";
    case Evidence::Kind::kStaff: return "人員異動";
  }
  return "";
}

std::string WhenText(const Finding& f) {
  if (f.query_time != kNoTime) return FormatRocTime(f.query_time);
  if (f.date != kNoDate) return FormatRocSlash(f.date);
  return "";
}

// Forms and their workbooks are for internal use: IDs in full unless output.mask_internal,
// or the quarterly package they are part of leaves the bureau.
forms::FormOptions InternalFormOptions(const JobContext& ctx) {
  forms::FormOptions fo;
  fo.id_mask = ctx.InternalMask();
  fo.organisation = ctx.opts.output.organisation;
  if (ctx.signer) fo.signed_note = "已數位簽章（" + FormatRocTime(NowLocal()) + "）";
  return fo;
}

// A form's workbook (form1.xlsx/.ods …): properties as the other workbooks have them.
SpreadsheetOptions FormSheetOptions(const JobContext& ctx, bool big) {
  SpreadsheetOptions o;
  o.author = ctx.opts.output.organisation;
  o.company = ctx.opts.output.organisation;
  o.big = big;
  return o;
}

std::string InternalId(const JobContext& ctx, const std::string& id) {
  return MaskId(id, ctx.InternalMask());
}

}  // namespace

std::vector<reports::RuleCount> CountByRule(const JobContext& ctx, JobKind kind) {
  std::map<std::string, long> n;
  for (const auto& f : ctx.checked.findings) ++n[f.rule_id];
  std::vector<reports::RuleCount> out;
  for (const auto* r : rules::RulesFor(kind)) {
    reports::RuleCount c;
    c.rule_id = r->id;
    c.rule_name = r->name_zh;
    c.severity = SeverityNameZh(r->severity);
    c.count = n.count(r->id) ? n[r->id] : 0;
    out.push_back(c);
  }
  return out;
}

reports::FindingLine ToLine(JobContext& ctx, const Finding& f, const std::string& mask, bool with_evidence) {
  reports::FindingLine l;
  l.rule_id = f.rule_id;
  const rules::RuleInfo* info = rules::FindRule(f.rule_id);
  l.rule_name = info ? info->name_zh : "";
  l.severity = SeverityNameZh(f.severity);
  l.account = f.account;
  auto it = ctx.people.find(f.account);
  if (it != ctx.people.end()) {
    l.querier = it->second.name;
    l.unit = it->second.unit;
  }
  l.when = WhenText(f);
  l.txn_id = f.txn_id;
  l.service = f.service_code.empty() ? "" : ServiceLabel(f.service_code);
  l.subject_id = mask.empty() ? f.subject_id : MaskId(f.subject_id, mask);
  l.reg_no = f.reg_no;
  l.request_no = f.request_no;
  l.detail = f.detail;
  if (with_evidence) {
    for (const Evidence& e : f.evidence) {
      std::string line = std::string(EvidenceKindZh(e.kind)) + " " + e.label;
      if (e.kind == Evidence::Kind::kQuery) {
        std::string file, raw;
        long ln = 0;
        if (ctx.store->QueryRaw(e.id, &file, &ln, &raw).ok() && !file.empty())
          line += "（" + fs::path(file).filename().string() + " 第 " + std::to_string(ln) + " 行）";
      }
      l.evidence.push_back(line);
    }
  }
  return l;
}

reports::Stamp StampFor(const JobContext& ctx) {
  reports::Stamp s;
  if (!ctx.signer) return s;
  s.draw = true;
  s.lines = {"數位簽章", "簽署者：" + ctx.signer->SubjectCommonName(),
             "簽署時間：" + FormatRocTime(NowLocal()), "驗證：liaudit verify 或 PDF 閱讀器之簽章面板"};
  return s;
}

std::vector<std::string> SkippedLines(const JobContext& ctx) {
  std::vector<std::string> out;
  for (const auto& s : ctx.checked.skipped) {
    const rules::RuleInfo* r = rules::FindRule(s.rule_id);
    out.push_back(s.rule_id + " " + (r ? r->name_zh : "") + "：未執行（" + s.reason_zh + "）");
  }
  for (const auto& s : ctx.checked.notes) {
    if (s.rule_id.empty()) {  // a note about the job's input, not one rule
      out.push_back(s.reason_zh);
      continue;
    }
    const rules::RuleInfo* r = rules::FindRule(s.rule_id);
    out.push_back(s.rule_id + " " + (r ? r->name_zh : "") + "：" + s.reason_zh);
  }
  return out;
}

Status AppendFindingsSheet(JobContext& ctx, sheet::Writer* wb, const std::string& name, const std::string& title,
                           const std::vector<const Finding*>& findings, const std::string& mask) {
  using sheet::Cell;
  using sheet::ColType;
  sheet::SheetSpec spec;
  spec.name = name;
  spec.title = title;
  spec.columns = {{"規則", ColType::kText},        {"嚴重度", ColType::kText},   {"規則名稱", ColType::kText},
                  {"帳號", ColType::kText},        {"查詢者", ColType::kText},   {"單位", ColType::kText},
                  {"查詢時間", ColType::kDateTime}, {"交易序號", ColType::kText}, {"服務代碼", ColType::kText},
                  {"被查詢人統號", ColType::kText}, {"登記編號", ColType::kText}, {"申請單編號", ColType::kText},
                  {"日期", ColType::kDate},         {"說明", ColType::kText, 60}};
  spec.landscape = true;
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(spec));
  for (const Finding* f : findings) {
    const rules::RuleInfo* info = rules::FindRule(f->rule_id);
    auto it = ctx.people.find(f->account);
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({f->rule_id, SeverityNameZh(f->severity), info ? info->name_zh : "",
                                           f->account, it != ctx.people.end() ? it->second.name : "",
                                           it != ctx.people.end() ? it->second.unit : "", Cell::OfTime(f->query_time),
                                           f->txn_id, f->service_code,
                                           mask.empty() ? f->subject_id : MaskId(f->subject_id, mask), f->reg_no,
                                           f->request_no, Cell::OfDate(f->date), f->detail}));
  }
  return Status::OK();
}

Status WriteExceptionsWorkbook(JobContext& ctx, const std::string& stem, const std::string& mask) {
  using sheet::ColType;
  std::unique_ptr<sheet::Writer> wb;
  SpreadsheetOptions wo;
  wo.title = "勞保查詢系統每日異常報告";
  wo.author = ctx.opts.output.organisation;
  LIAUDIT_RETURN_IF_ERROR(OpenSpreadsheets(ctx.opts.output, stem, wo, &wb));
  sheet::SheetSpec sum;
  sum.name = "摘要";
  sum.title = "勞保查詢系統每日異常報告 " + FormatRocDate(ctx.ds.period.from);
  sum.columns = {{"規則", ColType::kText}, {"規則名稱", ColType::kText}, {"嚴重度", ColType::kText},
                 {"件數", ColType::kInteger}};
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(sum));
  auto counts = CountByRule(ctx, ctx.ds.period.kind);
  for (const auto& c : counts) LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({c.rule_id, c.rule_name, c.severity, c.count}));
  LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"合計", "", "", static_cast<long>(ctx.checked.findings.size())}));
  LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"查詢筆數", "", "", ctx.queries_checked}));
  for (const auto& line : SkippedLines(ctx)) LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"未執行/備註", line}));
  for (const auto* r : rules::RulesFor(ctx.ds.period.kind)) {
    std::vector<const Finding*> mine;
    for (const auto& f : ctx.checked.findings)
      if (f.rule_id == r->id) mine.push_back(&f);
    LIAUDIT_RETURN_IF_ERROR(AppendFindingsSheet(ctx, wb.get(), std::string(r->id) + " " + r->name_zh,
                                                std::string(r->id) + " " + r->name_zh + "（" +
                                                    SeverityNameZh(r->severity) + "）",
                                                mine, mask));
  }
  return wb->Close();
}

Status BuildReviewModel(JobContext& ctx, const std::string& quarter, reports::ReviewReport* m) {
  const Dataset& ds = ctx.ds;
  const std::string& mask = ctx.opts.output.id_mask;
  m->organisation = ctx.opts.output.organisation;
  m->quarter = quarter;
  m->from = ds.period.from;
  m->to = ds.period.to;
  m->generated_at = NowLocal();
  m->total_findings = static_cast<long>(ctx.checked.findings.size());
  m->rejected_rows = static_cast<long>(ctx.ingest.rejects.size());
  m->notices = ctx.notices_zh;
  // Rows quarantined by the period's nightlies too, not only by this run's own ingest (which
  // finds the period's files already taken).
  LIAUDIT_RETURN_IF_ERROR(ctx.store->CountQuarantined(StartOf(ds.period.from), NowLocal(), &m->rejected_rows_period));

  // Who may query what at the period end.
  std::set<Sym> accounts;
  for (const auto& p : ds.permissions) accounts.insert(p.account);
  for (Sym a : accounts) {
    auto items = rules::PermissionItemsAt(ds, a, ds.period.end() - 1);
    if (items.empty()) continue;
    reports::PermissionLine pl;
    pl.account = ds.syms.Name(a);
    auto it = ctx.people.find(pl.account);
    if (it != ctx.people.end()) {
      pl.name = it->second.name;
      pl.unit = it->second.unit;
    }
    std::vector<std::string> names;
    for (Sym s : items) names.push_back(ds.syms.Name(s));
    pl.items = Join(names, "、");
    m->permissions.push_back(pl);
  }
  std::sort(m->permissions.begin(), m->permissions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit, a.account) < std::tie(b.unit, b.account);
  });

  // Month columns of the period.
  Civil c0 = CivilFromDate(ds.period.from), c1 = CivilFromDate(ds.period.to);
  int months = (c1.year - c0.year) * 12 + (c1.month - c0.month) + 1;
  for (int i = 0; i < months; ++i) m->month_labels.push_back(std::to_string((c0.month - 1 + i) % 12 + 1) + "月");
  auto month_index = [&](Date d) {
    Civil c = CivilFromDate(d);
    return (c.year - c0.year) * 12 + (c.month - c0.month);
  };

  rules::RegistrationIndex index(ds, ctx.opts.rules.registration_window_days);
  std::map<std::string, long> by_unit, by_service;
  std::map<std::string, std::vector<long>> per_month_unit;
  std::map<std::string, reports::QuerierLine> by_querier;
  for (const DsQuery& q : ds.queries) {
    if (!ds.InPeriod(q)) continue;
    ++m->total_queries;
    const std::string& acc = ds.syms.Name(q.account);
    auto it = ctx.people.find(acc);
    std::string unit = it != ctx.people.end() && !it->second.unit.empty() ? it->second.unit : "（未知單位）";
    ++by_unit[unit];
    ++by_service[ServiceLabel(ds.syms.Name(q.service))];
    auto& series = per_month_unit[unit];
    series.resize(static_cast<size_t>(months));
    int mi = month_index(DateOf(q.time));
    if (mi >= 0 && mi < months) ++series[static_cast<size_t>(mi)];
    auto& ql = by_querier[acc];
    ql.account = acc;
    ql.unit = unit;
    if (it != ctx.people.end()) ql.name = it->second.name;
    ++ql.queries;
    if (index.HasMatch(q)) ++ql.matched;
  }
  for (const auto& r : ds.registrations) {
    if (!ds.period.ContainsDate(r.applied_on)) continue;
    auto& ql = by_querier[ds.syms.Name(r.account)];
    if (ql.account.empty()) {
      ql.account = ds.syms.Name(r.account);
      auto it = ctx.people.find(ql.account);
      if (it != ctx.people.end()) {
        ql.name = it->second.name;
        ql.unit = it->second.unit;
      }
    }
    ++ql.registrations;
  }
  for (const auto& f : ctx.checked.findings)
    if (!f.account.empty() && by_querier.count(f.account)) ++by_querier[f.account].findings;
  for (auto& [k, v] : by_unit) m->by_unit.push_back({k, v});
  for (auto& [k, v] : by_service) m->by_service.push_back({k, v});
  for (auto& [k, v] : by_querier) m->by_querier.push_back(v);
  std::sort(m->by_querier.begin(), m->by_querier.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit, a.account) < std::tie(b.unit, b.account);
  });
  for (auto& [k, v] : per_month_unit) m->per_month_unit.push_back({k, v});
  m->by_rule = CountByRule(ctx, ds.period.kind);
  for (const auto& f : ctx.checked.findings) m->findings.push_back(ToLine(ctx, f, mask, false));

  std::vector<store::FollowUp> fus;
  LIAUDIT_RETURN_IF_ERROR(ctx.store->ListFollowUps(&fus));
  Date today = DateOf(NowLocal());
  for (const auto& fu : fus) {
    reports::FollowUpLine l;
    l.key = fu.key;
    l.rule_id = fu.rule_id;
    l.account = fu.account;
    l.detail = fu.detail;
    l.due = fu.due == kNoDate ? "" : FormatRocSlash(fu.due);
    l.state = fu.state == store::FollowUpState::kOpen           ? "待提檢討報告"
              : fu.state == store::FollowUpState::kReportReceived ? "已收檢討報告"
                                                                  : "已結案";
    l.updated_by = fu.updated_by;
    l.overdue = fu.state == store::FollowUpState::kOpen && fu.due != kNoDate && fu.due < today;
    if (fu.state != store::FollowUpState::kClosed) m->followups.push_back(l);
    if (l.overdue) m->overdue.push_back(l);
  }
  m->skipped_checks = SkippedLines(ctx);
  m->stamp = StampFor(ctx);
  return Status::OK();
}

Status WriteReviewWorkbook(JobContext& ctx, const std::string& stem, const reports::ReviewReport& m,
                           store::Store* st) {
  using sheet::Cell;
  using sheet::ColType;
  const std::string& mask = ctx.opts.output.id_mask;
  std::unique_ptr<sheet::Writer> wb;
  SpreadsheetOptions wo;
  wo.big = true;
  wo.title = "勞保查詢系統使用紀錄檢查結果";
  wo.author = ctx.opts.output.organisation;
  LIAUDIT_RETURN_IF_ERROR(OpenSpreadsheets(ctx.opts.output, stem, wo, &wb));

  std::string period = FormatRocDate(m.from) + "至" + FormatRocDate(m.to);
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet({"摘要", "勞保查詢系統使用紀錄檢查結果（" + period + "）",
                                        {{"項目", ColType::kText}, {"數值", ColType::kInteger}, {"說明", ColType::kText, 50}}}));
  LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"查詢筆數", m.total_queries, ""}));
  LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"檢查發現", m.total_findings, ""}));
  LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"隔離之輸入列", m.rejected_rows, "見 rejects.csv"}));
  LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"具查調權限人數", static_cast<long>(m.permissions.size()), ""}));
  for (const auto& c : m.by_rule)
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({c.rule_id + " " + c.rule_name, c.count, "嚴重度：" + c.severity}));
  for (const auto& s : m.skipped_checks) LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"未執行/備註", Cell(), s}));

  // Every query of the quarter, IDs masked, streamed from the store.
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet({"查詢紀錄", "查詢紀錄（" + period + "，身分證號已遮蔽）",
                                        {{"查詢時間", ColType::kDateTime}, {"交易序號", ColType::kText},
                                         {"帳號", ColType::kText}, {"查詢者", ColType::kText},
                                         {"單位", ColType::kText}, {"服務代碼", ColType::kText},
                                         {"服務項目", ColType::kText}, {"被查詢人統號", ColType::kText},
                                         {"查詢結果", ColType::kText}, {"來源IP", ColType::kText}},
                                        true}));
  std::map<std::string, std::pair<std::string, std::string>> cache;
  LIAUDIT_RETURN_IF_ERROR(st->ForEachQuery(
      StartOf(m.from), StartOf(m.to + 1), [&](const PlatformQuery& q) -> Status {
        auto it = ctx.people.find(q.account);
        const char* res = q.result == QueryResult::kSuccess ? "成功"
                          : q.result == QueryResult::kNoData ? "查無資料"
                          : q.result == QueryResult::kError  ? "失敗"
                                                             : "";
        return wb->AppendRow({Cell::OfTime(q.query_time), q.txn_id, q.account,
                              it != ctx.people.end() ? it->second.name : q.querier_name,
                              it != ctx.people.end() ? it->second.unit : "", q.service_code,
                              ServiceNameZh(q.service_code), MaskId(q.subject_id, mask), res, q.source_ip});
      }));

  std::vector<const Finding*> all;
  for (const auto& f : ctx.checked.findings) all.push_back(&f);
  LIAUDIT_RETURN_IF_ERROR(AppendFindingsSheet(ctx, wb.get(), "檢查結果", "檢查結果（依規則）", all, mask));

  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet({"統計-單位", "查詢筆數（依單位、月份）", [&] {
                                          std::vector<sheet::Column> cols = {{"單位", ColType::kText}};
                                          for (const auto& l : m.month_labels) cols.push_back({l, ColType::kInteger});
                                          cols.push_back({"合計", ColType::kInteger});
                                          return cols;
                                        }()}));
  for (const auto& s : m.per_month_unit) {
    std::vector<Cell> row = {s.unit};
    long total = 0;
    for (long v : s.per_month) {
      row.push_back(v);
      total += v;
    }
    row.push_back(total);
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow(row));
  }
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet({"統計-查詢者", "登記簿與系統筆數比對（依查詢者）",
                                        {{"帳號", ColType::kText}, {"姓名", ColType::kText}, {"單位", ColType::kText},
                                         {"系統查詢筆數", ColType::kInteger}, {"登記簿筆數", ColType::kInteger},
                                         {"有登記之查詢", ColType::kInteger}, {"未登記之查詢", ColType::kInteger},
                                         {"檢查發現", ColType::kInteger}}}));
  for (const auto& q : m.by_querier)
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({q.account, q.name, q.unit, q.queries, q.registrations, q.matched,
                                           q.queries - q.matched, q.findings}));
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet({"統計-服務項目", "查詢筆數（依查調服務項目）",
                                        {{"服務項目", ColType::kText}, {"查詢筆數", ColType::kInteger}}}));
  for (const auto& s : m.by_service) LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({s.label, s.count}));

  // The monthly 登記簿 vs 系統筆數 comparison, per querier and month.
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet({"登記簿比對-月", "每月登記簿與系統筆數比對",
                                        {{"帳號", ColType::kText}, {"單位", ColType::kText}, {"月份", ColType::kText},
                                         {"系統查詢筆數", ColType::kInteger}, {"登記簿筆數", ColType::kInteger},
                                         {"有登記之查詢", ColType::kInteger}}}));
  {
    const Dataset& ds = ctx.ds;
    rules::RegistrationIndex index(ds, ctx.opts.rules.registration_window_days);
    struct Cnt { long q = 0, r = 0, matched = 0; };
    std::map<std::pair<std::string, std::string>, Cnt> cnt;  // (account, yyyy-mm)
    for (const DsQuery& q : ds.queries) {
      if (!ds.InPeriod(q)) continue;
      auto& c = cnt[{ds.syms.Name(q.account), FormatIsoDate(DateOf(q.time)).substr(0, 7)}];
      ++c.q;
      if (index.HasMatch(q)) ++c.matched;
    }
    for (const auto& r : ds.registrations)
      if (ds.period.ContainsDate(r.applied_on)) ++cnt[{ds.syms.Name(r.account), FormatIsoDate(r.applied_on).substr(0, 7)}].r;
    for (const auto& [k, c] : cnt) {
      auto it = ctx.people.find(k.first);
      LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({k.first, it != ctx.people.end() ? it->second.unit : "", k.second, c.q,
                                             c.r, c.matched}));
    }
  }
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet({"追蹤改善", "檢討報告追蹤",
                                        {{"發現代碼", ColType::kText}, {"規則", ColType::kText},
                                         {"帳號", ColType::kText}, {"說明", ColType::kText, 60},
                                         {"應提報日期", ColType::kText}, {"狀態", ColType::kText},
                                         {"逾期", ColType::kText}}}));
  for (const auto& f : m.followups)
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({f.key, f.rule_id, f.account, f.detail, f.due, f.state, f.overdue ? "逾期" : ""}));
  return wb->Close();
}

Status WriteForm1Set(JobContext& ctx, const std::string& dir, Date from, Date to) {
  using sheet::Cell;
  using sheet::ColType;
  std::vector<PermissionRecord> recs;
  LIAUDIT_RETURN_IF_ERROR(ctx.store->PermissionsAppliedBetween(from, to, &recs));
  const forms::FormOptions fo = InternalFormOptions(ctx);
  fs::create_directories(dir);
  std::vector<JobContext::RenderTask> tasks;
  for (const auto& r : recs) {
    std::string path = ctx.NameFile(dir, "附表1-", r.form_no, ".pdf");
    tasks.push_back([&ctx, &fo, &r, path](render::Engine& e) -> Status {
      render::PdfResult res;
      LIAUDIT_RETURN_IF_ERROR(forms::WriteForm1(e, fo, r, path, &res));
      return ctx.SignPdf(path, res, "資料查詢者權限申請表（附表1）");
    });
  }
  LIAUDIT_RETURN_IF_ERROR(ctx.RunRenderTasks(tasks));
  std::unique_ptr<sheet::Writer> wb;
  LIAUDIT_RETURN_IF_ERROR(OpenSpreadsheets(ctx.opts.output, (fs::path(dir) / "form1").string(), FormSheetOptions(ctx, false), &wb));
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(
      {"附表1", "資料查詢者權限申請表（附表1）" + FormatRocDate(from) + "至" + FormatRocDate(to),
       {{"表單編號"}, {"申請日期", ColType::kDate}, {"申請單位"}, {"職稱"}, {"姓名"}, {"身分證字號"}, {"聯絡電話"},
        {"e-mail"}, {"E政府帳號"}, {"申請事項"}, {"申請事由"}, {"查調服務項目"}, {"審核結果"},
        {"生效日期", ColType::kDate}, {"不同意原因"}, {"權限管理者"}, {"單位主管"}, {"權限管理單位主管"}},
       true}));
  for (const auto& r : recs) {
    std::string id = InternalId(ctx, r.national_id);
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({r.form_no, Cell::OfDate(r.applied_on), r.unit, r.title, r.name, id, r.phone,
                                           r.email, r.account, ActionZh(r.action), r.reason, Join(r.items, "、"),
                                           DecisionZh(r.decision), Cell::OfDate(r.effective_on), r.reject_reason,
                                           r.manager, r.unit_head, r.manager_head}));
  }
  ctx.log.Line("form1: " + std::to_string(recs.size()) + " applications");
  return wb->Close();
}

Status WriteForm2Set(JobContext& ctx, const std::string& dir, Date from, Date to) {
  using sheet::Cell;
  using sheet::ColType;
  const forms::FormOptions fo = InternalFormOptions(ctx);
  fs::create_directories(dir);
  std::unique_ptr<sheet::Writer> wb;
  LIAUDIT_RETURN_IF_ERROR(OpenSpreadsheets(ctx.opts.output, (fs::path(dir) / "form2").string(), FormSheetOptions(ctx, true), &wb));
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(
      {"附表2", "查調資料登記表（附表2）" + FormatRocDate(from) + "至" + FormatRocDate(to),
       {{"編號"}, {"申請日期", ColType::kDate}, {"姓名"}, {"身分證字號"}, {"查調項目"}, {"查調事由", ColType::kText, 40},
        {"需要資料者"}, {"資料查詢者帳號"}, {"資料查詢者"}, {"單位"}, {"單位主管"}, {"主管核章時間", ColType::kDateTime},
        {"委託申請單編號"}},
       true}));
  // The store streams the quarter's registrations in unit order; units are rendered (one
  // PDF each, in parallel) a batch at a time, so memory holds a few units' rows, not the
  // quarter's (500,000 rows were ~280 MB).
  const size_t kBatchRows = 40000;
  struct Unit {
    std::string name;
    std::vector<RegistrationRecord> rows;
  };
  std::vector<Unit> batch;
  size_t batch_rows = 0, count = 0, units = 0;
  auto flush = [&]() -> Status {
    std::vector<JobContext::RenderTask> tasks;
    for (const Unit& u : batch) {
      std::string path = ctx.NameFile(dir, "附表2-", u.name.empty() ? "未填單位" : u.name, ".pdf");
      tasks.push_back([&ctx, &fo, &u, from, to, path](render::Engine& e) -> Status {
        render::PdfResult res;
        LIAUDIT_RETURN_IF_ERROR(forms::WriteForm2(e, fo, u.name, from, to, u.rows, path, &res));
        return ctx.SignPdf(path, res, "查調資料登記表（附表2）");
      });
    }
    Status st = ctx.RunRenderTasks(tasks);
    batch.clear();
    batch_rows = 0;
    return st;
  };
  auto take = [&](RegistrationRecord& r) -> Status {
    ++count;
    std::string id = InternalId(ctx, r.subject_id);
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({r.reg_no, Cell::OfDate(r.applied_on), r.subject_name, id,
                                           Join(r.items, "、"), r.reason, r.requester, r.account, r.querier_name,
                                           r.unit, r.unit_head, Cell::OfTime(r.approved_at), r.request_no}));
    if (batch.empty() || batch.back().name != r.unit) {
      // A unit is complete when the next begins: render once the batch is big enough.
      if (batch_rows >= kBatchRows) LIAUDIT_RETURN_IF_ERROR(flush());
      batch.push_back({r.unit, {}});
      ++units;
    }
    batch.back().rows.push_back(std::move(r));
    ++batch_rows;
    return Status::OK();
  };
  LIAUDIT_RETURN_IF_ERROR(ctx.store->ForEachRegistrationAppliedBetween(from, to, take));
  LIAUDIT_RETURN_IF_ERROR(flush());
  ctx.log.Line("form2: " + std::to_string(count) + " registrations in " + std::to_string(units) + " units");
  return wb->Close();
}

Status WriteForm3Set(JobContext& ctx, const std::string& dir, Date from, Date to) {
  using sheet::Cell;
  using sheet::ColType;
  std::vector<std::vector<RequestRow>> reqs;
  LIAUDIT_RETURN_IF_ERROR(ctx.store->RequestsAppliedBetween(from, to, &reqs));
  const forms::FormOptions fo = InternalFormOptions(ctx);
  fs::create_directories(dir);
  std::vector<JobContext::RenderTask> tasks;
  for (const auto& req : reqs) {
    if (req.empty()) continue;
    std::string path = ctx.NameFile(dir, "附表3-", req[0].request_no, ".pdf");
    tasks.push_back([&ctx, &fo, &req, path](render::Engine& e) -> Status {
      render::PdfResult res;
      LIAUDIT_RETURN_IF_ERROR(forms::WriteForm3(e, fo, req, path, &res));
      return ctx.SignPdf(path, res, "查調資料申請表（附表3）");
    });
  }
  LIAUDIT_RETURN_IF_ERROR(ctx.RunRenderTasks(tasks));
  std::unique_ptr<sheet::Writer> wb;
  LIAUDIT_RETURN_IF_ERROR(OpenSpreadsheets(ctx.opts.output, (fs::path(dir) / "form3").string(), FormSheetOptions(ctx, false), &wb));
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(
      {"附表3", "查調資料申請表（附表3）" + FormatRocDate(from) + "至" + FormatRocDate(to),
       {{"申請單編號"}, {"申請單位"}, {"申請日期", ColType::kDate}, {"申請人"}, {"職稱"}, {"聯絡電話"}, {"傳真號碼"},
        {"查調事由", ColType::kText, 40}, {"查調筆數", ColType::kInteger}, {"姓名"}, {"身分證字號"}, {"審核意見"},
        {"審核結果"}},
       true}));
  for (const auto& req : reqs)
    for (const auto& r : req) {
      std::string id = InternalId(ctx, r.subject_id);
      LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({r.request_no, r.unit, Cell::OfDate(r.applied_on), r.applicant, r.title,
                                             r.phone, r.fax, r.reason, r.count, r.subject_name, id, r.review,
                                             r.decision}));
    }
  ctx.log.Line("form3: " + std::to_string(reqs.size()) + " requests");
  return wb->Close();
}

Status OpenFollowUps(JobContext& ctx, Date audit_date) {
  // 要點第八點: whoever has a critical or high finding owes a review report within ten days.
  Date due = audit_date + ctx.opts.rules.review_report_days;
  for (const auto& f : ctx.checked.findings)
    if (f.severity >= Severity::kHigh) LIAUDIT_RETURN_IF_ERROR(ctx.store->OpenFollowUp(f, ctx.job.id, due));
  return Status::OK();
}

Status WriteForm4Set(JobContext& ctx, const std::string& dir, Date from, Date to, Date audit_date,
                     const std::vector<std::string>& only) {
  using sheet::Cell;
  using sheet::ColType;
  const Dataset& ds = ctx.ds;
  std::map<std::string, long> cases;
  rules::AccountScope in_scope(ds);
  for (const DsQuery& q : ds.queries)
    if (ds.InPeriod(q) && in_scope(q.account)) ++cases[ds.syms.Name(q.account)];
  for (const auto& a : only) cases.emplace(a, 0);

  // Each serious finding's follow-up (opened before this form is written) says what the
  // querier owes: a report this audit asks for (a follow-up this job opened), one an earlier
  // audit asked for and that is still awaited (its due date stays, worded as owed: a re-run
  // never asks anew by a day before its audit date), or none because the report was
  // received or the finding closed (its state is shown instead).
  std::vector<store::FollowUp> followups;
  LIAUDIT_RETURN_IF_ERROR(ctx.store->ListFollowUps(&followups));
  std::map<std::string, const store::FollowUp*> followup_of_key;
  for (const auto& fu : followups) followup_of_key[fu.key] = &fu;
  const Date due = audit_date + ctx.opts.rules.review_report_days;

  struct RuleTally {
    long count = 0, received = 0, closed = 0;
  };
  struct Owed {
    Date fresh = kNoDate, earlier = kNoDate;
  };
  auto earliest = [](Date* d, Date v) { *d = *d == kNoDate ? v : std::min(*d, v); };
  std::map<std::string, std::map<std::string, RuleTally>> by_rule;  // account -> rule -> tally
  std::map<std::string, Owed> owed;                                  // account -> reports owed
  for (const auto& f : ctx.checked.findings) {
    if (f.account.empty()) continue;
    RuleTally& tally = by_rule[f.account][f.rule_id];
    ++tally.count;
    if (f.severity >= Severity::kHigh) {
      auto k = followup_of_key.find(f.key);
      const store::FollowUp* fu = k != followup_of_key.end() ? k->second : nullptr;
      if (fu && fu->state == store::FollowUpState::kReportReceived) ++tally.received;
      else if (fu && fu->state == store::FollowUpState::kClosed) ++tally.closed;
      else if (!fu || fu->due == kNoDate) earliest(&owed[f.account].fresh, due);
      else if (fu->first_job == ctx.job.id && fu->due >= audit_date) earliest(&owed[f.account].fresh, fu->due);
      else earliest(&owed[f.account].earlier, fu->due);
    }
    // 附表4 is per querier active in the period (outputs.md): queries, or a finding about
    // what the querier did (a registration without its query, R14; a change not filed,
    // R06). A dormant account (R16) is by definition not active: it is listed in the
    // report's R16 findings, with no audit record of 0 cases.
    if (f.rule_id != "R16") cases.emplace(f.account, 0);
  }

  // Work days no platform export covers were not audited: the opinion says so, and does
  // not certify the period as a whole.
  std::string uncovered;
  if (!ctx.days_without_export.empty()) {
    const auto& days = ctx.days_without_export;
    std::vector<std::string> shown;
    for (size_t i = 0; i < days.size() && i < 6; ++i) shown.push_back(FormatRocDate(days[i]));
    uncovered = "惟稽核期間內下列工作日無平臺查詢匯出資料，未能查核：" + Join(shown, "、") +
                (days.size() > shown.size() ? "等" : "") + "，共 " + std::to_string(days.size()) + " 日。";
  }

  const forms::FormOptions fo = InternalFormOptions(ctx);
  fs::create_directories(dir);
  std::unique_ptr<sheet::Writer> wb;
  LIAUDIT_RETURN_IF_ERROR(OpenSpreadsheets(ctx.opts.output, (fs::path(dir) / "form4").string(), FormSheetOptions(ctx, false), &wb));
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(
      {"附表4", "稽核紀錄表（附表4）" + FormatRocDate(from) + "至" + FormatRocDate(to),
       {{"稽核期間起", ColType::kDate}, {"稽核期間迄", ColType::kDate}, {"稽核日期", ColType::kDate},
        {"資料查詢者"}, {"帳號"}, {"使用單位"}, {"稽核單位"}, {"稽核單位聯絡電話"}, {"稽核人員"},
        {"稽核文件截止日期", ColType::kDate}, {"稽核案件數", ColType::kInteger}, {"稽核意見", ColType::kText, 60},
        {"檢討報告期限", ColType::kDate}},
       true}));
  std::vector<forms::Form4Data> data;
  for (const auto& [account, n] : cases) {
    forms::Form4Data d;
    d.period_from = from;
    d.period_to = to;
    d.audit_date = audit_date;
    d.documents_deadline = due;
    d.querier_account = account;
    auto it = ctx.people.find(account);
    d.querier = it != ctx.people.end() && !it->second.name.empty() ? it->second.name : account;
    d.querier_unit = it != ctx.people.end() ? it->second.unit : "";
    d.audit_unit = ctx.opts.output.audit_unit;
    d.audit_unit_phone = ctx.opts.output.audit_unit_phone;
    d.auditor = ctx.opts.output.auditor;
    d.cases = static_cast<int>(n);
    auto fr = by_rule.find(account);
    if (fr == by_rule.end()) {
      d.opinion = uncovered.empty() ? "經查核本期間之查調紀錄，未發現違反本要點之情事。"
                                    : "經查核本期間有平臺匯出資料之查調紀錄，未發現違反本要點之情事；" + uncovered;
    } else {
      std::string op = uncovered.empty() ? "經查核本期間之查調紀錄，發現下列情事："
                                         : "經查核本期間有平臺匯出資料之查調紀錄，發現下列情事：";
      for (const auto& [rule, tally] : fr->second) {
        const rules::RuleInfo* info = rules::FindRule(rule);
        op += "\n" + rule + " " + (info ? info->name_zh : "") + "（" + (info ? SeverityNameZh(info->severity) : "") +
              "）" + std::to_string(tally.count) + " 件";
        std::vector<std::string> state;
        if (tally.received) state.push_back("已收檢討報告 " + std::to_string(tally.received) + " 件");
        if (tally.closed) state.push_back("已結案 " + std::to_string(tally.closed) + " 件");
        if (!state.empty()) op += "（" + Join(state, "、") + "）";
      }
      // A serious finding owes a review report: the form words that sentence from review_due
      // and owed_due (forms::Form4Opinion), so it is not written here as well.
      if (auto o = owed.find(account); o != owed.end()) {
        d.review_due = o->second.fresh;
        d.owed_due = o->second.earlier;
      } else {
        op += "\n請注意改善。";
      }
      if (!uncovered.empty()) op += "\n" + uncovered;
      d.opinion = op;
    }
    data.push_back(std::move(d));
  }
  std::vector<JobContext::RenderTask> tasks;
  for (const auto& d : data) {
    std::string path = ctx.NameFile(dir, "附表4-", d.querier_account, ".pdf");
    tasks.push_back([&ctx, &fo, &d, path](render::Engine& e) -> Status {
      render::PdfResult res;
      LIAUDIT_RETURN_IF_ERROR(forms::WriteForm4(e, fo, d, path, &res));
      return ctx.SignPdf(path, res, "勞保查詢系統稽核紀錄表（附表4）");
    });
  }
  LIAUDIT_RETURN_IF_ERROR(ctx.RunRenderTasks(tasks));
  for (const auto& d : data)
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({Cell::OfDate(from), Cell::OfDate(to), Cell::OfDate(audit_date), d.querier,
                                           d.querier_account, d.querier_unit, d.audit_unit, d.audit_unit_phone,
                                           d.auditor, Cell::OfDate(d.documents_deadline), static_cast<long>(d.cases),
                                           forms::Form4Opinion(d),
                                           Cell::OfDate(d.review_due != kNoDate ? d.review_due : d.owed_due)}));
  ctx.log.Line("form4: " + std::to_string(cases.size()) + " queriers");
  return wb->Close();
}

}  // namespace liaudit::jobs
