// Hand-made cases per rule (rules.md), both sides of every boundary of issue 3.
#include "rules/rules.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/twid.h"
#include "tests/rules/ds_builder.h"

namespace liaudit::rules {
namespace {

using testing::D;
using testing::DsBuilder;
using testing::T;
using testing::ValidId;

const std::string kOwn = ValidId('E', "12345678");    // the querier's own ID
const std::string kSubj = ValidId('A', "12345678");   // a citizen
const std::string kSubj2 = ValidId('B', "22345678");  // another citizen
constexpr const char* kAcct = "ksw0231";

// A nightly of Wednesday 2026-11-25 with one account holding C0101 and B0101.
DsBuilder Base(JobKind kind = JobKind::kNightly, const char* from = "2026-11-25",
               const char* to = "2026-11-25") {
  DsBuilder b(kind, from, to);
  b.Perm("F001", kAcct, PermissionAction::kGrant, "C0101;B0101", "2026-01-01", Decision::kApproved,
         kOwn);
  return b;
}

RuleOutput Check(const Dataset& ds, const RuleOptions& opts = RuleOptions()) {
  RuleOutput out;
  Status st = RunRules(ds, opts, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<std::string> Keys(const RuleOutput& out, const std::string& rule) {
  std::vector<std::string> k;
  for (const Finding& f : out.findings) {
    if (f.rule_id == rule) k.push_back(f.key);
  }
  return k;
}

const Finding* Find(const RuleOutput& out, const std::string& key) {
  for (const Finding& f : out.findings) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

bool Skipped(const RuleOutput& out, const std::string& rule) {
  for (const SkippedCheck& s : out.skipped) {
    if (s.rule_id == rule) return true;
  }
  return false;
}

using Keys_t = std::vector<std::string>;

TEST(RuleRegistry, SixteenRulesInOrder) {
  ASSERT_EQ(AllRules().size(), 16u);
  for (size_t i = 0; i < 16; ++i) {
    char id[4];
    std::snprintf(id, sizeof id, "R%02zu", i + 1);
    EXPECT_STREQ(AllRules()[i].id, id);
    EXPECT_EQ(FindRule(id), &AllRules()[i]);
  }
  EXPECT_EQ(FindRule("R17"), nullptr);
  EXPECT_EQ(FindRule("R04")->severity, Severity::kCritical);
  EXPECT_EQ(FindRule("R14")->severity, Severity::kInfo);
  EXPECT_STREQ(ServiceNameZh("C0101"), "被保險人投保資料");
  EXPECT_STREQ(ServiceNameZh("X9999"), "");
  EXPECT_EQ(ServiceItems().size(), 9u);
  EXPECT_EQ(ServiceLabel("P0401"), "P0401 勞退請領資料查詢");
  EXPECT_EQ(ServiceLabel("Z1"), "Z1");
}

// The registry alone says which job kinds run a rule: R14 and R16 need a long period.
TEST(Registry, JobKindsOfEachRule) {
  for (const RuleInfo& r : AllRules()) {
    const bool long_only = std::string(r.id) == "R14" || std::string(r.id) == "R16";
    EXPECT_EQ(RunsIn(r, JobKind::kNightly), !long_only) << r.id;
    EXPECT_TRUE(RunsIn(r, JobKind::kQuarterly)) << r.id;
    EXPECT_TRUE(RunsIn(r, JobKind::kAudit)) << r.id;
    EXPECT_FALSE(RunsIn(r, JobKind::kBlankForms)) << r.id;
  }
  EXPECT_EQ(RulesFor(JobKind::kNightly).size(), 14u);
  EXPECT_EQ(RulesFor(JobKind::kQuarterly).size(), 16u);
  EXPECT_FALSE(RunsIn("R99", JobKind::kQuarterly));
}

TEST(TestHelper, ValidIdsAreValid) {
  EXPECT_TRUE(IsValidId(kOwn));
  EXPECT_TRUE(IsValidId(kSubj));
  EXPECT_TRUE(IsValidId(kSubj2));
}

// ---- R01: registration matching and its window ----

struct MatchCase {
  const char* name;
  const char* applied;  // registration 申請日期
  const char* account;
  bool same_subject;
  const char* items;
  bool r01;
};

TEST(R01, MatchingTable) {
  const MatchCase cases[] = {
      {"same day", "2026-11-25", kAcct, true, "C0101", false},
      {"window last day is inside", "2026-10-26", kAcct, true, "C0101", false},
      {"one day past the window", "2026-10-25", kAcct, true, "C0101", true},
      {"registered after the query date", "2026-11-26", kAcct, true, "C0101", true},
      {"service not among the items", "2026-11-20", kAcct, true, "B0101;P0301", true},
      {"service among several items", "2026-11-20", kAcct, true, "B0101、C0101", false},
      {"other account", "2026-11-20", "abc0001", true, "C0101", true},
      {"other subject", "2026-11-20", kAcct, false, "C0101", true},
  };
  for (const MatchCase& mc : cases) {
    DsBuilder b = Base();
    b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
    b.Reg("G001", mc.applied, mc.account, mc.same_subject ? kSubj : kSubj2, mc.items,
          "2026-10-01 09:00");
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R01"), mc.r01 ? Keys_t{"R01|T1"} : Keys_t{}) << mc.name;
  }
}

TEST(R01, WindowIsASetting) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  b.Reg("G001", "2026-11-15", kAcct, kSubj, "C0101", "2026-11-15 09:00");
  RuleOptions o;
  o.registration_window_days = 10;
  EXPECT_TRUE(Keys(Check(b.Build(), o), "R01").empty());
  o.registration_window_days = 9;
  EXPECT_EQ(Keys(Check(b.Build(), o), "R01"), Keys_t{"R01|T1"});
}

TEST(R01, DetailIsPlainChineseWithMaskedId) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  RuleOutput out = Check(b.Build());
  const Finding* f = Find(out, "R01|T1");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->detail, "帳號 ksw0231 於 115/11/25 14:03 查調 " + MaskId(kSubj) +
                           " 之 C0101 被保險人投保資料，查無相符之查調資料登記（附表2）。");
  EXPECT_EQ(f->subject_id, kSubj);  // full: the writer masks
  EXPECT_EQ(f->account, kAcct);
  EXPECT_EQ(f->service_code, "C0101");
  EXPECT_EQ(f->query_time, T("2026-11-25 14:03:00"));
  EXPECT_EQ(f->severity, Severity::kHigh);
  ASSERT_EQ(f->evidence.size(), 1u);
  EXPECT_EQ(f->evidence[0].kind, Evidence::Kind::kQuery);
  EXPECT_EQ(f->evidence[0].label, "T1");
}

TEST(R01, OnlyQueriesInThePeriod) {
  DsBuilder b = Base();
  b.Query("T0", "2026-11-24 14:03:00", kAcct, "C0101", kSubj);  // context, not checked
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  b.Query("T2", "2026-11-26 00:00:00", kAcct, "C0101", kSubj);  // after the period
  EXPECT_EQ(Keys(Check(b.Build()), "R01"), Keys_t{"R01|T1"});
}

// ---- R02: approval missing or late ----

TEST(R02, ApprovalAgainstQueryTime) {
  struct Case {
    const char* approved;
    bool r02;
  } cases[] = {
      {"2026-11-25 14:03:00", false},  // exactly at the query time is in time
      {"2026-11-25 14:02:59", false},
      {"2026-11-25 14:03:01", true},
      {"", true},
  };
  for (const Case& c : cases) {
    DsBuilder b = Base();
    b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
    b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", c.approved);
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R02"), c.r02 ? Keys_t{"R02|T1"} : Keys_t{}) << c.approved;
    EXPECT_TRUE(Keys(out, "R01").empty());
    if (c.r02) {
      EXPECT_EQ(Find(out, "R02|T1")->reg_no, "G001");
    }
  }
}

TEST(R02, OneApprovedMatchIsEnough) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", "");
  b.Reg("G002", "2026-11-20", kAcct, kSubj, "C0101", "2026-11-20 10:00");
  EXPECT_TRUE(Keys(Check(b.Build()), "R02").empty());
}

TEST(R02, NeedsAMatchingRegistration) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  RuleOutput out = Check(b.Build());
  EXPECT_TRUE(Keys(out, "R02").empty());
  EXPECT_TRUE(Keys(out, "R15").empty());
}

// ---- R03 / R04: permission replay ----

TEST(R03, PermissionReplay) {
  struct Case {
    const char* name;
    void (*setup)(DsBuilder*);
    bool r03;
  } cases[] = {
      {"granted", [](DsBuilder*) {}, false},
      {"effective on the query day at 00:00",
       [](DsBuilder* b) {
         b->Perm("F002", kAcct, PermissionAction::kChangeItems, "P0301", "2026-11-25");
       },
       true},
      {"revoked the day before",
       [](DsBuilder* b) { b->Perm("F002", kAcct, PermissionAction::kRevoke, "", "2026-11-24"); },
       true},
      {"revoked the day after",
       [](DsBuilder* b) { b->Perm("F002", kAcct, PermissionAction::kRevoke, "", "2026-11-26"); },
       false},
      {"revocation not approved",
       [](DsBuilder* b) {
         b->Perm("F002", kAcct, PermissionAction::kRevoke, "", "2026-11-24", Decision::kRejected);
       },
       false},
      {"job change to an empty set",
       [](DsBuilder* b) { b->Perm("F002", kAcct, PermissionAction::kJobChange, "", "2026-11-01"); },
       true},
      {"revoke then grant again",
       [](DsBuilder* b) {
         b->Perm("F002", kAcct, PermissionAction::kRevoke, "", "2026-11-01");
         b->Perm("F003", kAcct, PermissionAction::kGrant, "C0101", "2026-11-10");
       },
       false},
      {"same day: form order decides (grant F003 after revoke F002)",
       [](DsBuilder* b) {
         b->Perm("F003", kAcct, PermissionAction::kGrant, "C0101", "2026-11-10");
         b->Perm("F002", kAcct, PermissionAction::kRevoke, "", "2026-11-10");
       },
       false},
      {"same day: form order decides (revoke F003 after grant F002)",
       [](DsBuilder* b) {
         b->Perm("F003", kAcct, PermissionAction::kRevoke, "", "2026-11-10");
         b->Perm("F002", kAcct, PermissionAction::kGrant, "C0101", "2026-11-10");
       },
       true},
  };
  for (const auto& c : cases) {
    DsBuilder b = Base();
    b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
    c.setup(&b);
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R03"), c.r03 ? Keys_t{"R03|T1"} : Keys_t{}) << c.name;
    EXPECT_TRUE(Keys(out, "R04").empty()) << c.name;
  }
}

TEST(R03, NotYetEffective) {
  DsBuilder b(JobKind::kNightly, "2026-11-25", "2026-11-25");
  b.Perm("F001", kAcct, PermissionAction::kGrant, "C0101", "2026-11-26");
  b.Query("T1", "2026-11-25 23:59:59", kAcct, "C0101", kSubj);
  RuleOutput out = Check(b.Build());
  EXPECT_EQ(Keys(out, "R03"), Keys_t{"R03|T1"});
  EXPECT_TRUE(Keys(out, "R04").empty());
  EXPECT_NE(Find(out, "R03|T1")->detail.find("尚未生效"), std::string::npos);
}

TEST(R04, ReplacesR03) {
  for (Decision dec : {Decision::kRejected, Decision::kOther}) {
    DsBuilder b(JobKind::kNightly, "2026-11-25", "2026-11-25");
    b.Perm("F001", kAcct, PermissionAction::kGrant, "C0101", "2026-01-01", dec);
    b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
    b.Query("T2", "2026-11-25 10:00:00", "nobody", "C0101", kSubj);
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R04"), (Keys_t{"R04|T1", "R04|T2"}));
    EXPECT_TRUE(Keys(out, "R03").empty());
    EXPECT_EQ(Find(out, "R04|T1")->severity, Severity::kCritical);
  }
}

TEST(PermissionItemsAt, ReplaysInEffectiveOrder) {
  DsBuilder b = Base();
  b.Perm("F002", kAcct, PermissionAction::kChangeItems, "P0301;N0101", "2026-06-01");
  b.Perm("F003", kAcct, PermissionAction::kGrant, "C0101", "2026-07-01");
  b.Perm("F004", kAcct, PermissionAction::kRevoke, "", "2026-08-01");
  b.Perm("F005", kAcct, PermissionAction::kGrant, "B0101", "2026-09-01", Decision::kRejected);
  Dataset ds = b.Build();
  Sym a = ds.syms.Find(kAcct);
  auto names = [&](LocalTime t) {
    std::vector<std::string> n;
    for (Sym s : PermissionItemsAt(ds, a, t)) n.push_back(ds.syms.Name(s));
    std::sort(n.begin(), n.end());
    return n;
  };
  EXPECT_EQ(names(T("2025-12-31 23:59:59")), Keys_t{});
  EXPECT_EQ(names(T("2026-01-01 00:00:00")), (Keys_t{"B0101", "C0101"}));
  EXPECT_EQ(names(T("2026-06-01 00:00:00")), (Keys_t{"N0101", "P0301"}));
  EXPECT_EQ(names(T("2026-07-15 12:00:00")), (Keys_t{"C0101", "N0101", "P0301"}));
  EXPECT_EQ(names(T("2026-08-01 00:00:00")), Keys_t{});
  EXPECT_EQ(names(T("2026-09-02 00:00:00")), Keys_t{});
  EXPECT_EQ(ds.syms.Name(AccountUnitAt(ds, a, T("2026-09-02 00:00:00"))), "社會救助科");
}

// ---- R05 / R06: the roster ----

TEST(R05, QueryAfterLeaving) {
  struct Case {
    StaffStatus status;
    const char* changed;
    bool r05;
  } cases[] = {
      {StaffStatus::kLeft, "2026-11-25", true},  // left on the query date
      {StaffStatus::kLeft, "2026-11-01", true},
      {StaffStatus::kLeft, "2026-11-26", false},
      {StaffStatus::kTransferred, "2026-11-01", false},
      {StaffStatus::kActive, "", false},
  };
  for (const Case& c : cases) {
    DsBuilder b = Base();
    b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
    b.Staff(kAcct, c.status, c.changed);
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R05"), c.r05 ? Keys_t{"R05|T1"} : Keys_t{}) << c.changed;
    EXPECT_FALSE(Skipped(out, "R05"));
  }
}

TEST(R05, NoRosterSkipsR05AndR06) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  RuleOutput out = Check(b.Build());
  EXPECT_TRUE(Skipped(out, "R05"));
  EXPECT_TRUE(Skipped(out, "R06"));
  EXPECT_TRUE(Keys(out, "R05").empty());
}

TEST(R06, ChangeNotFiledBeforehand) {
  struct Case {
    const char* name;
    StaffStatus status;
    const char* changed;
    PermissionAction action;
    const char* applied;  // "" = no filing
    Decision decision;
    bool r06;
  } cases[] = {
      {"left, nothing filed", StaffStatus::kLeft, "2026-11-25", PermissionAction::kRevoke, "",
       Decision::kApproved, true},
      {"revoke filed the same day", StaffStatus::kLeft, "2026-11-25", PermissionAction::kRevoke,
       "2026-11-25", Decision::kApproved, false},
      {"revoke filed a day late", StaffStatus::kLeft, "2026-11-25", PermissionAction::kRevoke,
       "2026-11-26", Decision::kApproved, true},
      {"revoke filed but rejected", StaffStatus::kLeft, "2026-11-25", PermissionAction::kRevoke,
       "2026-11-20", Decision::kRejected, true},
      {"transfer with job change filed", StaffStatus::kTransferred, "2026-11-25",
       PermissionAction::kJobChange, "2026-11-20", Decision::kApproved, false},
      {"transfer with only an item change", StaffStatus::kTransferred, "2026-11-25",
       PermissionAction::kChangeItems, "2026-11-20", Decision::kApproved, true},
      {"change outside the period", StaffStatus::kLeft, "2026-11-24", PermissionAction::kRevoke, "",
       Decision::kApproved, false},
  };
  for (const Case& c : cases) {
    DsBuilder b = Base();
    b.Staff(kAcct, c.status, c.changed);
    if (*c.applied) {
      b.Perm("F009", kAcct, c.action, "", "2026-11-30", c.decision, kOwn, "社會救助科", c.applied);
    }
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R06"),
              c.r06 ? Keys_t{std::string("R06|ksw0231|") + c.changed} : Keys_t{})
        << c.name;
    if (c.r06) {
      EXPECT_EQ(Find(out, Keys(out, "R06")[0])->date, D(c.changed));
    }
  }
}

// ---- R07: legal basis ----

TEST(R07, RegistrationsAndRequestsInThePeriod) {
  DsBuilder b = Base();
  b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", "", "", "依社會救助法第5條審核低收入戶");
  b.Reg("G002", "2026-11-25", kAcct, kSubj, "C0101", "", "", "家訪需要");
  b.Reg("G003", "2026-11-24", kAcct, kSubj, "C0101", "", "", "");  // outside the period
  b.Reg("G004", "2026-11-25", kAcct, kSubj, "C0101", "", "", "依 身心障礙者權益 保障法辦理");
  b.Req("Q001", "2026-11-25", 1, kSubj, "查詢用");
  b.Req("Q002", "2026-11-25", 1, kSubj, "依長期照顧服務法評估");
  b.Req("Q003", "2026-11-20", 1, kSubj, "查詢用");
  RuleOutput out = Check(b.Build());
  EXPECT_EQ(Keys(out, "R07"), (Keys_t{"R07|reg|G002", "R07|req|Q001"}));
  EXPECT_EQ(Find(out, "R07|reg|G002")->reg_no, "G002");
  EXPECT_EQ(Find(out, "R07|req|Q001")->request_no, "Q001");
}

TEST(R07, LegalBasesFromOptions) {
  DsBuilder b = Base();
  b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", "", "", "依社會救助法第5條審核低收入戶");
  RuleOptions o;
  o.legal_bases = {"就業保險法"};
  EXPECT_EQ(Keys(Check(b.Build(), o), "R07"), Keys_t{"R07|reg|G001"});
}

TEST(LegalBases, CitesIgnoringSpaces) {
  auto bases = DefaultLegalBases();
  EXPECT_TRUE(CitesLegalBasis("依社會救助法第5條", bases));
  EXPECT_TRUE(CitesLegalBasis("依 社會救助法", bases));
  EXPECT_TRUE(CitesLegalBasis("依社會\xE3\x80\x80救助法", bases));  // U+3000 inside
  EXPECT_FALSE(CitesLegalBasis("社會救助", bases));
  EXPECT_FALSE(CitesLegalBasis("", bases));
  EXPECT_FALSE(CitesLegalBasis("依社會救助法", {}));
  EXPECT_EQ(bases.size(), 13u);
}

TEST(LegalBases, LoadsFileWithCommentsAndBom) {
  std::string path = ::testing::TempDir() + "/bases.txt";
  {
    std::ofstream f(path, std::ios::binary);
    f << "\xEF\xBB\xBF# recognised bases\n社會救助法\r\n\n   老人福利法  \n#個人資料保護法\n";
  }
  std::vector<std::string> bases;
  ASSERT_TRUE(LoadLegalBases(path, &bases).ok());
  EXPECT_EQ(bases, (Keys_t{"社會救助法", "老人福利法"}));
  std::remove(path.c_str());
  Status st = LoadLegalBases(path, &bases);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(path), std::string::npos);
}

TEST(LegalBases, ShippedListEqualsTheDefaults) {
  std::vector<std::string> bases;
  ASSERT_TRUE(LoadLegalBases(std::string(LIAUDIT_SOURCE_DIR) + "/templates/legal_bases.txt", &bases)
                  .ok());
  EXPECT_EQ(bases, DefaultLegalBases());
}

// ---- R08: work days and office hours ----

TEST(R08, OfficeHoursBoundaries) {
  struct Case {
    const char* time;
    bool r08;
  } cases[] = {
      {"2026-11-25 08:00:00", false}, {"2026-11-25 07:59:59", true},
      {"2026-11-25 17:59:59", false}, {"2026-11-25 18:00:00", true},
      {"2026-11-25 00:00:00", true},  {"2026-11-25 23:59:59", true},
  };
  for (const Case& c : cases) {
    DsBuilder b = Base();
    b.Query("T1", c.time, kAcct, "C0101", kSubj);
    EXPECT_EQ(Keys(Check(b.Build()), "R08"), c.r08 ? Keys_t{"R08|T1"} : Keys_t{}) << c.time;
  }
}

TEST(R08, CalendarDecidesWhereItCovers) {
  // 2026-11-28 is a Saturday, 2026-11-27 a Friday.
  struct Case {
    const char* name;
    const char* day;
    int calendar;  // -1 not covered, 0 day off, 1 work day
    bool r08;
  } cases[] = {
      {"Saturday, no calendar", "2026-11-28", -1, true},
      {"make-up Saturday in the calendar", "2026-11-28", 1, false},
      {"Friday, no calendar", "2026-11-27", -1, false},
      {"Friday holiday in the calendar", "2026-11-27", 0, true},
  };
  for (const Case& c : cases) {
    DsBuilder b = Base(JobKind::kNightly, c.day, c.day);
    b.Query("T1", std::string(c.day) + " 10:00:00", kAcct, "C0101", kSubj);
    if (c.calendar >= 0) b.WorkDay(c.day, c.calendar == 1);
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R08"), c.r08 ? Keys_t{"R08|T1"} : Keys_t{}) << c.name;
    EXPECT_EQ(out.notes.size() == 1 && out.notes[0].rule_id == "R08", c.calendar < 0) << c.name;
  }
}

TEST(R08, OfficeHoursAreSettings) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 08:30:00", kAcct, "C0101", kSubj);
  RuleOptions o;
  o.office_start = 9 * 3600;
  EXPECT_EQ(Keys(Check(b.Build(), o), "R08"), Keys_t{"R08|T1"});
  o.office_end = o.office_start;
  RuleOutput out;
  EXPECT_FALSE(RunRules(b.Build(), o, &out).ok());
}

// ---- R09: volume per account and day ----

TEST(R09, ExactlyTheLimitIsFine) {
  for (int n : {50, 51}) {
    DsBuilder b = Base();
    for (int i = 0; i < n; ++i) {
      char t[32];
      std::snprintf(t, sizeof t, "2026-11-25 09:%02d:%02d", i / 60, i % 60);
      b.Query("T" + std::to_string(i), t, kAcct, "C0101", kSubj);
    }
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R09"), n > 50 ? Keys_t{"R09|ksw0231|2026-11-25"} : Keys_t{}) << n;
    if (n > 50) {
      const Finding* f = Find(out, "R09|ksw0231|2026-11-25");
      EXPECT_EQ(f->date, D("2026-11-25"));
      EXPECT_EQ(f->account, kAcct);
      EXPECT_NE(f->detail.find("51 筆"), std::string::npos);
    }
  }
}

TEST(R09, PerCalendarDayOfThePeriod) {
  DsBuilder b = Base(JobKind::kQuarterly, "2026-10-01", "2026-12-31");
  RuleOptions o;
  o.daily_query_limit = 2;
  // Three on Nov 24 (two of them before midnight), two on Nov 25, three the day before the period.
  b.Query("A1", "2026-11-24 09:00:00", kAcct, "C0101", kSubj);
  b.Query("A2", "2026-11-24 10:00:00", kAcct, "C0101", kSubj);
  b.Query("A3", "2026-11-24 23:59:59", kAcct, "C0101", kSubj);
  b.Query("B1", "2026-11-25 00:00:00", kAcct, "C0101", kSubj);
  b.Query("B2", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  b.Query("C1", "2026-09-30 09:00:00", kAcct, "C0101", kSubj);
  b.Query("C2", "2026-09-30 09:00:01", kAcct, "C0101", kSubj);
  b.Query("C3", "2026-09-30 09:00:02", kAcct, "C0101", kSubj);
  b.Query("O1", "2026-11-24 09:00:00", "other01", "C0101", kSubj);
  EXPECT_EQ(Keys(Check(b.Build(), o), "R09"), Keys_t{"R09|ksw0231|2026-11-24"});
}

// ---- R10: self query ----

TEST(R10, OwnIdOnly) {
  const std::string colleague = ValidId('F', "22345678");
  DsBuilder b = Base();
  b.Staff(kAcct, StaffStatus::kActive, "", ValidId('E', "22345678"));
  b.Staff("other01", StaffStatus::kActive, "", colleague);
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kOwn);                       // 附表1 ID
  b.Query("T2", "2026-11-25 10:01:00", kAcct, "C0101", ValidId('E', "22345678"));  // roster ID
  b.Query("T3", "2026-11-25 10:02:00", kAcct, "C0101", colleague);                 // someone else's
  RuleOutput out = Check(b.Build());
  EXPECT_EQ(Keys(out, "R10"), (Keys_t{"R10|T1", "R10|T2"}));
  EXPECT_EQ(Find(out, "R10|T1")->detail.find(kOwn), std::string::npos);

  RuleOptions off;
  off.self_query_check = false;
  RuleOutput out2 = Check(b.Build(), off);
  EXPECT_TRUE(Keys(out2, "R10").empty());
  EXPECT_TRUE(Skipped(out2, "R10"));
}

// ---- R11: shared credential ----

TEST(R11, DifferentIpWithinTheWindow) {
  struct Case {
    const char* name;
    const char* t1;
    const char* ip1;
    const char* t2;
    const char* ip2;
    bool r11;
  } cases[] = {
      {"exactly 10 minutes apart", "2026-11-25 10:00:00", "10.0.0.1", "2026-11-25 10:10:00",
       "10.0.0.2", false},
      {"9:59 apart", "2026-11-25 10:00:01", "10.0.0.1", "2026-11-25 10:10:00", "10.0.0.2", true},
      {"same IP", "2026-11-25 10:09:00", "10.0.0.1", "2026-11-25 10:10:00", "10.0.0.1", false},
      {"same second", "2026-11-25 10:10:00", "10.0.0.1", "2026-11-25 10:10:00", "10.0.0.2", true},
      {"across midnight, before the period", "2026-11-24 23:55:00", "10.0.0.1",
       "2026-11-25 00:04:00", "10.0.0.2", true},
      {"earlier query without IP", "2026-11-25 10:05:00", "", "2026-11-25 10:10:00", "10.0.0.2",
       false},
  };
  for (const auto& c : cases) {
    DsBuilder b = Base();
    b.Query("T1", c.t1, kAcct, "C0101", kSubj, c.ip1);
    b.Query("T2", c.t2, kAcct, "C0101", kSubj, c.ip2);
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R11"), c.r11 ? Keys_t{"R11|T2"} : Keys_t{}) << c.name;
    if (c.r11) {
      const Finding* f = Find(out, "R11|T2");
      ASSERT_EQ(f->evidence.size(), 2u);
      EXPECT_EQ(f->evidence[1].label, "T1");
    }
  }
}

TEST(R11, LooksPastTheSameIpToTheOtherOne) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj, "10.0.0.2");
  b.Query("T2", "2026-11-25 10:01:00", kAcct, "C0101", kSubj, "10.0.0.1");  // fires (T1)
  b.Query("T3", "2026-11-25 10:02:00", kAcct, "C0101", kSubj, "10.0.0.1");  // fires (T1 still)
  b.Query("T4", "2026-11-25 10:12:00", kAcct, "C0101", kSubj, "10.0.0.1");  // T1 12 min ago
  b.Query("X1", "2026-11-25 10:03:00", "other01", "C0101", kSubj, "10.0.0.9");  // other account
  EXPECT_EQ(Keys(Check(b.Build()), "R11"), (Keys_t{"R11|T2", "R11|T3"}));
}

TEST(R11, NoSourceIpSkips) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  RuleOutput out = Check(b.Build());
  EXPECT_TRUE(Skipped(out, "R11"));
  EXPECT_TRUE(Keys(out, "R11").empty());
}

// ---- R12: beyond the request ----

TEST(R12, QueryBeyondItsRequest) {
  DsBuilder b = Base();
  b.Req("Q001", "2026-11-20", 5, kSubj2);
  b.Reg("G001", "2026-11-20", kAcct, kSubj, "C0101", "2026-11-20 09:00", "Q001");  // not listed
  b.Reg("G002", "2026-11-20", kAcct, kSubj2, "C0101", "2026-11-20 09:00", "Q001");  // listed
  b.Reg("G003", "2026-11-20", kAcct, kOwn, "C0101", "2026-11-20 09:00", "Q404");  // no request
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  b.Query("T2", "2026-11-25 10:01:00", kAcct, "C0101", kSubj2);
  b.Query("T3", "2026-11-25 10:02:00", kAcct, "C0101", kOwn);
  RuleOutput out = Check(b.Build());
  EXPECT_EQ(Keys(out, "R12"), (Keys_t{"R12|T1", "R12|T3"}));
  EXPECT_EQ(Find(out, "R12|T1")->request_no, "Q001");
  EXPECT_EQ(Find(out, "R12|T3")->request_no, "Q404");
  EXPECT_NE(Find(out, "R12|T3")->detail.find("查無此申請單"), std::string::npos);
}

TEST(R12, DistinctSubjectsOverTheRequestCount) {
  struct Case {
    const char* name;
    int count;
    bool second_in_period;  // else the second subject was queried before the period
    bool any_in_period;
    bool r12b;
  } cases[] = {
      {"two subjects, count 1", 1, true, true, true},
      {"two subjects, count 2", 2, true, true, false},
      {"one before the period counts too", 1, false, true, true},
      {"no linked query in the period", 1, false, false, false},
  };
  for (const auto& c : cases) {
    DsBuilder b = Base();
    b.Req("Q001", "2026-11-01", c.count, kSubj);
    b.Req("Q001", "2026-11-01", c.count, kSubj2);
    b.Reg("G001", "2026-11-01", kAcct, kSubj, "C0101", "2026-11-01 09:00", "Q001");
    b.Reg("G002", "2026-11-01", kAcct, kSubj2, "C0101", "2026-11-01 09:00", "Q001");
    b.Query("T1", c.any_in_period ? "2026-11-25 10:00:00" : "2026-11-02 10:00:00", kAcct, "C0101",
            kSubj);
    b.Query("T1b", c.any_in_period ? "2026-11-25 10:05:00" : "2026-11-02 10:05:00", kAcct,
            "C0101", kSubj);  // same subject again: still one
    b.Query("T2", c.second_in_period ? "2026-11-25 11:00:00" : "2026-11-03 11:00:00", kAcct,
            "B0101", kSubj2);
    b.ds().registrations.back().items.push_back(b.S("B0101"));
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R12"), c.r12b ? Keys_t{"R12|req|Q001"} : Keys_t{}) << c.name;
    if (c.r12b) {
      const Finding* f = Find(out, "R12|req|Q001");
      EXPECT_EQ(f->request_no, "Q001");
      EXPECT_EQ(f->account, kAcct);
      EXPECT_NE(f->detail.find("2 名"), std::string::npos) << f->detail;
    }
  }
}

// ---- R13: ID format ----

TEST(R13, InvalidSubjectId) {
  DsBuilder b = Base();
  std::string bad = kSubj;
  bad.back() = static_cast<char>(bad.back() == '9' ? '0' : bad.back() + 1);
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", bad);
  b.Query("T2", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  b.Query("T3", "2026-11-25 10:00:00", kAcct, "C0101", "12345");
  EXPECT_EQ(Keys(Check(b.Build()), "R13"), (Keys_t{"R13|T1", "R13|T3"}));
}

// ---- R14: registered, not queried ----

TEST(R14, WindowEndInThePeriodAndNoMatch) {
  struct Case {
    const char* name;
    JobKind kind;
    const char* applied;
    const char* approved;
    bool queried;
    bool r14;
  } cases[] = {
      {"window ends in the quarter", JobKind::kQuarterly, "2026-10-15", "2026-10-15 09:00", false,
       true},
      {"queried", JobKind::kQuarterly, "2026-10-15", "2026-10-15 09:00", true, false},
      {"not approved", JobKind::kQuarterly, "2026-10-15", "", false, false},
      {"window ends after the quarter", JobKind::kQuarterly, "2026-12-15", "2026-12-15 09:00", false,
       false},
      {"window ends on the quarter's first day", JobKind::kQuarterly, "2026-09-01",
       "2026-09-01 09:00", false, true},
      {"window ended before the quarter", JobKind::kQuarterly, "2026-08-31", "2026-08-31 09:00",
       false, false},
      {"audit job", JobKind::kAudit, "2026-10-15", "2026-10-15 09:00", false, true},
      {"nightly never", JobKind::kNightly, "2026-10-15", "2026-10-15 09:00", false, false},
  };
  for (const auto& c : cases) {
    DsBuilder b = c.kind == JobKind::kNightly ? Base(c.kind, "2026-11-14", "2026-11-14")
                                               : Base(c.kind, "2026-10-01", "2026-12-31");
    b.Reg("G001", c.applied, kAcct, kSubj, "C0101", c.approved);
    if (c.queried) b.Query("T1", "2026-10-20 10:00:00", kAcct, "C0101", kSubj);
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R14"), c.r14 ? Keys_t{"R14|G001"} : Keys_t{}) << c.name;
  }
}

// ---- R15: backfilled registration ----

TEST(R15, FirstSeenAgainstTheGraceLimit) {
  struct Case {
    const char* name;
    const char* first_seen;  // "" = first snapshot
    bool r15;
  } cases[] = {
      {"exactly at the grace limit", "2026-11-28 14:03:00", false},
      {"one second past", "2026-11-28 14:03:01", true},
      {"seen before the query", "2026-11-24 23:59:59", false},
      {"first snapshot", "", false},
  };
  for (const auto& c : cases) {
    DsBuilder b = Base();
    b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
    DsRegistration& r = b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", "2026-11-25 09:00");
    r.first_seen = *c.first_seen ? T(c.first_seen) : kNoTime;
    RuleOutput out = Check(b.Build());
    EXPECT_EQ(Keys(out, "R15"), c.r15 ? Keys_t{"R15|T1"} : Keys_t{}) << c.name;
    EXPECT_TRUE(Keys(out, "R01").empty());
  }
}

TEST(R15, EveryMatchMustBeLate) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", "2026-11-25 09:00").first_seen =
      T("2026-12-10 23:59:59");
  b.Reg("G002", "2026-11-20", kAcct, kSubj, "C0101", "2026-11-20 09:00").first_seen =
      T("2026-11-20 23:59:59");
  EXPECT_TRUE(Keys(Check(b.Build()), "R15").empty());
  b.ds().registrations[1].first_seen = T("2026-12-01 23:59:59");
  EXPECT_EQ(Keys(Check(b.Build()), "R15"), Keys_t{"R15|T1"});
  RuleOptions o;
  o.backfill_grace_days = 30;
  EXPECT_TRUE(Keys(Check(b.Build(), o), "R15").empty());
}

TEST(R15, WithdrawnRegistrationNoLongerMatches) {
  // The store leaves withdrawn rows out of the Dataset: the query is then unregistered.
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", "2026-11-25 09:00");
  EXPECT_TRUE(Keys(Check(b.Build()), "R01").empty());
  b.ds().registrations.clear();
  EXPECT_EQ(Keys(Check(b.Build()), "R01"), Keys_t{"R01|T1"});
}

// ---- R16: dormant accounts ----

TEST(R16, DormantAtThePeriodEnd) {
  // Quarter ends 2026-12-31; 90 days up to it are 2026-10-03 .. 2026-12-31.
  struct Case {
    const char* name;
    const char* last;  // "" = never queried
    bool revoked;
    JobKind kind;
    bool r16;
  } cases[] = {
      {"last query on the first day of the 90", "2026-10-03 10:00:00", false, JobKind::kQuarterly,
       false},
      {"last query the day before", "2026-10-02 23:59:59", false, JobKind::kQuarterly, true},
      {"never queried", "", false, JobKind::kQuarterly, true},
      {"revoked", "", true, JobKind::kQuarterly, false},
      {"audit job", "", false, JobKind::kAudit, true},
  };
  for (const auto& c : cases) {
    DsBuilder b = Base(c.kind, "2026-10-01", "2026-12-31");
    if (*c.last) b.Query("T1", c.last, kAcct, "C0101", kSubj);
    if (c.revoked) b.Perm("F002", kAcct, PermissionAction::kRevoke, "", "2026-12-31");
    Dataset ds = b.Build();
    if (*c.last) ds.queries.clear();  // the store gives last_query_time even without the rows
    RuleOutput out = Check(ds);
    EXPECT_EQ(Keys(out, "R16"), c.r16 ? Keys_t{"R16|ksw0231"} : Keys_t{}) << c.name;
    if (c.r16) {
      EXPECT_EQ(Find(out, "R16|ksw0231")->date, *c.last ? DateOf(T(c.last)) : kNoDate) << c.name;
    }
  }
  DsBuilder nightly = Base(JobKind::kNightly, "2026-12-31", "2026-12-31");
  EXPECT_TRUE(Keys(Check(nightly.Build()), "R16").empty());
}

// ---- audit filters, order, determinism ----

TEST(AuditFilters, AccountsAndUnit) {
  DsBuilder b = Base(JobKind::kAudit, "2026-11-01", "2026-11-30");
  b.Perm("F100", "other01", PermissionAction::kGrant, "C0101", "2026-01-01", Decision::kApproved,
         "", "老人福利科");
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  b.Query("T2", "2026-11-25 10:00:00", "other01", "C0101", kSubj);
  {
    Dataset ds = b.Build();
    EXPECT_EQ(Keys(Check(ds), "R01"), (Keys_t{"R01|T1", "R01|T2"}));
    ds.period.accounts = {"OTHER01"};
    EXPECT_EQ(Keys(Check(ds), "R01"), Keys_t{"R01|T2"});
    ds.period.accounts.clear();
    ds.period.unit = "社會救助科";
    EXPECT_EQ(Keys(Check(ds), "R01"), Keys_t{"R01|T1"});
    AccountScope scope(ds);
    EXPECT_TRUE(scope(ds.syms.Find(kAcct)));
    EXPECT_FALSE(scope(ds.syms.Find("other01")));
    EXPECT_TRUE(scope.filtered());
    ds.period.unit = "不存在的科";
    EXPECT_TRUE(Check(ds).findings.empty());
  }
}

TEST(Engine, OrderedByRuleThenKeyAndDeterministic) {
  DsBuilder b = Base();
  b.Query("T9", "2026-11-25 19:00:00", kAcct, "C0101", kSubj, "10.0.0.1");
  b.Query("T1", "2026-11-25 19:05:00", kAcct, "P0301", "BAD", "10.0.0.2");
  b.Query("T5", "2026-11-25 07:00:00", "ghost", "C0101", kOwn);
  Dataset ds = b.Build();
  RuleOutput a = Check(ds), c = Check(ds);
  ASSERT_EQ(a.findings.size(), c.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].key, c.findings[i].key);
    EXPECT_EQ(a.findings[i].detail, c.findings[i].detail);
    if (i) {
      const Finding& p = a.findings[i - 1];
      const Finding& f = a.findings[i];
      EXPECT_TRUE(p.rule_id < f.rule_id || (p.rule_id == f.rule_id && p.key < f.key));
    }
    // A sentence never carries a full ID.
    for (const std::string& id : {kSubj, kOwn}) {
      EXPECT_EQ(a.findings[i].detail.find(id), std::string::npos) << a.findings[i].detail;
    }
    EXPECT_EQ(a.findings[i].key.rfind(a.findings[i].rule_id + "|", 0), 0u);
  }
  EXPECT_EQ(Keys(a, "R01"), (Keys_t{"R01|T1", "R01|T5", "R01|T9"}));
  EXPECT_EQ(Keys(a, "R03"), Keys_t{"R03|T1"});
  EXPECT_EQ(Keys(a, "R04"), Keys_t{"R04|T5"});
  EXPECT_EQ(Keys(a, "R11"), Keys_t{"R11|T1"});
  EXPECT_EQ(Keys(a, "R13"), Keys_t{"R13|T1"});
}

TEST(Engine, RejectsBadOptions) {
  Dataset ds = Base().Build();
  RuleOutput out;
  RuleOptions o;
  o.daily_query_limit = -1;
  EXPECT_EQ(RunRules(ds, o, &out).code(), Status::Code::kUsage);
  o = RuleOptions();
  o.dormant_days = 0;
  EXPECT_FALSE(RunRules(ds, o, &out).ok());
  ds.period.from = kNoDate;
  EXPECT_FALSE(RunRules(ds, RuleOptions(), &out).ok());
}

TEST(Engine, RefusesUnsortedQueries) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  b.Query("T2", "2026-11-25 11:00:00", kAcct, "C0101", kSubj);
  Dataset ds = b.Build();
  std::swap(ds.queries[0], ds.queries[1]);
  RuleOutput out;
  EXPECT_EQ(RunRules(ds, RuleOptions(), &out).code(), Status::Code::kInternal);
}

TEST(R08, CalendarGapsAreNoted) {
  DsBuilder b = Base(JobKind::kQuarterly, "2026-10-01", "2026-12-31");
  b.WorkDay("2026-10-01", true);
  RuleOutput out = Check(b.Build());
  ASSERT_EQ(out.notes.size(), 1u);
  EXPECT_NE(out.notes[0].reason.find("91 day(s)"), std::string::npos) << out.notes[0].reason;
}

// Documents print reason_zh, logs and manifest.json print reason: every skipped check and
// note needs both, the zh-TW one without English words (rule ids and "IP" aside).
void ExpectBothLanguages(const std::vector<SkippedCheck>& v) {
  for (const SkippedCheck& s : v) {
    EXPECT_FALSE(s.reason.empty()) << s.rule_id;
    EXPECT_FALSE(s.reason_zh.empty()) << s.rule_id << ": " << s.reason;
    int latin = 0;
    for (char ch : s.reason_zh) {
      latin = ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')) ? latin + 1 : 0;
      EXPECT_LT(latin, 3) << s.rule_id << ": " << s.reason_zh;
      if (latin >= 3) break;
    }
  }
}

TEST(Engine, SkippedChecksAndNotesHaveAZhTwReason) {
  // No roster, no source IP, no calendar, R10 off.
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 10:00:00", kAcct, "C0101", kSubj);
  RuleOptions off;
  off.self_query_check = false;
  RuleOutput out = Check(b.Build(), off);
  EXPECT_EQ(out.skipped.size(), 4u);  // R05 R06 R10 R11
  ASSERT_EQ(out.notes.size(), 1u);    // R08
  ExpectBothLanguages(out.skipped);
  ExpectBothLanguages(out.notes);
  EXPECT_EQ(out.notes[0].reason_zh, "未匯入辦公日曆表，以週一至週五為上班日");

  // A calendar with gaps (R08) and a registration older than the loaded queries (R14).
  DsBuilder q = Base(JobKind::kQuarterly, "2026-10-01", "2026-12-31");
  q.WorkDay("2026-10-01", true);
  q.Reg("G001", "2026-09-05", kAcct, kSubj, "C0101", "2026-09-05 09:00");
  RuleOutput out2 = Check(q.Build(10));
  ASSERT_EQ(out2.notes.size(), 2u);
  ExpectBothLanguages(out2.notes);
  EXPECT_NE(out2.notes[0].reason_zh.find("91 日"), std::string::npos) << out2.notes[0].reason_zh;
  EXPECT_EQ(out2.notes[1].rule_id, "R14");
  EXPECT_NE(out2.notes[1].reason_zh.find("1 筆登記未檢查"), std::string::npos) << out2.notes[1].reason_zh;
}

TEST(RegistrationIndex, MatchesInIndexOrder) {
  DsBuilder b = Base();
  b.Query("T1", "2026-11-25 14:03:00", kAcct, "C0101", kSubj);
  b.Reg("G001", "2026-11-25", kAcct, kSubj, "C0101", "");
  b.Reg("G002", "2026-11-25", kAcct, kSubj2, "C0101", "");
  b.Reg("G003", "2026-11-01", kAcct, kSubj, "B0101;C0101", "");
  Dataset ds = b.Build();
  RegistrationIndex idx(ds, 30);
  std::vector<uint32_t> m;
  idx.Matches(ds.queries[0], &m);
  EXPECT_EQ(m, (std::vector<uint32_t>{0, 2}));
  EXPECT_TRUE(idx.HasMatch(ds.queries[0]));
}

}  // namespace
}  // namespace liaudit::rules
