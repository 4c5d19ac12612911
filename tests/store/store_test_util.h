// Helpers shared by the store's tests: a temporary folder, input files, and a second,
// independent SQLite connection to check (or change) what the store file really holds.
#ifndef LIAUDIT_TESTS_STORE_STORE_TEST_UTIL_H_
#define LIAUDIT_TESTS_STORE_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/datetime.h"
#include "store/store.h"

namespace liaudit::store {

// Opens (or creates) the store at path; a failure fails the test and returns null.
inline std::unique_ptr<Store> OpenOrDie(const std::string& path) {
  std::unique_ptr<Store> s;
  Status st = Store::Open(path, &s);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return s;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "liaudit_store_test_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& rel) const { return (std::filesystem::path(path_) / rel).string(); }

 private:
  std::string path_;
};

inline void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// One integer straight from the file (read-only connection), e.g. a count.
inline int64_t Count(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    n = sqlite3_column_int64(s, 0);
  } else {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

// One text value straight from the file ("" if there is no row).
inline std::string Text(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// Runs a writing statement on a second connection, as another tool would; returns
// SQLite's message ("" if it worked).
inline std::string TryExec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(db_path.c_str(), &db);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  std::string msg;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) msg = err ? err : "error";
  sqlite3_free(err);
  sqlite3_close(db);
  return msg;
}

inline LocalTime At(int y, int m, int d, int hh = 0, int mm = 0) {
  return StartOf(DateFromCivil(y, m, d)) + hh * 3600 + mm * 60;
}

}  // namespace liaudit::store

#endif  // LIAUDIT_TESTS_STORE_STORE_TEST_UTIL_H_
