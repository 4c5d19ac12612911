#include "sign/tsa.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509_vfy.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>
#include <utility>

#include "sign/ssl_util.h"
#include "sign/secret.h"

namespace liaudit::sign {
namespace {

// Verifies the token's signature and signer (ESS certificate binding, timeStamping
// purpose) against `store`; the context takes a reference to the store.
bool VerifyTokenSignature(PKCS7* p7, X509_STORE* store, std::string* why) {
  TS_VERIFY_CTX* ctx = TS_VERIFY_CTX_new();
  if (ctx == nullptr) return false;
  X509_STORE_up_ref(store);
  TS_VERIFY_CTX_set_store(ctx, store);
  TS_VERIFY_CTX_set_flags(ctx, TS_VFY_SIGNATURE | TS_VFY_SIGNER);
  ERR_clear_error();
  bool ok = TS_RESP_verify_token(ctx, p7) == 1;
  if (!ok && why != nullptr) *why = OpenSslError();
  ERR_clear_error();
  TS_VERIFY_CTX_free(ctx);
  return ok;
}

X509* TokenSigner(PKCS7* p7) {
  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7);
  if (infos == nullptr || sk_PKCS7_SIGNER_INFO_num(infos) != 1) return nullptr;
  PKCS7_ISSUER_AND_SERIAL* ias = sk_PKCS7_SIGNER_INFO_value(infos, 0)->issuer_and_serial;
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    if (X509_NAME_cmp(X509_get_issuer_name(c), ias->issuer) == 0 &&
        ASN1_INTEGER_cmp(X509_get0_serialNumber(c), ias->serial) == 0) {
      return c;
    }
  }
  return nullptr;
}

}  // namespace

struct Tsa::Impl {
  TsaConfig config;
  std::string shown_url;  // config.url without credentials, for messages and manifests
  HttpClient* http = nullptr;
  X509_STORE* store = nullptr;
  Secret auth;
  mutable std::mutex mu;
  mutable std::vector<std::string> certs_der;  // from the last token
  mutable long requests = 0;
  // Once a token's TSA certificate has chained to the anchors, later tokens signed by the
  // same certificate are checked against a store holding that certificate alone (its
  // purpose and validity still checked; the CA signatures above it not again).
  mutable std::string verified_signer;   // DER
  mutable X509_STORE* signer_store = nullptr;
  ~Impl() {
    X509_STORE_free(store);
    X509_STORE_free(signer_store);
  }
};

Tsa::Tsa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tsa::~Tsa() = default;

Status Tsa::Create(const TsaConfig& config, HttpClient* http, std::unique_ptr<Tsa>* out) {
  out->reset();
  if (config.url.empty()) return Status::InvalidInput("signing: no time-stamping authority configured (signing.tsa_url)");
  if (config.ca_file.empty()) {
    return Status::InvalidInput("signing: no trust anchors for the time-stamping authority's answers "
                                "(signing.tsa_ca_file, a PEM file of the TSA's root and issuing certificates)");
  }
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->shown_url = RedactedUrl(config.url);
  impl->http = http;
  if (!config.auth_file.empty()) {
    LIAUDIT_RETURN_IF_ERROR(ReadOwnerOnlyFile(config.auth_file, "TSA credentials", &impl->auth));
  }
  impl->store = X509_STORE_new();
  ERR_clear_error();
  if (impl->store == nullptr || X509_STORE_load_file(impl->store, config.ca_file.c_str()) != 1) {
    ERR_clear_error();
    return Status::InvalidInput("signing: cannot read the TSA trust anchors " + config.ca_file +
                                " (expected a PEM file of certificates)");
  }
  X509_STORE_set_flags(impl->store, X509_V_FLAG_PARTIAL_CHAIN);
  out->reset(new Tsa(std::move(impl)));
  return Status::OK();
}

Status Tsa::Stamp(const std::string& digest, std::string* token) const {
  const TsaConfig& c = impl_->config;
  ERR_clear_error();
  // The request: SHA-256 imprint, a fresh 64-bit nonce, the TSA's certificate asked for.
  TS_REQ* req = TS_REQ_new();
  TS_MSG_IMPRINT* mi = TS_MSG_IMPRINT_new();
  X509_ALGOR* alg = X509_ALGOR_new();
  BIGNUM* bn = BN_new();
  ASN1_INTEGER* nonce = nullptr;
  ASN1_OBJECT* policy = c.policy.empty() ? nullptr : OBJ_txt2obj(c.policy.c_str(), 1);
  std::string body;
  Status st;
  if (req == nullptr || mi == nullptr || alg == nullptr || bn == nullptr ||
      X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) != 1 ||
      TS_MSG_IMPRINT_set_algo(mi, alg) != 1 ||
      TS_MSG_IMPRINT_set_msg(mi, reinterpret_cast<unsigned char*>(const_cast<char*>(digest.data())),
                             static_cast<int>(digest.size())) != 1 ||
      TS_REQ_set_version(req, 1) != 1 || TS_REQ_set_msg_imprint(req, mi) != 1 ||
      BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 || (nonce = BN_to_ASN1_INTEGER(bn, nullptr)) == nullptr ||
      TS_REQ_set_nonce(req, nonce) != 1 || TS_REQ_set_cert_req(req, 1) != 1 ||
      (!c.policy.empty() && (policy == nullptr || TS_REQ_set_policy_id(req, policy) != 1))) {
    st = c.policy.empty() || policy != nullptr
             ? Status::Internal("signing: cannot build a timestamp request: " + OpenSslError())
             : Status::InvalidInput("signing: signing.tsa_policy \"" + c.policy + "\" is not an OID");
  } else {
    unsigned char* der = nullptr;
    int n = i2d_TS_REQ(req, &der);
    if (n > 0) body.assign(reinterpret_cast<char*>(der), static_cast<size_t>(n));
    OPENSSL_free(der);
  }
  X509_ALGOR_free(alg);
  TS_MSG_IMPRINT_free(mi);
  BN_free(bn);
  ASN1_INTEGER_free(nonce);
  ASN1_OBJECT_free(policy);

  // Transport errors and HTTP 5xx are retried a bounded number of times; any other
  // answer is final.
  HttpResponse r;
  const int attempts = std::max(1, c.attempts);
  for (int attempt = 1; st.ok(); ++attempt) {
    Status sent = impl_->http->Post(c.url, "application/timestamp-query", body, impl_->auth.value, &r);
    {
      std::lock_guard<std::mutex> lock(impl_->mu);
      ++impl_->requests;
    }
    bool retry = !sent.ok() || r.status >= 500;
    if (!retry) break;
    if (attempt >= attempts) {
      st = Status::IoError("signing: the time-stamping authority " + impl_->shown_url + " did not answer after " +
                           std::to_string(attempts) + " attempts (" +
                           (sent.ok() ? "HTTP " + std::to_string(r.status) : sent.message()) + ")");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250 * attempt));
  }
  if (st.ok() && r.status != 200) {
    st = Status::IoError("signing: the time-stamping authority " + impl_->shown_url + " answered HTTP " + std::to_string(r.status));
  }
  TS_RESP* resp = nullptr;
  if (st.ok()) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(r.body.data());
    resp = d2i_TS_RESP(nullptr, &p, static_cast<long>(r.body.size()));
    if (resp == nullptr) {
      ERR_clear_error();
      st = Status::IoError("signing: the answer of the time-stamping authority " + impl_->shown_url +
                           " is not a timestamp response (content type " + r.content_type + ")");
    }
  }
  if (st.ok()) {
    TS_STATUS_INFO* info = TS_RESP_get_status_info(resp);
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(info));
    if (status != 0 && status != 1) {  // granted, grantedWithMods
      std::string text;
      const STACK_OF(ASN1_UTF8STRING)* texts = TS_STATUS_INFO_get0_text(info);
      for (int i = 0; texts != nullptr && i < sk_ASN1_UTF8STRING_num(texts); ++i) {
        const ASN1_UTF8STRING* s = sk_ASN1_UTF8STRING_value(texts, i);
        text += (text.empty() ? ": " : "; ") + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                          static_cast<size_t>(ASN1_STRING_length(s)));
      }
      st = Status::IoError("signing: the time-stamping authority " + impl_->shown_url + " refused the request (status " +
                           std::to_string(status) + text + ")");
    }
  }
  if (st.ok()) {
    // Version, nonce, imprint and policy as asked; signature, ESS certificate binding
    // and the critical timeStamping purpose against the TSA trust anchors.
    TS_VERIFY_CTX* ctx = TS_REQ_to_TS_VERIFY_CTX(req, nullptr);
    X509* signer = TokenSigner(TS_RESP_get_token(resp));
    X509_STORE* use = impl_->store;
    {
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (signer != nullptr && impl_->signer_store != nullptr && CertDer(signer) == impl_->verified_signer) {
        use = impl_->signer_store;
      }
    }
    X509_STORE_up_ref(use);
    TS_VERIFY_CTX_set_store(ctx, use);
    TS_VERIFY_CTX_add_flags(ctx, TS_VFY_SIGNATURE | TS_VFY_SIGNER);
    ERR_clear_error();
    if (TS_RESP_verify_response(ctx, resp) != 1) {
      st = Status::IoError("signing: the answer of the time-stamping authority " + impl_->shown_url + " does not check out (" +
                           OpenSslError() + "); no document was timestamped with it");
    } else if (use == impl_->store && signer != nullptr) {
      std::lock_guard<std::mutex> lock(impl_->mu);
      X509_STORE* s1 = X509_STORE_new();
      if (s1 != nullptr && X509_STORE_add_cert(s1, signer) == 1) {
        X509_STORE_set_flags(s1, X509_V_FLAG_PARTIAL_CHAIN);
        X509_STORE_free(impl_->signer_store);
        impl_->signer_store = s1;
        impl_->verified_signer = CertDer(signer);
      } else {
        X509_STORE_free(s1);
      }
    }
    TS_VERIFY_CTX_free(ctx);
  }
  if (st.ok()) {
    PKCS7* p7 = TS_RESP_get_token(resp);
    unsigned char* der = nullptr;
    int n = i2d_PKCS7(p7, &der);
    if (n <= 0) {
      st = Status::Internal("signing: cannot encode the timestamp token");
    } else {
      token->assign(reinterpret_cast<char*>(der), static_cast<size_t>(n));
    }
    OPENSSL_free(der);
    std::vector<std::string> certs;
    X509* signer = TokenSigner(p7);
    if (signer != nullptr) certs.push_back(CertDer(signer));
    STACK_OF(X509)* all = p7->d.sign->cert;
    for (int i = 0; all != nullptr && i < sk_X509_num(all); ++i) {
      if (sk_X509_value(all, i) != signer) certs.push_back(CertDer(sk_X509_value(all, i)));
    }
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->certs_der = std::move(certs);
  }
  TS_RESP_free(resp);
  TS_REQ_free(req);
  return st;
}

std::vector<X509*> Tsa::Certificates() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<X509*> out;
  for (const std::string& d : impl_->certs_der) {
    if (X509* c = CertFromDer(d)) out.push_back(c);
  }
  return out;
}

const std::string& Tsa::url() const { return impl_->shown_url; }
long Tsa::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

void CheckTimestampToken(const std::string& token, const std::vector<std::pair<const char*, size_t>>& data,
                         X509_STORE* store, long long at, TokenCheck* out) {
  *out = TokenCheck();
  ERR_clear_error();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(token.data());
  PKCS7* p7 = d2i_PKCS7(nullptr, &p, static_cast<long>(token.size()));
  TS_TST_INFO* tst = p7 != nullptr ? PKCS7_to_TS_TST_INFO(p7) : nullptr;
  if (tst == nullptr) {
    ERR_clear_error();
    out->problems.push_back("the timestamp token is not a valid RFC 3161 token (altered or corrupt)");
    PKCS7_free(p7);
    return;
  }
  out->parsed = true;
  const ASN1_GENERALIZEDTIME* gt = TS_TST_INFO_get_time(tst);
  out->gen_time = UtcSeconds(gt);

  TS_MSG_IMPRINT* mi = TS_TST_INFO_get_msg_imprint(tst);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(mi));
  const EVP_MD* md = oid != nullptr ? EVP_get_digestbyobj(oid) : nullptr;
  if (md == nullptr) {
    out->problems.push_back("the timestamp token uses an unknown digest algorithm");
  } else {
    const std::string digest = DigestOf(md, data);
    ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(mi);
    out->imprint_ok = static_cast<size_t>(ASN1_STRING_length(msg)) == digest.size() &&
                      std::memcmp(ASN1_STRING_get0_data(msg), digest.data(), digest.size()) == 0;
    if (!out->imprint_ok) out->problems.push_back("the timestamp token is not over this data (its message imprint differs)");
  }
  X509* signer = TokenSigner(p7);
  if (signer == nullptr) {
    out->problems.push_back("the timestamp token does not include the TSA's certificate");
  } else {
    out->tsa = CommonName(signer);
    out->tsa_cert_der = CertDer(signer);
    std::string why;
    X509_STORE* own = StoreAt(nullptr, signer, signer != nullptr ? out->gen_time : 0);
    out->signature_ok = own != nullptr && VerifyTokenSignature(p7, own, &why);
    X509_STORE_free(own);
    if (!out->signature_ok) out->problems.push_back("the timestamp token's signature does not verify (" + why + ")");
    if (store != nullptr) {
      out->chain_checked = true;
      X509_STORE* s = StoreAt(store, nullptr, at);
      why.clear();
      out->chain_ok = s != nullptr && VerifyTokenSignature(p7, s, &why);
      X509_STORE_free(s);
      if (out->signature_ok && !out->chain_ok) {
        out->problems.push_back("the TSA's certificate (" + out->tsa + ") does not chain to a trust anchor" +
                                (at != 0 ? " at the time it is judged" : "") + " (" + why + ")");
      }
    }
  }
  STACK_OF(X509)* all = p7->d.sign->cert;
  for (int i = 0; all != nullptr && i < sk_X509_num(all); ++i) out->certs_der.push_back(CertDer(sk_X509_value(all, i)));
  TS_TST_INFO_free(tst);
  PKCS7_free(p7);
}

}  // namespace liaudit::sign
