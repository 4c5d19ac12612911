// Fuzz target: the streaming RFC 4180 reader (ingest/csv.h).
// Oracle: the records do not depend on how the text is cut into chunks. The first input
// byte picks the chunk size; the rest is the CSV text. Inputs stay far below
// max_record_bytes (16 MiB), so the record-size limit cannot make the results differ.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "ingest/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using liaudit::ingest::OwnedCsvRecord;
  using liaudit::ingest::ReadAllCsv;
  const size_t chunk = 1 + data[0] % 31;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = ReadAllCsv(text);
  const auto pieces = ReadAllCsv(text, chunk);
  liaudit::fuzz::Check(whole.size() == pieces.size(), "record count depends on the chunk size");
  long last_line = 0;
  for (size_t i = 0; i < whole.size(); ++i) {
    const OwnedCsvRecord& a = whole[i];
    const OwnedCsvRecord& b = pieces[i];
    liaudit::fuzz::Check(a.line == b.line, "record line depends on the chunk size");
    liaudit::fuzz::Check(a.raw == b.raw, "record raw text depends on the chunk size");
    liaudit::fuzz::Check(a.error == b.error, "record error depends on the chunk size");
    liaudit::fuzz::Check(a.error_column == b.error_column, "error column depends on the chunk size");
    if (a.error.empty()) liaudit::fuzz::Check(a.fields == b.fields, "fields depend on the chunk size");
    liaudit::fuzz::Check(a.line > last_line, "record lines must increase");
    last_line = a.line;
    liaudit::fuzz::Check(a.raw.size() <= text.size(), "raw text longer than the input");
  }

  // A small record limit exercises the overlong-record path; no oracle beyond "no crash".
  liaudit::ingest::CsvOptions small;
  small.max_record_bytes = 64;
  small.chunk_bytes = chunk;
  liaudit::ingest::StringSource src(text, chunk);
  liaudit::ingest::CsvReader reader(&src, small);
  liaudit::ingest::CsvRecord rec;
  while (reader.Next(&rec)) {
    for (std::string_view f : rec.fields) (void)f.size();
    (void)rec.blank();
  }
  liaudit::fuzz::Check(reader.status().ok(), "a string source never fails");
  return 0;
}
