// The spreadsheets of one workbook: an .xlsx and its .ods twin (output.spreadsheets),
// rendered from one sheet::Book through one sheet::Writer. Internal to pipeline/jobs.
#pragma once
#include <memory>
#include <string>

#include "core/settings.h"
#include "core/sheet.h"
#include "core/status.h"

namespace liaudit::jobs {

// Opens `stem` + ".xlsx" and/or `stem` + ".ods", as `out.spreadsheets` says, behind one
// writer; `big` as sheet::Book::big. Nothing is left at either path unless Close() succeeds.
Status OpenSpreadsheets(const OutputOptions& out, const std::string& stem, const sheet::DocumentInfo& info, bool big,
                        std::unique_ptr<sheet::Writer>* wb);

// The one way a job publishes a workbook: `book` written to `stem`.xlsx / .ods and closed.
// On failure no file is left at either path.
Status WriteSpreadsheets(const OutputOptions& out, const std::string& stem, const sheet::Book& book);

// Parses output.spreadsheets ("xlsx,ods", "xlsx", "ods"; order and spaces do not matter).
bool ParseSpreadsheets(const std::string& text, OutputOptions* out);

}  // namespace liaudit::jobs
