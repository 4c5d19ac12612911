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
  int bits = 1;
  while (bits < 30 && (size_t{1} << bits) < by_key_.size()) ++bits;
  shift_ = 64 - bits;
  bucket_.assign((size_t{1} << bits) + 1, 0);
  size_t pos = 0;
  for (size_t b = 0; b < (size_t{1} << bits); ++b) {
    while (pos < by_key_.size() && (by_key_[pos].first >> shift_) < b) ++pos;
    bucket_[b] = static_cast<uint32_t>(pos);
  }
  bucket_.back() = static_cast<uint32_t>(by_key_.size());
}

template <typename F>
void RegistrationIndex::ForEachMatch(const DsQuery& q, F&& f) const {
  if (q.time == kNoTime) return;
  const uint64_t h = KeyHash(q.account, q.subject_id);
  const size_t b = static_cast<size_t>(h >> shift_);
  auto it = by_key_.begin() + bucket_[b];
  const auto end = by_key_.begin() + bucket_[b + 1];
  while (it != end && it->first < h) ++it;
  const Date d = DateOf(q.time);
  for (; it != end && it->first == h; ++it) {
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
