// Settings every stage may read. Option structs with in-class defaults and one
// comment per field (LevelDB's Options). The CLI fills them from the command line
// and the INI config file; stages receive const references.
#pragma once
#include <string>
#include <vector>

namespace liaudit {

// rules.md thresholds.
struct RuleOptions {
  int registration_window_days = 30;   // a registration covers [申請日期, 申請日期 + window]
  int office_start = 8 * 3600;         // seconds of day; office hours are [start, end)
  int office_end = 18 * 3600;
  int daily_query_limit = 50;          // R09 fires above this many queries on one day
  int shared_ip_minutes = 10;          // R11: a different IP less than this many minutes earlier
  int backfill_grace_days = 3;         // R15: first seen more than this many days after the query
  int dormant_days = 90;               // R16
  int review_report_days = 10;         // due date for the review report (要點第八點)
  bool self_query_check = true;        // R10 can be switched off
  // Mask pattern for IDs inside finding sentences (detail); keep equal to OutputOptions::id_mask.
  std::string id_mask = "XXXXXX****";
  // Recognised legal bases for 查調事由 (R07); loaded from templates/legal_bases.txt by default.
  std::vector<std::string> legal_bases;
};

// Where and how documents are written.
struct OutputOptions {
  std::string id_mask = "XXXXXX****";  // 'X' keeps, '*' masks (A12345****)
  bool mask_internal = false;          // mask IDs in forms and the nightly report too
  std::string audit_unit = "高雄市政府社會局秘書室資訊小組";  // 附表4 稽核單位
  std::string audit_unit_phone = "07-3343259";
  std::string auditor;                 // 附表4 稽核人員
  std::string organisation = "高雄市政府社會局";
  // output.spreadsheets: each workbook as .xlsx, as its ODF twin .ods, or both (docs/ods.md).
  bool xlsx = true;
  bool ods = true;
};

}  // namespace liaudit
