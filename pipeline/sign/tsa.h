// RFC 3161 timestamps from a time-stamping authority (TSA) over HTTP.
//
// Every answer is checked before it is used: the status is granted, the nonce and the
// message imprint are the request's, the policy is the one asked for (when set), and
// the token is signed by a certificate with the critical timeStamping key purpose that
// chains to the configured TSA trust anchors.
#pragma once
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "sign/http.h"

namespace liaudit::sign {

struct TsaConfig {
  std::string url;          // signing.tsa_url (http or https)
  std::string auth_file;    // signing.tsa_auth_file: "user:password", owner-only; empty = none
  std::string ca_file;      // signing.tsa_ca_file: PEM trust anchors for the TSA's certificate
  std::string policy;       // signing.tsa_policy: policy OID to ask for; empty = the TSA's default
  int attempts = 3;         // signing.tsa_attempts: tries per timestamp (transport errors, HTTP 5xx)
};

class Tsa {
 public:
  static Status Create(const TsaConfig& config, HttpClient* http, std::unique_ptr<Tsa>* out);
  // A timestamp token (DER ContentInfo) over `digest`, a SHA-256 value (32 bytes).
  Status Stamp(const std::string& digest, std::string* token) const;
  // The certificates the TSA's tokens carry (its own first), from the last token; owned.
  std::vector<X509*> Certificates() const;
  const std::string& url() const;
  long requests() const;

  ~Tsa();
  Tsa(const Tsa&) = delete;
  Tsa& operator=(const Tsa&) = delete;

 private:
  struct Impl;
  explicit Tsa(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// For verification: checks a timestamp token (DER ContentInfo) against the stamped
// data, given as pieces (digested with the algorithm the token names), and, when
// `store` is given, the TSA's certificate chain at `at` (UTC seconds; 0 = now).
struct TokenCheck {
  bool parsed = false;        // a SignedData holding a TSTInfo
  bool imprint_ok = false;    // the token's message imprint is the digest of the data
  bool signature_ok = false;  // the token's signature verifies with its TSA certificate
  bool chain_checked = false, chain_ok = false;  // the TSA certificate chains to `store` at `at`
  long long gen_time = 0;     // the token's time, UTC seconds
  std::string tsa;            // the TSA certificate's CN
  std::string tsa_cert_der;   // the TSA certificate
  std::vector<std::string> problems;
  std::vector<std::string> certs_der;  // the token's certificates
};
void CheckTimestampToken(const std::string& token, const std::vector<std::pair<const char*, size_t>>& data,
                         X509_STORE* store, long long at, TokenCheck* out);

}  // namespace liaudit::sign
