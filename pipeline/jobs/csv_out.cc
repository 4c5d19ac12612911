#include "jobs/csv_out.h"

#include "core/datetime.h"
#include "core/twid.h"
#include "jobs/log.h"

namespace liaudit::jobs {
namespace {
const char kBom[] = "\xEF\xBB\xBF";
}

bool StartsLikeFormula(std::string_view s) {
  if (s.empty()) return false;
  if (s[0] == '\t' || s[0] == '\r') return true;
  // A formula character after leading spaces or quotes: spreadsheets strip the quotes of a
  // field ("=1+1" in a tab-separated paste) and some trim spaces before evaluating.
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '"' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  if (i >= s.size()) return false;
  switch (s[i]) {
    case '=': case '+': case '-': case '@': return true;
    default: return false;
  }
}

std::string CsvField(const std::string& s) {
  // OWASP "CSV injection": a field a spreadsheet would take for a formula gets a leading
  // apostrophe inside a quoted field, so Excel and LibreOffice show it as text.
  const bool formula = StartsLikeFormula(s);
  if (!formula && s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = formula ? "\"'" : "\"";
  for (char c : s) {
    if (c == '"') q += "\"\"";
    else q.push_back(c);
  }
  q += "\"";
  return q;
}

std::string ListField(std::string_view s) {
  std::string out = LogSafe(s);
  // After escaping, a leading tab or CR is "\t" or "\r". A leading '"' is neutralised
  // whatever follows: a spreadsheet reading the listing strips a field's quotes.
  if (StartsLikeFormula(out) || (!out.empty() && out[0] == '"')) out.insert(0, "'");
  return out;
}

std::string FindingsCsv(const std::vector<Finding>& findings, const std::string& id_mask) {
  std::string out = kBom;
  out += "rule_id,severity,account,query_time,txn_id,service_code,subject_id,reg_no,request_no,date,detail,key\r\n";
  for (const Finding& f : findings) {
    const std::string fields[] = {
        f.rule_id,
        SeverityName(f.severity),
        f.account,
        f.query_time == kNoTime ? std::string() : FormatIsoTime(f.query_time),
        f.txn_id,
        f.service_code,
        f.subject_id.empty() ? std::string() : MaskId(f.subject_id, id_mask),
        f.reg_no,
        f.request_no,
        f.date == kNoDate ? std::string() : FormatIsoDate(f.date),
        f.detail,
        f.key,
    };
    for (size_t i = 0; i < std::size(fields); ++i) {
      if (i) out.push_back(',');
      out += CsvField(fields[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string RejectsCsv(const std::vector<Reject>& rejects, const std::string& id_mask) {
  std::string out = kBom;
  out += "file,line,column,reason,raw\r\n";
  for (const Reject& r : rejects) {
    out += CsvField(MaskIdsInText(r.file, id_mask)) + "," + std::to_string(r.line) + "," + std::to_string(r.column) +
           "," + CsvField(MaskIdsInText(r.reason, id_mask)) + "," + CsvField(MaskIdsInText(r.raw, id_mask)) + "\r\n";
  }
  return out;
}

}  // namespace liaudit::jobs
