#include "reports/report_text.h"

#include <cctype>
#include <fstream>
#include <map>

#include "core/text.h"

namespace liaudit::reports {

Status LoadReportText(const std::string& path, ReportText* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::OK();  // no file: the built-in wording
  const std::map<std::string, std::string*> fields = {
      {"exceptions_title", &text->exceptions_title}, {"exceptions_note", &text->exceptions_note},
      {"review_title", &text->review_title},         {"review_basis", &text->review_basis},
      {"review_privacy_note", &text->review_privacy_note}, {"comparison_note", &text->comparison_note},
      {"followup_note", &text->followup_note},       {"stamp_heading", &text->stamp_heading},
      {"stamp_title", &text->stamp_title},
      {"review_workbook_title", &text->review_workbook_title},
      {"evidence_workbook_title", &text->evidence_workbook_title},
  };
  std::string line;
  long no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // BOM from Notepad
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (FindInvalidUtf8(line) != std::string::npos)
      return Status::AtInput(path, no, static_cast<long>(FindInvalidUtf8(line)) + 1, "invalid UTF-8");
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size() || line[i] == '#') continue;
    const size_t key_start = i;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_')) ++i;
    const std::string key = line.substr(key_start, i - key_start);
    auto it = fields.find(key);
    if (it == fields.end())
      return Status::AtInput(path, no, static_cast<long>(key_start) + 1, "unknown key '" + key + "'");
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size() || line[i] != '=')
      return Status::AtInput(path, no, static_cast<long>(i) + 1, "expected '=' after " + key);
    ++i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size() || line[i] != '"')
      return Status::AtInput(path, no, static_cast<long>(i) + 1, "expected a \"quoted\" value");
    std::string value;
    bool closed = false;
    for (++i; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        const char e = line[++i];
        if (e == 'n') value += '\n';
        else if (e == '"' || e == '\\') value += e;
        else return Status::AtInput(path, no, static_cast<long>(i), std::string("unknown escape \\") + e);
      } else if (line[i] == '"') {
        closed = true;
        ++i;
        break;
      } else {
        value += line[i];
      }
    }
    if (!closed) return Status::AtInput(path, no, static_cast<long>(line.size()) + 1, "unterminated string");
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] != '#')
      return Status::AtInput(path, no, static_cast<long>(i) + 1, "unexpected text after the value");
    *it->second = value;
  }
  return Status::OK();
}

}  // namespace liaudit::reports
