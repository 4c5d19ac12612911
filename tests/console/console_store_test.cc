// The console's tables in the store: accounts, the hash-chained append-only access log, its
// purge past retention, and the in-place upgrade of a version 6 store.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/datetime.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace liaudit::store {
namespace {

// Runs sql on a second, independent connection, as someone editing the file by hand would;
// returns SQLite's message ("" when it ran).
std::string ExecByHand(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* err = nullptr;
  std::string msg;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) msg = err ? err : "error";
  sqlite3_free(err);
  sqlite3_close(db);
  return msg;
}

Store::ConsoleLogEntry Entry(LocalTime at, const std::string& action, const std::string& target = "") {
  Store::ConsoleLogEntry e;
  e.at = at;
  e.user = "mgr";
  e.client = "127.0.0.1";
  e.action = action;
  e.target = target;
  e.outcome = "ok";
  return e;
}

TEST(ConsoleUsers, AddFindChangeDisableList) {
  TempDir dir;
  auto s = OpenOrDie(dir / "liaudit.sqlite");
  Store::User u;
  u.name = "mgr";
  u.role = "manager";
  u.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  ASSERT_TRUE(s->AddUser(u).ok());
  EXPECT_EQ(s->AddUser(u).code(), Status::Code::kConflict);
  Store::User bad = u;
  bad.name = "x";
  bad.role = "root";
  EXPECT_FALSE(s->AddUser(bad).ok());  // the CHECK on role
  Store::User got;
  bool found = false;
  ASSERT_TRUE(s->FindUser("mgr", &got, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(got.role, "manager");
  EXPECT_FALSE(got.disabled);
  ASSERT_TRUE(s->FindUser("nobody", &got, &found).ok());
  EXPECT_FALSE(found);
  ASSERT_TRUE(s->SetUserPasswordHash("mgr", "$argon2id$new").ok());
  ASSERT_TRUE(s->SetUserDisabled("mgr", true).ok());
  EXPECT_FALSE(s->SetUserDisabled("nobody", true).ok());
  std::vector<Store::User> all;
  ASSERT_TRUE(s->ListUsers(&all).ok());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].password_hash, "$argon2id$new");
  EXPECT_TRUE(all[0].disabled);
}

TEST(ConsoleLog, EntriesAreChainedAndNeverHoldAFullIdNumber) {
  TempDir dir;
  const std::string path = dir / "liaudit.sqlite";
  auto s = OpenOrDie(path);
  const LocalTime t0 = StartOf(*ParseDate("2026-09-30"));
  std::string prev;
  for (int i = 0; i < 5; ++i) {
    auto e = Entry(t0 + i, "view_finding", "job 3 R05|A123456789|2026-09-30");
    ASSERT_TRUE(s->AppendConsoleLog(&e).ok());
    EXPECT_EQ(e.sha256.size(), 64u);
    EXPECT_NE(e.sha256, prev);
    prev = e.sha256;
    EXPECT_EQ(e.target.find("A123456789"), std::string::npos) << e.target;
  }
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM console_log WHERE target LIKE '%A123456789%'"), 0);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM console_log WHERE target LIKE '%A12345%'"), 5);
  std::vector<Store::ConsoleLogEntry> list;
  ASSERT_TRUE(s->ListConsoleLog(2, &list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].sha256, prev);  // newest first
  std::vector<std::string> problems;
  long n = 0;
  ASSERT_TRUE(s->VerifyConsoleLog(&problems, &n).ok());
  EXPECT_EQ(n, 5);
  EXPECT_TRUE(problems.empty());
}

TEST(ConsoleLog, TriggersRefuseChangingOrDeletingAnEntry) {
  TempDir dir;
  const std::string path = dir / "liaudit.sqlite";
  auto s = OpenOrDie(path);
  for (int i = 0; i < 3; ++i) {
    auto e = Entry(NowLocal(), "login");
    ASSERT_TRUE(s->AppendConsoleLog(&e).ok());
  }
  EXPECT_NE(ExecByHand(path, "UPDATE console_log SET user = 'someone else' WHERE id = 2").find("append-only"),
            std::string::npos);
  EXPECT_NE(ExecByHand(path, "DELETE FROM console_log WHERE id = 2").find("append-only"), std::string::npos);
  long removed = -1;
  ASSERT_TRUE(s->PurgeConsoleLog(StartOf(*ParseDate("2000-01-01")), "clerk", &removed).ok());
  EXPECT_EQ(removed, 0);
  EXPECT_NE(ExecByHand(path, "DELETE FROM console_log_purges").find("never deleted"), std::string::npos);
  EXPECT_NE(ExecByHand(path, "UPDATE console_log_purges SET before_time = 9999999999").find("unchanged"),
            std::string::npos);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM console_log"), 3);
}

TEST(ConsoleLog, AnEntryEditedPastItsTriggersIsFound) {
  TempDir dir;
  const std::string path = dir / "liaudit.sqlite";
  auto s = OpenOrDie(path);
  for (int i = 0; i < 4; ++i) {
    auto e = Entry(NowLocal(), "download", "nightly/2026-09-30/report.pdf");
    ASSERT_TRUE(s->AppendConsoleLog(&e).ok());
  }
  ASSERT_EQ(ExecByHand(path, "DROP TRIGGER console_log_no_update; DROP TRIGGER console_log_no_delete;"
                             "UPDATE console_log SET target = 'nothing' WHERE id = 2; DELETE FROM console_log WHERE id = 4;"
                             "DELETE FROM console_log WHERE id = 3;"),
            "");
  auto e = Entry(NowLocal(), "login");
  ASSERT_TRUE(s->AppendConsoleLog(&e).ok());  // chained onto entry 2, whose hash no longer matches
  std::vector<std::string> problems;
  long n = 0;
  ASSERT_TRUE(s->VerifyConsoleLog(&problems, &n).ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("entry 2 was changed"), std::string::npos) << problems[0];
  // Removing an entry from the middle breaks the link of the one after it.
  auto s2 = OpenOrDie(dir / "second.sqlite");
  for (int i = 0; i < 3; ++i) {
    auto x = Entry(NowLocal(), "login");
    ASSERT_TRUE(s2->AppendConsoleLog(&x).ok());
  }
  ASSERT_EQ(ExecByHand(dir / "second.sqlite", "DROP TRIGGER console_log_no_delete; DELETE FROM console_log WHERE id = 2;"), "");
  ASSERT_TRUE(s2->VerifyConsoleLog(&problems, &n).ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("does not follow"), std::string::npos) << problems[0];
}

TEST(ConsoleLog, PurgeRemovesOnlyEntriesPastRetentionAndTheRestStillVerifies) {
  TempDir dir;
  const std::string path = dir / "liaudit.sqlite";
  auto s = OpenOrDie(path);
  const LocalTime old = StartOf(*ParseDate("2020-01-01")), recent = StartOf(*ParseDate("2026-09-01"));
  for (int i = 0; i < 3; ++i) {
    auto e = Entry(old + i, "login");
    ASSERT_TRUE(s->AppendConsoleLog(&e).ok());
  }
  for (int i = 0; i < 2; ++i) {
    auto e = Entry(recent + i, "login");
    ASSERT_TRUE(s->AppendConsoleLog(&e).ok());
  }
  const LocalTime bound = StartOf(*ParseDate("2021-09-01"));  // five years before the recent ones
  long n = -1;
  ASSERT_TRUE(s->CountConsoleLogBefore(bound, &n).ok());
  EXPECT_EQ(n, 3);
  long removed = -1;
  EXPECT_FALSE(s->PurgeConsoleLog(bound, "", &removed).ok());  // someone answers for it
  ASSERT_TRUE(s->PurgeConsoleLog(bound, "clerk", &removed).ok());
  EXPECT_EQ(removed, 3);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM console_log"), 2);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM console_log_purges WHERE performed_by = 'clerk'"), 1);
  // The purge's bound does not open the newer entries to deletion.
  EXPECT_NE(ExecByHand(path, "DELETE FROM console_log").find("append-only"), std::string::npos);
  std::vector<std::string> problems;
  ASSERT_TRUE(s->VerifyConsoleLog(&problems, &n).ok());
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(problems.empty()) << problems[0];
}

TEST(ConsoleSchema, AVersion6StoreIsUpgradedInPlace) {
  TempDir dir;
  const std::string path = dir / "liaudit.sqlite";
  {
    auto s = OpenOrDie(path);
    ASSERT_TRUE(s);
  }
  // Back to what version 6 had: no console tables.
  ASSERT_EQ(ExecByHand(path, "DROP TABLE console_log; DROP TABLE console_log_purges; DROP TABLE users;"
                             "CREATE TABLE keepme(x); INSERT INTO keepme VALUES(42); PRAGMA user_version=6;"),
            "");
  ASSERT_EQ(Count(path, "PRAGMA user_version"), 6);
  {
    auto s = OpenOrDie(path);
    ASSERT_TRUE(s);
    auto e = Entry(NowLocal(), "login");
    ASSERT_TRUE(s->AppendConsoleLog(&e).ok());
  }
  EXPECT_EQ(Count(path, "PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(Count(path, "SELECT x FROM keepme"), 42);  // in place: what was there is still there
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM console_log"), 1);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'"), 1);
}

}  // namespace
}  // namespace liaudit::store
