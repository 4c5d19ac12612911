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
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/datetime.h"
#include "core/status.h"

namespace liaudit::xlsx {

// What a column holds. Decides the column's default number format and how its
// width is estimated; each cell is still written as the kind of its Cell.
enum class ColType {
  kText,
  kInteger,   // whole numbers, shown without decimals or separators (IDs of counts, years)
  kNumber,    // any double, Excel "General"
  kDate,      // core Date, shown 民國 115/11/25
  kDateTime,  // core LocalTime (Taipei local), shown 115/11/25 13:05:09
};

struct Column {
  std::string header;  // UTF-8, written in row 2
  ColType type = ColType::kText;
  // Width in Excel character units. 0 = fit: the widest of the header and of every
  // cell written to the column (a CJK / wide character counts 2, core DisplayWidth),
  // plus padding, clamped to [6, 60]. Widths are applied when the sheet is finished,
  // which libxlsxwriter allows even in constant-memory mode, so no rows are buffered.
  double width = 0;
};

struct SheetSpec {
  // Sheet tab name, UTF-8. Sanitised: []:*?/\ become '_', leading/trailing
  // apostrophes dropped, cut to 31 characters, empty becomes "Sheet"; a name already
  // used in this workbook (case-insensitive) gets " (2)", " (3)"...
  // Workbook::sheet_name() tells what was used.
  std::string name;
  std::string title;            // row 1, bold and larger; empty leaves row 1 blank
  std::vector<Column> columns;  // at least one
  // Force landscape. Otherwise landscape is chosen automatically when the columns'
  // total width exceeds what fits an A4 portrait page (about 100 units).
  bool landscape = false;
};

// One cell value: empty, text, integer, number, date or date-time. Cheap to build;
// text is owned (std::string, short strings need no allocation).
// Implicit from text and arithmetic types; dates need the named factories because
// Date and LocalTime are plain integers.
class Cell {
 public:
  enum class Kind : uint8_t { kEmpty, kText, kInteger, kNumber, kDate, kDateTime };

  Cell() = default;
  Cell(std::string s) : kind_(Kind::kText), text_(std::move(s)) {}  // NOLINT implicit
  Cell(std::string_view s) : kind_(Kind::kText), text_(s) {}         // NOLINT implicit
  Cell(const char* s) : kind_(Kind::kText), text_(s ? s : "") {}     // NOLINT implicit
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Cell(T v) : kind_(Kind::kInteger), i_(static_cast<int64_t>(v)) {}  // NOLINT implicit
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Cell(T v) : kind_(Kind::kNumber), d_(static_cast<double>(v)) {}  // NOLINT implicit

  static Cell Empty() { return Cell(); }
  // kNoDate / kNoTime give an empty cell, so optional dates need no branching.
  static Cell OfDate(Date d) { return d == kNoDate ? Cell() : Cell(Kind::kDate, int64_t{d}); }
  static Cell OfTime(LocalTime t) { return t == kNoTime ? Cell() : Cell(Kind::kDateTime, t); }

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  int64_t integer() const { return i_; }  // kInteger, kDate (days), kDateTime (seconds)
  double number() const { return d_; }    // kNumber

 private:
  Cell(Kind k, int64_t v) : kind_(k), i_(v) {}
  Kind kind_ = Kind::kEmpty;
  union {
    int64_t i_ = 0;
    double d_;
  };
  std::string text_;
};

struct WorkbookOptions {
  // libxlsxwriter's constant-memory mode: each row goes to a temporary file as soon
  // as it is complete, so memory stays flat whatever the row count. Use it for big
  // sheets; rows are appended in order anyway.
  bool constant_memory = false;
  // Document properties (File > Properties). Title defaults to the first sheet's title.
  std::string title;
  std::string subject;
  std::string author = "高雄市政府社會局";
  std::string company = "高雄市政府社會局";
  // Creation time in the document properties, Taipei local. kNoTime = NowLocal(),
  // which honours SetFixedClock, so tests with a fixed clock get identical files.
  LocalTime created = kNoTime;
  // Folder for libxlsxwriter's temporary files (constant-memory rows); empty = system default.
  std::string tmpdir;
};

class Workbook {
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
  Status AddSheet(const SheetSpec& spec);

  // Appends one data row to the current sheet. Fewer cells than columns leaves the
  // rest empty; more is kInvalidInput. Text is UTF-8: invalid bytes become U+FFFD,
  // text over Excel's 32,767-character cell limit is cut and ends with
  // "…(已截斷)". When a sheet reaches Excel's 1,048,576-row limit the rows continue
  // on a new sheet with the same spec, named "<name> (2)" etc.
  Status AppendRow(const Cell* cells, size_t n);
  Status AppendRow(const std::vector<Cell>& row) { return AppendRow(row.data(), row.size()); }
  Status AppendRow(std::initializer_list<Cell> row) { return AppendRow(row.begin(), row.size()); }

  // Finishes the sheets and writes the file. libxlsxwriter errors become kIoError /
  // kInternal with its message and the path; on failure no file is left at `path`.
  // Calling anything after Close() is kInternal.
  Status Close();

  // Name actually used for the current sheet (after sanitising / de-duplicating).
  const std::string& sheet_name() const;
  // Data rows appended to the current sheet (title and header rows not counted).
  int64_t sheet_rows() const;

 private:
  struct Impl;
  explicit Workbook(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaudit::xlsx
