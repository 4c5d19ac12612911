// R07's vocabulary: the recognised legal bases a 查調事由 must name.
#include <fstream>
#include <string>
#include <vector>

#include "core/text.h"
#include "rules/engine.h"

namespace liaudit::rules {

std::vector<std::string> DefaultLegalBases() {
  return {"社會救助法",
          "老人福利法",
          "身心障礙者權益保障法",
          "兒童及少年福利與權益保障法",
          "特殊境遇家庭扶助條例",
          "國民年金法",
          "家庭暴力防治法",
          "長期照顧服務法",
          "中低收入老人生活津貼發給辦法",
          "弱勢兒童及少年生活扶助與醫療補助辦法",
          "身心障礙者生活補助費發給辦法",
          "老年農民福利津貼暫行條例",
          "個人資料保護法"};
}

namespace {

// Clerks type "社會救助法 第15條" as well as "社會 救助法" or with full-width spaces;
// white space never changes which law is cited, so it is removed before matching.
std::string WithoutSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80) {  // U+3000
      i += 2;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

bool CitesLegalBasis(std::string_view reason, const std::vector<std::string>& bases) {
  return internal::CitesCleaned(reason, internal::CleanBases(bases));
}

namespace internal {

std::vector<std::string> CleanBases(const std::vector<std::string>& bases) {
  std::vector<std::string> out;
  for (const std::string& b : bases) {
    std::string nb = WithoutSpaces(b);
    if (!nb.empty()) out.push_back(std::move(nb));
  }
  return out;
}

bool CitesCleaned(std::string_view reason, const std::vector<std::string>& cleaned) {
  // Most reasons have no spaces: search them in place, without a copy.
  bool spaced = reason.find_first_of(" \t\r\n") != std::string_view::npos ||
                reason.find("\xE3\x80\x80") != std::string_view::npos;
  std::string copy;
  if (spaced) {
    copy = WithoutSpaces(reason);
    reason = copy;
  }
  for (const std::string& b : cleaned) {
    if (reason.find(b) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace internal

Status LoadLegalBases(const std::string& path, std::vector<std::string>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot open the legal-bases list");
  std::vector<std::string> bases;
  std::string line;
  long lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string_view v(line);
    if (lineno == 1 && StartsWith(v, "\xEF\xBB\xBF")) v.remove_prefix(3);
    if (FindInvalidUtf8(v) != std::string_view::npos) {
      return Status::AtInput(path, lineno, 1, "not valid UTF-8");
    }
    v = Trim(v);
    if (v.empty() || v.front() == '#') continue;
    bases.emplace_back(v);
  }
  if (in.bad()) return Status::IoError(path + ": read error");
  *out = std::move(bases);
  return Status::OK();
}

}  // namespace liaudit::rules
