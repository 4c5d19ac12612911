// The quarterly review: review.pdf's model and review.xlsx/.ods.
#include <algorithm>
#include <set>
#include <tuple>

#include "core/twid.h"
#include "documents/documents.h"
#include "documents/text.h"

namespace liaudit::documents {

reports::ReviewReport BuildReviewReport(const CheckedPeriod& c, const BuildOptions& o, const ReviewInputs& in) {
  const Dataset& ds = c.ds;
  reports::ReviewReport m;
  m.organisation = o.organisation;
  m.quarter = in.quarter;
  m.from = ds.period.from;
  m.to = ds.period.to;
  m.generated_at = o.now;
  m.total_findings = static_cast<long>(c.findings().size());
  m.rejected_rows = in.rejected_rows;
  m.rejected_rows_period = in.rejected_rows_period;
  m.notices = c.notices_zh;

  // Who may query what at the period end.
  std::set<Sym> accounts;
  for (const auto& p : ds.permissions) accounts.insert(p.account);
  for (Sym a : accounts) {
    auto items = rules::PermissionItemsAt(ds, a, ds.period.end() - 1);
    if (items.empty()) continue;
    reports::PermissionLine pl;
    pl.account = ds.syms.Name(a);
    if (const Person* p = Find(c.people, pl.account)) {
      pl.name = p->name;
      pl.unit = p->unit;
    }
    std::vector<std::string> names;
    for (Sym s : items) names.push_back(ds.syms.Name(s));
    pl.items = Join(names, "、");
    m.permissions.push_back(pl);
  }
  std::sort(m.permissions.begin(), m.permissions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit, a.account) < std::tie(b.unit, b.account);
  });

  // Month columns of the period.
  Civil c0 = CivilFromDate(ds.period.from), c1 = CivilFromDate(ds.period.to);
  int months = (c1.year - c0.year) * 12 + (c1.month - c0.month) + 1;
  for (int i = 0; i < months; ++i) m.month_labels.push_back(std::to_string((c0.month - 1 + i) % 12 + 1) + "月");
  auto month_index = [&](Date d) {
    Civil cv = CivilFromDate(d);
    return (cv.year - c0.year) * 12 + (cv.month - c0.month);
  };

  std::map<std::string, long> by_unit, by_service;
  std::map<std::string, std::vector<long>> per_month_unit;
  std::map<std::string, reports::QuerierLine> by_querier;
  const auto& registered = c.rules.registered;
  for (size_t i = 0; i < ds.queries.size(); ++i) {
    const DsQuery& q = ds.queries[i];
    if (!ds.InPeriod(q)) continue;
    ++m.total_queries;
    const std::string& acc = ds.syms.Name(q.account);
    const Person* p = Find(c.people, acc);
    std::string unit = p && !p->unit.empty() ? p->unit : "（未知單位）";
    ++by_unit[unit];
    ++by_service[ServiceLabel(ds.syms.Name(q.service))];
    auto& series = per_month_unit[unit];
    series.resize(static_cast<size_t>(months));
    int mi = month_index(DateOf(q.time));
    if (mi >= 0 && mi < months) ++series[static_cast<size_t>(mi)];
    auto& ql = by_querier[acc];
    ql.account = acc;
    ql.unit = unit;
    if (p) ql.name = p->name;
    ++ql.queries;
    if (i < registered.size() && registered[i]) ++ql.matched;
  }
  for (const auto& r : ds.registrations) {
    if (!ds.period.ContainsDate(r.applied_on)) continue;
    auto& ql = by_querier[ds.syms.Name(r.account)];
    if (ql.account.empty()) {
      ql.account = ds.syms.Name(r.account);
      if (const Person* p = Find(c.people, ql.account)) {
        ql.name = p->name;
        ql.unit = p->unit;
      }
    }
    ++ql.registrations;
  }
  for (const auto& f : c.findings())
    if (!f.account.empty()) {
      auto it = by_querier.find(f.account);
      if (it != by_querier.end()) ++it->second.findings;
    }
  for (auto& [k, v] : by_unit) m.by_unit.push_back({k, v});
  for (auto& [k, v] : by_service) m.by_service.push_back({k, v});
  for (auto& [k, v] : by_querier) m.by_querier.push_back(v);
  std::sort(m.by_querier.begin(), m.by_querier.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit, a.account) < std::tie(b.unit, b.account);
  });
  for (auto& [k, v] : per_month_unit) m.per_month_unit.push_back({k, v});
  m.by_rule = CountByRule(c);
  m.findings.reserve(c.findings().size());
  for (const auto& f : c.findings()) m.findings.push_back(ToLine(c, f, o.report_mask, nullptr));

  const Date today = DateOf(o.now);
  for (const auto& fu : in.followups) {
    reports::FollowUpLine l;
    l.key = fu.key;
    l.rule_id = fu.rule_id;
    l.account = fu.account;
    l.detail = fu.detail;
    l.due = fu.due == kNoDate ? "" : FormatRocSlash(fu.due);
    l.state = fu.state == FollowUpState::kOpen             ? "待提檢討報告"
              : fu.state == FollowUpState::kReportReceived ? "已收檢討報告"
                                                           : "已結案";
    l.updated_by = fu.updated_by;
    l.overdue = fu.state == FollowUpState::kOpen && fu.due != kNoDate && fu.due < today;
    if (fu.state != FollowUpState::kClosed) m.followups.push_back(l);
    if (l.overdue) m.overdue.push_back(l);
  }
  m.skipped_checks = SkippedLines(c);
  m.stamp = StampFor(o);
  return m;
}

sheet::Book BuildReviewBook(const CheckedPeriod& c, const Wording& w, const BuildOptions& o,
                            const reports::ReviewReport& m, QuerySource queries) {
  using sheet::Cell;
  using sheet::ColType;
  const std::string mask = o.report_mask;
  sheet::Book book;
  book.big = true;
  book.info.title = w.text.review_workbook_title;
  book.info.author = o.organisation;
  book.info.created = o.now;

  const std::string period = PeriodText(m.from, m.to);
  sheet::Sheet& sum = book.AddSheet({"摘要", w.text.review_workbook_title + "（" + period + "）",
                                     {{"項目", ColType::kText}, {"數值", ColType::kInteger},
                                      {"說明", ColType::kText, 50}}});
  sum.Add({"查詢筆數", m.total_queries, ""});
  sum.Add({"檢查發現", m.total_findings, ""});
  sum.Add({"隔離之輸入列", m.rejected_rows, "見 rejects.csv"});
  sum.Add({"具查調權限人數", static_cast<long>(m.permissions.size()), ""});
  for (const auto& rc : m.by_rule) sum.Add({rc.rule_id + " " + rc.rule_name, rc.count, "嚴重度：" + rc.severity});
  for (const auto& s : m.skipped_checks) sum.Add({"未執行/備註", Cell(), s});

  // Every query of the quarter, IDs masked, streamed from the store as the sheet is written.
  sheet::Sheet& log = book.AddSheet({"查詢紀錄", "查詢紀錄（" + period + "，身分證號已遮蔽）",
                                     {{"查詢時間", ColType::kDateTime}, {"交易序號", ColType::kText},
                                      {"帳號", ColType::kText}, {"查詢者", ColType::kText},
                                      {"單位", ColType::kText}, {"服務代碼", ColType::kText},
                                      {"服務項目", ColType::kText}, {"被查詢人統號", ColType::kText},
                                      {"查詢結果", ColType::kText}, {"來源IP", ColType::kText}},
                                     true});
  log.more = [&c, mask, queries](const sheet::RowSink& emit) -> Status {
    return queries([&](const PlatformQuery& q) -> Status {
      const Person* p = Find(c.people, q.account);
      const char* res = q.result == QueryResult::kSuccess ? "成功"
                        : q.result == QueryResult::kNoData ? "查無資料"
                        : q.result == QueryResult::kError  ? "失敗"
                                                           : "";
      const Cell row[] = {Cell::OfTime(q.query_time), q.txn_id, q.account, p ? p->name : q.querier_name,
                          p ? p->unit : "", q.service_code, ServiceNameZh(q.service_code),
                          MaskId(q.subject_id, mask), res, q.source_ip};
      return emit(row, sizeof row / sizeof row[0]);
    });
  };

  std::vector<const Finding*> all;
  for (const auto& f : c.findings()) all.push_back(&f);
  book.sheets.push_back(FindingsSheet(c, "檢查結果", "檢查結果（依規則）", all, mask));

  std::vector<sheet::Column> cols = {{"單位", ColType::kText}};
  for (const auto& l : m.month_labels) cols.push_back({l, ColType::kInteger});
  cols.push_back({"合計", ColType::kInteger});
  sheet::Sheet& units = book.AddSheet({"統計-單位", "查詢筆數（依單位、月份）", std::move(cols)});
  for (const auto& s : m.per_month_unit) {
    std::vector<Cell> row = {s.unit};
    long total = 0;
    for (long v : s.per_month) {
      row.push_back(v);
      total += v;
    }
    row.push_back(total);
    units.Add(std::move(row));
  }
  sheet::Sheet& who = book.AddSheet({"統計-查詢者", "登記簿與系統筆數比對（依查詢者）",
                                     {{"帳號", ColType::kText}, {"姓名", ColType::kText}, {"單位", ColType::kText},
                                      {"系統查詢筆數", ColType::kInteger}, {"登記簿筆數", ColType::kInteger},
                                      {"有登記之查詢", ColType::kInteger}, {"未登記之查詢", ColType::kInteger},
                                      {"檢查發現", ColType::kInteger}}});
  for (const auto& q : m.by_querier)
    who.Add({q.account, q.name, q.unit, q.queries, q.registrations, q.matched, q.queries - q.matched, q.findings});
  sheet::Sheet& items = book.AddSheet({"統計-服務項目", "查詢筆數（依查調服務項目）",
                                       {{"服務項目", ColType::kText}, {"查詢筆數", ColType::kInteger}}});
  for (const auto& s : m.by_service) items.Add({s.label, s.count});

  // The monthly 登記簿 vs 系統筆數 comparison, per querier and month.
  sheet::Sheet& monthly = book.AddSheet({"登記簿比對-月", "每月登記簿與系統筆數比對",
                                         {{"帳號", ColType::kText}, {"單位", ColType::kText},
                                          {"月份", ColType::kText}, {"系統查詢筆數", ColType::kInteger},
                                          {"登記簿筆數", ColType::kInteger}, {"有登記之查詢", ColType::kInteger}}});
  {
    const Dataset& ds = c.ds;
    const auto& registered = c.rules.registered;
    struct Cnt {
      long q = 0, r = 0, matched = 0;
    };
    std::map<std::pair<std::string, std::string>, Cnt> cnt;  // (account, yyyy-mm)
    for (size_t i = 0; i < ds.queries.size(); ++i) {
      const DsQuery& q = ds.queries[i];
      if (!ds.InPeriod(q)) continue;
      auto& n = cnt[{ds.syms.Name(q.account), FormatIsoDate(DateOf(q.time)).substr(0, 7)}];
      ++n.q;
      if (i < registered.size() && registered[i]) ++n.matched;
    }
    for (const auto& r : ds.registrations)
      if (ds.period.ContainsDate(r.applied_on))
        ++cnt[{ds.syms.Name(r.account), FormatIsoDate(r.applied_on).substr(0, 7)}].r;
    for (const auto& [k, n] : cnt) {
      const Person* p = Find(c.people, k.first);
      monthly.Add({k.first, p ? p->unit : "", k.second, n.q, n.r, n.matched});
    }
  }
  sheet::Sheet& fu = book.AddSheet({"追蹤改善", "檢討報告追蹤",
                                    {{"發現代碼", ColType::kText}, {"規則", ColType::kText},
                                     {"帳號", ColType::kText}, {"說明", ColType::kText, 60},
                                     {"應提報日期", ColType::kText}, {"狀態", ColType::kText},
                                     {"逾期", ColType::kText}}});
  for (const auto& f : m.followups) fu.Add({f.key, f.rule_id, f.account, f.detail, f.due, f.state, f.overdue ? "逾期" : ""});
  return book;
}

}  // namespace liaudit::documents
