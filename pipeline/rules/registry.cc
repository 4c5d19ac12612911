// The registry table: one row per rule, in rules.md order. Adding a rule starts here
// (docs/rules.md, "How to add a rule").
#include <string_view>
#include <vector>

#include "rules/rules.h"

namespace liaudit::rules {

const std::vector<RuleInfo>& AllRules() {
  static const std::vector<RuleInfo> kRules = {
      {"R01", "未登記查調", "unregistered query", Severity::kHigh, "query"},
      {"R02", "未經主管核可", "approval missing or late", Severity::kHigh, "query"},
      {"R03", "無查調權限", "no permission", Severity::kHigh, "query"},
      {"R04", "未申請帳號", "unknown account", Severity::kCritical, "query"},
      {"R05", "離職後查調", "query after leaving", Severity::kCritical, "query"},
      {"R06", "異動未申請", "permission change not filed", Severity::kMedium, "account+date"},
      {"R07", "未敘明法令依據", "no legal basis", Severity::kMedium, "registration/request"},
      {"R08", "非上班時間查調", "off-hours query", Severity::kLow, "query"},
      {"R09", "查調量異常", "high volume", Severity::kMedium, "account+date"},
      {"R10", "查調本人資料", "self query", Severity::kCritical, "query"},
      {"R11", "疑似帳號共用", "shared credential", Severity::kHigh, "query"},
      {"R12", "超出委託範圍", "beyond the request", Severity::kMedium, "query/request"},
      {"R13", "身分證號格式錯誤", "invalid subject ID", Severity::kLow, "query"},
      {"R14", "登記未查調", "registered, not queried", Severity::kInfo, "registration", kLongJobs},
      {"R15", "事後補登", "backfilled registration", Severity::kHigh, "query"},
      {"R16", "帳號閒置", "dormant account", Severity::kLow, "account", kLongJobs},
  };
  return kRules;
}

const RuleInfo* FindRule(std::string_view id) {
  for (const RuleInfo& r : AllRules()) {
    if (id == r.id) return &r;
  }
  return nullptr;
}

bool RunsIn(const RuleInfo& rule, JobKind kind) {
  return (rule.runs_in & (1u << static_cast<unsigned>(kind))) != 0;
}

bool RunsIn(std::string_view id, JobKind kind) {
  const RuleInfo* r = FindRule(id);
  return r && RunsIn(*r, kind);
}

std::vector<const RuleInfo*> RulesFor(JobKind kind) {
  std::vector<const RuleInfo*> out;
  for (const RuleInfo& r : AllRules())
    if (RunsIn(r, kind)) out.push_back(&r);
  return out;
}

}  // namespace liaudit::rules
