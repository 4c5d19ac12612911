// The cross-check rule engine (rules.md): pure functions from a Dataset to findings.
//
// Everything here reads only the Dataset and the options; nothing touches the store,
// the clock or the file system, except LoadLegalBases which reads the shipped list.
// Strings are UTF-8. Findings carry full subject IDs in `subject_id` (the writer masks
// them); `detail` sentences never contain a full ID (MaskId with opts.id_mask).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/finding.h"
#include "core/settings.h"
#include "core/status.h"

namespace liaudit::rules {

// Which job kinds run a rule (RuleInfo::runs_in): a bit per JobKind.
enum JobKinds : unsigned {
  kNightlyJobs = 1u << static_cast<unsigned>(JobKind::kNightly),
  kQuarterlyJobs = 1u << static_cast<unsigned>(JobKind::kQuarterly),
  kAuditJobs = 1u << static_cast<unsigned>(JobKind::kAudit),
  kEveryCheckingJob = kNightlyJobs | kQuarterlyJobs | kAuditJobs,
  kLongJobs = kQuarterlyJobs | kAuditJobs,  // a period long enough to look back over (R14, R16)
};

// One row of the registry table (rules.md): id "R01".."R16", names, severity, what
// the key identifies ("query", "account+date", "registration/request", "account", ...)
// and the job kinds that run it. The registry is the only place that says which jobs
// run a rule: RunRules, the documents' counts by rule and their sheets all ask RunsIn.
struct RuleInfo {
  const char* id;
  const char* name_zh;
  const char* name_en;
  Severity severity;
  const char* scope;
  unsigned runs_in = kEveryCheckingJob;  // JobKinds bits
};
const std::vector<RuleInfo>& AllRules();  // R01..R16 in order
const RuleInfo* FindRule(std::string_view id);  // nullptr if unknown
// True when a job of `kind` runs `rule`.
bool RunsIn(const RuleInfo& rule, JobKind kind);
// True when a job of `kind` runs the rule `id` (false for an unknown id).
bool RunsIn(std::string_view id, JobKind kind);
// The rules a job of `kind` runs, R01..R16 order.
std::vector<const RuleInfo*> RulesFor(JobKind kind);

// A check that did not run (or ran with a fallback) and why, in two languages: `reason`
// in English for logs and manifest.json, `reason_zh` in Traditional Chinese for the
// documents, e.g. {"R05", "no staff roster ingested", "未匯入人事異動名冊"}.
struct SkippedCheck {
  std::string rule_id;
  std::string reason;     // English
  std::string reason_zh;  // zh-TW, what reports and workbooks print
};

struct RuleOutput {
  std::vector<Finding> findings;
  std::vector<SkippedCheck> skipped;  // rules that did not run for lack of input
  std::vector<SkippedCheck> notes;    // rules that ran with a fallback (R08 without calendar)
  // One flag per ds.queries entry: 1 when the query is in the period (ds.InPeriod) and has a
  // matching registration (rules.md "matches"), else 0. From the index the rules built, so
  // the documents' 登記簿 vs 系統筆數 figures need no index of their own.
  std::vector<uint8_t> registered;
};

// Runs every rule that applies to ds.period.kind (RunsIn: R14, R16 only for kQuarterly
// and kAudit). Per-query rules look at queries with ds.InPeriod(q); the audit filters
// ds.period.accounts / ds.period.unit restrict which accounts' findings are reported
// (see AccountInScope). Deterministic: same data and options give the same findings
// in the same order (rule id, then key). `out` is replaced. Fails only on options that
// make no sense (negative thresholds, office_end <= office_start), an unset period, or
// queries not sorted by time (a broken Dataset contract). If opts.legal_bases is empty,
// DefaultLegalBases() is used.
Status RunRules(const Dataset& ds, const RuleOptions& opts, RuleOutput* out);

// Permission replay (inputs.md §2): the item set of `account` at time t: approved rows
// with 生效日期 <= date(t), applied in 生效日期 order (ties by 表單編號). 新增權限 adds its
// items, 註銷權限 empties the set, 異動查調項目 and 職務異動 replace it. Sorted by Sym, unique.
std::vector<Sym> PermissionItemsAt(const Dataset& ds, Sym account, LocalTime t);
// The account's unit at time t per the same replay (the last approved row's 申請單位),
// else its roster unit, else kNoSym.
Sym AccountUnitAt(const Dataset& ds, Sym account, LocalTime t);
// Audit filters: true when ds.period.accounts is empty or names the account, and
// ds.period.unit is empty or equals the account's unit at the period end per the
// permission register or per the roster.
// O(permission rows) per call: in loops over queries use AccountScope.
bool AccountInScope(const Dataset& ds, Sym account);

// AccountInScope for every account at once, computed lazily and cached per Sym:
// O(1) per call after the first for an account. Not thread-safe. The Dataset must
// outlive it and not change.
class AccountScope {
 public:
  explicit AccountScope(const Dataset& ds);
  bool operator()(Sym account) const;
  bool filtered() const { return filtered_; }

 private:
  const Dataset& ds_;
  bool filtered_;
  mutable std::vector<int8_t> cache_;  // -1 unknown, 0 out, 1 in
};

// Work day (inputs.md §6): the calendar decides where it covers the date (make-up
// Saturdays included), otherwise Monday-Friday.
bool IsWorkDay(const Dataset& ds, Date d);

// True when `reason` names one of `bases` (substring match, spaces ignored).
bool CitesLegalBasis(std::string_view reason, const std::vector<std::string>& bases);
// Reads one basis per line (UTF-8, BOM allowed); blank lines and lines starting with
// '#' are skipped; surrounding spaces trimmed. Missing file -> IoError naming it.
Status LoadLegalBases(const std::string& path, std::vector<std::string>* out);
// The list of inputs.md "Reference data".
std::vector<std::string> DefaultLegalBases();

// Registration matching (rules.md "matches"), indexed once for a Dataset. Other stages
// (the quarterly "登記簿 vs 系統筆數" statistics) may use it too. The Dataset must
// outlive the index and not change.
class RegistrationIndex {
 public:
  RegistrationIndex(const Dataset& ds, int registration_window_days);
  // Appends to *out the indices into ds.registrations of the registrations matching q
  // (same account, same subject ID, service in items, 申請日期 <= date(q) <=
  // 申請日期 + window), ascending. *out is cleared first.
  void Matches(const DsQuery& q, std::vector<uint32_t>* out) const;
  bool HasMatch(const DsQuery& q) const;

 private:
  template <typename F>
  void ForEachMatch(const DsQuery& q, F&& f) const;
  const Dataset& ds_;
  int window_;
  // (hash of account+subject, registration index), sorted; collisions resolved by
  // comparing the fields. bucket_[h >> shift_] is the first pair whose hash has those
  // top bits, so a lookup touches two cache lines instead of a binary search's twenty.
  std::vector<std::pair<uint64_t, uint32_t>> by_key_;
  std::vector<uint32_t> bucket_;
  int shift_ = 63;
};

}  // namespace liaudit::rules
