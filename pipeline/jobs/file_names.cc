#include "jobs/file_names.h"

#include <cstring>

#include "core/text.h"
#include "jobs/job_folder.h"

namespace liaudit::jobs {
namespace {

// One cleaned character per code point; invalid bytes one '_' each.
std::string Clean(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size();) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x80) {
      const bool bad = c < 0x20 || c == 0x7F || std::strchr("/\\:*?\"<>|", static_cast<char>(c)) != nullptr;
      out.push_back(bad ? '_' : static_cast<char>(c));
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > v.size() || FindInvalidUtf8(std::string_view(v).substr(i, len)) != std::string::npos) {
      out.push_back('_');
      ++i;
      continue;
    }
    size_t j = i;
    const char32_t cp = NextCodePoint(v, &j);
    // C1 controls and the bidirectional overrides that make a name read differently.
    if (cp < 0xA0 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) out.push_back('_');
    else out.append(v, i, len);
    i += len;
  }
  for (size_t k = out.size(); k > 0 && (out[k - 1] == '.' || out[k - 1] == ' '); --k) out[k - 1] = '_';
  if (out.empty()) out = "_";
  return out;
}

// The longest prefix of s of at most `max` bytes that ends on a character boundary.
std::string CutUtf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::string FileNamer::Name(const std::string& prefix, const std::string& value, const std::string& extension) {
  const std::string hash = "-" + Sha256OfString(value).substr(0, 8);
  std::string clean = Clean(value);
  const size_t room = kMaxFileNameBytes - prefix.size() - extension.size();
  bool changed = clean != value;
  if (clean.size() > room) {
    clean = CutUtf8(clean, room - hash.size());
    changed = true;
  }
  std::string name = prefix + clean + (changed ? hash : std::string()) + extension;
  if (taken_.count(AsciiLower(name))) {
    // Another value of this folder has this name already, or one differing only in case.
    clean = CutUtf8(clean, room - hash.size() - 8);
    changed = true;
    name = prefix + clean + hash + extension;
    // The same value twice (the caller's own duplicate): numbered, never overwritten.
    for (int n = 2; taken_.count(AsciiLower(name)); ++n)
      name = prefix + clean + hash + "-" + std::to_string(n) + extension;
  }
  taken_.insert(AsciiLower(name));
  if (changed) renamed_[name] = value;
  return name;
}

}  // namespace liaudit::jobs
