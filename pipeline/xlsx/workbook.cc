#include "xlsx/workbook.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/text.h"

namespace liaudit::xlsx {
namespace {

constexpr lxw_row_t kHeaderRows = sheet::kHeaderRows;  // title row + header row
static_assert(sheet::kMaxSheetRows == static_cast<int64_t>(LXW_ROW_MAX), "Excel's row limit");
using sheet::kMaxDataRows;

// Days from 1899-12-30 (Excel's 1900 date system day 0) to 1970-01-01.
constexpr double kExcelEpochOffset = 25569;
// Serial 61 = 1900-03-01; earlier serials are skewed by Excel's 1900 leap-year bug,
// so earlier dates are written as text.
constexpr Date kFirstSafeDate = -25508;  // 1900-03-01
constexpr Date kLastDate = 2932896;      // 9999-12-31, Excel's last date

// 民國 display formats. LCID 0x0404 (zh-TW) with the era year code "e", the usual
// custom format for Excel's 中華民國曆 calendar: the year shown is the ROC year
// (2026 -> 115); LibreOffice renders it the same (tested). The cell is still a real
// date serial underneath.
constexpr char kRocDateFormat[] = "[$-404]e/mm/dd";
constexpr char kRocDateTimeFormat[] = "[$-404]e/mm/dd hh:mm:ss";

constexpr uint8_t kPaperA4 = 9;

Status FromLxw(lxw_error err, const std::string& what) {
  std::string msg = what + ": " + lxw_strerror(err);
  switch (err) {
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE:
      return Status::IoError(msg);
    default:
      return Status::Internal(msg);
  }
}

}  // namespace

struct Workbook::Impl {
  std::string path;
  WorkbookOptions options;
  lxw_workbook* wb = nullptr;
  bool closed = false;

  lxw_format* title_fmt = nullptr;
  lxw_format* header_fmt = nullptr;
  lxw_format* date_fmt = nullptr;
  lxw_format* datetime_fmt = nullptr;
  lxw_format* integer_fmt = nullptr;
  lxw_format* wrap_fmt = nullptr;  // text with line breaks: shown on its lines

  sheet::SheetNamer names;
  std::string first_title;

  // The current sheet.
  lxw_worksheet* ws = nullptr;
  SheetSpec spec;
  std::string name;
  std::unique_ptr<sheet::WidthFit> fit;
  int64_t rows = 0;
  std::string scratch;  // repaired / truncated text

  Status StartSheet(const SheetSpec& s);
  std::vector<lxw_worksheet*> sheets;  // every sheet added, for FreeUnwritten

  Status FinishSheet();
  // Text through sheet::CellText; widens data column c to the text's width when `fit`.
  lxw_error PutText(lxw_row_t r, lxw_col_t c, const std::string& text, lxw_format* f, bool fit);
  // Frees libxlsxwriter's state without writing the file.
  void FreeUnwritten();
};


Status Workbook::Impl::StartSheet(const SheetSpec& s) {
  if (s.columns.empty()) return Status::InvalidInput("xlsx: sheet '" + s.name + "' has no columns");
  if (s.columns.size() > static_cast<size_t>(LXW_COL_MAX))
    return Status::InvalidInput("xlsx: sheet '" + s.name + "' has more columns than Excel allows");
  name = names.Unique(s.name);
  ws = workbook_add_worksheet(wb, name.c_str());
  if (ws != nullptr) sheets.push_back(ws);
  if (ws == nullptr)
    return Status::IoError("xlsx: cannot add sheet '" + name + "' to " + path +
                           " (temporary file for constant-memory mode?)");
  spec = s;
  rows = 0;
  if (first_title.empty()) first_title = s.title;

  const auto ncols = static_cast<lxw_col_t>(s.columns.size());
  fit = std::make_unique<sheet::WidthFit>(spec.columns);

  // Row 1: title. Row 2: header. Both written now, while they are the current rows
  // (constant-memory mode only accepts rows in order).
  lxw_error err = worksheet_set_row(ws, 0, 24, nullptr);
  if (err == LXW_NO_ERROR && !s.title.empty()) err = worksheet_write_string(ws, 0, 0, s.title.c_str(), title_fmt);
  for (lxw_col_t c = 0; err == LXW_NO_ERROR && c < ncols; ++c) {
    const std::string& h = s.columns[c].header;
    err = h.empty() ? worksheet_write_blank(ws, 1, c, header_fmt) : PutText(1, c, h, header_fmt, false);
  }
  if (err != LXW_NO_ERROR) return FromLxw(err, "xlsx: " + path + ": sheet '" + name + "'");

  worksheet_freeze_panes(ws, kHeaderRows, 0);
  worksheet_set_paper(ws, kPaperA4);
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, 0, kHeaderRows - 1);
  worksheet_set_footer(ws, "&C第 &P 頁，共 &N 頁");
  return Status::OK();
}

lxw_error Workbook::Impl::PutText(lxw_row_t r, lxw_col_t c, const std::string& text, lxw_format* f, bool fit_it) {
  const std::string& t = sheet::CellText(text, &scratch);
  if (fit_it) fit->FitText(c, t);
  // A multi-line value (a 查調事由 typed on several lines) wraps, so it reads as typed.
  if (f == nullptr && t.find('\n') != std::string::npos) f = wrap_fmt;
  return worksheet_write_string(ws, r, c, t.c_str(), f);
}

Status Workbook::Impl::FinishSheet() {
  if (ws == nullptr) return Status::OK();
  const auto ncols = static_cast<lxw_col_t>(spec.columns.size());
  lxw_error err = LXW_NO_ERROR;
  for (lxw_col_t c = 0; c < ncols && err == LXW_NO_ERROR; ++c) err = worksheet_set_column(ws, c, c, fit->Width(c), nullptr);
  const auto last_row = static_cast<lxw_row_t>(kHeaderRows - 1 + rows);
  if (err == LXW_NO_ERROR) err = worksheet_autofilter(ws, 1, 0, last_row, ncols - 1);
  if (err == LXW_NO_ERROR && rows > 0) {
    // Codes such as account numbers and registration numbers are text on purpose
    // (leading zeros); spare the reader Excel's "number stored as text" flags.
    char range[32];
    lxw_rowcol_to_range(range, kHeaderRows, 0, last_row, ncols - 1);
    err = worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range);
  }
  if (fit->Landscape(spec.landscape)) worksheet_set_landscape(ws);
  ws = nullptr;
  if (err != LXW_NO_ERROR) return FromLxw(err, "xlsx: " + path + ": sheet '" + name + "'");
  return Status::OK();
}

void Workbook::Impl::FreeUnwritten() {
  if (wb == nullptr) return;
  // lxw_workbook_free does not close the constant-memory row files; only
  // workbook_close does (after copying them into the zip).
  for (lxw_worksheet* s : sheets) {
    if (s->optimize_tmpfile != nullptr) {
      fclose(s->optimize_tmpfile);
      s->optimize_tmpfile = nullptr;
      s->file = nullptr;
    }
  }
  lxw_workbook_free(wb);
  wb = nullptr;
  ws = nullptr;
}

Workbook::Workbook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Workbook::~Workbook() {
  if (impl_ && !impl_->closed) impl_->FreeUnwritten();
}

Status Workbook::Create(const std::string& path, bool constant_memory, std::unique_ptr<Workbook>* out) {
  WorkbookOptions options;
  options.constant_memory = constant_memory;
  return Create(path, options, out);
}

Status Workbook::Create(const std::string& path, const WorkbookOptions& options,
                        std::unique_ptr<Workbook>* out) {
  out->reset();
  if (path.empty()) return Status::InvalidInput("xlsx: empty output path");
  // libxlsxwriter opens the file only at workbook_close(), after all the work; find
  // an unwritable path now. An existing file is opened for append so it is left intact.
  {
    FILE* probe = std::fopen(path.c_str(), "rb");
    bool existed = probe != nullptr;
    if (probe) std::fclose(probe);
    probe = std::fopen(path.c_str(), existed ? "ab" : "wb");
    if (probe == nullptr)
      return Status::IoError("xlsx: cannot write " + path + ": " + std::strerror(errno));
    std::fclose(probe);
    if (!existed) std::remove(path.c_str());
  }

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  lxw_workbook_options lo{};
  lo.constant_memory = options.constant_memory ? LXW_TRUE : LXW_FALSE;
  lo.tmpdir = impl->options.tmpdir.empty() ? nullptr : &impl->options.tmpdir[0];
  lo.use_zip64 = LXW_TRUE;  // a 1M-row sheet can pass 4 GB uncompressed
  impl->wb = workbook_new_opt(path.c_str(), &lo);
  if (impl->wb == nullptr) return Status::Internal("xlsx: cannot start workbook " + path + " (out of memory)");

  lxw_workbook* wb = impl->wb;
  impl->title_fmt = workbook_add_format(wb);
  format_set_bold(impl->title_fmt);
  format_set_font_size(impl->title_fmt, 14);

  impl->header_fmt = workbook_add_format(wb);
  format_set_bold(impl->header_fmt);
  format_set_bg_color(impl->header_fmt, 0xDDEBF7);
  format_set_border(impl->header_fmt, LXW_BORDER_THIN);
  format_set_align(impl->header_fmt, LXW_ALIGN_CENTER);
  format_set_align(impl->header_fmt, LXW_ALIGN_VERTICAL_CENTER);

  impl->date_fmt = workbook_add_format(wb);
  format_set_num_format(impl->date_fmt, kRocDateFormat);
  impl->datetime_fmt = workbook_add_format(wb);
  format_set_num_format(impl->datetime_fmt, kRocDateTimeFormat);
  impl->integer_fmt = workbook_add_format(wb);
  format_set_num_format(impl->integer_fmt, "0");
  impl->wrap_fmt = workbook_add_format(wb);
  format_set_text_wrap(impl->wrap_fmt);
  format_set_align(impl->wrap_fmt, LXW_ALIGN_VERTICAL_TOP);

  out->reset(new Workbook(std::move(impl)));
  return Status::OK();
}

Status Workbook::AddSheet(const SheetSpec& spec) {
  Impl& m = *impl_;
  if (m.closed) return Status::Internal("xlsx: AddSheet after Close on " + m.path);
  LIAUDIT_RETURN_IF_ERROR(m.FinishSheet());
  return m.StartSheet(spec);
}

Status Workbook::AppendRow(const Cell* cells, size_t n) {
  Impl& m = *impl_;
  if (m.closed) return Status::Internal("xlsx: AppendRow after Close on " + m.path);
  if (m.ws == nullptr) return Status::Internal("xlsx: AppendRow before AddSheet on " + m.path);
  if (n > m.spec.columns.size())
    return Status::InvalidInput("xlsx: " + m.path + ": sheet '" + m.name + "': row has " + std::to_string(n) +
                                " cells but the sheet has " + std::to_string(m.spec.columns.size()) + " columns");
  if (m.rows == kMaxDataRows) {
    // Excel's row limit: carry on in a continuation sheet with the same layout.
    SheetSpec next = m.spec;
    LIAUDIT_RETURN_IF_ERROR(m.FinishSheet());
    LIAUDIT_RETURN_IF_ERROR(m.StartSheet(next));
  }
  const auto r = static_cast<lxw_row_t>(kHeaderRows + m.rows);
  lxw_error err = LXW_NO_ERROR;
  for (size_t i = 0; i < n && err == LXW_NO_ERROR; ++i) {
    const Cell& cell = cells[i];
    const auto c = static_cast<lxw_col_t>(i);
    sheet::WidthFit& fit = *m.fit;
    switch (cell.kind()) {
      case Cell::Kind::kEmpty:
        break;
      case Cell::Kind::kText:
        err = m.PutText(r, c, cell.text(), nullptr, true);
        break;
      case Cell::Kind::kInteger:
        err = worksheet_write_number(m.ws, r, c, static_cast<double>(cell.integer()), m.integer_fmt);
        fit.FitInteger(i, cell.integer());
        break;
      case Cell::Kind::kNumber:
        // NaN and infinities have no cell form; leave the cell empty.
        if (!std::isfinite(cell.number())) break;
        err = worksheet_write_number(m.ws, r, c, cell.number(), nullptr);
        fit.FitNumber(i, cell.number());
        break;
      case Cell::Kind::kDate: {
        const auto d = static_cast<Date>(cell.integer());
        if (d < kFirstSafeDate || d > kLastDate) {
          err = m.PutText(r, c, FormatIsoDate(d), nullptr, true);
        } else {
          err = worksheet_write_number(m.ws, r, c, kExcelEpochOffset + d, m.date_fmt);
          fit.FitDate(i);
        }
        break;
      }
      case Cell::Kind::kDateTime: {
        const LocalTime t = cell.integer();
        const Date d = DateOf(t);
        if (d < kFirstSafeDate || d > kLastDate) {
          err = m.PutText(r, c, FormatIsoTime(t), nullptr, true);
        } else {
          // Whole days plus the fraction: exact to the second after Excel's rounding.
          double serial = kExcelEpochOffset + d + SecondOfDay(t) / static_cast<double>(kSecondsPerDay);
          err = worksheet_write_number(m.ws, r, c, serial, m.datetime_fmt);
          fit.FitDateTime(i);
        }
        break;
      }
    }
  }
  if (err != LXW_NO_ERROR)
    return FromLxw(err, "xlsx: " + m.path + ": sheet '" + m.name + "' row " + std::to_string(r + 1));
  ++m.rows;
  return Status::OK();
}

Status Workbook::Close() {
  Impl& m = *impl_;
  if (m.closed) return Status::Internal("xlsx: Close called twice on " + m.path);
  Status st = m.FinishSheet();
  if (!st.ok()) {
    m.FreeUnwritten();
    m.closed = true;
    return st;
  }
  const WorkbookOptions& o = m.options;
  std::string title = o.title.empty() ? m.first_title : o.title;
  lxw_doc_properties props{};
  props.title = title.empty() ? nullptr : &title[0];
  std::string subject = o.subject, author = o.author, company = o.company;
  props.subject = subject.empty() ? nullptr : &subject[0];
  props.author = author.empty() ? nullptr : &author[0];
  props.company = company.empty() ? nullptr : &company[0];
  const LocalTime created = o.created == kNoTime ? NowLocal() : o.created;
  props.created = static_cast<time_t>(created - kTaipeiUtcOffsetSeconds);
  lxw_error err = workbook_set_properties(m.wb, &props);
  if (err != LXW_NO_ERROR) {
    m.FreeUnwritten();
    m.closed = true;
    return FromLxw(err, "xlsx: " + m.path + ": document properties");
  }
  if (m.sheets.empty()) {
    // Excel cannot open a workbook without sheets; libxlsxwriter would add "Sheet1".
    m.FreeUnwritten();
    m.closed = true;
    return Status::InvalidInput("xlsx: " + m.path + ": workbook has no sheets");
  }
  err = workbook_close(m.wb);  // frees the workbook whatever the outcome
  m.wb = nullptr;
  m.closed = true;
  if (err != LXW_NO_ERROR) {
    std::remove(m.path.c_str());
    return FromLxw(err, "xlsx: cannot write " + m.path);
  }
  return Status::OK();
}

const std::string& Workbook::sheet_name() const { return impl_->name; }
int64_t Workbook::sheet_rows() const { return impl_->rows; }

}  // namespace liaudit::xlsx
