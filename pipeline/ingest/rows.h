// Per-kind row parsers: one CSV data record -> one normalised record (inputs.md §1-6).
//
// Normalisation (inputs.md "text"): every field is trimmed (ASCII white space, U+3000);
// codes, IDs, accounts, dates, numbers and IPs also get full-width ASCII -> half-width;
// IDs, service codes, agency codes, transaction/form/registration/request numbers and
// certificate serials are upper-cased; accounts are lower-cased. Names and free text keep
// their characters exactly. Subject and staff IDs are never validated here (rule R13 flags
// them). Row shape: a row shorter than the header is fine as long as every field it needs
// is present; a row longer than the header is fine when the extra fields are empty, and a
// reject otherwise (a non-empty unnamed value usually means an unquoted comma shifted the
// columns, and guessing which value belongs where is not ours to do).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/records.h"
#include "ingest/columns.h"

namespace liaudit::ingest {

// Why a row is quarantined.
struct RowError {
  long column = 0;     // 1-based CSV column of the offending field, 0 = n/a (e.g. column absent)
  std::string reason;  // English, names the column ("查詢時間 (query_time): ...")
};

// Field normalisers (exposed for tests). `out` is overwritten; its capacity is reused.
void NormalizeCodeInto(std::string_view in, std::string* out);     // trim + half-width
void NormalizeUpperInto(std::string_view in, std::string* out);    // ... + ASCII upper-case
void NormalizeAccountInto(std::string_view in, std::string* out);  // ... + ASCII lower-case
void NormalizeTextInto(std::string_view in, std::string* out);     // trim only
// A list of service codes: split with SplitList; each item half-width, and upper-cased when
// it is pure ASCII ("其他:說明" items keep their text, with a half-width colon).
std::vector<std::string> NormalizeItems(std::string_view in);
// 成功/查無資料/失敗, success/nodata/error (ASCII case-insensitive) -> result. Empty ->
// kUnknown and true. Any other text -> kUnknown and false (ParsePlatform still takes the row).
bool ParseQueryResult(std::string_view in, QueryResult* out);

// Parses the data records of one file. Fields are as the CSV reader returned them.
// Each method returns false with *err filled when the row must be quarantined.
class RowParser {
 public:
  explicit RowParser(const HeaderMap& map) : map_(map) {}
  bool Platform(const std::vector<std::string_view>& f, PlatformQuery* out, RowError* err);
  bool Permission(const std::vector<std::string_view>& f, PermissionRecord* out, RowError* err);
  bool Registration(const std::vector<std::string_view>& f, RegistrationRecord* out, RowError* err);
  bool Request(const std::vector<std::string_view>& f, RequestRow* out, RowError* err);
  bool Staff(const std::vector<std::string_view>& f, StaffRecord* out, RowError* err);
  bool Calendar(const std::vector<std::string_view>& f, CalendarDay* out, RowError* err);
  // The normalised register key of a row (rejected or not), or "" when the kind has no
  // key (platform, calendar) or the cell is missing or empty.
  std::string KeyOf(const std::vector<std::string_view>& f) const;

 private:
  class Row;
  const HeaderMap& map_;
  std::string tmp_;
};

}  // namespace liaudit::ingest
