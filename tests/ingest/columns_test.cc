#include "ingest/columns.h"

#include <gtest/gtest.h>

namespace liaudit::ingest {
namespace {

std::vector<std::string_view> Cells(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

TEST(ColumnsTest, RequiredFlagsMatchInputsMd) {
  auto required = [](InputKind k) {
    std::vector<std::string> out;
    for (const auto& c : ColumnsFor(k))
      if (c.need == Need::kRequired) out.push_back(c.alias);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(required(InputKind::kPlatform), (V{"txn_id", "query_time", "account", "service_code", "subject_id"}));
  EXPECT_EQ(required(InputKind::kPermissions),
            (V{"form_no", "applied_on", "unit", "name", "national_id", "account", "action", "decision"}));
  EXPECT_EQ(required(InputKind::kRegistrations), (V{"reg_no", "applied_on", "subject_name", "subject_id", "items",
                                                    "reason", "requester", "account", "unit"}));
  EXPECT_EQ(required(InputKind::kRequests), (V{"request_no", "unit", "applied_on", "applicant", "reason", "count",
                                               "subject_name", "subject_id"}));
  EXPECT_EQ(required(InputKind::kStaff), (V{"name", "account", "unit", "status"}));
  EXPECT_EQ(required(InputKind::kCalendar), (V{"date", "holiday"}));
  EXPECT_EQ(ColumnsFor(InputKind::kPermissions)[permission_col::kItems].need, Need::kConditional);
  EXPECT_EQ(ColumnsFor(InputKind::kPermissions)[permission_col::kEffectiveOn].need, Need::kConditional);
  EXPECT_EQ(ColumnsFor(InputKind::kStaff)[staff_col::kChangedOn].need, Need::kConditional);
  EXPECT_EQ(ColumnsFor(InputKind::kPlatform).size(), static_cast<size_t>(platform_col::kCount));
  EXPECT_EQ(ColumnsFor(InputKind::kPermissions).size(), static_cast<size_t>(permission_col::kCount));
  EXPECT_EQ(ColumnsFor(InputKind::kRegistrations).size(), static_cast<size_t>(registration_col::kCount));
  EXPECT_EQ(ColumnsFor(InputKind::kRequests).size(), static_cast<size_t>(request_col::kCount));
  EXPECT_EQ(ColumnsFor(InputKind::kStaff).size(), static_cast<size_t>(staff_col::kCount));
  EXPECT_EQ(ColumnsFor(InputKind::kCalendar).size(), static_cast<size_t>(calendar_col::kCount));
}

struct HeaderCase {
  const char* name;
  std::vector<std::string> cells;
  bool ok;
  std::vector<int> where;    // expected column of txn_id, query_time, account, service_code, subject_id
  const char* in_message;
};

TEST(ColumnsTest, PlatformHeaderTable) {
  const HeaderCase cases[] = {
      {"canonical order", {"交易序號", "查詢時間", "查詢者帳號", "服務代碼", "被查詢人統號"}, true, {0, 1, 2, 3, 4}, ""},
      {"aliases reversed", {"subject_id", "service_code", "account", "query_time", "txn_id"}, true, {4, 3, 2, 1, 0}, ""},
      {"mixed, case, spaces, U+3000, full-width",
       {" TXN_ID ", "　查詢時間", "ａｃｃｏｕｎｔ", "Service_Code", "被查詢人統號", "extra col"}, true, {0, 1, 2, 3, 4}, ""},
      {"missing one", {"交易序號", "查詢時間", "服務代碼", "被查詢人統號"}, false, {}, "missing required column 查詢者帳號 (account)"},
      {"missing two", {"交易序號", "服務代碼", "被查詢人統號"}, false, {},
       "missing required columns 查詢時間 (query_time), 查詢者帳號 (account)"},
      {"duplicate", {"交易序號", "txn_id", "查詢時間", "查詢者帳號", "服務代碼", "被查詢人統號"}, false, {},
       "交易序號 (txn_id) appears twice (header cells 1 and 2)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    HeaderMap m;
    Status s = MapHeader(InputKind::kPlatform, Cells(c.cells), &m);
    EXPECT_EQ(s.ok(), c.ok) << s.ToString();
    if (c.ok) {
      namespace p = platform_col;
      EXPECT_EQ((std::vector<int>{m.column_of[p::kTxnId], m.column_of[p::kQueryTime], m.column_of[p::kAccount],
                                  m.column_of[p::kServiceCode], m.column_of[p::kSubjectId]}),
                c.where);
      EXPECT_EQ(m.column_of[p::kResult], -1);
      EXPECT_EQ(m.width, static_cast<int>(c.cells.size()));
    } else {
      EXPECT_NE(s.message().find(c.in_message), std::string::npos) << s.message();
    }
  }
}

TEST(ColumnsTest, UnknownCellsAreListed) {
  HeaderMap m;
  ASSERT_TRUE(MapHeader(InputKind::kCalendar, Cells({"西元日期", "星期", "是否放假", "備註", "來源"}), &m).ok());
  EXPECT_EQ(m.unknown, (std::vector<std::string>{"來源"}));
}

}  // namespace
}  // namespace liaudit::ingest

namespace liaudit::ingest {
namespace {

TEST(HeaderAliasesTest, TheTableIsConsistent) {
  Status st = CheckHeaderAliases();
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_GT(HeaderAliases().size(), 20u);
}

// Regression: a register whose header said 身份證字號 (the common spelling) was rejected whole.
TEST(HeaderAliasesTest, KnownSpellingsMapAndAreReported) {
  std::vector<std::string> reg = {"編號",     "申請日期", "姓名",     "身份證字號", "查調項目", "查調事由",
                                  "需要資料者", "帳號",     "單位 ",    "核章時間"};
  HeaderMap map;
  Status st = MapHeader(InputKind::kRegistrations, Cells(reg), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[registration_col::kSubjectId], 3);
  EXPECT_EQ(map.column_of[registration_col::kAccount], 7);
  EXPECT_EQ(map.column_of[registration_col::kUnit], 8);
  EXPECT_EQ(map.column_of[registration_col::kApprovedAt], 9);
  EXPECT_EQ(map.aliases, (std::vector<std::string>{"身份證字號 → 身分證字號", "帳號 → 資料查詢者帳號",
                                                   "核章時間 → 主管核章時間"}));

  // The same spelling means the column of its own kind.
  std::vector<std::string> perm = {"表單編號", "申請日期", "申請單位", "姓名", "身份證字號", "帳號", "申請事項", "審核結果"};
  st = MapHeader(InputKind::kPermissions, Cells(perm), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[permission_col::kNationalId], 4);
  EXPECT_EQ(map.column_of[permission_col::kAccount], 5);
}

TEST(HeaderAliasesTest, ParenthesesNoBreakSpacesAndBothNames) {
  std::vector<std::string> cells = {"交易序號（txn_id）", "查詢時間 (query_time)", "查詢者帳號\xC2\xA0", "服務代碼\xE2\x80\x8B",
                                    "被查詢人身份證字號"};
  HeaderMap map;
  Status st = MapHeader(InputKind::kPlatform, Cells(cells), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[platform_col::kTxnId], 0);
  EXPECT_EQ(map.column_of[platform_col::kQueryTime], 1);
  EXPECT_EQ(map.column_of[platform_col::kAccount], 2);
  EXPECT_EQ(map.column_of[platform_col::kServiceCode], 3);
  EXPECT_EQ(map.column_of[platform_col::kSubjectId], 4);
  EXPECT_EQ(map.aliases.size(), 3u);  // the two parenthesised cells and 被查詢人身份證字號
  // Parts naming two different columns are not a guess.
  std::vector<std::string> two = {"交易序號(query_time)", "查詢時間", "查詢者帳號", "服務代碼", "被查詢人統號"};
  st = MapHeader(InputKind::kPlatform, Cells(two), &map);
  EXPECT_FALSE(st.ok());
  // A spelling and the canonical name in one header: the column appears twice.
  std::vector<std::string> dup = {"編號", "申請日期", "姓名", "身分證字號", "身份證字號", "查調項目", "查調事由",
                                  "需要資料者", "資料查詢者帳號", "單位"};
  st = MapHeader(InputKind::kRegistrations, Cells(dup), &map);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("appears twice"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace liaudit::ingest

namespace liaudit::ingest {
namespace {

// Regression (issue 15): header cells with a space, U+3000, a no-break or zero-width space or
// a line break inside them ("E 政府帳號", "姓　名", "主管核章<line break>時間", as a clerk types
// or wraps them in Excel) named no column, and the file was rejected whole.
TEST(HeaderAliasesTest, SpacesAndLineBreaksInsideCellsAreIgnored) {
  std::vector<std::string> reg = {"編號",        "申請日期",        "姓　名",         "身分證\xC2\xA0字號",
                                  "查調\xE2\x80\x8B項目", "查調 事由", "需要資料者", "E 政府帳號",
                                  "單\xEF\xBB\xBF位",   "主管核章\n時間",   "委託申請單\r\n編號"};
  HeaderMap map;
  Status st = MapHeader(InputKind::kRegistrations, Cells(reg), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  namespace r = registration_col;
  EXPECT_EQ((std::vector<int>{map.column_of[r::kSubjectName], map.column_of[r::kSubjectId], map.column_of[r::kItems],
                              map.column_of[r::kReason], map.column_of[r::kAccount], map.column_of[r::kUnit],
                              map.column_of[r::kApprovedAt], map.column_of[r::kRequestNo]}),
            (std::vector<int>{2, 3, 4, 5, 7, 8, 9, 10}));
  // Only the cell matched through the table is reported; a line break is shown as a space.
  EXPECT_EQ(map.aliases, (std::vector<std::string>{"E 政府帳號 → 資料查詢者帳號"}));

  std::vector<std::string> perm = {"表單編號", "申請日期", "申請單位", "姓 名", "身分證字號", "E 政府帳號", "申請事項",
                                   "審核\n結果"};
  st = MapHeader(InputKind::kPermissions, Cells(perm), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[permission_col::kAccount], 5);
  EXPECT_TRUE(map.aliases.empty());

  std::vector<std::string> unknown = {"西元日期", "是否放假", "來\n源"};
  ASSERT_TRUE(MapHeader(InputKind::kCalendar, Cells(unknown), &map).ok());
  EXPECT_EQ(map.unknown, (std::vector<std::string>{"來 源"}));
}

TEST(HeaderAliasesTest, PlatformAndRegistrationAccountSpellings) {
  std::vector<std::string> platform = {"交易序號", "查詢時間", "查詢者E政府帳號", "服務代碼", "被查詢人身分證號"};
  HeaderMap map;
  Status st = MapHeader(InputKind::kPlatform, Cells(platform), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[platform_col::kAccount], 2);
  EXPECT_EQ(map.column_of[platform_col::kSubjectId], 4);
  EXPECT_EQ(map.aliases,
            (std::vector<std::string>{"查詢者E政府帳號 → 查詢者帳號", "被查詢人身分證號 → 被查詢人統號"}));
  std::vector<std::string> reg = {"編號", "申請日期", "姓名", "身分證字號", "查調項目", "查調事由", "需要資料者",
                                  "E政府帳號", "單位"};
  st = MapHeader(InputKind::kRegistrations, Cells(reg), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[registration_col::kAccount], 7);
  // Regression (issue 15 review): 電子化政府帳號 was taken in permissions and staff only, and
  // 國民身分證統一編號 (the ID's full name) nowhere.
  std::vector<std::string> reg2 = {"編號", "申請日期", "姓名", "國民身分證統一編號", "查調項目", "查調事由", "需要資料者",
                                   "電子化政府帳號", "單位"};
  st = MapHeader(InputKind::kRegistrations, Cells(reg2), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[registration_col::kSubjectId], 3);
  EXPECT_EQ(map.column_of[registration_col::kAccount], 7);
  std::vector<std::string> plat2 = {"交易序號", "查詢時間", "電子化政府帳號", "服務代碼", "國民身分證統一編號"};
  st = MapHeader(InputKind::kPlatform, Cells(plat2), &map);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(map.column_of[platform_col::kAccount], 2);
  EXPECT_EQ(map.column_of[platform_col::kSubjectId], 4);
  EXPECT_EQ(map.aliases, (std::vector<std::string>{"電子化政府帳號 → 查詢者帳號", "國民身分證統一編號 → 被查詢人統號"}));
}

}  // namespace
}  // namespace liaudit::ingest
