// The register column tables (store/registers.h) against the store's real schema: the
// same columns in the same order, records that survive an INSERT and a SELECT unchanged,
// and canonical texts pinned byte for byte (a change there gives every stored key a new
// version: docs/ARCHITECTURE.md, "Change a register's canonical form").
#include "store/registers.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "ingest/columns.h"
#include "store_test_util.h"

namespace liaudit::store {
namespace {

using internal::Stmt;

// Columns of `table` in the schema, without the bookkeeping ones every register has.
std::vector<std::string> SchemaColumns(sqlite3* db, const std::string& table) {
  std::vector<std::string> out;
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("PRAGMA table_info(" + table + ")").c_str(), -1, &s, nullptr), SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    if (name != "id" && name != "key_id" && name != "version" && name != "file_id" && name != "line" && name != "raw" &&
        name != "inconsistent")
      out.push_back(name);
  }
  sqlite3_finalize(s);
  return out;
}

template <typename R>
std::vector<std::string> TableColumns(const internal::RegisterTable<R>& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

class RegistersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    ASSERT_TRUE(OpenOrDie(path_));  // creates the newest schema
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db_,
                           "INSERT INTO source_files(id, path, sha256, kind, ingested_at) VALUES(1, 'r.csv', 'x', 'x', 1);"
                           "INSERT INTO register_keys(id, kind, key, current_version, content_sha256)"
                           " VALUES(1, 'k', 'k', 1, '')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
  }
  void TearDown() override { sqlite3_close(db_); }

  // INSERT through the table (as ingest does), SELECT back through it (as the readers do).
  template <typename R>
  R RoundTrip(const internal::RegisterTable<R>& t, const R& r, const std::vector<const char*>& extra = {}) {
    Stmt ins;
    EXPECT_TRUE(ins.Prepare(db_, internal::InsertSql(t, extra).c_str()).ok()) << internal::InsertSql(t, extra);
    ins.Bind(1, int64_t{1});
    ins.Bind(2, int64_t{1});
    int next = internal::BindRow(t, &ins, 3, r);
    for (size_t i = 0; i < extra.size(); ++i) ins.Bind(next++, 0);
    ins.Bind(next, int64_t{1});
    ins.Bind(next + 1, int64_t{7});
    ins.Bind(next + 2, std::string_view("raw"));
    Status st = ins.Run();
    EXPECT_TRUE(st.ok()) << st.ToString();
    Stmt sel;
    std::string sql = "SELECT r.id," + internal::SelectList(t) + " FROM " + t.table + " r ORDER BY r.id DESC LIMIT 1";
    EXPECT_TRUE(sel.Prepare(db_, sql.c_str()).ok()) << sql;
    bool row = false;
    EXPECT_TRUE(sel.Step(&row).ok());
    EXPECT_TRUE(row);
    R back = internal::ReadRow(t, sel, 1);
    sel.Reset();
    return back;
  }

  TempDir tmp_;
  std::string path_;
  sqlite3* db_ = nullptr;
};

TEST_F(RegistersTest, EveryTableHasTheSchemasColumnsInOrder) {
  EXPECT_EQ(TableColumns(internal::PermissionColumns()), SchemaColumns(db_, "permissions"));
  EXPECT_EQ(TableColumns(internal::RegistrationColumns()), SchemaColumns(db_, "registrations"));
  EXPECT_EQ(TableColumns(internal::RequestColumns()), SchemaColumns(db_, "requests"));
  EXPECT_EQ(TableColumns(internal::StaffColumns()), SchemaColumns(db_, "staff"));
}

TEST_F(RegistersTest, RecordsSurviveInsertAndSelect) {
  PermissionRecord p;
  p.form_no = "F-1";
  p.applied_on = 20600;
  p.name = "王小明";
  p.account = "ksw0231";
  p.action = PermissionAction::kChangeItems;
  p.items = {"C0101", "B0101"};
  p.decision = Decision::kRejected;  // effective_on stays kNoDate: NULL in the store
  p.manager_head = "陳主任";
  PermissionRecord p2 = RoundTrip(internal::PermissionColumns(), p);
  EXPECT_EQ(p2.form_no, "F-1");
  EXPECT_EQ(p2.applied_on, 20600);
  EXPECT_EQ(p2.effective_on, kNoDate);
  EXPECT_EQ(p2.action, PermissionAction::kChangeItems);
  EXPECT_EQ(p2.decision, Decision::kRejected);
  EXPECT_EQ(p2.items, p.items);
  EXPECT_EQ(p2.manager_head, "陳主任");
  EXPECT_EQ(internal::CanonOf(internal::PermissionColumns(), p2), internal::CanonOf(internal::PermissionColumns(), p));

  RegistrationRecord r;
  r.reg_no = "R-1";
  r.subject_id = "A123456789";
  r.items = {"N0101"};
  r.approved_at = 1780000000;
  r.request_no = "Q-1";
  RegistrationRecord r2 = RoundTrip(internal::RegistrationColumns(), r);
  EXPECT_EQ(r2.approved_at, 1780000000);
  EXPECT_EQ(r2.applied_on, kNoDate);
  EXPECT_EQ(r2.items, r.items);
  EXPECT_EQ(r2.request_no, "Q-1");

  RequestRow q;
  q.request_no = "Q-1";
  q.count = 3;
  q.subject_id = "B123456789";
  q.decision = "同意";
  RequestRow q2 = RoundTrip(internal::RequestColumns(), q, {"inconsistent"});
  EXPECT_EQ(q2.count, 3);
  EXPECT_EQ(q2.subject_id, "B123456789");
  EXPECT_EQ(q2.decision, "同意");

  StaffRecord s;
  s.account = "ksw0231";
  s.status = StaffStatus::kLeft;
  s.changed_on = 20700;
  StaffRecord s2 = RoundTrip(internal::StaffColumns(), s);
  EXPECT_EQ(s2.status, StaffStatus::kLeft);
  EXPECT_EQ(s2.changed_on, 20700);
}

// Column i of a table is field i of the header mapping, named by its English alias.
template <typename R>
void ExpectMatchesHeaderMapping(const internal::RegisterTable<R>& t) {
  const auto& spec = ingest::ColumnsFor(t.kind);
  ASSERT_EQ(spec.size(), t.columns.size()) << t.table;
  for (size_t i = 0; i < spec.size(); ++i) EXPECT_STREQ(t.columns[i].name, spec[i].alias) << t.table << " column " << i;
}

TEST(RegisterColumns, FollowTheHeaderMapping) {
  ExpectMatchesHeaderMapping(internal::PermissionColumns());
  ExpectMatchesHeaderMapping(internal::RegistrationColumns());
  ExpectMatchesHeaderMapping(internal::RequestColumns());
  ExpectMatchesHeaderMapping(internal::StaffColumns());
}

TEST(RegisterColumns, RequestDiffNamesTheFirstRequestLevelFieldThatDiffers) {
  RequestRow a;
  a.request_no = "Q-1";
  a.reason = "依老人福利法";
  a.count = 2;
  a.subject_id = "A123456789";
  RequestRow b = a;
  b.subject_id = "B123456789";  // another subject of the same request: not a difference
  EXPECT_EQ(internal::RequestDiff(a, b), -1);
  b.count = 3;
  EXPECT_EQ(internal::RequestDiff(a, b), ingest::request_col::kCount_);
  b.phone = "07-1234567";
  EXPECT_EQ(internal::RequestDiff(a, b), ingest::request_col::kPhone);
}

// The canonical texts as stored versions were hashed: these bytes must not change without
// the migration the recipe describes.
TEST(RegisterCanon, TextsArePinned) {
  StaffRecord s;
  s.name = "王小明";
  s.national_id = "A123456789";
  s.account = "ksw0231";
  s.unit = "社會救助科";
  s.status = StaffStatus::kLeft;
  s.changed_on = 20700;
  EXPECT_EQ(internal::CanonOf(internal::StaffColumns(), s),
            "王小明\x1f" "A123456789\x1f" "ksw0231\x1f社會救助科\x1f" "2\x1f" "20700\x1f");

  RequestRow q;  // request-level fields first, the subject's last
  q.request_no = "Q-1";
  q.unit = "鳳山區公所";
  q.applied_on = 20600;
  q.reason = "依老人福利法";
  q.count = 2;
  q.subject_name = "林大同";
  q.subject_id = "B123456789";
  q.review = "符合";
  q.decision = "同意";
  EXPECT_EQ(internal::CanonOf(internal::RequestColumns(), q),
            "Q-1\x1f鳳山區公所\x1f" "20600\x1f\x1f\x1f\x1f\x1f依老人福利法\x1f" "2\x1f符合\x1f同意\x1f林大同\x1f"
            "B123456789\x1f");

  RegistrationRecord r;
  r.reg_no = "R-1";
  r.items = {"C0101", "B0101"};
  EXPECT_EQ(internal::CanonOf(internal::RegistrationColumns(), r),
            "R-1\x1f-2147483648\x1f\x1f\x1f[\"C0101\",\"B0101\"]\x1f\x1f\x1f\x1f\x1f\x1f\x1f"
            "-9223372036854775808\x1f\x1f");

  PermissionRecord p;
  p.form_no = "F-1";
  p.action = PermissionAction::kRevoke;
  p.decision = Decision::kApproved;
  EXPECT_EQ(internal::CanonOf(internal::PermissionColumns(), p),
            "F-1\x1f-2147483648\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f" "1\x1f\x1f[]\x1f" "0\x1f-2147483648\x1f\x1f\x1f\x1f\x1f");
}

}  // namespace
}  // namespace liaudit::store
