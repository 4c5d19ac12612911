// Finding: one violation (or notice) a rule found (rules.md). Findings are data,
// not errors: they never abort a job.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/datetime.h"

namespace liaudit {

enum class Severity { kInfo = 0, kLow, kMedium, kHigh, kCritical };
const char* SeverityName(Severity s);      // "info", "low", "medium", "high", "critical"
const char* SeverityNameZh(Severity s);    // 資訊, 低, 中, 高, 嚴重

// What a finding rests on: a row in the store.
struct Evidence {
  enum class Kind { kQuery, kRegistration, kPermission, kRequest, kStaff } kind;
  int64_t id = 0;       // store row id
  std::string label;    // human key: 交易序號, 編號, 表單編號, 申請單編號, account
};

struct Finding {
  std::string rule_id;   // "R01".."R16"
  Severity severity = Severity::kInfo;
  // Stable identity for follow-up across runs: rule id + the rule's key, e.g.
  // "R01|GSP1151125000123", "R09|ksw0231|2026-11-25", "R07|reg|A-0001".
  std::string key;

  std::string account;              // querier account ("" if not about one)
  LocalTime query_time = kNoTime;
  std::string txn_id;
  std::string service_code;
  std::string subject_id;           // full; masked by whoever writes it out
  std::string reg_no;
  std::string request_no;
  Date date = kNoDate;              // R06, R09: the day; R16: last query date
  std::string detail;               // plain zh-TW sentence for reports
  std::vector<Evidence> evidence;
};

// The follow-up of one finding key (rules.md "Follow-up", 要點第八點); kept by the store.
enum class FollowUpState { kOpen, kReportReceived, kClosed };

struct FollowUp {
  std::string key, rule_id, account;
  Severity severity = Severity::kInfo;
  int64_t first_job = 0;    // job that opened it
  Date due = kNoDate;       // due date of the written review report
  FollowUpState state = FollowUpState::kOpen;
  std::string updated_by;   // "" while never changed by a person
  LocalTime updated_at = kNoTime;
  std::string note;
  std::string detail;       // the finding's zh-TW sentence
};

}  // namespace liaudit
