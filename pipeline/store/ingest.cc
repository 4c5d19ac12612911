// Store::IngestDirectory / IngestFiles: the parser's records into the store.
//
// One transaction per run, one savepoint per file: a file the parser rejects
// whole leaves no row behind, and a store error leaves nothing of the run.
// Platform rows are inserted as they stream in. A register file is a snapshot:
// 附表2 registrations (one row per key, and the register that grows to hundreds of
// thousands of rows) stream into it row by row; the small registers are buffered per
// file and applied once the file parsed.
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/digest.h"
#include "core/text.h"
#include "ingest/encoding.h"
#include "ingest/parse.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/ingester.h"
#include "store/registers.h"
#include "store/store_impl.h"

namespace liaudit::store {

using internal::Exec;
using internal::HashTxn;
using internal::Ingester;
using internal::Stmt;
using internal::Transaction;

namespace {

// Runs the parser of a platform file on a second thread and hands its rows over in
// batches, so decoding and validating overlap with SQLite's work on this thread
// (the machine has two cores). The queue is bounded: memory stays constant.
class PipelinedParse : public ingest::Sink {
 public:
  // Starts parsing `path` on a second thread into the bounded queue; *info is written
  // by that thread and may be read once Consume returned. Destroying the object before
  // (or without) Consume stops the parser and joins it: nothing is handed over.
  PipelinedParse(const std::string& path, ingest::SourceInfo* info) {
    worker_ = std::thread([this, path, info] {
      parse_status_ = ingest::ParseFile(path, InputKind::kPlatform, this, info);
      Push(/*last=*/true);
    });
  }
  ~PipelinedParse() {
    if (worker_.joinable()) {
      Abort();
      worker_.join();
    }
  }
  PipelinedParse(const PipelinedParse&) = delete;
  PipelinedParse& operator=(const PipelinedParse&) = delete;

  // Calls target->PlatformRow(q, line, raw, HashTxn(txn_id)) / OnReject on the calling
  // thread, in file order, and target->Prefetch(hash) a few rows ahead (the duplicate
  // table's look-up was a cache miss per row). Returns the parser's Status, or the first
  // error the target returned.
  template <typename Target>
  Status Consume(Target* target) {
    PipelinedParse& p = *this;
    Status st;
    constexpr size_t kAhead = 8;
    for (;;) {
      Batch b;
      if (!p.Pop(&b)) break;
      if (b.header) target->OnHeader(*b.header);
      for (size_t i = 0; i < kAhead && i < b.rows.size(); ++i) target->Prefetch(b.rows[i].hash);
      for (size_t i = 0; st.ok() && i < b.rows.size(); ++i) {
        if (i + kAhead < b.rows.size()) target->Prefetch(b.rows[i + kAhead].hash);
        const Row& r = b.rows[i];
        st = target->PlatformRow(r.q, r.line, r.raw, r.hash);
      }
      if (st.ok()) {
        for (const Reject& r : b.rejects) target->OnReject(r);
      }
      if (!st.ok()) {
        p.Abort();
        break;
      }
    }
    worker_.join();
    return st.ok() ? parse_status_ : st;
  }

  Status OnPlatform(const PlatformQuery& q, long line, std::string_view raw) override {
    cur_.rows.push_back({q, line, std::string(raw), HashTxn(q.txn_id)});
    if (cur_.rows.size() >= kBatchRows) return Push(false);
    return Status::OK();
  }
  void OnReject(const Reject& r) override { cur_.rejects.push_back(r); }
  void OnHeader(const ingest::HeaderMap& map) override { cur_.header = map; }
  Status OnPermission(const PermissionRecord&, long, std::string_view) override { return Unexpected(); }
  Status OnRegistration(const RegistrationRecord&, long, std::string_view) override { return Unexpected(); }
  Status OnRequest(const RequestRow&, long, std::string_view) override { return Unexpected(); }
  Status OnStaff(const StaffRecord&, long, std::string_view) override { return Unexpected(); }
  Status OnCalendar(const CalendarDay&, long, std::string_view) override { return Unexpected(); }

 private:
  static constexpr size_t kBatchRows = 2048;
  static constexpr size_t kMaxBatches = 8;
  struct Row {
    PlatformQuery q;
    long line;
    std::string raw;
    uint64_t hash;  // HashTxn(q.txn_id), computed on the parser's thread
  };
  struct Batch {
    std::optional<ingest::HeaderMap> header;  // in the first batch
    std::vector<Row> rows;
    std::vector<Reject> rejects;
  };
  static Status Unexpected() { return Status::Internal("store: non-platform record from a platform file"); }

  Status Push(bool last) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return aborted_ || queue_.size() < kMaxBatches; });
    if (aborted_) return Status::Internal("store: ingest aborted");
    if (cur_.header || !cur_.rows.empty() || !cur_.rejects.empty()) queue_.push_back(std::move(cur_));
    cur_ = Batch();
    if (last) done_ = true;
    cv_.notify_all();
    return Status::OK();
  }
  bool Pop(Batch* b) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return done_ || !queue_.empty(); });
    if (queue_.empty()) return false;
    *b = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return true;
  }
  void Abort() {
    std::lock_guard<std::mutex> lock(mu_);
    aborted_ = true;
    cv_.notify_all();
  }

  std::thread worker_;
  Status parse_status_;  // written by the worker; read after join
  Batch cur_;  // filled by the worker only
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  bool done_ = false;
  bool aborted_ = false;
};

// SQLite's descriptor of the main database file, found in /proc/self/fd by device and
// inode; -1 if none is found. It stays SQLite's: it is only used, never closed (closing
// any descriptor of the file would drop SQLite's POSIX locks on it).
int DatabaseFd(sqlite3* db) {
  const char* path = sqlite3_db_filename(db, "main");
  struct stat want;
  if (!path || !*path || stat(path, &want) != 0) return -1;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int found = -1;
  const int own = dirfd(dir);
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    struct stat got;
    if (fstat(static_cast<int>(fd), &got) == 0 && S_ISREG(got.st_mode) && got.st_dev == want.st_dev &&
        got.st_ino == want.st_ino) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}

}  // namespace

namespace internal {

Status Ingester::Prepare() {
  bool row = false;
  Stmt any;
  LIAUDIT_RETURN_IF_ERROR(any.Prepare(db_, "SELECT EXISTS(SELECT 1 FROM queries)"));
  LIAUDIT_RETURN_IF_ERROR(any.Step(&row));
  bulk_ = row && any.Int(0) == 0;
  any.Reset();
  if (bulk_) {
    LIAUDIT_RETURN_IF_ERROR(internal::DropQueryIndexes(db_));
    db_fd_ = DatabaseFd(db_);
  }
  const char* cols = internal::kQueryColumns;
  LIAUDIT_RETURN_IF_ERROR(ins_query_.Prepare(
      db_, (std::string("INSERT INTO queries(") + cols +
            ", file_id, line, raw, account_time) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
               .c_str()));
  LIAUDIT_RETURN_IF_ERROR(ins_conflict_.Prepare(
      db_, (std::string("INSERT INTO query_conflicts(") + cols +
            ", file_id, line, raw, query_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
               .c_str()));
  LIAUDIT_RETURN_IF_ERROR(
      query_by_id_.Prepare(db_, (std::string("SELECT id, ") + cols + " FROM queries WHERE id=?").c_str()));
  LIAUDIT_RETURN_IF_ERROR(
      query_by_txn_.Prepare(db_, (std::string("SELECT id, ") + cols + " FROM queries WHERE txn_id=?").c_str()));
  LIAUDIT_RETURN_IF_ERROR(conflicts_of_.Prepare(
      db_, (std::string("SELECT id, ") + cols + " FROM query_conflicts WHERE txn_id=?").c_str()));
  LIAUDIT_RETURN_IF_ERROR(where_stored_.Prepare(
      db_, "SELECT f.path, q.line FROM queries q JOIN source_files f ON f.id=q.file_id WHERE q.id=?"));
  LIAUDIT_RETURN_IF_ERROR(ins_account_.Prepare(db_, "INSERT INTO accounts(account) VALUES(?)"));
  LIAUDIT_RETURN_IF_ERROR(
      ins_account_time_.Prepare(db_, "INSERT INTO query_accounts(account_time, query_id) VALUES(?,?)"));
  LIAUDIT_RETURN_IF_ERROR(lookup_stat_.Prepare(
      db_, "SELECT size, inode, mtime_ns, ctime_ns, sha256 FROM file_stats WHERE path = ?"));
  LIAUDIT_RETURN_IF_ERROR(remember_stat_.Prepare(
      db_, "INSERT OR REPLACE INTO file_stats(path, size, inode, mtime_ns, ctime_ns, sha256) VALUES(?,?,?,?,?,?)"));
  LIAUDIT_RETURN_IF_ERROR(ins_key_.Prepare(
      db_, "INSERT INTO register_keys(kind, key, first_seen, current_version, content_sha256) VALUES(?,?,?,1,?)"));
  LIAUDIT_RETURN_IF_ERROR(ins_key_placeholder_.Prepare(
      db_, "INSERT INTO register_keys(kind, key, first_seen, current_version, content_sha256) VALUES(?,?,?,0,'')"));
  LIAUDIT_RETURN_IF_ERROR(upd_key_.Prepare(
      db_,
      "UPDATE register_keys SET current_version=?, content_sha256=?, withdrawn=0, withdrawn_at=NULL WHERE id=?"));
  LIAUDIT_RETURN_IF_ERROR(withdraw_.Prepare(
      db_, "UPDATE register_keys SET withdrawn=1, withdrawn_at=? WHERE id=? AND withdrawn=0"));
  LIAUDIT_RETURN_IF_ERROR(ins_reg_.Prepare(db_, internal::InsertSql(internal::RegistrationColumns()).c_str()));
  LIAUDIT_RETURN_IF_ERROR(LoadAccounts());
  LIAUDIT_RETURN_IF_ERROR(ins_reject_.Prepare(
      db_, "INSERT INTO quarantine(file_id, path, line, col, reason, raw, quarantined_at) VALUES(?,?,?,?,?,?,?)"));
  return Status::OK();
}


Status Ingester::Finish() {
  if (!bulk_) return Status::OK();
  std::sort(account_times_.begin(), account_times_.end());
  // kBatch rows per statement: one sqlite3_step per row cost more than the B-tree work.
  constexpr size_t kBatch = 256;
  std::string sql = "INSERT INTO query_accounts(account_time, query_id) VALUES(?,?)";
  for (size_t i = 1; i < kBatch; ++i) sql += ",(?,?)";
  Stmt batch;
  LIAUDIT_RETURN_IF_ERROR(batch.Prepare(db_, sql.c_str()));
  size_t i = 0;
  for (; i + kBatch <= account_times_.size(); i += kBatch) {
    for (size_t j = 0; j < kBatch; ++j) {
      batch.Bind(static_cast<int>(2 * j + 1), account_times_[i + j].first);
      batch.Bind(static_cast<int>(2 * j + 2), account_times_[i + j].second);
    }
    LIAUDIT_RETURN_IF_ERROR(batch.Run());
  }
  for (; i < account_times_.size(); ++i)
    LIAUDIT_RETURN_IF_ERROR(AddAccountTime(account_times_[i].first, account_times_[i].second));
  std::vector<std::pair<int64_t, int64_t>>().swap(account_times_);
  StartWriteback();
  LIAUDIT_RETURN_IF_ERROR(internal::CreateQueryIndexes(db_));
  StartWriteback();
  return Status::OK();
}


Status Ingester::AddReject(Reject r) {
  r.file = cur_.path;  // the parser names the file by the path it opened
  ins_reject_.Bind(1, file_id_);
  ins_reject_.Bind(2, std::string_view(r.file));
  ins_reject_.Bind(3, r.line);
  ins_reject_.Bind(4, r.column);
  ins_reject_.Bind(5, std::string_view(r.reason));
  ins_reject_.Bind(6, std::string_view(r.raw));
  ins_reject_.Bind(7, as_of_);
  LIAUDIT_RETURN_IF_ERROR(ins_reject_.Run());
  file_rejects_.push_back(r);
  ++cur_.rejected;
  return Status::OK();
}


Status Ingester::RejectRow(long line, const std::string& reason, const std::string& raw, int field) {
  Reject r;
  r.file = cur_.path;
  r.line = line;
  r.column = ColumnOf(field);
  r.reason = reason;
  r.raw = raw;
  return AddReject(r);
}


// Already taken? Platform files and calendars add rows, so any earlier copy counts; a
// register file is a snapshot, so only its latest snapshot counts (going back to an older
// snapshot's exact bytes must take effect again). Rows of the file being ingested (a
// bulk load records its hash at the end) never count. When taken, cur_ is reported as
// already ingested, with the earlier copy's figures.
Status Ingester::AlreadyTaken(InputKind kind, bool* taken, const std::string& real_path) {
  *taken = false;
  Stmt s;
  bool snapshot = kind != InputKind::kPlatform && kind != InputKind::kCalendar;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(
      db_, snapshot ? "SELECT sha256 = ?2 FROM source_files WHERE kind=?1 AND error='' ORDER BY id DESC LIMIT 1"
                    : "SELECT 1 FROM source_files WHERE kind=?1 AND sha256=?2 AND error='' LIMIT 1"));
  s.Bind(1, std::string_view(cur_.kind));
  s.Bind(2, std::string_view(cur_.sha256));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  first_snapshot_ = !row;
  if (row && s.Int(0) == 1) {
    s.Reset();
    *taken = true;
    cur_.already_ingested = true;
    Stmt prev;
    LIAUDIT_RETURN_IF_ERROR(prev.Prepare(
        db_, "SELECT encoding, bytes, rows_read FROM source_files WHERE kind=? AND sha256=? ORDER BY id DESC LIMIT 1"));
    prev.Bind(1, std::string_view(cur_.kind));
    prev.Bind(2, std::string_view(cur_.sha256));
    LIAUDIT_RETURN_IF_ERROR(prev.Step(&row));
    if (row) {
      cur_.encoding = prev.Text(0);
      cur_.bytes = prev.Int(1);
      cur_.rows_read = static_cast<long>(prev.Int(2));
    }
    prev.Reset();
    if (!real_path.empty()) cur_.header_aliases = ingest::HeaderAliasesOfFile(real_path, kind);
    report_->files.push_back(cur_);
  }
  return Status::OK();
}

bool Ingester::StatFile(const std::string& path, FileStat* out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  std::error_code ec;
  out->path = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) return false;
  out->size = static_cast<int64_t>(st.st_size);
  out->inode = static_cast<int64_t>(st.st_ino);
  out->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  out->ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return true;
}

Status Ingester::CachedSha(const FileStat& st, std::string* sha, bool* found) {
  *found = false;
  lookup_stat_.Bind(1, std::string_view(st.path));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(lookup_stat_.Step(&row));
  if (row && lookup_stat_.Int(0) == st.size && lookup_stat_.Int(1) == st.inode && lookup_stat_.Int(2) == st.mtime_ns &&
      lookup_stat_.Int(3) == st.ctime_ns && lookup_stat_.View(4).size() == 64) {
    *sha = lookup_stat_.Text(4);
    *found = true;
  }
  lookup_stat_.Reset();
  return Status::OK();
}

Status Ingester::RememberSha(const std::string& path, const FileStat& before, const std::string& sha) {
  // Only if the file did not change while it was read (else the hash is of neither version).
  FileStat after;
  if (!StatFile(path, &after) || !(after == before)) return Status::OK();
  remember_stat_.Bind(1, std::string_view(before.path));
  remember_stat_.Bind(2, before.size);
  remember_stat_.Bind(3, before.inode);
  remember_stat_.Bind(4, before.mtime_ns);
  remember_stat_.Bind(5, before.ctime_ns);
  remember_stat_.Bind(6, std::string_view(sha));
  return remember_stat_.Run();
}

Status Ingester::IngestFile(const std::string& real_path, InputKind kind) {
  // The file is read through real_path; it is named (store, reports, messages) by `path`,
  // which is real_path unless that is not UTF-8 (ingest::DisplayPath).
  const std::string path = ingest::DisplayPath(real_path);
  auto shown = [&](std::string msg) {
    if (path == real_path) return msg;
    for (size_t at = msg.find(real_path); at != std::string::npos; at = msg.find(real_path, at + path.size()))
      msg.replace(at, real_path.size(), path);
    return msg;
  };
  cur_ = FileResult();
  cur_.path = path;
  cur_.kind = InputKindName(kind);
  kind_ = kind;
  header_ = ingest::HeaderMap();
  file_rejects_.clear();
  perms_.clear();
  reqs_.clear();
  staff_.clear();
  cal_.clear();
  sink_failed_ = false;
  sink_status_ = Status::OK();

  if (auto refused = refused_.find(real_path); refused != refused_.end()) {
    if (!ingest::Sha256File(real_path, &cur_.sha256).ok()) cur_.sha256.clear();
    return RecordRejectedFile(refused->second);
  }

  // A platform file starts parsing now, on the second thread, while this one hashes
  // the file for the "already taken?" check (both read it; the hash was ~0.4 s of one
  // core alone before any row moved). Nothing is handed over before the check passed;
  // an early return below stops and joins the parser (~PipelinedParse).
  //
  // In a bulk load (an empty store) a platform file is not hashed first: its rows go in
  // while the parser hashes the bytes it reads, and the check runs at the end of the file
  // (undoing the file if its content was taken before). Only a copy of a file of the same
  // run can be caught there, and the separate pass cost ~0.4 s of this thread per 150 MB.
  //
  // A file unchanged since it was last hashed (file_stats: same size, inode, mtime and
  // ctime) is not read at all: its hash is the recorded one.
  ingest::SourceInfo info;
  std::unique_ptr<PipelinedParse> platform_parse;
  const bool hash_after = bulk_ && kind == InputKind::kPlatform;
  FileStat stat_before;
  const bool have_stat = StatFile(real_path, &stat_before);
  auto start_parse = [&] {
    if (kind == InputKind::kPlatform && !platform_parse) platform_parse = std::make_unique<PipelinedParse>(real_path, &info);
  };
  if (!hash_after) {
    bool cached = false;
    if (have_stat) LIAUDIT_RETURN_IF_ERROR(CachedSha(stat_before, &cur_.sha256, &cached));
    if (!cached) {
      start_parse();  // overlaps with the hash
      Status hs = ingest::Sha256File(real_path, &cur_.sha256);
      if (!hs.ok()) {
        ReportRejectedFile(shown(hs.message()));  // unreadable: nothing to record in the store
        report_->files.push_back(cur_);
        return Status::OK();
      }
      if (have_stat) LIAUDIT_RETURN_IF_ERROR(RememberSha(real_path, stat_before, cur_.sha256));
    }
    bool taken = false;
    LIAUDIT_RETURN_IF_ERROR(AlreadyTaken(kind, &taken, real_path));
    if (taken) return Status::OK();
  }
  start_parse();

  LIAUDIT_RETURN_IF_ERROR(Exec(db_, "SAVEPOINT file"));
  Stmt ins_file;
  LIAUDIT_RETURN_IF_ERROR(ins_file.Prepare(
      db_, "INSERT INTO source_files(path, sha256, kind, ingested_at, as_of) VALUES(?,?,?,?,?)"));
  ins_file.Bind(1, std::string_view(path));
  ins_file.Bind(2, std::string_view(cur_.sha256));
  ins_file.Bind(3, std::string_view(cur_.kind));
  ins_file.Bind(4, NowLocal());
  ins_file.Bind(5, as_of_);
  LIAUDIT_RETURN_IF_ERROR(ins_file.Run());
  file_id_ = sqlite3_last_insert_rowid(db_);
  int64_t last_query_before = 0;
  if (bulk_) {
    Stmt m;
    LIAUDIT_RETURN_IF_ERROR(m.Prepare(db_, "SELECT COALESCE(MAX(id), 0) FROM queries"));
    bool row = false;
    LIAUDIT_RETURN_IF_ERROR(m.Step(&row));
    last_query_before = m.Int(0);
    m.Reset();
  }

  if (bulk_ && kind == InputKind::kPlatform) {
    // Platform rows are about 100-150 bytes: size the duplicate table for the file once.
    if (have_stat) {
      const auto rows = static_cast<size_t>(stat_before.size / 96);
      memo_.Reserve(rows);
      account_times_.reserve(account_times_.size() + rows);
    }
  }
  if (kind == InputKind::kRegistrations) LIAUDIT_RETURN_IF_ERROR(BeginSnapshot("registrations"));
  Status ps = kind == InputKind::kPlatform ? platform_parse->Consume(this)
                                           : ingest::ParseFile(real_path, kind, this, &info);
  if (ps.ok()) ps = sink_status_;
  if (!ps.ok() && (sink_failed_ || !sink_status_.ok())) return ps;  // the store failed: abort the run
  // Undoes what the file left (its savepoint), and what the bulk load remembers of it.
  auto undo_file = [&]() -> Status {
    LIAUDIT_RETURN_IF_ERROR(Exec(db_, "ROLLBACK TO file; RELEASE file"));
    std::unordered_map<std::string, KeyState>().swap(keys_);  // a streamed snapshot's keys
    if (bulk_) {
      memo_.ForgetAbove(last_query_before);
      account_times_.erase(std::remove_if(account_times_.begin(), account_times_.end(),
                                          [&](const auto& p) { return p.second > last_query_before; }),
                           account_times_.end());
    }
    return LoadAccounts();  // accounts the file added are gone too
  };
  if (hash_after) {
    if (ps.ok() && info.sha256.size() == 64) {
      cur_.sha256 = info.sha256;
      if (have_stat) LIAUDIT_RETURN_IF_ERROR(RememberSha(real_path, stat_before, cur_.sha256));
    } else {
      Status hs = ingest::Sha256File(real_path, &cur_.sha256);  // the parse stopped early
      if (!hs.ok() && ps.ok()) ps = hs;
    }
    if (ps.ok()) {
      FileResult read = cur_;
      cur_ = FileResult();
      cur_.path = read.path;
      cur_.kind = read.kind;
      cur_.sha256 = read.sha256;
      cur_.header_aliases = header_.aliases;  // set by OnHeader during the parse
      bool taken = false;
      LIAUDIT_RETURN_IF_ERROR(AlreadyTaken(kind, &taken));
      if (taken) return undo_file();
      cur_ = read;
    }
  }
  cur_.encoding = info.encoding;
  cur_.bytes = info.bytes;
  cur_.rows_read = info.rows_read;
  cur_.header_aliases = header_.aliases;
  if (ps.ok()) {
    switch (kind) {
      case InputKind::kPermissions: ps = ApplyPermissions(); break;
      case InputKind::kRegistrations: ps = FinishSnapshot(); break;
      case InputKind::kRequests: ps = ApplyRequests(); break;
      case InputKind::kStaff: ps = ApplyStaff(); break;
      case InputKind::kCalendar: ps = ApplyCalendar(); break;
      case InputKind::kPlatform: break;
    }
    LIAUDIT_RETURN_IF_ERROR(ps);
    Stmt upd;
    LIAUDIT_RETURN_IF_ERROR(upd.Prepare(db_,
                                        "UPDATE source_files SET encoding=?, bytes=?, rows_read=?, rows_taken=?,"
                                        " rows_duplicate=?, rows_conflict=?, rows_rejected=?, sha256=? WHERE id=?"));
    upd.Bind(1, std::string_view(cur_.encoding));
    upd.Bind(2, cur_.bytes);
    upd.Bind(3, cur_.rows_read);
    upd.Bind(4, cur_.taken);
    upd.Bind(5, cur_.duplicates);
    upd.Bind(6, cur_.conflicts);
    upd.Bind(7, cur_.rejected);
    upd.Bind(8, std::string_view(cur_.sha256));
    upd.Bind(9, file_id_);
    LIAUDIT_RETURN_IF_ERROR(upd.Run());
    LIAUDIT_RETURN_IF_ERROR(Exec(db_, "RELEASE file"));
    report_->rejects.insert(report_->rejects.end(), file_rejects_.begin(), file_rejects_.end());
    report_->taken += cur_.taken;
    report_->duplicates += cur_.duplicates;
    report_->conflicts += cur_.conflicts;
    report_->rejected += cur_.rejected;
    report_->files.push_back(cur_);
    return Status::OK();
  }

  // Whole file rejected: undo whatever it left, then record the attempt.
  LIAUDIT_RETURN_IF_ERROR(undo_file());
  FileResult failed;
  failed.path = path;
  failed.sha256 = cur_.sha256;
  failed.kind = cur_.kind;
  failed.encoding = info.encoding;
  failed.bytes = info.bytes;
  failed.rows_read = info.rows_read;
  cur_ = failed;
  return RecordRejectedFile(shown(ps.message()));
}

// A file rejected whole (cur_ describes it), in the run's report.
void Ingester::ReportRejectedFile(const std::string& msg) {
  cur_.error = msg;
  Reject r;
  r.file = cur_.path;
  r.reason = msg;
  report_->rejects.push_back(r);
  ++report_->rejected;
  cur_.rejected = 1;
}

// A file rejected whole (cur_ describes it): in the report, and recorded once per distinct
// content with its reason in provenance (source_files.error) and quarantine.
Status Ingester::RecordRejectedFile(const std::string& msg) {
  ReportRejectedFile(msg);
  Stmt seen;
  LIAUDIT_RETURN_IF_ERROR(seen.Prepare(db_, "SELECT 1 FROM source_files WHERE kind=? AND sha256=? AND error<>''"));
  seen.Bind(1, std::string_view(cur_.kind));
  seen.Bind(2, std::string_view(cur_.sha256));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(seen.Step(&row));
  seen.Reset();
  if (!row) {
    Stmt ins;
    LIAUDIT_RETURN_IF_ERROR(ins.Prepare(db_,
                                        "INSERT INTO source_files(path, sha256, kind, encoding, bytes, rows_read,"
                                        " rows_rejected, ingested_at, as_of, error) VALUES(?,?,?,?,?,?,1,?,?,?)"));
    ins.Bind(1, std::string_view(cur_.path));
    ins.Bind(2, std::string_view(cur_.sha256));
    ins.Bind(3, std::string_view(cur_.kind));
    ins.Bind(4, std::string_view(cur_.encoding));
    ins.Bind(5, cur_.bytes);
    ins.Bind(6, cur_.rows_read);
    ins.Bind(7, NowLocal());
    ins.Bind(8, as_of_);
    ins.Bind(9, std::string_view(cur_.error));
    LIAUDIT_RETURN_IF_ERROR(ins.Run());
    file_id_ = sqlite3_last_insert_rowid(db_);
    ins_reject_.Bind(1, file_id_);
    ins_reject_.Bind(2, std::string_view(cur_.path));
    ins_reject_.Bind(3, 0);
    ins_reject_.Bind(4, 0);
    ins_reject_.Bind(5, std::string_view(cur_.error));
    ins_reject_.Bind(6, std::string_view());
    ins_reject_.Bind(7, as_of_);
    LIAUDIT_RETURN_IF_ERROR(ins_reject_.Run());
  }
  report_->files.push_back(cur_);
  return Status::OK();
}

}  // namespace internal

Status Store::IngestFiles(const std::vector<std::pair<std::string, InputKind>>& files, LocalTime as_of,
                          IngestReport* report, const std::map<std::string, std::string>& refused) {
  *report = IngestReport();
  sqlite3* db = impl_->db;
  // A first bulk load (no queries yet) runs with a rollback journal instead of WAL:
  // pages of the new table then go to the database file once (a rollback journal
  // holds nothing for pages that did not exist), instead of into the WAL and again at
  // the checkpoint, and the index builds read them back without walking a WAL index
  // of a hundred thousand frames. The switch needs the only open connection; if
  // another process has the store open it simply stays in WAL.
  bool journal_switched = false;
  {
    Stmt any;
    LIAUDIT_RETURN_IF_ERROR(any.Prepare(db, "SELECT EXISTS(SELECT 1 FROM queries)"));
    bool row = false;
    LIAUDIT_RETURN_IF_ERROR(any.Step(&row));
    bool empty = row && any.Int(0) == 0;
    any.Reset();
    bool has_platform = std::any_of(files.begin(), files.end(),
                                    [](const auto& f) { return f.second == InputKind::kPlatform; });
    if (empty && has_platform) {
      Stmt jm;
      LIAUDIT_RETURN_IF_ERROR(jm.Prepare(db, "PRAGMA journal_mode=TRUNCATE"));
      Status st = jm.Step(&row);
      journal_switched = st.ok() && row && jm.View(0) == "truncate";
      jm.Reset();
    }
  }
  Status st;
  {
    Transaction tx(db);
    st = tx.Begin();
    Ingester ing(db, as_of, report);
    // A register is one snapshot file: a second file of the same register in one run
    // (Permissions.csv beside permissions.csv) would withdraw what the first one took.
    // The one named as inputs.md names it is taken (else the first in order); the others
    // are rejected whole, every run, until removed.
    std::map<InputKind, size_t> chosen;
    for (const auto& [path, why] : refused) ing.Refuse(path, ingest::DisplayPath(path) + ": " + why);
    for (size_t i = 0; i < files.size(); ++i) {
      const InputKind k = files[i].second;
      if (k == InputKind::kPlatform || k == InputKind::kCalendar || refused.count(files[i].first)) continue;
      auto [it, added] = chosen.emplace(k, i);
      if (added) continue;
      auto canonical = [&](size_t j) {
        std::string name = std::filesystem::path(files[j].first).filename().string();
        return name == std::string(InputKindName(k)) + ".csv";
      };
      size_t keep = it->second, drop = i;
      if (!canonical(keep) && canonical(i)) std::swap(keep, drop);
      it->second = keep;
      ing.Refuse(files[drop].first,
                 ingest::DisplayPath(files[drop].first) + ": a second " + InputKindName(k) + " register in the same input folder (" +
                     ingest::DisplayPath(files[keep].first) +
                     " is taken); a register is one snapshot file: remove or rename this one. Not read");
    }
    if (st.ok()) st = ing.Prepare();
    for (size_t i = 0; st.ok() && i < files.size(); ++i) st = ing.IngestFile(files[i].first, files[i].second);
    if (st.ok()) st = ing.Finish();
    if (st.ok()) st = tx.Commit();
  }
  if (journal_switched) {
    Status back = Exec(db, "PRAGMA journal_mode=WAL");
    if (st.ok()) st = back;
  }
  return st;
}

namespace {

// Why an entry of the input folder that is not a regular file is not read, or "" when it
// needs no word (platform/, registers/ and calendar/ themselves; a folder whose files are
// listed one by one). *known: it is under platform/, registers/ or calendar/.
std::string NotAFileReason(const std::string& input_dir, const std::filesystem::directory_entry& entry, bool* known) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::absolute(fs::path(input_dir), ec).lexically_normal();
  const fs::path rel = fs::absolute(entry.path(), ec).lexically_normal().lexically_relative(dir);
  if (ec) return "";
  std::vector<std::string> parts;
  for (const auto& part : rel) parts.push_back(part.string());
  if (parts.empty()) return "";
  *known = parts.size() >= 2 && (parts[0] == "platform" || parts[0] == "registers" || parts[0] == "calendar");
  const std::string name = parts.back();
  const std::string lower = AsciiLower(name);
  const bool csv_name = lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".csv") == 0;
  const fs::file_status st = entry.symlink_status(ec);
  if (ec) return "cannot be examined (" + ec.message() + "): not read";
  if (fs::is_symlink(st)) {
    fs::file_status target = entry.status(ec);
    if (ec || !fs::exists(target)) {
      const fs::path to = fs::read_symlink(entry.path(), ec);
      return "a symbolic link to " + (ec ? std::string("a target") : ingest::DisplayPath(to.string())) +
             ", which does not exist (a share not mounted?): not read";
    }
    if (fs::is_regular_file(target)) return "";  // read as the file it points to
    if (!fs::is_directory(target)) return "a symbolic link to something that is not a file: not read";
    return "a symbolic link to a folder: not read" +
           std::string(*known ? "; put input files directly in " + parts[0] + "/" : "");
  }
  if (fs::is_directory(st)) {
    if (parts.size() == 1 && (parts[0] == "platform" || parts[0] == "registers" || parts[0] == "calendar")) return "";
    if (csv_name) return "a folder, not a file, although named like a CSV file: not read";
    if (fs::is_empty(entry.path(), ec) && !ec) return "an empty folder: not read";
    return "";  // its files are listed one by one
  }
  if (fs::is_fifo(st)) return "not a regular file (a named pipe, FIFO): not read";
  if (fs::is_socket(st)) return "not a regular file (a socket): not read";
  if (fs::is_block_file(st) || fs::is_character_file(st)) return "not a regular file (a device): not read";
  return "not a regular file: not read";
}

}  // namespace

Status Store::IngestDirectory(const std::string& input_dir, LocalTime as_of, IngestReport* report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(input_dir, ec)) return Status::NotFound("input folder " + input_dir + " does not exist");
  std::vector<std::pair<std::string, InputKind>> files;
  std::map<std::string, std::string> refused;
  std::vector<IngestReport::Ignored> ignored;
  std::map<std::string, ingest::InputFile> refused_files;
  for (fs::recursive_directory_iterator it(input_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) {
      ec.clear();
      bool known = false;
      const std::string why = NotAFileReason(input_dir, *it, &known);
      if (!why.empty()) ignored.push_back({ingest::DisplayPath(it->path().string()), why, known});
      continue;
    }
    std::string p = it->path().string();
    ingest::InputFile f = ingest::ClassifyInputPath(input_dir, p);
    if (f.kind) files.emplace_back(p, *f.kind);
    if (!f.refuse.empty()) refused_files[p] = f;
    if (!f.ignore.empty()) ignored.push_back({ingest::DisplayPath(p), f.ignore, f.in_known_folder});
  }
  if (ec) return Status::IoError("reading input folder " + input_dir + ": " + ec.message());
  // A workbook beside the CSV it would be saved as (registrations.xlsx beside registrations.csv)
  // is not asked to be saved again: the CSV is taken, the workbook ignored, and the message says so.
  for (const auto& entry : refused_files) {
    const std::string& p = entry.first;
    const ingest::InputFile& f = entry.second;  // a lambda cannot capture a structured binding in C++17
    const fs::path dir = fs::path(p).parent_path();
    const bool register_kind = *f.kind != InputKind::kPlatform && *f.kind != InputKind::kCalendar;
    const bool csv_taken = std::any_of(files.begin(), files.end(), [&](const auto& other) {
      if (other.second != *f.kind || refused_files.count(other.first)) return false;
      return register_kind || (fs::path(other.first).parent_path() == dir &&
                               AsciiLower(fs::path(other.first).filename().string()) == AsciiLower(f.csv_name));
    });
    refused[p] = csv_taken ? f.refuse_beside_csv : f.refuse;
  }
  std::sort(ignored.begin(), ignored.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  // Registers before platform rows (nothing depends on it, but reports read better),
  // each kind in path order so a run is deterministic.
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return static_cast<int>(a.second) > static_cast<int>(b.second);
    return a.first < b.first;
  });
  Status st = IngestFiles(files, as_of, report, refused);
  report->ignored = std::move(ignored);
  return st;
}

}  // namespace liaudit::store
