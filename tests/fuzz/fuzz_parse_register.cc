// Fuzz target: a whole register file through ingest::ParseFile. The first input byte
// picks the kind (permissions, registrations, requests, staff, calendar); the rest is
// the file. Seeds are named after their kind and start with the matching byte.
#include <cstddef>
#include <cstdint>

#include "parse_file_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr liaudit::InputKind kKinds[] = {
      liaudit::InputKind::kPermissions, liaudit::InputKind::kRegistrations, liaudit::InputKind::kRequests,
      liaudit::InputKind::kStaff, liaudit::InputKind::kCalendar};
  liaudit::fuzz::ParseAsFile(data + 1, size - 1, kKinds[data[0] % 5]);
  return 0;
}
