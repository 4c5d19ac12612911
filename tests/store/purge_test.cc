// Retention purge (issue 6): what is removed, what stays (current register rows, rows a
// pending follow-up needs), the destruction record that is itself kept, and a store that
// still works afterwards. Real CSV files through the real parser, a real SQLite file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store_test_util.h"

namespace liaudit::store {
namespace {

const char kPlatformHeader[] = "txn_id,query_time,account,service_code,subject_id,source_ip\n";
const char kRegHeader[] = "reg_no,applied_on,subject_name,subject_id,items,reason,requester,account,unit,approved_at\n";
const char kReg1[] = "REG-1,2018-01-02,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,\n";
const char kReg1b[] = "REG-1,2018-01-02,甲,A123456789,B0101;C0101,依社會救助法,林,ksw1,救助科,\n";
const char kReg1c[] = "REG-1,2018-01-02,甲,A123456789,C0101,依社會救助法,林,ksw1,救助科,\n";
const char kReg2[] = "REG-2,2018-01-03,乙,F222222222,B0101,依老人福利法,林,ksw1,救助科,\n";
const char kReg3[] = "REG-3,2018-01-04,丙,E120000001,B0101,依老人福利法,林,ksw1,救助科,\n";
const char kReg4[] = "REG-4,2018-01-05,丁,A123456789,B0101,依老人福利法,林,ksw1,救助科,\n";

// The store of the tests below:
// - queries GSP1 (2018-01-05, plus a conflicting later version), GSP2 (2018-06-01), GSP3 (2020-01-01);
// - registrations: REG-1 v1 (superseded 2018-03-01), v2 (superseded 2020-01-01), v3 current;
//   REG-2 withdrawn 2018-03-01; REG-3 withdrawn 2018-03-01; REG-4 current and unchanged since 2018.
class PurgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tmp_ / "s.db";
    ASSERT_TRUE(Store::Open(db_, &store_).ok());
    Write(tmp_ / "q1/platform/a.csv", std::string(kPlatformHeader) +
                                          "GSP1,2018-01-05 09:00,ksw1,B0101,A123456789,10.0.0.1\n"
                                          "GSP2,2018-06-01 09:00,ksw1,B0101,F222222222,10.0.0.1\n"
                                          "GSP3,2020-01-01 09:00,ksw1,B0101,E120000001,10.0.0.1\n");
    Write(tmp_ / "q2/platform/b.csv",
          std::string(kPlatformHeader) + "GSP1,2018-01-05 09:07,ksw1,B0101,A123456789,10.0.0.1\n");
    IngestReport rep;
    ASSERT_TRUE(store_->IngestDirectory(tmp_ / "q1", At(2018, 1, 10), &rep).ok());
    ASSERT_TRUE(store_->IngestDirectory(tmp_ / "q2", At(2018, 1, 11), &rep).ok());
    ASSERT_EQ(rep.conflicts, 1);
    Snapshot(std::string(kReg1) + kReg2 + kReg3 + kReg4, At(2018, 2, 1));
    Snapshot(std::string(kReg1b) + kReg4, At(2018, 3, 1));
    Snapshot(std::string(kReg1c) + kReg4, At(2020, 1, 1));
    ASSERT_EQ(Count(db_, "SELECT COUNT(*) FROM registrations"), 6);
  }

  void Snapshot(const std::string& rows, LocalTime as_of) {
    Write(tmp_ / "r/registers/registrations.csv", kRegHeader + rows);
    IngestReport rep;
    ASSERT_TRUE(store_->IngestDirectory(tmp_ / "r", as_of, &rep).ok());
  }

  int64_t QueryId(const std::string& txn) { return Count(db_, "SELECT id FROM queries WHERE txn_id='" + txn + "'"); }
  int64_t RegRowId(const std::string& reg_no, int version) {
    return Count(db_, "SELECT id FROM registrations WHERE reg_no='" + reg_no + "' AND version=" + std::to_string(version));
  }

  // A finding resting on `ev`, its follow-up moved to `state`.
  void FindingWithFollowUp(const std::string& key, Evidence ev, FollowUpState state) {
    JobRecord job;
    job.kind = "quarterly";
    job.params_json = "{}";
    ASSERT_TRUE(store_->BeginJob(&job).ok());
    Finding f;
    f.rule_id = "R01";
    f.key = key;
    f.account = "ksw1";
    f.severity = Severity::kHigh;
    f.evidence.push_back(ev);
    ASSERT_TRUE(store_->SaveFindings(job.id, {f}).ok());
    ASSERT_TRUE(store_->OpenFollowUp(f, job.id, DateFromCivil(2018, 7, 1)).ok());
    if (state != FollowUpState::kOpen) {
      ASSERT_TRUE(store_->SetFollowUpState(key, state, "auditor", At(2018, 7, 2), "").ok());
    }
  }

  TempDir tmp_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

TEST_F(PurgeTest, RemovesOldQueriesAndRegisterHistoryKeepsCurrentRows) {
  Store::PurgeCounts dry;
  ASSERT_TRUE(store_->CountPurgeable(DateFromCivil(2019, 1, 1), &dry).ok());
  EXPECT_EQ(dry.queries, 2);
  EXPECT_EQ(dry.query_conflicts, 1);
  EXPECT_EQ(dry.registrations, 3);  // REG-1 v1, REG-2, REG-3
  EXPECT_EQ(dry.register_keys_emptied, 2);
  EXPECT_EQ(dry.kept_queries + dry.kept_register_rows, 0);
  EXPECT_EQ(dry.removed(), 6);
  // A dry run changes nothing.
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM queries"), 3);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM registrations"), 6);

  Store::DestructionRecord rec;
  ASSERT_TRUE(store_->Purge(DateFromCivil(2019, 1, 1), 5, "檔案管理員 王小明", &rec).ok());
  EXPECT_GT(rec.id, 0);
  EXPECT_EQ(rec.counts.removed(), dry.removed());
  EXPECT_EQ(rec.counts.registrations, 3);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM queries"), 1);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM queries WHERE txn_id='GSP3'"), 1);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM query_conflicts"), 0);
  // REG-1 v2 (superseded only in 2020) and v3 (current) stay, REG-4 (current since 2018) stays.
  EXPECT_EQ(Text(db_, "SELECT group_concat(k, ' ') FROM (SELECT reg_no || ':' || version AS k FROM registrations"
                      " ORDER BY reg_no, version)"),
            "REG-1:2 REG-1:3 REG-4:1");
  EXPECT_EQ(Text(db_, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);

  // The rules still see the current registers, with their first-seen times.
  // (A ten-year registration window keeps the 2018 rows within the loader's reach.)
  Period p;
  p.from = p.to = DateFromCivil(2020, 1, 1);
  RuleOptions wide;
  wide.registration_window_days = 3650;
  Dataset ds;
  ASSERT_TRUE(store_->LoadDataset(p, wide, &ds).ok());
  EXPECT_EQ(ds.registrations.size(), 2u);
  EXPECT_EQ(ds.queries.size(), 1u);

  // The destruction record is kept, readable, and cannot be changed or removed.
  std::vector<Store::DestructionRecord> recs;
  ASSERT_TRUE(store_->ListDestructionRecords(&recs).ok());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].by, "檔案管理員 王小明");
  EXPECT_EQ(recs[0].before, DateFromCivil(2019, 1, 1));
  EXPECT_EQ(recs[0].retention_years, 5);
  EXPECT_EQ(recs[0].counts.queries, 2);
  EXPECT_EQ(recs[0].counts.registrations, 3);
  EXPECT_NE(recs[0].at, kNoTime);
  EXPECT_NE(TryExec(db_, "DELETE FROM destruction_records"), "");
  EXPECT_NE(TryExec(db_, "UPDATE destruction_records SET performed_by='someone else'"), "");
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM destruction_records"), 1);

  // A second purge with the same bound finds nothing more; its record is added.
  ASSERT_TRUE(store_->Purge(DateFromCivil(2019, 1, 1), 5, "檔案管理員 王小明", &rec).ok());
  EXPECT_EQ(rec.counts.removed(), 0);
  ASSERT_TRUE(store_->Compact().ok());
  EXPECT_EQ(Text(db_, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM destruction_records"), 2);
}

TEST_F(PurgeTest, PendingFollowUpsKeepTheirEvidence) {
  // GSP2 and REG-2 back findings whose follow-ups are pending; GSP1's follow-up is closed.
  FindingWithFollowUp("R01|GSP2", {Evidence::Kind::kQuery, QueryId("GSP2"), "GSP2"}, FollowUpState::kOpen);
  FindingWithFollowUp("R07|reg|REG-2", {Evidence::Kind::kRegistration, RegRowId("REG-2", 1), "REG-2"},
                      FollowUpState::kReportReceived);
  FindingWithFollowUp("R01|GSP1", {Evidence::Kind::kQuery, QueryId("GSP1"), "GSP1"}, FollowUpState::kClosed);
  Store::DestructionRecord rec;
  ASSERT_TRUE(store_->Purge(DateFromCivil(2019, 1, 1), 5, "auditor", &rec).ok());
  EXPECT_EQ(rec.counts.queries, 1);  // GSP1 only
  EXPECT_EQ(rec.counts.kept_queries, 1);
  EXPECT_EQ(rec.counts.registrations, 2);  // REG-1 v1 and REG-3
  EXPECT_EQ(rec.counts.kept_register_rows, 1);
  EXPECT_EQ(rec.counts.register_keys_emptied, 1);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM queries WHERE txn_id='GSP2'"), 1);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM registrations WHERE reg_no='REG-2'"), 1);
  std::string file, raw;
  long line = 0;
  EXPECT_TRUE(store_->QueryRaw(QueryId("GSP2"), &file, &line, &raw).ok());

  // Once the follow-up is closed, the next purge may take the row.
  ASSERT_TRUE(store_->SetFollowUpState("R01|GSP2", FollowUpState::kClosed, "auditor", At(2018, 8, 1), "").ok());
  ASSERT_TRUE(store_->Purge(DateFromCivil(2019, 1, 1), 5, "auditor", &rec).ok());
  EXPECT_EQ(rec.counts.queries, 1);
  EXPECT_EQ(rec.counts.kept_register_rows, 1);  // REG-2 still pending
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM queries WHERE query_time < 1546300800"), 0);
  EXPECT_EQ(Text(db_, "PRAGMA integrity_check"), "ok");
}

TEST_F(PurgeTest, PurgedWithdrawnKeyThatReappearsGetsANewVersion) {
  Store::DestructionRecord rec;
  ASSERT_TRUE(store_->Purge(DateFromCivil(2019, 1, 1), 5, "auditor", &rec).ok());
  ASSERT_EQ(Count(db_, "SELECT COUNT(*) FROM registrations WHERE reg_no='REG-2'"), 0);
  // REG-2 comes back with exactly the content it had: it must be a current row again,
  // not a key pointing at removed rows; it keeps its (empty) first-seen time.
  Snapshot(std::string(kReg1c) + kReg2 + kReg4, At(2021, 1, 1));
  Period p;
  p.from = p.to = DateFromCivil(2021, 1, 1);
  RuleOptions wide;  // reach back to the 2018 rows
  wide.registration_window_days = 3650;
  Dataset ds;
  ASSERT_TRUE(store_->LoadDataset(p, wide, &ds).ok());
  ASSERT_EQ(ds.registrations.size(), 3u);
  bool found = false;
  for (const auto& r : ds.registrations)
    if (r.reg_no == "REG-2") {
      found = true;
      EXPECT_EQ(r.first_seen, kNoTime);
    }
  EXPECT_TRUE(found);
  std::vector<RegistrationRecord> regs;
  ASSERT_TRUE(store_->RegistrationsAppliedBetween(DateFromCivil(2018, 1, 1), DateFromCivil(2018, 12, 31), &regs).ok());
  EXPECT_EQ(regs.size(), 3u);
}

TEST_F(PurgeTest, NeedsSomeoneToAnswerForIt) {
  Store::DestructionRecord rec;
  Status st = store_->Purge(DateFromCivil(2019, 1, 1), 5, "", &rec);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM queries"), 3);
  EXPECT_EQ(Count(db_, "SELECT COUNT(*) FROM destruction_records"), 0);
}

}  // namespace
}  // namespace liaudit::store
