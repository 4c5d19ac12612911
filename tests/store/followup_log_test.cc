// The follow-up log (issue 17): follow-up history is append-only and hash-chained, and the
// followups table is checked against it, so hand edits with sqlite3 are found.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/schema.h"
#include "store/store.h"
#include "store_test_util.h"

namespace liaudit::store {
namespace {

Finding HighFinding(const std::string& key) {
  Finding f;
  f.rule_id = "R01";
  f.severity = Severity::kHigh;
  f.key = key;
  f.account = "ksw0231";
  f.detail = "未登記之查調";
  return f;
}

std::vector<std::string> Problems(Store* st, Store::LogHead* head = nullptr) {
  std::vector<std::string> problems;
  Store::LogHead h;
  Status s = st->VerifyFollowUpLog(&problems, &h);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (head) *head = h;
  return problems;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

// Three follow-ups: one opened, one received, one closed; the store is closed again.
void MakeStore(const std::string& path) {
  auto st = OpenOrDie(path);
  ASSERT_TRUE(st);
  JobRecord job;
  job.kind = "quarterly";
  ASSERT_TRUE(st->BeginJob(&job).ok());
  for (const char* k : {"R01|GSP1", "R01|GSP2", "R01|GSP3"})
    ASSERT_TRUE(st->OpenFollowUp(HighFinding(k), job.id, DateFromCivil(2026, 12, 16)).ok());
  ASSERT_TRUE(st->OpenFollowUp(HighFinding("R01|GSP1"), job.id, DateFromCivil(2027, 1, 1)).ok());  // no-op
  ASSERT_TRUE(st->SetFollowUpState("R01|GSP2", FollowUpState::kReportReceived, "權限管理者", At(2026, 12, 10), "收到").ok());
  ASSERT_TRUE(st->SetFollowUpState("R01|GSP3", FollowUpState::kClosed, "權限管理者", At(2026, 12, 11), "").ok());
}

TEST(FollowUpLog, EveryOpeningAndChangeIsLoggedAndChained) {
  TempDir tmp;
  const std::string path = tmp / "s.db";
  MakeStore(path);
  auto st = OpenOrDie(path);
  Store::LogHead head;
  EXPECT_EQ(Joined(Problems(st.get(), &head)), "");
  EXPECT_EQ(head.entries, 5);  // three openings (the second open of GSP1 changes nothing), two changes
  EXPECT_EQ(head.sha256.size(), 64u);
  Store::LogHead h2;
  ASSERT_TRUE(st->FollowUpLogHead(&h2).ok());
  EXPECT_EQ(h2.entries, head.entries);
  EXPECT_EQ(h2.sha256, head.sha256);
  std::string fifth, first;
  ASSERT_TRUE(st->FollowUpLogEntryHash(5, &fifth).ok());
  EXPECT_EQ(fifth, head.sha256);
  ASSERT_TRUE(st->FollowUpLogEntryHash(1, &first).ok());
  EXPECT_EQ(Text(path, "SELECT prev_sha256 FROM followup_log WHERE id = 2"), first);
  ASSERT_TRUE(st->FollowUpLogEntryHash(6, &fifth).ok());
  EXPECT_EQ(fifth, "");
  std::vector<FollowUpChange> hist;
  ASSERT_TRUE(st->FollowUpHistory("R01|GSP2", &hist).ok());
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0].to, FollowUpState::kReportReceived);
  EXPECT_EQ(hist[0].by, "權限管理者");
}

TEST(FollowUpLog, TriggersRefuseChangingOrDeletingAnEntry) {
  TempDir tmp;
  const std::string path = tmp / "s.db";
  MakeStore(path);
  EXPECT_NE(TryExec(path, "DELETE FROM followup_log WHERE id = 5").find("append-only"), std::string::npos);
  EXPECT_NE(TryExec(path, "UPDATE followup_log SET to_state = 'open' WHERE id = 5").find("append-only"),
            std::string::npos);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM followup_log"), 5);
}

// Regression (issue 17): `UPDATE followups SET state='closed'` with sqlite3 went unnoticed.
TEST(FollowUpLog, AFollowUpClosedByHandIsFound) {
  TempDir tmp;
  const std::string path = tmp / "s.db";
  MakeStore(path);
  ASSERT_EQ(TryExec(path, "UPDATE followups SET state = 'closed', updated_by = 'x' WHERE key = 'R01|GSP1'"), "");
  auto st = OpenOrDie(path);
  const std::string p = Joined(Problems(st.get()));
  EXPECT_NE(p.find("follow-up R01|GSP1 differs from its log (state closed, the log says open; who changed it last"),
            std::string::npos)
      << p;
  // A follow-up deleted or added by hand is found too.
  ASSERT_EQ(TryExec(path, "DELETE FROM followups WHERE key = 'R01|GSP2';"
                          "INSERT INTO followups(key, rule_id, account, severity, state) VALUES('R02|X', 'R02', 'a', 3, 'closed')"),
            "");
  const std::string q = Joined(Problems(st.get()));
  EXPECT_NE(q.find("follow-up R01|GSP2 (report_received in the log) is missing from the store"), std::string::npos) << q;
  EXPECT_NE(q.find("follow-up R02|X (closed) is not in the follow-up log"), std::string::npos) << q;
}

TEST(FollowUpLog, ALogEditedPastItsTriggersIsFound) {
  TempDir tmp;
  const std::string path = tmp / "s.db";
  MakeStore(path);
  ASSERT_EQ(TryExec(path, "DROP TRIGGER followup_log_no_update; DROP TRIGGER followup_log_no_delete;"
                          "UPDATE followup_log SET note = '' WHERE id = 4"),
            "");
  auto st = OpenOrDie(path);
  std::string p = Joined(Problems(st.get()));
  EXPECT_NE(p.find("follow-up log entry 4 (R01|GSP2) was changed after it was written"), std::string::npos) << p;
  ASSERT_EQ(TryExec(path, "DELETE FROM followup_log WHERE id = 2"), "");
  p = Joined(Problems(st.get()));
  EXPECT_NE(p.find("follow-up log entry 2 (R01|GSP3) does not follow the entry before it"), std::string::npos) << p;
}

// A version-5 store's follow-ups and their history move into the log, sealed, and verify.
TEST(FollowUpLog, MigratesAVersion5StoresHistory) {
  TempDir tmp;
  const std::string path = tmp / "v5.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    for (int v = 1; v <= 5; ++v)
      ASSERT_EQ(sqlite3_exec(db, internal::MigrationSql(v), nullptr, nullptr, nullptr), SQLITE_OK) << v;
    const char* data =
        "PRAGMA user_version=5;"
        "INSERT INTO jobs(kind, params_json, started, status) VALUES('quarterly', '{}', 5, 'ok');"
        "INSERT INTO followups(key, rule_id, account, severity, first_job, due, state, updated_by, updated_at, note)"
        " VALUES('R01|GSP1', 'R01', 'ksw1', 3, 1, 20000, 'closed', 'auditor', 30001, 'done'),"
        "       ('R01|GSP2', 'R01', 'ksw1', 3, 1, 20000, 'open', '', NULL, ''),"
        "       ('R01|GSP3', 'R01', 'ksw1', 3, 1, 20000, 'closed', 'v1', 100, '');"  // changed before history was kept
        "INSERT INTO followup_history(key, from_state, to_state, by, at, note)"
        " VALUES('R01|GSP1', 'open', 'report_received', 'auditor', 30000, ''),"
        "       ('R01|GSP1', 'report_received', 'closed', 'auditor', 30001, 'done');";
    ASSERT_EQ(sqlite3_exec(db, data, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  auto st = OpenOrDie(path);
  ASSERT_TRUE(st);
  EXPECT_EQ(Count(path, "PRAGMA user_version"), kSchemaVersion);
  Store::LogHead head;
  EXPECT_EQ(Joined(Problems(st.get(), &head)), "");
  EXPECT_EQ(head.entries, 6);  // three openings, two changes, the state the upgrade found for GSP3
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM followup_log WHERE sha256 = ''"), 0);
  std::vector<FollowUpChange> hist;
  ASSERT_TRUE(st->FollowUpHistory("R01|GSP1", &hist).ok());
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[1].to, FollowUpState::kClosed);
  EXPECT_EQ(hist[1].note, "done");
  ASSERT_TRUE(st->SetFollowUpState("R01|GSP2", FollowUpState::kClosed, "auditor", 40000, "").ok());
  EXPECT_EQ(Joined(Problems(st.get(), &head)), "");
  EXPECT_EQ(head.entries, 7);
}

}  // namespace
}  // namespace liaudit::store
