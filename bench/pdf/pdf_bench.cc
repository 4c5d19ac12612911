// PDF engine benchmark: 附表2 (registration log) with N lines, 10 lines a page.
//   pdf_bench --lines 100000 --out /tmp/form2-big.pdf [--tsv rows.tsv] [--untagged]
// Prints wall time, pages/s, peak RSS and bytes per page. --tsv also writes the generated
// rows (tab-separated) so reportlab_table.py can draw the very same document.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "forms/forms.h"

using namespace liaudit;

namespace {

std::vector<RegistrationRecord> MakeRows(int n) {
  static const char* const kSurnames[] = {"陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊"};
  static const char* const kGiven[] = {"淑芬", "志明", "美玲", "建宏", "雅婷", "俊傑", "怡君", "家豪", "秀英", "宗翰"};
  static const char* const kReasons[] = {
      "依社會救助法第四條辦理低收入戶資格審查，查調家庭成員投保資料。",
      "依老人福利法第十二條辦理中低收入老人生活津貼審核。",
      "依身心障礙者權益保障法第七十一條辦理生活補助費審核。",
      "依特殊境遇家庭扶助條例第四條審核扶助資格。",
      "依兒童及少年福利與權益保障法辦理弱勢兒少生活扶助。"};
  static const char* const kStaff[] = {"周承辦", "許社工", "鄭專員", "謝科員"};
  static const char* const kItems[] = {"C0101", "B0101", "B0201", "N0101"};
  std::vector<RegistrationRecord> v;
  v.reserve(static_cast<size_t>(n));
  uint32_t x = 12345;
  auto rnd = [&x](uint32_t m) {
    x = x * 1103515245u + 12345u;
    return (x >> 16) % m;
  };
  for (int i = 1; i <= n; ++i) {
    RegistrationRecord r;
    char b[32];
    std::snprintf(b, sizeof b, "R%07d", i);
    r.reg_no = b;
    r.applied_on = DateFromCivil(2026, 7, 1) + static_cast<Date>(i / 1200);
    r.subject_name = std::string(kSurnames[rnd(10)]) + kGiven[rnd(10)];
    std::snprintf(b, sizeof b, "%c%u%08u", 'A' + static_cast<char>(rnd(26)), 1 + rnd(2), rnd(100000000));
    r.subject_id = b;
    r.items = {kItems[rnd(4)]};
    if (rnd(2)) r.items.push_back(kItems[rnd(4)]);
    r.reason = kReasons[rnd(5)];
    r.requester = kStaff[rnd(4)];
    r.querier_name = kStaff[rnd(4)];
    r.account = "ksw0231";
    r.unit = "社會救助科";
    r.unit_head = "陳科長";
    r.approved_at = StartOf(r.applied_on) + 9 * 3600 + static_cast<LocalTime>(rnd(28000));
    v.push_back(r);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int lines = 10000;
  std::string out = "/tmp/pdf_bench.pdf", tsv;
  bool tagged = true;
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--untagged")) tagged = false;  // render.tagged = false
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--untagged")) {
      --i;
      continue;
    }
    if (!std::strcmp(argv[i], "--lines")) lines = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--tsv")) tsv = argv[i + 1];
  }
  auto rows = MakeRows(lines);
  if (!tsv.empty()) {
    std::ofstream t(tsv);
    for (auto& r : rows) {
      std::string items;
      for (auto& it : r.items) items += (items.empty() ? "" : "\\n") + it;
      t << r.reg_no << '\t' << FormatRocSlash(r.applied_on) << '\t' << r.subject_name << '\t' << r.subject_id
        << '\t' << items << '\t' << r.reason << '\t' << r.requester << '\t' << r.querier_name << '\t'
        << r.unit_head << "\\n" << FormatRocTime(r.approved_at) << '\n';
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  render::RenderOptions ro;
  ro.creation_time = 1795000000;
  ro.tagged = tagged;
  std::unique_ptr<render::Engine> engine;
  Status st = render::Engine::Create(ro, &engine);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  auto t1 = std::chrono::steady_clock::now();
  render::PdfResult res;
  st = forms::WriteForm2(*engine, forms::FormOptions(), "社會救助科", DateFromCivil(2026, 7, 1),
                         DateFromCivil(2026, 9, 30), rows, out, &res);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  auto t2 = std::chrono::steady_clock::now();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double load = std::chrono::duration<double>(t1 - t0).count();
  double write = std::chrono::duration<double>(t2 - t1).count();
  std::printf("lines=%d pages=%d engine_create=%.3fs write=%.3fs total=%.3fs pages_per_s=%.0f peak_rss_mb=%.1f bytes=%llu bytes_per_page=%.0f\n",
              lines, res.pages, load, write, load + write, res.pages / (load + write), static_cast<double>(ru.ru_maxrss) / 1024.0,
              static_cast<unsigned long long>(res.bytes), static_cast<double>(res.bytes) / res.pages);
  return 0;
}
