// What every job shares while it runs: options, log, lock, store, signer, render
// engines, its job record, the ingest report and the checked period the document builders
// (pipeline/documents) take. Internal to pipeline/jobs.
#pragma once
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "documents/documents.h"
#include "jobs/file_names.h"
#include "jobs/job_folder.h"
#include "jobs/job_options.h"
#include "jobs/lock.h"
#include "jobs/log.h"
#include "render/pdf.h"
#include "rules/rules.h"
#include "sign/sign.h"
#include "store/store.h"

namespace liaudit::jobs {

// The signer's settings as the sign stage takes them.
sign::SignerConfig SignerConfigFrom(const SigningOptions& s);

class JobContext {
 public:
  JobContext(const JobOptions& opts, std::string kind, std::string what);

  // Loads the signer (fails before anything is written), takes the store lock,
  // opens the store and records the job as running.
  Status Start(const std::string& params_json);
  // Ingests the input folder with the given as-of time.
  Status Ingest(LocalTime as_of);
  // Loads the dataset for `period`, runs the rules, learns who is who and loads the
  // wording (templates/): checked(), wording() and Build() are set from here on.
  Status Check(const Period& period);
  // The one way a job publishes a document. A rendered PDF: checked to be complete, its
  // warnings kept for the manifest, signed (when signing is on) with `reason`.
  Status PublishPdf(const std::string& path, const render::PdfResult& r, const std::string& reason);
  // A workbook: `book` written to `stem`.xlsx and/or .ods (output.spreadsheets).
  Status PublishBook(const std::string& stem, const sheet::Book& book);
  Status Engine(render::Engine** out);
  // Renders (and signs) documents on every core: each worker has its own render engine,
  // tasks are taken in order, the first failure stops the rest and is returned. Tasks
  // must not use the store (SQLite handles are not shared between threads).
  using RenderTask = std::function<Status(render::Engine&)>;
  Status RunRenderTasks(const std::vector<RenderTask>& tasks);
  // JobFolder::Begin for this job's folder, and the folder recorded with the job (so that a
  // job killed after its folder was committed is recognised by the next one).
  Status BeginFolder(const std::string& final_dir, std::unique_ptr<JobFolder>* out);
  // Writes findings.csv, rejects.csv, the manifest; commits the folder; records the job.
  Status Finish(JobFolder* folder, const std::string& params_json);
  void Fail(const Status& st);
  // Jobs the store still lists as running were killed (this job holds the store lock): one
  // whose folder holds its own manifest had finished everything but the jobs row and is
  // recorded as ok with that manifest's hash; any other is recorded as interrupted.
  Status SettleInterruptedJobs();

  const JobOptions& opts;
  JobLog log;
  std::string kind, what;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<sign::Signer> signer;
  store::JobRecord job;
  store::IngestReport ingest;
  // The job's documents leave the bureau (the quarterly package for 勞工局): no full ID in
  // any of its files, forms and rejects.csv included, whatever output.mask_internal says.
  bool leaves_bureau = false;

  // What Check() found: the dataset, the rule output, who is who, the days without export.
  const documents::CheckedPeriod& checked() const { return checked_; }
  const documents::Wording& wording() const { return wording_; }
  // The builders' options for this job: organisation, masks, signer, the time, 附表4 fields.
  documents::BuildOptions Build() const;
  // The mask for IDs in this job's internal-use documents (forms, rejects.csv): "" (in
  // full) unless output.mask_internal or leaves_bureau.
  std::string InternalMask() const;
  // The job's warnings so far (for the manifest and the outcome).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The path of a file in `dir` named from an input value (file_names.h): safe, bounded and
  // unique in `dir`; a name that is not prefix + value + extension is listed in the
  // manifest with the value it stands for. Not thread-safe: name files before rendering.
  std::string NameFile(const std::string& dir, const std::string& prefix, const std::string& value,
                       const std::string& extension);

 private:
  StoreLock lock_;
  std::unique_ptr<render::Engine> engine_;
  std::vector<std::unique_ptr<render::Engine>> worker_engines_;
  Status CheckRegisters();  // required registers present; a register that shrank by half (Ingest)
  std::mutex warnings_mu_;
  std::vector<std::string> warnings_;
  documents::CheckedPeriod checked_;
  documents::Wording wording_;
  bool checked_run_ = false;
  std::map<std::string, FileNamer> namers_;        // folder -> the names given in it
  std::map<std::string, std::string> renamed_;     // full path -> the input value it stands for
  bool finished_ = false;
};


}  // namespace liaudit::jobs
