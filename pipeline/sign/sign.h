// Signing finished PDFs: a PAdES-style approval signature (CMS detached, SHA-256)
// added to a PDF as an incremental update.
//
// The key and certificate chain come from a PKCS#12 file; its password from an
// environment variable or an owner-only file, never from the command line, and it
// is never logged or kept after Load. All strings are UTF-8.
#pragma once
#include <memory>
#include <string>

#include "core/datetime.h"
#include "core/status.h"

namespace liaudit::sign {

// A signed job folder holds, beside its manifest.json, this file: the detached CMS
// signature (DER, made by Signer::SignDetached) of manifest.json's exact bytes. It is
// the one file of a job folder that manifest.json does not list (it cannot list its
// own signature); `verify` checks it like a PDF signature. --unsigned jobs have none.
inline constexpr char kManifestSignatureFile[] = "manifest.json.p7s";

struct SignerConfig {
  std::string pkcs12_path;                            // settings: signing.pkcs12
  std::string password_env = "LIAUDIT_P12_PASSWORD";  // env var holding the password, or
  std::string password_file;  // a file readable by the owner only (group/other-readable is refused);
                              // when set it wins over password_env; trailing CR/LF are stripped
  bool cades = true;  // ETSI.CAdES.detached with signing-certificate-v2; false = adbe.pkcs7.detached
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
  // Certificate validity as Taipei local time.
  LocalTime NotBefore() const;
  LocalTime NotAfter() const;
  bool cades() const;

  // Makes the detached CMS SignedData (DER) over `data`: the byte-range content of a
  // PDF (the file without its /Contents hex), or a whole file such as manifest.json
  // (kManifestSignatureFile). signing_time is Taipei local; kNoTime = the real wall
  // clock. For a PDF, callers want SignPdfFile.
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
Status SignPdfFile(const Signer& signer, const std::string& path, const SignRequest& request);

}  // namespace liaudit::sign
