// The job folder's CSV files (outputs.md): findings.csv and rejects.csv,
// UTF-8 with BOM so Excel shows the Chinese, RFC 4180 quoting, CRLF line ends.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/records.h"
#include "core/status.h"

namespace liaudit::jobs {

// True when a spreadsheet would read `s` as a formula: it begins with = + - @, a tab or a
// carriage return, or with = + - @ after leading spaces, line breaks or double quotes
// (" =1+1", "\"=1+1\"": spreadsheets strip quotes and spaces) (OWASP "CSV injection").
bool StartsLikeFormula(std::string_view s);

// Quotes a field when it holds a comma, quote, CR or LF (RFC 4180). A field that
// StartsLikeFormula is neutralised the way OWASP recommends: quoted, with a leading
// apostrophe inside the quotes ("'=1+1"), so it opens as text in Excel and LibreOffice.
// Every CSV liaudit writes goes through this function.
std::string CsvField(const std::string& s);

// A field of a tab-separated listing printed for a person (`followup list`), from input or
// from a user: control characters, tabs and line breaks escaped and ID-looking tokens masked
// (LogSafe, log.h), and a field that StartsLikeFormula after that, or begins with '"',
// gets a leading apostrophe as in CsvField ('=1+1, '"=1+1"), so the listing pasted or opened in a spreadsheet holds no formula
// and each entry stays one line of fields.
std::string ListField(std::string_view s);

// findings.csv: rule_id,severity,account,query_time,txn_id,service_code,subject_id,
// reg_no,request_no,date,detail (outputs.md), then key: the finding's stable key, the one
// `liaudit followup` takes (R01|GSP1150714000123). subject_id masked with `id_mask`.
std::string FindingsCsv(const std::vector<Finding>& findings, const std::string& id_mask);
// rejects.csv: file,line,column,reason,raw. With an `id_mask`, every ID-looking token of
// every field is masked (MaskIdsInText: a bad row's columns may be shifted); the full rows
// stay in the store's quarantine.
std::string RejectsCsv(const std::vector<Reject>& rejects, const std::string& id_mask = "");

}  // namespace liaudit::jobs
