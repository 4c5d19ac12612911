// Turning a checked job (findings, dataset, registers) into the report models and
// workbooks. Internal to pipeline/jobs; the flows in runner.cc call these.
#pragma once
#include <string>
#include <vector>

#include "jobs/context.h"
#include "reports/reports.h"
#include "core/sheet.h"

namespace liaudit::jobs {

std::vector<reports::RuleCount> CountByRule(const JobContext& ctx, JobKind kind);
// `mask` empty = IDs in full.
reports::FindingLine ToLine(JobContext& ctx, const Finding& f, const std::string& mask, bool with_evidence);
reports::Stamp StampFor(const JobContext& ctx);
// The skipped checks and check notes as documents print them, in zh-TW
// ("R05 離職後查調：未執行（未匯入人事異動名冊）"); the English reasons are for logs and manifest.json.
std::vector<std::string> SkippedLines(const JobContext& ctx);

// Workbooks are written to `stem` + ".xlsx" and/or ".ods" (output.spreadsheets).
Status WriteExceptionsWorkbook(JobContext& ctx, const std::string& stem, const std::string& mask);
// Streams the queries from `st` (a connection of its own when called off the main thread);
// reads ctx.ds and ctx.people, writes nothing else of ctx, so it can run beside the forms.
Status WriteReviewWorkbook(JobContext& ctx, const std::string& stem, const reports::ReviewReport& model,
                           store::Store* st);
Status BuildReviewModel(JobContext& ctx, const std::string& quarter, reports::ReviewReport* model);
// The findings sheet shared by several workbooks.
Status AppendFindingsSheet(JobContext& ctx, sheet::Writer* wb, const std::string& name, const std::string& title,
                           const std::vector<const Finding*>& findings, const std::string& mask);

// Quarterly and audit forms. Each writes PDFs (signed) and the form's workbook into `dir`.
Status WriteForm1Set(JobContext& ctx, const std::string& dir, Date from, Date to);
Status WriteForm2Set(JobContext& ctx, const std::string& dir, Date from, Date to);
Status WriteForm3Set(JobContext& ctx, const std::string& dir, Date from, Date to);
// Opens a follow-up (review report due audit_date + review_report_days) for every critical
// or high finding; before BuildReviewModel so the review lists them.
Status OpenFollowUps(JobContext& ctx, Date audit_date);
// 附表4 per querier: accounts active in the period (or `accounts` when given).
Status WriteForm4Set(JobContext& ctx, const std::string& dir, Date from, Date to, Date audit_date,
                     const std::vector<std::string>& accounts);

}  // namespace liaudit::jobs
