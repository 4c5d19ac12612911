#include "sign/ltv.h"

#include "sign/ssl_util.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace liaudit::sign {
namespace {

std::string NameOf(X509* cert) {
  std::string cn = CommonName(cert);
  return cn.empty() ? "(no CN)" : cn;
}

std::string CrlDer(X509_CRL* crl) {
  unsigned char* buf = nullptr;
  int n = i2d_X509_CRL(crl, &buf);
  std::string s = n > 0 ? std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n)) : std::string();
  OPENSSL_free(buf);
  return s;
}

bool SelfSigned(X509* c) { return X509_check_issued(c, c) == X509_V_OK; }

// A CRL in DER or PEM.
X509_CRL* ParseCrl(const std::string& bytes) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size()));
  if (crl == nullptr) {
    ERR_clear_error();
    BIO* bio = BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()));
    crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ERR_clear_error();
  }
  return crl;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  if (!in || !(buf << in.rdbuf())) return false;
  *out = buf.str();
  return true;
}

struct Checker {
  HttpClient* http;
  X509_STORE* store = nullptr;
  STACK_OF(X509)* pool = nullptr;
  std::vector<std::pair<std::string, X509_CRL*>> local_crls;  // (file, CRL)
  LtvMaterial* out;
  std::set<std::string> have_certs, have_crls;

  ~Checker() {
    X509_STORE_free(store);
    sk_X509_pop_free(pool, X509_free);
    for (auto& c : local_crls) X509_CRL_free(c.second);
  }
  bool AddCert(X509* c) {  // false when already there
    std::string der = CertDer(c);
    if (!have_certs.insert(der).second) return false;
    out->certs.push_back(der);
    return true;
  }
  void AddCrl(X509_CRL* crl) {
    std::string der = CrlDer(crl);
    if (have_crls.insert(der).second) out->crls.push_back(der);
  }
  X509* IssuerOf(X509* c) {
    for (int i = 0; i < sk_X509_num(pool); ++i) {
      X509* cand = sk_X509_value(pool, i);
      if (cand != c && X509_check_issued(cand, c) == X509_V_OK) return cand;
    }
    return nullptr;
  }

  // "" when the CRL clears the certificate; else why it cannot be used. `revoked` set
  // when the CRL lists the certificate.
  std::string CheckCrl(X509_CRL* crl, X509* cert, X509* issuer, bool* revoked) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) return "not issued by " + NameOf(issuer);
    EVP_PKEY* key = X509_get0_pubkey(issuer);
    if (key == nullptr || X509_CRL_verify(crl, key) != 1) {
      ERR_clear_error();
      return "its signature does not verify with " + NameOf(issuer) + "'s key";
    }
    time_t now = std::time(nullptr);
    const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
    if (next != nullptr && X509_cmp_time(next, &now) < 0) return "it is out of date (its next update has passed)";
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1) *revoked = true;
    return "";
  }

  // The OCSP answer for `cert` from `url`: "" when good (response kept); else why not.
  std::string TryOcsp(const std::string& url, X509* cert, X509* issuer, bool* revoked) {
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
    OCSP_REQUEST* req = OCSP_REQUEST_new();
    std::string why;
    if (id == nullptr || req == nullptr || OCSP_request_add0_id(req, id) == nullptr) {
      OCSP_CERTID_free(id);
      OCSP_REQUEST_free(req);
      return "cannot build the request";
    }
    OCSP_CERTID* id_copy = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
    OCSP_request_add1_nonce(req, nullptr, -1);
    unsigned char* der = nullptr;
    int n = i2d_OCSP_REQUEST(req, &der);
    std::string body(reinterpret_cast<char*>(der), n > 0 ? static_cast<size_t>(n) : 0);
    OPENSSL_free(der);
    HttpResponse r;
    Status sent = http->Post(url, "application/ocsp-request", body, "", &r);
    OCSP_RESPONSE* resp = nullptr;
    OCSP_BASICRESP* bs = nullptr;
    if (!sent.ok()) {
      why = sent.message();
    } else if (r.status != 200) {
      why = url + " answered HTTP " + std::to_string(r.status);
    } else {
      const unsigned char* p = reinterpret_cast<const unsigned char*>(r.body.data());
      resp = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(r.body.size()));
      if (resp == nullptr) {
        why = url + " did not answer with an OCSP response";
      } else if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        why = url + " answered " + OCSP_response_status_str(OCSP_response_status(resp));
      } else if ((bs = OCSP_response_get1_basic(resp)) == nullptr) {
        why = url + " sent no basic response";
      } else if (OCSP_check_nonce(req, bs) == 0) {
        why = url + " answered with another request's nonce";
      } else if (OCSP_basic_verify(bs, pool, store, 0) != 1) {
        why = url + ": the response's signature or its responder's certificate does not check out";
      } else {
        int status = -1, reason = -1;
        ASN1_GENERALIZEDTIME *rev = nullptr, *this_upd = nullptr, *next_upd = nullptr;
        if (OCSP_resp_find_status(bs, id_copy, &status, &reason, &rev, &this_upd, &next_upd) != 1) {
          why = url + " did not answer for this certificate";
        } else if (OCSP_check_validity(this_upd, next_upd, 300, -1) != 1) {
          why = url + " answered with an out-of-date response";
        } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
          *revoked = true;
        } else if (status != V_OCSP_CERTSTATUS_GOOD) {
          why = url + " does not know the certificate";
        } else {
          out->ocsps.push_back(r.body);
          const STACK_OF(X509)* signers = OCSP_resp_get0_certs(bs);
          for (int i = 0; signers != nullptr && i < sk_X509_num(signers); ++i) AddCert(sk_X509_value(signers, i));
        }
      }
    }
    ERR_clear_error();
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    OCSP_REQUEST_free(req);
    OCSP_CERTID_free(id_copy);
    return why;
  }

  // Revocation data for one certificate; "" when found (or not needed), else why not.
  Status Check(X509* cert, std::string* missing) {
    if (SelfSigned(cert)) return Status::OK();  // a trust anchor has no revocation status
    // An OCSP responder's certificate marked id-pkix-ocsp-nocheck is not checked (RFC 6960).
    if (X509_get_ext_by_NID(cert, NID_id_pkix_OCSP_noCheck, -1) >= 0) return Status::OK();
    X509* issuer = IssuerOf(cert);
    const std::string name = NameOf(cert);
    if (issuer == nullptr) {
      *missing = name + ": its issuing certificate is not known (add it to signing.chain_file)";
      return Status::OK();
    }
    std::vector<std::string> tried;
    bool revoked = false;
    // 1. OCSP from the certificate's AIA.
    STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(cert);
    for (int i = 0; urls != nullptr && i < sk_OPENSSL_STRING_num(urls) && !revoked; ++i) {
      std::string url = sk_OPENSSL_STRING_value(urls, i);
      std::string why = TryOcsp(url, cert, issuer, &revoked);
      if (why.empty() && !revoked) {
        out->sources.push_back(name + ": OCSP " + url);
        X509_email_free(urls);
        return Status::OK();
      }
      if (!why.empty()) tried.push_back("OCSP " + why);
    }
    X509_email_free(urls);
    // 2. A local CRL (closed networks), 3. the CRL distribution points.
    for (auto& [file, crl] : local_crls) {
      if (revoked) break;
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) continue;
      std::string why = CheckCrl(crl, cert, issuer, &revoked);
      if (why.empty() && !revoked) {
        AddCrl(crl);
        out->sources.push_back(name + ": CRL file " + file);
        return Status::OK();
      }
      if (!why.empty()) tried.push_back("CRL file " + file + ": " + why);
    }
    auto* points = static_cast<STACK_OF(DIST_POINT)*>(X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr));
    for (int i = 0; points != nullptr && i < sk_DIST_POINT_num(points) && !revoked; ++i) {
      DIST_POINT* dp = sk_DIST_POINT_value(points, i);
      if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
      GENERAL_NAMES* names = dp->distpoint->name.fullname;
      for (int j = 0; j < sk_GENERAL_NAME_num(names) && !revoked; ++j) {
        GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, j);
        if (gn->type != GEN_URI) continue;
        std::string url(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier)),
                        static_cast<size_t>(ASN1_STRING_length(gn->d.uniformResourceIdentifier)));
        if (url.rfind("http", 0) != 0) continue;
        HttpResponse r;
        Status got = http->Get(url, &r);
        if (!got.ok() || r.status != 200) {
          tried.push_back("CRL " + (got.ok() ? url + " answered HTTP " + std::to_string(r.status) : got.message()));
          continue;
        }
        X509_CRL* crl = ParseCrl(r.body);
        if (crl == nullptr) {
          tried.push_back("CRL " + url + ": not a CRL");
          continue;
        }
        std::string why = CheckCrl(crl, cert, issuer, &revoked);
        if (why.empty() && !revoked) {
          AddCrl(crl);
          X509_CRL_free(crl);
          out->sources.push_back(name + ": CRL " + url);
          sk_DIST_POINT_pop_free(points, DIST_POINT_free);
          return Status::OK();
        }
        X509_CRL_free(crl);
        if (!why.empty()) tried.push_back("CRL " + url + ": " + why);
      }
    }
    sk_DIST_POINT_pop_free(points, DIST_POINT_free);
    if (revoked) {
      return Status::InvalidInput("signing: the certificate " + name + " is REVOKED; nothing is signed with it");
    }
    std::string all;
    for (const std::string& t : tried) all += (all.empty() ? "" : "; ") + t;
    *missing = name + ": " + (all.empty() ? "it names no OCSP responder or CRL distribution point, and no "
                                            "signing.crl_files CRL is from its issuer"
                                          : all);
    return Status::OK();
  }
};

}  // namespace

Status CollectLtv(const std::vector<std::vector<X509*>>& chains, const std::vector<std::string>& anchor_files,
                  const std::vector<std::string>& crl_files, HttpClient* http, LtvMaterial* out) {
  *out = LtvMaterial();
  Checker k;
  k.http = http;
  k.out = out;
  k.store = X509_STORE_new();
  k.pool = sk_X509_new_null();
  if (k.store == nullptr || k.pool == nullptr) return Status::Internal("signing: out of memory");
  X509_STORE_set_flags(k.store, X509_V_FLAG_PARTIAL_CHAIN);
  for (const std::string& f : anchor_files) {
    if (f.empty()) continue;
    if (X509_STORE_load_file(k.store, f.c_str()) != 1) {
      ERR_clear_error();
      return Status::InvalidInput("signing: cannot read trust anchors from " + f);
    }
  }
  for (const auto& chain : chains) {
    for (X509* c : chain) {
      if (c == nullptr || !k.AddCert(c)) continue;
      X509_up_ref(c);
      sk_X509_push(k.pool, c);
      if (SelfSigned(c)) X509_STORE_add_cert(k.store, c);
    }
  }
  for (const std::string& f : crl_files) {
    std::string bytes;
    if (!ReadFile(f, &bytes)) return Status::NotFound("signing: cannot read the CRL file " + f + " (signing.crl_files)");
    X509_CRL* crl = ParseCrl(bytes);
    if (crl == nullptr) return Status::InvalidInput("signing: " + f + " is not a CRL (DER or PEM) (signing.crl_files)");
    k.local_crls.emplace_back(f, crl);
  }
  std::vector<std::string> missing;
  for (int i = 0; i < sk_X509_num(k.pool); ++i) {
    X509* c = sk_X509_value(k.pool, i);
    std::string why;
    LIAUDIT_RETURN_IF_ERROR(k.Check(c, &why));
    if (!why.empty()) missing.push_back(why);
  }
  // Responder certificates picked up from OCSP answers join the certificates only.
  if (!missing.empty()) {
    std::string all;
    for (const std::string& m : missing) all += (all.empty() ? "" : "; ") + m;
    return Status::IoError("signing: no revocation data for " + all);
  }
  return Status::OK();
}

}  // namespace liaudit::sign
