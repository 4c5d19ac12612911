// Test fixtures for the signing tests and benchmark: small PDFs written with
// PoDoFo (base-14 text) and PKCS#12 files made with OpenSSL.
#pragma once
#include <string>

namespace liaudit::sign::testing {

// Writes a PDF of `pages` A4 pages, each with a line of Helvetica text; the
// document info carries a title. Returns false on failure.
bool MakePdf(const std::string& path, int pages, const std::string& title = "liaudit test");

// The same kind of document written directly (flat page tree, one content stream
// per page, Helvetica, classic xref): PoDoFo's page tree makes adding 10,000 pages
// take minutes, while this takes milliseconds. For the 1,000+-page cases.
bool MakeLargePdf(const std::string& path, int pages, const std::string& title = "liaudit test");

struct CertSpec {
  std::string cn = "liaudit test signer";
  long not_before_days = -1;   // relative to now
  long not_after_days = 365;   // relative to now
  bool mismatched_key = false; // pack a key that does not belong to the certificate
  bool with_ca = false;        // issue from a separate test CA (written to ca_pem_out)
  std::string key_usage = "critical,digitalSignature,nonRepudiation";  // the signer's keyUsage
};

// Writes a PKCS#12 (AES-256-CBC, SHA-256 MAC) with `password`; when spec.with_ca,
// also writes the CA certificate to ca_pem_out; otherwise writes the self-signed
// certificate there (if ca_pem_out is not empty). Returns false on failure.
bool MakeP12(const std::string& path, const std::string& password, const CertSpec& spec,
             const std::string& ca_pem_out = "");

// A fresh private temporary directory (mode 0700); removed by RemoveTree.
std::string MakeTempDir();
void RemoveTree(const std::string& dir);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& data);
// Runs a shell command, returns its stdout (stderr folded in).
std::string RunCapture(const std::string& command);

}  // namespace liaudit::sign::testing
