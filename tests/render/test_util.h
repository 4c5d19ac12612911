// Helpers for the render and forms tests: run the poppler/qpdf tools on a PDF.
#pragma once
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace liaudit::testing {

// Runs a shell command, returns its stdout; *rc gets the exit status.
inline std::string Run(const std::string& cmd, int* rc = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (rc) *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// Removes all white space, including U+3000 (poppler may turn it into a space or keep it).
inline std::string NoSpace(const std::string& t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') continue;
    if (c == 0xE3 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
        static_cast<unsigned char>(t[i + 2]) == 0x80) {
      i += 2;
      continue;
    }
    out += t[i];
  }
  return out;
}

// pdftotext output without white space.
inline std::string TextOf(const std::string& pdf) {
  return NoSpace(Run("pdftotext -enc UTF-8 '" + pdf + "' - 2>/dev/null"));
}

inline int PageCount(const std::string& pdf) {
  std::string info = Run("pdfinfo '" + pdf + "' 2>/dev/null");
  size_t p = info.find("Pages:");
  if (p == std::string::npos) return -1;
  return std::stoi(info.substr(p + 6));
}

// qpdf --check exit status (0 = clean; 3 = warnings).
inline int QpdfCheck(const std::string& pdf, std::string* out = nullptr) {
  int rc = -1;
  std::string o = Run("qpdf --check '" + pdf + "' 2>&1", &rc);
  if (out) *out = o;
  return rc;
}

// True when pdffonts lists at least one font and every font is embedded and subset.
inline bool AllFontsEmbeddedSubset(const std::string& pdf, std::string* listing = nullptr) {
  std::string o = Run("pdffonts '" + pdf + "' 2>&1");
  if (listing) *listing = o;
  size_t pos = o.find("-----");
  if (pos == std::string::npos) return false;
  pos = o.find('\n', pos);
  int fonts = 0;
  while (pos != std::string::npos && pos + 1 < o.size()) {
    size_t e = o.find('\n', pos + 1);
    std::string line = o.substr(pos + 1, e == std::string::npos ? std::string::npos : e - pos - 1);
    pos = e;
    if (line.empty()) continue;
    ++fonts;
    // name type encoding emb sub uni object ID: the name has the ABCDEF+ prefix,
    // and the emb/sub/uni columns read "yes yes yes".
    if (line.size() < 8 || line[6] != '+') return false;
    if (line.find("yes yes yes") == std::string::npos) return false;
  }
  return fonts > 0;
}

// Page images against reviewed goldens (tests/data/render/golden/NAME-N.png, compared by
// compare_png.py), so a wrong glyph or a moved grid line fails even when the text extracts
// correctly. LIAUDIT_UPDATE_GOLDEN=1 rewrites them (look at them before committing).
inline void ExpectMatchesGolden(const std::string& pdf, const std::string& name) {
  const char* upd = std::getenv("LIAUDIT_UPDATE_GOLDEN");
  std::string cmd = "/usr/bin/python3 '" + std::string(LIAUDIT_SOURCE_DIR) + "/tests/render/compare_png.py' '" + pdf +
                    "' '" + std::string(LIAUDIT_TEST_DATA) + "/render/golden' " + name +
                    (upd && *upd == '1' ? " --update" : "") + " 2>&1";
  int rc = -1;
  std::string out = Run(cmd, &rc);
  EXPECT_EQ(rc, 0) << out;
}

// One element of the structure tree as poppler's `pdfinfo -struct-text` prints it, in
// reading order: its type ("Document", "H1", "TH" …), the text of its marked content (the
// quoted lines right under it, joined; "" for an empty element or a grouping one) and its
// depth (0 = the Document element).
struct StructNode {
  std::string type, text;
  int depth = 0;
};
inline std::vector<StructNode> StructTree(const std::string& pdf) {
  std::vector<StructNode> nodes;
  std::istringstream in(Run("pdfinfo -struct-text '" + pdf + "' 2>/dev/null"));
  std::string line;
  while (std::getline(in, line)) {
    size_t ind = line.find_first_not_of(' ');
    if (ind == std::string::npos) continue;
    std::string rest = line.substr(ind);
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
      if (!nodes.empty()) nodes.back().text += rest.substr(1, rest.size() - 2);
      continue;
    }
    nodes.push_back({rest.substr(0, rest.find(' ')), "", static_cast<int>(ind / 2)});
  }
  return nodes;
}
// The texts of the elements of `type`, in reading order.
inline std::vector<std::string> TextsOf(const std::vector<StructNode>& nodes, const std::string& type) {
  std::vector<std::string> out;
  for (const auto& n : nodes)
    if (n.type == type) out.push_back(n.text);
  return out;
}

}  // namespace liaudit::testing
