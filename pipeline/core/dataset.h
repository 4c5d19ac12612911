// Dataset: what the rules see (rules.md). The store fills it (store::LoadDataset);
// rules read it and never touch the store. Compact on purpose: a quarter can hold
// a million queries, so repeated short strings (accounts, service codes, units,
// IPs) are interned as Sym and only per-row unique values are std::string.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/datetime.h"
#include "core/records.h"

namespace liaudit {

using Sym = uint32_t;  // index into SymbolTable; 0 is the empty string
constexpr Sym kNoSym = 0;

class SymbolTable {
 public:
  SymbolTable() { names_.emplace_back(); }
  Sym Intern(std::string_view s) {
    if (s.empty()) return kNoSym;
    auto it = index_.find(std::string(s));
    if (it != index_.end()) return it->second;
    Sym id = static_cast<Sym>(names_.size());
    names_.emplace_back(s);
    index_.emplace(names_.back(), id);
    return id;
  }
  // kNoSym when the string was never interned.
  Sym Find(std::string_view s) const {
    auto it = index_.find(std::string(s));
    return it == index_.end() ? kNoSym : it->second;
  }
  const std::string& Name(Sym s) const { return names_[s]; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, Sym> index_;
};

enum class JobKind { kIngest, kNightly, kQuarterly, kAudit, kBlankForms };

// The period a job checks: [from, to] inclusive dates, and its filters.
struct Period {
  JobKind kind = JobKind::kNightly;
  Date from = kNoDate;
  Date to = kNoDate;
  std::vector<std::string> accounts;  // audit --account (empty = all)
  std::string unit;                   // audit --unit (empty = all)
  LocalTime start() const { return StartOf(from); }
  LocalTime end() const { return StartOf(to + 1); }  // exclusive
  bool Contains(LocalTime t) const { return t >= start() && t < end(); }
  bool ContainsDate(Date d) const { return d >= from && d <= to; }
};

struct DsQuery {
  int64_t id = 0;           // store row id (stable; evidence refers to it)
  std::string txn_id;
  LocalTime time = kNoTime;
  Sym account = kNoSym;
  Sym service = kNoSym;
  std::string subject_id;
  Sym source_ip = kNoSym;   // kNoSym = not logged
  QueryResult result = QueryResult::kUnknown;
};

// Current (newest, not withdrawn) version of a 附表2 line.
struct DsRegistration {
  int64_t id = 0;               // store row id of this version
  std::string reg_no;
  Date applied_on = kNoDate;
  std::string subject_id;
  std::vector<Sym> items;       // service codes
  Sym account = kNoSym;
  Sym unit = kNoSym;
  LocalTime approved_at = kNoTime;  // kNoTime = not approved
  std::string request_no;       // empty = none
  LocalTime first_seen = kNoTime;   // kNoTime = from the register's first snapshot
  std::string reason;           // loaded only for applied_on in the period (R07), else empty
};

// A 附表1 row (current version, not withdrawn), approved or not.
struct DsPermission {
  int64_t id = 0;
  std::string form_no;
  Date applied_on = kNoDate;
  Sym account = kNoSym;
  Sym unit = kNoSym;
  std::string national_id;
  PermissionAction action = PermissionAction::kGrant;
  std::vector<Sym> items;       // service codes ("其他:..." interned as is)
  Decision decision = Decision::kOther;
  Date effective_on = kNoDate;
};

// One subject row of a 附表3 request (current version).
struct DsRequestSubject {
  int64_t id = 0;
  std::string request_no;
  Sym unit = kNoSym;
  Date applied_on = kNoDate;
  int count = 0;
  std::string subject_id;
  std::string reason;
  bool inconsistent = false;    // request-level columns disagree (the request is quarantined)
};

struct DsStaff {
  int64_t id = 0;
  Sym account = kNoSym;
  Sym unit = kNoSym;
  std::string name;
  std::string national_id;
  StaffStatus status = StaffStatus::kActive;
  Date changed_on = kNoDate;
};

struct Dataset {
  Period period;
  SymbolTable syms;

  // Sorted by (time, id). Holds every query with time in [context_start, period.end())
  // plus, for R12(b), every earlier query whose (account, subject) pair appears in a
  // registration that names a request number. in_period() tells them apart.
  std::vector<DsQuery> queries;
  LocalTime context_start = kNoTime;
  bool InPeriod(const DsQuery& q) const { return period.Contains(q.time); }

  std::vector<DsRegistration> registrations;   // all current versions
  std::vector<DsPermission> permissions;       // all current versions, any decision
  std::vector<DsRequestSubject> requests;      // all current versions
  std::vector<DsStaff> staff;                  // the current roster
  bool has_roster = false;

  std::unordered_map<Date, bool> calendar;     // date -> work day, where covered
  bool has_calendar = false;
  bool has_source_ip = false;                  // any query in the period has a source IP

  // R16: last query time per account over the whole store up to period.end().
  std::unordered_map<Sym, LocalTime> last_query_time;
};

}  // namespace liaudit
