// Internal to pipeline/store: the Ingester, which takes one run's files into the store
// (Store::IngestFiles), and the pieces its three files share:
//   ingest.cc            the run and its files: already taken?, hashes, savepoints, rejects;
//   ingest_platform.cc   platform rows: duplicates, conflicts, the bulk-load memo, accounts;
//   ingest_registers.cc  register snapshots: versions, withdrawals, one column table each.
#pragma once
#include <fcntl.h>
#include <sys/mman.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/digest.h"
#include "ingest/parse.h"
#include "store/store.h"
#include "store/store_impl.h"

namespace liaudit::store::internal {


inline constexpr char kRowSep = '\x1e';  // between rows of a key's group

// Register content hashes: kept as bytes in memory (core/digest.h), stored as lower-case hex.
using Sha256 = Sha256Digest;

// FNV-1a: only used to find candidates in TxnMemo; every hit is verified against the row.
inline uint64_t HashTxn(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // FNV's multiply only carries bits upwards: mix so the table's low bits spread.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h ? h : 1;
}

// The 交易序號s inserted during a bulk load (when the queries table started empty and
// its indexes were dropped): open addressing over (32-bit hash tag, rowid), 8 bytes per
// slot, so a million rows cost 16 MB instead of an index maintained row by row. Every
// look-up is a cache miss in a table larger than the caches, so the slots live in
// transparent huge pages where the kernel offers them (one TLB entry per 2 MiB).
class TxnMemo {
 public:
  TxnMemo() = default;
  TxnMemo(const TxnMemo&) = delete;
  TxnMemo& operator=(const TxnMemo&) = delete;
  ~TxnMemo() { Unmap(slots_, bytes_); }

  // Sizes the table for about `rows` entries up front (no rehash while loading).
  void Reserve(size_t rows) {
    size_t n = 1024;
    while (n < rows * 2) n *= 2;
    if (n > size_) Rebuild(n, INT64_MAX);
  }
  // False (nothing stored) when `id` does not fit the slot: a bulk load of more than
  // four billion rows.
  bool Insert(uint64_t h, int64_t id) {
    if (id <= 0 || id > static_cast<int64_t>(UINT32_MAX)) return false;
    if ((count_ + 1) * 2 > size_) Rebuild(size_ == 0 ? 1024 : size_ * 2, INT64_MAX);
    Place(Tag(h), static_cast<uint32_t>(id));
    ++count_;
    return true;
  }
  // Calls fn(rowid) for every entry whose hash may be h.
  template <typename F>
  Status ForEach(uint64_t h, F&& fn) const {
    if (size_ == 0) return Status::OK();
    const size_t mask = size_ - 1;
    const uint32_t tag = Tag(h);
    for (size_t i = Home(tag) & mask; slots_[i].tag != 0; i = (i + 1) & mask) {
      if (slots_[i].tag == tag) LIAUDIT_RETURN_IF_ERROR(fn(static_cast<int64_t>(slots_[i].id)));
    }
    return Status::OK();
  }
  // Brings the first slot a look-up of h reads into the cache.
  // (GCC 12's dead-code pass drops __builtin_prefetch here, so x86 gets the instruction itself.)
  void Prefetch(uint64_t h) const {
    if (size_ == 0) return;
    const Slot* p = &slots_[Home(Tag(h)) & (size_ - 1)];
#if defined(__x86_64__) || defined(__i386__)
    asm volatile("prefetcht0 %0" : : "m"(*p));
#else
    __builtin_prefetch(p);
#endif
  }
  // Forgets entries with rowid > last (rows rolled back with a rejected file).
  void ForgetAbove(int64_t last) {
    if (size_ != 0) Rebuild(size_, last);
  }

 private:
  struct Slot {
    uint32_t tag;      // the hash's high half, never 0; 0 = empty
    uint32_t id;       // rowid
  };
  static_assert(sizeof(Slot) == 8, "two slots per 16 bytes");
  // A slot keeps 32 bits of the hash, and its home is derived from those bits alone, so
  // the table can grow without the full hashes. Two 交易序號 with one tag share a home
  // and both are offered to ForEach's caller, which compares the rows themselves.
  static uint32_t Tag(uint64_t h) {
    const auto t = static_cast<uint32_t>(h >> 32);
    return t != 0 ? t : 1;
  }
  static uint64_t Home(uint32_t tag) {  // splitmix64's finaliser: every bit of the tag moves the home
    uint64_t x = tag;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
  }

  void Place(uint32_t tag, uint32_t id) {
    const size_t mask = size_ - 1;
    size_t i = Home(tag) & mask;
    while (slots_[i].tag != 0) i = (i + 1) & mask;
    slots_[i] = Slot{tag, id};
  }
  void Allocate(size_t n) {
    const size_t bytes = n * sizeof(Slot);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);  // a hint: without it the table works the same, slower
#endif
    slots_ = static_cast<Slot*>(p);  // zero-filled: every slot empty
    size_ = n;
    bytes_ = bytes;
  }
  static void Unmap(Slot* p, size_t bytes) {
    if (p) munmap(p, bytes);
  }
  // A fresh table of n slots holding the entries with rowid <= last.
  void Rebuild(size_t n, int64_t last) {
    Slot* old = slots_;
    const size_t old_size = size_, old_bytes = bytes_;
    Allocate(n);
    count_ = 0;
    for (size_t i = 0; i < old_size; ++i) {
      if (old[i].tag != 0 && static_cast<int64_t>(old[i].id) <= last) {
        Place(old[i].tag, old[i].id);
        ++count_;
      }
    }
    Unmap(old, old_bytes);
  }

  Slot* slots_ = nullptr;
  size_t size_ = 0, bytes_ = 0, count_ = 0;
};

template <typename R>
struct Buffered {
  R rec;
  long line = 0;
  std::string raw;
};

// Receives one run's files; one Ingester per IngestFiles call.
class Ingester : public ingest::Sink {
 public:
  Ingester(sqlite3* db, LocalTime as_of, IngestReport* report) : db_(db), as_of_(as_of), report_(report) {}

  Status Prepare();

  // After a bulk load: the account look-up rows go in in key order (SQLite appends
  // them), and the indexes dropped for the load are built.
  Status Finish();

  Status IngestFile(const std::string& path, InputKind kind);
  // IngestFile will reject `path` whole with `reason` instead of reading it.
  void Refuse(const std::string& path, const std::string& reason) { refused_[path] = reason; }

  // ---- Sink ----
  Status OnPlatform(const PlatformQuery& q, long line, std::string_view raw) override {
    return PlatformRow(q, line, raw, HashTxn(q.txn_id));
  }
  // PipelinedParse's side of a platform row (the hash comes with it).
  Status PlatformRow(const PlatformQuery& q, long line, std::string_view raw, uint64_t h) {
    Status st = Platform(q, line, raw, h);
    if (!st.ok()) sink_failed_ = true;
    return st;
  }
  void Prefetch(uint64_t h) const {
    if (bulk_) memo_.Prefetch(h);
  }

  Status OnPermission(const PermissionRecord& r, long line, std::string_view raw) override {
    perms_.push_back({r, line, std::string(raw)});
    return Status::OK();
  }
  Status OnRegistration(const RegistrationRecord& r, long line, std::string_view raw) override {
    Status st = Registration(r, line, raw);
    if (!st.ok()) sink_failed_ = true;
    return st;
  }
  Status OnRequest(const RequestRow& r, long line, std::string_view raw) override {
    reqs_.push_back({r, line, std::string(raw)});
    return Status::OK();
  }
  Status OnStaff(const StaffRecord& r, long line, std::string_view raw) override {
    staff_.push_back({r, line, std::string(raw)});
    return Status::OK();
  }
  Status OnCalendar(const CalendarDay& r, long line, std::string_view raw) override {
    cal_.push_back({r, line, std::string(raw)});
    return Status::OK();
  }
  void OnHeader(const ingest::HeaderMap& map) override { header_ = map; }
  void OnReject(const Reject& r) override {
    Status st = AddReject(r);
    if (!st.ok() && sink_status_.ok()) sink_status_ = st;
  }

 private:
  Status AddReject(Reject r);
  // The 1-based CSV column of `field` in the current file, 0 if it has none.
  long ColumnOf(int field) const {
    if (field < 0 || static_cast<size_t>(field) >= header_.column_of.size()) return 0;
    return header_.column_of[static_cast<size_t>(field)] + 1;
  }
  Status RejectRow(long line, const std::string& reason, const std::string& raw, int field = -1);

  Status Platform(const PlatformQuery& q, long line, std::string_view raw, uint64_t h);

  // Hands the pages SQLite has written so far to the disk now (without waiting), so that
  // the commit's fsync finds a bulk load's new table already written instead of writing
  // all of it at the end (fdatasync 0.65 s -> 0.15 s for a million rows).
  void StartWriteback() const {
    if (db_fd_ >= 0) sync_file_range(db_fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
  }

  Status LoadAccounts();
  Status AddAccountTime(int64_t account_time, int64_t query_id);
  Status AccountId(const std::string& account, int64_t* id);

  // real_path: the file, to read its header's spellings again when it is taken ("" = not).
  Status AlreadyTaken(InputKind kind, bool* taken, const std::string& real_path = "");
  // file_stats: the recorded SHA-256 of a file that has not changed since it was hashed.
  struct FileStat {
    std::string path;  // absolute
    int64_t size = 0, inode = 0, mtime_ns = 0, ctime_ns = 0;
    bool operator==(const FileStat& o) const {
      return path == o.path && size == o.size && inode == o.inode && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
    }
  };
  static bool StatFile(const std::string& path, FileStat* out);
  Status CachedSha(const FileStat& st, std::string* sha, bool* found);
  Status RememberSha(const std::string& path, const FileStat& before, const std::string& sha);
  void ReportRejectedFile(const std::string& msg);
  Status RecordRejectedFile(const std::string& msg);
  Status ApplyPermissions();
  Status ApplyRequests();
  Status ApplyStaff();
  Status ApplyCalendar();

  struct Group {
    std::string key;
    std::vector<size_t> rows;  // indexes into the kind's buffer, file order
    Sha256 sha;                // of the sorted canonical rows
    bool inconsistent = false;
  };
  // Applies a snapshot of `kind`: groups are the keys present in the file. insert(group,
  // key_id, version) stores the group's rows as that version. Returns counts via cur_.
  template <typename InsertFn>
  Status ApplySnapshot(const char* kind, std::vector<Group>& groups, InsertFn insert);

  // The key side of a snapshot, streamed: BeginSnapshot loads the kind's keys, OfferKey
  // takes the file's keys one at a time (insert(key_id, version) stores the rows of a new
  // or changed key; `taken` rows count as taken), FinishSnapshot withdraws the keys the
  // file no longer has. Memory: one small entry per key, not the rows.
  struct KeyState {
    int64_t id = 0;
    int64_t version = 0;
    Sha256 sha{};
    bool withdrawn = false;
    long seen_line = 0;  // line of the key's row in this file; 0: not in it (yet)
  };
  Status BeginSnapshot(const char* kind);
  template <typename InsertFn>
  Status OfferKey(const std::string& key, const Sha256& sha, long taken, long line, InsertFn insert);
  Status FinishSnapshot();
  Status Registration(const RegistrationRecord& r, long line, std::string_view raw);

  sqlite3* db_;
  LocalTime as_of_;
  IngestReport* report_;
  bool bulk_ = false;
  TxnMemo memo_;
  static constexpr int64_t kWritebackRows = 1 << 15;  // ~10 MB of table
  int db_fd_ = -1;  // SQLite's own descriptor of the store (never closed here), or -1
  std::vector<std::pair<int64_t, int64_t>> account_times_;  // bulk load: (account_time, query id), for Finish
  Stmt ins_account_time_;
  Stmt lookup_stat_, remember_stat_;
  std::unordered_map<std::string, int64_t> accounts_;  // accounts.account -> id
  Stmt ins_account_;
  Stmt ins_query_, ins_conflict_, query_by_id_, query_by_txn_, conflicts_of_, where_stored_, ins_reject_;

  // Per file.
  FileResult cur_;
  InputKind kind_ = InputKind::kPlatform;
  int64_t file_id_ = 0;
  bool first_snapshot_ = false;
  bool sink_failed_ = false;
  Status sink_status_;
  std::vector<Reject> file_rejects_;
  std::vector<Buffered<PermissionRecord>> perms_;
  const char* snap_kind_ = nullptr;
  std::unordered_map<std::string, KeyState> keys_;
  Stmt ins_key_, ins_key_placeholder_, upd_key_, withdraw_, ins_reg_;
  std::vector<Buffered<RequestRow>> reqs_;
  std::vector<Buffered<StaffRecord>> staff_;
  std::vector<Buffered<CalendarDay>> cal_;
  std::map<std::string, std::string> refused_;  // path -> why it is not read (Refuse)
  ingest::HeaderMap header_;                     // of the current file (OnHeader)
};

}  // namespace liaudit::store::internal
