#include "core/datetime.h"

#include <cstdio>
#include <ctime>

namespace liaudit {
namespace {

LocalTime g_fixed_clock = kNoTime;

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<Date> Make(int y, int m, int d) {
  if (!IsValidCivil(y, m, d)) return std::nullopt;
  return DateFromCivil(y, m, d);
}

// Splits "a<sep>b<sep>c" into three digit runs.
bool Split3(std::string_view s, char sep, std::string_view* a, std::string_view* b,
            std::string_view* c) {
  size_t p1 = s.find(sep);
  if (p1 == std::string_view::npos) return false;
  size_t p2 = s.find(sep, p1 + 1);
  if (p2 == std::string_view::npos) return false;
  *a = s.substr(0, p1);
  *b = s.substr(p1 + 1, p2 - p1 - 1);
  *c = s.substr(p2 + 1);
  return AllDigits(*a) && AllDigits(*b) && AllDigits(*c) && b->size() <= 2 && c->size() <= 2;
}

// Year field: 4 digits = Gregorian; 2-3 digits = ROC (民國) year. After a 民國 prefix only
// an ROC year is one: 民國2026年 contradicts itself.
std::optional<int> YearOf(std::string_view y, bool roc_only) {
  if (y.size() == 4) return roc_only ? std::nullopt : std::optional<int>(ToInt(y));
  if (y.size() == 2 || y.size() == 3) {
    int roc = ToInt(y);
    if (roc < 1) return std::nullopt;
    return roc + 1911;
  }
  return std::nullopt;
}

// "中華民國" or "民國" before an ROC date ("民國115年7月1日", "中華民國115.07.01"), with or
// without spaces after it: removed; true when there was one.
bool TakeRocPrefix(std::string_view* s) {
  for (std::string_view p : {std::string_view("\xE4\xB8\xAD\xE8\x8F\xAF\xE6\xB0\x91\xE5\x9C\x8B"),  // 中華民國
                             std::string_view("\xE6\xB0\x91\xE5\x9C\x8B")}) {                          // 民國
    if (s->substr(0, p.size()) != p) continue;
    s->remove_prefix(p.size());
    while (!s->empty() && s->front() == ' ') s->remove_prefix(1);
    return true;
  }
  return false;
}

}  // namespace

// Howard Hinnant's days_from_civil.
Date DateFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

Civil CivilFromDate(Date z0) {
  int z = z0 + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Civil c;
  c.year = y + (m <= 2);
  c.month = static_cast<int>(m);
  c.day = static_cast<int>(d);
  return c;
}

bool IsValidCivil(int y, int m, int d) {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dim = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) dim = 29;
  return d <= dim;
}

int Weekday(Date d) {
  int w = (d + 4) % 7;  // 1970-01-01 was a Thursday
  return w < 0 ? w + 7 : w;
}

std::optional<Date> ParseDate(std::string_view s) {
  const bool roc = TakeRocPrefix(&s);
  if (s.empty()) return std::nullopt;
  std::string_view a, b, c;
  if (Split3(s, '-', &a, &b, &c) || Split3(s, '/', &a, &b, &c) || Split3(s, '.', &a, &b, &c)) {
    auto y = YearOf(a, roc);
    if (!y) return std::nullopt;
    return Make(*y, ToInt(b), ToInt(c));
  }
  // 115年11月25日
  static const std::string_view kNian = "\xE5\xB9\xB4", kYue = "\xE6\x9C\x88", kRi = "\xE6\x97\xA5";
  size_t pn = s.find(kNian);
  if (pn != std::string_view::npos) {
    size_t py = s.find(kYue, pn + kNian.size());
    if (py == std::string_view::npos) return std::nullopt;
    std::string_view rest = s.substr(py + kYue.size());
    if (rest.size() < kRi.size() || rest.substr(rest.size() - kRi.size()) != kRi) return std::nullopt;
    a = s.substr(0, pn);
    b = s.substr(pn + kNian.size(), py - pn - kNian.size());
    c = rest.substr(0, rest.size() - kRi.size());
    if (!AllDigits(a) || !AllDigits(b) || !AllDigits(c) || b.size() > 2 || c.size() > 2)
      return std::nullopt;
    auto y = YearOf(a, roc);
    if (!y) return std::nullopt;
    return Make(*y, ToInt(b), ToInt(c));
  }
  if (AllDigits(s)) {
    if (s.size() == 7) return Make(ToInt(s.substr(0, 3)) + 1911, ToInt(s.substr(3, 2)), ToInt(s.substr(5, 2)));
    if (s.size() == 8 && !roc) return Make(ToInt(s.substr(0, 4)), ToInt(s.substr(4, 2)), ToInt(s.substr(6, 2)));
  }
  return std::nullopt;
}

namespace {

// "09時05分" or "09時05分30秒" (Excel's zh-TW time formats hh"時"mm"分" and
// hh"時"mm"分"ss"秒"). Each part is named by its character, so one digit is not a cut-off
// value here: 9時5分 is 09:05. The minutes are required ("09時" alone is not a time).
std::optional<int> ParseChineseClock(std::string_view s) {
  static const std::string_view kShi = "\xE6\x99\x82", kFen = "\xE5\x88\x86", kMiao = "\xE7\xA7\x92";
  auto part = [&s](std::string_view mark) -> int {
    const size_t p = s.find(mark);
    if (p == std::string_view::npos || p == 0 || p > 2 || !AllDigits(s.substr(0, p))) return -1;
    const int v = ToInt(s.substr(0, p));
    s.remove_prefix(p + mark.size());
    return v;
  };
  const int h = part(kShi), m = h < 0 ? -1 : part(kFen);
  const int sec = m < 0 || s.empty() ? 0 : part(kMiao);
  if (h < 0 || m < 0 || sec < 0 || !s.empty() || h > 23 || m > 59 || sec > 59) return std::nullopt;
  return h * 3600 + m * 60 + sec;
}

}  // namespace

std::optional<int> ParseClock(std::string_view s) {
  // The hour may have one digit (9:05, as Excel writes it); minutes and seconds have two:
  // "09:0" or "09:00:7" is a cut-off value, not a time to guess.
  auto digits = [](std::string_view v, size_t min_len) -> int {
    if (v.size() < min_len || v.size() > 2 || !AllDigits(v)) return -1;
    return ToInt(v);
  };
  size_t p1 = s.find(':');
  if (p1 == std::string_view::npos) return ParseChineseClock(s);
  size_t p2 = s.find(':', p1 + 1);
  int h = digits(s.substr(0, p1), 1);
  int m = digits(p2 == std::string_view::npos ? s.substr(p1 + 1) : s.substr(p1 + 1, p2 - p1 - 1), 2);
  int sec = p2 == std::string_view::npos ? 0 : digits(s.substr(p2 + 1), 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return std::nullopt;
  return h * 3600 + m * 60 + sec;
}

namespace {

// Excel (zh-TW) writes a date-time cell to CSV as it shows it: "2026/7/1 上午 09:05:00",
// "2026/7/1 下午 02:30", sometimes with AM/PM. Finds the marker; *pm says which.
bool TakeMeridiem(std::string_view* rest, bool* pm) {
  static const struct {
    std::string_view text;
    bool pm;
  } kMarks[] = {{"\xE4\xB8\x8A\xE5\x8D\x88", false},  // 上午
                {"\xE4\xB8\x8B\xE5\x8D\x88", true},   // 下午
                {"AM", false}, {"PM", true}, {"am", false}, {"pm", true}};
  auto trim = [](std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
  };
  for (const auto& m : kMarks) {
    if (rest->substr(0, m.text.size()) == m.text) {
      *rest = trim(rest->substr(m.text.size()));
      *pm = m.pm;
      return true;
    }
    if (rest->size() >= m.text.size() && rest->substr(rest->size() - m.text.size()) == m.text) {
      *rest = trim(rest->substr(0, rest->size() - m.text.size()));
      *pm = m.pm;
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<LocalTime> ParseTimestamp(std::string_view s) {
  std::string_view body = s;
  TakeRocPrefix(&body);  // "民國 115年7月1日 09:05": the date's own space is not the separator
  size_t sp = s.find_first_of(" T", s.size() - body.size());
  if (sp == std::string_view::npos) return std::nullopt;
  size_t rest = s.find_first_not_of(' ', sp + 1);
  if (rest == std::string_view::npos) return std::nullopt;
  auto d = ParseDate(s.substr(0, sp));
  if (!d) return std::nullopt;
  std::string_view clock = s.substr(rest);
  bool pm = false;
  const bool twelve_hour = TakeMeridiem(&clock, &pm);
  auto c = ParseClock(clock);
  if (!c) return std::nullopt;
  if (twelve_hour) {
    // A 12-hour clock runs 12, 1, ..., 11: 上午 12 is midnight, 下午 12 is noon. An hour of 0
    // or above 12 beside 上午/下午 contradicts itself and is rejected, not guessed.
    int h = *c / 3600;
    if (h < 1 || h > 12) return std::nullopt;
    *c -= (h == 12 ? 12 : 0) * 3600;
    if (pm) *c += 12 * 3600;
  }
  return StartOf(*d) + *c;
}

std::optional<Date> ParseDateCell(std::string_view s, bool* has_time) {
  if (has_time) *has_time = false;
  if (auto d = ParseDate(s)) return d;
  auto t = ParseTimestamp(s);
  if (!t) return std::nullopt;
  if (SecondOfDay(*t) != 0) {
    if (has_time) *has_time = true;
    return std::nullopt;
  }
  return DateOf(*t);
}

std::string FormatIsoDate(Date d) {
  Civil c = CivilFromDate(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::string FormatClock(int s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

std::string FormatIsoTime(LocalTime t) {
  return FormatIsoDate(DateOf(t)) + " " + FormatClock(SecondOfDay(t));
}

std::string FormatRocDate(Date d) {
  Civil c = CivilFromDate(d);
  return std::to_string(c.year - 1911) + "年" + std::to_string(c.month) + "月" + std::to_string(c.day) + "日";
}

std::string FormatRocSlash(Date d) {
  Civil c = CivilFromDate(d);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%d/%02d/%02d", c.year - 1911, c.month, c.day);
  return buf;
}

std::string FormatRocTime(LocalTime t) {
  int s = SecondOfDay(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d", s / 3600, (s / 60) % 60);
  return FormatRocSlash(DateOf(t)) + buf;
}

LocalTime NowLocal() {
  if (g_fixed_clock != kNoTime) return g_fixed_clock;
  return static_cast<LocalTime>(std::time(nullptr)) + kTaipeiUtcOffsetSeconds;
}

void SetFixedClock(LocalTime t) { g_fixed_clock = t; }

bool ParseQuarter(std::string_view s, Date* first, Date* last) {
  if (s.size() != 6 || !AllDigits(s.substr(0, 4)) || (s[4] != 'Q' && s[4] != 'q') || s[5] < '1' ||
      s[5] > '4')
    return false;
  int y = ToInt(s.substr(0, 4));
  int q = s[5] - '0';
  if (!IsValidCivil(y, 1, 1)) return false;
  *first = DateFromCivil(y, (q - 1) * 3 + 1, 1);
  *last = (q == 4 ? DateFromCivil(y + 1, 1, 1) : DateFromCivil(y, q * 3 + 1, 1)) - 1;
  return true;
}

}  // namespace liaudit
