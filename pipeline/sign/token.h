// A signing key held by a PKCS#11 token (an IC card such as a GCA 機關憑證 card, an
// HSM, or SoftHSM2 for tests and the demo), through libp11.
//
// The key never leaves the token: OpenSSL gets an EVP_PKEY whose private operations
// libp11 sends to the module. One login per Open; every signature of the job goes
// through that login. The PIN comes from an environment variable or an owner-only
// file, is wiped after the login, and is never logged. Nothing is loaded from
// openssl.cnf and no OpenSSL engine is used.
#pragma once
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace liaudit::sign {

struct TokenConfig {
  std::string module;     // signing.pkcs11_module: path of the PKCS#11 module (.so)
  std::string token;      // signing.pkcs11_token: token label; empty = the only token present
  std::string key;        // signing.pkcs11_key: key label, or "id:<hex>" for CKA_ID; empty = the only key
  std::string pin_env = "LIAUDIT_PIN";  // environment variable holding the PIN, or
  std::string pin_file;   // a file readable by its owner only; wins over pin_env
};

class TokenKey {
 public:
  // Loads the module, finds the token and the key, logs in once, and finds the key's
  // certificate on the token (same CKA_ID, else same label). Errors name the module,
  // the token and the key, and list what the token holds when a label does not match.
  static Status Open(const TokenConfig& config, std::unique_ptr<TokenKey>* out);

  // After a failed signature (card pulled, HSM restarted): drops every handle, finds
  // the token again, logs in again with the PIN read again, and loads the key again.
  // The EVP_PKEY given out before is invalid afterwards.
  Status Reopen();

  EVP_PKEY* key() const;   // owned by TokenKey
  X509* cert() const;      // the key's certificate, owned by TokenKey
  // The token's other certificates (an issuing CA stored beside the card's own), owned.
  const std::vector<X509*>& others() const;
  std::string Describe() const;  // "token <label> key <label> (module <path>)", for messages
  int logins() const;            // how many times this process logged in (for the manifest)

  ~TokenKey();
  TokenKey(const TokenKey&) = delete;
  TokenKey& operator=(const TokenKey&) = delete;

 private:
  struct Impl;
  explicit TokenKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaudit::sign
