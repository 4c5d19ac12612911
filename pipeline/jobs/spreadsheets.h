// The spreadsheets of one workbook: an .xlsx and its .ods twin (output.spreadsheets),
// written by the same calls through one sheet::Writer. Internal to pipeline/jobs.
#pragma once
#include <memory>
#include <string>

#include "core/settings.h"
#include "core/sheet.h"
#include "core/status.h"

namespace liaudit::jobs {

struct SpreadsheetOptions : sheet::DocumentInfo {
  // A big workbook (every query of a quarter): rows go to temporary files as they come
  // (libxlsxwriter's constant-memory mode; the ODS writer always streams).
  bool big = false;
};

// Opens `stem` + ".xlsx" and/or `stem` + ".ods", as `out.spreadsheets` says, behind one
// writer. Nothing is left at either path unless Close() succeeds.
Status OpenSpreadsheets(const OutputOptions& out, const std::string& stem, const SpreadsheetOptions& options,
                        std::unique_ptr<sheet::Writer>* wb);

// Parses output.spreadsheets ("xlsx,ods", "xlsx", "ods"; order and spaces do not matter).
bool ParseSpreadsheets(const std::string& text, OutputOptions* out);

}  // namespace liaudit::jobs
