// Input records as ingestion produces them and the store keeps them (inputs.md §1-6).
// Plain structs, UTF-8, already normalised (codes/IDs upper-case half-width, accounts
// lower-case, text trimmed). Names and free text keep their characters exactly.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/datetime.h"

namespace liaudit {

enum class InputKind { kPlatform, kPermissions, kRegistrations, kRequests, kStaff, kCalendar };
const char* InputKindName(InputKind k);  // "platform", "permissions", ...

// A row that could not be taken: kept verbatim with where it came from and why.
struct Reject {
  std::string file;    // path as given to ingest
  long line = 0;       // 1-based physical line where the record starts (0 = whole file)
  long column = 0;     // 1-based column of the offending field (0 = n/a)
  std::string reason;  // English, names the field
  std::string raw;     // the record's original text (decoded to UTF-8 where possible)
  // A rejected register row's key (表單編號, 編號, 申請單編號, the roster's account),
  // normalised, when that cell could be read: the key is still present in the snapshot.
  std::string key;
};

enum class QueryResult { kUnknown, kSuccess, kNoData, kError };

// inputs.md §1: one platform query.
struct PlatformQuery {
  std::string txn_id;
  LocalTime query_time = kNoTime;
  std::string agency_code;
  std::string account;  // lower-case
  std::string querier_name;
  std::string service_code;
  std::string subject_id;
  QueryResult result = QueryResult::kUnknown;
  std::string source_ip;
  std::string cert_serial;
};

enum class PermissionAction { kGrant, kRevoke, kChangeItems, kJobChange };
enum class Decision { kApproved, kRejected, kOther };

// inputs.md §2: one 附表1 application.
struct PermissionRecord {
  std::string form_no;
  Date applied_on = kNoDate;
  std::string unit, title, name, national_id, phone, email, account;
  PermissionAction action = PermissionAction::kGrant;
  std::string reason;
  std::vector<std::string> items;  // service codes; "其他:說明" kept as is
  Decision decision = Decision::kOther;
  Date effective_on = kNoDate;
  std::string reject_reason, manager, unit_head, manager_head;
};

// inputs.md §3: one line of 附表2.
struct RegistrationRecord {
  std::string reg_no;
  Date applied_on = kNoDate;
  std::string subject_name, subject_id;
  std::vector<std::string> items;
  std::string reason, requester, account, querier_name, unit, unit_head;
  LocalTime approved_at = kNoTime;  // kNoTime = not approved
  std::string request_no;
};

// inputs.md §4: one subject row of a 附表3 request.
struct RequestRow {
  std::string request_no, unit;
  Date applied_on = kNoDate;
  std::string applicant, title, phone, fax, reason;
  int count = 0;
  std::string subject_name, subject_id, review, decision;
};

enum class StaffStatus { kActive, kTransferred, kLeft };

// inputs.md §5.
struct StaffRecord {
  std::string name, national_id, account, unit;
  StaffStatus status = StaffStatus::kActive;
  Date changed_on = kNoDate;
};

// The nine service items (查調服務項目) of 附表1, in the form's order: the one list the
// rules, the forms and the reports name them from.
struct ServiceItem {
  const char* code;     // "C0101"
  const char* name_zh;  // "被保險人投保資料"
};
const std::vector<ServiceItem>& ServiceItems();
// The item's name, "" when `code` is not one of the nine.
const char* ServiceNameZh(std::string_view code);
// "C0101 被保險人投保資料", or the code alone when it is not one of the nine.
std::string ServiceLabel(std::string_view code);

// inputs.md §6.
struct CalendarDay {
  Date date = kNoDate;
  bool workday = true;
  std::string note;
};

}  // namespace liaudit
