#include "jobs/file_names.h"

#include "core/digest.h"

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

// Lower case for the letters outside ASCII, Latin-1, the accented Latin Extended-A letters
// (folded to their base below), plain Greek and basic Cyrillic capitals (handled in
// FileNameKey) that case-insensitive file systems fold: NTFS's upcase table and APFS.
char32_t FoldCase(char32_t cp) {
  // Latin Extended-A letters with no accent to strip (Đ Ħ Ĳ Ŀ Ł Ŋ Œ Ŧ ...): capital/small pairs.
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp | 1;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp % 2 ? cp + 1 : cp;
  // Latin Extended-B digraphs: Ǆ ǅ ǆ, Ǉ ǈ ǉ, Ǌ ǋ ǌ, Ǳ ǲ ǳ (capital, title case, small).
  if (cp >= 0x1C4 && cp <= 0x1CC) return 0x1C6 + (cp - 0x1C4) / 3 * 3;
  if (cp >= 0x1F1 && cp <= 0x1F3) return 0x1F3;
  // Greek: capitals with tonos, final sigma.
  switch (cp) {
    case 0x386: return 0x3AC;
    case 0x388: return 0x3AD;
    case 0x389: return 0x3AE;
    case 0x38A: return 0x3AF;
    case 0x38C: return 0x3CC;
    case 0x38E: return 0x3CD;
    case 0x38F: return 0x3CE;
    case 0x3C2: return 0x3C3;
    default: break;
  }
  // Cyrillic extended pairs, Armenian capitals.
  if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) || (cp >= 0x4D0 && cp <= 0x52F)) return cp | 1;
  if (cp >= 0x4C1 && cp <= 0x4CE) return cp % 2 ? cp + 1 : cp;
  if (cp >= 0x531 && cp <= 0x556) return cp + 0x30;
  return cp;
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
    // Invisible characters: 科<ZWSP>科 shows, and is typed, as 科科.
    if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD) continue;
    if (cp >= 0xC0 && cp <= 0xFF && kLatin1Base[cp - 0xC0] != '.')
      cp = static_cast<unsigned char>(kLatin1Base[cp - 0xC0]);
    else if (cp >= 0x100 && cp <= 0x17F && kLatinExtABase[cp - 0x100] != '.')
      cp = static_cast<unsigned char>(kLatinExtABase[cp - 0x100]);
    else if (cp >= 0x100)
      cp = FoldCase(cp);
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
  const std::string hash = "-" + Sha256Hex(value).substr(0, 8);
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
