// Internal to the store stage: Store::Impl and helpers shared by store.cc,
// ingest.cc and dataset.cc.
#pragma once
#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"
#include "store/store.h"

namespace liaudit::store {

struct Store::Impl {
  sqlite3* db = nullptr;
  std::string path;
  ~Impl() {
    if (db) sqlite3_close_v2(db);
  }
};

namespace internal {

// Items lists are stored as a JSON array of strings (readable in the sqlite3 CLI,
// unambiguous whatever the item text holds).
std::string ItemsToJson(const std::vector<std::string>& items);
std::vector<std::string> ItemsFromJson(std::string_view json);

// queries.account_time: the account's id in the high 32 bits, the query time (seconds
// since 1970, Taipei) in the low 32, so one integer index serves "this account's
// queries between t0 and t1". Times outside [0, 2^32) are clamped (never in real data).
inline int64_t AccountTime(int64_t account_id, LocalTime t) {
  int64_t clamped = t < 0 ? 0 : (t > 0xFFFFFFFFll ? 0xFFFFFFFFll : t);
  return account_id * 4294967296ll + clamped;
}

// The follow-up log (followup_log.cc). Appends one entry (its hash filled in by sealing)
// inside the caller's transaction; SealFollowUpLog hashes every unsealed entry in id order.
struct FollowUpLogEntry {
  std::string key, event;  // event: "open" or "state"
  std::string from_state, to_state, rule_id, account;
  int severity = 0;
  int64_t job_id = 0;      // "open": the job that opened it (0 = none)
  Date due = kNoDate;
  std::string detail, by;
  LocalTime at = kNoTime;
  std::string note;
};
Status AppendFollowUpLog(sqlite3* db, const FollowUpLogEntry& e);
Status SealFollowUpLog(sqlite3* db);

// A transaction that rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (open_) Exec(db_, "ROLLBACK");
  }
  Status Begin() {
    LIAUDIT_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE"));
    open_ = true;
    return Status::OK();
  }
  Status Commit() {
    LIAUDIT_RETURN_IF_ERROR(Exec(db_, "COMMIT"));
    open_ = false;
    return Status::OK();
  }

 private:
  sqlite3* db_;
  bool open_ = false;
};

}  // namespace internal
}  // namespace liaudit::store
