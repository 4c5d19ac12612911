// Internal: what every rule family shares during one RunRules call. Built once per
// run from the Dataset (indexes by account Sym, request table, options).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/dataset.h"
#include "core/finding.h"
#include "core/settings.h"
#include "rules/permissions.h"
#include "rules/rules.h"

namespace liaudit::rules::internal {

// One 附表3 request: its subject rows grouped by 申請單編號.
struct Request {
  std::string_view no;
  std::vector<uint32_t> rows;              // indices into ds.requests
  std::vector<std::string_view> subjects;  // sorted, unique
  bool inconsistent = false;
};

struct Context {
  Context(const Dataset& d, const RuleOptions& o);

  const Dataset& ds;
  const RuleOptions& opts;
  std::vector<std::string> bases;  // opts.legal_bases (or the defaults when empty), spaces removed
  RegistrationIndex index;

  // Indexed by Sym (size ds.syms.size()).
  std::vector<std::vector<uint32_t>> approved_rows;   // approved rows with an effective date
  std::vector<std::vector<uint32_t>> perm_rows;       // every permission row, any decision
  std::vector<char> any_approved;                     // R04: some approved row at all
  std::vector<std::vector<PermState>> timeline;       // replayed states
  std::vector<std::vector<uint32_t>> staff_rows;      // roster rows
  std::vector<std::vector<std::string_view>> own_ids;  // the account holder's own IDs (R10)

  std::vector<Request> requests;                      // sorted by number
  std::unordered_map<std::string_view, uint32_t> request_by_no;

  const Request* FindRequest(std::string_view no) const;
  bool RequestLists(const Request& r, std::string_view subject) const;
  // Audit filters (AccountInScope), cached per Sym.
  bool InScope(Sym account) const { return scope(account); }
  bool filtered() const { return scope.filtered(); }
  AccountScope scope;

  // A finding about query q with the common columns filled; key "<rule>|<txn_id>".
  Finding QueryFinding(const char* rule, const DsQuery& q) const;
  // "帳號 X 於 115/11/25 14:03 查調 A12345**** 之 C0101 被保險人投保資料"
  std::string QueryPhrase(const DsQuery& q) const;
  std::string Masked(std::string_view id) const;
  const std::string& Name(Sym s) const { return ds.syms.Name(s); }
};

Finding NewFinding(const char* rule, std::string key);

// CitesLegalBasis in two steps, so a run cleans the bases once.
std::vector<std::string> CleanBases(const std::vector<std::string>& bases);
bool CitesCleaned(std::string_view reason, const std::vector<std::string>& cleaned);

// Rule families; each appends to *out (unsorted) and may add skipped checks/notes.
void RunQueryRules(const Context& c, RuleOutput* out);     // R01-R05, R08-R13, R14, R15
void RunRegisterRules(const Context& c, RuleOutput* out);  // R06, R07, R16

}  // namespace liaudit::rules::internal
