#include "ingest/rows.h"

#include <gtest/gtest.h>

#include "core/datetime.h"
#include "ingest/csv.h"

namespace liaudit::ingest {
namespace {

// Parses "header\nrow" for `kind`; returns false with *err when the row is a reject.
template <typename Rec, typename Fn>
bool ParseOne(InputKind kind, const std::string& header, const std::string& row, Fn fn, Rec* out, RowError* err) {
  auto recs = ReadAllCsv(header + "\n" + row + "\n");
  EXPECT_EQ(recs.size(), 2u);
  std::vector<std::string_view> h(recs[0].fields.begin(), recs[0].fields.end());
  std::vector<std::string_view> f(recs[1].fields.begin(), recs[1].fields.end());
  HeaderMap map;
  Status s = MapHeader(kind, h, &map);
  EXPECT_TRUE(s.ok()) << s.ToString();
  RowParser p(map);
  return (p.*fn)(f, out, err);
}

TEST(RowsTest, Normalisers) {
  std::string o;
  NormalizeUpperInto("　ａ１２３４５６７８９ ", &o);
  EXPECT_EQ(o, "A123456789");
  NormalizeAccountInto(" ＫＳＷ０２３１\t", &o);
  EXPECT_EQ(o, "ksw0231");
  NormalizeCodeInto("１９２．１６８．０．１", &o);
  EXPECT_EQ(o, "192.168.0.1");
  // Names keep every character: Ext-B (U+20B9F 𠮟), PUA (U+E000), full-width letters.
  NormalizeTextInto("　王\xF0\xA0\xAE\x9F\xEE\x80\x80ＡＢ ", &o);
  EXPECT_EQ(o, "王\xF0\xA0\xAE\x9F\xEE\x80\x80ＡＢ");
  EXPECT_EQ(NormalizeItems("ｃ０１０１、b0201;其他：說明 p0301"),
            (std::vector<std::string>{"C0101", "B0201", "其他:說明", "P0301"}));
  // The 說明 of 其他 is free text: its spaces do not split it, its characters are kept.
  EXPECT_EQ(NormalizeItems("C0101;其他:調閱 戶籍資料"), (std::vector<std::string>{"C0101", "其他:調閱 戶籍資料"}));
  EXPECT_EQ(NormalizeItems("其他：說明ａｂ，c0101"), (std::vector<std::string>{"其他:說明ａｂ", "C0101"}));
  EXPECT_EQ(NormalizeItems("其他:甲 乙 Ｐ０３０１ b0201"),
            (std::vector<std::string>{"其他:甲 乙", "P0301", "B0201"}));
  EXPECT_EQ(NormalizeItems("其他:"), (std::vector<std::string>{"其他:"}));
  // The code that ends the 說明 is the word itself, not the same letters inside the 說明.
  EXPECT_EQ(NormalizeItems("其他:見P0301 P0301"), (std::vector<std::string>{"其他:見P0301", "P0301"}));
  QueryResult r;
  EXPECT_TRUE(ParseQueryResult("成功", &r));
  EXPECT_EQ(r, QueryResult::kSuccess);
  EXPECT_TRUE(ParseQueryResult(" NoData ", &r));
  EXPECT_EQ(r, QueryResult::kNoData);
  EXPECT_TRUE(ParseQueryResult("失敗", &r));
  EXPECT_EQ(r, QueryResult::kError);
  EXPECT_TRUE(ParseQueryResult("", &r));
  EXPECT_EQ(r, QueryResult::kUnknown);
  EXPECT_FALSE(ParseQueryResult("逾時", &r));
  EXPECT_EQ(r, QueryResult::kUnknown);
}

// Regression (issue 15): a no-break or zero-width space around a value (pasted from a web
// page or a Word table) stayed in it: the account no longer matched its permission.
TEST(RowsTest, NoBreakAndZeroWidthSpacesAroundValuesAreTrimmed) {
  std::string o;
  NormalizeAccountInto("\xC2\xA0KSW0001\xE2\x80\x8B", &o);
  EXPECT_EQ(o, "ksw0001");
  NormalizeUpperInto("\xEF\xBB\xBFａ１２３４５６７８９\xE2\x81\xA0", &o);
  EXPECT_EQ(o, "A123456789");
  NormalizeTextInto("\xE2\x80\x8B社會救助科\xC2\xA0", &o);
  EXPECT_EQ(o, "社會救助科");
  NormalizeTextInto("王\xC2\xA0小明", &o);  // inside a name: kept
  EXPECT_EQ(o, "王\xC2\xA0小明");
  EXPECT_EQ(NormalizeItems("C0101\xC2\xA0、B0201"), (std::vector<std::string>{"C0101", "B0201"}));
  EXPECT_EQ(NormalizeItems("C0101\xC2\xA0" "B0201\xE2\x80\x8B" "P0301"),
            (std::vector<std::string>{"C0101", "B0201", "P0301"}));
}

const std::string kPlatformHeader = "交易序號,查詢時間,查詢者帳號,服務代碼,被查詢人統號,查詢結果";

struct TimeCase {
  const char* value;
  bool ok;
  const char* iso;  // expected FormatIsoTime when ok
};

TEST(RowsTest, PlatformQueryTimeEveryForm) {
  const TimeCase cases[] = {
      {"2026-11-25 09:05:07", true, "2026-11-25 09:05:07"},
      {"2026/11/25 09:05", true, "2026-11-25 09:05:00"},
      {"115/11/25 09:05", true, "2026-11-25 09:05:00"},
      {"99/1/2 23:59:59", true, "2010-01-02 23:59:59"},
      {"115年11月25日 09:05", true, "2026-11-25 09:05:00"},
      {"1151125 09:05", true, "2026-11-25 09:05:00"},
      {"１１５／１１／２５　０９：０５", true, "2026-11-25 09:05:00"},
      {"2026-13-01 09:00", false, ""},
      {"2026-02-30 09:00", false, ""},
      {"115年2月30日 09:00", false, ""},
      {"2026-11-25 25:00", false, ""},
      {"2026-11-25 09:60", false, ""},
      {"1151325 09:00", false, ""},
      {"2026-11-25", false, ""},
      {"yesterday", false, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    PlatformQuery q;
    RowError e;
    bool ok = ParseOne(InputKind::kPlatform, kPlatformHeader, std::string("T1,") + c.value + ",a,C0101,A1,成功",
                       &RowParser::Platform, &q, &e);
    EXPECT_EQ(ok, c.ok) << e.reason;
    if (c.ok) {
      EXPECT_EQ(FormatIsoTime(q.query_time), c.iso);
    } else {
      EXPECT_EQ(e.column, 2);
      EXPECT_NE(e.reason.find("查詢時間 (query_time)"), std::string::npos) << e.reason;
    }
  }
}

TEST(RowsTest, PlatformNormalisesAndKeepsInvalidIds) {
  PlatformQuery q;
  RowError e;
  ASSERT_TRUE(ParseOne(InputKind::kPlatform, kPlatformHeader + ",來源IP,extra",
                       "gsp1, 2026-11-25 09:00 ,ＫＳＷ０２３１,ｂ０２０１,a123456788,whatever,１０．０．０．１,x",
                       &RowParser::Platform, &q, &e))
      << e.reason;
  EXPECT_EQ(q.txn_id, "GSP1");
  EXPECT_EQ(q.account, "ksw0231");
  EXPECT_EQ(q.service_code, "B0201");
  EXPECT_EQ(q.subject_id, "A123456788");  // fails the checksum: still taken (rule R13 flags it)
  EXPECT_EQ(q.result, QueryResult::kUnknown);
  EXPECT_EQ(q.source_ip, "10.0.0.1");

  // One IPv6 address written two ways is stored one way (rule R11 compares them).
  ASSERT_TRUE(ParseOne(InputKind::kPlatform, kPlatformHeader + ",來源IP",
                       "gsp2,2026-11-25 09:00,ksw0231,b0201,A123456789,00, ２００１:ＤＢ８:0:0:0:0:0:1 ",
                       &RowParser::Platform, &q, &e))
      << e.reason;
  EXPECT_EQ(q.source_ip, "2001:db8::1");
}

struct RejectCase {
  const char* name;
  std::string row;
  long column;
  const char* in_reason;
};

TEST(RowsTest, PlatformRejectTable) {
  const RejectCase cases[] = {
      {"empty required", "T1,2026-11-25 09:00,,C0101,A1,", 3, "查詢者帳號 (account): empty"},
      {"spaces only", "T1,2026-11-25 09:00,a,\xE3\x80\x80 ,A1,", 4, "服務代碼 (service_code): empty"},
      {"short row", "T1,2026-11-25 09:00,a", 4, "服務代碼 (service_code): missing: the row has only 3 fields"},
      {"extra value", "T1,2026-11-25 09:00,a,C0101,A1,成功,oops", 7, "column 7 holds a value no header names"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    PlatformQuery q;
    RowError e;
    EXPECT_FALSE(ParseOne(InputKind::kPlatform, kPlatformHeader, c.row, &RowParser::Platform, &q, &e));
    EXPECT_EQ(e.column, c.column);
    EXPECT_NE(e.reason.find(c.in_reason), std::string::npos) << e.reason;
  }
  // Short rows missing only optional fields, and empty extra fields, are fine.
  PlatformQuery q;
  RowError e;
  EXPECT_TRUE(ParseOne(InputKind::kPlatform, kPlatformHeader, "T1,2026-11-25 09:00,a,C0101,A1", &RowParser::Platform,
                       &q, &e));
  EXPECT_TRUE(ParseOne(InputKind::kPlatform, kPlatformHeader, "T1,2026-11-25 09:00,a,C0101,A1,,,", &RowParser::Platform,
                       &q, &e));
}

const std::string kPermHeader = "表單編號,申請日期,申請單位,姓名,身分證字號,E政府帳號,申請事項,查調服務項目,審核結果,生效日期";

TEST(RowsTest, PermissionTable) {
  struct Case {
    const char* name;
    std::string row;
    bool ok;
    const char* in_reason;
  };
  const Case cases[] = {
      {"grant", "F1,115/01/02,社會救助科,王小明,A123456789,ksw1,新增權限,C0101、B0201,准予申請,115/01/05", true, ""},
      {"grant without items", "F1,115/01/02,科,王,A1,k,新增權限,,准予申請,115/01/05", false,
       "查調服務項目 (items): empty but required (for 新增權限 and 異動查調項目)"},
      {"change without items", "F1,115/01/02,科,王,A1,k,異動查調項目,,准予申請,115/01/05", false, "查調服務項目 (items)"},
      {"job change with empty items", "F1,115/01/02,科,王,A1,k,職務異動,,准予申請,115/01/05", true, ""},
      {"revoke without items", "F1,115/01/02,科,王,A1,k,註銷權限,,准予申請,115/01/05", true, ""},
      {"approved without effective date", "F1,115/01/02,科,王,A1,k,註銷權限,,准予申請,", false,
       "生效日期 (effective_on): empty but required (when 審核結果 is 准予申請)"},
      {"rejected without effective date", "F1,115/01/02,科,王,A1,k,新增權限,C0101,不同意,", true, ""},
      {"bad effective date even if rejected", "F1,115/01/02,科,王,A1,k,新增權限,C0101,不同意,115/02/30", false,
       "生效日期 (effective_on): \"115/02/30\" is not a valid date"},
      {"unknown action", "F1,115/01/02,科,王,A1,k,加權限,C0101,准予申請,115/01/05", false, "申請事項 (action)"},
      {"unknown decision", "F1,115/01/02,科,王,A1,k,新增權限,C0101,同意,115/01/05", false, "審核結果 (decision)"},
      {"bad applied date", "F1,115/13/02,科,王,A1,k,新增權限,C0101,准予申請,115/01/05", false, "申請日期 (applied_on)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    PermissionRecord r;
    RowError e;
    EXPECT_EQ(ParseOne(InputKind::kPermissions, kPermHeader, c.row, &RowParser::Permission, &r, &e), c.ok) << e.reason;
    if (!c.ok) {
      EXPECT_NE(e.reason.find(c.in_reason), std::string::npos) << e.reason;
    }
  }
  PermissionRecord r;
  RowError e;
  ASSERT_TRUE(ParseOne(InputKind::kPermissions, kPermHeader, cases[0].row, &RowParser::Permission, &r, &e));
  EXPECT_EQ(r.action, PermissionAction::kGrant);
  EXPECT_EQ(r.decision, Decision::kApproved);
  EXPECT_EQ(r.items, (std::vector<std::string>{"C0101", "B0201"}));
  EXPECT_EQ(FormatIsoDate(r.effective_on), "2026-01-05");
  EXPECT_EQ(r.unit, "社會救助科");
  // A job change needs the items column in the header, even if the value may be empty.
  const std::string no_items = "表單編號,申請日期,申請單位,姓名,身分證字號,E政府帳號,申請事項,審核結果,生效日期";
  EXPECT_FALSE(ParseOne(InputKind::kPermissions, no_items, "F1,115/01/02,科,王,A1,k,職務異動,准予申請,115/01/05",
                        &RowParser::Permission, &r, &e));
  EXPECT_NE(e.reason.find("column is missing from the header"), std::string::npos) << e.reason;
  EXPECT_EQ(e.column, 0);
}

TEST(RowsTest, RegistrationRequestStaffCalendar) {
  RowError e;
  RegistrationRecord g;
  const std::string rh = "編號,申請日期,姓名,身分證字號,查調項目,查調事由,需要資料者,資料查詢者帳號,單位,主管核章時間";
  ASSERT_TRUE(ParseOne(InputKind::kRegistrations, rh, "r1,1151125,林\xF0\xA0\x80\x80,a1,C0101,依社會救助法,張三,KSW1,科,",
                       &RowParser::Registration, &g, &e))
      << e.reason;
  EXPECT_EQ(g.approved_at, kNoTime);
  EXPECT_EQ(g.reg_no, "R1");
  EXPECT_EQ(g.subject_name, "林\xF0\xA0\x80\x80");
  ASSERT_TRUE(ParseOne(InputKind::kRegistrations, rh, "r1,1151125,林,a1,C0101,事由,張三,k,科,115/11/25 08:30",
                       &RowParser::Registration, &g, &e));
  EXPECT_EQ(FormatIsoTime(g.approved_at), "2026-11-25 08:30:00");
  EXPECT_FALSE(ParseOne(InputKind::kRegistrations, rh, "r1,1151125,林,a1,C0101,事由,張三,k,科,115/11/25",
                        &RowParser::Registration, &g, &e));
  EXPECT_NE(e.reason.find("no time of day"), std::string::npos) << e.reason;
  // Regression (issue 15): a 申請日期 that Excel wrote with its midnight time was rejected.
  ASSERT_TRUE(ParseOne(InputKind::kRegistrations, rh, "r1,2026/11/25 上午 12:00:00,林,a1,C0101,事由,張三,k,科,",
                       &RowParser::Registration, &g, &e))
      << e.reason;
  EXPECT_EQ(FormatIsoDate(g.applied_on), "2026-11-25");
  ASSERT_TRUE(ParseOne(InputKind::kRegistrations, rh, "r1,民國115年11月25日,林,a1,C0101,事由,張三,k,科,115/11/25 08時30分",
                       &RowParser::Registration, &g, &e))
      << e.reason;
  EXPECT_EQ(FormatIsoTime(g.approved_at), "2026-11-25 08:30:00");
  EXPECT_FALSE(ParseOne(InputKind::kRegistrations, rh, "r1,2026/11/25 09:30,林,a1,C0101,事由,張三,k,科,",
                        &RowParser::Registration, &g, &e));
  EXPECT_EQ(e.column, 2);
  EXPECT_NE(e.reason.find("has a time of day where a date is expected"), std::string::npos) << e.reason;

  RequestRow q;
  const std::string qh = "申請單編號,申請單位,申請日期,申請人,查調事由,查調筆數,姓名,身分證字號,審核結果";
  ASSERT_TRUE(ParseOne(InputKind::kRequests, qh, "q1,鳳山區公所,115/11/20,李四,事由,１２,王,A1,受理", &RowParser::Request,
                       &q, &e))
      << e.reason;
  EXPECT_EQ(q.count, 12);
  for (const char* bad : {"1.5", "-1", "十", "12a"}) {
    EXPECT_FALSE(ParseOne(InputKind::kRequests, qh, std::string("q1,u,115/11/20,李四,事由,") + bad + ",王,A1,",
                          &RowParser::Request, &q, &e))
        << bad;
    EXPECT_NE(e.reason.find("查調筆數 (count)"), std::string::npos);
    EXPECT_NE(e.reason.find("is not a whole number"), std::string::npos) << bad;
    EXPECT_EQ(e.column, 6);
  }
  EXPECT_FALSE(ParseOne(InputKind::kRequests, qh, "q1,u,115/11/20,李四,事由,1234567890,王,A1,", &RowParser::Request,
                        &q, &e));
  EXPECT_NE(e.reason.find("\"1234567890\" is too large (at most 9 digits)"), std::string::npos) << e.reason;
  EXPECT_FALSE(ParseOne(InputKind::kRequests, qh, "q1,u,115/11/20,李四,事由,1,王,A1,核准", &RowParser::Request, &q, &e));

  StaffRecord s;
  const std::string sh = "姓名,E政府帳號,單位,狀態,異動日期";
  ASSERT_TRUE(ParseOne(InputKind::kStaff, sh, "王,KSW1,科,在職,", &RowParser::Staff, &s, &e));
  EXPECT_EQ(s.status, StaffStatus::kActive);
  EXPECT_EQ(s.changed_on, kNoDate);
  ASSERT_TRUE(ParseOne(InputKind::kStaff, sh, "王,KSW1,科,離職,115年3月1日", &RowParser::Staff, &s, &e));
  EXPECT_EQ(s.status, StaffStatus::kLeft);
  EXPECT_EQ(FormatIsoDate(s.changed_on), "2026-03-01");
  EXPECT_FALSE(ParseOne(InputKind::kStaff, sh, "王,KSW1,科,調職,", &RowParser::Staff, &s, &e));
  EXPECT_NE(e.reason.find("異動日期 (changed_on): empty but required (for 調職 and 離職)"), std::string::npos);
  EXPECT_FALSE(ParseOne(InputKind::kStaff, sh, "王,KSW1,科,退休,", &RowParser::Staff, &s, &e));

  CalendarDay d;
  const std::string ch = "西元日期,星期,是否放假,備註";
  ASSERT_TRUE(ParseOne(InputKind::kCalendar, ch, "20260214,六,0,補行上班", &RowParser::Calendar, &d, &e));
  EXPECT_TRUE(d.workday);
  EXPECT_EQ(d.note, "補行上班");
  ASSERT_TRUE(ParseOne(InputKind::kCalendar, ch, "20260101,四,2,開國紀念日", &RowParser::Calendar, &d, &e));
  EXPECT_FALSE(d.workday);
  EXPECT_FALSE(ParseOne(InputKind::kCalendar, ch, "20260230,一,0,", &RowParser::Calendar, &d, &e));
  EXPECT_EQ(e.column, 1);
  EXPECT_FALSE(ParseOne(InputKind::kCalendar, ch, "20260101,四,1,", &RowParser::Calendar, &d, &e));
  EXPECT_EQ(e.column, 3);
}

}  // namespace
}  // namespace liaudit::ingest

#include "core/text.h"

namespace liaudit::ingest {
namespace {

// The row parser splits timestamps itself (for speed); it must agree with core
// ParseTimestamp on everything, odd inputs included.
TEST(RowsTest, TimestampsAgreeWithCoreParseTimestamp) {
  const char* inputs[] = {"2026-11-25 09:00",     "2026-11-25T09:00",    "2026-11-25  09:00:01", "2026-11-25 9:5",
                          "2026-11-25 09:00 x",   "T09:00",              "2026-11-25 ",          "2026-11-25T",
                          "115年11月25日 23:59:59", "1151125 00:00",       "20261125 12:00",       "2026-11-25 24:00",
                          "2026/2/29 10:00",      "2028/2/29 10:00",     "99/12/31 10:00",       "0/1/1 10:00",
                          "2026-11-25 10:00:60",  "2026-11-25 10::00",   "2026-11-25 -1:00",     "2026-11-25 10:00:00:00",
                          "民國 115年11月25日 09:00", "中華民國115.11.25 9時5分", "民國 2026/11/25 09:00", "民國 09:00",
                          "2026/11/25 09時05分30秒", "2026/11/25 下午 02時05分"};
  for (const char* in : inputs) {
    SCOPED_TRACE(in);
    PlatformQuery q;
    RowError e;
    const bool ok = ParseOne(InputKind::kPlatform, kPlatformHeader, std::string("T1,\"") + in + "\",a,C0101,A1,",
                             &RowParser::Platform, &q, &e);
    auto core = ParseTimestamp(NormalizeCode(in));
    EXPECT_EQ(ok, core.has_value()) << e.reason;
    if (ok && core) {
      EXPECT_EQ(q.query_time, *core);
    }
  }
}

}  // namespace
}  // namespace liaudit::ingest
