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

// Base letters of U+00C0-U+00FF and U+0100-U+017F whose canonical decomposition is a letter
// and one combining mark ('.' = none: Æ, Ð, Ø, Þ, ß, Đ, Ħ, ı, Ĳ, Ł, Œ...).
constexpr char kLatin1Base[] = "AAAAAA.CEEEEIIII.NOOOOO..UUUUY..aaaaaa.ceeeeiiii.nooooo..uuuuy.y";
constexpr char kLatinExtABase[] =
    "AaAaAaCcCcCcCcDd..EeEeEeEeEeGgGgGgGgHh..IiIiIiIiI...JjKk.LlLlLl....NnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTt.."
    "UuUuUuUuUuUuWwYyYZzZzZz.";
static_assert(sizeof kLatin1Base == 64 + 1 && sizeof kLatinExtABase == 128 + 1, "one entry per code point");

bool IsCombiningMark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

}  // namespace

std::string FileNameKey(const std::string& name) {
  // Full-width ASCII (Ａ, ａ, １) first, as the half-width letters they stand for.
  const std::string half = ToHalfWidth(name);
  std::string key;
  key.reserve(half.size());
  for (size_t i = 0; i < half.size();) {
    const unsigned char c = static_cast<unsigned char>(half[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > half.size() ||
        FindInvalidUtf8(std::string_view(half).substr(i, len)) != std::string::npos) {
      key.push_back(half[i++]);  // Clean() has replaced such bytes already; kept as they are
      continue;
    }
    size_t j = i;
    char32_t cp = NextCodePoint(half, &j);
    i = j;
    if (IsCombiningMark(cp)) continue;  // e + U+0301 (NFD) is é (NFC) is e
    if (cp >= 0xC0 && cp <= 0xFF && kLatin1Base[cp - 0xC0] != '.')
      cp = static_cast<unsigned char>(kLatin1Base[cp - 0xC0]);
    else if (cp >= 0x100 && cp <= 0x17F && kLatinExtABase[cp - 0x100] != '.')
      cp = static_cast<unsigned char>(kLatinExtABase[cp - 0x100]);
    if (cp >= 'A' && cp <= 'Z') cp += 0x20;
    else if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
             (cp >= 0x410 && cp <= 0x42F))
      cp += 0x20;  // Latin-1, Greek and Cyrillic capitals (NTFS and APFS fold these too)
    else if (cp >= 0x400 && cp <= 0x40F)
      cp += 0x50;
    if (cp >= 0xAC00 && cp <= 0xD7A3) {
      // A precomposed Hangul syllable as its conjoining jamo (its NFD form), algorithmically.
      const char32_t s_index = cp - 0xAC00;
      AppendUtf8(&key, 0x1100 + s_index / 588);
      AppendUtf8(&key, 0x1161 + (s_index % 588) / 28);
      if (s_index % 28) AppendUtf8(&key, 0x11A7 + s_index % 28);
      continue;
    }
    AppendUtf8(&key, cp);
  }
  return key;
}

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
  if (taken_.count(FileNameKey(name))) {
    // Another value of this folder has this name already, or one the same but for case, width
    // or Unicode normalisation (FileNameKey).
    clean = CutUtf8(clean, room - hash.size() - 8);
    changed = true;
    name = prefix + clean + hash + extension;
    // The same value twice (the caller's own duplicate): numbered, never overwritten.
    for (int n = 2; taken_.count(FileNameKey(name)); ++n)
      name = prefix + clean + hash + "-" + std::to_string(n) + extension;
  }
  taken_.insert(FileNameKey(name));
  if (changed) renamed_[name] = value;
  return name;
}

}  // namespace liaudit::jobs
