// sheet: the neutral model of a spreadsheet that every liaudit workbook writer renders.
//
// A document builder describes sheets (SheetSpec: tab name, title row, typed columns)
// and streams rows of typed Cells into a sheet::Writer; the XLSX writer (pipeline/xlsx)
// and any other spreadsheet writer implement Writer, so the same rows give the same
// sheets in every format. Rows are streamed, never held, so a million-row sheet stays
// in bounded memory. std only, like the rest of core.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/datetime.h"
#include "core/status.h"

namespace liaudit::sheet {

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

// Document properties shared by every format (File > Properties).
struct DocumentInfo {
  // Title defaults to the first sheet's title.
  std::string title;
  std::string subject;
  std::string author = "高雄市政府社會局";
  std::string company = "高雄市政府社會局";
  // Creation time, Taipei local. kNoTime = NowLocal(), which honours SetFixedClock, so
  // tests with a fixed clock get identical files.
  LocalTime created = kNoTime;
};

// Helpers every Writer shares, so the formats give the same sheet names, the same
// cell text and the same column widths from the same calls.

// Excel's limits, kept by every format so the files are twins.
constexpr int64_t kMaxCellUnits = 32767;     // characters (UTF-16 units) per text cell
constexpr size_t kMaxSheetNameUnits = 31;    // characters of a tab name
constexpr int64_t kMaxSheetRows = 1048576;   // rows per sheet (Excel and LibreOffice Calc)
constexpr int kHeaderRows = 2;               // title row + header row
constexpr int64_t kMaxDataRows = kMaxSheetRows - kHeaderRows;

// UTF-16 code units of valid UTF-8 (what Excel's limits count).
int64_t Utf16Units(std::string_view s);
// Byte length of the longest prefix of valid UTF-8 `s` with at most `units` UTF-16 units.
size_t PrefixWithUnits(std::string_view s, int64_t units);

// The text a cell gets: invalid UTF-8 bytes and the XML-forbidden U+FFFE/U+FFFF become
// U+FFFD; text over kMaxCellUnits is cut and ends with "…（已截斷）". Returns `text`
// itself when nothing changes (the common case, no copy), else *scratch.
const std::string& CellText(const std::string& text, std::string* scratch);

// Tab names as SheetSpec::name describes; one per workbook.
class SheetNamer {
 public:
  std::string Unique(const std::string& wanted);

 private:
  std::vector<std::string> used_;  // lower-cased (names are case-insensitive)
};

// Column width fitting (Column::width), in Excel character units.
class WidthFit {
 public:
  explicit WidthFit(const std::vector<Column>& columns);
  // Widens column c to hold the cell (no-op for columns with a fixed width).
  void FitText(size_t c, const std::string& text);  // text as written (after CellText)
  void FitInteger(size_t c, int64_t v);
  void FitNumber(size_t c, double v);
  void FitDate(size_t c);
  void FitDateTime(size_t c);
  // Final width of column c: the fixed width, or the fitted one clamped to [6, 60].
  double Width(size_t c) const;
  // Landscape when asked, or when the widths add up past an A4 portrait page.
  bool Landscape(bool asked) const;

 private:
  const std::vector<Column>* columns_;
  std::vector<int> fit_;  // widest display width seen (0 when the column has a fixed width)
};

// A spreadsheet being written: sheets one after another, rows strictly in order.
// Implementations: xlsx::Workbook, ods::Workbook. Not thread-safe; one Writer per thread.
class Writer {
 public:
  virtual ~Writer() = default;
  // Starts a new sheet (title row and header row written); later rows go to it.
  // kInvalidInput when the spec has no columns.
  virtual Status AddSheet(const SheetSpec& spec) = 0;
  // Appends one data row to the current sheet. Fewer cells than columns leaves the
  // rest empty; more is kInvalidInput.
  virtual Status AppendRow(const Cell* cells, size_t n) = 0;
  Status AppendRow(const std::vector<Cell>& row) { return AppendRow(row.data(), row.size()); }
  Status AppendRow(std::initializer_list<Cell> row) { return AppendRow(row.begin(), row.size()); }
  // Finishes the sheets and writes the file; on failure no file is left.
  virtual Status Close() = 0;
  // Name actually used for the current sheet (after sanitising / de-duplicating).
  virtual const std::string& sheet_name() const = 0;
  // Data rows appended to the current sheet (title and header rows not counted).
  virtual int64_t sheet_rows() const = 0;
};

// A whole workbook as a value: what a document builder returns and every Writer renders
// (WriteBook). A sheet's rows are its `rows`, then whatever its `more` source emits: small
// sheets are held, a sheet of every query of a quarter is streamed by its source (which
// reads the store, a file...) while the writer takes the rows, so memory stays bounded.
using RowSink = std::function<Status(const Cell* cells, size_t n)>;
using RowSource = std::function<Status(const RowSink& emit)>;

struct Sheet {
  SheetSpec spec;
  std::vector<std::vector<Cell>> rows;
  RowSource more;  // optional: rows after `rows`, pulled once when the sheet is written

  Sheet() = default;
  explicit Sheet(SheetSpec s) : spec(std::move(s)) {}
  void Add(std::initializer_list<Cell> row) { rows.emplace_back(row); }
  void Add(std::vector<Cell> row) { rows.push_back(std::move(row)); }
};

struct Book {
  DocumentInfo info;
  // Every query of a quarter (or more): the writer keeps rows in temporary files as they
  // come (libxlsxwriter's constant-memory mode; the ODS writer always streams).
  bool big = false;
  std::deque<Sheet> sheets;  // a deque: the Sheet& AddSheet returns stays valid

  Sheet& AddSheet(SheetSpec spec) {
    sheets.emplace_back(std::move(spec));
    return sheets.back();
  }
};

// Writes every sheet of `book`, in order, to `w` (AddSheet, AppendRow...); does not Close.
// The first failure (of the writer or of a row source) is returned.
Status WriteBook(const Book& book, Writer* w);

// The same sheets written to several writers at once (an .xlsx and its .ods twin):
// each call goes to every writer in order and the first failure is returned. Close()
// closes every writer, even after one has failed, so none is left half-written.
// sheet_name() and sheet_rows() are the first writer's (the writers share SheetNamer
// rules, so the names agree).
class Fanout final : public Writer {
 public:
  explicit Fanout(std::vector<std::unique_ptr<Writer>> writers);
  Status AddSheet(const SheetSpec& spec) override;
  Status AppendRow(const Cell* cells, size_t n) override;
  using Writer::AppendRow;
  Status Close() override;
  const std::string& sheet_name() const override;
  int64_t sheet_rows() const override;

 private:
  std::vector<std::unique_ptr<Writer>> writers_;  // at least one
};

}  // namespace liaudit::sheet
