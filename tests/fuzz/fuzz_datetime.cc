// Fuzz target: the date and time parsers (core/datetime.h).
// Oracles: whatever parses is a valid civil date / time of day, and formatting it back
// in ISO form parses to the same value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/datetime.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using liaudit::fuzz::Check;
  const std::string_view s(reinterpret_cast<const char*>(data), size);

  if (auto d = liaudit::ParseDate(s)) {
    const liaudit::Civil c = liaudit::CivilFromDate(*d);
    Check(liaudit::IsValidCivil(c.year, c.month, c.day), "ParseDate gave an invalid civil date");
    Check(liaudit::DateFromCivil(c.year, c.month, c.day) == *d, "civil date does not round-trip");
    auto again = liaudit::ParseDate(liaudit::FormatIsoDate(*d));
    Check(again && *again == *d, "FormatIsoDate(ParseDate(s)) does not parse back");
    (void)liaudit::FormatRocDate(*d);
    (void)liaudit::FormatRocSlash(*d);
    (void)liaudit::Weekday(*d);
  }
  if (auto t = liaudit::ParseTimestamp(s)) {
    const int sod = liaudit::SecondOfDay(*t);
    Check(sod >= 0 && sod < liaudit::kSecondsPerDay, "ParseTimestamp gave a bad time of day");
    auto again = liaudit::ParseTimestamp(liaudit::FormatIsoTime(*t));
    Check(again && *again == *t, "FormatIsoTime(ParseTimestamp(s)) does not parse back");
    (void)liaudit::FormatRocTime(*t);
  }
  if (auto c = liaudit::ParseClock(s)) {
    Check(*c >= 0 && *c < liaudit::kSecondsPerDay, "ParseClock out of range");
    auto again = liaudit::ParseClock(liaudit::FormatClock(*c));
    Check(again && *again == *c, "FormatClock(ParseClock(s)) does not parse back");
  }
  liaudit::Date first = 0, last = 0;
  if (liaudit::ParseQuarter(s, &first, &last)) {
    Check(first <= last && last - first < 92, "ParseQuarter gave a bad range");
  }
  return 0;
}
