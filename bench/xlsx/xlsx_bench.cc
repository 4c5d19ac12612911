// Spreadsheet writing benchmark: a query-log-like sheet (text, numbers, dates) written
// through liaudit::xlsx::Workbook, through liaudit::ods::Workbook (its ODF twin, the
// same calls) and, in the same run, by a bare libxlsxwriter loop writing the same
// cells with the same formats (XLSX in constant-memory mode; the ODS writer always
// streams). Each variant runs in its own child process so its peak RSS is its own.
//
//   xlsx_bench [--rows N] [--repeat K] [--dir DIR]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>

#include "core/datetime.h"
#include "ods/workbook.h"
#include "xlsx/workbook.h"

namespace {

using liaudit::Date;
using liaudit::LocalTime;

const char* const kUnits[] = {"社會救助科", "身心障礙福利科", "老人福利科", "婦女及兒童少年福利科",
                              "長期照顧中心", "家庭暴力及性侵害防治中心", "岡山社福中心", "鳳山社福中心"};
const char* const kDetails[] = {"低收入戶資格審查", "中低收入老人生活津貼", "身心障礙者生活補助",
                                "急難救助調查", "弱勢兒童少年生活扶助", "以工代賑資格審核"};
const char* const kHeaders[] = {"交易序號", "查詢時間", "查詢日期", "帳號", "單位",
                                "服務項目", "被查詢人", "來源IP", "筆數", "說明"};

// One generated row; both variants write exactly these values.
struct Row {
  char txn[24];
  LocalTime time;
  Date date;
  char account[12];
  const char* unit;
  char service[8];
  char subject[16];
  char ip[20];
  int64_t count;
  const char* detail;
};

void Generate(int64_t i, Row* r) {
  const Date first = liaudit::DateFromCivil(2026, 7, 1);
  uint64_t h = static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 31;
  r->time = liaudit::StartOf(first) + i * 7 + 8 * 3600;  // ~1M queries over a quarter
  r->date = liaudit::DateOf(r->time);
  std::snprintf(r->txn, sizeof r->txn, "TX%010lld", static_cast<long long>(i));
  std::snprintf(r->account, sizeof r->account, "kh%04u", static_cast<unsigned>(h % 400));
  r->unit = kUnits[(h >> 8) % 8];
  std::snprintf(r->service, sizeof r->service, "L%02u", static_cast<unsigned>((h >> 12) % 12));
  std::snprintf(r->subject, sizeof r->subject, "%c%05u****", static_cast<char>('A' + (h >> 16) % 26),
                static_cast<unsigned>((h >> 20) % 100000));
  std::snprintf(r->ip, sizeof r->ip, "10.%u.%u.%u", static_cast<unsigned>((h >> 24) % 256),
                static_cast<unsigned>((h >> 32) % 256), static_cast<unsigned>((h >> 40) % 256));
  r->count = static_cast<int64_t>((h >> 48) % 5) + 1;
  r->detail = kDetails[(h >> 52) % 6];
}

enum class Variant { kBare, kXlsx, kOds };
const char* const kVariantNames[] = {"bare", "xlsx", "ods"};

int RunOurs(const std::string& path, int64_t rows, bool ods) {
  namespace x = liaudit::sheet;
  std::unique_ptr<x::Writer> wb;
  liaudit::Status st;
  if (ods) {
    std::unique_ptr<liaudit::ods::Workbook> o;
    st = liaudit::ods::Workbook::Create(path, liaudit::ods::WorkbookOptions(), &o);
    wb = std::move(o);
  } else {
    liaudit::xlsx::WorkbookOptions o;
    o.constant_memory = true;
    std::unique_ptr<liaudit::xlsx::Workbook> w;
    st = liaudit::xlsx::Workbook::Create(path, o, &w);
    wb = std::move(w);
  }
  x::SheetSpec spec;
  spec.name = "查詢紀錄";
  spec.title = "勞保查詢紀錄";
  const x::ColType types[] = {x::ColType::kText, x::ColType::kDateTime, x::ColType::kDate, x::ColType::kText,
                              x::ColType::kText, x::ColType::kText,     x::ColType::kText, x::ColType::kText,
                              x::ColType::kInteger, x::ColType::kText};
  for (int c = 0; c < 10; ++c) spec.columns.push_back({kHeaders[c], types[c]});
  if (st.ok()) st = wb->AddSheet(spec);
  std::vector<x::Cell> cells(10);
  Row r;
  for (int64_t i = 0; i < rows && st.ok(); ++i) {
    Generate(i, &r);
    cells[0] = r.txn;
    cells[1] = x::Cell::OfTime(r.time);
    cells[2] = x::Cell::OfDate(r.date);
    cells[3] = r.account;
    cells[4] = r.unit;
    cells[5] = r.service;
    cells[6] = r.subject;
    cells[7] = r.ip;
    cells[8] = r.count;
    cells[9] = r.detail;
    st = wb->AppendRow(cells);
  }
  if (st.ok()) st = wb->Close();
  if (!st.ok()) {
    std::fprintf(stderr, "ours: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

int RunBare(const std::string& path, int64_t rows) {
  lxw_workbook_options o{};
  o.constant_memory = LXW_TRUE;
  o.use_zip64 = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &o);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "查詢紀錄");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "[$-404]e/mm/dd");
  lxw_format* datetime = workbook_add_format(wb);
  format_set_num_format(datetime, "[$-404]e/mm/dd hh:mm:ss");
  lxw_format* integer = workbook_add_format(wb);
  format_set_num_format(integer, "0");
  worksheet_write_string(ws, 0, 0, "勞保查詢紀錄", bold);
  for (lxw_col_t c = 0; c < 10; ++c) worksheet_write_string(ws, 1, c, kHeaders[c], bold);
  Row r;
  for (int64_t i = 0; i < rows; ++i) {
    Generate(i, &r);
    const auto row = static_cast<lxw_row_t>(i + 2);
    worksheet_write_string(ws, row, 0, r.txn, nullptr);
    worksheet_write_number(ws, row, 1, 25569.0 + static_cast<double>(r.time) / 86400.0, datetime);
    worksheet_write_number(ws, row, 2, 25569.0 + r.date, date);
    worksheet_write_string(ws, row, 3, r.account, nullptr);
    worksheet_write_string(ws, row, 4, r.unit, nullptr);
    worksheet_write_string(ws, row, 5, r.service, nullptr);
    worksheet_write_string(ws, row, 6, r.subject, nullptr);
    worksheet_write_string(ws, row, 7, r.ip, nullptr);
    worksheet_write_number(ws, row, 8, static_cast<double>(r.count), integer);
    worksheet_write_string(ws, row, 9, r.detail, nullptr);
  }
  return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

struct Result {
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // user + system of the child: the fair figure on a shared machine
  double max_rss_mb = 0;
  long long bytes = 0;
  bool ok = false;
};

// Runs one variant in a child process: wall time, the child's own peak RSS, file size.
Result RunChild(Variant v, const std::string& path, int64_t rows) {
  Result res;
  auto t0 = std::chrono::steady_clock::now();
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(v == Variant::kBare ? RunBare(path, rows) : RunOurs(path, rows, v == Variant::kOds));
  int status = 0;
  struct rusage ru;
  std::memset(&ru, 0, sizeof ru);
  wait4(pid, &status, 0, &ru);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.max_rss_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;
  res.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  res.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  struct stat st;
  if (stat(path.c_str(), &st) == 0) res.bytes = st.st_size;
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 1000000;
  int repeat = 2;
  std::string dir = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") rows = std::atoll(argv[i + 1]);
    else if (a == "--repeat") repeat = std::atoi(argv[i + 1]);
    else if (a == "--dir") dir = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: xlsx_bench [--rows N] [--repeat K] [--dir DIR]\n");
      return 2;
    }
  }
  const std::string paths[] = {dir + "/xlsx_bench_bare.xlsx", dir + "/xlsx_bench_ours.xlsx",
                               dir + "/xlsx_bench_ours.ods"};
  Result best[3];
  for (int k = 0; k < repeat; ++k) {
    // Rotate the order so no variant always gets the warmer machine.
    for (int i = 0; i < 3; ++i) {
      const int v = (i + k) % 3;
      Result r = RunChild(static_cast<Variant>(v), paths[v], rows);
      if (!r.ok) {
        std::fprintf(stderr, "%s run failed\n", kVariantNames[v]);
        return 1;
      }
      std::printf("run %d %-4s wall %7.2f s  cpu %7.2f s  %9.0f rows/s (cpu)  peak RSS %6.1f MB  %6.1f MB file\n",
                  k + 1, kVariantNames[v], r.seconds, r.cpu_seconds, static_cast<double>(rows) / r.cpu_seconds,
                  r.max_rss_mb, static_cast<double>(r.bytes) / 1e6);
      std::fflush(stdout);
      if (best[v].cpu_seconds == 0 || r.cpu_seconds < best[v].cpu_seconds) best[v] = r;
    }
  }
  std::printf("rows=%lld cols=10  best CPU time of %d\n", static_cast<long long>(rows), repeat);
  const double n = static_cast<double>(rows);
  const char* const labels[] = {"bare libxlsxwriter:", "liaudit xlsx:      ", "liaudit ods:       "};
  for (int v = 0; v < 3; ++v)
    std::printf("%s cpu %.2f s (wall %.2f s)  %.0f rows/s  peak RSS %.1f MB  file %.1f MB\n", labels[v],
                best[v].cpu_seconds, best[v].seconds, n / best[v].cpu_seconds, best[v].max_rss_mb,
                static_cast<double>(best[v].bytes) / 1e6);
  std::printf("xlsx/bare: %.3f (cpu)  ods/xlsx: %.3f (cpu)  %.3f (wall)\n", best[1].cpu_seconds / best[0].cpu_seconds,
              best[2].cpu_seconds / best[1].cpu_seconds, best[2].seconds / best[1].seconds);
  for (const auto& p : paths) std::remove(p.c_str());
  return 0;
}
