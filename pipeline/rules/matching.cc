// Registration matching. A quarter can hold a million registrations, so the index is
// one sorted vector of (hash, index) pairs (16 bytes a registration) instead of a map
// of strings to vectors; lookups are a binary search plus field comparisons.
#include <algorithm>
#include <functional>
#include <string_view>

#include "rules/rules.h"

namespace liaudit::rules {

namespace {

uint64_t KeyHash(Sym account, std::string_view subject) {
  uint64_t h = std::hash<std::string_view>{}(subject);
  return h ^ (static_cast<uint64_t>(account) * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL);
}

}  // namespace

RegistrationIndex::RegistrationIndex(const Dataset& ds, int registration_window_days)
    : ds_(ds), window_(registration_window_days) {
  by_key_.reserve(ds.registrations.size());
  for (size_t i = 0; i < ds.registrations.size(); ++i) {
    const DsRegistration& r = ds.registrations[i];
    if (r.applied_on == kNoDate) continue;  // no window: can never match
    by_key_.emplace_back(KeyHash(r.account, r.subject_id), static_cast<uint32_t>(i));
  }
  std::sort(by_key_.begin(), by_key_.end());
}

template <typename F>
void RegistrationIndex::ForEachMatch(const DsQuery& q, F&& f) const {
  if (q.time == kNoTime) return;
  const uint64_t h = KeyHash(q.account, q.subject_id);
  auto it = std::lower_bound(by_key_.begin(), by_key_.end(), std::make_pair(h, uint32_t{0}));
  const Date d = DateOf(q.time);
  for (; it != by_key_.end() && it->first == h; ++it) {
    const DsRegistration& r = ds_.registrations[it->second];
    if (r.account != q.account || r.subject_id != q.subject_id) continue;
    if (d < r.applied_on || d > r.applied_on + window_) continue;
    if (std::find(r.items.begin(), r.items.end(), q.service) == r.items.end()) continue;
    if (!f(it->second)) return;
  }
}

void RegistrationIndex::Matches(const DsQuery& q, std::vector<uint32_t>* out) const {
  out->clear();
  ForEachMatch(q, [out](uint32_t i) {
    out->push_back(i);
    return true;
  });
}

bool RegistrationIndex::HasMatch(const DsQuery& q) const {
  bool found = false;
  ForEachMatch(q, [&found](uint32_t) {
    found = true;
    return false;
  });
  return found;
}

}  // namespace liaudit::rules
