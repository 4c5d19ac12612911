// The liaudit store: one SQLite file holding every ingested source file, the
// normalised platform queries (raw lines kept), the registers with their versions,
// first-seen times and withdrawn state (rules.md "First seen"), quarantined rows,
// jobs, findings with evidence, and follow-ups with their history. See docs/store.md
// for the schema table by table.
//
// This stage is the only code that includes sqlite3.h; nothing SQLite-specific
// crosses this header. All strings are UTF-8. Times are Taipei local seconds
// (core/datetime.h), dates are day counts. A Store is not thread-safe: use one
// Store per thread (several processes may open the same file: WAL + busy timeout).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/datetime.h"
#include "core/finding.h"
#include "core/records.h"
#include "core/settings.h"
#include "core/status.h"

namespace liaudit::store {

// The schema version this code writes (PRAGMA user_version). Older stores are
// upgraded in place by Open; a newer one is refused.
constexpr int kSchemaVersion = 7;

// What happened to one source file in an ingest run.
struct FileResult {
  std::string path, sha256, kind, encoding;  // kind: InputKindName(); encoding: "UTF-8", "UTF-8-BOM", "CP950"
  int64_t bytes = 0;
  long rows_read = 0;    // data records seen (excluding header)
  long taken = 0;        // rows that changed the store (new platform rows / register rows of new versions / calendar days)
  long duplicates = 0;   // platform rows already in the store with identical content (no-op)
  long conflicts = 0;    // platform rows whose 交易序號 exists with different content (kept, quarantined)
  long rejected = 0;     // rows quarantined by the parser or the store (incl. conflicts and inconsistent requests)
  bool already_ingested = false;  // same SHA-256 already taken: skipped, nothing changed
  std::string error;     // whole-file rejection message ("" if the file was taken)
  std::vector<std::string> header_aliases;  // header cells read through another spelling ("身份證字號 → 身分證字號")
};

struct IngestReport {
  std::vector<FileResult> files;  // in the order processed (sorted paths within each kind)
  // Every row quarantined in this run, including whole-file rejects (line 0) and conflicts.
  std::vector<Reject> rejects;
  long taken = 0, duplicates = 0, conflicts = 0, rejected = 0;
  long withdrawn = 0;  // register keys newly marked withdrawn by this run's snapshots
  // Files in the input folder that are not read. Spreadsheets saved as .xlsx or .ods where a
  // CSV belongs are rejected whole instead (they are in `files` and `rejects`).
  struct Ignored {
    std::string path, reason;
    bool in_input_folders = false;  // under platform/, registers/ or calendar/: meant as input
  };
  std::vector<Ignored> ignored;
};

struct JobRecord {
  int64_t id = 0;
  std::string kind;         // "ingest", "nightly", "quarterly", "audit", "blank-forms", ...
  std::string params_json;  // the job's parameters, as the job runner chooses to record them
  LocalTime started = kNoTime, finished = kNoTime;
  std::string status;       // "running" | "ok" | "failed"
  std::string manifest_sha256;  // hex of the job's manifest ("" until finished ok)
  std::string output_dir;
};

// FollowUp and FollowUpState are core records (core/records.h): documents read them
// without the store.
using ::liaudit::FollowUp;
using ::liaudit::FollowUpState;
const char* FollowUpStateName(FollowUpState s);  // "open", "report_received", "closed"

// One change of a follow-up's state (the history kept for 要點第八點).
struct FollowUpChange {
  std::string key;
  FollowUpState from = FollowUpState::kOpen, to = FollowUpState::kOpen;
  std::string by;
  LocalTime at = kNoTime;
  std::string note;
};

// A source file the store has taken (provenance for reports and manifests).
struct SourceFile {
  int64_t id = 0;
  std::string path, sha256, kind, encoding;
  int64_t bytes = 0;
  long rows_read = 0, taken = 0, duplicates = 0, conflicts = 0, rejected = 0;
  LocalTime ingested_at = kNoTime;  // wall clock when taken
  LocalTime as_of = kNoTime;        // the as-of time of the run that took it
  std::string error;                // whole-file rejection ("" = taken)
};

class Store {
 public:
  // Opens or creates the store. A new file is created owner-only (0600; its parent
  // directory 0700 if this creates it). WAL, foreign keys on, busy timeout 10 s,
  // schema versioned by PRAGMA user_version; older versions are migrated in place.
  static Status Open(const std::string& path, std::unique_ptr<Store>* out);
  // For liaudit doctor: opens an existing store read-only. Nothing is created, migrated or
  // locked; only the read methods (SchemaVersion, QuickCheck, ListJobs, ...) may be used,
  // and those that read tables only when SchemaVersion() == kSchemaVersion.
  static Status OpenReadOnly(const std::string& path, std::unique_ptr<Store>* out);
  Status SchemaVersion(int* version);      // PRAGMA user_version
  Status QuickCheck(std::string* verdict);  // PRAGMA quick_check: "ok", or its first five problems
  // After the bulk work (ingest), or for a second, streaming connection: a small page cache
  // (and what the cache held is released), and sorts that outgrow it spill to temporary
  // files instead of memory (a million-row ORDER BY held ~150 MB with temp_store=MEMORY).
  Status UseLittleMemory();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Ingests every input file under input_dir (platform/*.csv, registers/{permissions,
  // registrations,requests,staff}.csv, calendar/*.csv) in one
  // transaction. `as_of` is the job's as-of time (rules.md "First seen"). Register files
  // are full snapshots; a file whose SHA-256 was already taken (for a register: equal to
  // its latest snapshot) is skipped with already_ingested. A whole-file rejection is
  // reported in FileResult::error and as a line-0 reject; it does not fail the run.
  // A register or export saved as a spreadsheet (registrations.xlsx, platform/x.ods) is
  // rejected whole, naming the file and how to save it as CSV; every other file under
  // input_dir is listed in IngestReport::ignored with the reason (ingest::ClassifyInputPath).
  // Non-OK only for store/IO failures (then nothing of the run is kept).
  Status IngestDirectory(const std::string& input_dir, LocalTime as_of, IngestReport* report);
  // Same for an explicit list of (path, kind) files, in the order given. A file in
  // `refused` (path -> message) is rejected whole with that message instead of being read.
  Status IngestFiles(const std::vector<std::pair<std::string, InputKind>>& files, LocalTime as_of,
                     IngestReport* report, const std::map<std::string, std::string>& refused = {});

  // Fills the Dataset the rules read (core/dataset.h) for `period`:
  // - queries: kept (first) version of every 交易序號 with time in [context_start, period.end()),
  //   context_start = period.start() - ceil(shared_ip_minutes/1440) days for a nightly period, and
  //   - max(registration_window_days, that) days for quarterly and audit periods (R14); plus every earlier query whose (account, subject) pair appears in a current
  //   registration with a non-empty request number; sorted by (time, id). Audit filters
  //   (period.accounts / period.unit) are NOT applied here: the rules apply them.
  // - registrations: current versions with 申請日期 >= date(context_start) - window or naming a
  //   request; permissions / requests / staff: every current (newest, not withdrawn)
  //   version; registration `reason` only when applied_on is in the period, else empty.
  // - has_roster: a staff file was ever taken; calendar/has_calendar from the calendar table;
  //   has_source_ip: any in-period query has a source IP; last_query_time per account over all
  //   queries with time < period.end().
  Status LoadDataset(const Period& period, const RuleOptions& opts, Dataset* out);

  // Current (non-withdrawn, newest) register rows for documents.
  Status PermissionsAppliedBetween(Date from, Date to, std::vector<PermissionRecord>* out);  // order 申請日期, 表單編號
  Status AllPermissions(std::vector<PermissionRecord>* out);  // every current row, order 表單編號
  Status RegistrationsAppliedBetween(Date from, Date to, std::vector<RegistrationRecord>* out);  // order unit, 申請日期, 編號
  // The same rows streamed, for 附表2 sets too large to hold (a non-OK Status from fn stops the walk).
  Status ForEachRegistrationAppliedBetween(Date from, Date to, const std::function<Status(RegistrationRecord&)>& fn);
  // One inner vector per 申請單編號 (order 申請日期, 申請單編號; rows in file order).
  Status RequestsAppliedBetween(Date from, Date to, std::vector<std::vector<RequestRow>>* out);
  Status Staff(std::vector<StaffRecord>* out);  // current roster, order account

  // The snapshots a register has had: how many of its files were taken (not rejected
  // whole), and the data rows of the newest and the one before it (-1 if none).
  struct RegisterHistory {
    long files_taken = 0;
    long latest_rows = -1, previous_rows = -1;
    long latest_rejected = 0;  // rows of the newest snapshot that were quarantined
    // The most data rows one snapshot held that were not quarantined (0 when every snapshot
    // was a header alone or had every row rejected: the register has never said anything).
    long most_rows_held = 0;
    std::string latest_path, previous_path;
    LocalTime latest_ingested = kNoTime;
  };
  Status RegisterHistoryOf(InputKind kind, RegisterHistory* out);
  // Work day per the calendar where covered, else Monday-Friday (inputs.md §6).
  Status IsWorkDay(Date d, bool* workday);
  // Every querier account (lower-case) and every unit any platform export or register has
  // named, in any version (withdrawn ones too), sorted: what an audit may be asked about.
  Status KnownAccountsAndUnits(std::vector<std::string>* accounts, std::vector<std::string>* units);

  // Streams kept platform queries with query_time in [from, to) in (time, txn_id) order.
  // A non-OK Status from fn stops the walk and is returned.
  Status ForEachQuery(LocalTime from, LocalTime to, const std::function<Status(const PlatformQuery&)>& fn);
  // Raw line and origin of a stored query (by DsQuery::id), for evidence listings.
  Status QueryRaw(int64_t id, std::string* file, long* line, std::string* raw);

  // Provenance and quarantine.
  Status ListSourceFiles(std::vector<SourceFile>* out);  // order id
  Status ListQuarantine(std::vector<Reject>* out);       // every quarantined row, order of quarantine
  // How many rows runs with an as-of time in [from, to] quarantined (whole-file rejects count one).
  Status CountQuarantined(LocalTime from, LocalTime to, long* n);

  // Jobs and their manifest hash chain.
  Status BeginJob(JobRecord* job);  // inserts with status "running"; sets id and started (NowLocal())
  Status FinishJob(const JobRecord& job);  // updates finished, status, manifest_sha256, output_dir
  Status SetJobOutputDir(int64_t job_id, const std::string& dir);  // while the job runs
  Status LastManifestHash(std::string* sha256);  // of the newest ok job that wrote a manifest ("" if none)
  Status ListJobs(std::vector<JobRecord>* out);  // order id

  // Findings with their evidence, per job (replaces any findings saved before for that job).
  Status SaveFindings(int64_t job_id, const std::vector<Finding>& findings);
  Status LoadFindings(int64_t job_id, std::vector<Finding>* out);  // in saved order
  // Opens a follow-up (state open, due date given) for the finding's key if none exists yet;
  // an existing one is left as it is.
  Status OpenFollowUp(const Finding& f, int64_t job_id, Date due);
  // Moves a follow-up to state `s` (any move is allowed: closed -> open reopens it) and
  // records the change (from, to, by, when, note) in its history. NotFound if no such key.
  Status SetFollowUpState(const std::string& key, FollowUpState s, const std::string& by, LocalTime when,
                          const std::string& note);
  Status ListFollowUps(std::vector<FollowUp>* out);  // all, ordered by due, key
  // The follow-up log (docs/store.md "followup_log"): every opening and state change, in
  // order, append-only (triggers refuse changing or deleting an entry), each entry holding
  // the SHA-256 of the one before. Its head: how many entries and the newest one's hash.
  struct LogHead {
    long entries = 0;
    std::string sha256;  // "" when the log is empty
  };
  Status FollowUpLogHead(LogHead* out);
  // The hash of the log's n-th entry (1-based); "" if the log has fewer entries.
  Status FollowUpLogEntryHash(long n, std::string* sha256);
  // Recomputes every entry's hash and link, replays the log and compares what it gives with
  // the followups table (state, due, opening job, rule, account, severity, who changed it
  // last and the note). One English sentence per problem (keys with IDs masked); none when
  // the log and the table agree.
  Status VerifyFollowUpLog(std::vector<std::string>* problems, LogHead* head);
  Status FollowUpHistory(const std::string& key, std::vector<FollowUpChange>* out);  // oldest first

  // Retention (檔案法, 個資法; docs/store.md "Retention"). Removes platform queries with
  // query_time before the start of day `before` (with their query_conflicts versions) and
  // register history: versions superseded (the next version taken) before `before`, and
  // every version of a key withdrawn before `before`. Current rows of the registers stay.
  // Rows a pending follow-up still needs (evidence of findings whose follow-up is open or
  // report_received) are kept, with their whole register version. The retention policy
  // (how old `before` may be) is the caller's: this layer only removes.
  struct PurgeCounts {
    long queries = 0, query_conflicts = 0;                       // platform rows
    long permissions = 0, registrations = 0, requests = 0, staff = 0;  // register row versions
    long register_keys_emptied = 0;  // withdrawn keys left with no row (a reappearance makes a new version)
    long kept_queries = 0, kept_register_rows = 0;  // older than `before` but kept for pending follow-ups
    long removed() const { return queries + query_conflicts + permissions + registrations + requests + staff; }
  };
  // A purge as recorded in destruction_records, a table never purged (UPDATE and DELETE
  // on it are refused by triggers).
  struct DestructionRecord {
    int64_t id = 0;
    LocalTime at = kNoTime;    // when the purge committed (NowLocal())
    std::string by;            // who ordered it (never empty)
    Date before = kNoDate;     // the date bound: rows before the start of this day
    int retention_years = 0;   // the retention period in force
    PurgeCounts counts;
  };
  // What Purge(before) would remove now; changes nothing.
  Status CountPurgeable(Date before, PurgeCounts* out);
  // Removes it in one transaction together with the destruction record (all or nothing);
  // deleted content is overwritten (secure_delete). `by` must not be empty.
  Status Purge(Date before, int retention_years, const std::string& by, DestructionRecord* out);
  // Gives the freed pages back to the file system (VACUUM, WAL checkpoint). Needs free
  // disk space about the size of the store; a failure leaves the store as it was.
  Status Compact();
  Status ListDestructionRecords(std::vector<DestructionRecord>* out);  // order id

  // The console's accounts (docs/console.md). Names are unique; role is admin, manager,
  // auditor or ethics; the hash is an Argon2id encoded string (the store never sees a
  // password). AddUser: Conflict if the name exists. The others: NotFound if it does not.
  struct User {
    std::string name, role, password_hash;
    bool disabled = false;
    LocalTime created = kNoTime, updated = kNoTime;
  };
  Status AddUser(const User& u);
  Status FindUser(const std::string& name, User* out, bool* found);
  Status SetUserPasswordHash(const std::string& name, const std::string& hash);
  Status SetUserDisabled(const std::string& name, bool disabled);
  Status ListUsers(std::vector<User>* out);  // order name

  // The console access log (使用紀錄): append-only, hash-chained. Append masks every ID
  // number in user, target and outcome before it is written; id, at (NowLocal() when
  // kNoTime) and sha256 are filled in.
  struct ConsoleLogEntry {
    int64_t id = 0;
    LocalTime at = kNoTime;
    std::string user, client, action, target, outcome;
    std::string sha256;
  };
  Status AppendConsoleLog(ConsoleLogEntry* e);
  // Newest first, at most `limit` (0 = all).
  Status ListConsoleLog(long limit, std::vector<ConsoleLogEntry>* out);
  // Recomputes every entry's hash and link (the first kept entry may follow a purged one).
  Status VerifyConsoleLog(std::vector<std::string>* problems, long* entries);
  // Removes entries older than `before` (retention, docs/console.md), recording the bound
  // and who ordered it first; *removed how many.
  Status PurgeConsoleLog(LocalTime before, const std::string& by, long* removed);
  Status CountConsoleLogBefore(LocalTime before, long* n);

  // The file this store was opened from.
  const std::string& path() const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaudit::store
