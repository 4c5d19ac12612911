// Verifying signed PDFs and job folders (`liaudit verify PATH`).
//
// For a PDF: the last signature's /ByteRange and /Contents, whether the byte range
// covers the whole file, the digest over it, the CMS signature, signer, signing
// time and (when trust anchors are given) the certificate chain. For a job folder:
// every PDF, manifest.json's own signature (manifest.json.p7s, checked the same way),
// and every file of manifest.json against its SHA-256 and size.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"
#include "sign/sign.h"

namespace liaudit::sign {

struct PdfVerdict {
  std::string path;
  bool ok = false;                 // everything below verified (chain only when anchors given)
  bool digest_ok = false;          // CMS signature valid over the byte ranges (messageDigest matches)
  bool covers_whole_file = false;  // byte range reaches end of file, nothing appended
  bool chain_ok = false;           // signer chains to a trust anchor (false when none given)
  bool chain_checked = false;      // trust anchors were given, so chain_ok means something
  std::string signer;              // signer certificate's CN, UTF-8
  std::string signing_time;        // "YYYY-MM-DD HH:MM:SS +08:00" (Taipei) from the CMS or /M
  std::string subfilter;           // ETSI.CAdES.detached / adbe.pkcs7.detached
  // PAdES baseline level reached: B-B (signature only), B-T (+ a valid signature
  // timestamp), B-LT (+ revocation data for the signer in the /DSS), B-LTA (+ a valid
  // document timestamp over the DSS).
  std::string level;
  std::string timestamp_time;      // the signature timestamp's time (Taipei), or ""
  std::string timestamp_tsa;       // its TSA's certificate CN
  bool revocation_embedded = false;  // /DSS holds OCSP or CRL data and a /VRI entry for the signature
  int document_timestamps = 0;     // valid document timestamps after the signature
  std::string last_timestamp_time; // the newest document timestamp's time (Taipei), or ""
  std::string judged_at;           // when the signer's certificate was judged (Taipei) and why
  std::vector<std::string> problems;  // plain English, one per problem; empty when ok
  std::vector<std::string> notes;     // why the level is lower than the data suggests (not problems)
};

// manifest.json's detached signature (kManifestSignatureFile in sign.h).
struct ManifestSignatureVerdict {
  std::string path = kManifestSignatureFile;  // relative to the folder
  bool checked = false;            // a folder with a readable manifest.json (false for a single PDF)
  bool present = false;            // manifest.json.p7s exists
  bool ok = false;                 // present and everything below verified (chain only when anchors given)
  bool digest_ok = false;          // CMS signature valid over manifest.json's exact bytes
  bool chain_ok = false;           // signer chains to a trust anchor (false when none given)
  bool chain_checked = false;      // trust anchors were given, so chain_ok means something
  std::string signer;              // signer certificate's CN, UTF-8
  std::string signing_time;        // "YYYY-MM-DD HH:MM:SS +08:00" (Taipei) from the CMS
  std::vector<std::string> problems;  // plain English, one per problem; empty when ok
};

struct FolderVerdict {
  bool ok = false;
  std::vector<PdfVerdict> pdfs;       // every *.pdf under the folder, sorted by path
  ManifestSignatureVerdict manifest_signature;
  std::vector<std::string> missing;   // listed in manifest.json, absent (relative paths)
  std::vector<std::string> extra;     // present, not listed (manifest.json and manifest.json.p7s excluded)
  std::vector<std::string> altered;   // SHA-256 or size differs from manifest.json
  // PDFs whose bytes listed in manifest.json are intact, followed by valid extensions
  // (DSS, document timestamps) added by `liaudit extend` or B-LT/B-LTA signing later.
  std::vector<std::string> extended;
  std::vector<std::string> problems;  // folder-level problems (no/bad manifest.json, ...)
};

struct VerifyOptions {
  // PEM file of trusted certificates; empty = chain not checked (reported as a problem
  // only in the sense that chain_ok stays false and the output says "not checked").
  std::string trust_anchors;
  // false: VerifyFolder compares the files with manifest.json only, and checks no signature
  // (`verify --chain`, which leaves signatures to `verify FOLDER`).
  bool signatures = true;
  // `verify --at`: the moment the checks stand at (UTC seconds; 0 = now). A signature
  // with a valid timestamp is judged at the timestamp's time; the newest timestamp's
  // TSA certificate at this moment; a signature without a timestamp at this moment
  // when given, else at its own (claimed) signing time.
  long long at_utc = 0;
};

// Status is an error only when the check itself could not run (unreadable file,
// bad trust anchors); a bad signature is a verdict with ok=false and problems.
Status VerifyPdf(const std::string& path, const VerifyOptions& options, PdfVerdict* out);

// A job folder: every PDF's signature; manifest.json's signature (manifest.json.p7s:
// its CMS over manifest.json's bytes, signer and chain as for a PDF; a missing one is a
// problem, also for an --unsigned job, whose PDFs fail likewise); and every file listed
// in manifest.json ("outputs": [{"path": relative path, "sha256": hex, "bytes": n}, ...])
// against its SHA-256: missing files (listed, absent), extra files (present, unlisted;
// manifest.json and manifest.json.p7s at the top of the folder excluded), altered files.
// `dir` may also be a single PDF.
Status VerifyFolder(const std::string& dir, const VerifyOptions& options, FolderVerdict* out);

// For the CLI: prints plain text (or JSON with json=true) and returns the exit
// code: 0 only when everything verifies, 1 otherwise.
int PrintVerdicts(const FolderVerdict& verdict, bool json, std::ostream& out);

}  // namespace liaudit::sign
