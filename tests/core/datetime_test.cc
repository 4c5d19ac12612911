#include "core/datetime.h"

#include <gtest/gtest.h>

namespace liaudit {
namespace {

TEST(DateTime, EveryDateForm) {
  const Date want = DateFromCivil(2026, 11, 25);
  const char* forms[] = {"2026-11-25", "2026/11/25", "115/11/25", "115-11-25", "115年11月25日",
                         "1151125",    "20261125",   "2026/1/5"};
  for (const char* f : forms) {
    auto d = ParseDate(f);
    ASSERT_TRUE(d.has_value()) << f;
    if (std::string(f) != "2026/1/5") {
      EXPECT_EQ(*d, want) << f;
    }
  }
  EXPECT_EQ(*ParseDate("99/01/05"), DateFromCivil(2010, 1, 5));  // 2-digit ROC year
  EXPECT_EQ(*ParseDate("2026/1/5"), DateFromCivil(2026, 1, 5));
}

TEST(DateTime, ImpossibleDatesAreRejected) {
  const char* bad[] = {"2026-13-01", "2026-02-30", "115/02/29", "115年13月1日", "1151301",
                       "2026-00-10", "",           "abc",       "2026-11",     "115年11月25",
                       "11511255",   "2026--25",   "0/11/25"};
  for (const char* b : bad) EXPECT_FALSE(ParseDate(b).has_value()) << b;
  EXPECT_TRUE(ParseDate("2028-02-29").has_value());
  EXPECT_TRUE(ParseDate("113/02/29").has_value());  // 2024 leap year
}

TEST(DateTime, Timestamps) {
  auto t = ParseTimestamp("115/11/25 08:05");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIsoTime(*t), "2026-11-25 08:05:00");
  EXPECT_EQ(FormatIsoTime(*ParseTimestamp("2026-11-25 23:59:59")), "2026-11-25 23:59:59");
  EXPECT_FALSE(ParseTimestamp("2026-11-25 25:00"));
  EXPECT_FALSE(ParseTimestamp("2026-11-25 12:60"));
  EXPECT_FALSE(ParseTimestamp("2026-11-25"));
  EXPECT_FALSE(ParseTimestamp("2026-11-25 12:00:61"));
  // Cut-off minutes or seconds are rejects, not guesses; a one-digit hour is Excel's 9:05.
  EXPECT_FALSE(ParseTimestamp("2026-11-25 09:0"));
  EXPECT_FALSE(ParseTimestamp("2026-11-25 09:00:7"));
  EXPECT_FALSE(ParseTimestamp("2026-11-25 09:"));
  EXPECT_FALSE(ParseTimestamp("2026-11-25 :05"));
  EXPECT_FALSE(ParseTimestamp("2026-11-25 009:05"));
  EXPECT_EQ(FormatIsoTime(*ParseTimestamp("2026-11-25 9:05")), "2026-11-25 09:05:00");
  EXPECT_EQ(FormatIsoTime(*ParseTimestamp("2026-11-25T09:05:07")), "2026-11-25 09:05:07");
}

// Regression: a 附表2 register saved by Excel (zh-TW) quarantined every row, and every query
// of the quarter became R01.
TEST(DateTime, ExcelTaiwanForms) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"2026/7/1 上午 09:05:00", "2026-07-01 09:05:00"}, {"2026/7/1 下午 02:30", "2026-07-01 14:30:00"},
      {"2026/7/1 上午 12:15", "2026-07-01 00:15:00"},    {"2026/7/1 下午 12:15", "2026-07-01 12:15:00"},
      {"2026/7/1 下午 11:59:59", "2026-07-01 23:59:59"}, {"2026/7/1 上午 9:05", "2026-07-01 09:05:00"},
      {"115/7/1 下午 2:30", "2026-07-01 14:30:00"},       {"2026/7/1 02:30 下午", "2026-07-01 14:30:00"},
      {"2026/7/1 2:30 PM", "2026-07-01 14:30:00"},       {"2026/7/1 12:00 AM", "2026-07-01 00:00:00"},
      {"115.07.01 08:00", "2026-07-01 08:00:00"},        {"2026.7.1 下午 01:00", "2026-07-01 13:00:00"},
      {"2026/7/1  上午  09:05", "2026-07-01 09:05:00"},
  };
  for (const Case& c : cases) {
    auto t = ParseTimestamp(c.in);
    ASSERT_TRUE(t) << c.in;
    EXPECT_EQ(FormatIsoTime(*t), c.want) << c.in;
  }
  // Contradictions and cut-off values stay rejected.
  const char* bad[] = {"2026/7/1 下午 14:30", "2026/7/1 上午 00:30", "2026/7/1 上午 13:00", "2026/7/1 上午",
                       "2026/7/1 上午 下午 02:30", "2026/7/1 中午 12:00", "2026/7/1 下午 2:3"};
  for (const char* b : bad) EXPECT_FALSE(ParseTimestamp(b)) << b;
  EXPECT_EQ(*ParseDate("115.07.01"), DateFromCivil(2026, 7, 1));
  EXPECT_EQ(*ParseDate("115.7.1"), DateFromCivil(2026, 7, 1));
  EXPECT_EQ(*ParseDate("2026.07.01"), DateFromCivil(2026, 7, 1));
  const char* bad_dates[] = {"115.13.01", "2026.02.30", "115..01", "115.07.01.", "1.2.3.4", "07.01.2026"};
  for (const char* b : bad_dates) EXPECT_FALSE(ParseDate(b)) << b;
}

// Regression (issue 15): dates and times as clerks and Excel (zh-TW) also write them were
// rejected: a 民國 prefix, the Gregorian 年月日, 時/分/秒 times, and a date cell that Excel
// wrote with its midnight time.
TEST(DateTime, PrefixesChineseClocksAndMidnightDateCells) {
  const Date want = DateFromCivil(2026, 7, 1);
  for (const char* f : {"民國115年7月1日", "中華民國115.07.01", "民國115/7/1", "中華民國 115年07月01日", "民國1150701",
                        "民國99年1月2日", "2026年7月1日", "2026年07月01日"}) {
    auto d = ParseDate(f);
    ASSERT_TRUE(d) << f;
    if (std::string(f) != "民國99年1月2日") {
      EXPECT_EQ(*d, want) << f;
    }
  }
  EXPECT_EQ(*ParseDate("民國99年1月2日"), DateFromCivil(2010, 1, 2));
  // A 民國 prefix before a Gregorian year contradicts itself; a prefix alone is no date.
  for (const char* b : {"民國2026年7月1日", "中華民國2026.07.01", "民國20260701", "民國", "民國民國115/7/1",
                        "115民國/7/1", "2026年7月1", "2026年13月1日", "民國115年2月30日"})
    EXPECT_FALSE(ParseDate(b)) << b;

  struct Case {
    const char* in;
    const char* want;
  } times[] = {
      {"2026/7/1 09時05分", "2026-07-01 09:05:00"},       {"2026/7/1 09時05分30秒", "2026-07-01 09:05:30"},
      {"115年7月1日 9時5分", "2026-07-01 09:05:00"},      {"2026/7/1 下午 02時30分", "2026-07-01 14:30:00"},
      {"2026/7/1 上午12時05分", "2026-07-01 00:05:00"},   {"民國115年7月1日 09:05", "2026-07-01 09:05:00"},
      {"中華民國 115.07.01 23時59分59秒", "2026-07-01 23:59:59"}, {"2026年7月1日 08:00", "2026-07-01 08:00:00"},
  };
  for (const Case& c : times) {
    auto t = ParseTimestamp(c.in);
    ASSERT_TRUE(t) << c.in;
    EXPECT_EQ(FormatIsoTime(*t), c.want) << c.in;
  }
  for (const char* b : {"2026/7/1 09時", "2026/7/1 09時60分", "2026/7/1 24時00分", "2026/7/1 09時05",
                        "2026/7/1 09時05分30", "2026/7/1 09時05分30秒x", "2026/7/1 09:05分", "2026/7/1 時05分",
                        "2026/7/1 123時05分", "2026/7/1 下午 14時30分", "民國2026/7/1 09:05"})
    EXPECT_FALSE(ParseTimestamp(b)) << b;

  // A date-only cell: a date, or a date with exactly midnight; any other time is refused.
  for (const char* f : {"2026/7/1", "2026/7/1 00:00:00", "2026/7/1 0:00", "2026/7/1 上午 12:00:00",
                        "2026/7/1 12:00 AM", "115/07/01 00:00", "2026-07-01T00:00:00", "2026/7/1 00時00分"}) {
    bool has_time = true;
    auto d = ParseDateCell(f, &has_time);
    ASSERT_TRUE(d) << f;
    EXPECT_EQ(*d, want) << f;
    EXPECT_FALSE(has_time) << f;
  }
  for (const char* f : {"2026/7/1 00:00:01", "2026/7/1 下午 12:00:00", "2026/7/1 09:00", "2026/7/1 上午 12:01"}) {
    bool has_time = false;
    EXPECT_FALSE(ParseDateCell(f, &has_time)) << f;
    EXPECT_TRUE(has_time) << f;
  }
  bool has_time = true;
  EXPECT_FALSE(ParseDateCell("2026/7/1 25:00", &has_time));
  EXPECT_FALSE(has_time);
  EXPECT_FALSE(ParseDateCell("2026/7/32 00:00", &has_time));
}

TEST(DateTime, RocFormatsAndWeekday) {
  Date d = DateFromCivil(2026, 11, 25);
  EXPECT_EQ(FormatRocDate(d), "115年11月25日");
  EXPECT_EQ(FormatRocSlash(d), "115/11/25");
  EXPECT_EQ(Weekday(d), 3);  // Wednesday
  EXPECT_EQ(DateOf(StartOf(d) + 86399), d);
  EXPECT_EQ(DateOf(-1), -1);
}

TEST(DateTime, Quarters) {
  Date a, b;
  ASSERT_TRUE(ParseQuarter("2026Q3", &a, &b));
  EXPECT_EQ(FormatIsoDate(a), "2026-07-01");
  EXPECT_EQ(FormatIsoDate(b), "2026-09-30");
  ASSERT_TRUE(ParseQuarter("2026Q4", &a, &b));
  EXPECT_EQ(FormatIsoDate(b), "2026-12-31");
  EXPECT_FALSE(ParseQuarter("2026Q5", &a, &b));
  EXPECT_FALSE(ParseQuarter("26Q1", &a, &b));
}

}  // namespace
}  // namespace liaudit
