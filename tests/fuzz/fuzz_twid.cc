// Fuzz target: the ID classifier and maskers (core/twid.h) after the normalisation
// ingest applies (core/text.h NormalizeCode).
// Oracles: a valid ID is 10 ASCII characters; LogSafeId never shows a whole valid ID;
// MaskId keeps the length in characters of an ASCII ID.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text.h"
#include "core/twid.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using liaudit::fuzz::Check;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  // The part after the first '|' is a mask pattern.
  const size_t bar = raw.find('|');
  const std::string_view id_part = raw.substr(0, bar);
  const std::string_view pattern = bar == std::string_view::npos ? "XXXXXX****" : raw.substr(bar + 1);

  (void)liaudit::ClassifyId(id_part);  // callers promise normalised input; it must still not crash
  const std::string id = liaudit::AsciiUpper(liaudit::NormalizeCode(id_part));
  const liaudit::IdKind kind = liaudit::ClassifyId(id);
  if (kind != liaudit::IdKind::kInvalid) {
    Check(id.size() == 10, "a valid ID is not 10 characters");
    for (char c : id) Check(static_cast<unsigned char>(c) < 0x80, "a valid ID is not ASCII");
    const std::string safe = liaudit::LogSafeId(id);
    Check(safe.find(id) == std::string::npos, "LogSafeId shows the whole ID");
    const std::string masked = liaudit::MaskId(id, pattern);
    Check(masked.size() == id.size(), "MaskId changed the length of an ASCII ID");
  } else {
    (void)liaudit::LogSafeId(id);
    (void)liaudit::MaskId(id, pattern);
  }
  (void)liaudit::LogSafeId(raw);
  (void)liaudit::MaskId(raw, pattern);
  return 0;
}
