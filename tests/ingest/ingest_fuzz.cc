// libFuzzer target over the whole parse stage in memory: encoding detection, CSV reader
// (with a chunk size taken from the input, so chunk boundaries move), header mapping and
// every kind's row parser. Build with -DLIAUDIT_FUZZ=ON and clang; run e.g.
//   build-fuzz/tests/ingest/ingest_fuzz -max_total_time=60 tests/data/ingest
#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/csv.h"
#include "ingest/parse.h"

namespace {

class NullSink : public liaudit::ingest::Sink {
 public:
  liaudit::Status OnPlatform(const liaudit::PlatformQuery&, long, std::string_view) override { return {}; }
  liaudit::Status OnPermission(const liaudit::PermissionRecord&, long, std::string_view) override { return {}; }
  liaudit::Status OnRegistration(const liaudit::RegistrationRecord&, long, std::string_view) override { return {}; }
  liaudit::Status OnRequest(const liaudit::RequestRow&, long, std::string_view) override { return {}; }
  liaudit::Status OnStaff(const liaudit::StaffRecord&, long, std::string_view) override { return {}; }
  liaudit::Status OnCalendar(const liaudit::CalendarDay&, long, std::string_view) override { return {}; }
  void OnReject(const liaudit::Reject&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto kind = static_cast<liaudit::InputKind>(data[0] % 6);
  NullSink sink;
  liaudit::ingest::SourceInfo info;
  (void)liaudit::ingest::ParseBuffer(bytes, "fuzz.csv", kind, &sink, &info);
  liaudit::ingest::CsvOptions opt;
  opt.max_record_bytes = 256;
  (void)liaudit::ingest::ReadAllCsv(bytes, 1 + data[0] % 17, opt);
  return 0;
}
