#include "store/db.h"

#include <cstring>

namespace liaudit::store::internal {

namespace {

bool IsIoCode(int code) {
  return code == SQLITE_CANTOPEN || code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_READONLY ||
         code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

// For an I/O failure: which file, and the operating system's reason ("disk I/O error" alone
// does not tell a full disk from a permission problem).
std::string IoDetail(sqlite3* db) {
  std::string d;
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  if (file && *file) d += std::string(" [") + file + "]";
  int e = db ? sqlite3_system_errno(db) : 0;
  if (e != 0) d += std::string(" (") + std::strerror(e) + ")";
  return d;
}

}  // namespace

Status SqlError(sqlite3* db, const std::string& what) {
  std::string msg = "store: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
  int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
  if (IsIoCode(code)) return Status::IoError(msg + IoDetail(db));
  return Status::Internal(msg);
}

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    if (IsIoCode(sqlite3_errcode(db))) return Status::IoError("store: " + msg + IoDetail(db));
    return Status::Internal("store: " + msg);
  }
  return Status::OK();
}

Stmt::~Stmt() {
  if (s_) sqlite3_finalize(s_);
}

Status Stmt::Prepare(sqlite3* db, const char* sql) {
  db_ = db;
  if (s_) {
    sqlite3_finalize(s_);
    s_ = nullptr;
  }
  if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) {
    return SqlError(db, std::string("preparing \"") + sql + "\"");
  }
  return Status::OK();
}

Status Stmt::Step(bool* row) {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) {
    *row = true;
    return Status::OK();
  }
  *row = false;
  if (rc == SQLITE_DONE) {
    Reset();
    return Status::OK();
  }
  Status st = SqlError(db_, std::string("running \"") + sqlite3_sql(s_) + "\"");
  Reset();
  return st;
}

Status Stmt::Run() {
  bool row = true;
  while (row) LIAUDIT_RETURN_IF_ERROR(Step(&row));
  return Status::OK();
}

}  // namespace liaudit::store::internal
