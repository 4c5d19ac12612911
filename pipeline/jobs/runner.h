// The jobs (outputs.md): the only code that knows the order of the stages.
// Each Run* ingests, checks, writes documents into a JobFolder, signs them, writes
// the manifest and renames the folder into place. A non-OK Status means the job
// failed and left nothing in place that looks complete.
#pragma once
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"
#include "jobs/job_options.h"

namespace liaudit::jobs {

struct JobOutcome {
  std::string folder;                 // the job folder written ("" for ingest)
  long rows_taken = 0, duplicates = 0, conflicts = 0, rejects = 0;
  long findings = 0;
  std::vector<std::string> warnings;  // recoverable problems (missing glyphs, skipped checks...)
};

Status RunIngestJob(const JobOptions& opts, JobOutcome* out);
Status RunNightlyJob(const JobOptions& opts, Date day, JobOutcome* out);
Status RunQuarterlyJob(const JobOptions& opts, const std::string& quarter, JobOutcome* out);
Status RunAuditJob(const JobOptions& opts, const AuditParams& params, JobOutcome* out);
Status RunBlankFormsJob(const JobOptions& opts, JobOutcome* out);

struct FollowupParams {
  std::string action;   // "list", "received", "close", "reopen"
  std::string key;      // finding key (see docs/rules.md), for all but "list"
  std::string by;       // who records it
  std::string note;
  bool overdue_only = false;
};
Status RunFollowup(const JobOptions& opts, const FollowupParams& params, std::ostream& out);

struct VerifyParams {
  std::string path;     // a PDF, a job folder, or with chain=true the output folder
  bool json = false;
  bool chain = false;
  long long at_utc = 0;  // --at: judge certificates at this time (UTC seconds); 0 = now
};
// Returns the process exit code: 0 only when everything verifies.
int RunVerify(const JobOptions& opts, const VerifyParams& params, std::ostream& out, std::ostream& err);

// liaudit extend PATH...: each signed PDF (of a job folder: every PDF in it) gets fresh
// revocation data and a new document timestamp (sign::Extender), every earlier byte
// kept. A job folder's manifest.json stays as the job wrote it (its hash is in the
// chain, manifest.json.p7s signs it); each run is recorded in manifest.history.json.
// Returns the exit code: 0 when every file was extended.
int RunExtend(const JobOptions& opts, const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

// liaudit purge (issue 6, retention): removes platform queries and register history
// older than `before` (see store::Store::Purge). `before` later than today minus the
// retention period (opts.retention_years) is refused (kUsage). Without `yes` and without
// a terminal it only prints what would be removed (dry run); on a terminal it asks to type
// PURGE; a real purge needs `by`. Writes the destruction record to the store, `out` and
// OUTPUT/liaudit.log. Takes the store lock.
struct PurgeParams {
  Date before = kNoDate;
  bool yes = false;          // --yes: confirmed non-interactively
  std::string by;            // --by NAME: who orders the destruction
  bool interactive = false;  // stdin and stdout are a terminal: ask for confirmation on `in`
};
Status RunPurge(const JobOptions& opts, const PurgeParams& params, std::istream& in, std::ostream& out);

// liaudit doctor (issue 13): checks an installation without changing it and prints one
// line per check, "OK|WARN|FAIL|SKIP  name: detail" (or, with json, {"ok": bool,
// "checks": [{"name", "status", "detail"}]}): settings, the input and output folders, the
// store (opened read-only: quick_check, schema version), the font chain (which face draws
// CJK Ext-B), the form templates and report wording, the signer (unless --unsigned) and
// its certificate's end (signing.expiry_warning_days), the timestamp level reached, the
// systemd timers (when systemd runs the machine) and the age of the last nightly job.
// Takes no lock and writes nothing. Returns the exit code: 0 unless a check FAILed.
struct DoctorParams {
  bool json = false;
  std::string config;  // the INI file the settings came from ("" = none)
};
int RunDoctor(const JobOptions& opts, const DoctorParams& params, std::ostream& out);

}  // namespace liaudit::jobs
