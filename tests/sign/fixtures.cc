#include "fixtures.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <podofo/podofo.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace liaudit::sign::testing {

bool MakePdf(const std::string& path, int pages, const std::string& title) {
  try {
    PoDoFo::PdfStreamedDocument doc(path.c_str());
    PoDoFo::PdfFont* font = doc.CreateFont("Helvetica");
    if (font == nullptr) return false;
    font->SetFontSize(12.0);
    for (int i = 0; i < pages; ++i) {
      PoDoFo::PdfPage* page = doc.CreatePage(PoDoFo::PdfPage::CreateStandardPageSize(PoDoFo::ePdfPageSize_A4));
      PoDoFo::PdfPainter painter;
      painter.SetPage(page);
      painter.SetFont(font);
      std::string line = title + " - page " + std::to_string(i + 1) + " of " + std::to_string(pages);
      painter.DrawText(56.0, 780.0, PoDoFo::PdfString(line.c_str()));
      painter.DrawText(56.0, 760.0, PoDoFo::PdfString("Synthetic fixture for signature tests."));
      painter.FinishPage();
    }
    doc.GetInfo()->SetTitle(PoDoFo::PdfString(title.c_str()));
    doc.Close();
    return true;
  } catch (const PoDoFo::PdfError&) {
    return false;
  }
}

bool MakeLargePdf(const std::string& path, int pages, const std::string& title) {
  std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;  // object n at offsets[n - 1]
  auto obj = [&](const std::string& body) {
    offsets.push_back(out.size());
    out += std::to_string(offsets.size()) + " 0 obj\n" + body + "\nendobj\n";
  };
  // 1 catalog, 2 page tree, 3 font, 4 info, then page i at 5 + 2i, its content at 6 + 2i.
  obj("<</Type/Catalog/Pages 2 0 R>>");
  std::string kids;
  for (int i = 0; i < pages; ++i) kids += std::to_string(5 + 2 * i) + " 0 R ";
  obj("<</Type/Pages/Count " + std::to_string(pages) + "/Kids[" + kids + "]>>");
  obj("<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>");
  obj("<</Title(" + title + ")/Producer(liaudit test fixture)>>");
  for (int i = 0; i < pages; ++i) {
    obj("<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>/Contents " +
        std::to_string(6 + 2 * i) + " 0 R>>");
    std::string text = "BT /F1 12 Tf 56 780 Td (" + title + " - page " + std::to_string(i + 1) + " of " +
                       std::to_string(pages) + ") Tj 0 -20 Td (Synthetic fixture for signature tests.) Tj ET";
    obj("<</Length " + std::to_string(text.size()) + ">>\nstream\n" + text + "\nendstream");
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f\r\n";
  for (size_t off : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n\r\n", off);
    out += line;
  }
  out += "trailer\n<</Size " + std::to_string(offsets.size() + 1) +
         "/Root 1 0 R/Info 4 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << out;
  return static_cast<bool>(f);
}

namespace {

EVP_PKEY* NewRsaKey() { return EVP_RSA_gen(2048); }

X509* NewCert(EVP_PKEY* subject_key, const std::string& cn, long nb_days, long na_days, X509* issuer,
              EVP_PKEY* issuer_key, bool ca, const std::string& key_usage = "critical,digitalSignature,nonRepudiation") {
  X509* x = X509_new();
  X509_set_version(x, 2);
  BIGNUM* serial = BN_new();
  BN_rand(serial, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(x), nb_days * 86400L);
  X509_gmtime_adj(X509_getm_notAfter(x), na_days * 86400L);
  X509_set_pubkey(x, subject_key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("liaudit tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : x, x, nullptr, nullptr, 0);
  X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  X509_add_ext(x, bc, -1);
  X509_EXTENSION_free(bc);
  X509_EXTENSION* ku = X509V3_EXT_conf_nid(nullptr, &ctx, NID_key_usage,
                                           ca ? "critical,keyCertSign,cRLSign" : key_usage.c_str());
  X509_add_ext(x, ku, -1);
  X509_EXTENSION_free(ku);
  X509_sign(x, issuer_key != nullptr ? issuer_key : subject_key, EVP_sha256());
  return x;
}

}  // namespace

bool MakeP12(const std::string& path, const std::string& password, const CertSpec& spec, const std::string& ca_pem_out) {
  EVP_PKEY* key = NewRsaKey();
  EVP_PKEY* ca_key = spec.with_ca ? NewRsaKey() : nullptr;
  X509* ca = spec.with_ca ? NewCert(ca_key, "liaudit test CA", -10, 3650, nullptr, nullptr, true) : nullptr;
  X509* cert = NewCert(key, spec.cn, spec.not_before_days, spec.not_after_days, ca, ca_key, false, spec.key_usage);
  EVP_PKEY* packed_key = key;
  EVP_PKEY* other = nullptr;
  if (spec.mismatched_key) packed_key = other = NewRsaKey();

  // Built bag by bag (not PKCS12_create, which refuses a mismatched key) with the
  // same localKeyID on key and certificate, as real exports do.
  STACK_OF(PKCS12_SAFEBAG)* bags = nullptr;
  unsigned char lkid[4] = {1, 2, 3, 4};
  PKCS12_SAFEBAG* cb = PKCS12_add_cert(&bags, cert);
  PKCS12_add_localkeyid(cb, lkid, 4);
  if (ca != nullptr) PKCS12_add_cert(&bags, ca);
  PKCS12_SAFEBAG* kb = PKCS12_add_key(&bags, packed_key, 0, PKCS12_DEFAULT_ITER, NID_aes_256_cbc, password.c_str());
  PKCS12_add_localkeyid(kb, lkid, 4);
  STACK_OF(PKCS7)* safes = nullptr;
  PKCS12_add_safe(&safes, bags, -1, 0, nullptr);
  PKCS12* p12 = PKCS12_add_safes(safes, 0);
  bool ok = p12 != nullptr &&
            PKCS12_set_mac(p12, password.c_str(), -1, nullptr, 0, PKCS12_DEFAULT_ITER, EVP_sha256()) == 1;
  if (ok) {
    FILE* f = std::fopen(path.c_str(), "wb");
    ok = f != nullptr && i2d_PKCS12_fp(f, p12) == 1;
    if (f != nullptr) std::fclose(f);
  }
  if (ok && !ca_pem_out.empty()) {
    FILE* f = std::fopen(ca_pem_out.c_str(), "wb");
    ok = f != nullptr && PEM_write_X509(f, ca != nullptr ? ca : cert) == 1;
    if (f != nullptr) std::fclose(f);
  }
  PKCS12_free(p12);
  sk_PKCS7_pop_free(safes, PKCS7_free);
  sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
  X509_free(cert);
  X509_free(ca);
  EVP_PKEY_free(key);
  EVP_PKEY_free(ca_key);
  EVP_PKEY_free(other);
  return ok;
}

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "liaudit-sign-XXXXXX").string();
  char* d = mkdtemp(&tmpl[0]);
  return d != nullptr ? std::string(d) : std::string();
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  if (!dir.empty()) std::filesystem::remove_all(dir, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string RunCapture(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

}  // namespace liaudit::sign::testing
