// Streaming RFC 4180 reader over UTF-8 text (inputs.md "dialect").
//
// Comma separator, '"' quoting, "" inside quotes, commas and line breaks inside quoted
// fields, records ended by CRLF, LF or a lone CR (old Mac "CSV (Macintosh)"; mixed endings
// too), CR and LF inside quoted fields are data, an empty last line is fine. `line` counts
// CR, LF and CRLF each as one line break. Memory is bounded: the reader holds one chunk plus the current record.
// A malformed record never stops the reader: it is returned with `error` set and the
// reader carries on with the next record:
//  - a quote inside an unquoted field, or text after a closing quote: the record ends at
//    the end of that physical line;
//  - a quoted field still open at end of input (or longer than max_record_bytes): only the
//    record's first physical line is returned as malformed, and reading resumes on the next
//    line, so the rows an unbalanced quote would have swallowed are still read;
//  - a NUL byte anywhere in a record: the record is malformed (column named);
//  - a record longer than max_record_bytes without a line break: malformed, `raw` holds its
//    first 4 KiB, and the reader skips to the next line.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace liaudit::ingest {

// Supplies UTF-8 text in chunks (a decoded file, or a string in tests).
class TextSource {
 public:
  virtual ~TextSource() = default;
  // Appends up to about `max` more bytes of text to *out; sets *eof when no more follows.
  // Non-OK on an I/O or decoding failure.
  virtual Status Read(std::string* out, size_t max, bool* eof) = 0;
};

// A TextSource over a string (not owned; must outlive the reader).
class StringSource : public TextSource {
 public:
  explicit StringSource(std::string_view text, size_t max_chunk = SIZE_MAX) : text_(text), max_chunk_(max_chunk) {}
  Status Read(std::string* out, size_t max, bool* eof) override;

 private:
  std::string_view text_;
  size_t max_chunk_;
  size_t pos_ = 0;
};

struct CsvOptions {
  size_t chunk_bytes = 1 << 20;             // how much to read from the source at a time
  size_t max_record_bytes = 16u << 20;      // longer records are malformed; the buffer stays
                                            // within this plus one chunk
};

struct CsvRecord {
  long line = 0;                          // 1-based physical line where the record starts
  std::string_view raw;                   // original text without the line break
  std::vector<std::string_view> fields;   // unquoted, unescaped values (untrimmed)
  std::string error;                      // non-empty: malformed record (fields then unreliable)
  long error_column = 0;                  // 1-based field where the problem is (0 = unknown)
  bool malformed() const { return !error.empty(); }
  // A record with no text at all, or only empty unquoted fields (",,,").
  bool blank() const;
};

class CsvReader {
 public:
  explicit CsvReader(TextSource* source, CsvOptions options = {});
  // Reads the next record into *rec; its views stay valid until the next call.
  // Returns false at the end of input or on a source failure (then status() is non-OK).
  bool Next(CsvRecord* rec);
  const Status& status() const { return status_; }

 private:
  enum class Step { kDone, kNeedMore };
  Step ParseAt(CsvRecord* rec, size_t* next);
  bool Fill();  // reads one more chunk into buf_; false on source failure
  bool FinishOverlong(CsvRecord* rec);

  TextSource* source_;
  CsvOptions opt_;
  Status status_;
  std::string buf_;
  size_t pos_ = 0;  // start of the unread text in buf_
  bool eof_ = false;
  long line_ = 1;
  long lines_ = -1;  // line breaks in the record ParseAt just returned (-1 = count them)
  std::string scratch_;   // unescaped quoted fields that contained ""
  std::string overlong_;  // the kept prefix of an overlong record
  bool skip_lf_ = false;  // an overlong line ended on a CR that was the last byte read
};

// A record that owns its text (for ReadAllCsv).
struct OwnedCsvRecord {
  long line = 0;
  std::string raw;
  std::vector<std::string> fields;
  std::string error;
  long error_column = 0;
};
// Reads every record of `text`, feeding the reader `chunk` bytes at a time (tests, fuzzing).
std::vector<OwnedCsvRecord> ReadAllCsv(std::string_view text, size_t chunk = SIZE_MAX, CsvOptions options = {});

}  // namespace liaudit::ingest
