// Internal to the store stage: a thin RAII layer over sqlite3 that turns SQLite
// result codes into Status. Not a public header (never include it outside
// pipeline/store and tests/store).
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace liaudit::store::internal {

Status SqlError(sqlite3* db, const std::string& what);
Status Exec(sqlite3* db, const char* sql);

// A prepared statement. Bound text must outlive the next Step() (bound SQLITE_STATIC
// for speed: the ingest path binds millions of fields).
class Stmt {
 public:
  Stmt() = default;
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }

  Status Prepare(sqlite3* db, const char* sql);
  bool prepared() const { return s_ != nullptr; }

  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, int v) { sqlite3_bind_int(s_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  // The same, for text that does not outlive the statement's next Run (SQLite copies it).
  void BindCopy(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, const char* v) = delete;  // pass std::string_view explicitly
  void BindNull(int i) { sqlite3_bind_null(s_, i); }
  // Binds v, or NULL when v == none (kNoTime / kNoDate columns are NULL in the store).
  void BindOpt(int i, int64_t v, int64_t none) {
    if (v == none) BindNull(i); else Bind(i, v);
  }

  // Steps once: *row = true when a result row is available. Resets on done/error.
  Status Step(bool* row);
  // Steps once for a loop: true with a row; false when done (then reset) or on error (*st set).
  bool Next(Status* st) {
    bool row = false;
    *st = Step(&row);
    return row;
  }
  // Steps until done (for statements without results), then resets.
  Status Run();
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  int64_t IntOr(int col, int64_t none) const { return IsNull(col) ? none : Int(col); }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(s_, col);
    int n = sqlite3_column_bytes(s_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  std::string_view View(int col) const {
    const unsigned char* p = sqlite3_column_text(s_, col);
    int n = sqlite3_column_bytes(s_, col);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string_view();
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
};

}  // namespace liaudit::store::internal

// for-each over a statement's result rows; returns the error from the enclosing
// function when stepping fails. The body follows the macro like a loop body.
#define LIAUDIT_ROWS_CAT2(a, b) a##b
#define LIAUDIT_ROWS_CAT(a, b) LIAUDIT_ROWS_CAT2(a, b)
#define LIAUDIT_FOR_EACH_ROW(stmt) LIAUDIT_FOR_EACH_ROW_N(stmt, LIAUDIT_ROWS_CAT(rows_st_, __LINE__), LIAUDIT_ROWS_CAT(rows_has_, __LINE__))
#define LIAUDIT_FOR_EACH_ROW_N(stmt, st, has)                  \
  for (::liaudit::Status st;;)                             \
    if (bool has = (stmt).Next(&st); !st.ok()) return st; \
    else if (!has) break;                                  \
    else
