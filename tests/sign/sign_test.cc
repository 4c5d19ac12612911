// Signing and verifying, checked as the recipients see it: poppler's pdfsig,
// qpdf --check, and our own VerifyPdf / VerifyFolder.
#include "core/digest.h"
#include "sign/sign.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <podofo/podofo.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/datetime.h"
#include "fixtures.h"
#include "sign/verify.h"

namespace liaudit::sign {
namespace {

using testing::CertSpec;
using testing::MakeP12;
using testing::MakePdf;
using testing::ReadFile;
using testing::RunCapture;
using testing::WriteFile;
namespace fs = std::filesystem;

const char kPassword[] = "correct horse 電池 staple";

class SignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    ASSERT_TRUE(MakeP12(dir_ + "/signer.p12", kPassword, CertSpec{}, dir_ + "/signer.pem"));
    setenv("LIAUDIT_TEST_P12_PW", kPassword, 1);
    config_.pkcs12_path = dir_ + "/signer.p12";
    config_.password_env = "LIAUDIT_TEST_P12_PW";
  }
  void TearDown() override { testing::RemoveTree(dir_); }

  std::unique_ptr<Signer> LoadSigner(const SignerConfig& c) {
    std::unique_ptr<Signer> s;
    Status st = Signer::Load(c, &s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }
  // A fresh signed PDF of `pages` pages at dir_/name.
  std::string SignedPdf(const std::string& name, int pages = 2, bool visible = false) {
    std::string path = dir_ + "/" + name;
    EXPECT_TRUE(pages >= 1000 ? testing::MakeLargePdf(path, pages) : MakePdf(path, pages));
    if (!signer_) signer_ = LoadSigner(config_);
    SignRequest r;
    r.reason = "勞保查詢系統使用紀錄檢查結果";
    r.signing_time = signing_time_;
    if (visible) {
      r.visible = true;
      r.page = pages - 1;
      r.x = 350; r.y = 60; r.w = 200; r.h = 70;
    }
    Status st = SignPdfFile(*signer_, path, r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return path;
  }
  static std::string Pdfsig(const std::string& path) { return RunCapture("pdfsig '" + path + "'"); }
  static void ExpectPdfsigValid(const std::string& path) {
    std::string out = Pdfsig(path);
    EXPECT_NE(out.find("Signature is Valid."), std::string::npos) << out;
    EXPECT_NE(out.find("Total document signed"), std::string::npos) << out;
  }
  static void ExpectQpdfClean(const std::string& path) {
    std::string out = RunCapture("qpdf --check '" + path + "'");
    EXPECT_NE(out.find("No syntax or stream encoding errors"), std::string::npos) << out;
  }
  static PdfVerdict Verify(const std::string& path, const std::string& anchors = "") {
    PdfVerdict v;
    VerifyOptions o;
    o.trust_anchors = anchors;
    Status st = VerifyPdf(path, o, &v);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return v;
  }
  static std::string Problems(const PdfVerdict& v) {
    std::string s;
    for (const auto& p : v.problems) s += p + "\n";
    return s;
  }

  std::string dir_;
  LocalTime signing_time_ = NowLocal();
  SignerConfig config_;
  std::unique_ptr<Signer> signer_;
};

TEST_F(SignTest, CadesSignatureIsValidForPdfsigQpdfAndVerify) {
  std::string path = SignedPdf("a.pdf");
  ExpectPdfsigValid(path);
  EXPECT_NE(Pdfsig(path).find("ETSI.CAdES.detached"), std::string::npos);
  ExpectQpdfClean(path);
  PdfVerdict v = Verify(path, dir_ + "/signer.pem");
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_TRUE(v.digest_ok);
  EXPECT_TRUE(v.covers_whole_file);
  EXPECT_TRUE(v.chain_ok);
  EXPECT_EQ(v.signer, "liaudit test signer");
  EXPECT_EQ(v.subfilter, "ETSI.CAdES.detached");
  EXPECT_EQ(v.signing_time, FormatIsoTime(signing_time_) + " +08:00");
  // The text is still there after signing.
  std::string text = RunCapture("pdftotext '" + path + "' -");
  EXPECT_NE(text.find("page 2 of 2"), std::string::npos) << text;
  // Reason and location are in the signature dictionary as UTF-16 text.
  std::string info = RunCapture("qpdf --show-object=trailer '" + path + "'");
  EXPECT_FALSE(info.empty());
}

TEST_F(SignTest, Pkcs7DetachedAndVisibleWidgetOnLastPage) {
  config_.cades = false;
  std::string path = SignedPdf("b.pdf", 3, /*visible=*/true);
  ExpectPdfsigValid(path);
  EXPECT_NE(Pdfsig(path).find("adbe.pkcs7.detached"), std::string::npos);
  ExpectQpdfClean(path);
  // One signature field, its widget on page 3, printable.
  std::string json = RunCapture("qpdf --json --json-key=acroform '" + path + "'");
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json;
  ASSERT_EQ(j["acroform"]["fields"].size(), 1u) << json;
  const auto& field = j["acroform"]["fields"][0];
  EXPECT_EQ(field["fieldtype"], "/Sig");
  EXPECT_EQ(field["pageposfrom1"], 3);
  EXPECT_EQ(field["annotation"]["annotationflags"], 132);
  std::string widget = RunCapture("qpdf --show-object='" + field["object"].get<std::string>() + "' '" + path + "'");
  EXPECT_NE(widget.find("/Rect [ 350 60 550 130 ]"), std::string::npos) << widget;
  PdfVerdict v = Verify(path);
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_FALSE(v.chain_checked);
  EXPECT_EQ(v.subfilter, "adbe.pkcs7.detached");
}

TEST_F(SignTest, ThousandPagePdf) {
  std::string path = SignedPdf("big.pdf", 1200);
  ExpectPdfsigValid(path);
  ExpectQpdfClean(path);
  PdfVerdict v = Verify(path, dir_ + "/signer.pem");
  EXPECT_TRUE(v.ok) << Problems(v);
  std::string info = RunCapture("pdfinfo '" + path + "'");
  size_t at = info.find("Pages:");
  ASSERT_NE(at, std::string::npos) << info;
  EXPECT_EQ(std::atoi(info.c_str() + at + 6), 1200) << info;
}

TEST_F(SignTest, CrossReferenceStreamInput) {
  std::string plain = dir_ + "/plain.pdf", xs = dir_ + "/xs.pdf";
  ASSERT_TRUE(MakePdf(plain, 4));
  RunCapture("qpdf --object-streams=generate '" + plain + "' '" + xs + "'");
  ASSERT_NE(ReadFile(xs).find("/XRef"), std::string::npos);
  signer_ = LoadSigner(config_);
  SignRequest r;
  r.reason = "測試";
  ASSERT_TRUE(SignPdfFile(*signer_, xs, r).ok());
  ExpectPdfsigValid(xs);
  ExpectQpdfClean(xs);
  EXPECT_TRUE(Verify(xs).ok);
}

TEST_F(SignTest, SecondSignatureOnSignedPdf) {
  std::string path = SignedPdf("twice.pdf");
  SignRequest r;
  r.reason = "second";
  ASSERT_TRUE(SignPdfFile(*signer_, path, r).ok());
  std::string out = Pdfsig(path);
  EXPECT_NE(out.find("Signature #2"), std::string::npos) << out;
  ExpectQpdfClean(path);
  EXPECT_TRUE(Verify(path).ok);  // the last signature covers everything
}

// Tampering: each change is caught with its own reason; an untouched copy passes.
TEST_F(SignTest, TamperedFilesAreCaught) {
  std::string good = SignedPdf("good.pdf");
  const std::string original = ReadFile(good);
  struct Case {
    std::string name;
    std::function<void(std::string*)> tamper;
    std::string reason;
  };
  auto content_offset = [](const std::string& pdf) {
    // The first page's content stream: "/Contents N 0 R" -> "N 0 obj" -> its stream data.
    size_t c = pdf.find("/Contents ");
    long num = std::atol(pdf.c_str() + c + 10);
    size_t obj = pdf.find("\n" + std::to_string(num) + " 0 obj");
    return pdf.find("stream", obj) + 10;
  };
  std::vector<Case> cases = {
      {"page content", [&](std::string* p) { (*p)[content_offset(*p)] ^= 0x01; }, "changed after signing"},
      {"info dictionary", [](std::string* p) { (*p)[p->find("/Title") + 8] ^= 0x01; }, "changed after signing"},
      {"signature DER", [](std::string* p) {
         size_t c = p->rfind("/Contents<") + 10 + 200;
         (*p)[c] = (*p)[c] == 'a' ? 'b' : 'a';
       }, "signature"},
      {"signature padding", [](std::string* p) {
         size_t end = p->find('>', p->rfind("/Contents<"));
         (*p)[end - 4] = '7';
       }, "signature contents were altered"},
      {"bytes appended", [](std::string* p) { *p += "\n% appended\n"; }, "bytes were appended"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string bad = original;
    c.tamper(&bad);
    ASSERT_NE(bad, original);
    std::string path = dir_ + "/tampered.pdf";
    WriteFile(path, bad);
    PdfVerdict v = Verify(path);
    EXPECT_FALSE(v.ok);
    EXPECT_NE(Problems(v).find(c.reason), std::string::npos) << Problems(v);
  }
  PdfVerdict v = Verify(good);
  EXPECT_TRUE(v.ok) << Problems(v);
  // pdfsig agrees about the page content change.
  std::string bad = original;
  bad[content_offset(bad)] ^= 0x01;
  WriteFile(dir_ + "/tampered.pdf", bad);
  EXPECT_EQ(Pdfsig(dir_ + "/tampered.pdf").find("Signature is Valid."), std::string::npos);
}

// Regression: a fixed clock (deterministic documents) must not become the signing
// time, or a certificate made today would not be valid at it.
TEST_F(SignTest, FixedClockDoesNotLeakIntoSignature) {
  SetFixedClock(StartOf(DateFromCivil(2020, 1, 1)));
  std::string path = dir_ + "/fixed.pdf";
  ASSERT_TRUE(MakePdf(path, 1));
  signer_ = LoadSigner(config_);
  SignRequest r;  // signing_time = kNoTime
  Status st = SignPdfFile(*signer_, path, r);
  SetFixedClock(kNoTime);
  ASSERT_TRUE(st.ok()) << st.ToString();
  PdfVerdict v = Verify(path, dir_ + "/signer.pem");
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_GT(v.signing_time, "2021") << v.signing_time;
}

// A page that already has annotations keeps them, and gains the widget.
TEST_F(SignTest, PageWithExistingAnnotations) {
  std::string path = dir_ + "/annots.pdf";
  {
    PoDoFo::PdfMemDocument doc;
    PoDoFo::PdfPage* page = doc.CreatePage(PoDoFo::PdfPage::CreateStandardPageSize(PoDoFo::ePdfPageSize_A4));
    PoDoFo::PdfAnnotation* link = page->CreateAnnotation(PoDoFo::ePdfAnnotation_Link, PoDoFo::PdfRect(50, 50, 100, 20));
    link->SetBorderStyle(0, 0, 0);
    doc.Write(path.c_str());
  }
  signer_ = LoadSigner(config_);
  SignRequest r;
  r.visible = true;
  r.x = 300; r.y = 50; r.w = 150; r.h = 50;
  ASSERT_TRUE(SignPdfFile(*signer_, path, r).ok());
  ExpectPdfsigValid(path);
  ExpectQpdfClean(path);
  nlohmann::json pages = nlohmann::json::parse(RunCapture("qpdf --json --json-key=pages '" + path + "'"), nullptr, false);
  ASSERT_FALSE(pages.is_discarded());
  std::string page = RunCapture("qpdf --show-object='" + pages["pages"][0]["object"].get<std::string>() + "' '" + path + "'");
  size_t annots = page.find("/Annots [");
  ASSERT_NE(annots, std::string::npos) << page;
  std::istringstream refs(page.substr(annots + 9, page.find(']', annots) - annots - 9));
  std::string subtypes;
  long num = 0, gen = 0;
  std::string ref_r;
  while (refs >> num >> gen >> ref_r) {
    std::string annot = RunCapture("qpdf --show-object=" + std::to_string(num) + " '" + path + "'");
    subtypes += annot.find("/Subtype /Link") != std::string::npos ? "Link " : annot.find("/Subtype /Widget") != std::string::npos ? "Widget " : "? ";
  }
  EXPECT_EQ(subtypes, "Link Widget ") << page;
}

TEST_F(SignTest, UnsignedPdfIsReported) {
  std::string path = dir_ + "/unsigned.pdf";
  ASSERT_TRUE(MakePdf(path, 1));
  PdfVerdict v = Verify(path);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(Problems(v).find("no signature found"), std::string::npos);
}

TEST_F(SignTest, ChainToCaAndWrongAnchors) {
  ASSERT_TRUE(MakeP12(dir_ + "/ca-signed.p12", kPassword, CertSpec{.cn = "issued signer", .with_ca = true},
                      dir_ + "/ca.pem"));
  config_.pkcs12_path = dir_ + "/ca-signed.p12";
  std::string path = SignedPdf("c.pdf");
  std::string out = Pdfsig(path);
  EXPECT_NE(out.find("Signature is Valid."), std::string::npos) << out;
  PdfVerdict v = Verify(path, dir_ + "/ca.pem");
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_TRUE(v.chain_ok);
  PdfVerdict w = Verify(path, dir_ + "/signer.pem");  // an unrelated certificate
  EXPECT_FALSE(w.ok);
  EXPECT_TRUE(w.chain_checked);
  EXPECT_FALSE(w.chain_ok);
  EXPECT_NE(Problems(w).find("does not chain to a trust anchor"), std::string::npos) << Problems(w);
}

// Certificate problems: a clear error from Load, so the job writes nothing.
TEST_F(SignTest, LoadErrorsAreClear) {
  struct Case {
    std::string name;
    CertSpec spec;
    std::string password;
    std::string want;
  };
  std::vector<Case> cases = {
      {"wrong password", CertSpec{}, "not the password", "wrong password"},
      {"expired", CertSpec{.not_before_days = -400, .not_after_days = -2}, kPassword, "expired on"},
      {"not yet valid", CertSpec{.not_before_days = 5, .not_after_days = 400}, kPassword, "not valid before"},
      {"mismatched key", CertSpec{.mismatched_key = true}, kPassword, "does not match"},
      {"not a signing certificate", CertSpec{.key_usage = "critical,keyEncipherment"}, kPassword, "is not for signing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string p12 = dir_ + "/case.p12";
    ASSERT_TRUE(MakeP12(p12, kPassword, c.spec));
    setenv("LIAUDIT_TEST_P12_PW", c.password.c_str(), 1);
    SignerConfig cfg = config_;
    cfg.pkcs12_path = p12;
    std::unique_ptr<Signer> s;
    Status st = Signer::Load(cfg, &s);
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(s, nullptr);
    EXPECT_NE(st.message().find(c.want), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find(c.password), std::string::npos) << "password leaked: " << st.message();
  }
  setenv("LIAUDIT_TEST_P12_PW", kPassword, 1);
  SignerConfig missing = config_;
  missing.pkcs12_path = dir_ + "/nope.p12";
  std::unique_ptr<Signer> s;
  Status st = Signer::Load(missing, &s);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_NE(st.message().find("nope.p12"), std::string::npos) << st.message();

  SignerConfig no_env = config_;
  no_env.password_env = "LIAUDIT_TEST_UNSET_VARIABLE";
  st = Signer::Load(no_env, &s);
  EXPECT_NE(st.message().find("LIAUDIT_TEST_UNSET_VARIABLE"), std::string::npos) << st.message();

  // A password file others can read is refused; mode 0600 is accepted.
  SignerConfig file_cfg = config_;
  file_cfg.password_file = dir_ + "/pw";
  WriteFile(file_cfg.password_file, std::string(kPassword) + "\n");
  chmod(file_cfg.password_file.c_str(), 0644);
  st = Signer::Load(file_cfg, &s);
  EXPECT_NE(st.message().find("readable by its owner only"), std::string::npos) << st.message();
  chmod(file_cfg.password_file.c_str(), 0600);
  st = Signer::Load(file_cfg, &s);
  EXPECT_TRUE(st.ok()) << st.ToString();

  // A file that is not a PDF fails clearly and is left as it was.
  WriteFile(dir_ + "/not.pdf", "hello");
  st = SignPdfFile(*s, dir_ + "/not.pdf", SignRequest{});
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(ReadFile(dir_ + "/not.pdf"), "hello");
}

TEST_F(SignTest, DemoCertificateScript) {
  std::string demo = dir_ + "/demo";
  std::string out = RunCapture(std::string(LIAUDIT_SOURCE_DIR) + "/scripts/make-demo-cert.sh '" + demo + "'");
  struct stat st {};
  ASSERT_EQ(stat(demo.c_str(), &st), 0) << out;
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((demo + "/demo-signer.pass").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string p12 = ReadFile(demo + "/demo-signer.p12");
  // Idempotent: a second run keeps the certificate.
  RunCapture(std::string(LIAUDIT_SOURCE_DIR) + "/scripts/make-demo-cert.sh '" + demo + "'");
  EXPECT_EQ(ReadFile(demo + "/demo-signer.p12"), p12);

  SignerConfig c;
  c.pkcs12_path = demo + "/demo-signer.p12";
  c.password_file = demo + "/demo-signer.pass";
  std::unique_ptr<Signer> s = LoadSigner(c);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->SubjectCommonName().find("測試"), std::string::npos) << s->SubjectCommonName();
  EXPECT_NE(s->SubjectCommonName().find("DEMO"), std::string::npos);
  EXPECT_GT(s->NotAfter() - NowLocal(), 3L * 364 * kSecondsPerDay);
  std::string path = dir_ + "/demo.pdf";
  ASSERT_TRUE(MakePdf(path, 1));
  SignRequest r;
  r.reason = "勞保查詢系統使用紀錄檢查結果";
  ASSERT_TRUE(SignPdfFile(*s, path, r).ok());
  ExpectPdfsigValid(path);
  EXPECT_NE(Pdfsig(path).find("測試"), std::string::npos);
  PdfVerdict v = Verify(path, demo + "/demo-ca.pem");
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_TRUE(v.chain_ok);
}


// A job folder as a job writes it: three signed PDFs, findings.csv, manifest.json
// listing them, and manifest.json.p7s signing manifest.json's bytes (when `signer`).
std::string MakeJobFolder(const std::string& job, const std::function<std::string(const std::string&, int)>& signed_pdf,
                          const Signer* signer) {
  fs::create_directories(job + "/form1");
  std::string base = fs::path(job).filename().string();
  signed_pdf(base + "/review.pdf", 2);
  signed_pdf(base + "/form1/a.pdf", 1);
  signed_pdf(base + "/form1/b.pdf", 1);
  WriteFile(job + "/findings.csv", "\xEF\xBB\xBFrule_id,severity\nR01,high\nR02,low\n");
  nlohmann::ordered_json m;
  m["job"] = "test";
  m["counts"] = {{"findings", 2}};
  m["signing"] = {{"signed", signer != nullptr}};
  for (const char* rel : {"review.pdf", "form1/a.pdf", "form1/b.pdf", "findings.csv"}) {
    std::string data = ReadFile(job + "/" + rel);
    m["outputs"].push_back({{"path", rel}, {"sha256", Sha256Hex(data)}, {"bytes", data.size()}});
  }
  std::string text = m.dump(2) + "\n";
  WriteFile(job + "/manifest.json", text);
  if (signer != nullptr) {
    std::string der;
    EXPECT_TRUE(signer->SignDetached(text, kNoTime, &der).ok());
    WriteFile(job + "/manifest.json.p7s", der);
  }
  return text;
}

struct Printed {
  int code = -1;
  std::string text;
  nlohmann::json json;
};

Printed VerifyAndPrint(const std::string& dir, const VerifyOptions& o) {
  FolderVerdict f;
  Printed p;
  Status st = VerifyFolder(dir, o, &f);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::ostringstream text, js;
  p.code = PrintVerdicts(f, false, text);
  p.text = text.str();
  EXPECT_EQ(PrintVerdicts(f, true, js), p.code);
  p.json = nlohmann::json::parse(js.str());
  EXPECT_EQ(p.json["ok"].get<bool>(), p.code == 0);
  return p;
}

TEST_F(SignTest, FolderVerification) {
  std::string job = dir_ + "/job";
  signer_ = LoadSigner(config_);
  MakeJobFolder(job, [&](const std::string& rel, int pages) { return SignedPdf(rel, pages); }, signer_.get());

  VerifyOptions o;
  o.trust_anchors = dir_ + "/signer.pem";
  FolderVerdict f;
  ASSERT_TRUE(VerifyFolder(job, o, &f).ok());
  std::ostringstream text;
  EXPECT_EQ(PrintVerdicts(f, false, text), 0) << text.str();
  EXPECT_TRUE(f.ok);
  EXPECT_EQ(f.pdfs.size(), 3u);
  EXPECT_TRUE(f.extra.empty());  // manifest.json.p7s is the one file the manifest does not list
  EXPECT_NE(text.str().find("Everything verifies"), std::string::npos);

  // Missing, extra and altered files, and a PDF changed after signing.
  fs::remove(job + "/form1/b.pdf");
  WriteFile(job + "/stray.txt", "x");
  WriteFile(job + "/findings.csv", "\xEF\xBB\xBFrule_id,severity\nR01,high\n");
  std::string a = ReadFile(job + "/form1/a.pdf");
  WriteFile(job + "/form1/a.pdf", a + "%%EOF\n");
  ASSERT_TRUE(VerifyFolder(job, o, &f).ok());
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.missing, std::vector<std::string>{"form1/b.pdf"});
  EXPECT_EQ(f.extra, std::vector<std::string>{"stray.txt"});
  EXPECT_EQ(f.altered, (std::vector<std::string>{"form1/a.pdf", "findings.csv"}));
  std::ostringstream js;
  EXPECT_EQ(PrintVerdicts(f, true, js), 1);
  nlohmann::json j = nlohmann::json::parse(js.str());
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_TRUE(j["manifest_signature"]["ok"].get<bool>()) << js.str();  // the manifest itself is untouched
  bool a_failed = false;
  for (const auto& p : j["pdfs"]) {
    if (p["path"] == "form1/a.pdf") a_failed = !p["ok"].get<bool>() && !p["covers_whole_file"].get<bool>();
  }
  EXPECT_TRUE(a_failed) << js.str();
  std::ostringstream plain;
  EXPECT_EQ(PrintVerdicts(f, false, plain), 1);
  EXPECT_NE(plain.str().find("MISSING form1/b.pdf"), std::string::npos) << plain.str();

  // Only manifest.json.p7s at the top of the folder is expected; one elsewhere is extra.
  WriteFile(job + "/form1/manifest.json.p7s", ReadFile(job + "/manifest.json.p7s"));
  ASSERT_TRUE(VerifyFolder(job, o, &f).ok());
  EXPECT_EQ(f.extra, (std::vector<std::string>{"form1/manifest.json.p7s", "stray.txt"}));

  // Without manifest.json the folder cannot verify.
  fs::remove(job + "/manifest.json");
  ASSERT_TRUE(VerifyFolder(job, o, &f).ok());
  EXPECT_FALSE(f.ok);
  ASSERT_FALSE(f.problems.empty());
  EXPECT_NE(f.problems[0].find("manifest.json is missing"), std::string::npos);
}

// Regression: editing manifest.json of a single job folder (its counts, say) while
// leaving every output file alone verified as "Everything verifies"; only
// `verify --chain` noticed. manifest.json.p7s signs the manifest's bytes.
TEST_F(SignTest, EditedManifestIsCaught) {
  std::string job = dir_ + "/job";
  signer_ = LoadSigner(config_);
  const std::string text =
      MakeJobFolder(job, [&](const std::string& rel, int pages) { return SignedPdf(rel, pages); }, signer_.get());
  VerifyOptions o;
  o.trust_anchors = dir_ + "/signer.pem";

  Printed good = VerifyAndPrint(job, o);
  EXPECT_EQ(good.code, 0) << good.text;
  EXPECT_NE(good.text.find("OK    manifest.json"), std::string::npos) << good.text;
  const nlohmann::json& ms = good.json["manifest_signature"];
  EXPECT_EQ(ms["path"], "manifest.json.p7s");
  EXPECT_TRUE(ms["present"].get<bool>());
  EXPECT_TRUE(ms["ok"].get<bool>()) << good.json.dump(2);
  EXPECT_TRUE(ms["digest_ok"].get<bool>());
  EXPECT_TRUE(ms["chain_checked"].get<bool>());
  EXPECT_TRUE(ms["chain_ok"].get<bool>());
  EXPECT_EQ(ms["signer"], "liaudit test signer");
  EXPECT_FALSE(ms["signing_time"].get<std::string>().empty());

  struct Case {
    std::string name;
    std::function<void()> tamper;
    std::string reason;  // in the manifest signature's problems
  };
  std::unique_ptr<Signer> other;
  ASSERT_TRUE(MakeP12(dir_ + "/other.p12", kPassword, CertSpec{.cn = "someone else"}));
  SignerConfig other_config = config_;
  other_config.pkcs12_path = dir_ + "/other.p12";
  other = LoadSigner(other_config);
  ASSERT_TRUE(other);
  std::string edited = text;
  const std::string count = "\"findings\": 2";
  edited.replace(edited.find(count), count.size(), "\"findings\": 0");
  std::vector<Case> cases = {
      {"counts edited", [&] { WriteFile(job + "/manifest.json", edited); }, "manifest.json was changed after signing"},
      {"one byte appended", [&] { WriteFile(job + "/manifest.json", text + " "); }, "changed after signing"},
      {"signature removed", [&] { fs::remove(job + "/manifest.json.p7s"); }, "manifest.json is not signed"},
      {"signature not CMS", [&] { WriteFile(job + "/manifest.json.p7s", "not a signature"); }, "not a valid CMS"},
      {"bytes after the signature", [&] {
         WriteFile(job + "/manifest.json.p7s", ReadFile(job + "/manifest.json.p7s") + std::string(4, '\0'));
       }, "after the CMS structure"},
      {"re-signed by another key", [&] {
         std::string der;
         ASSERT_TRUE(other->SignDetached(edited, kNoTime, &der).ok());
         WriteFile(job + "/manifest.json", edited);
         WriteFile(job + "/manifest.json.p7s", der);
       }, "does not chain to a trust anchor"},
  };
  const std::string p7s = ReadFile(job + "/manifest.json.p7s");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    c.tamper();
    Printed bad = VerifyAndPrint(job, o);
    EXPECT_EQ(bad.code, 1) << bad.text;
    EXPECT_NE(bad.text.find("FAIL  manifest.json"), std::string::npos) << bad.text;
    EXPECT_NE(bad.text.find(c.reason), std::string::npos) << bad.text;
    EXPECT_FALSE(bad.json["manifest_signature"]["ok"].get<bool>()) << bad.json.dump(2);
    EXPECT_TRUE(bad.json["altered"].empty());  // the outputs themselves are intact
    WriteFile(job + "/manifest.json", text);
    WriteFile(job + "/manifest.json.p7s", p7s);
  }
  EXPECT_EQ(VerifyAndPrint(job, o).code, 0);

  // Without trust anchors the signature still has to match the manifest.
  VerifyOptions no_anchors;
  WriteFile(job + "/manifest.json", edited);
  Printed unanchored = VerifyAndPrint(job, no_anchors);
  EXPECT_EQ(unanchored.code, 1) << unanchored.text;
  EXPECT_NE(unanchored.text.find("manifest.json was changed after signing"), std::string::npos) << unanchored.text;
}

// An --unsigned job has no manifest.json.p7s; verify says so (as it does for its unsigned PDFs).
TEST_F(SignTest, UnsignedManifestIsReported) {
  std::string job = dir_ + "/unsigned";
  MakeJobFolder(job, [&](const std::string& rel, int pages) {
    std::string path = dir_ + "/" + rel;
    EXPECT_TRUE(MakePdf(path, pages));
    return path;
  }, nullptr);
  Printed p = VerifyAndPrint(job, VerifyOptions());
  EXPECT_EQ(p.code, 1);
  EXPECT_NE(p.text.find("manifest.json is not signed (the job ran with --unsigned)"), std::string::npos) << p.text;
  EXPECT_FALSE(p.json["manifest_signature"]["present"].get<bool>());
  EXPECT_TRUE(p.json["extra"].empty());
}

}  // namespace
}  // namespace liaudit::sign
