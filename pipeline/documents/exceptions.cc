// The nightly's exceptions report and workbook, and the audit's evidence workbook.
#include "core/twid.h"
#include "documents/documents.h"
#include "documents/text.h"

namespace liaudit::documents {

reports::ExceptionsReport BuildExceptionsReport(const CheckedPeriod& c, const BuildOptions& o,
                                                const SourceLines& sources, long rejected_rows) {
  reports::ExceptionsReport rep;
  rep.organisation = o.organisation;
  rep.day = c.ds.period.from;
  rep.generated_at = o.now;
  rep.queries_checked = c.queries_checked;
  rep.rejected_rows = rejected_rows;
  rep.counts = CountByRule(c);
  rep.findings.reserve(c.findings().size());
  for (const auto& f : c.findings()) rep.findings.push_back(ToLine(c, f, o.internal_mask, &sources));
  rep.skipped_checks = SkippedLines(c);
  rep.notices = c.notices_zh;
  rep.stamp = StampFor(o);
  return rep;
}

sheet::Book BuildExceptionsBook(const CheckedPeriod& c, const Wording& w, const BuildOptions& o) {
  using sheet::ColType;
  sheet::Book book;
  book.info.title = w.text.exceptions_title;
  book.info.author = o.organisation;
  book.info.created = o.now;
  sheet::Sheet& sum = book.AddSheet({"摘要", w.text.exceptions_title + " " + FormatRocDate(c.ds.period.from),
                                     {{"規則", ColType::kText}, {"規則名稱", ColType::kText},
                                      {"嚴重度", ColType::kText}, {"件數", ColType::kInteger}}});
  for (const auto& rc : CountByRule(c)) sum.Add({rc.rule_id, rc.rule_name, rc.severity, rc.count});
  sum.Add({"合計", "", "", static_cast<long>(c.findings().size())});
  sum.Add({"查詢筆數", "", "", c.queries_checked});
  for (const auto& line : SkippedLines(c)) sum.Add({"未執行/備註", line});
  for (const auto* r : rules::RulesFor(c.ds.period.kind)) {
    std::vector<const Finding*> mine;
    for (const auto& f : c.findings())
      if (f.rule_id == r->id) mine.push_back(&f);
    const std::string name = std::string(r->id) + " " + r->name_zh;
    book.sheets.push_back(
        FindingsSheet(c, name, name + "（" + SeverityNameZh(r->severity) + "）", mine, o.internal_mask));
  }
  return book;
}

sheet::Book BuildEvidenceBook(const CheckedPeriod& c, const Wording& w, const BuildOptions& o) {
  using sheet::Cell;
  using sheet::ColType;
  const Period& period = c.ds.period;
  sheet::Book book;
  book.info.title = w.text.evidence_workbook_title;
  book.info.author = o.organisation;
  book.info.created = o.now;
  std::vector<const Finding*> all;
  for (const auto& f : c.findings()) all.push_back(&f);
  book.sheets.push_back(FindingsSheet(c, "檢查結果", "稽核檢查結果 " + PeriodText(period.from, period.to), all,
                                      o.internal_mask));
  sheet::Sheet& q = book.AddSheet({"查詢紀錄", "稽核範圍內之查詢紀錄",
                                   {{"查詢時間", ColType::kDateTime}, {"交易序號"}, {"帳號"}, {"服務代碼"},
                                    {"被查詢人統號"}, {"來源IP"}, {"有相符登記"}},
                                   false});
  // Every query in scope: emitted while the workbook is written (an audit may span months).
  const std::string mask = o.internal_mask;
  q.more = [&c, mask](const sheet::RowSink& emit) -> Status {
    const Dataset& ds = c.ds;
    rules::AccountScope in_scope(ds);
    const auto& registered = c.rules.registered;
    for (size_t i = 0; i < ds.queries.size(); ++i) {
      const DsQuery& dq = ds.queries[i];
      if (!ds.InPeriod(dq) || !in_scope(dq.account)) continue;
      const bool matched = i < registered.size() && registered[i];
      const Cell row[] = {Cell::OfTime(dq.time), dq.txn_id, ds.syms.Name(dq.account), ds.syms.Name(dq.service),
                          MaskId(dq.subject_id, mask),
                          ds.syms.Name(dq.source_ip), matched ? "是" : "否"};
      LIAUDIT_RETURN_IF_ERROR(emit(row, sizeof row / sizeof row[0]));
    }
    return Status::OK();
  };
  return book;
}

}  // namespace liaudit::documents
