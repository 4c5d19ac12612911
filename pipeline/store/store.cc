// Store: opening, jobs, findings, follow-ups and the register look-ups documents use.
// Ingestion lives in ingest.cc, dataset loading in dataset.cc.
#include "store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "store/schema.h"
#include "store/store_impl.h"

namespace liaudit::store {

using internal::Exec;
using internal::SqlError;
using internal::Stmt;
using internal::Transaction;

namespace internal {

std::string ItemsToJson(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

std::vector<std::string> ItemsFromJson(std::string_view json) {
  std::vector<std::string> out;
  if (json.empty()) return out;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace internal

const char* FollowUpStateName(FollowUpState s) {
  switch (s) {
    case FollowUpState::kOpen: return "open";
    case FollowUpState::kReportReceived: return "report_received";
    case FollowUpState::kClosed: return "closed";
  }
  return "open";
}

namespace {

FollowUpState ParseFollowUpState(std::string_view s) {
  if (s == "report_received") return FollowUpState::kReportReceived;
  if (s == "closed") return FollowUpState::kClosed;
  return FollowUpState::kOpen;
}

// Creates the database file owner-only before SQLite opens it, so it is never
// readable by others even for a moment; SQLite gives its -wal/-shm files the
// same mode as the database file.
Status CreateOwnerOnly(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    if (!fs::create_directories(parent, ec) || ec) {
      return Status::IoError(path + ": cannot create folder " + parent.string() + ": " + ec.message());
    }
    ::chmod(parent.c_str(), 0700);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno != EEXIST) return Status::IoError(path + ": cannot create store: " + std::strerror(errno));
    // An existing file that others may read (an empty file made by hand, a copy restored
    // with the umask's mode): the store holds ID numbers, so it becomes owner-only too.
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0 &&
        ::chmod(path.c_str(), st.st_mode & 0700) != 0) {
      return Status::IoError(path + ": the store is readable by others and cannot be made owner-only: " +
                             std::strerror(errno));
    }
    return Status::OK();
  }
  ::fchmod(fd, 0600);
  ::close(fd);
  return Status::OK();
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;
const std::string& Store::path() const { return impl_->path; }

Status Store::Open(const std::string& path, std::unique_ptr<Store>* out) {
  LIAUDIT_RETURN_IF_ERROR(CreateOwnerOnly(path));
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  if (sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    return SqlError(impl->db, "opening " + path);
  }
  sqlite3_extended_result_codes(impl->db, 0);
  sqlite3_busy_timeout(impl->db, 10000);
  // WAL lets readers (reports) run while a job writes; NORMAL sync keeps every
  // committed transaction durable against a process crash and is much faster than FULL.
  // A 64 MiB page cache keeps the index pages of a million-row table in memory; the
  // sorter of CREATE INDEX (bulk loads) may use a second core.
  Status st = Exec(impl->db,
                   "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                   "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA threads=2;");
  if (!st.ok()) return st.Prepend(path);
  LIAUDIT_RETURN_IF_ERROR(internal::Migrate(impl->db, path));
  out->reset(new Store(std::move(impl)));
  return Status::OK();
}

Status Store::OpenReadOnly(const std::string& path, std::unique_ptr<Store>* out) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  if (sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    return SqlError(impl->db, "opening " + path);
  sqlite3_extended_result_codes(impl->db, 0);
  sqlite3_busy_timeout(impl->db, 10000);
  out->reset(new Store(std::move(impl)));
  return Status::OK();
}

Status Store::SchemaVersion(int* version) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, "PRAGMA user_version"));
  bool row = false;
  Status st = s.Step(&row);
  if (!st.ok()) return st.Prepend(impl_->path);
  *version = row ? static_cast<int>(s.Int(0)) : 0;
  return Status::OK();
}

Status Store::QuickCheck(std::string* verdict) {
  verdict->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, "PRAGMA quick_check(5)"));
  Status st;
  while (s.Next(&st)) {
    if (!verdict->empty()) *verdict += "; ";
    *verdict += s.Text(0);
  }
  if (!st.ok()) return st.Prepend(impl_->path);
  return Status::OK();
}

Status Store::UseLittleMemory() {
  return Exec(impl_->db, "PRAGMA cache_size=-4096; PRAGMA temp_store=FILE; PRAGMA shrink_memory;");
}

// ---- Jobs ----------------------------------------------------------------

Status Store::BeginJob(JobRecord* job) {
  job->started = NowLocal();
  job->status = "running";
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "INSERT INTO jobs(kind, params_json, started, status, manifest_sha256, output_dir)"
                                    " VALUES(?,?,?,?,?,?)"));
  s.Bind(1, std::string_view(job->kind));
  s.Bind(2, std::string_view(job->params_json));
  s.Bind(3, job->started);
  s.Bind(4, std::string_view(job->status));
  s.Bind(5, std::string_view(job->manifest_sha256));
  s.Bind(6, std::string_view(job->output_dir));
  LIAUDIT_RETURN_IF_ERROR(s.Run());
  job->id = sqlite3_last_insert_rowid(impl_->db);
  return Status::OK();
}

Status Store::FinishJob(const JobRecord& job) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(
      impl_->db, "UPDATE jobs SET finished=?, status=?, manifest_sha256=?, output_dir=?, params_json=? WHERE id=?"));
  s.BindOpt(1, job.finished == kNoTime ? NowLocal() : job.finished, kNoTime);
  s.Bind(2, std::string_view(job.status));
  s.Bind(3, std::string_view(job.manifest_sha256));
  s.Bind(4, std::string_view(job.output_dir));
  s.Bind(5, std::string_view(job.params_json));
  s.Bind(6, job.id);
  LIAUDIT_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(impl_->db) != 1) return Status::NotFound("job " + std::to_string(job.id));
  return Status::OK();
}

Status Store::SetJobOutputDir(int64_t job_id, const std::string& dir) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, "UPDATE jobs SET output_dir=? WHERE id=?"));
  s.Bind(1, std::string_view(dir));
  s.Bind(2, job_id);
  return s.Run();
}

Status Store::LastManifestHash(std::string* sha256) {
  sha256->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(
      s.Prepare(impl_->db, "SELECT manifest_sha256 FROM jobs WHERE status='ok' AND manifest_sha256 <> '' ORDER BY id DESC LIMIT 1"));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  if (row) *sha256 = s.Text(0);
  s.Reset();
  return Status::OK();
}

Status Store::ListJobs(std::vector<JobRecord>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT id, kind, params_json, started, finished, status, manifest_sha256,"
                                    " output_dir FROM jobs ORDER BY id"));
  LIAUDIT_FOR_EACH_ROW(s) {
    JobRecord j;
    j.id = s.Int(0);
    j.kind = s.Text(1);
    j.params_json = s.Text(2);
    j.started = s.IntOr(3, kNoTime);
    j.finished = s.IntOr(4, kNoTime);
    j.status = s.Text(5);
    j.manifest_sha256 = s.Text(6);
    j.output_dir = s.Text(7);
    out->push_back(std::move(j));
  }
  return Status::OK();
}

// ---- Findings and follow-ups ---------------------------------------------

Status Store::SaveFindings(int64_t job_id, const std::vector<Finding>& findings) {
  Transaction tx(impl_->db);
  LIAUDIT_RETURN_IF_ERROR(tx.Begin());
  Stmt del;
  LIAUDIT_RETURN_IF_ERROR(del.Prepare(impl_->db, "DELETE FROM findings WHERE job_id=?"));
  del.Bind(1, job_id);
  LIAUDIT_RETURN_IF_ERROR(del.Run());
  Stmt ins, ev;
  LIAUDIT_RETURN_IF_ERROR(ins.Prepare(impl_->db,
                                      "INSERT INTO findings(job_id, seq, rule_id, severity, key, account, query_time,"
                                      " txn_id, service_code, subject_id, reg_no, request_no, date, detail)"
                                      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  LIAUDIT_RETURN_IF_ERROR(
      ev.Prepare(impl_->db, "INSERT INTO finding_evidence(finding_id, seq, kind, row_id, label) VALUES(?,?,?,?,?)"));
  long seq = 0;
  for (const Finding& f : findings) {
    ins.Bind(1, job_id);
    ins.Bind(2, seq++);
    ins.Bind(3, std::string_view(f.rule_id));
    ins.Bind(4, static_cast<int>(f.severity));
    ins.Bind(5, std::string_view(f.key));
    ins.Bind(6, std::string_view(f.account));
    ins.BindOpt(7, f.query_time, kNoTime);
    ins.Bind(8, std::string_view(f.txn_id));
    ins.Bind(9, std::string_view(f.service_code));
    ins.Bind(10, std::string_view(f.subject_id));
    ins.Bind(11, std::string_view(f.reg_no));
    ins.Bind(12, std::string_view(f.request_no));
    ins.BindOpt(13, f.date, kNoDate);
    ins.Bind(14, std::string_view(f.detail));
    LIAUDIT_RETURN_IF_ERROR(ins.Run());
    int64_t fid = sqlite3_last_insert_rowid(impl_->db);
    int eseq = 0;
    for (const Evidence& e : f.evidence) {
      ev.Bind(1, fid);
      ev.Bind(2, eseq++);
      ev.Bind(3, static_cast<int>(e.kind));
      ev.Bind(4, e.id);
      ev.Bind(5, std::string_view(e.label));
      LIAUDIT_RETURN_IF_ERROR(ev.Run());
    }
  }
  return tx.Commit();
}

Status Store::LoadFindings(int64_t job_id, std::vector<Finding>* out) {
  out->clear();
  Stmt s, ev;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT id, rule_id, severity, key, account, query_time, txn_id, service_code,"
                                    " subject_id, reg_no, request_no, date, detail FROM findings WHERE job_id=?"
                                    " ORDER BY seq"));
  LIAUDIT_RETURN_IF_ERROR(
      ev.Prepare(impl_->db, "SELECT kind, row_id, label FROM finding_evidence WHERE finding_id=? ORDER BY seq"));
  s.Bind(1, job_id);
  LIAUDIT_FOR_EACH_ROW(s) {
    Finding f;
    int64_t fid = s.Int(0);
    f.rule_id = s.Text(1);
    f.severity = static_cast<Severity>(s.Int(2));
    f.key = s.Text(3);
    f.account = s.Text(4);
    f.query_time = s.IntOr(5, kNoTime);
    f.txn_id = s.Text(6);
    f.service_code = s.Text(7);
    f.subject_id = s.Text(8);
    f.reg_no = s.Text(9);
    f.request_no = s.Text(10);
    f.date = static_cast<Date>(s.IntOr(11, kNoDate));
    f.detail = s.Text(12);
    ev.Bind(1, fid);
    LIAUDIT_FOR_EACH_ROW(ev) {
      Evidence e{static_cast<Evidence::Kind>(ev.Int(0)), ev.Int(1), ev.Text(2)};
      f.evidence.push_back(std::move(e));
    }
    out->push_back(std::move(f));
  }
  return Status::OK();
}

Status Store::OpenFollowUp(const Finding& f, int64_t job_id, Date due) {
  Transaction tx(impl_->db);
  LIAUDIT_RETURN_IF_ERROR(tx.Begin());
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "INSERT INTO followups(key, rule_id, account, severity, first_job, due, state,"
                                    " detail) VALUES(?,?,?,?,?,?,'open',?) ON CONFLICT(key) DO NOTHING"));
  s.Bind(1, std::string_view(f.key));
  s.Bind(2, std::string_view(f.rule_id));
  s.Bind(3, std::string_view(f.account));
  s.Bind(4, static_cast<int>(f.severity));
  if (job_id > 0) s.Bind(5, job_id); else s.BindNull(5);
  s.BindOpt(6, due, kNoDate);
  s.Bind(7, std::string_view(f.detail));
  LIAUDIT_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(impl_->db) == 0) return Status::OK();  // already open: left as it is
  internal::FollowUpLogEntry e;
  e.key = f.key;
  e.event = "open";
  e.to_state = "open";
  e.rule_id = f.rule_id;
  e.account = f.account;
  e.severity = static_cast<int>(f.severity);
  e.job_id = job_id;
  e.due = due;
  e.detail = f.detail;
  LIAUDIT_RETURN_IF_ERROR(internal::AppendFollowUpLog(impl_->db, e));
  return tx.Commit();
}

Status Store::SetFollowUpState(const std::string& key, FollowUpState state, const std::string& by, LocalTime when,
                               const std::string& note) {
  Transaction tx(impl_->db);
  LIAUDIT_RETURN_IF_ERROR(tx.Begin());
  Stmt get;
  LIAUDIT_RETURN_IF_ERROR(get.Prepare(impl_->db, "SELECT state FROM followups WHERE key=?"));
  get.Bind(1, std::string_view(key));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(get.Step(&row));
  if (!row) return Status::NotFound("no follow-up with key " + key);
  std::string from = get.Text(0);
  get.Reset();
  std::string_view to = FollowUpStateName(state);
  Stmt upd;
  LIAUDIT_RETURN_IF_ERROR(
      upd.Prepare(impl_->db, "UPDATE followups SET state=?, updated_by=?, updated_at=?, note=? WHERE key=?"));
  upd.Bind(1, to);
  upd.Bind(2, std::string_view(by));
  upd.BindOpt(3, when, kNoTime);
  upd.Bind(4, std::string_view(note));
  upd.Bind(5, std::string_view(key));
  LIAUDIT_RETURN_IF_ERROR(upd.Run());
  internal::FollowUpLogEntry e;
  e.key = key;
  e.event = "state";
  e.from_state = from;
  e.to_state = std::string(to);
  e.by = by;
  e.at = when == kNoTime ? NowLocal() : when;
  e.note = note;
  LIAUDIT_RETURN_IF_ERROR(internal::AppendFollowUpLog(impl_->db, e));
  return tx.Commit();
}

Status Store::ListFollowUps(std::vector<FollowUp>* out) {
  out->clear();
  Stmt s;
  // NULL due dates sort last: a follow-up without a due date is the least urgent.
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT key, rule_id, account, severity, first_job, due, state, updated_by,"
                                    " updated_at, note, detail FROM followups ORDER BY due IS NULL, due, key"));
  LIAUDIT_FOR_EACH_ROW(s) {
    FollowUp f;
    f.key = s.Text(0);
    f.rule_id = s.Text(1);
    f.account = s.Text(2);
    f.severity = static_cast<Severity>(s.Int(3));
    f.first_job = s.IntOr(4, 0);
    f.due = static_cast<Date>(s.IntOr(5, kNoDate));
    f.state = ParseFollowUpState(s.View(6));
    f.updated_by = s.Text(7);
    f.updated_at = s.IntOr(8, kNoTime);
    f.note = s.Text(9);
    f.detail = s.Text(10);
    out->push_back(std::move(f));
  }
  return Status::OK();
}

Status Store::FollowUpHistory(const std::string& key, std::vector<FollowUpChange>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(
      impl_->db, "SELECT from_state, to_state, by, at, note FROM followup_log WHERE key=? AND event='state' ORDER BY id"));
  s.Bind(1, std::string_view(key));
  LIAUDIT_FOR_EACH_ROW(s) {
    FollowUpChange c;
    c.key = key;
    c.from = ParseFollowUpState(s.View(0));
    c.to = ParseFollowUpState(s.View(1));
    c.by = s.Text(2);
    c.at = s.Int(3);
    c.note = s.Text(4);
    out->push_back(std::move(c));
  }
  return Status::OK();
}

// ---- Provenance ------------------------------------------------------------

Status Store::ListSourceFiles(std::vector<SourceFile>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT id, path, sha256, kind, encoding, bytes, rows_read, rows_taken,"
                                    " rows_duplicate, rows_conflict, rows_rejected, ingested_at, as_of, error"
                                    " FROM source_files ORDER BY id"));
  LIAUDIT_FOR_EACH_ROW(s) {
    SourceFile f;
    f.id = s.Int(0);
    f.path = s.Text(1);
    f.sha256 = s.Text(2);
    f.kind = s.Text(3);
    f.encoding = s.Text(4);
    f.bytes = s.Int(5);
    f.rows_read = static_cast<long>(s.Int(6));
    f.taken = static_cast<long>(s.Int(7));
    f.duplicates = static_cast<long>(s.Int(8));
    f.conflicts = static_cast<long>(s.Int(9));
    f.rejected = static_cast<long>(s.Int(10));
    f.ingested_at = s.IntOr(11, kNoTime);
    f.as_of = s.IntOr(12, kNoTime);
    f.error = s.Text(13);
    out->push_back(std::move(f));
  }
  return Status::OK();
}

Status Store::ListQuarantine(std::vector<Reject>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, "SELECT path, line, col, reason, raw FROM quarantine ORDER BY id"));
  LIAUDIT_FOR_EACH_ROW(s) {
    Reject r;
    r.file = s.Text(0);
    r.line = static_cast<long>(s.Int(1));
    r.column = static_cast<long>(s.Int(2));
    r.reason = s.Text(3);
    r.raw = s.Text(4);
    out->push_back(std::move(r));
  }
  return Status::OK();
}

Status Store::CountQuarantined(LocalTime from, LocalTime to, long* n) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(
      s.Prepare(impl_->db, "SELECT COUNT(*) FROM quarantine WHERE quarantined_at BETWEEN ? AND ?"));
  s.Bind(1, from);
  s.Bind(2, to);
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  *n = row ? static_cast<long>(s.Int(0)) : 0;
  s.Reset();
  return Status::OK();
}

Status Store::QueryRaw(int64_t id, std::string* file, long* line, std::string* raw) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(
      impl_->db, "SELECT f.path, q.line, q.raw FROM queries q JOIN source_files f ON f.id = q.file_id WHERE q.id=?"));
  s.Bind(1, id);
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  if (!row) return Status::NotFound("no query with id " + std::to_string(id));
  *file = s.Text(0);
  *line = static_cast<long>(s.Int(1));
  *raw = s.Text(2);
  s.Reset();
  return Status::OK();
}

Status Store::RegisterHistoryOf(InputKind kind, RegisterHistory* out) {
  *out = RegisterHistory();
  Stmt n;
  LIAUDIT_RETURN_IF_ERROR(n.Prepare(impl_->db,
                                    "SELECT COUNT(*), COALESCE(MAX(rows_read - rows_rejected), 0) FROM source_files"
                                    " WHERE kind=? AND error=''"));
  n.Bind(1, std::string_view(InputKindName(kind)));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(n.Step(&row));
  if (row) {
    out->files_taken = static_cast<long>(n.Int(0));
    out->most_rows_held = std::max(0L, static_cast<long>(n.Int(1)));
  }
  n.Reset();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT rows_read, path, ingested_at, rows_rejected FROM source_files"
                                    " WHERE kind=? AND error='' ORDER BY id DESC LIMIT 2"));
  s.Bind(1, std::string_view(InputKindName(kind)));
  int k = 0;
  LIAUDIT_FOR_EACH_ROW(s) {
    if (k++ == 0) {
      out->latest_rows = static_cast<long>(s.Int(0));
      out->latest_path = s.Text(1);
      out->latest_ingested = s.Int(2);
      out->latest_rejected = static_cast<long>(s.Int(3));
    } else {
      out->previous_rows = static_cast<long>(s.Int(0));
      out->previous_path = s.Text(1);
    }
  }
  return Status::OK();
}

}  // namespace liaudit::store
