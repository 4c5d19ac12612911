#include "ods/workbook.h"

#include <fcntl.h>
#include <libxml/xmlwriter.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "core/text.h"
#include "liaudit_version.h"

namespace liaudit::ods {
namespace {

using sheet::Cell;
using sheet::ColType;
using sheet::SheetSpec;

constexpr size_t kMaxColumns = 16384;
constexpr char kMimeType[] = "application/vnd.oasis.opendocument.spreadsheet";

// Same range as the XLSX writer, so both files show the same cells.
constexpr Date kFirstDate = -25508;  // 1900-03-01
constexpr Date kLastDate = 2932896;  // 9999-12-31

// An Excel character unit in inches as LibreOffice shows it when it opens an XLSX
// (it converts a width of 20 to 1.9445in and 8.43 to 0.8299in): the ODS columns get
// the width the XLSX columns have in the same program.
constexpr double kInchPerUnit = 0.0963;
constexpr double kInchOffset = 0.018;

// Style names (styles.xml) referenced from content.xml.
constexpr char kTitleStyle[] = "liaudit_title";
constexpr char kHeaderStyle[] = "liaudit_header";
constexpr char kDateStyle[] = "liaudit_date";
constexpr char kDateTimeStyle[] = "liaudit_datetime";
constexpr char kIntegerStyle[] = "liaudit_integer";
constexpr char kWrapStyle[] = "liaudit_wrap";

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// Column letters of a 0-based column index: 0 -> A, 26 -> AA.
std::string ColumnLetters(size_t c) {
  std::string s;
  for (size_t n = c + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (n - 1) % 26));
  return s;
}

// A sheet name inside an ODF cell-range address: quoted, quotes doubled.
std::string QuotedSheet(const std::string& name) {
  std::string q = "'";
  for (char c : name) {
    q += c;
    if (c == '\'') q += '\'';
  }
  return q + "'";
}

std::string RangeAddress(const std::string& sheet, size_t c0, int64_t r0, size_t c1, int64_t r1) {
  std::string s = QuotedSheet(sheet);
  return s + "." + ColumnLetters(c0) + std::to_string(r0) + ":" + s + "." + ColumnLetters(c1) + std::to_string(r1);
}

std::string Inches(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4fin", v);
  return buf;
}

// xsd:dateTime in UTC of a Taipei local time.
std::string UtcIso(LocalTime local) {
  const LocalTime utc = local - kTaipeiUtcOffsetSeconds;
  return FormatIsoDate(DateOf(utc)) + "T" + FormatClock(SecondOfDay(utc)) + "Z";
}

// Writes "YYYY-MM-DD" to buf (11 bytes with the NUL).
void IsoDate(Date d, char* buf) {
  Civil c = CivilFromDate(d);
  std::snprintf(buf, 11, "%04d-%02d-%02d", c.year, c.month, c.day);
}

// What the cell shows (the cached text:p; LibreOffice recomputes it from the value).
void RocDate(Date d, char* buf, size_t size) {
  Civil c = CivilFromDate(d);
  std::snprintf(buf, size, "%d/%02d/%02d", c.year - 1911, c.month, c.day);
}

// True when text needs more than one plain text:p: line breaks, tabs, control
// characters, or spaces that XML whitespace rules would collapse (leading, trailing,
// doubled). Plain text is the fast path.
// Cells written as empty: no value, a number with no cell form (NaN, infinity), and
// empty text (the XLSX writer leaves those blank too, so the twins agree).
bool IsBlank(const Cell& c) {
  switch (c.kind()) {
    case Cell::Kind::kEmpty: return true;
    case Cell::Kind::kNumber: return !std::isfinite(c.number());
    case Cell::Kind::kText: return c.text().empty();
    default: return false;
  }
}

bool NeedsSpans(const std::string& s) {
  if (s.empty()) return false;
  if (s.front() == ' ' || s.back() == ' ') return true;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) return true;
    if (c == ' ' && i + 1 < s.size() && s[i + 1] == ' ') return true;
  }
  return false;
}

// A libzip source that reads content.xml from pieces: text in memory and ranges of
// the temporary row file, one after another, without copying the rows.
struct Piece {
  std::string text;   // when len == 0
  off_t offset = 0;   // into the row file
  uint64_t len = 0;
};

struct ConcatSource {
  int fd = -1;
  std::vector<Piece> pieces;
  time_t mtime = 0;
  // Read position.
  size_t piece = 0;
  uint64_t at = 0;
  zip_error_t error;

  uint64_t Size() const {
    uint64_t n = 0;
    for (const Piece& p : pieces) n += p.len > 0 ? p.len : p.text.size();
    return n;
  }

  static zip_int64_t Callback(void* state, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* s = static_cast<ConcatSource*>(state);
    switch (cmd) {
      case ZIP_SOURCE_OPEN:
        s->piece = 0;
        s->at = 0;
        return 0;
      case ZIP_SOURCE_READ: {
        auto* out = static_cast<char*>(data);
        zip_uint64_t done = 0;
        while (done < len && s->piece < s->pieces.size()) {
          const Piece& p = s->pieces[s->piece];
          const uint64_t size = p.len > 0 ? p.len : p.text.size();
          const uint64_t n = std::min<uint64_t>(len - done, size - s->at);
          if (p.len == 0) {
            std::memcpy(out + done, p.text.data() + s->at, n);
          } else {
            ssize_t got = pread(s->fd, out + done, n, p.offset + static_cast<off_t>(s->at));
            if (got <= 0) {
              zip_error_set(&s->error, ZIP_ER_READ, got < 0 ? errno : EIO);
              return -1;
            }
            done += static_cast<zip_uint64_t>(got);
            s->at += static_cast<uint64_t>(got);
            if (s->at == size) {
              ++s->piece;
              s->at = 0;
            }
            continue;
          }
          done += n;
          s->at += n;
          if (s->at == size) {
            ++s->piece;
            s->at = 0;
          }
        }
        return static_cast<zip_int64_t>(done);
      }
      case ZIP_SOURCE_CLOSE:
        return 0;
      case ZIP_SOURCE_STAT: {
        auto* st = static_cast<zip_stat_t*>(data);
        zip_stat_init(st);
        st->size = s->Size();
        st->mtime = s->mtime;
        st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
        return sizeof(*st);
      }
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&s->error, data, len);
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                              ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
      default:
        zip_error_set(&s->error, ZIP_ER_INVAL, 0);
        return -1;
    }
  }
};

// An XML document built in memory with xmlTextWriter (the small parts).
class MemXml {
 public:
  MemXml() : buf_(xmlBufferCreate()), w_(buf_ ? xmlNewTextWriterMemory(buf_, 0) : nullptr) {
    ok_ = w_ != nullptr && xmlTextWriterStartDocument(w_, "1.0", "UTF-8", nullptr) >= 0;
  }
  ~MemXml() {
    if (w_) xmlFreeTextWriter(w_);
    if (buf_) xmlBufferFree(buf_);
  }
  MemXml(const MemXml&) = delete;
  MemXml& operator=(const MemXml&) = delete;

  MemXml& Open(const char* name) {
    Check(xmlTextWriterStartElement(w_, X(name)));
    return *this;
  }
  MemXml& Attr(const char* name, const std::string& value) {
    Check(xmlTextWriterWriteAttribute(w_, X(name), X(value.c_str())));
    return *this;
  }
  MemXml& Text(const std::string& text) {
    Check(xmlTextWriterWriteString(w_, X(text.c_str())));
    return *this;
  }
  MemXml& Comment(const std::string& text) {
    Check(xmlTextWriterWriteComment(w_, X(text.c_str())));
    return *this;
  }
  MemXml& Close() {
    Check(xmlTextWriterEndElement(w_));
    return *this;
  }
  // <name attr=value .../> in one call.
  MemXml& Empty(const char* name, std::initializer_list<std::pair<const char*, std::string>> attrs) {
    Open(name);
    for (const auto& a : attrs) Attr(a.first, a.second);
    return Close();
  }
  MemXml& Item(const char* name, const char* type, const std::string& value) {
    Open("config:config-item").Attr("config:name", name).Attr("config:type", type).Text(value);
    return Close();
  }
  // The finished document; false when libxml2 failed (out of memory).
  bool Finish(std::string* out) {
    if (!ok_ || xmlTextWriterEndDocument(w_) < 0) return false;
    xmlFreeTextWriter(w_);  // flushes into buf_
    w_ = nullptr;
    out->assign(reinterpret_cast<const char*>(xmlBufferContent(buf_)), static_cast<size_t>(xmlBufferLength(buf_)));
    return true;
  }

 private:
  void Check(int rc) {
    if (rc < 0) ok_ = false;
  }
  xmlBufferPtr buf_;
  xmlTextWriterPtr w_;
  bool ok_ = false;
};

void Namespaces(MemXml* x) {
  x->Attr("xmlns:office", "urn:oasis:names:tc:opendocument:xmlns:office:1.0")
      .Attr("xmlns:style", "urn:oasis:names:tc:opendocument:xmlns:style:1.0")
      .Attr("xmlns:text", "urn:oasis:names:tc:opendocument:xmlns:text:1.0")
      .Attr("xmlns:table", "urn:oasis:names:tc:opendocument:xmlns:table:1.0")
      .Attr("xmlns:number", "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0")
      .Attr("xmlns:fo", "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0")
      .Attr("xmlns:dc", "http://purl.org/dc/elements/1.1/")
      .Attr("xmlns:meta", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0")
      .Attr("xmlns:config", "urn:oasis:names:tc:opendocument:xmlns:config:1.0")
      .Attr("office:version", "1.3");
}

// A 民國 date style: the ROC calendar of the zh-TW locale (LibreOffice shows 2026 as
// 115), month and day with two digits, optionally the time.
void RocDateStyle(MemXml* x, const char* name, bool with_time) {
  x->Open("number:date-style").Attr("style:name", name).Attr("number:language", "zh").Attr("number:country", "TW");
  x->Empty("number:year", {{"number:calendar", "ROC"}});
  x->Open("number:text").Text("/").Close();
  x->Empty("number:month", {{"number:calendar", "ROC"}, {"number:style", "long"}});
  x->Open("number:text").Text("/").Close();
  x->Empty("number:day", {{"number:calendar", "ROC"}, {"number:style", "long"}});
  if (with_time) {
    x->Open("number:text").Text(" ").Close();
    x->Empty("number:hours", {{"number:style", "long"}});
    x->Open("number:text").Text(":").Close();
    x->Empty("number:minutes", {{"number:style", "long"}});
    x->Open("number:text").Text(":").Close();
    x->Empty("number:seconds", {{"number:style", "long"}});
  }
  x->Close();
}

// One finished sheet, as content.xml and settings.xml need it.
struct SheetDone {
  std::string name;
  std::string title;
  std::vector<std::string> headers;
  std::vector<double> widths;  // Excel character units
  bool landscape = false;
  int64_t rows = 0;       // data rows
  off_t begin = 0;        // its rows in the row file
  off_t end = 0;
};

}  // namespace

struct Workbook::Impl {
  std::string path;
  WorkbookOptions options;
  bool closed = false;

  // The temporary row file (unlinked) and the writer streaming rows into it.
  FILE* body = nullptr;
  xmlTextWriterPtr w = nullptr;
  bool write_failed = false;

  sheet::SheetNamer names;
  std::string first_title;
  std::vector<SheetDone> done;

  // The current sheet.
  bool open = false;
  SheetSpec spec;
  std::string name;
  std::unique_ptr<sheet::WidthFit> fit;
  int64_t rows = 0;
  int64_t pending_empty = 0;  // empty rows not yet written (one repeated row element)
  off_t begin = 0;
  std::string scratch;
  std::string piece;

  ~Impl() { Discard(); }
  void Discard() {
    if (w) xmlFreeTextWriter(w);  // also closes `body` through its output buffer
    w = nullptr;
    body = nullptr;
  }

  void Check(int rc) {
    if (rc < 0) write_failed = true;
  }
  Status WriteError(const std::string& what) const {
    return Status::IoError("ods: cannot write the temporary row file for " + path + " (" + what +
                           "; disk full?)");
  }
  off_t Offset() {
    Check(xmlTextWriterFlush(w));
    if (std::fflush(body) != 0) write_failed = true;
    return ftello(body);
  }

  Status StartSheet(const SheetSpec& s);
  Status FinishSheet();
  void FlushEmptyRows();
  void PutText(const std::string& text, size_t col, bool fit_it);
  void PutSpans(const std::string& text);
  Status Package();
  bool Content(std::vector<Piece>* pieces);
  bool Styles(std::string* out) const;
  bool Meta(std::string* out) const;
  bool Settings(std::string* out) const;
};

Status Workbook::Impl::StartSheet(const SheetSpec& s) {
  if (s.columns.empty()) return Status::InvalidInput("ods: sheet '" + s.name + "' has no columns");
  if (s.columns.size() > kMaxColumns)
    return Status::InvalidInput("ods: sheet '" + s.name + "' has more columns than a spreadsheet allows");
  spec = s;
  name = names.Unique(s.name);
  fit = std::make_unique<sheet::WidthFit>(spec.columns);
  rows = 0;
  pending_empty = 0;
  open = true;
  if (first_title.empty()) first_title = s.title;
  begin = Offset();
  if (write_failed || begin < 0) return WriteError(std::strerror(errno));
  return Status::OK();
}

void Workbook::Impl::FlushEmptyRows() {
  if (pending_empty == 0) return;
  Check(xmlTextWriterStartElement(w, X("table:table-row")));
  if (pending_empty > 1)
    Check(xmlTextWriterWriteAttribute(w, X("table:number-rows-repeated"), X(std::to_string(pending_empty).c_str())));
  Check(xmlTextWriterStartElement(w, X("table:table-cell")));
  Check(xmlTextWriterEndElement(w));
  Check(xmlTextWriterEndElement(w));
  pending_empty = 0;
}

Status Workbook::Impl::FinishSheet() {
  if (!open) return Status::OK();
  open = false;
  FlushEmptyRows();
  SheetDone d;
  d.name = name;
  d.title = spec.title;
  for (const auto& c : spec.columns) d.headers.push_back(c.header);
  for (size_t c = 0; c < spec.columns.size(); ++c) d.widths.push_back(fit->Width(c));
  d.landscape = fit->Landscape(spec.landscape);
  d.rows = rows;
  d.begin = begin;
  d.end = Offset();
  if (write_failed || d.end < 0) return WriteError(std::strerror(errno));
  done.push_back(std::move(d));
  return Status::OK();
}

// Text in paragraphs: a line break starts a paragraph, a tab is <text:tab/>, a run
// of n spaces is one space plus <text:s text:c="n-1"/> (leading: all of them),
// other control characters become U+FFFD.
void Workbook::Impl::PutSpans(const std::string& t) {
  Check(xmlTextWriterStartElement(w, X("text:p")));
  std::string run;
  auto flush = [&] {
    if (!run.empty()) Check(xmlTextWriterWriteString(w, X(run.c_str())));
    run.clear();
  };
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
      flush();
      Check(xmlTextWriterEndElement(w));
      Check(xmlTextWriterStartElement(w, X("text:p")));
    } else if (c == '\t') {
      flush();
      Check(xmlTextWriterStartElement(w, X("text:tab")));
      Check(xmlTextWriterEndElement(w));
    } else if (c == ' ') {
      size_t j = i;
      while (j < t.size() && t[j] == ' ') ++j;
      size_t n = j - i;
      const bool at_start = run.empty() && (i == 0 || t[i - 1] == '\n' || t[i - 1] == '\r' || t[i - 1] == '\t');
      if (n == 1 && !at_start && j < t.size() && t[j] != '\n' && t[j] != '\r') {
        run += ' ';
      } else {
        if (!at_start) {
          run += ' ';
          --n;
        }
        flush();
        if (n > 0) {
          Check(xmlTextWriterStartElement(w, X("text:s")));
          if (n > 1) Check(xmlTextWriterWriteAttribute(w, X("text:c"), X(std::to_string(n).c_str())));
          Check(xmlTextWriterEndElement(w));
        }
      }
      i = j - 1;
    } else if (u < 0x20) {
      run += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      run += c;
    }
  }
  flush();
  Check(xmlTextWriterEndElement(w));
}

void Workbook::Impl::PutText(const std::string& text, size_t col, bool fit_it) {
  const std::string& t = sheet::CellText(text, &scratch);
  if (fit_it) fit->FitText(col, t);
  Check(xmlTextWriterStartElement(w, X("table:table-cell")));
  if (t.find('\n') != std::string::npos || t.find('\r') != std::string::npos)
    Check(xmlTextWriterWriteAttribute(w, X("table:style-name"), X(kWrapStyle)));
  Check(xmlTextWriterWriteAttribute(w, X("office:value-type"), X("string")));
  if (NeedsSpans(t)) {
    PutSpans(t);
  } else {
    Check(xmlTextWriterStartElement(w, X("text:p")));
    Check(xmlTextWriterWriteString(w, X(t.c_str())));
    Check(xmlTextWriterEndElement(w));
  }
  Check(xmlTextWriterEndElement(w));
}

Workbook::Workbook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Workbook::~Workbook() = default;

// libxml2 prints its own errors (a full disk: "I/O error : write error") to stderr;
// every failure comes back as a Status naming the file instead. libxml2 keeps the
// handler per thread, so it is set on the thread that writes.
void SilentXmlError(void*, const char*, ...) {}

Status Workbook::Create(const std::string& path, const WorkbookOptions& options, std::unique_ptr<Workbook>* out) {
  out->reset();
  xmlSetGenericErrorFunc(nullptr, SilentXmlError);
  if (path.empty()) return Status::InvalidInput("ods: empty output path");
  // The package is written at Close(), after all the work; find an unwritable path
  // now. An existing file is opened for append so it is left intact.
  {
    struct stat st;
    const bool existed = stat(path.c_str(), &st) == 0;
    FILE* probe = std::fopen(path.c_str(), existed ? "ab" : "wb");
    if (probe == nullptr) return Status::IoError("ods: cannot write " + path + ": " + std::strerror(errno));
    std::fclose(probe);
    if (!existed) std::remove(path.c_str());
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  impl->options.deflate_level = std::clamp(options.deflate_level, 1, 9);

  std::string dir = options.tmpdir;
  if (dir.empty()) {
    size_t slash = path.rfind('/');
    dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  }
  std::string tmpl = dir + "/.liaudit-ods-XXXXXX";
  int fd = mkstemp(&tmpl[0]);  // mode 0600
  if (fd < 0) return Status::IoError("ods: cannot create a temporary file in " + dir + " for " + path + ": " + std::strerror(errno));
  unlink(tmpl.c_str());  // nothing to clean up, even after a crash
  impl->body = fdopen(fd, "w+b");
  if (impl->body == nullptr) {
    close(fd);
    return Status::IoError("ods: cannot open a temporary file for " + path + ": " + std::strerror(errno));
  }
  xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(impl->body, nullptr);
  if (ob == nullptr) {
    std::fclose(impl->body);
    return Status::Internal("ods: cannot start " + path + " (out of memory)");
  }
  ob->closecallback = [](void* ctx) { return std::fclose(static_cast<FILE*>(ctx)); };
  impl->w = xmlNewTextWriter(ob);
  if (impl->w == nullptr) {
    xmlOutputBufferClose(ob);
    return Status::Internal("ods: cannot start " + path + " (out of memory)");
  }
  out->reset(new Workbook(std::move(impl)));
  return Status::OK();
}

Status Workbook::AddSheet(const SheetSpec& spec) {
  Impl& m = *impl_;
  if (m.closed) return Status::Internal("ods: AddSheet after Close on " + m.path);
  LIAUDIT_RETURN_IF_ERROR(m.FinishSheet());
  return m.StartSheet(spec);
}

Status Workbook::AppendRow(const Cell* cells, size_t n) {
  Impl& m = *impl_;
  if (m.closed) return Status::Internal("ods: AppendRow after Close on " + m.path);
  if (!m.open) return Status::Internal("ods: AppendRow before AddSheet on " + m.path);
  if (n > m.spec.columns.size())
    return Status::InvalidInput("ods: " + m.path + ": sheet '" + m.name + "': row has " + std::to_string(n) +
                                " cells but the sheet has " + std::to_string(m.spec.columns.size()) + " columns");
  if (m.rows == sheet::kMaxDataRows) {
    // LibreOffice's row limit (Excel's): carry on in a continuation sheet, as the XLSX does.
    SheetSpec next = m.spec;
    LIAUDIT_RETURN_IF_ERROR(m.FinishSheet());
    LIAUDIT_RETURN_IF_ERROR(m.StartSheet(next));
  }
  // Trailing empty cells need no element; a row without values joins a repeated row.
  size_t last = n;
  while (last > 0 && IsBlank(cells[last - 1])) --last;
  ++m.rows;
  if (last == 0) {
    ++m.pending_empty;
    return Status::OK();
  }
  m.FlushEmptyRows();
  xmlTextWriterPtr w = m.w;
  sheet::WidthFit& fit = *m.fit;
  char value[40];
  char shown[40];
  m.Check(xmlTextWriterStartElement(w, X("table:table-row")));
  int empties = 0;
  for (size_t i = 0; i < last; ++i) {
    const Cell& cell = cells[i];
    const Cell::Kind kind = cell.kind();
    if (IsBlank(cell)) {
      ++empties;
      continue;
    }
    if (empties > 0) {
      m.Check(xmlTextWriterStartElement(w, X("table:table-cell")));
      if (empties > 1)
        m.Check(xmlTextWriterWriteAttribute(w, X("table:number-columns-repeated"), X(std::to_string(empties).c_str())));
      m.Check(xmlTextWriterEndElement(w));
      empties = 0;
    }
    const char* style = nullptr;
    const char* type = "float";
    const char* value_attr = "office:value";
    switch (kind) {
      case Cell::Kind::kText:
        m.PutText(cell.text(), i, true);
        continue;
      case Cell::Kind::kInteger: {
        auto r = std::to_chars(value, value + sizeof value - 1, cell.integer());
        *r.ptr = '\0';
        std::memcpy(shown, value, static_cast<size_t>(r.ptr - value) + 1);
        style = kIntegerStyle;
        fit.FitInteger(i, cell.integer());
        break;
      }
      case Cell::Kind::kNumber: {
        auto r = std::to_chars(value, value + sizeof value - 1, cell.number());
        *r.ptr = '\0';
        std::memcpy(shown, value, static_cast<size_t>(r.ptr - value) + 1);
        fit.FitNumber(i, cell.number());
        break;
      }
      case Cell::Kind::kDate: {
        const auto d = static_cast<Date>(cell.integer());
        if (d < kFirstDate || d > kLastDate) {
          m.PutText(FormatIsoDate(d), i, true);
          continue;
        }
        IsoDate(d, value);
        RocDate(d, shown, sizeof shown);
        type = "date";
        value_attr = "office:date-value";
        style = kDateStyle;
        fit.FitDate(i);
        break;
      }
      case Cell::Kind::kDateTime: {
        const LocalTime t = cell.integer();
        const Date d = DateOf(t);
        if (d < kFirstDate || d > kLastDate) {
          m.PutText(FormatIsoTime(t), i, true);
          continue;
        }
        const int s = SecondOfDay(t);
        IsoDate(d, value);
        std::snprintf(value + 10, sizeof value - 10, "T%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        RocDate(d, shown, sizeof shown);
        const size_t len = std::strlen(shown);
        std::snprintf(shown + len, sizeof shown - len, " %02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        type = "date";
        value_attr = "office:date-value";
        style = kDateTimeStyle;
        fit.FitDateTime(i);
        break;
      }
      case Cell::Kind::kEmpty:
        break;
    }
    m.Check(xmlTextWriterStartElement(w, X("table:table-cell")));
    if (style != nullptr) m.Check(xmlTextWriterWriteAttribute(w, X("table:style-name"), X(style)));
    m.Check(xmlTextWriterWriteAttribute(w, X("office:value-type"), X(type)));
    m.Check(xmlTextWriterWriteAttribute(w, X(value_attr), X(value)));
    m.Check(xmlTextWriterStartElement(w, X("text:p")));
    m.Check(xmlTextWriterWriteRaw(w, X(shown)));  // digits, '/', ':', '-', '.', 'e', '+': nothing to escape
    m.Check(xmlTextWriterEndElement(w));
    m.Check(xmlTextWriterEndElement(w));
  }
  m.Check(xmlTextWriterEndElement(w));
  if (m.write_failed) {
    --m.rows;
    return m.WriteError(std::strerror(errno));
  }
  return Status::OK();
}

// content.xml: the skeleton (styles, each sheet's columns and header rows, the
// database ranges) is one xmlTextWriter document with a comment where each sheet's
// rows go; it is cut at the comments and the row file ranges go between the cuts.
bool Workbook::Impl::Content(std::vector<Piece>* pieces) {
  MemXml x;
  x.Open("office:document-content");
  Namespaces(&x);
  x.Open("office:automatic-styles");
  for (size_t s = 0; s < done.size(); ++s) {
    for (size_t c = 0; c < done[s].widths.size(); ++c) {
      x.Open("style:style").Attr("style:name", "co" + std::to_string(s) + "_" + std::to_string(c)).Attr("style:family", "table-column");
      x.Empty("style:table-column-properties",
              {{"fo:break-before", "auto"}, {"style:column-width", Inches(done[s].widths[c] * kInchPerUnit + kInchOffset)}});
      x.Close();
    }
  }
  for (const char* orient : {"portrait", "landscape"}) {
    x.Open("style:style").Attr("style:name", std::string("ta_") + orient).Attr("style:family", "table")
        .Attr("style:master-page-name", std::string("liaudit_") + orient);
    x.Empty("style:table-properties", {{"table:display", "true"}, {"style:writing-mode", "lr-tb"}});
    x.Close();
  }
  x.Open("style:style").Attr("style:name", "ro_title").Attr("style:family", "table-row");
  x.Empty("style:table-row-properties", {{"style:row-height", "24pt"}, {"style:use-optimal-row-height", "false"}});
  x.Close();
  x.Close();  // automatic-styles
  x.Open("office:body").Open("office:spreadsheet");
  for (size_t s = 0; s < done.size(); ++s) {
    const SheetDone& d = done[s];
    const size_t ncols = d.headers.size();
    const int64_t last_row = sheet::kHeaderRows + d.rows;
    x.Open("table:table").Attr("table:name", d.name).Attr("table:style-name", d.landscape ? "ta_landscape" : "ta_portrait")
        .Attr("table:print-ranges", RangeAddress(d.name, 0, 1, ncols - 1, last_row));
    for (size_t c = 0; c < ncols; ++c)
      x.Empty("table:table-column", {{"table:style-name", "co" + std::to_string(s) + "_" + std::to_string(c)},
                                     {"table:default-cell-style-name", "Default"}});
    x.Open("table:table-header-rows");
    x.Open("table:table-row").Attr("table:style-name", "ro_title");
    x.Open("table:table-cell");
    if (!d.title.empty()) {
      x.Attr("table:style-name", kTitleStyle).Attr("office:value-type", "string");
      x.Open("text:p").Text(sheet::CellText(d.title, &scratch)).Close();
    }
    x.Close().Close();
    x.Open("table:table-row");
    for (const std::string& h : d.headers) {
      x.Open("table:table-cell").Attr("table:style-name", kHeaderStyle);
      if (!h.empty()) x.Attr("office:value-type", "string").Open("text:p").Text(sheet::CellText(h, &scratch)).Close();
      x.Close();
    }
    x.Close().Close();  // row, header-rows
    x.Comment("liaudit-rows-" + std::to_string(s));
    x.Close();  // table
  }
  x.Open("table:database-ranges");
  for (size_t s = 0; s < done.size(); ++s) {
    const SheetDone& d = done[s];
    x.Empty("table:database-range",
            {{"table:name", "__Anonymous_Sheet_DB__" + std::to_string(s)},
             {"table:target-range-address", RangeAddress(d.name, 0, 2, d.headers.size() - 1, sheet::kHeaderRows + d.rows)},
             {"table:display-filter-buttons", "true"}});
  }
  x.Close().Close().Close().Close();
  std::string xml;
  if (!x.Finish(&xml)) return false;
  size_t at = 0;
  for (size_t s = 0; s < done.size(); ++s) {
    const std::string marker = "<!--liaudit-rows-" + std::to_string(s) + "-->";
    size_t m = xml.find(marker, at);
    if (m == std::string::npos) return false;
    pieces->push_back(Piece{xml.substr(at, m - at), 0, 0});
    if (done[s].end > done[s].begin)
      pieces->push_back(Piece{std::string(), done[s].begin, static_cast<uint64_t>(done[s].end - done[s].begin)});
    at = m + marker.size();
  }
  pieces->push_back(Piece{xml.substr(at), 0, 0});
  return true;
}

bool Workbook::Impl::Styles(std::string* out) const {
  MemXml x;
  x.Open("office:document-styles");
  Namespaces(&x);
  x.Open("office:styles");
  x.Open("number:number-style").Attr("style:name", "N_integer");
  x.Empty("number:number", {{"number:decimal-places", "0"}, {"number:min-decimal-places", "0"}, {"number:min-integer-digits", "1"}});
  x.Close();
  RocDateStyle(&x, "N_roc_date", false);
  RocDateStyle(&x, "N_roc_datetime", true);
  x.Open("style:style").Attr("style:name", "Default").Attr("style:family", "table-cell").Close();
  x.Open("style:style").Attr("style:name", kTitleStyle).Attr("style:family", "table-cell").Attr("style:parent-style-name", "Default");
  x.Empty("style:text-properties", {{"fo:font-size", "14pt"}, {"fo:font-weight", "bold"},
                                    {"style:font-size-asian", "14pt"}, {"style:font-weight-asian", "bold"},
                                    {"style:font-size-complex", "14pt"}, {"style:font-weight-complex", "bold"}});
  x.Close();
  x.Open("style:style").Attr("style:name", kHeaderStyle).Attr("style:family", "table-cell").Attr("style:parent-style-name", "Default");
  x.Empty("style:table-cell-properties", {{"fo:background-color", "#ddebf7"}, {"fo:border", "0.75pt solid #000000"},
                                          {"style:vertical-align", "middle"}});
  x.Empty("style:paragraph-properties", {{"fo:text-align", "center"}});
  x.Empty("style:text-properties", {{"fo:font-weight", "bold"}, {"style:font-weight-asian", "bold"},
                                    {"style:font-weight-complex", "bold"}});
  x.Close();
  const std::pair<const char*, const char*> data_styles[] = {
      {kDateStyle, "N_roc_date"}, {kDateTimeStyle, "N_roc_datetime"}, {kIntegerStyle, "N_integer"}};
  for (const auto& ds : data_styles)
    x.Empty("style:style", {{"style:name", ds.first}, {"style:family", "table-cell"},
                            {"style:parent-style-name", "Default"}, {"style:data-style-name", ds.second}});
  x.Open("style:style").Attr("style:name", kWrapStyle).Attr("style:family", "table-cell").Attr("style:parent-style-name", "Default");
  x.Empty("style:table-cell-properties", {{"fo:wrap-option", "wrap"}, {"style:vertical-align", "top"}});
  x.Close();
  x.Close();  // styles
  x.Open("office:automatic-styles");
  for (const char* orient : {"portrait", "landscape"}) {
    const bool land = orient[0] == 'l';
    x.Open("style:page-layout").Attr("style:name", std::string("pm_") + orient);
    // A4; one page wide, as many pages tall as needed.
    x.Empty("style:page-layout-properties",
            {{"fo:page-width", land ? "29.7cm" : "21cm"}, {"fo:page-height", land ? "21cm" : "29.7cm"},
             {"style:print-orientation", orient}, {"fo:margin-top", "1.9cm"}, {"fo:margin-bottom", "1.9cm"},
             {"fo:margin-left", "1.8cm"}, {"fo:margin-right", "1.8cm"}, {"style:scale-to-X", "1"},
             {"style:scale-to-Y", "0"}, {"style:print-page-order", "ttb"}, {"style:writing-mode", "lr-tb"}});
    x.Open("style:footer-style");
    x.Empty("style:header-footer-properties", {{"fo:min-height", "0.75cm"}, {"fo:margin-top", "0.25cm"}});
    x.Close().Close();
  }
  x.Close();
  x.Open("office:master-styles");
  for (const char* orient : {"portrait", "landscape"}) {
    x.Open("style:master-page").Attr("style:name", std::string("liaudit_") + orient).Attr("style:page-layout-name", std::string("pm_") + orient);
    x.Empty("style:header", {{"style:display", "false"}});
    x.Open("style:footer").Open("text:p").Text("第 ").Open("text:page-number").Text("1").Close()
        .Text(" 頁，共 ").Open("text:page-count").Text("1").Close().Text(" 頁").Close().Close();
    x.Close();
  }
  x.Close().Close();
  return x.Finish(out);
}

bool Workbook::Impl::Meta(std::string* out) const {
  const std::string title = options.title.empty() ? first_title : options.title;
  const std::string created = UtcIso(options.created == kNoTime ? NowLocal() : options.created);
  MemXml x;
  x.Open("office:document-meta");
  Namespaces(&x);
  x.Open("office:meta");
  x.Open("meta:generator").Text(std::string("liaudit/") + LIAUDIT_VERSION).Close();
  if (!title.empty()) x.Open("dc:title").Text(title).Close();
  if (!options.subject.empty()) x.Open("dc:subject").Text(options.subject).Close();
  if (!options.author.empty()) {
    x.Open("meta:initial-creator").Text(options.author).Close();
    x.Open("dc:creator").Text(options.author).Close();
  }
  x.Open("meta:creation-date").Text(created).Close();
  x.Open("dc:date").Text(created).Close();
  x.Open("dc:language").Text("zh-TW").Close();
  if (!options.company.empty())
    x.Open("meta:user-defined").Attr("meta:name", "Company").Attr("meta:value-type", "string").Text(options.company).Close();
  x.Close().Close();
  return x.Finish(out);
}

// The view: every sheet frozen below the header rows (LibreOffice's view settings:
// vertical split mode 2 = frozen, at row 2, the bottom pane active and scrolled to row 2).
bool Workbook::Impl::Settings(std::string* out) const {
  MemXml x;
  x.Open("office:document-settings");
  Namespaces(&x);
  x.Open("office:settings").Open("config:config-item-set").Attr("config:name", "ooo:view-settings");
  x.Open("config:config-item-map-indexed").Attr("config:name", "Views").Open("config:config-item-map-entry");
  x.Item("ViewId", "string", "view1");
  x.Open("config:config-item-map-named").Attr("config:name", "Tables");
  const std::string split = std::to_string(sheet::kHeaderRows);
  for (const SheetDone& d : done) {
    x.Open("config:config-item-map-entry").Attr("config:name", d.name);
    x.Item("CursorPositionX", "int", "0");
    x.Item("CursorPositionY", "int", split);
    x.Item("HorizontalSplitMode", "short", "0");
    x.Item("VerticalSplitMode", "short", "2");
    x.Item("HorizontalSplitPosition", "int", "0");
    x.Item("VerticalSplitPosition", "int", split);
    x.Item("ActiveSplitRange", "short", "2");
    x.Item("PositionLeft", "int", "0");
    x.Item("PositionRight", "int", "0");
    x.Item("PositionTop", "int", "0");
    x.Item("PositionBottom", "int", split);
    x.Close();
  }
  x.Close();
  x.Item("ActiveTable", "string", done.front().name);
  x.Close().Close().Close().Close().Close();
  return x.Finish(out);
}

Status Workbook::Impl::Package() {
  std::vector<Piece> content;
  std::string styles, meta, settings;
  if (!Content(&content) || !Styles(&styles) || !Meta(&meta) || !Settings(&settings))
    return Status::Internal("ods: " + path + ": cannot build the XML parts (out of memory)");
  MemXml mx;
  mx.Open("manifest:manifest").Attr("xmlns:manifest", "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0")
      .Attr("manifest:version", "1.3");
  mx.Empty("manifest:file-entry", {{"manifest:full-path", "/"}, {"manifest:version", "1.3"}, {"manifest:media-type", kMimeType}});
  for (const char* part : {"content.xml", "styles.xml", "meta.xml", "settings.xml"})
    mx.Empty("manifest:file-entry", {{"manifest:full-path", part}, {"manifest:media-type", "text/xml"}});
  mx.Close();
  std::string manifest;
  if (!mx.Finish(&manifest)) return Status::Internal("ods: " + path + ": cannot build the manifest (out of memory)");

  const time_t mtime = static_cast<time_t>((options.created == kNoTime ? NowLocal() : options.created) - kTaipeiUtcOffsetSeconds);
  int zerr = 0;
  zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  if (za == nullptr) {
    zip_error_t e;
    zip_error_init_with_code(&e, zerr);
    Status st = Status::IoError("ods: cannot write " + path + ": " + zip_error_strerror(&e));
    zip_error_fini(&e);
    return st;
  }
  auto fail = [&](const std::string& what) {
    Status st = Status::IoError("ods: cannot write " + path + ": " + what + ": " + zip_strerror(za));
    zip_discard(za);
    return st;
  };
  // Adds one part from memory (the buffer must outlive zip_close).
  auto add = [&](const char* part, const std::string& data, bool store) -> bool {
    zip_source_t* src = zip_source_buffer(za, data.data(), data.size(), 0);
    if (src == nullptr) return false;
    zip_int64_t idx = zip_file_add(za, part, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      return false;
    }
    const auto i = static_cast<zip_uint64_t>(idx);
    return zip_set_file_compression(za, i, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                    store ? 0 : static_cast<zip_uint32_t>(options.deflate_level)) == 0 &&
           zip_file_set_mtime(za, i, mtime, 0) == 0;
  };
  const std::string mimetype = kMimeType;
  if (!add("mimetype", mimetype, true)) return fail("mimetype");
  if (!add("META-INF/manifest.xml", manifest, false)) return fail("manifest");
  if (!add("meta.xml", meta, false)) return fail("meta.xml");
  if (!add("styles.xml", styles, false)) return fail("styles.xml");
  if (!add("settings.xml", settings, false)) return fail("settings.xml");

  ConcatSource cs;
  cs.fd = fileno(body);
  cs.pieces = std::move(content);
  cs.mtime = mtime;
  zip_error_init(&cs.error);
  zip_source_t* src = zip_source_function(za, &ConcatSource::Callback, &cs);
  if (src == nullptr) return fail("content.xml");
  zip_int64_t idx = zip_file_add(za, "content.xml", src, ZIP_FL_ENC_UTF_8);
  if (idx < 0) {
    zip_source_free(src);
    return fail("content.xml");
  }
  if (zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE,
                               static_cast<zip_uint32_t>(options.deflate_level)) != 0 ||
      zip_file_set_mtime(za, static_cast<zip_uint64_t>(idx), mtime, 0) != 0)
    return fail("content.xml");
  // libzip writes a temporary file beside `path` and renames it over `path` only
  // when everything is written.
  if (zip_close(za) != 0) {
    Status st = Status::IoError("ods: cannot write " + path + ": " + zip_strerror(za));
    zip_discard(za);
    zip_error_fini(&cs.error);
    return st;
  }
  zip_error_fini(&cs.error);
  return Status::OK();
}

Status Workbook::Close() {
  Impl& m = *impl_;
  if (m.closed) return Status::Internal("ods: Close called twice on " + m.path);
  m.closed = true;
  Status st = m.FinishSheet();
  if (st.ok() && m.done.empty()) st = Status::InvalidInput("ods: " + m.path + ": workbook has no sheets");
  if (st.ok()) st = m.Package();
  m.Discard();
  return st;
}

const std::string& Workbook::sheet_name() const { return impl_->name; }
int64_t Workbook::sheet_rows() const { return impl_->rows; }

}  // namespace liaudit::ods
