// Helpers shared by the ingest tests: a Sink that keeps everything, temp files.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "ingest/parse.h"

namespace liaudit::ingest::testing {

struct Row {
  long line;
  std::string raw;
};

class CollectSink : public Sink {
 public:
  std::vector<PlatformQuery> platform;
  std::vector<PermissionRecord> permissions;
  std::vector<RegistrationRecord> registrations;
  std::vector<RequestRow> requests;
  std::vector<StaffRecord> staff;
  std::vector<CalendarDay> calendar;
  std::vector<Row> rows;  // line + raw of every taken row, in order
  std::vector<Reject> rejects;
  long fail_after = -1;  // return an error on this many-th taken row (0-based)

  Status Take(long line, std::string_view raw) {
    if (fail_after >= 0 && static_cast<long>(rows.size()) == fail_after) return Status::IoError("sink full");
    rows.push_back({line, std::string(raw)});
    return Status::OK();
  }
  Status OnPlatform(const PlatformQuery& r, long line, std::string_view raw) override {
    platform.push_back(r);
    return Take(line, raw);
  }
  Status OnPermission(const PermissionRecord& r, long line, std::string_view raw) override {
    permissions.push_back(r);
    return Take(line, raw);
  }
  Status OnRegistration(const RegistrationRecord& r, long line, std::string_view raw) override {
    registrations.push_back(r);
    return Take(line, raw);
  }
  Status OnRequest(const RequestRow& r, long line, std::string_view raw) override {
    requests.push_back(r);
    return Take(line, raw);
  }
  Status OnStaff(const StaffRecord& r, long line, std::string_view raw) override {
    staff.push_back(r);
    return Take(line, raw);
  }
  Status OnCalendar(const CalendarDay& r, long line, std::string_view raw) override {
    calendar.push_back(r);
    return Take(line, raw);
  }
  void OnReject(const Reject& r) override { rejects.push_back(r); }
};

// A file in a per-process temp folder, removed when the object goes.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& bytes) {
    static int counter = 0;
    path_ = "/tmp/liaudit_ingest_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + name;
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string DataPath(const std::string& rel) { return std::string(LIAUDIT_TEST_DATA) + "/ingest/" + rel; }

}  // namespace liaudit::ingest::testing
