// Workbook: a small, fast XLSX writer for every liaudit job (over libxlsxwriter).
//
// Every sheet has the same shape, so reports look alike and read back alike:
//   row 1  bold Traditional Chinese title (SheetSpec::title)
//   row 2  header row (bold, filled, bordered), frozen (panes frozen at A3),
//          autofilter over header + data
//   row 3… data rows, appended strictly in order with AppendRow
// Print set-up: A4, fit to one page wide, rows 1-2 repeated on every page, page
// numbers in the footer, landscape when asked or when the columns are wide.
// Cells are real cells: numbers are numbers, dates are Excel dates displayed in
// the 民國 form (115/11/25, 115/11/25 13:05:09), text is text (UTF-8 in).
//
// Usage:
//   std::unique_ptr<xlsx::Workbook> wb;
//   LIAUDIT_RETURN_IF_ERROR(xlsx::Workbook::Create(path, options, &wb));
//   LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(spec));
//   LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"王小明", int64_t{3}, xlsx::Cell::OfDate(d)}));
//   LIAUDIT_RETURN_IF_ERROR(wb->Close());
//
// Not thread-safe; one Workbook per thread. Nothing from libxlsxwriter crosses
// this header.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/sheet.h"
#include "core/status.h"

namespace liaudit::xlsx {

// The model (ColType, Column, SheetSpec, Cell) is the neutral one of core/sheet.h;
// the names below keep xlsx:: spellings working.
using ColType = sheet::ColType;
using Column = sheet::Column;
using SheetSpec = sheet::SheetSpec;
using Cell = sheet::Cell;

// Document properties (sheet::DocumentInfo: title, subject, author, company, created)
// and what is particular to XLSX.
struct WorkbookOptions : sheet::DocumentInfo {
  // libxlsxwriter's constant-memory mode: each row goes to a temporary file as soon
  // as it is complete, so memory stays flat whatever the row count. Use it for big
  // sheets; rows are appended in order anyway.
  bool constant_memory = false;
  // Folder for libxlsxwriter's temporary files (constant-memory rows); empty = system default.
  std::string tmpdir;
};

class Workbook final : public sheet::Writer {
 public:
  // Starts a workbook to be written at `path` on Close(). Fails early (kIoError,
  // naming the path) when the path cannot be written.
  static Status Create(const std::string& path, const WorkbookOptions& options,
                       std::unique_ptr<Workbook>* out);
  static Status Create(const std::string& path, bool constant_memory, std::unique_ptr<Workbook>* out);

  // Closes without writing if Close() was not called, and removes any partial file.
  ~Workbook();
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  // Starts a new sheet (title row and header row written); later rows go to it.
  // kInvalidInput when the spec has no columns.
  Status AddSheet(const SheetSpec& spec) override;

  // Appends one data row to the current sheet. Fewer cells than columns leaves the
  // rest empty; more is kInvalidInput. Text is UTF-8: invalid bytes become U+FFFD,
  // text over Excel's 32,767-character cell limit is cut and ends with
  // "…(已截斷)". When a sheet reaches Excel's 1,048,576-row limit the rows continue
  // on a new sheet with the same spec, named "<name> (2)" etc.
  Status AppendRow(const Cell* cells, size_t n) override;
  using sheet::Writer::AppendRow;

  // Finishes the sheets and writes the file. libxlsxwriter errors become kIoError /
  // kInternal with its message and the path; on failure no file is left at `path`.
  // Calling anything after Close() is kInternal.
  Status Close() override;

  // Name actually used for the current sheet (after sanitising / de-duplicating).
  const std::string& sheet_name() const override;
  // Data rows appended to the current sheet (title and header rows not counted).
  int64_t sheet_rows() const override;

 private:
  struct Impl;
  explicit Workbook(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaudit::xlsx
