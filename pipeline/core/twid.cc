#include "core/twid.h"

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
