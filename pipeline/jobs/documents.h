// The documents of each job: inputs loaded from the store, models built by
// pipeline/documents, then rendered, signed and published through JobContext. Internal to
// pipeline/jobs; the flows in runner.cc call these in order.
#pragma once
#include <string>
#include <vector>

#include "jobs/context.h"
#include "reports/reports.h"

namespace liaudit::jobs {

// Nightly: exceptions.pdf (signed) and the exceptions workbook in the job's folder.
Status WriteExceptions(JobContext& ctx, JobFolder* folder);

// Quarterly: the review's model (follow-ups and quarantined rows read from the store).
Status BuildReview(JobContext& ctx, const std::string& quarter, reports::ReviewReport* model);
// review.pdf, signed.
Status WriteReviewPdf(JobContext& ctx, const reports::ReviewReport& model, const std::string& path);
// review.xlsx/.ods: streams the quarter's queries from `st` (a connection of its own when
// called off the main thread); reads only what Check() left, so it can run beside the forms.
Status WriteReviewWorkbook(JobContext& ctx, const std::string& stem, const reports::ReviewReport& model,
                           store::Store* st);

// Audit: evidence.xlsx/.ods.
Status WriteEvidenceWorkbook(JobContext& ctx, const std::string& stem);

// Quarterly and audit forms. Each writes PDFs (signed) and the form's workbook into `dir`.
Status WriteForm1Set(JobContext& ctx, const std::string& dir, Date from, Date to);
Status WriteForm2Set(JobContext& ctx, const std::string& dir, Date from, Date to);
Status WriteForm3Set(JobContext& ctx, const std::string& dir, Date from, Date to);
// Opens a follow-up (review report due audit_date + review_report_days) for every critical
// or high finding; before BuildReview and WriteForm4Set, which show them.
Status OpenFollowUps(JobContext& ctx, Date audit_date);
// 附表4 per querier: accounts active in the period (or `accounts` when given).
Status WriteForm4Set(JobContext& ctx, const std::string& dir, Date from, Date to, Date audit_date,
                     const std::vector<std::string>& accounts);

}  // namespace liaudit::jobs
