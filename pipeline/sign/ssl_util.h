// Small OpenSSL helpers the signing stage shares (internal to pipeline/sign).
#pragma once
#include <openssl/x509.h>

#include <cstddef>
#include <string>

namespace liaudit::sign {

// Every queued OpenSSL error as one line ("; "-separated), clearing the queue.
std::string OpenSslError();
// The subject's CN as UTF-8, or "" when the certificate has none.
std::string CommonName(X509* cert);
// The certificate's DER encoding ("" on failure).
std::string CertDer(X509* cert);
// Lower-case hex of n bytes.
std::string Hex(const unsigned char* p, size_t n);

}  // namespace liaudit::sign
