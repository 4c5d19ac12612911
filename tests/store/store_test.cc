// Store: schema and migration, owner-only file, ingestion semantics (re-ingest,
// duplicates vs conflicts, register snapshots with versions, first-seen and
// withdrawal), dataset loading, jobs, findings and follow-ups. Every test runs the
// real parser on real CSV files and a real SQLite file.
#include "store/store.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "store/schema.h"
#include "store_test_util.h"

namespace liaudit::store {
namespace {

const char kPlatformHeader[] = "txn_id,query_time,account,service_code,subject_id,source_ip\n";
const char kRegHeader[] = "reg_no,applied_on,subject_name,subject_id,items,reason,requester,account,unit,approved_at\n";

TEST(StoreOpen, CreatesOwnerOnlyFileInOwnerOnlyFolder) {
  TempDir tmp;
  std::string path = tmp / "new/dir/liaudit.db";
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((tmp / "new/dir").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(Count(path, "PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(store->path(), path);
  // WAL is on: the -wal file has the database's mode too once something is written.
  JobRecord job;
  job.kind = "ingest";
  ASSERT_TRUE(store->BeginJob(&job).ok());
  if (stat((path + "-wal").c_str(), &st) == 0) {
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

TEST(StoreOpen, AnExistingFileReadableByOthersBecomesOwnerOnly) {
  TempDir tmp;
  std::string path = tmp / "made-by-hand.db";
  Write(path, "");
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(StoreOpen, MigratesVersion1StoreInPlace) {
  TempDir tmp;
  std::string path = tmp / "v1.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, internal::MigrationSql(1), nullptr, nullptr, nullptr), SQLITE_OK);
    const char* data =
        "PRAGMA user_version=1;"
        "INSERT INTO source_files(path, sha256, kind, rows_read, rows_taken, ingested_at)"
        " VALUES('old/platform/a.csv', 'abc', 'platform', 1, 1, 1000);"
        "INSERT INTO queries VALUES(1, 'GSP1', 2000, '', 'ksw1', '', 'B0101', 'A123456789', 1, '', '', 1, 2, 'raw line');"
        "INSERT INTO jobs(kind, params_json, started, status) VALUES('nightly', '{}', 5, 'ok');"
        "INSERT INTO followups(key, rule_id, account, severity, first_job, due, state)"
        " VALUES('R01|GSP1', 'R01', 'ksw1', 3, 1, 20000, 'open');";
    ASSERT_EQ(sqlite3_exec(db, data, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store);
  EXPECT_EQ(Count(path, "PRAGMA user_version"), kSchemaVersion);  // migrated to the newest
  std::vector<SourceFile> files;
  ASSERT_TRUE(store->ListSourceFiles(&files).ok());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].as_of, 1000);  // filled from ingested_at
  EXPECT_EQ(files[0].error, "");
  // Old rows are still there and the new history table works.
  ASSERT_TRUE(store->SetFollowUpState("R01|GSP1", FollowUpState::kReportReceived, "auditor", 30000, "got it").ok());
  std::vector<FollowUpChange> hist;
  ASSERT_TRUE(store->FollowUpHistory("R01|GSP1", &hist).ok());
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0].from, FollowUpState::kOpen);
  int n = 0;
  ASSERT_TRUE(store->ForEachQuery(0, 10000, [&](const PlatformQuery& q) {
                  EXPECT_EQ(q.txn_id, "GSP1");
                  ++n;
                  return Status::OK();
                }).ok());
  EXPECT_EQ(n, 1);
  // The account_time column added by version 2 is filled for old rows.
  Period p;
  p.from = p.to = DateFromCivil(1970, 1, 1);
  Dataset ds;
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_NE(ds.syms.Find("ksw1"), kNoSym);
  EXPECT_EQ(ds.last_query_time.at(ds.syms.Find("ksw1")), 2000);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM queries WHERE account_time = 4294967296 + 2000"), 1);
  // Version 4 moved the account + time look-up into query_accounts, filled for old rows.
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM query_accounts WHERE account_time = 4294967296 + 2000"
                        " AND query_id = 1"), 1);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'queries_account_time'"), 0);
  std::string file, raw;
  long line = 0;
  ASSERT_TRUE(store->QueryRaw(1, &file, &line, &raw).ok());
  EXPECT_EQ(raw, "raw line");
  EXPECT_EQ(file, "old/platform/a.csv");
  EXPECT_EQ(line, 2);
  store.reset();
  // Opening again is a no-op.
  store = OpenOrDie(path);
  EXPECT_EQ(Count(path, "PRAGMA user_version"), kSchemaVersion);
}

TEST(StoreOpen, RefusesNewerSchema) {
  TempDir tmp;
  std::string path = tmp / "future.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  std::unique_ptr<Store> s;
  Status st = Store::Open(path, &s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("newer"), std::string::npos) << st.message();
}

// liaudit doctor's view of a store: read-only, nothing migrated, nothing written.
TEST(StoreOpenReadOnly, ReportsVersionAndQuickCheckWithoutChangingTheFile) {
  TempDir tmp;
  std::string path = tmp / "liaudit.db";
  {
    auto store = OpenOrDie(path);
    JobRecord job;
    job.kind = "nightly";
    ASSERT_TRUE(store->BeginJob(&job).ok());
  }
  std::unique_ptr<Store> ro;
  ASSERT_TRUE(Store::OpenReadOnly(path, &ro).ok());
  int version = 0;
  ASSERT_TRUE(ro->SchemaVersion(&version).ok());
  EXPECT_EQ(version, kSchemaVersion);
  std::string verdict;
  ASSERT_TRUE(ro->QuickCheck(&verdict).ok());
  EXPECT_EQ(verdict, "ok");
  std::vector<JobRecord> jobs;
  ASSERT_TRUE(ro->ListJobs(&jobs).ok());
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, "nightly");
  JobRecord another;
  another.kind = "ingest";
  EXPECT_FALSE(ro->BeginJob(&another).ok());  // read-only
}

TEST(StoreOpenReadOnly, LeavesAnOldStoreAtItsVersionAndCreatesNothing) {
  TempDir tmp;
  std::string path = tmp / "old.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version=1", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  std::unique_ptr<Store> ro;
  ASSERT_TRUE(Store::OpenReadOnly(path, &ro).ok());
  int version = 0;
  ASSERT_TRUE(ro->SchemaVersion(&version).ok());
  EXPECT_EQ(version, 1);
  ro.reset();
  EXPECT_EQ(Count(path, "PRAGMA user_version"), 1);
  std::unique_ptr<Store> none;
  EXPECT_FALSE(Store::OpenReadOnly(tmp / "missing.db", &none).ok());
  struct stat st {};
  EXPECT_NE(stat((tmp / "missing.db").c_str(), &st), 0);
}

TEST(StoreOpenReadOnly, QuickCheckFindsACorruptFile) {
  TempDir tmp;
  std::string path = tmp / "corrupt.db";
  {
    auto store = OpenOrDie(path);
  }
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  {  // every page after the first: garbage
    int fd = open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    std::string junk(static_cast<size_t>(st.st_size) - 16384, '\xa5');
    ASSERT_EQ(pwrite(fd, junk.data(), junk.size(), 16384), static_cast<ssize_t>(junk.size()));
    close(fd);
  }
  std::unique_ptr<Store> ro;
  std::string verdict;
  Status s = Store::OpenReadOnly(path, &ro);
  if (s.ok()) s = ro->QuickCheck(&verdict);
  EXPECT_TRUE(!s.ok() || verdict != "ok") << verdict;
}

TEST(StoreIngest, SameFolderTwiceChangesNothing) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  std::string input = std::string(LIAUDIT_TEST_DATA) + "/store/small";
  IngestReport r1, r2;
  Status ist = store->IngestDirectory(input, At(2026, 11, 25, 23, 59), &r1);
  ASSERT_TRUE(ist.ok()) << ist.ToString();
  EXPECT_EQ(r1.files.size(), 6u);
  EXPECT_EQ(r1.taken, 7 + 2 + 1 + 2 + 1 + 3);  // R-2's two rows are quarantined, not taken
  for (const auto& f : r1.files) {
    EXPECT_FALSE(f.already_ingested) << f.path;
    EXPECT_EQ(f.error, "") << f.path;
    EXPECT_EQ(f.sha256.size(), 64u);
    EXPECT_EQ(f.encoding.rfind("UTF-8", 0), 0u) << f.encoding;
  }
  std::vector<std::string> tables = {"source_files", "queries", "query_conflicts", "register_keys", "permissions",
                                     "registrations", "requests", "staff", "calendar", "quarantine"};
  std::vector<int64_t> before;
  for (const auto& t : tables) before.push_back(Count(db, "SELECT COUNT(*) FROM " + t));
  ASSERT_TRUE(store->IngestDirectory(input, At(2026, 11, 26, 23, 59), &r2).ok());
  EXPECT_EQ(r2.files.size(), 6u);
  for (const auto& f : r2.files) EXPECT_TRUE(f.already_ingested) << f.path;
  EXPECT_EQ(r2.taken, 0);
  EXPECT_EQ(r2.rejected, 0);
  EXPECT_TRUE(r2.rejects.empty());
  for (size_t i = 0; i < tables.size(); ++i) {
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM " + tables[i]), before[i]) << tables[i];
  }
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM register_keys WHERE withdrawn=1"), 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
}

// file_stats: a file unchanged since it was hashed is not hashed again (its recorded hash is
// used), and an in-place edit that keeps the size and sets the mtime back is still noticed
// (the ctime moved), so the new content is taken.
TEST(StoreIngest, UnchangedFilesAreNotHashedAgainEditedOnesAre) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  std::string day1 = tmp / "in/platform/day1.csv";
  std::string day2 = tmp / "in/platform/day2.csv";
  Write(day1, std::string(kPlatformHeader) + "GSP1,2026-11-24 09:00,ksw1,B0101,A123456789,\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 24, 23, 59), &rep).ok());
  Write(day2, std::string(kPlatformHeader) + "GSP2,2026-11-25 09:00,ksw1,B0101,A123456789,\n");
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 25, 23, 59), &rep).ok());
  ASSERT_EQ(rep.files.size(), 2u);
  EXPECT_TRUE(rep.files[0].already_ingested);
  EXPECT_EQ(rep.taken, 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM file_stats"), 2);
  // The recorded hash is what the next run uses for an unchanged file: a wrong one recorded
  // by hand makes day1 look new (and its row a duplicate), which shows it was not re-read.
  std::string real = rep.files[0].sha256;
  ASSERT_EQ(real.size(), 64u);
  EXPECT_EQ(TryExec(db, "UPDATE file_stats SET sha256 = '" + std::string(64, 'a') + "' WHERE path LIKE '%day1.csv'"), "");
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 26, 23, 59), &rep).ok());
  EXPECT_FALSE(rep.files[0].already_ingested);
  EXPECT_EQ(rep.files[0].sha256, std::string(64, 'a'));
  EXPECT_EQ(rep.duplicates, 1);
  EXPECT_EQ(TryExec(db, "UPDATE file_stats SET sha256 = '" + real + "' WHERE path LIKE '%day1.csv'"), "");
  // Same size, same mtime, other content: the ctime changed, so it is hashed and taken.
  struct stat before;
  ASSERT_EQ(::stat(day2.c_str(), &before), 0);
  Write(day2, std::string(kPlatformHeader) + "GSP3,2026-11-25 09:00,ksw1,B0101,A123456789,\n");
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, day2.c_str(), times, 0), 0);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 27, 23, 59), &rep).ok());
  ASSERT_EQ(rep.files.size(), 2u);
  EXPECT_TRUE(rep.files[0].already_ingested);
  EXPECT_FALSE(rep.files[1].already_ingested);
  EXPECT_EQ(rep.taken, 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM queries WHERE txn_id = 'GSP3'"), 1);
}

// In a bulk load (empty store) a platform file's rows go in before its hash is known: a
// second copy of the same bytes in the same run must still count as already ingested, with
// its rows, accounts and look-up rows undone, and the first copy's hash recorded.
TEST(StoreIngest, SameContentTwiceInOneBulkLoadIsTakenOnce) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  std::string rows = std::string(kPlatformHeader) + "GSP1,2026-11-25 09:00,ksw1,B0101,A123456789,\n" +
                     "GSP2,2026-11-25 09:05,ksw9,B0101,A123456789,\n";
  Write(tmp / "in/platform/a.csv", rows);
  Write(tmp / "in/platform/b-copy.csv", rows);
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 25, 23, 59), &rep).ok());
  ASSERT_EQ(rep.files.size(), 2u);
  EXPECT_FALSE(rep.files[0].already_ingested);
  EXPECT_EQ(rep.files[0].taken, 2);
  EXPECT_TRUE(rep.files[1].already_ingested);
  EXPECT_EQ(rep.files[1].taken, 0);
  EXPECT_EQ(rep.files[1].sha256, rep.files[0].sha256);
  EXPECT_EQ(rep.files[1].rows_read, 2);  // the first copy's figures
  EXPECT_EQ(rep.taken, 2);
  EXPECT_EQ(rep.duplicates, 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM queries"), 2);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM query_accounts"), 2);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM source_files"), 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM source_files WHERE length(sha256) = 64"), 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM accounts"), 2);
}

// Duplicates and conflicts, both when the first copy came in the same run (bulk load
// into an empty table, indexes rebuilt afterwards) and in an earlier run (index look-up).
class DuplicateConflict : public ::testing::TestWithParam<bool> {};

TEST_P(DuplicateConflict, DuplicateIsNoOpConflictIsKeptAndQuarantined) {
  bool same_run = GetParam();
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  Write(tmp / "in1/platform/a.csv", std::string(kPlatformHeader) +
                                        "GSP1,2026-11-25 09:00,ksw0231,B0101,A123456789,10.0.0.1\n"
                                        "GSP2,2026-11-25 09:05,ksw0231,B0101,A123456789,10.0.0.1\n");
  std::string b = std::string(kPlatformHeader) +
                  "GSP1,2026-11-25 09:00,KSW0231,B0101,A123456789,10.0.0.1\n"   // same after normalising
                  "GSP2,2026-11-25 09:06,ksw0231,B0101,A123456789,10.0.0.1\n"   // different time
                  "GSP3,2026-11-25 10:00,ksw0231,C0101,A123456789,10.0.0.1\n";  // new
  IngestReport rep;
  if (same_run) {
    Write(tmp / "in1/platform/b.csv", b);
    ASSERT_TRUE(store->IngestDirectory(tmp / "in1", At(2026, 11, 25, 23, 59), &rep).ok());
    ASSERT_EQ(rep.files.size(), 2u);
    EXPECT_EQ(rep.files[0].taken, 2);
  } else {
    ASSERT_TRUE(store->IngestDirectory(tmp / "in1", At(2026, 11, 25, 23, 59), &rep).ok());
    EXPECT_EQ(rep.taken, 2);
    Write(tmp / "in2/platform/b.csv", b);
    ASSERT_TRUE(store->IngestDirectory(tmp / "in2", At(2026, 11, 26, 23, 59), &rep).ok());
    ASSERT_EQ(rep.files.size(), 1u);
  }
  const FileResult& fb = rep.files.back();
  EXPECT_EQ(fb.rows_read, 3);
  EXPECT_EQ(fb.taken, 1);
  EXPECT_EQ(fb.duplicates, 1);
  EXPECT_EQ(fb.conflicts, 1);
  EXPECT_EQ(fb.rejected, 1);
  EXPECT_EQ(rep.conflicts, 1);
  ASSERT_EQ(rep.rejects.size(), 1u);
  EXPECT_EQ(rep.rejects[0].line, 3);
  EXPECT_EQ(rep.rejects[0].column, 2);  // the first column that differs: query_time
  EXPECT_EQ(Count(db, "SELECT col FROM quarantine WHERE reason LIKE 'conflict:%'"), 2);
  EXPECT_EQ(rep.rejects[0].reason.rfind("conflict: ", 0), 0u) << rep.rejects[0].reason;
  EXPECT_NE(rep.rejects[0].reason.find("查詢時間"), std::string::npos) << rep.rejects[0].reason;
  EXPECT_NE(rep.rejects[0].raw.find("GSP2"), std::string::npos);
  // Both versions are kept; the rules see the first one.
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM queries"), 3);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM query_conflicts WHERE txn_id='GSP2'"), 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM quarantine WHERE reason LIKE 'conflict:%'"), 1);
  Period p;
  p.from = p.to = DateFromCivil(2026, 11, 25);
  Dataset ds;
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_EQ(ds.queries.size(), 3u);
  EXPECT_EQ(ds.queries[1].txn_id, "GSP2");
  EXPECT_EQ(ds.queries[1].time, At(2026, 11, 25, 9, 5));
  // The indexes exist again after a bulk load.
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND tbl_name='queries'"), 2);
  // ... and every kept query has its account + time row (the bulk load adds them in Finish).
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM queries q JOIN query_accounts a ON a.query_id = q.id"
                      " AND a.account_time = q.account_time"), 3);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM query_accounts"), 3);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode='wal'"), 1);  // back to WAL

  // The conflicting version seen again is a duplicate of the quarantined one.
  Write(tmp / "in3/platform/c.csv", std::string(kPlatformHeader) +
                                        "GSP2,2026-11-25 09:06,ksw0231,B0101,A123456789,10.0.0.1\n");
  ASSERT_TRUE(store->IngestDirectory(tmp / "in3", At(2026, 11, 27, 23, 59), &rep).ok());
  EXPECT_EQ(rep.duplicates, 1);
  EXPECT_EQ(rep.conflicts, 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM query_conflicts"), 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Store, DuplicateConflict, ::testing::Values(true, false),
                         [](const auto& param_info) { return param_info.param ? "SameRun" : "LaterRun"; });

// Enough rows for several hand-over batches between the parser thread and the store,
// and for the bulk-load duplicate table to grow several times.
TEST(StoreIngest, ManyRowsWithRepeatsAcrossBatches) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  std::string csv = kPlatformHeader;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    csv += "GSP" + std::to_string(1000000 + i) + ",2026-11-25 " + std::to_string(10 + i % 8) + ":00,ksw" +
           std::to_string(i % 37) + ",B0101,A123456789,\n";
  }
  for (int i = 0; i < n; i += 100) {  // 100 exact repeats and 100 conflicting ones (other service code)
    csv += "GSP" + std::to_string(1000000 + i) + ",2026-11-25 " + std::to_string(10 + i % 8) + ":00,ksw" +
           std::to_string(i % 37) + ",B0101,A123456789,\n";
    csv += "GSP" + std::to_string(1000000 + i + 1) + ",2026-11-25 " + std::to_string(10 + (i + 1) % 8) + ":00,ksw" +
           std::to_string((i + 1) % 37) + ",C0101,A123456789,\n";
  }
  Write(tmp / "in/platform/big.csv", csv);
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 25, 23, 59), &rep).ok());
  EXPECT_EQ(rep.taken, n);
  EXPECT_EQ(rep.duplicates, 100);
  EXPECT_EQ(rep.conflicts, 100);
  EXPECT_EQ(rep.rejects.size(), 100u);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM queries"), n);
  EXPECT_EQ(Count(db, "SELECT COUNT(DISTINCT txn_id) FROM queries"), n);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM accounts"), 37);
  Period p;
  p.from = p.to = DateFromCivil(2026, 11, 25);
  Dataset ds;
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  EXPECT_EQ(ds.queries.size(), static_cast<size_t>(n));
  EXPECT_TRUE(std::is_sorted(ds.queries.begin(), ds.queries.end(), [](const DsQuery& a, const DsQuery& b) {
    return a.time != b.time ? a.time < b.time : a.id < b.id;
  }));
  EXPECT_EQ(ds.last_query_time.size(), 37u);
}

TEST(StoreIngest, WholeFileRejectLeavesNoRowsAndIsRecordedOnce) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  // No 被查詢人統號 / subject_id column.
  Write(tmp / "in/platform/bad.csv", "txn_id,query_time,account,service_code\nGSP1,2026-11-25 09:00,ksw1,B0101\n");
  Write(tmp / "in/platform/good.csv", std::string(kPlatformHeader) + "GSP9,2026-11-25 09:00,ksw1,B0101,A123456789,\n");
  // Rows first, then a byte that is neither UTF-8 nor CP950: rejected whole after its rows
  // went into the (bulk) load.
  std::string late = kPlatformHeader;
  for (int i = 0; i < 500; ++i) late += "GSL" + std::to_string(i) + ",2026-11-25 10:00,ksw2,B0101,A123456789,\n";
  late += "GSLX,2026-11-25 10:00,\xff\xff,B0101,A123456789,\n";
  Write(tmp / "in/platform/late.csv", late);
  // A later file of the same bulk load repeats a row of the rejected one: it is new, not a
  // duplicate of a row that was rolled back.
  Write(tmp / "in/platform/zz.csv", std::string(kPlatformHeader) + "GSL7,2026-11-25 10:00,ksw2,B0101,A123456789,\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 25, 23, 59), &rep).ok());
  ASSERT_EQ(rep.files.size(), 4u);
  EXPECT_NE(rep.files[2].error, "");
  EXPECT_EQ(rep.files[3].taken, 1);
  EXPECT_EQ(rep.files[3].duplicates, 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM query_accounts"), 2);  // the late file's rows are gone here too
  EXPECT_NE(rep.files[0].error, "");
  EXPECT_NE(rep.files[0].error.find("subject_id"), std::string::npos) << rep.files[0].error;
  EXPECT_EQ(rep.files[1].taken, 1);
  ASSERT_EQ(rep.rejects.size(), 2u);
  EXPECT_EQ(rep.rejects[0].line, 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM queries"), 2);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM source_files WHERE error<>''"), 2);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 26, 23, 59), &rep).ok());
  EXPECT_NE(rep.files[0].error, "");  // reported again ...
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM source_files WHERE error<>''"), 2);  // ... recorded once
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM quarantine"), 2);
}

const DsRegistration* FindReg(const Dataset& ds, const std::string& no) {
  for (const auto& r : ds.registrations) {
    if (r.reg_no == no) return &r;
  }
  return nullptr;
}

TEST(StoreIngest, RegisterSnapshotsKeepVersionsFirstSeenAndWithdrawal) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  std::string reg1 = "REG-1,2026-11-01,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,2026-11-01 10:00\n";
  std::string reg1_edited = "REG-1,2026-11-01,甲,A123456789,B0101;C0101,依社會救助法,林,ksw1,救助科,2026-11-01 10:00\n";
  std::string reg2 = "REG-2,2026-11-02,乙,F222222222,B0101,依老人福利法,林,ksw1,救助科,\n";
  std::string reg3 = "REG-3,2026-11-20,丙,E120000001,B0101,依老人福利法,林,ksw1,救助科,\n";
  std::string file = tmp / "in/registers/registrations.csv";
  Period p;
  p.from = p.to = DateFromCivil(2026, 11, 25);
  Dataset ds;
  IngestReport rep;

  // Snapshot 1: the register's very first one -> no first-seen time.
  Write(file, kRegHeader + reg1 + reg2);
  LocalTime t1 = At(2026, 11, 10, 23, 59);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", t1, &rep).ok());
  EXPECT_EQ(rep.taken, 2);
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_EQ(ds.registrations.size(), 2u);
  EXPECT_EQ(FindReg(ds, "REG-1")->first_seen, kNoTime);
  EXPECT_EQ(FindReg(ds, "REG-2")->first_seen, kNoTime);

  // Snapshot 2: REG-1 edited, REG-2 gone, REG-3 new.
  Write(file, kRegHeader + reg1_edited + reg3);
  LocalTime t2 = At(2026, 11, 24, 23, 59) + 59;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", t2, &rep).ok());
  EXPECT_EQ(rep.withdrawn, 1);
  EXPECT_EQ(rep.taken, 2);
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_EQ(ds.registrations.size(), 2u);
  const DsRegistration* r1 = FindReg(ds, "REG-1");
  ASSERT_NE(r1, nullptr);
  EXPECT_EQ(r1->first_seen, kNoTime);  // an edited row keeps its key's first-seen
  EXPECT_EQ(r1->items.size(), 2u);     // the rules see the newest version
  EXPECT_EQ(FindReg(ds, "REG-3")->first_seen, t2);
  EXPECT_EQ(FindReg(ds, "REG-2"), nullptr);  // withdrawn: no longer used by the rules
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM registrations WHERE reg_no='REG-1'"), 2);  // history kept
  EXPECT_EQ(Count(db, "SELECT withdrawn_at FROM register_keys WHERE key='REG-2'"), t2);
  std::vector<RegistrationRecord> regs;
  ASSERT_TRUE(store->RegistrationsAppliedBetween(DateFromCivil(2026, 11, 1), DateFromCivil(2026, 11, 30), &regs).ok());
  ASSERT_EQ(regs.size(), 2u);
  EXPECT_EQ(regs[0].reg_no, "REG-1");
  EXPECT_EQ(regs[0].subject_name, "甲");

  // Snapshot 3: REG-2 comes back unchanged (un-withdrawn, still no first-seen), REG-1 gone.
  Write(file, kRegHeader + reg2 + reg3);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 28, 12, 0), &rep).ok());
  EXPECT_EQ(rep.withdrawn, 1);
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_EQ(ds.registrations.size(), 2u);
  ASSERT_NE(FindReg(ds, "REG-2"), nullptr);
  EXPECT_EQ(FindReg(ds, "REG-2")->first_seen, kNoTime);
  EXPECT_EQ(FindReg(ds, "REG-3")->first_seen, t2);
  EXPECT_EQ(FindReg(ds, "REG-1"), nullptr);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM registrations WHERE reg_no='REG-2'"), 1);  // no new version
  EXPECT_EQ(Count(db, "SELECT withdrawn_at IS NULL FROM register_keys WHERE key='REG-2'"), 1);

  // The same bytes again: skipped.
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 29, 12, 0), &rep).ok());
  ASSERT_EQ(rep.files.size(), 1u);
  EXPECT_TRUE(rep.files[0].already_ingested);
  // Snapshot 1's exact bytes again: not skipped (it is not the latest snapshot).
  Write(file, kRegHeader + reg1 + reg2);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 30, 12, 0), &rep).ok());
  EXPECT_FALSE(rep.files[0].already_ingested);
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_NE(FindReg(ds, "REG-1"), nullptr);
  EXPECT_EQ(FindReg(ds, "REG-1")->items.size(), 1u);
  EXPECT_EQ(FindReg(ds, "REG-1")->first_seen, kNoTime);
  EXPECT_EQ(FindReg(ds, "REG-3"), nullptr);
}

// A quarantined register row whose key can be read is still in the snapshot: the key is not
// withdrawn and keeps its version in force; a key first met quarantined in the register's
// first snapshot gets no first-seen time, so its corrected row is no backfill (R15).
TEST(StoreIngest, QuarantinedRegisterRowKeepsItsKey) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  const std::string perm_header = "表單編號,申請日期,申請單位,職稱,姓名,身分證字號,E政府帳號,申請事項,查調服務項目,審核結果,生效日期\n";
  const std::string perm_ok = "P-1,2026-01-02,社會救助科,科員,王小明,A123456789,ksw0231,新增權限,B0101,准予申請,2026-01-05\n";
  const std::string perm_typo = "p-1,2026-01-32,社會救助科,科員,王小明,A123456789,ksw0231,新增權限,B0101,准予申請,2026-01-05\n";
  std::string reg1 = "REG-1,2026-11-01,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,2026-11-01 10:00\n";
  std::string reg1_typo = "reg-1,2026-11-01,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,2026-11-01 25:00\n";
  std::string reg2 = "REG-2,2026-11-02,乙,F222222222,B0101,依老人福利法,林,ksw1,救助科,\n";
  std::string reg2_typo = "REG-2,2026-11-32,乙,F222222222,B0101,依老人福利法,林,ksw1,救助科,\n";
  const std::string perms = tmp / "in/registers/permissions.csv";
  const std::string regs = tmp / "in/registers/registrations.csv";
  Period p;
  p.from = p.to = DateFromCivil(2026, 11, 25);
  Dataset ds;
  IngestReport rep;

  // First snapshot: REG-2's row is quarantined; its key is recorded without a version.
  Write(perms, perm_header + perm_ok);
  Write(regs, kRegHeader + reg1 + reg2_typo);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 10, 23, 59), &rep).ok());
  EXPECT_EQ(rep.rejected, 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM register_keys WHERE key='REG-2' AND current_version=0"
                      " AND first_seen IS NULL AND NOT withdrawn"), 1);
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  EXPECT_EQ(ds.registrations.size(), 1u);  // a key without a version loads nothing

  // Second snapshot: REG-1 and P-1 come with typos (quarantined), REG-2 corrected.
  Write(perms, perm_header + perm_typo);
  Write(regs, kRegHeader + reg1_typo + reg2);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 20, 23, 59), &rep).ok());
  EXPECT_EQ(rep.rejected, 2);
  EXPECT_EQ(rep.withdrawn, 0);
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_EQ(ds.registrations.size(), 2u);
  ASSERT_NE(FindReg(ds, "REG-1"), nullptr);  // the version in force stays
  ASSERT_NE(FindReg(ds, "REG-2"), nullptr);
  EXPECT_EQ(FindReg(ds, "REG-2")->first_seen, kNoTime);  // it was in the first snapshot
  EXPECT_EQ(Count(db, "SELECT version FROM registrations WHERE reg_no='REG-2'"), 1);
  ASSERT_EQ(ds.permissions.size(), 1u);  // P-1 still in force
  EXPECT_EQ(Count(db, "SELECT withdrawn FROM register_keys WHERE key='P-1'"), 0);

  // Third snapshot: REG-1 really gone (a row without a readable key changes nothing).
  Write(regs, kRegHeader + reg2 + ",2026-11-01,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,\n");
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 21, 23, 59), &rep).ok());
  EXPECT_EQ(rep.withdrawn, 1);
  EXPECT_EQ(Count(db, "SELECT withdrawn FROM register_keys WHERE key='REG-1'"), 1);
}

// Two files of one register in one run (names differing in case) would be two snapshots,
// the second withdrawing the first: the one named as inputs.md names it is taken, the other
// is rejected whole (every run, until removed).
TEST(StoreIngest, SecondFileOfOneRegisterIsRejectedWhole) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  Write(tmp / "in/registers/Registrations.csv",
        std::string(kRegHeader) + "REG-9,2026-11-02,乙,F222222222,B0101,依老人福利法,林,ksw1,救助科,\n");
  Write(tmp / "in/registers/registrations.csv",
        std::string(kRegHeader) + "REG-1,2026-11-01,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 10, 23, 59), &rep).ok());
  EXPECT_EQ(rep.taken, 1);
  EXPECT_EQ(rep.withdrawn, 0);
  ASSERT_EQ(rep.rejects.size(), 1u);
  EXPECT_EQ(rep.rejects[0].file, tmp / "in/registers/Registrations.csv");
  EXPECT_NE(rep.rejects[0].reason.find("a second registrations register"), std::string::npos) << rep.rejects[0].reason;
  EXPECT_EQ(Text(db, "SELECT group_concat(key) FROM register_keys"), "REG-1");
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM register_keys WHERE first_seen IS NOT NULL"), 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM quarantine WHERE path LIKE '%Registrations.csv'"), 1);
}

TEST(StoreIngest, DuplicateRegisterKeyInOneFileIsQuarantined) {
  TempDir tmp;
  auto store = OpenOrDie(tmp / "s.db");
  Write(tmp / "in/registers/registrations.csv",
        std::string(kRegHeader) + "REG-1,2026-11-01,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,\n" +
            "REG-1,2026-11-02,乙,F222222222,B0101,依社會救助法,林,ksw1,救助科,\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 10), &rep).ok());
  EXPECT_EQ(rep.taken, 1);
  ASSERT_EQ(rep.rejects.size(), 1u);
  EXPECT_EQ(rep.rejects[0].line, 3);
  EXPECT_EQ(rep.rejects[0].column, 1);  // 編號
  EXPECT_NE(rep.rejects[0].reason.find("duplicate"), std::string::npos);
}

// Registrations stream into the store while the file parses: a file rejected whole part
// way through (here a byte that is neither UTF-8 nor CP950 after 2,000 good rows) must
// leave the previous snapshot exactly as it was, with no key withdrawn or added.
TEST(StoreIngest, RegistrationsFileRejectedLateLeavesThePreviousSnapshot) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  std::string file = tmp / "in/registers/registrations.csv";
  Write(file, std::string(kRegHeader) + "REG-1,2026-11-01,甲,A123456789,B0101,依社會救助法,林,ksw1,救助科,\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 10), &rep).ok());
  ASSERT_EQ(rep.taken, 1);
  std::string big = kRegHeader;
  for (int i = 0; i < 2000; ++i)
    big += "REG-N" + std::to_string(i) + ",2026-11-02,乙,F222222222,B0101,依社會救助法,林,ksw1,救助科,\n";
  big += "REG-X,2026-11-02,\xff\xff,F222222222,B0101,x,林,ksw1,救助科,\n";
  Write(file, big);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 11), &rep).ok());
  ASSERT_EQ(rep.files.size(), 1u);
  EXPECT_NE(rep.files[0].error, "");
  EXPECT_EQ(rep.withdrawn, 0);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM registrations"), 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM register_keys WHERE kind='registrations'"), 1);
  EXPECT_EQ(Count(db, "SELECT withdrawn FROM register_keys WHERE key='REG-1'"), 0);
  // The corrected file then takes effect as a whole.
  big.resize(big.rfind("REG-X"));
  Write(file, big);
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 12), &rep).ok());
  EXPECT_EQ(rep.files[0].error, "");
  EXPECT_EQ(rep.taken, 2000);
  EXPECT_EQ(rep.withdrawn, 1);
}

TEST(StoreDataset, LoadsSmallFolder) {
  TempDir tmp;
  auto store = OpenOrDie(tmp / "s.db");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(std::string(LIAUDIT_TEST_DATA) + "/store/small", At(2026, 11, 25, 23, 59), &rep)
                  .ok());
  // R-2's rows disagree on 查調筆數: both quarantined, the request marked inconsistent.
  ASSERT_EQ(rep.rejects.size(), 2u);
  for (const auto& r : rep.rejects) {
    EXPECT_NE(r.reason.find("inconsistent request"), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("查調筆數"), std::string::npos) << r.reason;
    EXPECT_EQ(r.column, 6) << r.reason;  // the 查調筆數 column
  }

  Period p;
  p.kind = JobKind::kNightly;
  p.from = p.to = DateFromCivil(2026, 11, 25);
  RuleOptions opts;
  {
    // A nightly period needs one day of context (R11), not a registration window.
    Dataset nightly;
    ASSERT_TRUE(store->LoadDataset(p, opts, &nightly).ok());
    EXPECT_EQ(nightly.context_start, At(2026, 11, 24));
    for (const auto& q : nightly.queries) EXPECT_NE(std::string(q.txn_id), "GSP1151120000003");
  }
  // Audit (and quarterly) periods look back a whole registration window for R14.
  p.kind = JobKind::kAudit;
  Dataset ds;
  ASSERT_TRUE(store->LoadDataset(p, opts, &ds).ok());
  EXPECT_EQ(ds.context_start, At(2026, 10, 26));
  // In order: the R12(b) look-back query (request R-1's subject), the context query, the two in-period ones.
  std::vector<std::string> txns;
  for (const auto& q : ds.queries) txns.emplace_back(q.txn_id);
  EXPECT_EQ(txns, (std::vector<std::string>{"GSP1150901000004", "GSP1151120000003", "GSP1151125000001",
                                            "GSP1151125000002"}));
  EXPECT_FALSE(ds.InPeriod(ds.queries[0]));
  EXPECT_FALSE(ds.InPeriod(ds.queries[1]));
  EXPECT_TRUE(ds.InPeriod(ds.queries[2]));
  const DsQuery& q2 = ds.queries[3];
  EXPECT_EQ(ds.syms.Name(q2.account), "ksw0231");  // full-width upper case normalised
  EXPECT_EQ(ds.syms.Name(q2.service), "C0101");
  EXPECT_EQ(ds.syms.Name(q2.source_ip), "10.0.0.1");
  EXPECT_EQ(q2.result, QueryResult::kNoData);
  EXPECT_EQ(q2.time, At(2026, 11, 25, 10, 30));
  EXPECT_EQ(ds.queries[1].source_ip, kNoSym);
  EXPECT_TRUE(ds.has_source_ip);

  ASSERT_EQ(ds.registrations.size(), 2u);
  const DsRegistration* r1 = FindReg(ds, "REG-1");
  const DsRegistration* r2 = FindReg(ds, "REG-2");
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->reason, "依社會救助法第10條審核低收入戶資格");  // applied in the period
  EXPECT_EQ(r2->reason, "");                                  // not in the period: not loaded
  EXPECT_EQ(r1->approved_at, At(2026, 11, 25, 8, 30));
  EXPECT_EQ(r2->request_no, "R-1");
  EXPECT_EQ(ds.syms.Name(r1->unit), "社會救助科");
  EXPECT_EQ(r1->first_seen, kNoTime);

  ASSERT_EQ(ds.permissions.size(), 1u);
  EXPECT_EQ(ds.permissions[0].decision, Decision::kApproved);
  EXPECT_EQ(ds.permissions[0].effective_on, DateFromCivil(2026, 1, 5));
  ASSERT_EQ(ds.permissions[0].items.size(), 2u);
  EXPECT_EQ(ds.syms.Name(ds.permissions[0].items[1]), "C0101");

  ASSERT_EQ(ds.requests.size(), 4u);
  for (const auto& r : ds.requests) EXPECT_EQ(r.inconsistent, r.request_no == "R-2") << r.request_no;

  EXPECT_TRUE(ds.has_roster);
  ASSERT_EQ(ds.staff.size(), 1u);
  EXPECT_EQ(ds.staff[0].status, StaffStatus::kActive);

  EXPECT_TRUE(ds.has_calendar);
  EXPECT_EQ(ds.calendar.size(), 3u);
  EXPECT_TRUE(ds.calendar.at(DateFromCivil(2026, 11, 28)));
  EXPECT_FALSE(ds.calendar.at(DateFromCivil(2026, 10, 10)));

  Sym a231 = ds.syms.Find("ksw0231"), a300 = ds.syms.Find("ksw0300");
  ASSERT_NE(a300, kNoSym);
  EXPECT_EQ(ds.last_query_time.at(a231), At(2026, 11, 25, 10, 30));
  EXPECT_EQ(ds.last_query_time.at(a300), At(2026, 8, 1, 8, 0));  // the 11-26 query is after the period

  // The documents' look-ups.
  std::vector<std::vector<RequestRow>> reqs;
  ASSERT_TRUE(store->RequestsAppliedBetween(DateFromCivil(2026, 8, 1), DateFromCivil(2026, 9, 30), &reqs).ok());
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].size(), 2u);
  EXPECT_EQ(reqs[0][1].subject_name, "錢小二");
  std::vector<PermissionRecord> perms;
  ASSERT_TRUE(store->PermissionsAppliedBetween(DateFromCivil(2026, 1, 1), DateFromCivil(2026, 1, 31), &perms).ok());
  ASSERT_EQ(perms.size(), 1u);
  EXPECT_EQ(perms[0].account, "ksw0231");
  ASSERT_TRUE(store->PermissionsAppliedBetween(DateFromCivil(2026, 2, 1), DateFromCivil(2026, 2, 28), &perms).ok());
  EXPECT_TRUE(perms.empty());
  std::vector<StaffRecord> staff;
  ASSERT_TRUE(store->Staff(&staff).ok());
  ASSERT_EQ(staff.size(), 1u);
  bool work = false;
  ASSERT_TRUE(store->IsWorkDay(DateFromCivil(2026, 11, 28), &work).ok());  // make-up Saturday
  EXPECT_TRUE(work);
  ASSERT_TRUE(store->IsWorkDay(DateFromCivil(2026, 11, 29), &work).ok());  // Sunday, not covered
  EXPECT_FALSE(work);
  ASSERT_TRUE(store->IsWorkDay(DateFromCivil(2026, 11, 30), &work).ok());  // Monday, not covered
  EXPECT_TRUE(work);

  // Streaming in (time, txn) order, and the raw line of a stored query.
  std::vector<std::string> streamed;
  ASSERT_TRUE(store->ForEachQuery(At(2026, 11, 1), At(2026, 12, 1), [&](const PlatformQuery& q) {
                  streamed.push_back(q.txn_id);
                  return Status::OK();
                }).ok());
  EXPECT_EQ(streamed.size(), 4u);
  std::string file, raw;
  long line = 0;
  ASSERT_TRUE(store->QueryRaw(q2.id, &file, &line, &raw).ok());
  EXPECT_EQ(line, 3);
  EXPECT_NE(raw.find("ＫＳＷ0231"), std::string::npos);  // verbatim, not normalised
}

// A file whose name is not UTF-8 (a Big5 name from a Windows share) is taken, and named by
// its decoded name in the store and in quarantine; it is read through its real name.
TEST(StoreIngest, FileNameNotUtf8IsTakenUnderItsDecodedName) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  const std::string big5_name = "\xAC\x64\xB8\xDF.csv";  // 查詢.csv in Big5
  Write(tmp / ("in/platform/" + big5_name),
        std::string(kPlatformHeader) + "T1,2026-11-25 10:00:00,ksw0231,C0101,A123456789,10.0.0.1\n"
                                       "T2,2026-13-25 10:00:00,ksw0231,C0101,A123456789,10.0.0.1\n");
  Write(tmp / "in/platform/\x80\xFF.csv", std::string(kPlatformHeader) + "T3,2026-11-25 10:00:00,ksw0231,C0101,A123456789,\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 25, 23, 59), &rep).ok());
  EXPECT_EQ(rep.taken, 2);
  ASSERT_EQ(rep.rejects.size(), 1u);
  EXPECT_EQ(rep.rejects[0].file, tmp / "in/platform/查詢.csv");
  EXPECT_EQ(Text(db, "SELECT group_concat(path, '|') FROM (SELECT path FROM source_files ORDER BY path)"),
            tmp / "in/platform/\\x80\\xFF.csv" + "|" + (tmp / "in/platform/查詢.csv"));
  EXPECT_EQ(Text(db, "SELECT path FROM quarantine"), tmp / "in/platform/查詢.csv");
  // A second run finds both files taken (it reads them through their real names).
  IngestReport again;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 26, 23, 59), &again).ok());
  EXPECT_EQ(again.taken, 0);
  for (const auto& f : again.files) EXPECT_TRUE(f.already_ingested) << f.path;
}

// IPv6 addresses are stored in one canonical spelling; a store written before that (its
// rows edited here to the old spellings) still loads them as one address for R11.
TEST(StoreDataset, Ipv6AddressesCompareAsAddresses) {
  TempDir tmp;
  std::string db = tmp / "s.db";
  auto store = OpenOrDie(db);
  Write(tmp / "in/platform/a.csv",
        std::string(kPlatformHeader) +
            "T1,2026-11-25 10:00:00,ksw0231,C0101,A123456789,2001:DB8::1\n"
            "T2,2026-11-25 10:01:00,ksw0231,C0101,A123456789,2001:db8:0:0:0:0:0:1\n"
            "T3,2026-11-25 10:02:00,ksw0231,C0101,A123456789,::ffff:10.0.0.1\n"
            "T4,2026-11-25 10:03:00,ksw0231,C0101,A123456789,10.0.0.1\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 11, 25, 23, 59), &rep).ok());
  EXPECT_EQ(rep.taken, 4);
  EXPECT_EQ(Text(db, "SELECT group_concat(source_ip, ' ') FROM (SELECT source_ip FROM queries ORDER BY id)"),
            "2001:db8::1 2001:db8::1 10.0.0.1 10.0.0.1");
  EXPECT_EQ(TryExec(db, "UPDATE queries SET source_ip = '2001:DB8::0:1' WHERE txn_id = 'T2'"), "");
  Period p;
  p.kind = JobKind::kNightly;
  p.from = p.to = DateFromCivil(2026, 11, 25);
  Dataset ds;
  ASSERT_TRUE(store->LoadDataset(p, RuleOptions(), &ds).ok());
  ASSERT_EQ(ds.queries.size(), 4u);
  EXPECT_EQ(ds.syms.Name(ds.queries[1].source_ip), "2001:db8::1");
  EXPECT_EQ(ds.queries[0].source_ip, ds.queries[1].source_ip);
  EXPECT_EQ(ds.queries[2].source_ip, ds.queries[3].source_ip);
}

TEST(StoreDataset, CalendarFilesUpsertPerDate) {
  TempDir tmp;
  auto store = OpenOrDie(tmp / "s.db");
  Write(tmp / "in/calendar/a.csv", "西元日期,星期,是否放假,備註\n20260101,四,2,元旦\n20260102,五,0,\n");
  Write(tmp / "in/calendar/b.csv", "西元日期,星期,是否放假,備註\n20260102,五,2,調整放假\n");
  IngestReport rep;
  ASSERT_TRUE(store->IngestDirectory(tmp / "in", At(2026, 1, 1), &rep).ok());
  bool work = true;
  ASSERT_TRUE(store->IsWorkDay(DateFromCivil(2026, 1, 2), &work).ok());
  EXPECT_FALSE(work);  // the later file wins for the date it covers
}

TEST(StoreJobs, JobsFindingsAndFollowUps) {
  TempDir tmp;
  auto store = OpenOrDie(tmp / "s.db");
  std::string h;
  ASSERT_TRUE(store->LastManifestHash(&h).ok());
  EXPECT_EQ(h, "");
  JobRecord j1;
  j1.kind = "nightly";
  j1.params_json = R"({"date":"2026-11-25"})";
  ASSERT_TRUE(store->BeginJob(&j1).ok());
  EXPECT_GT(j1.id, 0);
  EXPECT_EQ(j1.status, "running");
  j1.status = "ok";
  j1.manifest_sha256 = std::string(64, 'a');
  j1.output_dir = "out/nightly/2026-11-25";
  ASSERT_TRUE(store->FinishJob(j1).ok());
  JobRecord j2;
  j2.kind = "audit";
  ASSERT_TRUE(store->BeginJob(&j2).ok());
  j2.status = "failed";
  ASSERT_TRUE(store->FinishJob(j2).ok());
  ASSERT_TRUE(store->LastManifestHash(&h).ok());
  EXPECT_EQ(h, std::string(64, 'a'));  // the failed job does not count
  std::vector<JobRecord> jobs;
  ASSERT_TRUE(store->ListJobs(&jobs).ok());
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].output_dir, "out/nightly/2026-11-25");
  EXPECT_NE(jobs[1].finished, kNoTime);

  Finding f;
  f.rule_id = "R01";
  f.severity = Severity::kHigh;
  f.key = "R01|GSP1";
  f.account = "ksw0231";
  f.txn_id = "GSP1";
  f.query_time = At(2026, 11, 25, 9, 0);
  f.detail = "未登記查調";
  f.evidence.push_back({Evidence::Kind::kQuery, 7, "GSP1"});
  Finding g = f;
  g.rule_id = "R09";
  g.key = "R09|ksw0231|2026-11-25";
  g.date = DateFromCivil(2026, 11, 25);
  g.query_time = kNoTime;
  g.evidence.clear();
  ASSERT_TRUE(store->SaveFindings(j1.id, {f, g}).ok());
  std::vector<Finding> back;
  ASSERT_TRUE(store->LoadFindings(j1.id, &back).ok());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].key, f.key);
  ASSERT_EQ(back[0].evidence.size(), 1u);
  EXPECT_EQ(back[0].evidence[0].id, 7);
  EXPECT_EQ(back[1].date, g.date);
  EXPECT_EQ(back[1].query_time, kNoTime);

  Date due1 = DateFromCivil(2026, 12, 5), due2 = DateFromCivil(2026, 12, 1);
  ASSERT_TRUE(store->OpenFollowUp(f, j1.id, due1).ok());
  ASSERT_TRUE(store->OpenFollowUp(f, j2.id, due2).ok());  // exists: left as it is
  ASSERT_TRUE(store->OpenFollowUp(g, j1.id, due2).ok());
  std::vector<FollowUp> fus;
  ASSERT_TRUE(store->ListFollowUps(&fus).ok());
  ASSERT_EQ(fus.size(), 2u);
  EXPECT_EQ(fus[0].key, g.key);  // earlier due first
  EXPECT_EQ(fus[1].due, due1);
  EXPECT_EQ(fus[1].first_job, j1.id);
  EXPECT_EQ(fus[1].state, FollowUpState::kOpen);
  EXPECT_EQ(fus[1].severity, Severity::kHigh);

  ASSERT_TRUE(store->SetFollowUpState(f.key, FollowUpState::kReportReceived, "auditor1", At(2026, 12, 2), "報告已收").ok());
  ASSERT_TRUE(store->SetFollowUpState(f.key, FollowUpState::kClosed, "auditor2", At(2026, 12, 3), "結案").ok());
  ASSERT_TRUE(store->ListFollowUps(&fus).ok());
  EXPECT_EQ(fus[1].state, FollowUpState::kClosed);
  EXPECT_EQ(fus[1].updated_by, "auditor2");
  EXPECT_EQ(fus[1].updated_at, At(2026, 12, 3));
  EXPECT_EQ(fus[1].note, "結案");
  std::vector<FollowUpChange> hist;
  ASSERT_TRUE(store->FollowUpHistory(f.key, &hist).ok());
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].from, FollowUpState::kOpen);
  EXPECT_EQ(hist[0].to, FollowUpState::kReportReceived);
  EXPECT_EQ(hist[0].by, "auditor1");
  EXPECT_EQ(hist[1].from, FollowUpState::kReportReceived);
  EXPECT_EQ(hist[1].to, FollowUpState::kClosed);
  Status st = store->SetFollowUpState("R99|nope", FollowUpState::kClosed, "x", At(2026, 12, 3), "");
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_STREQ(FollowUpStateName(FollowUpState::kReportReceived), "report_received");
}

}  // namespace
}  // namespace liaudit::store
