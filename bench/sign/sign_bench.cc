// Signing and verifying speed: one-page forms, a 10,000-page PDF, a 100-PDF job
// folder, and poppler's pdfsig on a 1,000-page PDF for comparison.
//   sign_bench [--pdf FILE] [WORKDIR]   (default: a fresh temporary folder, removed afterwards)
// --pdf FILE also times signing copies of FILE (e.g. a form written by the PDF engine).
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/digest.h"
#include "fixtures.h"
#include "sign/sign.h"
#include "sign/verify.h"

namespace fs = std::filesystem;
using namespace liaudit;        // NOLINT
using namespace liaudit::sign;  // NOLINT
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// CPU time of this process: on a shared machine wall time includes waiting for a core.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}


// Wall time of a shell command, process start included.
double TimeCommand(const std::string& cmd) {
  auto t0 = Clock::now();
  int rc = std::system(cmd.c_str());
  auto t1 = Clock::now();
  if (rc != 0) std::cerr << "command failed: " << cmd << "\n";
  return Ms(t0, t1);
}

int Fail(const std::string& what) {
  std::cerr << "sign_bench: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string extra_pdf, workdir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pdf" && i + 1 < argc) extra_pdf = argv[++i]; else workdir = a;
  }
  const bool own_dir = workdir.empty();
  std::string dir = own_dir ? testing::MakeTempDir() : workdir;
  fs::create_directories(dir);
  setenv("LIAUDIT_BENCH_P12_PW", "bench password", 1);
  if (!testing::MakeP12(dir + "/signer.p12", "bench password", testing::CertSpec{}, dir + "/signer.pem")) {
    return Fail("cannot make the test certificate");
  }
  SignerConfig config;
  config.pkcs12_path = dir + "/signer.p12";
  config.password_env = "LIAUDIT_BENCH_P12_PW";
  std::unique_ptr<Signer> signer;
  auto t0 = Clock::now();
  Status st = Signer::Load(config, &signer);
  double load_ms = Ms(t0, Clock::now());
  if (!st.ok()) return Fail(st.ToString());
  SignRequest req;
  req.reason = "勞保查詢系統使用紀錄檢查結果";

  // 1. One-page forms: 200 files, each signed in process.
  const int kForms = 200;
  std::string one = dir + "/one.pdf";
  if (!testing::MakePdf(one, 1, "form")) return Fail("cannot make a one-page PDF");
  std::string one_bytes = testing::ReadFile(one);
  fs::create_directories(dir + "/job/form1");
  std::vector<double> per_form;
  double forms_cpu0 = CpuMs();
  for (int i = 0; i < kForms; ++i) {
    std::string p = dir + "/job/form1/f" + std::to_string(i) + ".pdf";
    testing::WriteFile(p, one_bytes);
    auto a = Clock::now();
    st = SignPdfFile(*signer, p, req);
    per_form.push_back(Ms(a, Clock::now()));
    if (!st.ok()) return Fail(st.ToString());
  }
  double forms_cpu = (CpuMs() - forms_cpu0) / kForms;

  // 1b. Copies of a real PDF, when given.
  std::vector<double> per_extra;
  double extra_cpu = 0;
  size_t extra_bytes = 0, extra_added = 0;
  if (!extra_pdf.empty()) {
    std::string bytes = testing::ReadFile(extra_pdf);
    extra_bytes = bytes.size();
    double c0 = CpuMs();
    for (int i = 0; i < kForms; ++i) {
      std::string p = dir + "/extra" + std::to_string(i) + ".pdf";
      testing::WriteFile(p, bytes);
      auto a = Clock::now();
      st = SignPdfFile(*signer, p, req);
      per_extra.push_back(Ms(a, Clock::now()));
      if (!st.ok()) return Fail(st.ToString());
    }
    extra_cpu = (CpuMs() - c0) / kForms;
    extra_added = fs::file_size(dir + "/extra0.pdf") - extra_bytes;
  }

  // 2. Big PDFs: 1,000 and 10,000 pages.
  auto sign_big = [&](int pages, double* make_ms, double* sign_ms, double* sign_cpu, size_t* bytes) -> bool {
    std::string p = dir + "/big" + std::to_string(pages) + ".pdf";
    auto a = Clock::now();
    if (!testing::MakeLargePdf(p, pages, "registration log")) return false;
    auto b = Clock::now();
    *bytes = fs::file_size(p);
    double c0 = CpuMs();
    b = Clock::now();
    if (!SignPdfFile(*signer, p, req).ok()) return false;
    *sign_ms = Ms(b, Clock::now());
    *sign_cpu = CpuMs() - c0;
    *make_ms = Ms(a, b);
    return true;
  };
  double make1k = 0, sign1k = 0, make10k = 0, sign10k = 0, cpu1k = 0, cpu10k = 0;
  size_t bytes1k = 0, bytes10k = 0;
  if (!sign_big(1000, &make1k, &sign1k, &cpu1k, &bytes1k) || !sign_big(10000, &make10k, &sign10k, &cpu10k, &bytes10k)) {
    return Fail("cannot make or sign the big PDFs");
  }

  // 3. Verify a 100-PDF job folder (signatures + manifest).
  std::string job = dir + "/job100";
  fs::create_directories(job);
  nlohmann::json manifest;
  for (int i = 0; i < 100; ++i) {
    std::string rel = "f" + std::to_string(i) + ".pdf";
    fs::copy_file(dir + "/job/form1/f" + std::to_string(i) + ".pdf", job + "/" + rel);
    std::string data = testing::ReadFile(job + "/" + rel);
    manifest["outputs"].push_back({{"path", rel}, {"sha256", Sha256Hex(data)}, {"bytes", data.size()}});
  }
  testing::WriteFile(job + "/manifest.json", manifest.dump(1));
  VerifyOptions vo;
  vo.trust_anchors = dir + "/signer.pem";
  FolderVerdict fv;
  double vc0 = CpuMs();
  auto v0 = Clock::now();
  st = VerifyFolder(job, vo, &fv);
  double verify_folder_ms = Ms(v0, Clock::now());
  double verify_folder_cpu = CpuMs() - vc0;
  if (!st.ok() || !fv.ok) return Fail("folder does not verify");

  PdfVerdict pv;
  auto v1 = Clock::now();
  st = VerifyPdf(dir + "/big1000.pdf", vo, &pv);
  double verify1k_ms = Ms(v1, Clock::now());
  auto v2 = Clock::now();
  st = VerifyPdf(dir + "/big10000.pdf", vo, &pv);
  double verify10k_ms = Ms(v2, Clock::now());
  if (!st.ok() || !pv.ok) return Fail("big PDF does not verify");

  // 4. poppler's pdfsig on the 1,000-page file, process start included (best of 5).
  std::vector<double> pdfsig_ms;
  for (int i = 0; i < 5; ++i) pdfsig_ms.push_back(TimeCommand("pdfsig '" + dir + "/big1000.pdf' >/dev/null 2>&1"));

  std::printf("| measurement | wall | CPU |\n| --- | --- | --- |\n");
  std::printf("| load PKCS#12 (RSA-2048, with a trial signature to size /Contents) | %.1f ms | |\n", load_ms);
  std::printf("| sign one-page PDF (%zu bytes), median / mean CPU of %d | %.2f ms | %.2f ms |\n", one_bytes.size(), kForms,
              Median(per_form), forms_cpu);
  if (!per_extra.empty()) {
    std::printf("| sign %s (%zu bytes; the signature adds %zu), median / mean CPU of %d | %.2f ms | %.2f ms |\n",
                fs::path(extra_pdf).filename().c_str(), extra_bytes, extra_added, kForms, Median(per_extra), extra_cpu);
  }
  std::printf("| sign 1,000-page PDF (%.1f MB) | %.1f ms | %.1f ms |\n", static_cast<double>(bytes1k) / 1e6, sign1k, cpu1k);
  std::printf("| sign 10,000-page PDF (%.1f MB) | %.1f ms | %.1f ms |\n", static_cast<double>(bytes10k) / 1e6, sign10k,
              cpu10k);
  std::printf("| verify 100-PDF job folder (signatures + manifest, chain checked) | %.1f ms | %.1f ms |\n",
              verify_folder_ms, verify_folder_cpu);
  std::printf("| verify 1,000-page PDF in process | %.1f ms | |\n", verify1k_ms);
  std::printf("| verify 10,000-page PDF in process | %.1f ms | |\n", verify10k_ms);
  std::printf("| poppler pdfsig, 1,000-page PDF, process start included (best of 5) | %.1f ms | |\n",
              *std::min_element(pdfsig_ms.begin(), pdfsig_ms.end()));
  (void)make1k;
  (void)make10k;
  if (own_dir) testing::RemoveTree(dir);
  return 0;
}
