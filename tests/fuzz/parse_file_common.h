// The body of the whole-file fuzz targets (fuzz_parse_platform.cc, fuzz_parse_register.cc):
// the input is written to a temporary file and read back through ingest::ParseFile, the
// streaming path the jobs use, with a sink that checks what it is given and discards it.
// Oracle: the in-memory path (ingest::ParseBuffer) gives the same rows, rejects, counts and
// status as the streaming one.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/records.h"
#include "fuzz_util.h"
#include "ingest/parse.h"

namespace liaudit::fuzz {

// Everything the parser hands over must be UTF-8 and in file order.
class CheckingSink : public ingest::Sink {
 public:
  Status OnPlatform(const PlatformQuery& r, long line, std::string_view raw) override {
    Row(line, raw);
    Texts({r.txn_id, r.agency_code, r.account, r.querier_name, r.service_code, r.subject_id, r.source_ip, r.cert_serial});
    Check(r.query_time != kNoTime, "a taken platform row has no query time");
    return {};
  }
  Status OnPermission(const PermissionRecord& r, long line, std::string_view raw) override {
    Row(line, raw);
    Texts({r.form_no, r.unit, r.name, r.national_id, r.account, r.reason});
    for (const std::string& i : r.items) Text(i);
    return {};
  }
  Status OnRegistration(const RegistrationRecord& r, long line, std::string_view raw) override {
    Row(line, raw);
    Texts({r.reg_no, r.subject_name, r.subject_id, r.reason, r.account});
    for (const std::string& i : r.items) Text(i);
    return {};
  }
  Status OnRequest(const RequestRow& r, long line, std::string_view raw) override {
    Row(line, raw);
    Texts({r.request_no, r.unit, r.applicant, r.subject_name, r.subject_id});
    return {};
  }
  Status OnStaff(const StaffRecord& r, long line, std::string_view raw) override {
    Row(line, raw);
    Texts({r.name, r.national_id, r.account, r.unit});
    return {};
  }
  Status OnCalendar(const CalendarDay& r, long line, std::string_view raw) override {
    Row(line, raw);
    Text(r.note);
    Check(r.date != kNoDate, "a taken calendar row has no date");
    return {};
  }
  void OnReject(const Reject& r) override {
    Check(!r.reason.empty(), "a reject without a reason");
    Check(r.line >= 0, "a reject with a negative line");
    ++rejects;
    trace += "reject " + std::to_string(r.line) + ":" + std::to_string(r.column) + " " + r.reason + "\n";
  }
  long taken = 0, rejects = 0;
  std::string trace;  // what was sent, in order, to compare two parses

 private:
  void Row(long line, std::string_view raw) {
    Check(line > last_line_, "rows not in file order");
    last_line_ = line;
    Text(raw);
    ++taken;
    trace += "row " + std::to_string(line) + " ";
    trace.append(raw);
    trace += "\n";
  }
  static void Text(std::string_view s) { Check(ValidUtf8(s), "the sink was given invalid UTF-8"); }
  static void Texts(std::initializer_list<std::string_view> list) {
    for (std::string_view s : list) Text(s);
  }
  long last_line_ = 0;
};

// One temporary file per process, rewritten for every input. It is unlinked at once and
// reached through /proc/self/fd, so nothing is left behind however the process ends
// (libFuzzer leaves through _Exit, a crash through abort).
inline int TempFd() {
  static const int fd = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/liaudit-fuzz-XXXXXX";
    int f = mkstemp(tmpl.data());
    if (f < 0) Fail("cannot create a temporary file");
    unlink(tmpl.c_str());
    return f;
  }();
  return fd;
}

inline void ParseAsFile(const uint8_t* data, size_t size, InputKind kind) {
  const int fd = TempFd();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (ftruncate(fd, 0) != 0) Fail("cannot truncate the temporary file");
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) Fail("cannot write the temporary file");
    done += static_cast<size_t>(n);
  }
  CheckingSink sink;
  ingest::SourceInfo info;
  const Status st = ingest::ParseFile(path, kind, &sink, &info);
  if (st.ok()) {
    Check(info.rows_taken == sink.taken, "rows_taken differs from the rows sent");
    Check(info.rows_rejected == sink.rejects, "rows_rejected differs from the rejects sent");
    Check(info.rows_read == info.rows_taken + info.rows_rejected, "rows_read != taken + rejected");
    Check(info.bytes == static_cast<int64_t>(size), "SourceInfo.bytes differs from the file size");
    Check(ValidUtf8(info.header_raw), "header_raw is not UTF-8");
  } else {
    Check(!st.message().empty(), "ParseFile failed without a message");
    Check(sink.taken == 0 || st.code() == Status::Code::kIoError, "rows were sent before a whole-file error");
  }

  CheckingSink mem_sink;
  ingest::SourceInfo mem_info;
  const Status mem_st = ingest::ParseBuffer(
      std::string_view(reinterpret_cast<const char*>(data), size), path, kind, &mem_sink, &mem_info);
  Check(mem_st.ok() == st.ok(), "ParseFile and ParseBuffer disagree on success");
  Check(mem_st.message() == st.message(), "ParseFile and ParseBuffer give different messages");
  Check(mem_sink.trace == sink.trace, "ParseFile and ParseBuffer send different rows or rejects");
  if (st.ok()) {
    Check(mem_info.encoding == info.encoding, "ParseFile and ParseBuffer detect different encodings");
    Check(mem_info.rows_blank == info.rows_blank, "ParseFile and ParseBuffer count blank rows differently");
  }
}

}  // namespace liaudit::fuzz
