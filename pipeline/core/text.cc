#include "core/text.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace liaudit {
namespace {

bool IsAsciiSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
const std::string_view kIdeoSpace = "\xE3\x80\x80";

}  // namespace

namespace {

// The code point of the two- or three-byte sequence at s[i], or 0 when there is none.
char32_t SpaceCandidate(std::string_view s, size_t i, size_t len) {
  if (i + len > s.size()) return 0;
  const unsigned char c0 = static_cast<unsigned char>(s[i]);
  if (len == 2 && c0 != 0xC2) return 0;
  if (len == 3 && c0 != 0xE2 && c0 != 0xE3 && c0 != 0xEF) return 0;
  char32_t cp = c0 & (len == 2 ? 0x1F : 0x0F);
  for (size_t k = 1; k < len; ++k) {
    const unsigned char c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  return cp;
}

bool IsSpaceLike(char32_t cp) {
  return cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x202F || cp == 0x205F || cp == 0x2060 ||
         cp == 0x3000 || cp == 0xFEFF;
}

}  // namespace

size_t SpaceAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (IsAsciiSpace(static_cast<unsigned char>(s[i]))) return 1;
  for (size_t len : {size_t{2}, size_t{3}})
    if (IsSpaceLike(SpaceCandidate(s, i, len))) return len;
  return 0;
}

size_t SpaceBefore(std::string_view s, size_t end) {
  if (end == 0 || end > s.size()) return 0;
  if (IsAsciiSpace(static_cast<unsigned char>(s[end - 1]))) return 1;
  for (size_t len : {size_t{2}, size_t{3}})
    if (end >= len && IsSpaceLike(SpaceCandidate(s, end - len, len))) return len;
  return 0;
}

std::string_view Trim(std::string_view s) {
  while (size_t n = SpaceAt(s, 0)) s.remove_prefix(n);
  while (size_t n = SpaceBefore(s, s.size())) s.remove_suffix(n);
  return s;
}

std::string RemoveSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (size_t n = SpaceAt(s, i)) {
      i += n;
      continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string ToHalfWidth(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    // U+FF01..U+FF5E is EF BC 81..EF BD 9E
    if (c == 0xEF && i + 2 < s.size()) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]), c2 = static_cast<unsigned char>(s[i + 2]);
      if ((c1 == 0xBC && c2 >= 0x81 && c2 <= 0xBF) || (c1 == 0xBD && c2 >= 0x80 && c2 <= 0x9E)) {
        unsigned cp = 0xFF00u + ((c1 & 0x03u) << 6) + (c2 & 0x3Fu);
        out.push_back(static_cast<char>(cp - 0xFEE0u));
        i += 3;
        continue;
      }
    }
    if (s.substr(i, 3) == kIdeoSpace) {
      out.push_back(' ');
      i += 3;
      continue;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string o(s);
  for (char& c : o)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return o;
}

std::string AsciiLower(std::string_view s) {
  std::string o(s);
  for (char& c : o)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return o;
}

std::string NormalizeCode(std::string_view s) {
  std::string h = ToHalfWidth(Trim(s));
  return std::string(Trim(h));
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string_view t = Trim(cur);
    if (!t.empty()) out.emplace_back(t);
    cur.clear();
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ';' || c == ',') {
      flush();
      ++i;
      continue;
    }
    if (size_t n = SpaceAt(s, i)) {  // any space, the no-break and zero-width ones too
      flush();
      i += n;
      continue;
    }
    std::string_view three = s.substr(i, 3);
    // 、 U+3001, ； U+FF1B, ， U+FF0C
    if (three == "\xE3\x80\x81" || three == "\xEF\xBC\x9B" || three == "\xEF\xBC\x8C") {
      flush();
      i += 3;
      continue;
    }
    cur.push_back(static_cast<char>(c));
    ++i;
  }
  flush();
  return out;
}

size_t FindInvalidUtf8(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    char32_t min;
    if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; }
    else return i;
    if (i + len > n) return i;
    char32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

char32_t NextCodePoint(std::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  char32_t cp = len == 1 ? c : (c & (0x7F >> len));
  for (size_t k = 1; k < len && *i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += len;
  return cp;
}

void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::vector<char32_t> ToCodePoints(std::string_view s) {
  std::vector<char32_t> v;
  for (size_t i = 0; i < s.size();) v.push_back(NextCodePoint(s, &i));
  return v;
}

int DisplayWidth(std::string_view s) {
  int w = 0;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, &i);
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xE000 && cp <= 0xF8FF) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
                (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    w += wide ? 2 : 1;
  }
  return w;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  const std::vector<char32_t> x = ToCodePoints(a), y = ToCodePoints(b);
  std::vector<size_t> row(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= y.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[y.size()];
}

std::string EscapeControls(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
      ++i;
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size() || FindInvalidUtf8(s.substr(i, len)) != std::string_view::npos) {
      out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
      ++i;
      continue;
    }
    size_t j = i;
    const char32_t cp = NextCodePoint(s, &j);
    if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 15]);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool Contains(std::string_view s, std::string_view n) { return s.find(n) != std::string_view::npos; }

void CanonicalIpInPlace(std::string* ip) {
  if (ip->find(':') == std::string::npos || ip->size() >= INET6_ADDRSTRLEN) return;
  unsigned char a[16];
  if (inet_pton(AF_INET6, ip->c_str(), a) != 1) return;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char buf[INET6_ADDRSTRLEN];
  const bool mapped = std::memcmp(a, kMapped, sizeof kMapped) == 0;
  if (inet_ntop(mapped ? AF_INET : AF_INET6, mapped ? a + 12 : a, buf, sizeof buf) != nullptr) ip->assign(buf);
}

}  // namespace liaudit
