// Dates and times as liaudit uses them.
//
// All times are Asia/Taipei local time (UTC+8, no DST), so a local time is
// stored as seconds since 1970-01-01 00:00:00 *local* (a naive civil count);
// convert to UTC only at the edges (signing time, manifest timestamps).
// A Date is a day count since 1970-01-01 (proleptic Gregorian).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace liaudit {

using Date = int32_t;       // days since 1970-01-01
using LocalTime = int64_t;  // seconds since 1970-01-01 00:00:00 Asia/Taipei

constexpr Date kNoDate = INT32_MIN;
constexpr LocalTime kNoTime = INT64_MIN;
constexpr int kSecondsPerDay = 86400;
constexpr int kTaipeiUtcOffsetSeconds = 8 * 3600;

struct Civil {
  int year = 1970;
  int month = 1;
  int day = 1;
};

// Days from civil date; the date must be valid (see IsValidCivil).
Date DateFromCivil(int y, int m, int d);
Civil CivilFromDate(Date d);
bool IsValidCivil(int y, int m, int d);
// 0 = Sunday ... 6 = Saturday.
int Weekday(Date d);

inline Date DateOf(LocalTime t) {
  return static_cast<Date>(t >= 0 ? t / kSecondsPerDay : (t - kSecondsPerDay + 1) / kSecondsPerDay);
}
inline LocalTime StartOf(Date d) { return static_cast<LocalTime>(d) * kSecondsPerDay; }
inline int SecondOfDay(LocalTime t) { return static_cast<int>(t - StartOf(DateOf(t))); }

// Parses every date form of inputs.md: 2026-11-25, 2026/11/25, 115/11/25 (ROC year,
// 2-3 digits), 115年11月25日, 1151125 (7-digit ROC compact), and YYYYMMDD (8 digits,
// used by the open-data calendar); also the dotted forms typed by hand, 115.07.01 and
// 2026.7.1, the Gregorian 2026年7月1日, and a 民國 or 中華民國 prefix before an ROC date
// (民國115年7月1日, 中華民國115.07.01; 民國2026年 is a contradiction: nullopt).
// docs/ingest.md lists every accepted form. Input must already be trimmed and half-width.
// Impossible dates (month 13, Feb 30) give nullopt, never a guess.
std::optional<Date> ParseDate(std::string_view s);
// A date as above, one or more spaces (or 'T'), then a time of day as ParseClock reads it,
// hour 0-23; or a 12-hour time as Excel (zh-TW) writes it, with 上午/下午 (or AM/PM) before
// or after it: "2026/7/1 上午 09:05:00", "2026/7/1 下午 02:30", "115/07/01 2:30 PM",
// "2026/7/1 下午 02時30分". With a marker the hour is 1-12 (上午 12 = 00, 下午 12 = 12);
// 上午 0:30 or 下午 14:30 contradict themselves: nullopt.
std::optional<LocalTime> ParseTimestamp(std::string_view s);
// A date-only cell: a date as ParseDate reads it, or a date and a time of day of exactly
// midnight ("2026/7/1 00:00:00", "2026/7/1 上午 12:00:00"), which is how Excel writes a date
// cell whose format shows a time. Any other time of day is not a date: nullopt, with
// *has_time (when given) set so that a message can say why.
std::optional<Date> ParseDateCell(std::string_view s, bool* has_time = nullptr);
// "HH:MM" or "HH:MM:SS" -> seconds of day. The hour may be one digit (9:05); minutes and
// seconds must be two (09:0 and 09:00:7 are rejected, not guessed). Also "09時05分" and
// "09時05分30秒" (Excel's zh-TW time formats), where each part is named and may have one
// digit (9時5分 is 09:05); the minutes are required.
std::optional<int> ParseClock(std::string_view s);

std::string FormatIsoDate(Date d);            // 2026-11-25
std::string FormatIsoTime(LocalTime t);       // 2026-11-25 13:05:09
std::string FormatRocDate(Date d);            // 115年11月25日
std::string FormatRocSlash(Date d);           // 115/11/25
std::string FormatRocTime(LocalTime t);       // 115/11/25 13:05
std::string FormatClock(int seconds_of_day);  // 13:05:09

// Now as Taipei local time (wall clock, or the fixed clock when set).
LocalTime NowLocal();
// Fixes the clock for deterministic output (tests, golden files); kNoTime unfixes it.
void SetFixedClock(LocalTime t);

// A quarter "2026Q3" -> [first day, last day].
bool ParseQuarter(std::string_view s, Date* first, Date* last);

}  // namespace liaudit
