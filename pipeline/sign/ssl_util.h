// Small OpenSSL helpers the signing stage shares (internal to pipeline/sign).
#pragma once
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace liaudit::sign {

// Every queued OpenSSL error as one line ("; "-separated), clearing the queue.
std::string OpenSslError();
// The subject's CN as UTF-8, or "" when the certificate has none.
std::string CommonName(X509* cert);
// The certificate in `der` (nullptr when empty or corrupt). Caller frees.
X509* CertFromDer(const std::string& der);
// The certificate's DER encoding ("" on failure).
std::string CertDer(X509* cert);
// The digest (raw bytes) of data given as pieces, streamed: a PDF's byte ranges are never
// copied into one buffer.
std::string DigestOf(const EVP_MD* md, const std::vector<std::pair<const char*, size_t>>& pieces);
// A new store holding `base`'s certificates (may be null), judging at `at` (UTC seconds,
// 0 = now), with X509_V_FLAG_PARTIAL_CHAIN (an anchor may be an issuing CA); `extra` is
// trusted too (a token's own certificate, for an integrity-only check). Caller frees.
X509_STORE* StoreAt(X509_STORE* base, X509* extra, long long at);
// An ASN.1 time as UTC seconds (0 when absent or unreadable).
long long UtcSeconds(const ASN1_TIME* t);

}  // namespace liaudit::sign
