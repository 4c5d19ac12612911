// Test helper: builds small Datasets in code, with dates and times written as text.
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/datetime.h"
#include "core/text.h"
#include "rules/rules.h"

namespace liaudit::rules::testing {

inline Date D(std::string_view s) { return *ParseDate(s); }
inline LocalTime T(std::string_view s) { return *ParseTimestamp(s); }

// A valid 國民身分證統一編號 with the given letter and first 8 digits (the checksum is computed).
inline std::string ValidId(char letter, std::string_view eight) {
  static const std::string kOrder = "ABCDEFGHJKLMNPQRSTUVXYWZIO";
  int code = static_cast<int>(kOrder.find(letter)) + 10;
  int sum = code / 10 + (code % 10) * 9;
  for (size_t i = 0; i < 8; ++i) sum += (eight[i] - '0') * static_cast<int>(8 - i);
  int check = (10 - sum % 10) % 10;
  return std::string(1, letter) + std::string(eight) + static_cast<char>('0' + check);
}

class DsBuilder {
 public:
  DsBuilder(JobKind kind, std::string_view from, std::string_view to) {
    ds_.period.kind = kind;
    ds_.period.from = D(from);
    ds_.period.to = D(to);
  }
  Sym S(std::string_view s) { return ds_.syms.Intern(s); }
  Dataset& ds() { return ds_; }

  DsQuery& Query(std::string txn, std::string_view time, std::string_view account,
                 std::string_view service, std::string subject, std::string_view ip = "") {
    DsQuery q;
    q.id = next_id_++;
    q.txn_id = ds_.Keep(txn);
    q.time = T(time);
    q.account = S(account);
    q.service = S(service);
    q.subject_id = ds_.Keep(subject);
    q.source_ip = S(ip);
    ds_.queries.push_back(q);
    return ds_.queries.back();
  }
  // items: "C0101;B0101"; approved: "" for not approved.
  DsRegistration& Reg(std::string no, std::string_view applied, std::string_view account,
                      std::string subject, std::string_view items, std::string_view approved,
                      std::string request_no = "", std::string reason = "依社會救助法辦理低收入戶審核") {
    DsRegistration r;
    r.id = next_id_++;
    r.reg_no = std::move(no);
    r.applied_on = D(applied);
    r.account = S(account);
    r.subject_id = std::move(subject);
    for (const std::string& it : SplitList(items)) r.items.push_back(S(it));
    r.approved_at = approved.empty() ? kNoTime : T(approved);
    r.request_no = std::move(request_no);
    r.reason = ds_.Keep(reason);
    ds_.registrations.push_back(r);
    return ds_.registrations.back();
  }
  DsPermission& Perm(std::string form_no, std::string_view account, PermissionAction action,
                     std::string_view items, std::string_view effective,
                     Decision decision = Decision::kApproved, std::string national_id = "",
                     std::string_view unit = "社會救助科", std::string_view applied = "") {
    DsPermission p;
    p.id = next_id_++;
    p.form_no = std::move(form_no);
    p.account = S(account);
    p.action = action;
    for (const std::string& it : SplitList(items)) p.items.push_back(S(it));
    p.effective_on = effective.empty() ? kNoDate : D(effective);
    p.applied_on = applied.empty() ? p.effective_on : D(applied);
    p.decision = decision;
    p.national_id = std::move(national_id);
    p.unit = S(unit);
    ds_.permissions.push_back(p);
    return ds_.permissions.back();
  }
  DsRequestSubject& Req(std::string no, std::string_view applied, int count, std::string subject,
                        std::string reason = "依老人福利法辦理", std::string_view unit = "鳳山區公所") {
    DsRequestSubject r;
    r.id = next_id_++;
    r.request_no = std::move(no);
    r.applied_on = D(applied);
    r.count = count;
    r.subject_id = std::move(subject);
    r.reason = ds_.Keep(reason);
    r.unit = S(unit);
    ds_.requests.push_back(r);
    return ds_.requests.back();
  }
  DsStaff& Staff(std::string_view account, StaffStatus status, std::string_view changed_on,
                 std::string national_id = "", std::string_view unit = "社會救助科") {
    DsStaff s;
    s.id = next_id_++;
    s.account = S(account);
    s.status = status;
    s.changed_on = changed_on.empty() ? kNoDate : D(changed_on);
    s.national_id = std::move(national_id);
    s.unit = S(unit);
    s.name = "王小明";
    ds_.staff.push_back(s);
    ds_.has_roster = true;
    return ds_.staff.back();
  }
  void WorkDay(std::string_view date, bool work) {
    ds_.calendar[D(date)] = work;
    ds_.has_calendar = true;
  }

  // Finishes what the store would fill: order, context start, IP flag, last query times.
  Dataset Build(int window_days = 30) {
    Dataset out = ds_;
    std::sort(out.queries.begin(), out.queries.end(), [](const DsQuery& a, const DsQuery& b) {
      return a.time != b.time ? a.time < b.time : a.id < b.id;
    });
    out.context_start = out.period.start() - static_cast<LocalTime>(window_days) * kSecondsPerDay;
    for (const DsQuery& q : out.queries) {
      if (out.InPeriod(q) && q.source_ip != kNoSym) out.has_source_ip = true;
      if (q.time < out.period.end()) {
        auto [it, inserted] = out.last_query_time.emplace(q.account, q.time);
        if (!inserted) it->second = std::max(it->second, q.time);
      }
    }
    return out;
  }

 private:
  Dataset ds_;
  int64_t next_id_ = 1;
};

}  // namespace liaudit::rules::testing
