// Workbook: the OpenDocument spreadsheet (.ods, ODF 1.3) twin of xlsx::Workbook.
//
// The same calls give the same sheets as the XLSX writer: the same tab names
// (sanitised and de-duplicated by sheet::SheetNamer), the same cell text
// (sheet::CellText), the same fitted column widths (sheet::WidthFit), the same
// continuation sheets "<name> (2)" past 1,048,576 rows (LibreOffice Calc's limit
// is Excel's), and the same layout:
//   row 1  bold title       row 2  bold, filled, bordered header
//   both rows are table:table-header-rows (repeated on every printed page) and
//   frozen (settings.xml); an autofilter (a sheet-local database range) covers
//   header + data; the print range is the whole sheet; A4, one page wide,
//   landscape when asked or when the columns are wide; "第 N 頁，共 M 頁" footer.
// Cells are typed: integers and numbers are float cells (integers with the "0"
// format), dates and date-times are date cells shown in the 民國 form 115/11/25 and
// 115/11/25 13:05:09 (a number:date-style with number:calendar="ROC" and the
// zh-TW locale, which LibreOffice renders as the ROC year), text is string. Dates
// outside the XLSX writer's range (before 1900-03-01) are written as ISO text, as
// there, so both files show the same. Text specific to ODF: a line break starts a
// new paragraph in the cell (shown wrapped), tabs and runs of spaces are kept
// (<text:tab/>, <text:s/>), other control characters, which XML 1.0 cannot carry,
// become U+FFFD.
//
// Libraries (see docs/ods.md): libzip builds the package (mimetype first and
// stored, then META-INF/manifest.xml, meta.xml, styles.xml, settings.xml,
// content.xml, deflated); libxml2's xmlTextWriter writes the XML. Rows stream
// into a temporary file in the target folder (created owner-only and unlinked at
// once, so nothing is left even after a crash) while they arrive; Close() adds
// content.xml to the zip from that file, so memory stays flat whatever the row
// count. libzip writes the package to a temporary name and renames it at the end,
// so on failure no file is left and an existing file at `path` is kept.
//
// Usage, exactly as xlsx::Workbook:
//   std::unique_ptr<ods::Workbook> wb;
//   LIAUDIT_RETURN_IF_ERROR(ods::Workbook::Create(path, options, &wb));
//   LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(spec));
//   LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"王小明", int64_t{3}, sheet::Cell::OfDate(d)}));
//   LIAUDIT_RETURN_IF_ERROR(wb->Close());
//
// Not thread-safe; one Workbook per thread. Nothing from libzip or libxml2
// crosses this header.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/sheet.h"
#include "core/status.h"

namespace liaudit::ods {

// Document properties (sheet::DocumentInfo: title, subject, author, company, created;
// company goes to a user-defined "Company" property) and what is particular to ODS.
struct WorkbookOptions : sheet::DocumentInfo {
  // Folder for the temporary row file; empty = the folder of the target path (the
  // same file system, so the data never leaves the output's protection).
  std::string tmpdir;
  // zlib level for the XML parts, 1 (fastest) to 9 (smallest). 1 keeps a 1M-row
  // sheet no slower to write than the XLSX (docs/benchmarks.md); files are ~15%
  // larger than at 6.
  int deflate_level = 1;
};

class Workbook final : public sheet::Writer {
 public:
  // Starts a workbook to be written at `path` on Close(). Fails early (kIoError,
  // naming the path) when the path or the temporary folder cannot be written.
  static Status Create(const std::string& path, const WorkbookOptions& options, std::unique_ptr<Workbook>* out);

  // Writes nothing if Close() was not called.
  ~Workbook() override;
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  // As sheet::Writer. kInvalidInput when the spec has no columns or more than
  // 16,384 (LibreOffice's and Excel's column limit).
  Status AddSheet(const sheet::SheetSpec& spec) override;
  // As xlsx::Workbook::AppendRow; more cells than columns is kInvalidInput.
  Status AppendRow(const sheet::Cell* cells, size_t n) override;
  using sheet::Writer::AppendRow;
  // Writes the package. kIoError naming the path (and libzip's reason) on failure,
  // kInvalidInput for a workbook without sheets; on failure no file is left at
  // `path`. Anything after Close() is kInternal.
  Status Close() override;

  const std::string& sheet_name() const override;
  int64_t sheet_rows() const override;

 private:
  struct Impl;
  explicit Workbook(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaudit::ods
