// Fuzz target: a whole platform export (inputs.md §1) through ingest::ParseFile, the
// streaming two-pass path the jobs use (hash + encoding check, then parse).
#include <cstddef>
#include <cstdint>

#include "parse_file_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  liaudit::fuzz::ParseAsFile(data, size, liaudit::InputKind::kPlatform);
  return 0;
}
