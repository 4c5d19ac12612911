#include "jobs/documents.h"

#include <algorithm>
#include <filesystem>

#include "forms/forms.h"

namespace fs = std::filesystem;

namespace liaudit::jobs {
namespace {

// Where each query row the findings cite came from (exceptions.pdf's evidence lines).
Status LoadSourceLines(JobContext& ctx, documents::SourceLines* out) {
  for (int64_t id : documents::EvidenceQueryIds(ctx.checked().findings())) {
    auto [it, added] = out->try_emplace(id);
    if (!added) continue;  // cited by several findings
    std::string raw;
    LIAUDIT_RETURN_IF_ERROR(ctx.store->QueryRaw(id, &it->second.file, &it->second.line, &raw));
  }
  return Status::OK();
}

// Renders and publishes one signed PDF per item on every core.
template <typename Item, typename Render>
Status RenderEach(JobContext& ctx, const std::vector<Item>& items, const std::vector<std::string>& paths,
                  const std::string& reason, Render render) {
  std::vector<JobContext::RenderTask> tasks;
  for (size_t i = 0; i < items.size(); ++i) {
    tasks.push_back([&ctx, &items, &paths, &reason, &render, i](render::Engine& e) -> Status {
      render::PdfResult res;
      LIAUDIT_RETURN_IF_ERROR(render(e, items[i], paths[i], &res));
      return ctx.PublishPdf(paths[i], res, reason);
    });
  }
  return ctx.RunRenderTasks(tasks);
}

}  // namespace

Status WriteExceptions(JobContext& ctx, JobFolder* folder) {
  const documents::BuildOptions b = ctx.Build();
  documents::SourceLines sources;
  LIAUDIT_RETURN_IF_ERROR(LoadSourceLines(ctx, &sources));
  ctx.log.Begin("exceptions.pdf");
  reports::ExceptionsReport rep = documents::BuildExceptionsReport(ctx.checked(), b, sources,
                                                                   static_cast<long>(ctx.ingest.rejects.size()));
  render::Engine* engine;
  LIAUDIT_RETURN_IF_ERROR(ctx.Engine(&engine));
  render::PdfResult res;
  std::string pdf = folder->PathFor("exceptions.pdf");
  LIAUDIT_RETURN_IF_ERROR(reports::WriteExceptionsReport(*engine, rep, pdf, &res));
  LIAUDIT_RETURN_IF_ERROR(ctx.PublishPdf(pdf, res, ctx.wording().text.exceptions_title));
  ctx.log.Done(std::to_string(res.pages) + " pages");

  ctx.log.Begin("exceptions workbook");
  LIAUDIT_RETURN_IF_ERROR(
      ctx.PublishBook(folder->PathFor("exceptions"), documents::BuildExceptionsBook(ctx.checked(), ctx.wording(), b)));
  ctx.log.Done();
  return Status::OK();
}

Status BuildReview(JobContext& ctx, const std::string& quarter, reports::ReviewReport* model) {
  documents::ReviewInputs in;
  in.quarter = quarter;
  in.rejected_rows = static_cast<long>(ctx.ingest.rejects.size());
  // Rows quarantined by the period's nightlies too, not only by this run's own ingest (which
  // finds the period's files already taken).
  LIAUDIT_RETURN_IF_ERROR(
      ctx.store->CountQuarantined(StartOf(ctx.checked().ds.period.from), NowLocal(), &in.rejected_rows_period));
  LIAUDIT_RETURN_IF_ERROR(ctx.store->ListFollowUps(&in.followups));
  *model = documents::BuildReviewReport(ctx.checked(), ctx.Build(), in);
  return Status::OK();
}

Status WriteReviewPdf(JobContext& ctx, const reports::ReviewReport& model, const std::string& path) {
  render::Engine* engine;
  LIAUDIT_RETURN_IF_ERROR(ctx.Engine(&engine));
  render::PdfResult res;
  LIAUDIT_RETURN_IF_ERROR(reports::WriteReviewReport(*engine, model, path, &res));
  LIAUDIT_RETURN_IF_ERROR(ctx.PublishPdf(path, res, ctx.wording().text.review_title));
  ctx.log.Done(std::to_string(res.pages) + " pages");
  return Status::OK();
}

Status WriteReviewWorkbook(JobContext& ctx, const std::string& stem, const reports::ReviewReport& model,
                           store::Store* st) {
  const LocalTime from = StartOf(model.from), to = StartOf(model.to + 1);
  documents::QuerySource queries = [st, from, to](const std::function<Status(const PlatformQuery&)>& each) {
    return st->ForEachQuery(from, to, each);
  };
  return ctx.PublishBook(stem, documents::BuildReviewBook(ctx.checked(), ctx.wording(), ctx.Build(), model, queries));
}

Status WriteEvidenceWorkbook(JobContext& ctx, const std::string& stem) {
  return ctx.PublishBook(stem, documents::BuildEvidenceBook(ctx.checked(), ctx.wording(), ctx.Build()));
}

Status WriteForm1Set(JobContext& ctx, const std::string& dir, Date from, Date to) {
  std::vector<PermissionRecord> recs;
  LIAUDIT_RETURN_IF_ERROR(ctx.store->PermissionsAppliedBetween(from, to, &recs));
  const documents::BuildOptions b = ctx.Build();
  const forms::FormOptions fo = documents::FormOptionsFor(b);
  fs::create_directories(dir);
  std::vector<std::string> paths;
  for (const auto& r : recs) paths.push_back(ctx.NameFile(dir, "附表1-", r.form_no, ".pdf"));
  LIAUDIT_RETURN_IF_ERROR(RenderEach(ctx, recs, paths, ctx.wording().FormTitle(1),
                                     [&fo](render::Engine& e, const PermissionRecord& r, const std::string& path,
                                           render::PdfResult* res) { return forms::WriteForm1(e, fo, r, path, res); }));
  LIAUDIT_RETURN_IF_ERROR(ctx.PublishBook((fs::path(dir) / "form1").string(),
                                          documents::BuildForm1Book(recs, from, to, ctx.wording(), b)));
  ctx.log.Line("form1: " + std::to_string(recs.size()) + " applications");
  return Status::OK();
}

Status WriteForm2Set(JobContext& ctx, const std::string& dir, Date from, Date to) {
  const documents::BuildOptions b = ctx.Build();
  const forms::FormOptions fo = documents::FormOptionsFor(b);
  const std::string reason = ctx.wording().FormTitle(2);
  fs::create_directories(dir);
  // The store streams the quarter's registrations in unit order, once: each row goes to
  // form2.xlsx as the workbook pulls it, and into the batch of its unit; units are rendered
  // (one PDF each, in parallel) a batch at a time, so memory holds a few units' rows, not
  // the quarter's (500,000 rows were ~280 MB).
  const size_t kBatchRows = 40000;
  struct Unit {
    std::string name;
    std::vector<RegistrationRecord> rows;
  };
  std::vector<Unit> batch;
  size_t batch_rows = 0, count = 0, units = 0;
  auto flush = [&]() -> Status {
    std::vector<std::string> paths;
    for (const Unit& u : batch) paths.push_back(ctx.NameFile(dir, "附表2-", u.name.empty() ? "未填單位" : u.name, ".pdf"));
    Status st = RenderEach(ctx, batch, paths, reason,
                           [&](render::Engine& e, const Unit& u, const std::string& path, render::PdfResult* res) {
                             return forms::WriteForm2(e, fo, u.name, from, to, u.rows, path, res);
                           });
    batch.clear();
    batch_rows = 0;
    return st;
  };
  documents::RegistrationSource regs = [&](const std::function<Status(RegistrationRecord&)>& row) {
    return ctx.store->ForEachRegistrationAppliedBetween(from, to, [&](RegistrationRecord& r) -> Status {
      ++count;
      LIAUDIT_RETURN_IF_ERROR(row(r));
      if (batch.empty() || batch.back().name != r.unit) {
        // A unit is complete when the next begins: render once the batch is big enough.
        if (batch_rows >= kBatchRows) LIAUDIT_RETURN_IF_ERROR(flush());
        batch.push_back({r.unit, {}});
        ++units;
      }
      batch.back().rows.push_back(std::move(r));
      ++batch_rows;
      return Status::OK();
    });
  };
  LIAUDIT_RETURN_IF_ERROR(ctx.PublishBook((fs::path(dir) / "form2").string(),
                                          documents::BuildForm2Book(from, to, ctx.wording(), b, regs)));
  LIAUDIT_RETURN_IF_ERROR(flush());
  ctx.log.Line("form2: " + std::to_string(count) + " registrations in " + std::to_string(units) + " units");
  return Status::OK();
}

Status WriteForm3Set(JobContext& ctx, const std::string& dir, Date from, Date to) {
  std::vector<std::vector<RequestRow>> reqs;
  LIAUDIT_RETURN_IF_ERROR(ctx.store->RequestsAppliedBetween(from, to, &reqs));
  reqs.erase(std::remove_if(reqs.begin(), reqs.end(), [](const auto& r) { return r.empty(); }), reqs.end());
  const documents::BuildOptions b = ctx.Build();
  const forms::FormOptions fo = documents::FormOptionsFor(b);
  fs::create_directories(dir);
  std::vector<std::string> paths;
  for (const auto& req : reqs) paths.push_back(ctx.NameFile(dir, "附表3-", req[0].request_no, ".pdf"));
  LIAUDIT_RETURN_IF_ERROR(RenderEach(ctx, reqs, paths, ctx.wording().FormTitle(3),
                                     [&fo](render::Engine& e, const std::vector<RequestRow>& req,
                                           const std::string& path, render::PdfResult* res) {
                                       return forms::WriteForm3(e, fo, req, path, res);
                                     }));
  LIAUDIT_RETURN_IF_ERROR(ctx.PublishBook((fs::path(dir) / "form3").string(),
                                          documents::BuildForm3Book(reqs, from, to, ctx.wording(), b)));
  ctx.log.Line("form3: " + std::to_string(reqs.size()) + " requests");
  return Status::OK();
}

Status OpenFollowUps(JobContext& ctx, Date audit_date) {
  // 要點第八點: whoever has a critical or high finding owes a review report within ten days.
  Date due = audit_date + ctx.opts.rules.review_report_days;
  for (const auto& f : ctx.checked().findings())
    if (f.severity >= Severity::kHigh) LIAUDIT_RETURN_IF_ERROR(ctx.store->OpenFollowUp(f, ctx.job.id, due));
  return Status::OK();
}

Status WriteForm4Set(JobContext& ctx, const std::string& dir, Date from, Date to, Date audit_date,
                     const std::vector<std::string>& only) {
  documents::Form4Inputs in;
  in.from = from;
  in.to = to;
  in.audit_date = audit_date;
  in.only = only;
  in.job_id = ctx.job.id;
  LIAUDIT_RETURN_IF_ERROR(ctx.store->ListFollowUps(&in.followups));
  const documents::BuildOptions b = ctx.Build();
  documents::Form4Set set = documents::BuildForm4Set(ctx.checked(), ctx.wording(), b, in);
  const forms::FormOptions fo = documents::FormOptionsFor(b);
  fs::create_directories(dir);
  std::vector<std::string> paths;
  for (const auto& d : set.forms) paths.push_back(ctx.NameFile(dir, "附表4-", d.querier_account, ".pdf"));
  LIAUDIT_RETURN_IF_ERROR(RenderEach(ctx, set.forms, paths, ctx.wording().FormTitle(4),
                                     [&fo](render::Engine& e, const forms::Form4Data& d, const std::string& path,
                                           render::PdfResult* res) { return forms::WriteForm4(e, fo, d, path, res); }));
  LIAUDIT_RETURN_IF_ERROR(ctx.PublishBook((fs::path(dir) / "form4").string(), set.book));
  ctx.log.Line("form4: " + std::to_string(set.forms.size()) + " queriers");
  return Status::OK();
}

}  // namespace liaudit::jobs
