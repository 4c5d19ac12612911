#include "sign/ssl_util.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <ctime>

namespace liaudit::sign {

std::string OpenSslError() {
  std::string all;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!all.empty()) all += "; ";
    all += buf;
  }
  return all.empty() ? "unknown OpenSSL error" : all;
}

std::string CommonName(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (i < 0) return {};
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

X509_STORE* StoreAt(X509_STORE* base, X509* extra, long long at) {
  X509_STORE* s = X509_STORE_new();
  if (s == nullptr) return nullptr;
  if (base != nullptr) {
    STACK_OF(X509)* certs = X509_STORE_get1_all_certs(base);
    for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) X509_STORE_add_cert(s, sk_X509_value(certs, i));
    sk_X509_pop_free(certs, X509_free);
  }
  if (extra != nullptr) X509_STORE_add_cert(s, extra);
  X509_STORE_set_flags(s, X509_V_FLAG_PARTIAL_CHAIN);
  if (at != 0) X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(s), static_cast<time_t>(at));
  return s;
}

long long UtcSeconds(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<long long>(timegm(&tm));
}

X509* CertFromDer(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  return der.empty() ? nullptr : d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

std::string CertDer(X509* cert) {
  unsigned char* buf = nullptr;
  int n = i2d_X509(cert, &buf);
  std::string s = n > 0 ? std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n)) : std::string();
  OPENSSL_free(buf);
  return s;
}

std::string DigestOf(const EVP_MD* md, const std::vector<std::pair<const char*, size_t>>& pieces) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  for (const auto& piece : pieces) EVP_DigestUpdate(ctx, piece.first, piece.second);
  EVP_DigestFinal_ex(ctx, digest, &n);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<char*>(digest), n);
}

}  // namespace liaudit::sign
