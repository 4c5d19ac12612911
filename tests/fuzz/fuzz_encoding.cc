// Fuzz target: encoding detection and decoding (ingest/encoding.h).
// Oracles: whatever DecodeBuffer returns is valid UTF-8; the streaming UTF-8 validator
// agrees with core FindInvalidUtf8 whatever the chunking; the CP950 decoder gives the
// same text and the same first bad offset whether fed whole or in pieces.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "ingest/encoding.h"

namespace {

using liaudit::fuzz::Check;

void CheckValidator(std::string_view bytes, size_t chunk) {
  liaudit::ingest::Utf8Validator v;
  for (size_t i = 0; i < bytes.size(); i += chunk) v.Feed(bytes.substr(i, chunk));
  v.Finish();
  const size_t bad = liaudit::FindInvalidUtf8(bytes);
  Check(v.ok() == (bad == std::string_view::npos), "Utf8Validator and FindInvalidUtf8 disagree on validity");
  Check(v.bytes_seen() == static_cast<int64_t>(bytes.size()), "Utf8Validator lost bytes");
}

void CheckCp950(std::string_view bytes, size_t chunk) {
  liaudit::ingest::Cp950Decoder whole, pieces;
  if (!whole.init_status().ok()) return;  // no CP950 in this iconv: nothing to compare
  std::string a, b;
  bool ok_a = whole.Decode(bytes, &a) && whole.Finish();
  bool ok_b = true;
  for (size_t i = 0; i < bytes.size() && ok_b; i += chunk) ok_b = pieces.Decode(bytes.substr(i, chunk), &b);
  ok_b = ok_b && pieces.Finish();
  Check(ok_a == ok_b, "Cp950Decoder result depends on the chunk size");
  if (ok_a) {
    Check(a == b, "Cp950Decoder text depends on the chunk size");
    Check(liaudit::fuzz::ValidUtf8(a), "Cp950Decoder produced invalid UTF-8");
  } else if (whole.bad_offset() >= 0 && pieces.bad_offset() >= 0) {
    Check(whole.bad_offset() == pieces.bad_offset(), "Cp950Decoder bad offset depends on the chunk size");
    Check(whole.bad_offset() < static_cast<int64_t>(bytes.size()) + 1, "Cp950Decoder bad offset past the end");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 7;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  liaudit::ingest::Encoding enc = liaudit::ingest::Encoding::kUtf8;
  std::string utf8;
  const liaudit::Status st = liaudit::ingest::DecodeBuffer(bytes, "fuzz.csv", &enc, &utf8);
  if (st.ok()) {
    Check(liaudit::fuzz::ValidUtf8(utf8), "DecodeBuffer produced invalid UTF-8");
    (void)liaudit::ingest::EncodingName(enc);
  } else {
    Check(!st.message().empty(), "DecodeBuffer failed without a message");
  }
  CheckValidator(bytes, chunk);
  CheckCp950(bytes, chunk);
  if (bytes.size() >= 2) {
    (void)liaudit::ingest::Cp950EudcToPua(static_cast<unsigned char>(bytes[0]), static_cast<unsigned char>(bytes[1]));
  }
  (void)liaudit::ingest::Utf16Hint(bytes.substr(0, 4));
  return 0;
}
