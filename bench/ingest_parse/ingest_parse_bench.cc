// Parse-only throughput of ingest::ParseFile on a generated platform export.
//
//   ingest_parse_bench [--rows N] [--encoding utf8|cp950] [--keep FILE] [--input FILE] [--repeat R]
//
// --repeat parses the same file R times (default 3) and reports the best run, which on a
// shared machine is the figure least disturbed by other processes.
// --input parses an existing platform file instead of generating one.
// Generates N synthetic rows (default 1,000,000, about 150 MB) into a temporary file,
// parses it with a sink that only counts, and prints wall time, rows/s, MB/s and peak RSS.
// Nothing is inserted anywhere: this is the parse stage alone.
#include <iconv.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "ingest/parse.h"

namespace {

using liaudit::InputKind;
using liaudit::Status;
using namespace liaudit::ingest;

class CountSink : public Sink {
 public:
  long rows = 0, rejects = 0;
  size_t checksum = 0;  // keeps the optimiser honest
  Status OnPlatform(const liaudit::PlatformQuery& r, long, std::string_view raw) override {
    ++rows;
    checksum += r.account.size() + raw.size() + static_cast<size_t>(r.query_time & 7);
    return Status::OK();
  }
  Status OnPermission(const liaudit::PermissionRecord&, long, std::string_view) override { return Status::OK(); }
  Status OnRegistration(const liaudit::RegistrationRecord&, long, std::string_view) override { return Status::OK(); }
  Status OnRequest(const liaudit::RequestRow&, long, std::string_view) override { return Status::OK(); }
  Status OnStaff(const liaudit::StaffRecord&, long, std::string_view) override { return Status::OK(); }
  Status OnCalendar(const liaudit::CalendarDay&, long, std::string_view) override { return Status::OK(); }
  void OnReject(const liaudit::Reject&) override { ++rejects; }
};

const char* kNames[] = {"王小明", "陳大文", "林美玲", "張志豪", "李淑芬", "黃建國", "吳佩君", "劉冠廷"};
const char* kCodes[] = {"C0101", "B0101", "B0201", "B0301", "P0301", "N0101", "T0101", "B0401", "P0401"};
const char* kResults[] = {"成功", "查無資料", "失敗", "成功"};

// One row of about 150 bytes, with the date styles real exports mix.
void AppendRow(std::string* out, long i) {
  unsigned x = static_cast<unsigned>(i) * 2654435761u;
  int day = 1 + static_cast<int>(i % 28), hh = 8 + static_cast<int>((x >> 8) % 10), mm = static_cast<int>((x >> 4) % 60);
  char buf[512];
  const char* time_fmt = (i % 3 == 0) ? "2026-11-%02d %02d:%02d:%02d" : (i % 3 == 1) ? "115/11/%02d %02d:%02d:%02d"
                                                                                     : "115年11月%02d日 %02d:%02d:%02d";
  char when[64];
  std::snprintf(when, sizeof when, time_fmt, day, hh, mm, static_cast<int>(x % 60));
  std::snprintf(buf, sizeof buf,
                "GSP115112%07ld,%s,397050000E,KSW%04u,%s,%s,%c%09u,%s,10.%u.%u.%u,00%08u\r\n", i, when,
                (x >> 3) % 60, kNames[(x >> 5) % 8], kCodes[(x >> 7) % 9], static_cast<char>('A' + (x >> 11) % 26),
                100000000u + (x % 900000000u), kResults[(x >> 13) % 4], (x >> 2) % 256, (x >> 9) % 256,
                (x >> 17) % 256, x % 100000000u);
  out->append(buf);
}

std::string ToCp950(const std::string& utf8) {
  iconv_t cd = iconv_open("CP950", "UTF-8");
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t inleft = utf8.size(), outleft = out.size();
  char* o = out.data();
  iconv(cd, &in, &inleft, &o, &outleft);
  iconv_close(cd);
  out.resize(out.size() - outleft);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 1000000;
  int repeat = 3;
  std::string encoding = "utf8", keep, input;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rows")) rows = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--encoding")) encoding = argv[i + 1];
    else if (!std::strcmp(argv[i], "--keep")) keep = argv[i + 1];
    else if (!std::strcmp(argv[i], "--input")) input = argv[i + 1];
    else if (!std::strcmp(argv[i], "--repeat")) repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  if (!input.empty()) keep = input;
  const std::string path = keep.empty() ? "/tmp/ingest_parse_bench_" + std::to_string(::getpid()) + ".csv" : keep;
  if (input.empty()) {
    std::ofstream f(path, std::ios::binary);
    std::string block = "交易序號,查詢時間,機關代碼,查詢者帳號,查詢者姓名,服務代碼,被查詢人統號,查詢結果,來源IP,憑證序號\r\n";
    for (long i = 0; i < rows; ++i) {
      AppendRow(&block, i);
      if (block.size() > (1 << 20)) {
        f << (encoding == "cp950" ? ToCp950(block) : block);
        block.clear();
      }
    }
    f << (encoding == "cp950" ? ToCp950(block) : block);
  }
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  double best_wall = 1e30, best_cpu = 1e30;
  SourceInfo info;
  size_t checksum = 0;
  for (int run = 0; run < repeat; ++run) {
    CountSink sink;
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    auto t0 = std::chrono::steady_clock::now();
    Status s = ParseFile(path, InputKind::kPlatform, &sink, &info);
    auto t1 = std::chrono::steady_clock::now();
    getrusage(RUSAGE_SELF, &r1);
    if (!s.ok()) {
      std::fprintf(stderr, "parse failed: %s\n", s.ToString().c_str());
      if (keep.empty()) std::remove(path.c_str());
      return 1;
    }
    best_wall = std::min(best_wall, std::chrono::duration<double>(t1 - t0).count());
    best_cpu = std::min(best_cpu, secs(r1.ru_utime) + secs(r1.ru_stime) - secs(r0.ru_utime) - secs(r0.ru_stime));
    checksum = sink.checksum;
  }
  if (keep.empty()) std::remove(path.c_str());
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const double n = static_cast<double>(info.rows_read);
  std::printf("encoding=%s rows=%ld taken=%ld rejected=%ld bytes=%lld runs=%d\n", info.encoding.c_str(),
              info.rows_read, info.rows_taken, info.rows_rejected, static_cast<long long>(info.bytes), repeat);
  std::printf("parse only (best run): wall %.3f s = %.0f rows/s, %.1f MB/s; CPU %.3f s = %.0f rows/s;"
              " peak RSS %.1f MiB (checksum %zu)\n", best_wall, n / best_wall,
              static_cast<double>(info.bytes) / 1e6 / best_wall, best_cpu, n / best_cpu,
              static_cast<double>(ru.ru_maxrss) / 1024.0, checksum);
  return 0;
}
