#include "jobs/runner.h"

#include "core/digest.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>
#include <tuple>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/twid.h"
#include "forms/forms.h"
#include "jobs/context.h"
#include "jobs/documents.h"
#include "jobs/spreadsheets.h"
#include "reports/reports.h"
#include "sign/verify.h"
#include "store/store.h"

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace liaudit::jobs {
namespace {

void Summarise(const JobContext& ctx, JobOutcome* out) {
  out->rows_taken = ctx.ingest.taken;
  out->duplicates = ctx.ingest.duplicates;
  out->conflicts = ctx.ingest.conflicts;
  out->rejects = static_cast<long>(ctx.ingest.rejects.size());
  out->findings = static_cast<long>(ctx.checked().findings().size());
  out->warnings = ctx.warnings();
}

// Runs `body` as a job: on failure the job is recorded as failed and the
// temporary folder (owned by body) is gone, so nothing half-written is in place.
template <typename F>
Status Guard(JobContext& ctx, F&& body) {
  Status st = body();
  if (!st.ok()) ctx.Fail(st);
  return st;
}

// The known values nearest to `value` (edit distance, then name), at most `n` of them.
std::string NearestKnown(const std::string& value, const std::vector<std::string>& known, size_t n) {
  std::vector<std::pair<size_t, const std::string*>> by_distance;
  for (const std::string& k : known) by_distance.push_back({EditDistance(value, k), &k});
  std::sort(by_distance.begin(), by_distance.end(),
            [](const auto& a, const auto& b) { return std::tie(a.first, *a.second) < std::tie(b.first, *b.second); });
  std::string out;
  for (size_t i = 0; i < by_distance.size() && i < n; ++i) out += (i ? ", " : "") + *by_distance[i].second;
  return out.empty() ? "none (nothing has been ingested)" : out;
}

// An audit of an account or unit nothing names would certify it clean (要點第八點: 未發現
// 違反本要點之情事) on the strength of no data at all: refused, naming the nearest known.
Status CheckAuditScope(store::Store* st, const std::vector<std::string>& accounts, const std::string& unit) {
  std::vector<std::string> known_accounts, known_units;
  LIAUDIT_RETURN_IF_ERROR(st->KnownAccountsAndUnits(&known_accounts, &known_units));
  for (const std::string& a : accounts) {
    if (!std::binary_search(known_accounts.begin(), known_accounts.end(), a))
      return Status::Usage("audit --account " + a + ": no platform export or register names this account; the nearest "
                           "known: " + NearestKnown(a, known_accounts, 3));
  }
  if (!unit.empty() && !std::binary_search(known_units.begin(), known_units.end(), unit))
    return Status::Usage("audit --unit " + unit + ": no register names this unit; the nearest known: " +
                         NearestKnown(unit, known_units, 3));
  return Status::OK();
}

}  // namespace

Status RunIngestJob(const JobOptions& opts, JobOutcome* out) {
  JobContext ctx(opts, "ingest", "ingest");
  return Guard(ctx, [&]() -> Status {
    LIAUDIT_RETURN_IF_ERROR(ctx.Start("{}"));
    LIAUDIT_RETURN_IF_ERROR(ctx.Ingest(NowLocal()));
    for (const Reject& r : ctx.ingest.rejects)
      std::cerr << "liaudit: rejected " << LogSafe(Location(r.file, r.line, r.column) + ": " + r.reason) << "\n";
    ctx.job.status = "ok";
    ctx.job.finished = NowLocal();
    LIAUDIT_RETURN_IF_ERROR(ctx.store->FinishJob(ctx.job));
    Summarise(ctx, out);
    return Status::OK();
  });
}

Status RunNightlyJob(const JobOptions& opts, Date day, JobOutcome* out) {
  std::string iso = FormatIsoDate(day);
  // A nightly checks a whole day, with its registers as they stood at its end (rules.md,
  // "First seen"): a day that has not ended cannot be checked yet.
  const Date today = DateOf(NowLocal());
  if (day >= today) {
    return Status::Usage("nightly --date " + iso + ": that day has not ended yet (today is " + FormatIsoDate(today) +
                         "); a nightly checks a whole day once it is over" +
                         (day == today ? ". For today's queries so far, run `liaudit audit --from " + iso + " --to " +
                                             iso + "`"
                                       : std::string()));
  }
  JobContext ctx(opts, "nightly", "nightly " + iso);
  std::string params = ordered_json{{"date", iso}}.dump();
  return Guard(ctx, [&]() -> Status {
    LIAUDIT_RETURN_IF_ERROR(ctx.Start(params));
    // rules.md "First seen": a nightly run's as-of time is the end of its day.
    LIAUDIT_RETURN_IF_ERROR(ctx.Ingest(StartOf(day + 1) - 1));
    Period p;
    p.kind = JobKind::kNightly;
    p.from = p.to = day;
    LIAUDIT_RETURN_IF_ERROR(ctx.Check(p));

    std::unique_ptr<JobFolder> folder;
    LIAUDIT_RETURN_IF_ERROR(ctx.BeginFolder((fs::path(opts.output_dir) / "nightly" / iso).string(), &folder));
    LIAUDIT_RETURN_IF_ERROR(WriteExceptions(ctx, folder.get()));
    LIAUDIT_RETURN_IF_ERROR(ctx.Finish(folder.get(), params));
    out->folder = folder->final_dir();
    Summarise(ctx, out);
    return Status::OK();
  });
}

Status RunQuarterlyJob(const JobOptions& opts, const std::string& quarter, JobOutcome* out) {
  Date from, to;
  if (!ParseQuarter(quarter, &from, &to)) return Status::Usage("--quarter: expected YYYYQn, e.g. 2026Q3");
  std::string q = quarter;
  q[4] = 'Q';
  // The package for 勞工局 covers a whole quarter as it stood at its end (R16 says who still
  // held a permission "at the end of the period"): a quarter that has not ended is not due.
  const Date today = DateOf(NowLocal());
  if (to >= today) {
    return Status::Usage("quarterly --quarter " + q + ": the quarter ends on " + FormatIsoDate(to) + " (today is " +
                         FormatIsoDate(today) + "); its package is made once it is over. For a check of the quarter " +
                         "so far, run `liaudit audit --from " + FormatIsoDate(from) + " --to " +
                         FormatIsoDate(std::max(from, today - 1)) + "`");
  }
  JobContext ctx(opts, "quarterly", "quarterly " + q);
  ctx.leaves_bureau = true;  // 要點第七點: the package goes to 勞工局
  std::string params = ordered_json{{"quarter", q}, {"from", FormatIsoDate(from)}, {"to", FormatIsoDate(to)}}.dump();
  return Guard(ctx, [&]() -> Status {
    LIAUDIT_RETURN_IF_ERROR(ctx.Start(params));
    LIAUDIT_RETURN_IF_ERROR(ctx.Ingest(NowLocal()));
    Period p;
    p.kind = JobKind::kQuarterly;
    p.from = from;
    p.to = to;
    LIAUDIT_RETURN_IF_ERROR(ctx.Check(p));

    std::unique_ptr<JobFolder> folder;
    LIAUDIT_RETURN_IF_ERROR(ctx.BeginFolder((fs::path(opts.output_dir) / "quarterly" / q).string(), &folder));
    Date audit_date = DateOf(NowLocal());

    LIAUDIT_RETURN_IF_ERROR(OpenFollowUps(ctx, audit_date));
    reports::ReviewReport model;
    LIAUDIT_RETURN_IF_ERROR(BuildReview(ctx, q, &model));

    // review.xlsx (every query of the quarter) is written on its own thread, with its own
    // store connection, while the forms are rendered: it is the longest single piece.
    std::unique_ptr<store::Store> reader;
    LIAUDIT_RETURN_IF_ERROR(store::Store::Open(opts.db_path, &reader));
    LIAUDIT_RETURN_IF_ERROR(reader->UseLittleMemory());
    Status xlsx_status;
    auto xlsx_started = std::chrono::steady_clock::now();
    long xlsx_ms = 0;
    std::thread xlsx_thread([&] {
      xlsx_status = WriteReviewWorkbook(ctx, folder->PathFor("review"), model, reader.get());
      xlsx_ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - xlsx_started).count());
    });
    auto forms_and_pdf = [&]() -> Status {
      ctx.log.Begin("forms");
      LIAUDIT_RETURN_IF_ERROR(WriteForm1Set(ctx, (fs::path(folder->temp_dir()) / "form1").string(), from, to));
      LIAUDIT_RETURN_IF_ERROR(WriteForm2Set(ctx, (fs::path(folder->temp_dir()) / "form2").string(), from, to));
      LIAUDIT_RETURN_IF_ERROR(WriteForm3Set(ctx, (fs::path(folder->temp_dir()) / "form3").string(), from, to));
      LIAUDIT_RETURN_IF_ERROR(
          WriteForm4Set(ctx, (fs::path(folder->temp_dir()) / "form4").string(), from, to, audit_date, {}));
      ctx.log.Done();
      ctx.log.Begin("review.pdf");
      return WriteReviewPdf(ctx, model, folder->PathFor("review.pdf"));
    };
    Status docs_status = forms_and_pdf();
    xlsx_thread.join();
    LIAUDIT_RETURN_IF_ERROR(docs_status);
    LIAUDIT_RETURN_IF_ERROR(xlsx_status);
    ctx.log.Line("review workbook: " + std::to_string(xlsx_ms) + " ms, " + std::to_string(model.total_queries) +
                 " queries (beside the forms)");
    LIAUDIT_RETURN_IF_ERROR(ctx.Finish(folder.get(), params));
    out->folder = folder->final_dir();
    Summarise(ctx, out);
    return Status::OK();
  });
}

Status RunAuditJob(const JobOptions& opts, const AuditParams& a, JobOutcome* out) {
  std::vector<std::string> accounts;
  for (const auto& acc : a.accounts) accounts.push_back(AsciiLower(NormalizeCode(acc)));
  ordered_json pj{{"from", FormatIsoDate(a.from)}, {"to", FormatIsoDate(a.to)}, {"accounts", accounts},
                  {"unit", a.unit}, {"auditor", opts.output.auditor}, {"audit_unit", opts.output.audit_unit}};
  std::string params = pj.dump();
  LocalTime now = NowLocal();
  std::string stamp = FormatIsoDate(DateOf(now));
  stamp.erase(std::remove(stamp.begin(), stamp.end(), '-'), stamp.end());
  std::string clock = FormatClock(SecondOfDay(now));
  clock.erase(std::remove(clock.begin(), clock.end(), ':'), clock.end());
  std::string name = stamp + "-" + clock + "-" + Sha256Hex(params).substr(0, 6);
  JobContext ctx(opts, "audit", "audit " + FormatIsoDate(a.from) + ".." + FormatIsoDate(a.to));
  return Guard(ctx, [&]() -> Status {
    LIAUDIT_RETURN_IF_ERROR(ctx.Start(params));
    LIAUDIT_RETURN_IF_ERROR(ctx.Ingest(now));
    LIAUDIT_RETURN_IF_ERROR(CheckAuditScope(ctx.store.get(), accounts, a.unit));
    Period p;
    p.kind = JobKind::kAudit;
    p.from = a.from;
    p.to = a.to;
    p.accounts = accounts;
    p.unit = a.unit;
    LIAUDIT_RETURN_IF_ERROR(ctx.Check(p));

    std::unique_ptr<JobFolder> folder;
    LIAUDIT_RETURN_IF_ERROR(ctx.BeginFolder((fs::path(opts.output_dir) / "audit" / name).string(), &folder));
    LIAUDIT_RETURN_IF_ERROR(OpenFollowUps(ctx, DateOf(now)));
    ctx.log.Begin("form4");
    LIAUDIT_RETURN_IF_ERROR(
        WriteForm4Set(ctx, (fs::path(folder->temp_dir()) / "form4").string(), a.from, a.to, DateOf(now), accounts));
    ctx.log.Done();

    ctx.log.Begin("evidence workbook");
    LIAUDIT_RETURN_IF_ERROR(WriteEvidenceWorkbook(ctx, folder->PathFor("evidence")));
    ctx.log.Done();
    LIAUDIT_RETURN_IF_ERROR(ctx.Finish(folder.get(), params));
    out->folder = folder->final_dir();
    Summarise(ctx, out);
    return Status::OK();
  });
}

Status RunBlankFormsJob(const JobOptions& opts, JobOutcome* out) {
  JobContext ctx(opts, "blank-forms", "forms --blank");
  return Guard(ctx, [&]() -> Status {
    LIAUDIT_RETURN_IF_ERROR(ctx.Start("{}"));
    std::unique_ptr<JobFolder> folder;
    LIAUDIT_RETURN_IF_ERROR(ctx.BeginFolder((fs::path(opts.output_dir) / "forms" / "blank").string(), &folder));
    render::Engine* engine;
    LIAUDIT_RETURN_IF_ERROR(ctx.Engine(&engine));
    forms::FormOptions fo;
    fo.organisation = opts.output.organisation;
    std::vector<render::PdfResult> results;
    LIAUDIT_RETURN_IF_ERROR(forms::WriteBlankForms(*engine, fo, folder->temp_dir(), &results));
    documents::Wording words;
    LIAUDIT_RETURN_IF_ERROR(documents::LoadWording(opts.templates_dir, &words));
    for (size_t i = 0; i < results.size() && i < 4; ++i) {
      const int n = static_cast<int>(i) + 1;
      std::string path = folder->PathFor("form" + std::to_string(n) + ".pdf");
      LIAUDIT_RETURN_IF_ERROR(ctx.PublishPdf(path, results[i], words.FormTitle(n) + "空白表單"));
    }
    LIAUDIT_RETURN_IF_ERROR(ctx.Finish(folder.get(), "{}"));
    out->folder = folder->final_dir();
    return Status::OK();
  });
}

}  // namespace liaudit::jobs
