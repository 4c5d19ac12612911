// Parses every input file under a folder (as `liaudit ingest` would find them) and prints,
// per file, its kind, encoding and row counts, then every reject. No store is involved:
// a quick way to see what the parse stage makes of a folder of exports.
//
//   ingest_check INPUT_DIR
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/parse.h"

namespace {

using namespace liaudit;

class Collect : public ingest::Sink {
 public:
  std::vector<Reject> rejects;
  Status OnPlatform(const PlatformQuery&, long, std::string_view) override { return {}; }
  Status OnPermission(const PermissionRecord&, long, std::string_view) override { return {}; }
  Status OnRegistration(const RegistrationRecord&, long, std::string_view) override { return {}; }
  Status OnRequest(const RequestRow&, long, std::string_view) override { return {}; }
  Status OnStaff(const StaffRecord&, long, std::string_view) override { return {}; }
  Status OnCalendar(const CalendarDay&, long, std::string_view) override { return {}; }
  void OnReject(const Reject& r) override { rejects.push_back(r); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ingest_check INPUT_DIR\n");
    return 2;
  }
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(argv[1], ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) paths.push_back(it->path().string());
  std::sort(paths.begin(), paths.end());
  long files = 0, taken = 0, rejected = 0, failed = 0;
  for (const auto& p : paths) {
    auto kind = ingest::KindForPath(argv[1], p);
    if (!kind) continue;
    Collect sink;
    ingest::SourceInfo info;
    Status s = ingest::ParseFile(p, *kind, &sink, &info);
    ++files;
    std::printf("%-13s %-9s read=%-6ld taken=%-6ld rejected=%-3ld %s%s\n", InputKindName(*kind),
                info.encoding.c_str(), info.rows_read, info.rows_taken, info.rows_rejected, p.c_str(),
                s.ok() ? "" : ("  FILE REJECTED: " + s.ToString()).c_str());
    if (!s.ok()) ++failed;
    taken += info.rows_taken;
    rejected += info.rows_rejected;
    for (const auto& r : sink.rejects)
      std::printf("    reject %s:%ld:%ld: %s\n", r.file.c_str(), r.line, r.column, r.reason.c_str());
  }
  std::printf("%ld files (%ld refused), %ld rows taken, %ld rejected\n", files, failed, taken, rejected);
  return failed ? 1 : 0;
}
