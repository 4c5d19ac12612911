// Ingestion entry point: one input file's bytes -> normalised records + rejects.
//
// The file is streamed (constant memory whatever its size), its encoding detected
// (see encoding.h), split into RFC 4180 records (csv.h), its header mapped by name
// (columns.h), and every data row normalised and validated per inputs.md (rows.h).
// Good rows go to the Sink as records; bad rows go to Sink::OnReject (quarantined,
// never dropped). Everything handed to the sink is UTF-8.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "core/records.h"
#include "core/status.h"
#include "ingest/columns.h"

namespace liaudit::ingest {

// What ParseFile learned about one source file. Filled even when ParseFile fails
// (as far as it got), so a caller can log the file's hash and encoding.
struct SourceInfo {
  std::string path;      // as given
  InputKind kind = InputKind::kPlatform;
  std::string sha256;    // lower-case hex of the file bytes (OpenSSL EVP), computed while reading
  std::string encoding;  // "UTF-8", "UTF-8-BOM" or "CP950" (empty if the file was rejected before detection)
  int64_t bytes = 0;     // size of the file in bytes
  long rows_read = 0;      // data records seen (excluding header)
  long rows_taken = 0;     // passed to the sink as records
  long rows_rejected = 0;  // passed to Sink::OnReject (rows_read = rows_taken + rows_rejected)
  long rows_blank = 0;     // empty lines and all-empty records (",,,,") skipped: they hold no data
  std::string header_raw;  // the header record decoded to UTF-8 (for the store's provenance)
};

// Receives rows in file order. Any string_view argument is valid only during the call.
class Sink {
 public:
  virtual ~Sink() = default;
  // `line` = 1-based physical line where the record starts; `raw` = the record's original
  // text decoded to UTF-8 (all columns, including extra ones; no trailing line break).
  virtual Status OnPlatform(const PlatformQuery& r, long line, std::string_view raw) = 0;
  virtual Status OnPermission(const PermissionRecord& r, long line, std::string_view raw) = 0;
  virtual Status OnRegistration(const RegistrationRecord& r, long line, std::string_view raw) = 0;
  virtual Status OnRequest(const RequestRow& r, long line, std::string_view raw) = 0;
  virtual Status OnStaff(const StaffRecord& r, long line, std::string_view raw) = 0;
  virtual Status OnCalendar(const CalendarDay& r, long line, std::string_view raw) = 0;
  virtual void OnReject(const Reject& r) = 0;  // a quarantined row (never dropped)
  // The file's header, before its first row: lets a sink name the column of a problem it
  // finds itself (a duplicate key, a conflicting row).
  virtual void OnHeader(const HeaderMap& /*map*/) {}
};

// Streams the file (never loads it whole; constant memory for a 150 MB file), detects the encoding
// (valid UTF-8 -> UTF-8, else CP950 via iconv; neither -> error naming file and first bad byte offset),
// parses RFC 4180, maps the header by Chinese canonical name or English alias in any order, normalises
// and validates every row per inputs.md, and calls the sink. A non-OK Status (whole file rejected:
// bad encoding, missing required column (named), empty file, no header, I/O) means no row of it was
// passed to the sink. A non-OK Status returned by the sink aborts and is returned.
// `info` may be null.
// Details (docs/ingest.md): the file is read twice (pass 1: SHA-256 + encoding check; pass 2:
// parse), so an encoding error is found before any row is sent. Only two errors can come after
// rows were sent: a read error in pass 2, and a file whose size changed between the passes;
// both are IoError and the caller should roll back what it took from that file.
// Blank records are skipped (rows_blank); every other record is either taken or rejected.
Status ParseFile(const std::string& path, InputKind kind, Sink* sink, SourceInfo* info);

// The same for bytes already in memory (tests, fuzzing, small inputs): `name` stands for
// the path in messages and rejects. Loads the decoded text whole, so not for big files.
Status ParseBuffer(std::string_view bytes, const std::string& name, InputKind kind, Sink* sink, SourceInfo* info);

// What a file found under the input folder is to ingest.
struct InputFile {
  std::optional<InputKind> kind;  // the kind it is (or, for `refuse`, the kind it stands for)
  std::string refuse;   // non-empty: a register or export saved in a form liaudit does not read
                        // (registrations.xlsx, liq_0701.ods): reject it whole with this message
  std::string csv_name;  // with `refuse`: the CSV it should be saved as (registrations.csv, liq_0701.csv)
  std::string refuse_beside_csv;  // with `refuse`: the message instead when that CSV is there and
                                  // taken (the workbook is ignored; saving it again is not asked for)
  std::string ignore;   // non-empty: not an input file (why; for the log and the manifest)
  bool in_input_folder = false;  // under input_dir at all
  bool in_known_folder = false;  // under platform/, registers/ or calendar/ (ignoring such a file is a warning)
};
// Classifies a path under input_dir: an input file of a kind (kind set), a spreadsheet where a
// CSV belongs (refuse), or something else (ignore: other names, extensions, folders, Excel's
// ~$ lock files). Paths are compared lexically (no symlink resolution); extensions without case.
InputFile ClassifyInputPath(const std::string& input_dir, const std::string& path);

// Which kind a path under the input folder is: input/platform/*.csv -> kPlatform,
// input/registers/permissions.csv, registrations.csv, requests.csv, staff.csv, input/calendar/*.csv.
// Anything else (other names, other extensions, outside input_dir) -> nullopt. The ".csv"
// extension is matched case-insensitively; paths are compared lexically (no symlink resolution).
std::optional<InputKind> KindForPath(const std::string& input_dir, const std::string& path);

// The header spellings ParseFile would report for a file (HeaderMap::aliases), from its
// first 64 KiB only: for a file already ingested, whose rows are not read again, so every
// run's log and manifest still say how its header was read. Empty on any problem.
std::vector<std::string> HeaderAliasesOfFile(const std::string& path, InputKind kind);

// SHA-256 of a file (streamed), lower-case hex.
Status Sha256File(const std::string& path, std::string* hex);

}  // namespace liaudit::ingest
