// The audit reports as PDF (outputs.md): the nightly exception report
// (勞保查詢系統每日異常報告) and the quarterly review report for the Labor Affairs
// Bureau (勞保查詢系統使用紀錄檢查結果報告). The job runner fills these models with
// final strings (already masked where the document needs it, dates already chosen);
// this stage only lays them out with the render engine. UTF-8 throughout.
#pragma once
#include <string>
#include <vector>

#include "core/datetime.h"
#include "core/status.h"
#include "render/pdf.h"

namespace liaudit::reports {

// One finding as a report shows it.
struct FindingLine {
  std::string rule_id;       // "R01"
  std::string rule_name;     // 未登記查調
  std::string severity;      // 嚴重 / 高 / 中 / 低 / 資訊
  std::string account;       // querier account ("" if n/a)
  std::string querier;       // querier name where known
  std::string unit;          // querier unit where known
  std::string when;          // 115/11/25 14:03 (query time) or 115/11/25 (date) or ""
  std::string txn_id;
  std::string service;       // "C0101 被保險人投保資料" or ""
  std::string subject_id;    // masked or full, as the document requires
  std::string reg_no, request_no;
  std::string detail;        // the rule's zh-TW sentence
  std::vector<std::string> evidence;  // evidence lines, e.g. "平臺紀錄 platform/20260714.csv 第 12 行"
};

struct RuleCount {
  std::string rule_id, rule_name, severity;
  long count = 0;
};

struct LabelCount {
  std::string label;
  long count = 0;
};

// Signature stamp drawn on the last page (the signature widget is placed over it).
struct Stamp {
  bool draw = false;
  std::vector<std::string> lines;  // e.g. "數位簽章", "簽署者：…", "簽署時間：115/11/26 02:00"
};

struct ExceptionsReport {
  std::string organisation = "高雄市政府社會局";
  Date day = kNoDate;
  LocalTime generated_at = kNoTime;
  long queries_checked = 0;
  long rejected_rows = 0;                  // quarantined input rows of the run
  std::vector<RuleCount> counts;           // every rule R01..R16 that ran, with 0 where none
  std::vector<FindingLine> findings;       // ordered by rule, then key
  std::vector<std::string> skipped_checks; // zh-TW lines: which checks did not run (or ran with a fallback) and why
  std::vector<std::string> notices;        // zh-TW lines shown on page 1, before the figures (e.g. no export yet)
  Stamp stamp;
};

struct PermissionLine {           // who may query what (at the period end)
  std::string account, name, unit;
  std::string items;              // "C0101、B0101、N0101"
};

struct QuerierLine {              // per querier, the 登記簿 vs 系統筆數 comparison
  std::string account, name, unit;
  long queries = 0;               // platform queries in the period
  long registrations = 0;         // 附表2 lines in the period
  long matched = 0;               // queries with a matching registration
  long findings = 0;
};

struct MonthSeries {              // queries per month for one unit (chart)
  std::string unit;
  std::vector<long> per_month;    // one value per ReviewReport::month_labels
};

struct FollowUpLine {
  std::string key, rule_id, account, detail;
  std::string due;                // 115/12/05
  std::string state;              // 待改正 / 已收檢討報告 / 已結案
  std::string updated_by;
  bool overdue = false;
};

struct ReviewReport {
  std::string organisation = "高雄市政府社會局";
  std::string recipient = "高雄市政府勞工局";
  std::string quarter;            // "2026Q3" / shown as 115年第3季
  Date from = kNoDate, to = kNoDate;
  LocalTime generated_at = kNoTime;
  long total_queries = 0, total_findings = 0, rejected_rows = 0;
  long rejected_rows_period = -1;  // rows quarantined by every run of the period up to this one; < 0 = not known
  std::vector<PermissionLine> permissions;
  std::vector<LabelCount> by_unit, by_service;
  std::vector<QuerierLine> by_querier;
  std::vector<std::string> month_labels;   // "7月", "8月", "9月"
  std::vector<MonthSeries> per_month_unit;
  std::vector<RuleCount> by_rule;
  std::vector<FindingLine> findings;       // subject IDs masked
  std::vector<FollowUpLine> followups;     // open and recently changed
  std::vector<FollowUpLine> overdue;       // review reports past due
  std::vector<std::string> skipped_checks;
  std::vector<std::string> notices;        // zh-TW lines shown on the cover, below the facts (e.g. a register cut short)
  Stamp stamp;
};

Status WriteExceptionsReport(render::Engine& engine, const ExceptionsReport& report, const std::string& path,
                             render::PdfResult* result);
Status WriteReviewReport(render::Engine& engine, const ReviewReport& report, const std::string& path,
                         render::PdfResult* result);

}  // namespace liaudit::reports
