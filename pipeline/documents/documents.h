// documents: the pure builders between the rules and the writers.
//
// A builder takes a checked period (the dataset, the findings, who is who), what it needs
// from the store already loaded (follow-ups, where each evidence row came from, a form's
// register rows), the wording from templates/ and the options, and returns document models:
// the report and form models the render stage takes (reports::*, forms::*) and one
// sheet::Book per workbook, which every spreadsheet writer renders (.xlsx and .ods from the
// same model). A builder opens no file, store or clock of its own (the time is
// BuildOptions::now), so it is tested on values (tests/documents). The one exception to
// "loaded before" is a sheet of every query or registration of a quarter, which is pulled
// through a source function while the writer takes its rows (bounded memory).
//
// A Book whose sheets stream (Sheet::more) refers to the CheckedPeriod it was built from:
// write it while that lives.
//
// pipeline/jobs loads the inputs, calls the builders, renders, signs and publishes.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/finding.h"
#include "core/records.h"
#include "core/sheet.h"
#include "core/status.h"
#include "forms/forms.h"
#include "reports/report_text.h"
#include "reports/reports.h"
#include "rules/rules.h"

namespace liaudit::documents {

// Who an account belongs to, from the permission register and the roster.
struct Person {
  std::string name, unit;
};
using People = std::map<std::string, Person>;  // account -> name, unit

// What a job checked: its dataset and what the rules said about it (the job's Check).
struct CheckedPeriod {
  Dataset ds;
  rules::RuleOutput rules;  // findings, skipped checks, notes, per-query registration flags
  People people;
  long queries_checked = 0;               // in the period and the audit's scope
  std::vector<Date> days_without_export;  // work days of the period no platform export covers
  std::vector<std::string> notices_zh;    // for the first page of the job's report
  const std::vector<Finding>& findings() const { return rules.findings; }
};

// Every document title, from templates/ only: report_text.conf (the reports and
// workbooks) and each form template's `set title`.
struct Wording {
  reports::ReportText text;
  std::array<std::string, 4> form_titles;  // 資料查詢者權限申請表 ... 稽核紀錄表
  // "資料查詢者權限申請表（附表1）", n = 1..4: form PDFs' signature reason, workbook title.
  std::string FormTitle(int n) const;
};
// Reads <templates_dir>/report_text.conf over the built-in wording and the title of each
// <templates_dir>/formN.tpl; errors name the file, line and column.
Status LoadWording(const std::string& templates_dir, Wording* w);

struct BuildOptions {
  std::string organisation = "高雄市政府社會局";
  // Masks (MaskId patterns; "" = IDs in full). report_mask: documents for readers outside
  // the permission managers (review.pdf/.xlsx, findings in the quarterly package);
  // internal_mask: forms, exceptions, evidence and their workbooks (jobs decide: "" unless
  // output.mask_internal or the package leaves the bureau).
  std::string report_mask = "XXXXXX****";
  std::string internal_mask;
  std::string signer;  // the signing certificate's common name; "" = the documents are not signed
  LocalTime now = kNoTime;
  int review_report_days = 10;
  std::string audit_unit, audit_unit_phone, auditor;  // 附表4
};

// Where a query row of the store came from (evidence lines: "platform.csv 第 12 行").
struct SourceLine {
  std::string file;  // as recorded; documents print its file name
  long line = 0;
};
using SourceLines = std::map<int64_t, SourceLine>;  // query row id -> its source
// The query row ids the findings cite as evidence (what jobs look up for SourceLines).
std::vector<int64_t> EvidenceQueryIds(const std::vector<Finding>& findings);

// Pieces several documents share.
std::vector<reports::RuleCount> CountByRule(const CheckedPeriod& c);
// `mask` "" = IDs in full; `sources` null = no evidence lines.
reports::FindingLine ToLine(const CheckedPeriod& c, const Finding& f, const std::string& mask,
                            const SourceLines* sources);
// The skipped checks and check notes as documents print them, in zh-TW
// ("R05 離職後查調：未執行（未匯入人事異動名冊）"); the English reasons are for logs and manifest.json.
std::vector<std::string> SkippedLines(const CheckedPeriod& c);
reports::Stamp StampFor(const BuildOptions& o);
// The forms' options: internal_mask, organisation, the "已數位簽章（…）" note when signed.
forms::FormOptions FormOptionsFor(const BuildOptions& o);
// One row per finding: the sheet every findings workbook shares.
sheet::Sheet FindingsSheet(const CheckedPeriod& c, const std::string& name, const std::string& title,
                           const std::vector<const Finding*>& findings, const std::string& mask);

// Nightly: exceptions.pdf and exceptions.xlsx/.ods. `rejected_rows`: rows this run quarantined.
reports::ExceptionsReport BuildExceptionsReport(const CheckedPeriod& c, const BuildOptions& o,
                                                const SourceLines& sources, long rejected_rows);
sheet::Book BuildExceptionsBook(const CheckedPeriod& c, const Wording& w, const BuildOptions& o);

// Quarterly: review.pdf and review.xlsx/.ods.
struct ReviewInputs {
  std::string quarter;            // "2026Q3"
  std::vector<FollowUp> followups;  // every follow-up, as the store lists them
  long rejected_rows = 0;         // rows this run quarantined
  long rejected_rows_period = -1; // rows every run of the period quarantined; < 0 = not known
};
reports::ReviewReport BuildReviewReport(const CheckedPeriod& c, const BuildOptions& o, const ReviewInputs& in);
// Every query of the period, in time order, for the 查詢紀錄 sheet (the store streams them).
using QuerySource = std::function<Status(const std::function<Status(const PlatformQuery&)>& each)>;
sheet::Book BuildReviewBook(const CheckedPeriod& c, const Wording& w, const BuildOptions& o,
                            const reports::ReviewReport& model, QuerySource queries);

// Audit: evidence.xlsx/.ods (the findings and every query in scope, with its match).
sheet::Book BuildEvidenceBook(const CheckedPeriod& c, const Wording& w, const BuildOptions& o);

// The forms' workbooks (form1 … form4), one row per form line, for [from, to].
sheet::Book BuildForm1Book(const std::vector<PermissionRecord>& recs, Date from, Date to, const Wording& w,
                           const BuildOptions& o);
// 附表2: the quarter's registrations, pulled from `regs` (the store streams them in unit
// order; jobs render each unit's PDF from the same pass).
using RegistrationSource = std::function<Status(const std::function<Status(RegistrationRecord&)>& each)>;
sheet::Book BuildForm2Book(Date from, Date to, const Wording& w, const BuildOptions& o, RegistrationSource regs);
sheet::Book BuildForm3Book(const std::vector<std::vector<RequestRow>>& requests, Date from, Date to, const Wording& w,
                           const BuildOptions& o);

// 附表4: one form per querier active in [from, to] (queries, or a finding about what the
// querier did), or per account of `only`; the opinion from the findings and follow-ups.
struct Form4Inputs {
  Date from = kNoDate, to = kNoDate, audit_date = kNoDate;
  std::vector<std::string> only;    // audit --account: these accounts, active or not
  std::vector<FollowUp> followups;  // as the store lists them after this job opened its own
  int64_t job_id = 0;               // this job (a follow-up it opened asks for a report)
};
struct Form4Set {
  std::vector<forms::Form4Data> forms;  // in account order
  sheet::Book book;
};
Form4Set BuildForm4Set(const CheckedPeriod& c, const Wording& w, const BuildOptions& o, const Form4Inputs& in);

}  // namespace liaudit::documents
