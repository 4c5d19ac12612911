#include "ingest/parse.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/digest.h"
#include "core/text.h"
#include "ingest/columns.h"
#include "ingest/csv.h"
#include "ingest/encoding.h"
#include "ingest/rows.h"

namespace liaudit::ingest {
namespace {

constexpr size_t kChunk = 1 << 20;

// An open file descriptor, closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status OpenForReading(const std::string& path, int* fd) {
  *fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (*fd < 0) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(*fd);
    *fd = -1;
    return Status::IoError(path + ": not a regular file");
  }
  return Status::OK();
}

// Reads up to n bytes (fewer only at end of file). EINTR is retried.
Status ReadFull(int fd, const std::string& path, char* buf, size_t n, size_t* got) {
  *got = 0;
  while (*got < n) {
    ssize_t r = ::read(fd, buf + *got, n - *got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(path + ": read error: " + std::strerror(errno));
    }
    if (r == 0) break;
    *got += static_cast<size_t>(r);
  }
  return Status::OK();
}

// Pass 1: hash, size, and encoding. Reading twice is cheaper than it sounds (the file is in
// the page cache the second time) and is what lets a bad file be refused before a single
// row reaches the sink.
Status Inspect(int fd, const std::string& path, SourceInfo* info, Encoding* enc) {
  Sha256Stream sha;
  std::string buf(kChunk, '\0');
  Utf8Validator v;
  int64_t total = 0;
  bool bom = false;
  for (;;) {
    size_t got = 0;
    LIAUDIT_RETURN_IF_ERROR(ReadFull(fd, path, buf.data(), buf.size(), &got));
    if (got == 0) break;
    if (total == 0) bom = got >= 3 && std::memcmp(buf.data(), "\xEF\xBB\xBF", 3) == 0;
    sha.Update(buf.data(), got);
    v.Feed(std::string_view(buf.data(), got));
    total += static_cast<int64_t>(got);
  }
  v.Finish();
  info->bytes = total;
  info->sha256 = sha.FinishHex();
  if (!sha.ok()) return Status::Internal(path + ": OpenSSL SHA-256 failed");
  if (total == 0) return Status::InvalidInput(path + ": empty file (0 bytes): no header");
  if (v.ok()) {
    *enc = bom ? Encoding::kUtf8Bom : Encoding::kUtf8;
    info->encoding = EncodingName(*enc);
    return Status::OK();
  }
  unsigned char bad_byte = 0;
  if (::pread(fd, &bad_byte, 1, static_cast<off_t>(v.bad_offset())) != 1) bad_byte = 0;
  // Not UTF-8: try CP950 from the start.
  if (::lseek(fd, 0, SEEK_SET) != 0) return Status::IoError(path + ": cannot rewind: " + std::strerror(errno));
  Cp950Decoder d;
  if (!d.init_status().ok()) return d.init_status();
  std::string out;
  bool cp_ok = true;
  for (;;) {
    size_t got = 0;
    LIAUDIT_RETURN_IF_ERROR(ReadFull(fd, path, buf.data(), buf.size(), &got));
    if (got == 0) break;
    out.clear();
    if (!d.Decode(std::string_view(buf.data(), got), &out)) {
      cp_ok = false;
      break;
    }
  }
  if (cp_ok) cp_ok = d.Finish();
  if (!cp_ok) {
    char head[512];
    const ssize_t got = ::pread(fd, head, sizeof head, 0);
    return Status::InvalidInput(NeitherEncodingMessage(path, v.bad_offset(), bad_byte, d.bad_offset()) +
                                (got > 0 ? Utf16Hint(std::string_view(head, static_cast<size_t>(got))) : ""));
  }
  *enc = Encoding::kCp950;
  info->encoding = EncodingName(*enc);
  return Status::OK();
}

// Pass 2's text: the file's bytes as UTF-8 (BOM skipped, CP950 decoded in large chunks).
class FileText : public TextSource {
 public:
  FileText(int fd, const std::string& path, Encoding enc) : fd_(fd), path_(path), enc_(enc) {}
  int64_t bytes_read() const { return bytes_read_; }
  Status Init() {
    off_t start = enc_ == Encoding::kUtf8Bom ? 3 : 0;
    bytes_read_ = start;
    if (::lseek(fd_, start, SEEK_SET) != start) return Status::IoError(path_ + ": cannot rewind: " + std::strerror(errno));
    if (enc_ == Encoding::kCp950) {
      dec_ = std::make_unique<Cp950Decoder>();
      return dec_->init_status();
    }
    return Status::OK();
  }
  Status Read(std::string* out, size_t max, bool* eof) override {
    size_t got = 0;
    if (!dec_) {
      const size_t old = out->size();
      out->resize(old + max);
      Status s = ReadFull(fd_, path_, out->data() + old, max, &got);
      out->resize(old + got);
      bytes_read_ += static_cast<int64_t>(got);
      *eof = got < max;
      return s;
    }
    raw_.resize(max);
    LIAUDIT_RETURN_IF_ERROR(ReadFull(fd_, path_, raw_.data(), max, &got));
    bytes_read_ += static_cast<int64_t>(got);
    *eof = got < max;
    bool ok = dec_->Decode(std::string_view(raw_.data(), got), out);
    if (ok && *eof) ok = dec_->Finish();
    // Pass 1 accepted these bytes, so this means the file changed under us.
    if (!ok)
      return Status::IoError(path_ + ": file changed while being read (invalid CP950 at offset " +
                             std::to_string(dec_->bad_offset()) + ")");
    return Status::OK();
  }

 private:
  int fd_;
  const std::string& path_;
  Encoding enc_;
  std::unique_ptr<Cp950Decoder> dec_;
  std::string raw_;
  int64_t bytes_read_ = 0;
};

// One record object per kind, reused across rows so its strings keep their capacity.
struct Scratch {
  PlatformQuery pq;
  PermissionRecord pr;
  RegistrationRecord rr;
  RequestRow rq;
  StaffRecord sr;
  CalendarDay cd;
};

Status Dispatch(InputKind kind, RowParser* p, const CsvRecord& rec, Sink* sink, Scratch* sc, RowError* err,
                bool* taken) {
  auto& [pq, pr, rr, rq, sr, cd] = *sc;
  *taken = false;
  switch (kind) {
    case InputKind::kPlatform:
      if (!p->Platform(rec.fields, &pq, err)) return Status::OK();
      *taken = true;
      return sink->OnPlatform(pq, rec.line, rec.raw);
    case InputKind::kPermissions:
      if (!p->Permission(rec.fields, &pr, err)) return Status::OK();
      *taken = true;
      return sink->OnPermission(pr, rec.line, rec.raw);
    case InputKind::kRegistrations:
      if (!p->Registration(rec.fields, &rr, err)) return Status::OK();
      *taken = true;
      return sink->OnRegistration(rr, rec.line, rec.raw);
    case InputKind::kRequests:
      if (!p->Request(rec.fields, &rq, err)) return Status::OK();
      *taken = true;
      return sink->OnRequest(rq, rec.line, rec.raw);
    case InputKind::kStaff:
      if (!p->Staff(rec.fields, &sr, err)) return Status::OK();
      *taken = true;
      return sink->OnStaff(sr, rec.line, rec.raw);
    case InputKind::kCalendar:
      if (!p->Calendar(rec.fields, &cd, err)) return Status::OK();
      *taken = true;
      return sink->OnCalendar(cd, rec.line, rec.raw);
  }
  return Status::Internal("unknown input kind");
}


}  // namespace

Status Sha256File(const std::string& path, std::string* hex) {
  int raw_fd = -1;
  LIAUDIT_RETURN_IF_ERROR(OpenForReading(path, &raw_fd));
  Fd fd(raw_fd);
  Sha256Stream sha;
  std::string buf(kChunk, '\0');
  for (;;) {
    size_t got = 0;
    LIAUDIT_RETURN_IF_ERROR(ReadFull(fd.get(), path, buf.data(), buf.size(), &got));
    if (got == 0) break;
    sha.Update(buf.data(), got);
  }
  *hex = sha.FinishHex();
  if (!sha.ok()) return Status::Internal(path + ": OpenSSL SHA-256 failed");
  return Status::OK();
}

namespace {
// The first bytes of a file (for sniffing UTF-16 in a .txt); "" when it cannot be read.
std::string FirstBytes(const std::string& path, size_t n) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";  // never open a FIFO
  std::ifstream in(path, std::ios::binary);
  std::string b(n, '\0');
  if (!in) return "";
  in.read(b.data(), static_cast<std::streamsize>(n));
  b.resize(static_cast<size_t>(in.gcount()));
  return b;
}
}  // namespace

InputFile ClassifyInputPath(const std::string& input_dir, const std::string& path) {
  namespace fs = std::filesystem;
  InputFile out;
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(input_dir), ec).lexically_normal();
  if (ec) return out;
  fs::path p = fs::absolute(fs::path(path), ec).lexically_normal();
  if (ec) return out;
  fs::path rel = p.lexically_relative(dir);
  std::vector<std::string> parts;
  for (const auto& part : rel) parts.push_back(part.string());
  if (parts.empty() || parts[0] == ".." || parts[0] == ".") return out;
  out.in_input_folder = true;
  static const char kWhere[] = " (liaudit reads platform/*.csv, registers/{permissions,registrations,requests,staff}.csv "
                               "and calendar/*.csv)";
  const bool known_folder = parts[0] == "platform" || parts[0] == "registers" || parts[0] == "calendar";
  if (parts.size() == 1) {
    out.ignore = std::string("not in platform/, registers/ or calendar/: not read") + kWhere;
    return out;
  }
  if (!known_folder) {
    const std::string folded = AsciiLower(parts[0]);
    if (folded == "platform" || folded == "registers" || folded == "calendar") {
      // Platform/ made on Windows or a Mac (case-insensitive there, not here).
      out.in_known_folder = true;
      out.ignore = "in " + parts[0] + "/, not " + folded + "/: not read (folder names are case-sensitive here); rename "
                   "the folder to " + folded + "/";
      return out;
    }
    out.ignore = "in a folder liaudit does not read (" + parts[0] + "/): not read" + kWhere;
    return out;
  }
  out.in_known_folder = true;
  if (parts.size() > 2) {
    out.ignore = "in a sub-folder of " + parts[0] + "/: not read; put input files directly in " + parts[0] + "/";
    return out;
  }
  const std::string& name = parts[1];
  const std::string lower = AsciiLower(name);
  const size_t dot = lower.rfind('.');
  const std::string stem = dot == std::string::npos ? lower : lower.substr(0, dot);
  const std::string ext = dot == std::string::npos ? std::string() : lower.substr(dot + 1);
  std::optional<InputKind> kind;
  if (parts[0] == "platform") kind = InputKind::kPlatform;
  else if (parts[0] == "calendar") kind = InputKind::kCalendar;
  else if (stem == "permissions") kind = InputKind::kPermissions;
  else if (stem == "registrations") kind = InputKind::kRegistrations;
  else if (stem == "requests") kind = InputKind::kRequests;
  else if (stem == "staff") kind = InputKind::kStaff;
  if (StartsWith(name, "~$") || StartsWith(name, ".~lock.")) {
    out.ignore = "a spreadsheet program's lock file (the workbook is open somewhere): not read";
    return out;
  }
  if (ext == "csv") {
    if (!kind) {
      out.ignore = "not a register name: not read; a register is permissions.csv, registrations.csv, requests.csv or "
                   "staff.csv";
      return out;
    }
    out.kind = kind;
    return out;
  }
  // A workbook where a CSV belongs, or a register saved as text (Excel's 「Unicode 文字」 is
  // registrations.txt): rejected whole and loudly. Any other .txt (a README) is only listed.
  static const char* kSpreadsheets[] = {"xlsx", "xlsm", "xlsb", "xls", "ods", "fods", "numbers"};
  const bool spreadsheet = std::find(std::begin(kSpreadsheets), std::end(kSpreadsheets), ext) != std::end(kSpreadsheets) ||
                           (parts[0] == "registers" && (ext == "txt" || ext == "tsv"));
  // A .txt or .tsv in platform/ or calendar/ is only refused when it is UTF-16 text (Excel's
  // 「Unicode 文字」 saves tab-separated UTF-16 as .txt): otherwise it may be a note.
  const bool text_ext = ext == "txt" || ext == "tsv";
  const std::string utf16 = kind && text_ext ? Utf16Hint(FirstBytes(path, 512)) : std::string();
  if (kind && (spreadsheet || !utf16.empty())) {
    out.kind = kind;
    const std::string csv_name = parts[0] == "registers" ? stem + ".csv" : name.substr(0, dot) + ".csv";
    // utf16 is " (it is UTF-16: ...; liaudit reads comma-separated CSV: save it as ...)".
    const std::string what = utf16.empty() ? std::string() : utf16.substr(0, utf16.find(';')) + ")";
    out.refuse = "a ." + ext + " file" + what + " where liaudit reads CSV: it is not read. Open it in Excel or "
                 "LibreOffice and save it as \"CSV UTF-8 (comma delimited)\" (CSV UTF-8（逗號分隔）) named " + csv_name +
                 " in " + parts[0] + "/, then remove this file";
    out.csv_name = csv_name;
    out.refuse_beside_csv = "a ." + ext + " file beside " + parts[0] + "/" + csv_name + ": it is ignored, because " +
                            csv_name + " is there and is what liaudit reads" +
                            (parts[0] == "registers" ? " as the " + std::string(InputKindName(*kind)) + " register"
                                                     : std::string()) +
                            ". Remove this file; if it holds newer rows than " + csv_name + ", first save it over " +
                            csv_name + " as \"CSV UTF-8 (comma delimited)\" (CSV UTF-8（逗號分隔）)";
    return out;
  }
  out.ignore = ext.empty() ? std::string("not a .csv file: not read") : "not a .csv file (." + ext + "): not read";
  if (kind && text_ext && parts[0] != "registers")
    out.ignore += "; if it is " + std::string(parts[0] == "platform" ? "a platform export" : "a calendar") +
                  ", open it in Excel or LibreOffice and save it as \"CSV UTF-8 (comma delimited)\" (CSV UTF-8（逗號分隔）) "
                  "named " + name.substr(0, dot) + ".csv in " + parts[0] + "/";
  return out;
}

std::vector<std::string> HeaderAliasesOfFile(const std::string& path, InputKind kind) {
  // A header line is short: 4 KiB almost always hold it; 64 KiB only when they do not (this
  // runs for every file already taken, on every run).
  size_t kHead = 4 * 1024;
  std::string bytes = FirstBytes(path, kHead);
  if (bytes.size() == kHead && bytes.find_first_of("\r\n") == std::string::npos) {
    kHead = 64 * 1024;
    bytes = FirstBytes(path, kHead);
  }
  if (bytes.size() == kHead) {  // cut after the last whole line read (no UTF-8 or Big5 byte is CR or LF)
    const size_t cut = bytes.find_last_of("\r\n");
    if (cut == std::string::npos) return {};
    bytes.resize(cut + 1);
  }
  Encoding enc = Encoding::kUtf8;
  std::string text;
  if (!DecodeBuffer(bytes, path, &enc, &text).ok()) return {};
  StringSource src(text);
  CsvReader reader(&src);
  CsvRecord rec;
  while (reader.Next(&rec)) {
    if (rec.blank()) continue;
    HeaderMap map;
    if (rec.malformed() || !MapHeader(kind, rec.fields, &map).ok()) return {};
    return map.aliases;
  }
  return {};
}

std::optional<InputKind> KindForPath(const std::string& input_dir, const std::string& path) {
  InputFile f = ClassifyInputPath(input_dir, path);
  if (!f.refuse.empty()) return std::nullopt;
  return f.kind;
}

namespace {

// Why a header did not map, when the file's format is the likely cause: a file saved by
// Excel as 「Unicode 文字」 (UTF-16, tab-separated), or with ';' as the list separator. One
// message for the whole file instead of a reject per row.
std::string FormatHint(const CsvRecord& header) {
  const std::string_view raw = header.raw;
  static const char kSave[] = ": save it as \"CSV UTF-8 (comma delimited)\" (CSV UTF-8（逗號分隔）) or as Big5 CSV";
  if (raw.find('\0') != std::string_view::npos) {
    // ASCII text in UTF-32 is valid UTF-8 too: say which of the two it looks like.
    const std::string wide = Utf16Hint(raw);
    if (wide.find("UTF-32") != std::string::npos) return wide;
    return " (the file holds NUL bytes: it looks like UTF-16 without a byte-order mark, e.g. Excel's \"Unicode text\" "
           "(Unicode 文字), which is also tab-separated" + std::string(kSave) + ")";
  }
  // One field (no comma at all): a single tab or semicolon already says how the columns were
  // separated (a two-column calendar "西元日期;是否放假"). Two fields (one comma, perhaps
  // inside a name): only when the other separator clearly dominates. Commas are counted
  // outside quotes in the raw line: a malformed header ("a";"b", every cell quoted) has no
  // fields to count.
  size_t commas = 0;
  bool quoted = false;
  for (char c : raw) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) ++commas;
  }
  if (commas > 1) return "";
  const bool one_field = commas == 0;
  const size_t need = one_field ? 1 : 2;
  const size_t tabs = static_cast<size_t>(std::count(raw.begin(), raw.end(), '\t'));
  const size_t semis = static_cast<size_t>(std::count(raw.begin(), raw.end(), ';'));
  auto count = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  const std::string has = one_field ? "no commas but " : "only one comma but ";
  if (tabs >= need && tabs >= semis)
    return " (the header line has " + has + count(tabs, "tab", "tabs") + ": the file is tab-separated, e.g. " +
           "Excel's \"Text (Tab delimited)\"; liaudit reads comma-separated CSV" + kSave + ")";
  if (semis >= need)
    return " (the header line has " + has + count(semis, "semicolon", "semicolons") + ": the file is " +
           "semicolon-separated (a PC whose list separator is ';'); liaudit reads comma-separated CSV" + kSave + ")";
  return "";
}

// Everything after decoding: header, rows, sink. Shared by ParseFile and ParseBuffer.
Status ParseText(TextSource* text, const std::string& path, InputKind kind, Sink* sink, SourceInfo* info) {
  CsvReader reader(text);
  CsvRecord rec;

  // The header: the first record that is not blank.
  bool have_header = false;
  while (reader.Next(&rec)) {
    if (rec.blank()) continue;
    have_header = true;
    break;
  }
  LIAUDIT_RETURN_IF_ERROR(reader.status());
  if (!have_header) return Status::InvalidInput(path + ": empty file: no header line");
  info->header_raw.assign(rec.raw);
  if (rec.malformed())
    return Status::AtInput(path, rec.line, rec.error_column, "malformed header line: " + rec.error + FormatHint(rec));
  HeaderMap map;
  Status hs = MapHeader(kind, rec.fields, &map);
  if (!hs.ok()) return Status::AtInput(path, rec.line, 0, hs.message() + FormatHint(rec));

  sink->OnHeader(map);
  RowParser parser(map);
  RowError err;
  Scratch scratch;
  Reject rej;
  rej.file = path;
  while (reader.Next(&rec)) {
    if (rec.blank()) {  // empty lines and ",,,," carry no data
      ++info->rows_blank;
      continue;
    }
    ++info->rows_read;
    if (rec.malformed()) {
      err.column = rec.error_column;
      err.reason = "malformed CSV record: " + rec.error;
    } else {
      bool taken = false;
      Status s = Dispatch(kind, &parser, rec, sink, &scratch, &err, &taken);
      if (taken) {
        if (!s.ok()) return s;
        ++info->rows_taken;
        continue;
      }
    }
    ++info->rows_rejected;
    rej.line = rec.line;
    rej.column = err.column;
    rej.reason = err.reason;
    rej.raw.assign(rec.raw);
    rej.key = rec.malformed() ? std::string() : parser.KeyOf(rec.fields);
    sink->OnReject(rej);
  }
  return reader.status();
}

}  // namespace

Status ParseFile(const std::string& path, InputKind kind, Sink* sink, SourceInfo* info_out) {
  SourceInfo local;
  SourceInfo* info = info_out ? info_out : &local;
  *info = SourceInfo();
  info->path = path;
  info->kind = kind;

  int raw_fd = -1;
  LIAUDIT_RETURN_IF_ERROR(OpenForReading(path, &raw_fd));
  Fd fd(raw_fd);
  Encoding enc = Encoding::kUtf8;
  LIAUDIT_RETURN_IF_ERROR(Inspect(fd.get(), path, info, &enc));

  FileText text(fd.get(), path, enc);
  LIAUDIT_RETURN_IF_ERROR(text.Init());
  LIAUDIT_RETURN_IF_ERROR(ParseText(&text, path, kind, sink, info));
  // Pass 1 counted the bytes; a different count now means the file changed in between.
  if (text.bytes_read() != info->bytes)
    return Status::IoError(path + ": file changed while being read (" + std::to_string(info->bytes) + " bytes, then " +
                           std::to_string(text.bytes_read()) + ")");
  return Status::OK();
}

Status ParseBuffer(std::string_view bytes, const std::string& name, InputKind kind, Sink* sink,
                   SourceInfo* info_out) {
  SourceInfo local;
  SourceInfo* info = info_out ? info_out : &local;
  *info = SourceInfo();
  info->path = name;
  info->kind = kind;
  info->bytes = static_cast<int64_t>(bytes.size());
  info->sha256 = Sha256Hex(bytes);
  if (bytes.empty()) return Status::InvalidInput(name + ": empty file (0 bytes): no header");
  Encoding enc = Encoding::kUtf8;
  std::string text;
  LIAUDIT_RETURN_IF_ERROR(DecodeBuffer(bytes, name, &enc, &text));
  info->encoding = EncodingName(enc);
  StringSource src(text);
  return ParseText(&src, name, kind, sink, info);
}

}  // namespace liaudit::ingest
