// Signing finished PDFs: a PAdES approval signature (CMS detached, SHA-256) added to
// a PDF as an incremental update, at one of the PAdES baseline levels:
//   B-B    the signature alone;
//   B-T    plus an RFC 3161 signature timestamp (unsigned attribute, over the signature value);
//   B-LT   plus a /DSS (document security store) in a second incremental update: the
//          signer's and the TSA's certificate chains and their revocation data (OCSP or
//          CRL), with a /VRI entry for the signature;
//   B-LTA  plus a document timestamp (/SubFilter /ETSI.RFC3161) over the whole file,
//          in the same update as the DSS.
//
// The key is on a PKCS#11 token (sign/token.h) or in a PKCS#12 file. The password or
// PIN comes from an environment variable or an owner-only file, never from the command
// line, and is never logged or kept after Load. All strings are UTF-8.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/datetime.h"
#include "core/status.h"
#include "sign/token.h"
#include "sign/tsa.h"

namespace liaudit::sign {

// A signed job folder holds, beside its manifest.json, this file: the detached CMS
// signature (DER, made by Signer::SignDetached) of manifest.json's exact bytes. It is
// the one file of a job folder that manifest.json does not list (it cannot list its
// own signature); `verify` checks it like a PDF signature. --unsigned jobs have none.
inline constexpr char kManifestSignatureFile[] = "manifest.json.p7s";
// What `liaudit extend` did to a job folder's PDFs (a JSON array, one entry per run).
// manifest.json itself is never rewritten: its hash is in the store's chain. `verify`
// accepts a PDF whose first manifest-listed bytes are intact and whose later bytes are
// extensions (DSS and document timestamps) covered by a valid document timestamp.
inline constexpr char kManifestHistoryFile[] = "manifest.history.json";

enum class Level { kB_B = 0, kB_T = 1, kB_LT = 2, kB_LTA = 3 };
const char* LevelName(Level level);                      // "B-B" ...
bool ParseLevel(const std::string& text, Level* level);  // "B-B" / "b-lta" / "BLTA" ...

struct SignerConfig {
  // The key: on a PKCS#11 token when token.module is set, else in the PKCS#12 file.
  TokenConfig token;
  std::string chain_file;  // signing.chain_file: PEM issuing certificates not held with the key
  std::string pkcs12_path;                            // settings: signing.pkcs12
  std::string password_env = "LIAUDIT_P12_PASSWORD";  // env var holding the password, or
  std::string password_file;  // a file readable by the owner only (group/other-readable is refused);
                              // when set it wins over password_env; trailing CR/LF are stripped
  bool cades = true;  // ETSI.CAdES.detached with signing-certificate-v2; false = adbe.pkcs7.detached

  Level level = Level::kB_B;           // signing.level
  TsaConfig tsa;                       // B-T and above
  int http_timeout_seconds = 15;       // each request to the TSA, OCSP responders, CRL points
  std::vector<std::string> crl_files;  // signing.crl_files: local CRLs (closed network)
  // Trusted for OCSP responses (besides the self-signed roots of the chains):
  // signing.trust_anchors and signing.tsa_ca_file.
  std::vector<std::string> anchor_files;
  // signing.on_tsa_failure: false = fail the job (default); true = sign at B-B, with a warning.
  bool tsa_fallback = false;
  // signing.on_revocation_failure: false = fail (default); true = sign at B-T, with a warning.
  bool revocation_fallback = false;
};

// What a Signer did, for the manifest and the logs.
struct SignerStats {
  long token_logins = 0;       // C_Login calls (PKCS#11 keys only)
  long token_reopens = 0;      // times the token was found again after a failure
  long tsa_requests = 0;
  long http_connections = 0;   // TCP connections opened to the TSA and revocation servers
};

// A loaded key + certificate chain. Load once per job, reuse for every PDF; const
// methods may be called from several threads at once.
class Signer {
 public:
  // Fails clearly (so the job writes nothing) on: missing/unreadable file, wrong
  // password, no key or certificate inside, key not matching the certificate,
  // certificate expired or not yet valid (by the real clock, not a fixed NowLocal()).
  static Status Load(const SignerConfig& config, std::unique_ptr<Signer>* out);

  std::string SubjectCommonName() const;  // UTF-8; empty if the certificate has no CN
  std::string KeySource() const;          // "PKCS#12 file F" or "PKCS#11 token \"L\" key \"K\" (module M)"
  Level level() const;                    // the level signatures get (after any fallback)
  const std::vector<std::string>& warnings() const;  // fallbacks taken at Load
  std::vector<std::string> RevocationSources() const;  // where each certificate's status came from
  std::string TsaUrl() const;                         // empty below B-T
  SignerStats Stats() const;
  // Certificate validity as Taipei local time.
  LocalTime NotBefore() const;
  LocalTime NotAfter() const;
  bool cades() const;

  // Makes the detached CMS SignedData (DER) over `data`: the byte-range content of a
  // PDF (the file without its /Contents hex), or a whole file such as manifest.json
  // (kManifestSignatureFile). signing_time is Taipei local; kNoTime = the real wall
  // clock. At B-T and above it carries a signature timestamp. For a PDF, callers want
  // SignPdfFile.
  Status SignDetached(const std::string& data, LocalTime signing_time, std::string* der) const;
  // The largest DER SignDetached can produce for this signer, with headroom for a
  // later RFC 3161 timestamp token in the unsigned attributes.
  size_t MaxSignatureBytes() const;

  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  struct Impl;  // OpenSSL objects; defined in sign.cc only

 private:
  friend Status SignPdfFile(const Signer&, const std::string&, const struct SignRequest&);
  explicit Signer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct SignRequest {
  std::string reason;               // e.g. 勞保查詢系統使用紀錄檢查結果
  std::string location = "高雄市";
  // Taipei local; kNoTime = the real wall clock, NOT NowLocal(): a fixed clock for
  // deterministic documents must not leak into signatures (verification judges the
  // certificate at this time, and a demo certificate made today is not valid yesterday).
  LocalTime signing_time = kNoTime;
  // Visible widget: rect in PDF points on page `page` (0-based). The stamp's drawing
  // is already in the page content (drawn by the PDF engine), so the widget's own
  // appearance is empty. visible=false gives a zero-size, hidden widget on page 0.
  bool visible = false;
  int page = 0;
  double x = 0, y = 0, w = 0, h = 0;
};

// Signs the PDF at `path` in place as an incremental update (written to a temp
// file next to it, then renamed over it; on failure `path` is left unchanged).
// SHA-256; the byte range covers the whole file except the /Contents hex, which
// is reserved once with room for the signature.
// At B-LT and B-LTA a second incremental update follows with the DSS (and the
// document timestamp).
Status SignPdfFile(const Signer& signer, const std::string& path, const SignRequest& request);

// `liaudit extend`: adds to already signed PDFs a new incremental update with fresh
// revocation data for the certificates they carry (merged into the /DSS, with /VRI
// entries for every signature and document timestamp already there) and a new
// document timestamp over the whole file. Every earlier byte is kept. No signing key
// is needed: only the TSA, the trust anchors and the revocation settings of `config`.
struct ExtendResult {
  int signatures = 0;      // signatures and document timestamps found before
  std::string timestamp;   // the new document timestamp's time, "YYYY-MM-DD HH:MM:SS +08:00"
  std::vector<std::string> revocation_sources;
};

class Extender {
 public:
  static Status Create(const SignerConfig& config, std::unique_ptr<Extender>* out);
  Status Extend(const std::string& path, ExtendResult* result) const;
  SignerStats Stats() const;
  ~Extender();
  Extender(const Extender&) = delete;
  Extender& operator=(const Extender&) = delete;

 private:
  struct Impl;
  explicit Extender(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaudit::sign
