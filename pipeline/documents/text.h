// Internal to pipeline/documents: small helpers the builders share.
#pragma once
#include <string>
#include <vector>

#include "documents/documents.h"

namespace liaudit::documents {

inline const Person* Find(const People& people, const std::string& account) {
  auto it = people.find(account);
  return it != people.end() ? &it->second : nullptr;
}

inline std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += sep;
    s += v[i];
  }
  return s;
}

// "115年7月1日至115年9月30日"
inline std::string PeriodText(Date from, Date to) { return FormatRocDate(from) + "至" + FormatRocDate(to); }

}  // namespace liaudit::documents
