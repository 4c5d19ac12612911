// Times the two audit reports on synthetic models of growing size:
//   reports_bench [--findings N ...] [--out DIR]
// Prints pages, seconds (wall and CPU), file size and peak RSS per document.
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "reports/reports.h"
#include "sample_models.h"

namespace {

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace liaudit;
  std::vector<int> sizes;
  std::string out = "reports_bench_out";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--findings" && i + 1 < argc) sizes.push_back(std::atoi(argv[++i]));
    else if (a == "--out" && i + 1 < argc) out = argv[++i];
    else {
      std::fprintf(stderr, "usage: reports_bench [--findings N ...] [--out DIR]\n");
      return 2;
    }
  }
  if (sizes.empty()) sizes = {100, 1000, 10000};
  mkdir(out.c_str(), 0755);
  render::RenderOptions opts;
  opts.creation_time = StartOf(DateFromCivil(2026, 11, 26));
  std::unique_ptr<render::Engine> engine;
  Status st = render::Engine::Create(opts, &engine);
  if (!st.ok()) {
    std::fprintf(stderr, "engine: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("%-12s %9s %7s %9s %9s %10s %8s %12s\n", "document", "findings", "pages", "wall_s", "cpu_s",
              "bytes", "KB/page", "peak_rss_MB");
  for (int n : sizes) {
    for (int which = 0; which < 2; ++which) {
      const std::string path = out + (which ? "/review-" : "/exceptions-") + std::to_string(n) + ".pdf";
      render::PdfResult res;
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = CpuSeconds();
      st = which ? reports::WriteReviewReport(*engine, reports::testdata::SampleReview(n), path, &res)
                 : reports::WriteExceptionsReport(*engine, reports::testdata::SampleExceptions(n), path, &res);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double cpu = CpuSeconds() - c0;
      if (!st.ok()) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), st.ToString().c_str());
        return 1;
      }
      std::printf("%-12s %9d %7d %9.2f %9.2f %10llu %8.1f %12.1f\n", which ? "review" : "exceptions", n, res.pages,
                  wall, cpu, static_cast<unsigned long long>(res.bytes),
                  static_cast<double>(res.bytes) / 1024.0 / res.pages, static_cast<double>(PeakRssKb()) / 1024.0);
    }
  }
  return 0;
}
