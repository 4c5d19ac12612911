// The document builders on values: a checked period made in code, the rules run for real,
// the models and sheet books compared with what the documents must say.
#include "documents/documents.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/rules/ds_builder.h"

namespace liaudit::documents {
namespace {

using rules::testing::DsBuilder;
using rules::testing::T;
using rules::testing::ValidId;

const std::string kSubj = ValidId('A', "12345678");
const std::string kSubj2 = ValidId('B', "22345678");
constexpr const char* kAcct = "ksw0231";
constexpr const char* kOther = "ksw0999";

// A quarter (2026Q3) in which ksw0231 holds C0101 and queries twice: once registered, once
// not (R01); ksw0999 has no permission and queries once (R04).
CheckedPeriod Quarter(JobKind kind = JobKind::kQuarterly) {
  DsBuilder b(kind, "2026-07-01", "2026-09-30");
  b.Perm("F001", kAcct, PermissionAction::kGrant, "C0101", "2026-01-01", Decision::kApproved,
         ValidId('E', "12345678"));
  b.Reg("R-0001", "2026-07-14", kAcct, kSubj, "C0101", "2026-07-14 09:00");
  b.Query("T1", "2026-07-14 10:00", kAcct, "C0101", kSubj);
  b.Query("T2", "2026-08-03 11:00", kAcct, "C0101", kSubj2);
  b.Query("T3", "2026-09-01 15:00", kOther, "C0101", kSubj2);
  CheckedPeriod c;
  c.ds = b.Build();
  Status st = rules::RunRules(c.ds, RuleOptions(), &c.rules);
  EXPECT_TRUE(st.ok()) << st.ToString();
  c.people[kAcct] = {"王小明", "社會救助科"};
  c.queries_checked = 3;
  return c;
}

BuildOptions Options() {
  BuildOptions o;
  o.now = T("2026-10-02 09:30");
  o.signer = "高雄市政府社會局";
  o.audit_unit = "秘書室資訊小組";
  o.auditor = "陳稽核";
  return o;
}

Wording RepoWording() {
  Wording w;
  Status st = LoadWording(std::string(LIAUDIT_SOURCE_DIR) + "/templates", &w);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return w;
}

const Finding* FindingOf(const CheckedPeriod& c, const std::string& rule) {
  for (const Finding& f : c.findings())
    if (f.rule_id == rule) return &f;
  return nullptr;
}

// Collects what a sheet::Writer is asked to write.
class RecordingWriter final : public sheet::Writer {
 public:
  struct Out {
    std::string name, title;
    std::vector<std::vector<sheet::Cell>> rows;
  };
  std::vector<Out> sheets;
  Status AddSheet(const sheet::SheetSpec& spec) override {
    sheets.push_back({spec.name, spec.title, {}});
    return Status::OK();
  }
  Status AppendRow(const sheet::Cell* cells, size_t n) override {
    if (sheets.empty()) return Status::Internal("row before a sheet");
    sheets.back().rows.emplace_back(cells, cells + n);
    return Status::OK();
  }
  using sheet::Writer::AppendRow;
  Status Close() override { return Status::OK(); }
  const std::string& sheet_name() const override { return sheets.back().name; }
  int64_t sheet_rows() const override { return static_cast<int64_t>(sheets.back().rows.size()); }
};

RecordingWriter Written(const sheet::Book& book) {
  RecordingWriter w;
  Status st = sheet::WriteBook(book, &w);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return w;
}

TEST(Builders, TheRulesFlagEachQueryWithARegistration) {
  CheckedPeriod c = Quarter();
  ASSERT_EQ(c.rules.registered.size(), c.ds.queries.size());
  std::vector<int> flags(c.rules.registered.begin(), c.rules.registered.end());
  EXPECT_EQ(flags, (std::vector<int>{1, 0, 0}));  // T1 registered; T2 and T3 not
  ASSERT_NE(FindingOf(c, "R01"), nullptr);
  ASSERT_NE(FindingOf(c, "R04"), nullptr);
}

TEST(Builders, CountByRuleListsEveryRuleTheJobKindRuns) {
  CheckedPeriod nightly = Quarter(JobKind::kNightly);
  CheckedPeriod quarterly = Quarter(JobKind::kQuarterly);
  auto n = CountByRule(nightly), q = CountByRule(quarterly);
  EXPECT_EQ(n.size(), 14u);  // R14 and R16 run in quarterly and audit jobs only
  EXPECT_EQ(q.size(), 16u);
  long total = 0;
  for (const auto& rc : q) total += rc.count;
  EXPECT_EQ(total, static_cast<long>(quarterly.findings().size()));
}

TEST(Builders, FindingLineMasksAndNamesTheSourceLineOfItsEvidence) {
  CheckedPeriod c = Quarter();
  const Finding* f = FindingOf(c, "R01");
  ASSERT_NE(f, nullptr);
  ASSERT_FALSE(f->evidence.empty());
  SourceLines sources;
  for (int64_t id : EvidenceQueryIds({*f})) sources[id] = {"/srv/input/platform/20260803.csv", 12};
  reports::FindingLine l = ToLine(c, *f, "XXXXXX****", &sources);
  EXPECT_EQ(l.subject_id, "B22345****");
  EXPECT_EQ(l.querier, "王小明");
  EXPECT_EQ(l.unit, "社會救助科");
  EXPECT_EQ(l.when, "115/08/03 11:00");
  ASSERT_FALSE(l.evidence.empty());
  EXPECT_NE(l.evidence[0].find("20260803.csv 第 12 行"), std::string::npos) << l.evidence[0];
  EXPECT_EQ(l.evidence[0].find("/srv/input"), std::string::npos) << "only the file name is printed";
  EXPECT_EQ(ToLine(c, *f, "", nullptr).subject_id, kSubj2);
  EXPECT_TRUE(ToLine(c, *f, "", nullptr).evidence.empty());
}

TEST(Builders, ReviewReportCountsMatchedQueriesPerQuerierAndFollowUps) {
  CheckedPeriod c = Quarter();
  ReviewInputs in;
  in.quarter = "2026Q3";
  in.rejected_rows = 2;
  FollowUp late;
  late.key = "R01|T2";
  late.rule_id = "R01";
  late.account = kAcct;
  late.due = rules::testing::D("2026-09-30");  // before o.now: overdue
  FollowUp closed = late;
  closed.key = "R04|T3";
  closed.state = FollowUpState::kClosed;
  in.followups = {late, closed};
  reports::ReviewReport m = BuildReviewReport(c, Options(), in);
  EXPECT_EQ(m.total_queries, 3);
  EXPECT_EQ(m.rejected_rows, 2);
  EXPECT_EQ(m.month_labels, (std::vector<std::string>{"7月", "8月", "9月"}));
  ASSERT_EQ(m.by_querier.size(), 2u);
  const reports::QuerierLine* mine = nullptr;
  for (const auto& q : m.by_querier)
    if (q.account == kAcct) mine = &q;
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(mine->queries, 2);
  EXPECT_EQ(mine->matched, 1);
  EXPECT_EQ(mine->registrations, 1);
  ASSERT_EQ(m.followups.size(), 1u);  // the closed one is not listed
  ASSERT_EQ(m.overdue.size(), 1u);
  EXPECT_EQ(m.overdue[0].due, "115/09/30");
  for (const auto& l : m.findings) EXPECT_EQ(l.subject_id.find("2345678"), std::string::npos) << "masked";
  EXPECT_TRUE(m.stamp.draw);
  EXPECT_EQ(m.stamp.lines[2], "簽署時間：115/10/02 09:30");
  BuildOptions unsigned_opts = Options();
  unsigned_opts.signer.clear();
  EXPECT_FALSE(BuildReviewReport(c, unsigned_opts, in).stamp.draw);
}

TEST(Builders, ReviewBookStreamsTheQuerySheetFromItsSource) {
  CheckedPeriod c = Quarter();
  ReviewInputs in;
  in.quarter = "2026Q3";
  reports::ReviewReport m = BuildReviewReport(c, Options(), in);
  int pulls = 0;
  QuerySource source = [&pulls](const std::function<Status(const PlatformQuery&)>& each) -> Status {
    ++pulls;
    PlatformQuery q;
    q.txn_id = "T9";
    q.query_time = T("2026-07-20 10:00");
    q.account = kAcct;
    q.service_code = "C0101";
    q.subject_id = kSubj;
    q.result = QueryResult::kSuccess;
    return each(q);
  };
  sheet::Book book = BuildReviewBook(c, RepoWording(), Options(), m, source);
  EXPECT_TRUE(book.big);
  EXPECT_EQ(book.info.title, "勞保查詢系統使用紀錄檢查結果");
  EXPECT_EQ(pulls, 0) << "the store is read while the workbook is written, not by the builder";
  RecordingWriter w = Written(book);
  EXPECT_EQ(pulls, 1);
  std::vector<std::string> names;
  for (const auto& s : w.sheets) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"摘要", "查詢紀錄", "檢查結果", "統計-單位", "統計-查詢者", "統計-服務項目",
                                             "登記簿比對-月", "追蹤改善"}));
  ASSERT_EQ(w.sheets[1].rows.size(), 1u);
  const auto& row = w.sheets[1].rows[0];
  EXPECT_EQ(row[3].text(), "王小明");
  EXPECT_EQ(row[7].text(), "A12345****");
  EXPECT_EQ(row[8].text(), "成功");
  // 登記簿比對-月: ksw0231 in July (1 query, 1 registration, 1 matched) and August (1, 0, 0).
  const auto& monthly = w.sheets[6].rows;
  ASSERT_EQ(monthly.size(), 3u);
  EXPECT_EQ(monthly[0][2].text(), "2026-07");
  EXPECT_EQ(monthly[0][3].integer(), 1);
  EXPECT_EQ(monthly[0][4].integer(), 1);
  EXPECT_EQ(monthly[0][5].integer(), 1);
  EXPECT_EQ(monthly[1][5].integer(), 0);
  // A source that fails fails the book.
  QuerySource broken = [](const std::function<Status(const PlatformQuery&)>&) { return Status::IoError("disk"); };
  RecordingWriter w2;
  EXPECT_FALSE(sheet::WriteBook(BuildReviewBook(c, RepoWording(), Options(), m, broken), &w2).ok());
}

TEST(Builders, ExceptionsBookHasASummaryAndOneSheetPerRule) {
  CheckedPeriod c = Quarter(JobKind::kNightly);
  sheet::Book book = BuildExceptionsBook(c, RepoWording(), Options());
  ASSERT_EQ(book.sheets.size(), 15u);  // 摘要 + the 14 nightly rules
  EXPECT_EQ(book.sheets[0].spec.title, "勞保查詢系統每日異常報告 115年7月1日");
  long findings_rows = 0;
  for (size_t i = 1; i < book.sheets.size(); ++i) findings_rows += static_cast<long>(book.sheets[i].rows.size());
  EXPECT_EQ(findings_rows, static_cast<long>(c.findings().size()));
  const auto& sum = book.sheets[0].rows;
  bool total = false;
  for (const auto& r : sum)
    if (r[0].text() == "合計") total = r[3].integer() == static_cast<long>(c.findings().size());
  EXPECT_TRUE(total);
  // Internal documents show IDs in full unless asked.
  BuildOptions o = Options();
  EXPECT_EQ(BuildExceptionsBook(c, RepoWording(), o).sheets[1].rows[0][9].text().size(), 10u);
}

TEST(Builders, Form4OpinionFollowsFindingsFollowUpsAndUncoveredDays) {
  CheckedPeriod c = Quarter(JobKind::kAudit);
  c.days_without_export = {rules::testing::D("2026-07-02")};
  Form4Inputs in;
  in.from = c.ds.period.from;
  in.to = c.ds.period.to;
  in.audit_date = rules::testing::D("2026-10-02");
  in.only = {"ksw0500"};  // named by the audit, no query
  in.job_id = 7;
  const Finding* r01 = FindingOf(c, "R01");
  ASSERT_NE(r01, nullptr);
  FollowUp fu;
  fu.key = r01->key;
  fu.first_job = 7;
  fu.due = rules::testing::D("2026-10-12");
  in.followups = {fu};
  Form4Set set = BuildForm4Set(c, RepoWording(), Options(), in);
  ASSERT_EQ(set.forms.size(), 3u);  // ksw0231, ksw0500, ksw0999 in account order
  EXPECT_EQ(set.forms[0].querier_account, kAcct);
  EXPECT_EQ(set.forms[0].querier, "王小明");
  EXPECT_EQ(set.forms[0].cases, 2);
  EXPECT_EQ(set.forms[0].review_due, fu.due);  // a follow-up this job opened
  EXPECT_NE(set.forms[0].opinion.find("R01"), std::string::npos);
  EXPECT_NE(set.forms[0].opinion.find("115年7月2日"), std::string::npos) << "uncovered day named";
  EXPECT_EQ(set.forms[1].querier_account, "ksw0500");
  EXPECT_EQ(set.forms[1].cases, 0);
  EXPECT_NE(set.forms[1].opinion.find("未發現違反本要點之情事"), std::string::npos);
  EXPECT_EQ(set.forms[1].auditor, "陳稽核");
  EXPECT_EQ(set.forms[1].documents_deadline, in.audit_date + 10);
  ASSERT_EQ(set.book.sheets.size(), 1u);
  ASSERT_EQ(set.book.sheets[0].rows.size(), 3u);
  EXPECT_EQ(set.book.sheets[0].rows[0][11].text(), forms::Form4Opinion(set.forms[0]));
  EXPECT_EQ(set.book.sheets[0].spec.title.rfind("稽核紀錄表（附表4）", 0), 0u);
}

TEST(Builders, Form2BookMasksAsToldAndPullsEveryRegistration) {
  BuildOptions o = Options();
  o.internal_mask = "XXXXXX****";
  int n = 0;
  RegistrationSource regs = [&n](const std::function<Status(RegistrationRecord&)>& each) -> Status {
    for (int i = 0; i < 3; ++i) {
      RegistrationRecord r;
      r.reg_no = "R-" + std::to_string(i);
      r.subject_id = kSubj;
      r.items = {"C0101", "B0101"};
      ++n;
      LIAUDIT_RETURN_IF_ERROR(each(r));
    }
    return Status::OK();
  };
  sheet::Book book = BuildForm2Book(rules::testing::D("2026-07-01"), rules::testing::D("2026-09-30"), RepoWording(), o,
                                    regs);
  EXPECT_TRUE(book.big);
  RecordingWriter w = Written(book);
  EXPECT_EQ(n, 3);
  ASSERT_EQ(w.sheets.size(), 1u);
  ASSERT_EQ(w.sheets[0].rows.size(), 3u);
  EXPECT_EQ(w.sheets[0].rows[2][0].text(), "R-2");
  EXPECT_EQ(w.sheets[0].rows[2][3].text(), "A12345****");
  EXPECT_EQ(w.sheets[0].rows[2][4].text(), "C0101、B0101");
  EXPECT_EQ(w.sheets[0].title, "查調資料登記表（附表2）115年7月1日至115年9月30日");
}

TEST(Builders, EvidenceBookListsQueriesInScopeWithTheirMatch) {
  CheckedPeriod c = Quarter(JobKind::kAudit);
  c.ds.period.accounts = {kAcct};
  sheet::Book book = BuildEvidenceBook(c, RepoWording(), Options());
  EXPECT_EQ(book.info.title, "勞保查詢系統稽核證據");
  RecordingWriter w = Written(book);
  ASSERT_EQ(w.sheets.size(), 2u);
  ASSERT_EQ(w.sheets[1].rows.size(), 2u);  // ksw0999 is out of the audit's scope
  EXPECT_EQ(w.sheets[1].rows[0][6].text(), "是");
  EXPECT_EQ(w.sheets[1].rows[1][6].text(), "否");
}

TEST(Wording, TitlesComeFromTheTemplates) {
  Wording repo = RepoWording();
  EXPECT_EQ(repo.FormTitle(1), "資料查詢者權限申請表（附表1）");
  EXPECT_EQ(repo.FormTitle(4), "稽核紀錄表（附表4）");
  EXPECT_EQ(repo.FormTitle(5), "");
  // A copy of templates/ with the wording changed: every title follows.
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("liaudit-wording-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(fs::path(LIAUDIT_SOURCE_DIR) / "templates", dir, fs::copy_options::recursive);
  {
    std::ofstream f(dir / "report_text.conf");
    f << "exceptions_title = \"每日查調異常報告\"\nreview_workbook_title = \"季檢查結果\"\n";
  }
  {
    std::ifstream in(dir / "form2.tpl");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string from = "set title      查調資料登記表";
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, from.size(), "set title      查調登記簿");
    std::ofstream(dir / "form2.tpl") << text;
  }
  Wording w;
  Status st = LoadWording(dir.string(), &w);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(w.FormTitle(2), "查調登記簿（附表2）");
  CheckedPeriod c = Quarter(JobKind::kNightly);
  EXPECT_EQ(BuildExceptionsBook(c, w, Options()).info.title, "每日查調異常報告");
  reports::ReviewReport m;
  QuerySource none = [](const std::function<Status(const PlatformQuery&)>&) { return Status::OK(); };
  EXPECT_EQ(BuildReviewBook(c, w, Options(), m, none).info.title, "季檢查結果");
  // A bad line names the file, line and column.
  std::ofstream(dir / "report_text.conf") << "review_title = \"x\"\nno_such_key = \"y\"\n";
  st = LoadWording(dir.string(), &w);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("report_text.conf:2"), std::string::npos) << st.ToString();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace liaudit::documents
