#include "rules/permissions.h"

#include <algorithm>

#include "core/text.h"
#include "rules/rules.h"

namespace liaudit::rules {
namespace internal {

std::vector<PermState> BuildTimeline(const Dataset& ds, std::vector<uint32_t> rows) {
  std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
    const DsPermission& pa = ds.permissions[a];
    const DsPermission& pb = ds.permissions[b];
    if (pa.effective_on != pb.effective_on) return pa.effective_on < pb.effective_on;
    if (pa.form_no != pb.form_no) return pa.form_no < pb.form_no;
    return pa.id < pb.id;  // same form number twice cannot happen in the store; stay total
  });
  std::vector<PermState> out;
  out.reserve(rows.size());
  std::vector<Sym> items;
  Sym unit = kNoSym;
  for (uint32_t r : rows) {
    const DsPermission& p = ds.permissions[r];
    switch (p.action) {
      case PermissionAction::kGrant:  // adds to what the account already holds
        items.insert(items.end(), p.items.begin(), p.items.end());
        break;
      case PermissionAction::kRevoke:
        items.clear();
        break;
      case PermissionAction::kChangeItems:
      case PermissionAction::kJobChange:
        items = p.items;
        break;
    }
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    items.erase(std::remove(items.begin(), items.end(), kNoSym), items.end());
    if (p.unit != kNoSym) unit = p.unit;
    out.push_back(PermState{p.effective_on, items, unit, r});
  }
  return out;
}

const PermState* StateAt(const std::vector<PermState>& timeline, Date d) {
  auto it = std::upper_bound(timeline.begin(), timeline.end(), d,
                             [](Date v, const PermState& s) { return v < s.from; });
  if (it == timeline.begin()) return nullptr;
  return &*(it - 1);
}

std::vector<std::vector<uint32_t>> ApprovedRowsByAccount(const Dataset& ds) {
  std::vector<std::vector<uint32_t>> by(ds.syms.size());
  for (size_t i = 0; i < ds.permissions.size(); ++i) {
    const DsPermission& p = ds.permissions[i];
    if (p.decision != Decision::kApproved || p.effective_on == kNoDate) continue;
    if (p.account >= by.size()) continue;
    by[p.account].push_back(static_cast<uint32_t>(i));
  }
  return by;
}

}  // namespace internal

namespace {

std::vector<internal::PermState> TimelineOf(const Dataset& ds, Sym account) {
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < ds.permissions.size(); ++i) {
    const DsPermission& p = ds.permissions[i];
    if (p.account == account && p.decision == Decision::kApproved && p.effective_on != kNoDate) {
      rows.push_back(static_cast<uint32_t>(i));
    }
  }
  return internal::BuildTimeline(ds, std::move(rows));
}

}  // namespace

std::vector<Sym> PermissionItemsAt(const Dataset& ds, Sym account, LocalTime t) {
  if (account == kNoSym || t == kNoTime) return {};
  std::vector<internal::PermState> tl = TimelineOf(ds, account);
  const internal::PermState* s = internal::StateAt(tl, DateOf(t));
  return s ? s->items : std::vector<Sym>{};
}

Sym AccountUnitAt(const Dataset& ds, Sym account, LocalTime t) {
  if (account == kNoSym) return kNoSym;
  if (t != kNoTime) {
    std::vector<internal::PermState> tl = TimelineOf(ds, account);
    const internal::PermState* s = internal::StateAt(tl, DateOf(t));
    if (s && s->unit != kNoSym) return s->unit;
  }
  for (const DsStaff& st : ds.staff) {
    if (st.account == account && st.unit != kNoSym) return st.unit;
  }
  return kNoSym;
}

bool AccountInScope(const Dataset& ds, Sym account) {
  if (!ds.period.accounts.empty()) {
    const std::string& name = ds.syms.Name(account);
    bool listed = false;
    for (const std::string& a : ds.period.accounts) {
      if (AsciiLower(NormalizeCode(a)) == name) listed = true;
    }
    if (!listed) return false;
  }
  if (ds.period.unit.empty()) return true;
  Sym unit = ds.syms.Find(ds.period.unit);
  if (unit == kNoSym) return false;
  LocalTime end = ds.period.to == kNoDate ? kNoTime : ds.period.end() - 1;
  std::vector<internal::PermState> tl = TimelineOf(ds, account);
  if (end != kNoTime) {
    const internal::PermState* s = internal::StateAt(tl, DateOf(end));
    if (s && s->unit == unit) return true;
  }
  for (const DsStaff& st : ds.staff) {
    if (st.account == account && st.unit == unit) return true;
  }
  return false;
}

AccountScope::AccountScope(const Dataset& ds)
    : ds_(ds), filtered_(!ds.period.accounts.empty() || !ds.period.unit.empty()) {
  if (filtered_) cache_.assign(ds.syms.size(), -1);
}

bool AccountScope::operator()(Sym account) const {
  if (!filtered_) return true;
  if (account >= cache_.size()) return false;
  if (cache_[account] < 0) cache_[account] = AccountInScope(ds_, account) ? 1 : 0;
  return cache_[account] == 1;
}

bool IsWorkDay(const Dataset& ds, Date d) {
  if (ds.has_calendar) {
    auto it = ds.calendar.find(d);
    if (it != ds.calendar.end()) return it->second;
  }
  int wd = Weekday(d);
  return wd >= 1 && wd <= 5;
}

}  // namespace liaudit::rules
