#include "ingest/csv.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/text.h"

namespace liaudit::ingest {
namespace {

constexpr size_t kOverlongKeep = 4096;

// Bytes that end an unquoted run: separator, line breaks, a stray quote.
struct SpecialTable {
  bool t[256] = {};
  constexpr SpecialTable() : t() {
    t[static_cast<unsigned char>(',')] = true;
    t[static_cast<unsigned char>('\n')] = true;
    t[static_cast<unsigned char>('\r')] = true;
    t[static_cast<unsigned char>('"')] = true;
    t[0] = true;  // NUL: data, but flagged
  }
};
constexpr SpecialTable kSpecial;

// True if any byte of w is 0, ',', '\n', '\r' or '"' (exact: the classic "has zero byte"
// test has no false negatives and, used only as a yes/no per word, no false positives).
inline bool WordHasSpecial(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return has_zero(w) | has_zero(w ^ (kOnes * ',')) | has_zero(w ^ (kOnes * '\n')) | has_zero(w ^ (kOnes * '\r')) |
         has_zero(w ^ (kOnes * '"'));
}

// First CR or LF in b[from, end), or end. CR, LF and CRLF each end a physical line.
inline size_t FindBreak(const char* b, size_t from, size_t end) {
  while (from < end && b[from] != '\n' && b[from] != '\r') ++from;
  return from;
}

// Length of the line break at b[at] (at < end): 2 for CRLF, else 1.
inline size_t BreakLen(const char* b, size_t at, size_t end) {
  return b[at] == '\r' && at + 1 < end && b[at + 1] == '\n' ? 2 : 1;
}

// Physical line breaks in b[from, to): each LF, each CR not followed by LF.
inline long CountBreaks(const char* b, size_t from, size_t to) {
  long n = 0;
  for (size_t k = from; k < to; ++k) {
    if (b[k] == '\n') ++n;
    else if (b[k] == '\r' && !(k + 1 < to && b[k + 1] == '\n')) ++n;
  }
  return n;
}

}  // namespace

Status StringSource::Read(std::string* out, size_t max, bool* eof) {
  size_t n = std::min({max, max_chunk_, text_.size() - pos_});
  out->append(text_.data() + pos_, n);
  pos_ += n;
  *eof = pos_ >= text_.size();
  return Status::OK();
}

bool CsvRecord::blank() const {
  if (malformed()) return false;
  for (std::string_view f : fields)
    if (!Trim(f).empty()) return false;
  return true;
}

CsvReader::CsvReader(TextSource* source, CsvOptions options) : source_(source), opt_(options) {
  if (opt_.chunk_bytes == 0) opt_.chunk_bytes = 1;
  if (opt_.max_record_bytes < 16) opt_.max_record_bytes = 16;
}

bool CsvReader::Fill() {
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  // One chunk at a time: Next() decides how much a long record needs, and this keeps the
  // buffer within max_record_bytes + one chunk.
  status_ = source_->Read(&buf_, opt_.chunk_bytes, &eof_);
  return status_.ok();
}

// Parses the record that starts at pos_. Restarted from scratch after a refill: records
// are short, and the buffer grows geometrically for long ones, so re-scanning is cheap
// and keeps every field a view into one stable buffer.
CsvReader::Step CsvReader::ParseAt(CsvRecord* rec, size_t* next) {
  const char* b = buf_.data();
  const size_t end = buf_.size(), start = pos_;
  rec->fields.clear();
  rec->error.clear();
  rec->error_column = 0;
  lines_ = -1;  // unknown: Next() counts the line breaks itself
  scratch_.clear();
  // Unescaped text is never longer than its source, so views into scratch_ stay valid.
  if (scratch_.capacity() < end - start) scratch_.reserve(end - start);

  size_t term = end;  // where the record's text ends (line break excluded)
  size_t err_at = std::string::npos;
  bool nul = false;        // a NUL byte somewhere (checked per field only then)
  bool multiline = false;  // a quoted field holds a line break
  size_t i = start;
  for (;;) {
    const long col = static_cast<long>(rec->fields.size()) + 1;
    if (i < end && b[i] == '"') {
      const size_t q0 = i + 1;
      size_t j = q0;
      bool esc = false;
      const size_t sc0 = scratch_.size();
      std::string_view value;
      for (;;) {
        const void* f = j < end ? std::memchr(b + j, '"', end - j) : nullptr;
        if (!f) {
          if (!eof_) return Step::kNeedMore;
          // Unterminated: give back only the first physical line, resume after it.
          size_t e = FindBreak(b, start, end);
          *next = e < end ? e + BreakLen(b, e, end) : end;
          rec->raw = std::string_view(b + start, e - start);
          rec->fields.clear();
          rec->error = "unterminated quoted field (a '\"' is never closed); only this line is quarantined";
          rec->error_column = col;
          return Step::kDone;
        }
        const size_t q = static_cast<size_t>(static_cast<const char*>(f) - b);
        if (q + 1 >= end && !eof_) return Step::kNeedMore;
        if (q + 1 < end && b[q + 1] == '"') {
          esc = true;
          scratch_.append(b + j, q + 1 - j);  // keeps one quote
          j = q + 2;
          continue;
        }
        if (!nul && std::memchr(b + q0, '\0', q - q0)) nul = true;
        if (!multiline && (std::memchr(b + q0, '\n', q - q0) || std::memchr(b + q0, '\r', q - q0))) multiline = true;
        if (esc) {
          scratch_.append(b + j, q - j);
          value = std::string_view(scratch_.data() + sc0, scratch_.size() - sc0);
        } else {
          value = std::string_view(b + q0, q - q0);
        }
        i = q + 1;
        break;
      }
      rec->fields.push_back(value);
      if (i >= end) {  // closing quote was the last byte of the input
        term = *next = end;
        break;
      }
      const char c = b[i];
      if (c == ',') {
        ++i;
        continue;
      }
      if (c == '\n') {
        term = i;
        *next = i + 1;
        break;
      }
      if (c == '\r') {
        if (i + 1 >= end && !eof_) return Step::kNeedMore;
        if (i + 1 >= end) {
          term = i;
          *next = end;
          break;
        }
        // CRLF, or a lone CR (old Mac line ending): either ends the record.
        term = i;
        *next = b[i + 1] == '\n' ? i + 2 : i + 1;
        break;
      }
      rec->error = "unexpected text after a closing quote";
      rec->error_column = col;
      err_at = i;
      break;
    }
    // Unquoted field.
    size_t j = i;
    bool record_end = false;
    for (;;) {
      // Eight bytes at a time until a word holds a special byte, then byte by byte.
      while (j + 8 <= end) {
        uint64_t w;
        std::memcpy(&w, b + j, 8);
        if (WordHasSpecial(w)) break;
        j += 8;
      }
      while (j < end && !kSpecial.t[static_cast<unsigned char>(b[j])]) ++j;
      if (j >= end) {
        if (!eof_) return Step::kNeedMore;
        rec->fields.emplace_back(b + i, j - i);
        term = *next = end;
        record_end = true;
        break;
      }
      const char c = b[j];
      if (c == ',') {
        rec->fields.emplace_back(b + i, j - i);
        i = j + 1;
        break;
      }
      if (c == '\n') {
        rec->fields.emplace_back(b + i, j - i);
        term = j;
        *next = j + 1;
        record_end = true;
        break;
      }
      if (c == '\r') {
        if (j + 1 >= end && !eof_) return Step::kNeedMore;
        // CRLF, or a lone CR (old Mac line ending): either ends the record.
        rec->fields.emplace_back(b + i, j - i);
        term = j;
        *next = j + 1 < end && b[j + 1] == '\n' ? j + 2 : j + 1;
        record_end = true;
        break;
      }
      if (c == '\0') {
        nul = true;
        ++j;
        continue;
      }
      // A quote inside an unquoted field.
      rec->error = "quote character inside an unquoted field";
      rec->error_column = col;
      err_at = j;
      record_end = true;
      break;
    }
    if (record_end) break;
  }

  if (err_at != std::string::npos) {
    // Malformed: the record ends with the physical line the problem is on.
    size_t e = FindBreak(b, err_at, end);
    // A CR as the last byte read may be the first half of a CRLF.
    if ((e >= end || (b[e] == '\r' && e + 1 >= end)) && !eof_) return Step::kNeedMore;
    *next = e < end ? e + BreakLen(b, e, end) : end;
    rec->raw = std::string_view(b + start, e - start);
    rec->fields.clear();
    return Step::kDone;
  }
  rec->raw = std::string_view(b + start, term - start);
  // Lines: only quoted fields can hold a line break; count them only when one does.
  lines_ = multiline ? CountBreaks(b, start, *next) : (*next > term ? 1 : 0);
  if (nul) {
    for (size_t k = 0; k < rec->fields.size(); ++k) {
      if (std::memchr(rec->fields[k].data(), '\0', rec->fields[k].size())) {
        rec->error = "NUL byte in field";
        rec->error_column = static_cast<long>(k) + 1;
        break;
      }
    }
  }
  return Step::kDone;
}

// The record at pos_ has grown past max_record_bytes without ending.
bool CsvReader::FinishOverlong(CsvRecord* rec) {
  rec->line = line_;
  rec->fields.clear();
  rec->error_column = 0;
  const char* b = buf_.data();
  // Where reading resumes after the line break at buf_[e]; a CR that is the last byte read
  // may be the first half of a CRLF: its LF is then skipped by Next().
  auto after_break = [this](size_t e) {
    const size_t n = BreakLen(buf_.data(), e, buf_.size());
    if (buf_[e] == '\r' && n == 1 && e + 1 >= buf_.size() && !eof_) skip_lf_ = true;
    return e + n;
  };
  const size_t brk = FindBreak(b, pos_, buf_.size());
  const bool nl = brk < buf_.size();
  if (nl && brk - pos_ <= opt_.max_record_bytes) {
    // Most likely an unbalanced quote: give back the first line and resume after it.
    size_t e = brk;
    size_t next = after_break(e);
    rec->raw = std::string_view(b + pos_, e - pos_);
    rec->error = "record longer than " + std::to_string(opt_.max_record_bytes) +
                 " bytes (unbalanced quote?); only this line is quarantined";
    pos_ = next;
    ++line_;
    return true;
  }
  // One physical line longer than the limit: keep its start, skip to the next line.
  size_t keep = std::min(kOverlongKeep, buf_.size() - pos_);
  // Cut on a character boundary so the kept text is still valid UTF-8.
  if (keep > 0) {
    size_t i = keep - 1;  // start of the last character kept
    while (i > 0 && (static_cast<unsigned char>(b[pos_ + i]) & 0xC0) == 0x80) --i;
    const unsigned char lead = static_cast<unsigned char>(b[pos_ + i]);
    const size_t len = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (i + len > keep) keep = i;
  }
  overlong_.assign(b + pos_, keep);
  size_t skipped = buf_.size() - pos_;
  if (nl) {  // the line's end is already in the buffer
    skipped = brk - pos_;
    pos_ = after_break(brk);
    rec->raw = overlong_;
    rec->error = "line longer than " + std::to_string(opt_.max_record_bytes) + " bytes (" + std::to_string(skipped) +
                 " bytes; raw text keeps the first " + std::to_string(overlong_.size()) + ")";
    ++line_;
    return true;
  }
  buf_.clear();
  pos_ = 0;
  for (;;) {
    if (eof_) break;
    if (!Fill()) return false;
    const size_t e = FindBreak(buf_.data(), 0, buf_.size());
    if (e < buf_.size()) {
      skipped += e;
      pos_ = after_break(e);
      break;
    }
    skipped += buf_.size();
    buf_.clear();
  }
  rec->raw = overlong_;
  rec->error = "line longer than " + std::to_string(opt_.max_record_bytes) + " bytes (" +
               std::to_string(skipped) + " bytes skipped; raw text keeps the first " +
               std::to_string(overlong_.size()) + ")";
  ++line_;
  return true;
}

bool CsvReader::Next(CsvRecord* rec) {
  if (!status_.ok()) return false;
  for (;;) {
    if (pos_ >= buf_.size()) {
      if (eof_) return false;
      if (!Fill()) return false;
      continue;
    }
    if (skip_lf_) {  // the LF of a CRLF split by an overlong line's skip
      skip_lf_ = false;
      if (buf_[pos_] == '\n') ++pos_;
      continue;
    }
    size_t next = 0;
    if (ParseAt(rec, &next) == Step::kDone) {
      // A record that completed within the last chunk read may still be over the limit.
      if (next - pos_ > opt_.max_record_bytes) return FinishOverlong(rec);
      rec->line = line_;
      line_ += lines_ >= 0 ? lines_ : CountBreaks(buf_.data(), pos_, next);
      pos_ = next;
      return true;
    }
    if (buf_.size() - pos_ >= opt_.max_record_bytes) return FinishOverlong(rec);
    // Read until the unfinished record's text has at least doubled (whatever the source's
    // chunk size), so the restarts of a long record cost O(n) in total.
    const size_t target =
        std::min(std::max(opt_.chunk_bytes, 2 * (buf_.size() - pos_)), opt_.max_record_bytes + 1);
    do {
      if (!Fill()) return false;
    } while (!eof_ && buf_.size() - pos_ < target);
  }
}

std::vector<OwnedCsvRecord> ReadAllCsv(std::string_view text, size_t chunk, CsvOptions options) {
  StringSource src(text, chunk);
  if (chunk != SIZE_MAX) options.chunk_bytes = chunk;
  CsvReader reader(&src, options);
  std::vector<OwnedCsvRecord> out;
  CsvRecord rec;
  while (reader.Next(&rec)) {
    OwnedCsvRecord o;
    o.line = rec.line;
    o.raw.assign(rec.raw);
    for (std::string_view f : rec.fields) o.fields.emplace_back(f);
    o.error = rec.error;
    o.error_column = rec.error_column;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace liaudit::ingest
