#include "pdf_tools.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace liaudit::reports::testtools {

std::string Run(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  if (rc) *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

namespace {
// Removes white space (and U+3000); with keep_ff, form feeds (page breaks) stay.
std::string Squeeze(const std::string& t, bool keep_ff) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (c == '\f' && keep_ff) {
      out += '\f';
      continue;
    }
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
}  // namespace

std::string Text(const std::string& pdf, int page) {
  std::string range = page > 0 ? " -f " + std::to_string(page) + " -l " + std::to_string(page) : "";
  return Squeeze(Run("pdftotext -enc UTF-8" + range + " '" + pdf + "' - 2>/dev/null"), false);
}

std::vector<std::string> PageTexts(const std::string& pdf) {
  const std::string all = Squeeze(Run("pdftotext -enc UTF-8 '" + pdf + "' - 2>/dev/null"), true);
  std::vector<std::string> pages;
  size_t start = 0;
  for (size_t ff; (ff = all.find('\f', start)) != std::string::npos; start = ff + 1)
    pages.push_back(all.substr(start, ff - start));
  return pages;
}

int Pages(const std::string& pdf) {
  const std::string info = Run("pdfinfo '" + pdf + "' 2>/dev/null");
  const size_t p = info.find("Pages:");
  return p == std::string::npos ? -1 : std::atoi(info.c_str() + p + 6);
}

int QpdfCheck(const std::string& pdf, std::string* out) {
  int rc = -1;
  *out = Run("qpdf --check '" + pdf + "' 2>&1", &rc);
  return rc;
}

bool AllFontsEmbeddedSubset(const std::string& pdf, std::string* listing) {
  *listing = Run("pdffonts '" + pdf + "' 2>&1");
  std::istringstream in(*listing);
  std::string line;
  bool body = false;
  int fonts = 0;
  while (std::getline(in, line)) {
    if (!body) {
      body = line.rfind("-----", 0) == 0;
      continue;
    }
    if (line.empty()) continue;
    ++fonts;
    if (line.size() < 8 || line[6] != '+') return false;
    if (line.find("yes yes yes") == std::string::npos) return false;
  }
  return fonts > 0;
}

std::vector<std::string> Outlines(const std::string& pdf) {
  std::vector<std::string> titles;
  const std::string js = Run("qpdf --json --json-key=outlines '" + pdf + "' 2>/dev/null");
  auto doc = nlohmann::json::parse(js, nullptr, false);
  if (doc.is_discarded() || !doc.contains("outlines")) return titles;
  std::vector<const nlohmann::json*> stack;
  for (auto it = doc["outlines"].rbegin(); it != doc["outlines"].rend(); ++it) stack.push_back(&*it);
  while (!stack.empty()) {
    const nlohmann::json* o = stack.back();
    stack.pop_back();
    titles.push_back(o->value("title", ""));
    if (o->contains("kids"))
      for (auto it = (*o)["kids"].rbegin(); it != (*o)["kids"].rend(); ++it) stack.push_back(&*it);
  }
  return titles;
}

long CountPixels(const std::string& pdf, int page, int dpi, int r, int g, int b, int tol) {
  const std::string ppm = Run("pdftoppm -r " + std::to_string(dpi) + " -f " + std::to_string(page) + " -l " +
                              std::to_string(page) + " '" + pdf + "' 2>/dev/null");
  // Binary PPM: "P6\n<w> <h>\n255\n" then RGB triples.
  std::istringstream in(ppm);
  std::string magic;
  int w = 0, h = 0, maxv = 0;
  in >> magic >> w >> h >> maxv;
  if (magic != "P6" || w <= 0 || h <= 0) return -1;
  in.get();
  const size_t start = static_cast<size_t>(in.tellg());
  long count = 0;
  for (size_t i = start; i + 2 < ppm.size(); i += 3) {
    const int pr = static_cast<unsigned char>(ppm[i]), pg = static_cast<unsigned char>(ppm[i + 1]),
              pb = static_cast<unsigned char>(ppm[i + 2]);
    if (std::abs(pr - r) <= tol && std::abs(pg - g) <= tol && std::abs(pb - b) <= tol) ++count;
  }
  return count;
}

}  // namespace liaudit::reports::testtools
