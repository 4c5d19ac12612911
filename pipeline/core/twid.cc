#include "core/twid.h"

#include <vector>

#include "core/text.h"

namespace liaudit {
namespace {

// Letter codes A=10 ... in the official order; index in this string + 10.
const char kLetters[] = "ABCDEFGHJKLMNPQRSTUVXYWZIO";

int LetterCode(char c) {
  for (int i = 0; kLetters[i]; ++i)
    if (kLetters[i] == c) return i + 10;
  return -1;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

IdKind ClassifyId(std::string_view id) {
  if (id.size() != 10) return IdKind::kInvalid;
  int first = LetterCode(id[0]);
  if (first < 0) return IdKind::kInvalid;
  for (size_t i = 2; i < 10; ++i)
    if (!IsDigit(id[i])) return IdKind::kInvalid;

  IdKind kind;
  int second;
  if (id[1] == '1' || id[1] == '2') {
    kind = IdKind::kNationalId;
    second = id[1] - '0';
  } else if (id[1] == '8' || id[1] == '9') {
    kind = IdKind::kNewResidentId;
    second = id[1] - '0';
  } else if (id[1] >= 'A' && id[1] <= 'D') {
    kind = IdKind::kOldResidentId;
    second = LetterCode(id[1]) % 10;  // the second letter's code contributes its last digit
  } else {
    return IdKind::kInvalid;
  }
  // Weights 1,9 on the two digits of the letter code, then 8..1 on positions 2..9, 1 on the check.
  int sum = (first / 10) * 1 + (first % 10) * 9 + second * 8;
  static const int kW[] = {7, 6, 5, 4, 3, 2, 1, 1};
  for (size_t i = 2; i < 10; ++i) sum += (id[i] - '0') * kW[i - 2];
  return sum % 10 == 0 ? kind : IdKind::kInvalid;
}

std::string MaskId(std::string_view id, std::string_view pattern) {
  if (pattern.empty()) return std::string(id);
  // Position counts code points, so a malformed ID with non-ASCII characters stays valid UTF-8.
  size_t n = 0;
  for (size_t i = 0; i < id.size(); ++n) NextCodePoint(id, &i);
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < id.size(); ++pos) {
    size_t start = i;
    NextCodePoint(id, &i);
    // A value no longer than the pattern meets it right-aligned (position pos meets
    // pattern[pos - (n - pattern.size())]); a longer one (two IDs in one cell, an ID with
    // junk) meets it left-aligned and is masked past its end, so no whole ID shows.
    char rule;
    if (n > pattern.size()) {
      rule = pos < pattern.size() ? pattern[pos] : '*';
    } else {
      rule = pattern[pos + pattern.size() - n];
    }
    if (rule != '*') out.append(id.substr(start, i - start));
    else out.push_back('*');
  }
  return out;
}

namespace {

// A run of this many lower-case hexadecimal digits or more is a digest the program prints
// (SHA-1 has 40, SHA-256 64), never an ID someone typed.
constexpr size_t kMinDigestRun = 40;

// Characters that show as nothing: an ID with one inside still reads as the ID.
bool IsZeroWidth(char32_t c) {
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD;
}

// for_log: the log and terminal rule (MaskIdsForLog): digests kept, and an ID glued to a
// letter or digit before it is masked too.
std::string MaskIds(std::string_view text, std::string_view pattern, bool for_log) {
  if (pattern.empty()) return std::string(text);
  const bool keep_digests = for_log;
  // Each code point with its byte range and its half-width ASCII fold ('\0' for others).
  // Zero-width characters are left out (their bytes stay in the text, inside the ID's range
  // when they split one, so they are masked with it).
  struct Cp {
    size_t begin, end;
    char ascii;
    bool in_digest;  // inside a run of kMinDigestRun lower-case hex digits (keep_digests)
    bool after_zw;   // a zero-width character stands right before it
  };
  std::vector<Cp> cps;
  bool zw = false;
  for (size_t i = 0; i < text.size();) {
    const size_t begin = i;
    char32_t c = NextCodePoint(text, &i);
    if (IsZeroWidth(c)) {
      zw = true;
      continue;
    }
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width forms (inputs.md: folded on ingest)
    char a = c < 0x80 ? static_cast<char>(c) : '\0';
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    cps.push_back({begin, i, a, false, zw});
    zw = false;
  }
  if (keep_digests) {
    auto hex = [&](size_t k) {
      const char c = text[cps[k].begin];
      return cps[k].end - cps[k].begin == 1 && (IsDigit(c) || (c >= 'a' && c <= 'f'));
    };
    for (size_t k = 0; k < cps.size();) {
      size_t e = k;
      while (e < cps.size() && hex(e)) ++e;
      if (e - k >= kMinDigestRun)
        for (size_t j = k; j < e; ++j) cps[j].in_digest = true;
      k = e == k ? k + 1 : e;
    }
  }
  auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto alnum = [&](char c) { return letter(c) || IsDigit(c); };
  std::string out;
  size_t copied = 0;  // bytes of text already in out
  for (size_t k = 0; k + 10 <= cps.size(); ++k) {
    // Outside logs a letter or digit right before means the run is part of a longer token
    // (a word, a code); the log masks it anyway (IDA123456789, 9B123456789).
    const bool glued = k > 0 && alnum(cps[k - 1].ascii) && !cps[k].after_zw;
    if (!letter(cps[k].ascii) || (glued && !for_log) || cps[k].in_digest) continue;
    const char second = cps[k + 1].ascii;
    if (!IsDigit(second) && !(second >= 'A' && second <= 'D')) continue;
    bool digits = true;
    for (size_t j = k + 2; j < k + 10 && digits; ++j) digits = IsDigit(cps[j].ascii);
    if (!digits || (k + 10 < cps.size() && IsDigit(cps[k + 10].ascii))) continue;
    const size_t b = cps[k].begin, e = cps[k + 9].end;
    out.append(text.substr(copied, b - copied));
    out += MaskId(text.substr(b, e - b), pattern);
    copied = e;
    k += 9;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace

std::string MaskIdsInText(std::string_view text, std::string_view pattern) { return MaskIds(text, pattern, false); }

std::string MaskIdsForLog(std::string_view text) { return MaskIds(text, "XXXXXX****", true); }

std::string LogSafeId(std::string_view id) {
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < id.size(); ++pos) {
    size_t start = i;
    NextCodePoint(id, &i);
    if (pos < 2) out.append(id.substr(start, i - start));
    else out.push_back('*');
  }
  return out;
}

}  // namespace liaudit
