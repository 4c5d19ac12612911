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
