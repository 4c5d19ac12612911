#include "sign/verify.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include <podofo/podofo.h>

#include "core/digest.h"
#include "sign/ssl_util.h"
#include "sign/pdf_sigs.h"
#include "sign/sign.h"
#include "sign/tsa.h"

namespace liaudit::sign {
namespace {

namespace fs = std::filesystem;

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  std::streamoff n = in.tellg();
  if (n < 0) return false;
  in.seekg(0);
  out->resize(static_cast<size_t>(n));
  if (n > 0) in.read(&(*out)[0], n);
  return static_cast<bool>(in);
}


bool IsPdfSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; }

// "YYYY-MM-DD HH:MM:SS +08:00" for a UTC instant, shown in Taipei time.
std::string TaipeiString(const struct tm& utc) {
  struct tm t = utc;
  time_t secs = timegm(&t) + 8 * 3600;
  struct tm local {};
  gmtime_r(&secs, &local);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +08:00", &local);
  return buf;
}

// /M (D:YYYYMMDDHHmmSS+hh'mm') as the same readable form, for signatures without a CMS signing time.
std::string PdfDateString(const std::string& d) {
  size_t i = d.find("D:");
  std::string s = d.substr(i == std::string::npos ? 0 : i + 2);
  if (s.size() < 14) return d;
  struct tm t {};
  t.tm_year = std::atoi(s.substr(0, 4).c_str()) - 1900;
  t.tm_mon = std::atoi(s.substr(4, 2).c_str()) - 1;
  t.tm_mday = std::atoi(s.substr(6, 2).c_str());
  t.tm_hour = std::atoi(s.substr(8, 2).c_str());
  t.tm_min = std::atoi(s.substr(10, 2).c_str());
  t.tm_sec = std::atoi(s.substr(12, 2).c_str());
  long offset = 0;
  if (s.size() >= 17 && (s[14] == '+' || s[14] == '-')) {
    offset = (std::atoi(s.substr(15, 2).c_str()) * 60 + (s.size() >= 20 ? std::atoi(s.substr(18, 2).c_str()) : 0)) * 60;
    if (s[14] == '-') offset = -offset;
  }
  time_t secs = timegm(&t) - offset;
  struct tm utc {};
  gmtime_r(&secs, &utc);
  return TaipeiString(utc);
}

// The first value of a signed attribute, or null.
const ASN1_TYPE* SignedAttr(CMS_SignerInfo* si, int nid) {
  int i = CMS_signed_get_attr_by_NID(si, nid, -1);
  if (i < 0) return nullptr;
  X509_ATTRIBUTE* a = CMS_signed_get_attr(si, i);
  return a == nullptr ? nullptr : X509_ATTRIBUTE_get0_type(a, 0);
}

struct Trust {
  X509_STORE* store = nullptr;
  ~Trust() { X509_STORE_free(store); }
};

Status LoadTrust(const VerifyOptions& o, Trust* t) {
  if (o.trust_anchors.empty()) return Status::OK();
  ERR_clear_error();
  t->store = X509_STORE_new();
  if (t->store == nullptr || X509_STORE_load_file(t->store, o.trust_anchors.c_str()) != 1) {
    ERR_clear_error();
    return Status::InvalidInput("verify: cannot read trust anchors from " + o.trust_anchors +
                                " (expected a PEM file of certificates)");
  }
  // An anchor may be an intermediate or the signer itself (the self-signed demo certificate).
  X509_STORE_set_flags(t->store, X509_V_FLAG_PARTIAL_CHAIN);
  return Status::OK();
}

std::string LiteralAfter(const std::string& dict, const std::string& key) {
  size_t p = dict.find(key);
  if (p == std::string::npos) return {};
  p += key.size();
  while (p < dict.size() && IsPdfSpace(dict[p])) ++p;
  if (p >= dict.size() || dict[p] != '(') return {};
  size_t e = dict.find(')', p);
  return e == std::string::npos ? std::string() : dict.substr(p + 1, e - p - 1);
}

// The signed content as pieces (a PDF's two byte ranges, or one whole file), so a
// large PDF is never copied to be digested.
using Pieces = std::vector<std::pair<const char*, size_t>>;

// What a detached signature is over, and how to word its problems.
struct CmsTarget {
  Pieces content;
  bool zero_padding = false;  // the DER sits in a PDF's reserved /Contents room: zeros may follow it
  bool cades = false;         // ETSI.CAdES.detached: the signing-certificate attribute is required
  std::string changed;        // "the document was changed after signing"
  std::string digest_of;      // "the digest of the signed byte ranges"
};

// What CheckCms found; the caller copies it into its verdict.
struct CmsCheck {
  bool digest_ok = false;      // messageDigest matches the content and the signature verifies
  bool chain_ok = false;
  bool chain_checked = false;
  std::string signer, signing_time;
  std::vector<std::string> problems;
};

template <typename Verdict>
void TakeCmsCheck(CmsCheck&& c, Verdict* v) {
  v->digest_ok = c.digest_ok;
  v->chain_ok = c.chain_ok;
  v->chain_checked = c.chain_checked;
  v->signer = std::move(c.signer);
  v->signing_time = std::move(c.signing_time);
  for (std::string& p : c.problems) v->problems.push_back(std::move(p));
}

// Checks the detached CMS in `der` against `target.content`: the digest, the
// signature over the signed attributes, the signer, the signing time and, with a
// store of trust anchors, the certificate chain at the signing time.
void CheckCms(const CmsTarget& target, const std::string& der, X509_STORE* store, long long chain_time, CmsCheck* v) {
  ERR_clear_error();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size()));
  if (cms == nullptr) {
    ERR_clear_error();
    v->problems.push_back("the signature contents are not a valid CMS structure (altered or corrupt)");
    return;
  }
  // In a PDF, anything after the DER must be the zero padding of the reserved room;
  // other bytes there mean the /Contents string was edited. A signature file holds
  // the DER alone.
  size_t used = static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(der.data()));
  if (target.zero_padding) {
    if (std::any_of(der.begin() + static_cast<std::ptrdiff_t>(used), der.end(), [](char c) { return c != 0; })) {
      v->problems.push_back("the signature contents were altered (non-zero bytes after the CMS structure)");
    }
  } else if (used != der.size()) {
    v->problems.push_back("the signature file was altered (" + std::to_string(der.size() - used) +
                          " bytes after the CMS structure)");
  }
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
  CMS_SignerInfo* si = infos != nullptr && sk_CMS_SignerInfo_num(infos) == 1 ? sk_CMS_SignerInfo_value(infos, 0) : nullptr;
  STACK_OF(X509)* certs = CMS_get1_certs(cms);
  X509* signer = nullptr;
  if (si == nullptr) {
    v->problems.push_back("the CMS must hold exactly one signer");
  } else {
    for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
      if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0) signer = sk_X509_value(certs, i);
    }
    if (signer == nullptr) v->problems.push_back("the signer's certificate is not included in the signature");
  }
  if (si != nullptr && signer != nullptr) {
    v->signer = CommonName(signer);
    CMS_SignerInfo_set1_signer_cert(si, signer);
    X509_ALGOR* dig_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig_alg, nullptr);
    const ASN1_OBJECT* dig_oid = nullptr;
    if (dig_alg != nullptr) X509_ALGOR_get0(&dig_oid, nullptr, nullptr, dig_alg);
    const EVP_MD* md = dig_oid != nullptr ? EVP_get_digestbyobj(dig_oid) : nullptr;

    // Digest of the signed byte ranges, streamed (no copy of the file).
    std::string digest;
    if (md != nullptr) {
      digest = DigestOf(md, target.content);
    } else {
      v->problems.push_back("the signature uses an unknown digest algorithm");
    }
    if (const ASN1_TYPE* t = SignedAttr(si, NID_pkcs9_signingTime); t != nullptr &&
        (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME)) {
      struct tm tm {};
      if (ASN1_TIME_to_tm(t->value.utctime, &tm) == 1) v->signing_time = TaipeiString(tm);
    }
    if (CMS_signed_get_attr_count(si) > 0) {
      const ASN1_TYPE* mdattr = SignedAttr(si, NID_pkcs9_messageDigest);
      bool digest_match = md != nullptr && mdattr != nullptr && mdattr->type == V_ASN1_OCTET_STRING &&
                          static_cast<size_t>(ASN1_STRING_length(mdattr->value.octet_string)) == digest.size() &&
                          std::memcmp(ASN1_STRING_get0_data(mdattr->value.octet_string), digest.data(), digest.size()) == 0;
      bool sig_valid = CMS_SignerInfo_verify(si) == 1;
      ERR_clear_error();
      if (md != nullptr && !digest_match) {
        v->problems.push_back(target.changed + ": " + target.digest_of +
                              " does not match the signature's messageDigest");
      }
      if (!sig_valid) v->problems.push_back("the cryptographic signature does not verify with the signer's certificate");
      v->digest_ok = digest_match && sig_valid;
    } else {
      // Plain PKCS#7 without signed attributes: the signature is over the content itself.
      std::string content;
      for (const auto& piece : target.content) content.append(piece.first, piece.second);
      BIO* bio = BIO_new_mem_buf(content.data(), static_cast<int>(content.size()));
      v->digest_ok = CMS_verify(cms, nullptr, nullptr, bio, nullptr, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
      ERR_clear_error();
      BIO_free(bio);
      if (!v->digest_ok) v->problems.push_back(target.changed + " (signature does not verify)");
    }
    if (target.cades && SignedAttr(si, NID_id_smime_aa_signingCertificateV2) == nullptr &&
        SignedAttr(si, NID_id_smime_aa_signingCertificate) == nullptr) {
      v->problems.push_back("ETSI.CAdES.detached signature lacks the signing-certificate attribute");
    }
    if (store != nullptr) {
      v->chain_checked = true;
      X509_STORE_CTX* ctx = X509_STORE_CTX_new();
      X509_STORE_CTX_init(ctx, store, signer, certs);
      // Judge the certificate at the time it signed, not today: an archived report
      // stays valid after the certificate expires.
      // A proven time (a timestamp's) or the --at moment wins over the signer's own claim.
      if (chain_time != 0) {
        X509_STORE_CTX_set_time(ctx, 0, static_cast<time_t>(chain_time));
      } else if (const ASN1_TYPE* t = SignedAttr(si, NID_pkcs9_signingTime); t != nullptr) {
        struct tm tm {};
        if (ASN1_TIME_to_tm(t->value.utctime, &tm) == 1) X509_STORE_CTX_set_time(ctx, 0, timegm(&tm));
      }
      v->chain_ok = X509_verify_cert(ctx) == 1;
      if (!v->chain_ok) {
        v->problems.push_back(std::string("the signer's certificate does not chain to a trust anchor: ") +
                              X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
      }
      X509_STORE_CTX_free(ctx);
      ERR_clear_error();
    }
  }
  sk_X509_pop_free(certs, X509_free);
  CMS_ContentInfo_free(cms);
}

std::string TaipeiOf(long long utc) {
  time_t t = static_cast<time_t>(utc);
  struct tm tm {};
  gmtime_r(&t, &tm);
  return TaipeiString(tm);
}

// The signature value and the signature-time-stamp token (if any) of a CMS.
void SignatureParts(const std::string& der, std::string* value, std::string* token) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size()));
  if (cms == nullptr) {
    ERR_clear_error();
    return;
  }
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
  if (infos != nullptr && sk_CMS_SignerInfo_num(infos) == 1) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
    ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
    value->assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)), static_cast<size_t>(ASN1_STRING_length(sig)));
    int a = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    ASN1_TYPE* t = a >= 0 ? X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, a), 0) : nullptr;
    if (t != nullptr && t->type == V_ASN1_SEQUENCE) {
      token->assign(reinterpret_cast<const char*>(t->value.sequence->data), static_cast<size_t>(t->value.sequence->length));
    }
  }
  CMS_ContentInfo_free(cms);
}

// The DER of a /Contents string: the structure, then zero padding only.
bool StripPadding(const std::string& contents, std::string* der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(contents.data());
  ASN1_TYPE* any = d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(contents.size()));
  if (any == nullptr) {
    ERR_clear_error();
    *der = contents;
    return true;  // let the structure's own parser report it
  }
  ASN1_TYPE_free(any);
  size_t used = static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(contents.data()));
  *der = contents.substr(0, used);
  return std::all_of(contents.begin() + static_cast<std::ptrdiff_t>(used), contents.end(), [](char c) { return c == 0; });
}

// What the /DSS holds, read with PoDoFo; `signer_vri` is the VRI key of the signature.
struct DssCheck {
  bool present = false, has_vri = false;
  std::vector<std::string> certs, ocsps, crls;  // DER
  std::vector<std::string> problems;
};

// The catalog's /DSS of the PDF in data[0, size) (a whole file, or a revision of it).
void ReadDss(const char* data, size_t size, const std::string& vri_key, DssCheck* d) {
  try {
    PoDoFo::PdfVecObjects objs;
    objs.SetAutoDelete(true);
    PoDoFo::PdfParser parser(&objs);
    parser.ParseFile(data, static_cast<long>(size), true);
    const PoDoFo::PdfObject* trailer = parser.GetTrailer();
    auto resolve = [&](const PoDoFo::PdfObject* o) -> PoDoFo::PdfObject* {
      auto* x = const_cast<PoDoFo::PdfObject*>(o);
      for (int hops = 0; x != nullptr && x->IsReference() && hops < 8; ++hops) x = objs.GetObject(x->GetReference());
      return x;
    };
    PoDoFo::PdfObject* root = trailer != nullptr ? resolve(trailer->GetDictionary().GetKey("Root")) : nullptr;
    PoDoFo::PdfObject* dss = root != nullptr && root->IsDictionary() ? resolve(root->GetDictionary().GetKey("DSS")) : nullptr;
    if (dss == nullptr || !dss->IsDictionary()) return;
    d->present = true;
    auto read = [&](const char* key, std::vector<std::string>* out) {
      PoDoFo::PdfObject* arr = resolve(dss->GetDictionary().GetKey(key));
      if (arr == nullptr || !arr->IsArray()) return;
      for (const PoDoFo::PdfObject& o : arr->GetArray()) {
        PoDoFo::PdfObject* st = resolve(&o);
        if (st == nullptr || !st->HasStream()) {
          d->problems.push_back(std::string("/DSS /") + key + " holds something that is not a stream");
          continue;
        }
        char* buf = nullptr;
        PoDoFo::pdf_long len = 0;
        st->GetStream()->GetFilteredCopy(&buf, &len);
        out->emplace_back(buf, static_cast<size_t>(len));
        PoDoFo::podofo_free(buf);
      }
    };
    read("Certs", &d->certs);
    read("OCSPs", &d->ocsps);
    read("CRLs", &d->crls);
    PoDoFo::PdfObject* vri = resolve(dss->GetDictionary().GetKey("VRI"));
    d->has_vri = vri != nullptr && vri->IsDictionary() && vri->GetDictionary().HasKey(PoDoFo::PdfName(vri_key));
  } catch (const PoDoFo::PdfError& e) {
    d->problems.push_back(std::string("the /DSS cannot be read (PoDoFo: ") + PdfErrorText(e.GetError()) + ")");
  }
}


// The DSS's validation data, parsed and checked once:
//  - every certificate must carry a signature its issuer (in the DSS) made;
//  - every OCSP response must verify, and with trust anchors its responder must chain to
//    them, authorised for the certificates it answers for, at the time it was produced;
//  - every CRL must be signed by its issuer, and with trust anchors that issuer must
//    chain to them (with the cRLSign key usage) at the CRL's thisUpdate.
// Only the responses and CRLs that pass are used to judge a certificate (Covers).
class DssMaterial {
 public:
  DssMaterial(const DssCheck& d, X509_STORE* anchors, std::vector<std::string>* problems) : certs_(sk_X509_new_null()) {
    for (const std::string& c : d.certs) {
      X509* x = CertFromDer(c);
      if (x == nullptr) {
        problems->push_back("a certificate in the /DSS is corrupt");
        continue;
      }
      sk_X509_push(certs_, x);
    }
    for (int i = 0; i < sk_X509_num(certs_); ++i) {
      X509* c = sk_X509_value(certs_, i);
      X509* by = IssuerOf(c);
      EVP_PKEY* key = by != nullptr ? X509_get0_pubkey(by) : nullptr;
      if (key != nullptr && X509_verify(c, key) != 1) {
        problems->push_back("a certificate in the /DSS (" + CommonName(c) + ") is corrupt: its signature does not verify");
      }
      ERR_clear_error();
    }
    for (const std::string& o : d.ocsps) TakeOcsp(o, anchors, problems);
    for (const std::string& c : d.crls) TakeCrl(c, anchors, problems);
  }
  ~DssMaterial() {
    for (OCSP_BASICRESP* b : ocsps_) OCSP_BASICRESP_free(b);
    for (const auto& c : crls_) X509_CRL_free(c.first);
    sk_X509_pop_free(certs_, X509_free);
  }
  DssMaterial(const DssMaterial&) = delete;
  DssMaterial& operator=(const DssMaterial&) = delete;

  // Whether a checked OCSP response or CRL says `cert` was good; one that says it was
  // revoked is a problem worded with `whose` ("the signer's certificate").
  bool Covers(X509* cert, const std::string& whose, std::vector<std::string>* problems) const {
    X509* issuer = cert != nullptr ? IssuerOf(cert) : nullptr;
    if (issuer == nullptr) return false;
    bool covered = false;
    for (OCSP_BASICRESP* bs : ocsps_) {
      for (int i = 0; i < OCSP_resp_count(bs); ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(bs, i);
        const OCSP_CERTID* rid = OCSP_SINGLERESP_get0_id(single);
        ASN1_OBJECT* md_oid = nullptr;
        OCSP_id_get0_info(nullptr, &md_oid, nullptr, nullptr, const_cast<OCSP_CERTID*>(rid));
        const EVP_MD* md = md_oid != nullptr ? EVP_get_digestbyobj(md_oid) : nullptr;
        OCSP_CERTID* mine = md != nullptr ? OCSP_cert_to_id(md, cert, issuer) : nullptr;
        if (mine != nullptr && OCSP_id_cmp(mine, rid) == 0) {
          int reason = -1;
          const int status = OCSP_single_get0_status(single, &reason, nullptr, nullptr, nullptr);
          if (status == V_OCSP_CERTSTATUS_REVOKED) problems->push_back("the /DSS OCSP response says " + whose + " is REVOKED");
          if (status == V_OCSP_CERTSTATUS_GOOD) covered = true;
        }
        OCSP_CERTID_free(mine);
      }
    }
    for (const auto& [crl, by] : crls_) {
      if (X509_cmp(by, issuer) != 0) continue;
      X509_REVOKED* entry = nullptr;
      if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1) {
        problems->push_back("the /DSS CRL lists " + whose + " as REVOKED");
      } else {
        covered = true;
      }
    }
    ERR_clear_error();
    return covered;
  }

 private:
  X509* IssuerOf(X509* c) const {
    for (int j = 0; j < sk_X509_num(certs_); ++j) {
      X509* by = sk_X509_value(certs_, j);
      if (by != c && X509_check_issued(by, c) == X509_V_OK) return by;
    }
    return nullptr;
  }

  void TakeOcsp(const std::string& der, X509_STORE* anchors, std::vector<std::string>* problems) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    OCSP_RESPONSE* resp = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size()));
    OCSP_BASICRESP* bs = resp != nullptr ? OCSP_response_get1_basic(resp) : nullptr;
    OCSP_RESPONSE_free(resp);
    // Integrity first: signed by a certificate the response or the DSS holds (OCSP_NOVERIFY:
    // the signature only, so no store is consulted; the chain is judged below).
    const bool intact = bs != nullptr && OCSP_basic_verify(bs, certs_, nullptr, OCSP_NOVERIFY) == 1;
    ERR_clear_error();
    if (!intact) {
      problems->push_back("an OCSP response in the /DSS is corrupt or its signature does not verify");
      OCSP_BASICRESP_free(bs);
      return;
    }
    if (anchors != nullptr) {
      const long long produced = UtcSeconds(OCSP_resp_get0_produced_at(bs));
      X509_STORE* at = StoreAt(anchors, nullptr, produced);
      const bool trusted = at != nullptr && OCSP_basic_verify(bs, certs_, at, 0) == 1;
      const std::string why = trusted ? std::string() : OpenSslError();
      X509_STORE_free(at);
      if (!trusted) {
        problems->push_back("an OCSP response in the /DSS" + ResponderName(bs) +
                            " is not from a responder that chains to a trust anchor, authorised for the certificate, when it was produced (" +
                            why + ")");
        OCSP_BASICRESP_free(bs);
        return;
      }
    }
    ocsps_.push_back(bs);
  }

  std::string ResponderName(OCSP_BASICRESP* bs) const {
    X509* signer = nullptr;
    if (OCSP_resp_get0_signer(bs, &signer, certs_) != 1 || signer == nullptr) {
      ERR_clear_error();
      return {};
    }
    return " (from " + CommonName(signer) + ")";
  }

  void TakeCrl(const std::string& der, X509_STORE* anchors, std::vector<std::string>* problems) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
    X509* by = nullptr;
    for (int i = 0; crl != nullptr && i < sk_X509_num(certs_) && by == nullptr; ++i) {
      X509* c = sk_X509_value(certs_, i);
      if (X509_NAME_cmp(X509_get_subject_name(c), X509_CRL_get_issuer(crl)) == 0 && X509_CRL_verify(crl, X509_get0_pubkey(c)) == 1) {
        by = c;
      }
    }
    ERR_clear_error();
    if (by == nullptr) {
      problems->push_back("a CRL in the /DSS is corrupt or its signature does not verify");
      X509_CRL_free(crl);
      return;
    }
    if (anchors != nullptr) {
      const uint32_t ku = X509_get_key_usage(by);  // UINT32_MAX: no keyUsage extension
      X509_STORE* at = StoreAt(anchors, nullptr, UtcSeconds(X509_CRL_get0_lastUpdate(crl)));
      X509_STORE_CTX* ctx = X509_STORE_CTX_new();
      bool trusted = at != nullptr && ctx != nullptr && X509_STORE_CTX_init(ctx, at, by, certs_) == 1 &&
                     X509_verify_cert(ctx) == 1;
      std::string why = trusted ? std::string() : X509_verify_cert_error_string(ctx != nullptr ? X509_STORE_CTX_get_error(ctx) : 0);
      if (trusted && ku != UINT32_MAX && (ku & KU_CRL_SIGN) == 0) {
        trusted = false;
        why = "its issuer's key usage does not allow cRLSign";
      }
      X509_STORE_CTX_free(ctx);
      X509_STORE_free(at);
      ERR_clear_error();
      if (!trusted) {
        problems->push_back("a CRL in the /DSS (issued by " + CommonName(by) +
                            ") does not chain to a trust anchor when it was issued (" + why + ")");
        X509_CRL_free(crl);
        return;
      }
    }
    crls_.emplace_back(crl, by);
  }

  STACK_OF(X509)* certs_;
  std::vector<OCSP_BASICRESP*> ocsps_;
  std::vector<std::pair<X509_CRL*, X509*>> crls_;  // each with the DSS certificate that signed it
};

// Everything after the approval signature's signed range (B-LT's DSS update, B-LTA's and
// extend's document timestamps, or an attacker's update) must only add validation data.
// Both versions are parsed whole and compared object by object (every generation, free
// entries included):
//  - new objects may be streams without /Type (DSS data), DSS and VRI dictionaries,
//    cross-reference streams, document-timestamp dictionaries (/Type /DocTimeStamp) and
//    their hidden signature widgets (/Subtype /Widget /FT /Sig) with their empty
//    appearance streams (a Form XObject without /Resources that draws nothing);
//  - changed objects may be the catalog (only /DSS and /AcroForm may differ), the
//    AcroForm (only /Fields, grown, and /SigFlags), a page (only /Annots, grown), an
//    /Annots or /Fields array that only grew, and an earlier DSS or VRI dictionary;
//  - no object of the signed version may disappear.
// After the last %%EOF only white space may follow.
void CheckUpdatesAfter(const std::string& pdf, size_t signed_end, std::vector<std::string>* problems) {
  auto text = [](const PoDoFo::PdfObject& o) {
    std::string t;
    o.ToString(t, PoDoFo::ePdfWriteMode_Compact);
    if (o.HasStream()) {
      char* buf = nullptr;
      PoDoFo::pdf_long len = 0;
      const_cast<PoDoFo::PdfObject&>(o).GetStream()->GetCopy(&buf, &len);
      t.append(buf, static_cast<size_t>(len));
      PoDoFo::podofo_free(buf);
    }
    return t;
  };
  auto type_of = [](const PoDoFo::PdfObject& o, const char* key) {
    if (!o.IsDictionary()) return std::string();
    const PoDoFo::PdfObject* t = o.GetDictionary().GetKey(key);
    return t != nullptr && t->IsName() ? t->GetName().GetName() : std::string();
  };
  // An array that only grew: the old items first, in order.
  auto grew = [&](const PoDoFo::PdfObject* was, const PoDoFo::PdfObject* now) {
    if (was == nullptr) return now == nullptr || now->IsArray();
    if (now == nullptr || !was->IsArray() || !now->IsArray()) return false;
    const PoDoFo::PdfArray &a = was->GetArray(), &b = now->GetArray();
    if (b.size() < a.size()) return false;
    for (size_t k = 0; k < a.size(); ++k) {
      if (text(a[k]) != text(b[k])) return false;
    }
    return true;
  };
  // Two dictionaries equal but for `keys`, which are checked by `also`.
  auto same_but = [&](const PoDoFo::PdfObject& was, const PoDoFo::PdfObject& now, std::vector<const char*> keys) {
    if (!was.IsDictionary() || !now.IsDictionary()) return false;
    PoDoFo::PdfDictionary a = was.GetDictionary(), b = now.GetDictionary();
    for (const char* k : keys) {
      a.RemoveKey(k);
      b.RemoveKey(k);
    }
    return text(PoDoFo::PdfObject(a)) == text(PoDoFo::PdfObject(b));
  };
  try {
    const size_t eof = pdf.rfind("%%EOF");
    const size_t startxref = pdf.find("startxref", signed_end);
    if (eof == std::string::npos || eof < signed_end || startxref == std::string::npos || startxref > eof ||
        pdf.find_first_not_of("\r\n \t\f", eof + 5) != std::string::npos) {
      problems->push_back("what follows the last signed revision is not a complete incremental update");
      return;
    }
    PoDoFo::PdfVecObjects before, after;
    before.SetAutoDelete(true);
    after.SetAutoDelete(true);
    const std::string prefix = pdf.substr(0, signed_end);
    PoDoFo::PdfParser pb(&before), pa(&after);
    pb.ParseFile(prefix.data(), static_cast<long>(prefix.size()), false);
    pa.ParseFile(pdf.data(), static_cast<long>(pdf.size()), false);
    const PoDoFo::PdfObject* root_ref = pa.GetTrailer()->GetDictionary().GetKey("Root");
    const PoDoFo::PdfObject* root_before = pb.GetTrailer()->GetDictionary().GetKey("Root");
    if (root_ref == nullptr || root_before == nullptr || !root_ref->IsReference() ||
        root_ref->GetReference() != root_before->GetReference()) {
      problems->push_back("the update after the signature replaces the document catalog");
      return;
    }
    const PoDoFo::PdfReference root = root_ref->GetReference();
    // The trailer: only /Size, /Prev (and a cross-reference stream's own keys) may change.
    {
      PoDoFo::PdfDictionary a = pb.GetTrailer()->GetDictionary(), b = pa.GetTrailer()->GetDictionary();
      for (const char* k : {"Size", "Prev", "Type", "W", "Index", "Length", "Filter", "DecodeParms", "XRefStm"}) {
        a.RemoveKey(k);
        b.RemoveKey(k);
      }
      if (text(PoDoFo::PdfObject(a)) != text(PoDoFo::PdfObject(b))) {
        problems->push_back("the update after the signature changes the trailer (/Root, /Info or /ID)");
      }
    }
    size_t added_or_changed = 0;
    for (const PoDoFo::PdfObject* was : before) {
      const PoDoFo::PdfReference ref = was->Reference();
      if (after.GetObject(ref) == nullptr) {
        problems->push_back("the update after the signature removes object " + std::to_string(ref.ObjectNumber()) +
                            " " + std::to_string(ref.GenerationNumber()));
      }
    }
    for (const PoDoFo::PdfObject* now : after) {
      const PoDoFo::PdfReference ref = now->Reference();
      const PoDoFo::PdfObject* was = before.GetObject(ref);
      const std::string where = "object " + std::to_string(ref.ObjectNumber()) + " " + std::to_string(ref.GenerationNumber());
      if (was != nullptr) {
        if (text(*was) == text(*now)) continue;
        ++added_or_changed;
        bool ok = false;
        if (ref == root) {
          ok = same_but(*was, *now, {"DSS", "AcroForm"});
        } else if (was->IsArray()) {
          ok = grew(was, now);  // an indirect /Annots or /Fields array
        } else if (type_of(*was, "Type") == "DSS" || (now->IsDictionary() && now->GetDictionary().HasKey("Fields"))) {
          ok = type_of(*was, "Type") == "DSS" ||
               (same_but(*was, *now, {"Fields", "SigFlags"}) &&
                grew(was->GetDictionary().GetKey("Fields"), now->GetDictionary().GetKey("Fields")));
        } else if (type_of(*was, "Type") == "Page") {
          ok = same_but(*was, *now, {"Annots"}) &&
               grew(was->GetDictionary().GetKey("Annots"), now->GetDictionary().GetKey("Annots"));
        }
        if (!ok) problems->push_back("the update after the signature changes " + where + ", which the signed document had");
        continue;
      }
      ++added_or_changed;
      bool ok = false;
      const std::string type = type_of(*now, "Type");
      if (now->HasStream()) {
        ok = type.empty() || type == "XRef";
        if (type == "XObject" && type_of(*now, "Subtype") == "Form" && !now->GetDictionary().HasKey("Resources")) {
          // The empty appearance of a new signature widget (PDF/A wants one on every
          // widget): a form that draws nothing cannot change what the page shows.
          char* buf = nullptr;
          PoDoFo::pdf_long len = 0;
          const_cast<PoDoFo::PdfObject*>(now)->GetStream()->GetFilteredCopy(&buf, &len);
          ok = std::string(buf, static_cast<size_t>(len)).find_first_not_of(" \t\r\n\f") == std::string::npos;
          PoDoFo::podofo_free(buf);
        }
      } else if (now->IsDictionary()) {
        if (type == "DSS" || type == "DocTimeStamp") {
          ok = true;
        } else if (type_of(*now, "Subtype") == "Widget" && type_of(*now, "FT") == "Sig") {
          ok = true;
        } else if (type.empty()) {  // a VRI entry, or a new AcroForm holding only signature fields
          ok = true;
          for (const auto& kv : now->GetDictionary().GetKeys()) {
            const std::string k = kv.first.GetName();
            if (k != "Cert" && k != "OCSP" && k != "CRL" && k != "TU" && k != "TS" && k != "Fields" && k != "SigFlags") {
              ok = false;
            }
          }
        }
      } else if (now->IsArray()) {
        ok = true;  // an array of references (DSS /Certs ... or /Fields)
        for (const PoDoFo::PdfObject& item : now->GetArray()) ok = ok && item.IsReference();
      }
      if (!ok) problems->push_back("the update after the signature adds " + where + (type.empty() ? "" : " (/Type /" + type + ")") +
                                   ", which is not validation data");
    }
    if (added_or_changed == 0) problems->push_back("what follows the last signed revision adds nothing a PDF reader uses");
  } catch (const PoDoFo::PdfError& e) {
    problems->push_back("the update after the signature cannot be read (PoDoFo: " + PdfErrorText(e.GetError()) + ")");
  }
}

Status VerifyPdfWith(const std::string& path, const std::string& shown, X509_STORE* store, long long at_utc,
                     PdfVerdict* v) {
  *v = PdfVerdict();
  v->path = shown;
  std::string pdf;
  if (!ReadWholeFile(path, &pdf)) return Status::IoError("verify: cannot read " + path);
  if (pdf.compare(0, 5, "%PDF-") != 0) {
    v->problems.push_back("not a PDF file");
    return Status::OK();
  }
  std::vector<SigSpot> spots = FindSignatures(pdf);
  if (spots.empty()) {
    v->problems.push_back("no signature found (the PDF has no /ByteRange)");
    return Status::OK();
  }
  for (const SigSpot& s : spots) {
    if (!s.problem.empty()) {
      v->problems.push_back(s.problem);
      return Status::OK();
    }
  }
  const long long size = static_cast<long long>(pdf.size());
  // The last approval signature is the one reported; earlier ones (a document signed
  // twice) must verify too, and the later signature covers what they do not.
  const SigSpot* approval = nullptr;
  std::vector<const SigSpot*> earlier;
  for (const SigSpot& s : spots) {
    if (s.doc_timestamp) continue;
    if (approval != nullptr) earlier.push_back(approval);
    approval = &s;
  }
  for (size_t i = 0; i < earlier.size(); ++i) {
    const SigSpot& e = *earlier[i];
    if (e.range[2] + e.range[3] > size) continue;
    CmsTarget t;
    t.content = {{pdf.data(), static_cast<size_t>(e.range[1])}, {pdf.data() + e.range[2], static_cast<size_t>(e.range[3])}};
    t.zero_padding = true;
    t.cades = PdfNameAfter(e.dict, "/SubFilter") == "ETSI.CAdES.detached";
    t.changed = "the document was changed after signing";
    t.digest_of = "the digest of the signed byte ranges";
    CmsCheck c;
    CheckCms(t, e.contents, store, at_utc, &c);
    for (const std::string& p : c.problems) v->problems.push_back("signature " + std::to_string(i + 1) + ": " + p);
    if (!c.digest_ok && c.problems.empty()) v->problems.push_back("signature " + std::to_string(i + 1) + " does not verify");
  }
  if (approval == nullptr) {
    v->problems.push_back("the PDF holds document timestamps but no signature");
    return Status::OK();
  }
  const long long* r = approval->range;
  v->subfilter = PdfNameAfter(approval->dict, "/SubFilter");
  if (r[2] + r[3] > size) {
    v->problems.push_back("the file is shorter than its signed byte range (" + std::to_string(r[2] + r[3] - size) +
                          " bytes missing: truncated after signing)");
    return Status::OK();
  }

  // Document timestamps after the signature, oldest first: each over its own byte range.
  // The TSA of each is judged at the time of the next one (it was still valid when the
  // next one froze the evidence), the newest at the --at moment (or now).
  struct DocTs {
    const SigSpot* spot;
    TokenCheck check;
  };
  std::vector<DocTs> doc_ts;
  for (const SigSpot& s : spots) {
    if (!s.doc_timestamp || s.range[1] < r[2] + r[3]) continue;
    if (s.range[2] + s.range[3] > size) {
      v->problems.push_back("the file is shorter than a document timestamp's byte range (truncated)");
      continue;
    }
    doc_ts.push_back({&s, TokenCheck()});
  }
  // Newest first, so each one's judging time (the next one's time) is known when it is checked.
  long long next_time = at_utc;
  for (size_t i = doc_ts.size(); i-- > 0;) {
    const SigSpot& s = *doc_ts[i].spot;
    TokenCheck& c = doc_ts[i].check;
    std::string der;
    if (!StripPadding(s.contents, &der)) v->problems.push_back("a document timestamp's contents were altered (non-zero bytes after the token)");
    CheckTimestampToken(der, {{pdf.data(), static_cast<size_t>(s.range[1])},
                              {pdf.data() + s.range[2], static_cast<size_t>(s.range[3])}},
                        store, next_time, &c);
    for (const std::string& p : c.problems) v->problems.push_back("document timestamp: " + p);
    if (c.parsed) next_time = c.gen_time;
  }
  bool doc_ts_ok = !doc_ts.empty();
  for (const DocTs& d : doc_ts) doc_ts_ok = doc_ts_ok && d.check.problems.empty() && d.check.imprint_ok && d.check.signature_ok;
  if (doc_ts_ok) {
    v->document_timestamps = static_cast<int>(doc_ts.size());
    v->last_timestamp_time = TaipeiOf(doc_ts.back().check.gen_time);
  }
  // The earliest document timestamp's time is when the signature's own timestamp's TSA
  // must have been valid; without one, the --at moment.
  const long long after_sig = !doc_ts.empty() && doc_ts.front().check.parsed ? doc_ts.front().check.gen_time : at_utc;

  // Coverage: the last signed range must reach the end of the file, and everything after
  // the approval signature must only add validation data (a DSS, document timestamps),
  // whether a document timestamp covers it or not: a timestamp proves when bytes existed,
  // not that they are harmless.
  const SigSpot& last = spots.back();
  const long long approval_end = r[2] + r[3];
  const bool last_reaches_end = last.range[2] + last.range[3] == size;
  v->covers_whole_file = approval_end == size;
  if (approval_end < size) {
    std::vector<std::string> tail_problems;
    CheckUpdatesAfter(pdf, static_cast<size_t>(approval_end), &tail_problems);
    if (tail_problems.empty()) {
      v->covers_whole_file = true;  // only validation data follows
    } else {
      for (std::string& p : tail_problems) v->problems.push_back(std::move(p));
      if (!last_reaches_end) {
        v->problems.push_back(std::to_string(size - (last.range[2] + last.range[3])) +
                              " bytes were appended after the signed range (the file was changed after signing)");
      }
    }
  }

  std::string der;
  StripPadding(approval->contents, &der);  // CheckCms reports bytes after the structure
  // The signature timestamp: over the signature value, its TSA judged as above.
  std::string sig_value, token, sig_tsa_der;
  SignatureParts(der, &sig_value, &token);
  long long proven = 0;
  if (!token.empty()) {
    TokenCheck tc;
    CheckTimestampToken(token, {{sig_value.data(), sig_value.size()}}, store, after_sig, &tc);
    for (const std::string& p : tc.problems) v->problems.push_back("signature timestamp: " + p);
    if (tc.problems.empty() && tc.imprint_ok && tc.signature_ok) {
      proven = tc.gen_time;
      v->timestamp_time = TaipeiOf(tc.gen_time);
      v->timestamp_tsa = tc.tsa;
      sig_tsa_der = tc.tsa_cert_der;
    }
  }
  CmsTarget target;
  target.content = {{pdf.data(), static_cast<size_t>(r[1])}, {pdf.data() + r[2], static_cast<size_t>(r[3])}};
  target.zero_padding = true;
  target.cades = v->subfilter == "ETSI.CAdES.detached";
  target.changed = "the document was changed after signing";
  target.digest_of = "the digest of the signed byte ranges";
  CmsCheck check;
  const long long chain_time = proven != 0 ? proven : at_utc;
  CheckCms(target, approval->contents, store, chain_time, &check);
  TakeCmsCheck(std::move(check), v);
  if (v->signing_time.empty()) {
    std::string m = LiteralAfter(approval->dict, "/M");
    if (!m.empty()) v->signing_time = PdfDateString(m);
  }
  if (store != nullptr) {
    v->judged_at = proven != 0 ? TaipeiOf(proven) + " (the signature timestamp)"
                   : at_utc != 0 ? TaipeiOf(at_utc) + " (--at)"
                                 : v->signing_time + " (the signer's own signing time: no timestamp)";
  }

  // Revocation data in the DSS: for the signer and, when the signature is timestamped,
  // for the TSA that made its timestamp (PAdES B-LT needs both).
  DssCheck dss;
  ReadDss(pdf.data(), pdf.size(), VriKey(approval->contents), &dss);
  for (const std::string& p : dss.problems) v->problems.push_back(p);
  if (dss.present) {
    X509* signer_cert = nullptr;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    if (CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size()))) {
      STACK_OF(X509)* certs = CMS_get1_certs(cms);
      STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
      CMS_SignerInfo* si = infos != nullptr && sk_CMS_SignerInfo_num(infos) == 1 ? sk_CMS_SignerInfo_value(infos, 0) : nullptr;
      for (int i = 0; si != nullptr && certs != nullptr && i < sk_X509_num(certs); ++i) {
        if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0) {
          signer_cert = sk_X509_value(certs, i);
          X509_up_ref(signer_cert);
        }
      }
      sk_X509_pop_free(certs, X509_free);
      CMS_ContentInfo_free(cms);
    }
    ERR_clear_error();
    DssMaterial material(dss, store, &v->problems);
    const bool covered = material.Covers(signer_cert, "the signer's certificate", &v->problems);
    X509_free(signer_cert);
    bool tsa_covered = true;
    if (X509* tsa_cert = CertFromDer(sig_tsa_der)) {
      tsa_covered = material.Covers(tsa_cert, "the TSA's certificate (" + v->timestamp_tsa + ")", &v->problems);
      X509_free(tsa_cert);
      if (covered && !tsa_covered) {
        v->notes.push_back("the /DSS holds no revocation data for the TSA's certificate (" + v->timestamp_tsa +
                           "), so the level is B-T");
      }
    }
    v->revocation_embedded = covered && tsa_covered && dss.has_vri;
    if (covered && !dss.has_vri) v->problems.push_back("the /DSS has no /VRI entry for the signature");
    // Validation data is only ever added: an update that drops what an earlier revision's
    // DSS held (to hide a revocation, or by a careless tool) is reported.
    std::set<std::string> now(dss.certs.begin(), dss.certs.end());
    now.insert(dss.ocsps.begin(), dss.ocsps.end());
    now.insert(dss.crls.begin(), dss.crls.end());
    const size_t last_eof = pdf.rfind("%%EOF");
    for (size_t at = pdf.find("%%EOF", static_cast<size_t>(approval_end)); at != std::string::npos && at < last_eof;
         at = pdf.find("%%EOF", at + 5)) {
      DssCheck before;
      ReadDss(pdf.data(), at + 5, VriKey(approval->contents), &before);
      size_t dropped = 0;
      for (const auto* list : {&before.certs, &before.ocsps, &before.crls}) {
        for (const std::string& item : *list) dropped += now.count(item) == 0 ? 1 : 0;
      }
      if (dropped > 0) {
        v->problems.push_back("a later update replaces the /DSS with one that lacks " + std::to_string(dropped) +
                              " item(s) of validation data an earlier revision held");
        break;
      }
    }
  }
  v->level = v->timestamp_time.empty() ? "B-B"
             : !v->revocation_embedded ? "B-T"
             : v->document_timestamps == 0 ? "B-LT"
                                           : "B-LTA";
  v->ok = v->problems.empty() && v->digest_ok && v->covers_whole_file && (store == nullptr || v->chain_ok);
  return Status::OK();
}

// manifest.json's signature: manifest.json.p7s beside it, a detached CMS over the
// manifest's exact bytes. `signed_job` is what the manifest says of its job (false
// for --unsigned), only to word a missing signature.
Status VerifyManifestSignature(const std::string& dir, const std::string& manifest, bool signed_job, bool present,
                               X509_STORE* store, ManifestSignatureVerdict* v) {
  v->checked = true;
  v->present = present;
  if (!present) {
    v->problems.push_back(signed_job ? "manifest.json is not signed: " + v->path + " is missing"
                                     : "manifest.json is not signed (the job ran with --unsigned)");
    return Status::OK();
  }
  const std::string path = (fs::path(dir) / v->path).string();
  std::string der;
  if (!ReadWholeFile(path, &der)) return Status::IoError("verify: cannot read " + path);
  CmsTarget target;
  target.content = {{manifest.data(), manifest.size()}};
  target.changed = "manifest.json was changed after signing";
  target.digest_of = "its digest";
  CmsCheck check;
  CheckCms(target, der, store, 0, &check);
  TakeCmsCheck(std::move(check), v);
  v->ok = v->problems.empty() && v->digest_ok && (store == nullptr || v->chain_ok);
  return Status::OK();
}

bool EndsWithPdf(const std::string& name) {
  if (name.size() < 4) return false;
  std::string ext = name.substr(name.size() - 4);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".pdf";
}

}  // namespace

Status VerifyPdf(const std::string& path, const VerifyOptions& options, PdfVerdict* out) {
  Trust trust;
  LIAUDIT_RETURN_IF_ERROR(LoadTrust(options, &trust));
  return VerifyPdfWith(path, path, trust.store, options.at_utc, out);
}

Status VerifyFolder(const std::string& dir, const VerifyOptions& options, FolderVerdict* out) {
  *out = FolderVerdict();
  Trust trust;
  LIAUDIT_RETURN_IF_ERROR(LoadTrust(options, &trust));
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return Status::NotFound("verify: " + dir + " does not exist");
  if (fs::is_regular_file(st)) {
    PdfVerdict v;
    LIAUDIT_RETURN_IF_ERROR(VerifyPdfWith(dir, dir, trust.store, options.at_utc, &v));
    out->ok = v.ok;
    out->pdfs.push_back(std::move(v));
    return Status::OK();
  }
  if (!fs::is_directory(st)) return Status::InvalidInput("verify: " + dir + " is neither a file nor a folder");

  // Every regular file under the folder, by relative path ('/' separators).
  std::set<std::string> present;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) present.insert(it->path().lexically_relative(dir).generic_string());
  }
  if (ec) return Status::IoError("verify: cannot list " + dir + ": " + ec.message());

  for (const std::string& rel : present) {
    if (!options.signatures || !EndsWithPdf(rel)) continue;
    PdfVerdict v;
    LIAUDIT_RETURN_IF_ERROR(VerifyPdfWith((fs::path(dir) / rel).string(), rel, trust.store, options.at_utc, &v));
    out->pdfs.push_back(std::move(v));
  }

  const std::string manifest_path = (fs::path(dir) / "manifest.json").string();
  std::string text;
  if (present.count("manifest.json") == 0) {
    out->problems.push_back("manifest.json is missing, so the files cannot be checked against it");
  } else if (!ReadWholeFile(manifest_path, &text)) {
    return Status::IoError("verify: cannot read " + manifest_path);
  } else {
    nlohmann::json m = nlohmann::json::parse(text, nullptr, false);
    // Signed unless the manifest itself says the job ran with --unsigned.
    bool signed_job = true;
    if (m.is_object() && m.contains("signing") && m["signing"].is_object() && m["signing"].contains("signed") &&
        m["signing"]["signed"].is_boolean()) {
      signed_job = m["signing"]["signed"].get<bool>();
    }
    if (options.signatures) {
      LIAUDIT_RETURN_IF_ERROR(VerifyManifestSignature(dir, text, signed_job,
                                                      present.count(kManifestSignatureFile) != 0, trust.store,
                                                      &out->manifest_signature));
    }
    if (m.is_discarded() || !m.is_object() || !m.contains("outputs") || !m["outputs"].is_array()) {
      out->problems.push_back(manifest_path + ": not valid JSON with an \"outputs\" array");
    } else {
      std::set<std::string> listed;
      size_t index = 0;
      for (const auto& e : m["outputs"]) {
        ++index;
        if (!e.is_object() || !e.contains("path") || !e["path"].is_string() || !e.contains("sha256") ||
            !e["sha256"].is_string()) {
          out->problems.push_back(manifest_path + ": outputs[" + std::to_string(index - 1) +
                                  "] lacks a \"path\" or \"sha256\" string");
          continue;
        }
        std::string rel = e["path"].get<std::string>();
        fs::path rp(rel);
        if (rp.is_absolute() || rel.find("..") != std::string::npos) {
          out->problems.push_back(manifest_path + ": outputs path \"" + rel + "\" leaves the folder");
          continue;
        }
        rel = rp.lexically_normal().generic_string();
        listed.insert(rel);
        if (present.count(rel) == 0) {
          out->missing.push_back(rel);
          continue;
        }
        std::string data;
        if (!ReadWholeFile((fs::path(dir) / rel).string(), &data)) return Status::IoError("verify: cannot read " + rel);
        std::string want = e["sha256"].get<std::string>();
        std::transform(want.begin(), want.end(), want.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        bool size_ok = !e.contains("bytes") || !e["bytes"].is_number_unsigned() ||
                       e["bytes"].get<unsigned long long>() == data.size();
        if (!size_ok || Sha256Hex(data) != want) {
          // Extended later (liaudit extend): the listed bytes intact, then validation
          // data only, which the PDF's own verification (a document timestamp over the
          // whole file, or a DSS-only tail) vouches for.
          bool extended = false;
          if (EndsWithPdf(rel) && e.contains("bytes") && e["bytes"].is_number_unsigned()) {
            size_t listed_bytes = static_cast<size_t>(e["bytes"].get<unsigned long long>());
            if (listed_bytes < data.size() && Sha256Hex(data.substr(0, listed_bytes)) == want) {
              PdfVerdict pv;
              LIAUDIT_RETURN_IF_ERROR(VerifyPdfWith((fs::path(dir) / rel).string(), rel, trust.store, options.at_utc, &pv));
              extended = pv.ok && pv.covers_whole_file;
            }
          }
          (extended ? out->extended : out->altered).push_back(rel);
        }
      }
      for (const std::string& rel : present) {
        // manifest.json.p7s cannot be listed in the manifest it signs.
        if (rel != "manifest.json" && rel != kManifestSignatureFile && rel != kManifestHistoryFile && listed.count(rel) == 0) {
          out->extra.push_back(rel);
        }
      }
    }
  }
  bool pdfs_ok = std::all_of(out->pdfs.begin(), out->pdfs.end(), [](const PdfVerdict& v) { return v.ok; });
  const bool signatures_ok = !options.signatures || (pdfs_ok && out->manifest_signature.ok);
  out->ok = signatures_ok && out->missing.empty() && out->extra.empty() && out->altered.empty() &&
            out->problems.empty();
  return Status::OK();
}

namespace {

// What every signature verdict has (a PDF's, the manifest's), for --json.
template <typename Verdict>
nlohmann::json SignatureJson(const Verdict& v) {
  return {{"path", v.path},          {"ok", v.ok},         {"digest_ok", v.digest_ok},
          {"chain_checked", v.chain_checked}, {"chain_ok", v.chain_ok}, {"signer", v.signer},
          {"signing_time", v.signing_time},   {"problems", v.problems}};
}

// One signature verdict as text: "OK"/"FAIL", what, who and when, then `intact` (when the
// digest holds), the certificate chain (when show_chain) and the problems.
template <typename Verdict>
void PrintSignature(const Verdict& v, const std::string& what, const std::string& subfilter, const char* intact,
                    bool show_chain, std::ostream& out) {
  out << (v.ok ? "OK    " : "FAIL  ") << what;
  if (!v.signer.empty()) out << "\n      signed by " << v.signer;
  if (!v.signing_time.empty()) out << " at " << v.signing_time;
  if (!subfilter.empty()) out << " (" << subfilter << ")";
  if (v.digest_ok) out << "\n      " << intact;
  if (show_chain) {
    out << "\n      certificate chain: "
        << (!v.chain_checked ? "not checked (no trust anchors given)" : v.chain_ok ? "trusted" : "NOT trusted");
  }
  for (const std::string& p : v.problems) out << "\n      - " << p;
  out << "\n";
}

}  // namespace

int PrintVerdicts(const FolderVerdict& f, bool json, std::ostream& out) {
  if (json) {
    nlohmann::json j;
    j["ok"] = f.ok;
    j["pdfs"] = nlohmann::json::array();
    for (const PdfVerdict& v : f.pdfs) {
      nlohmann::json pdf = SignatureJson(v);
      pdf["covers_whole_file"] = v.covers_whole_file;
      pdf["subfilter"] = v.subfilter;
      pdf["level"] = v.level;
      pdf["timestamp_time"] = v.timestamp_time;
      pdf["timestamp_tsa"] = v.timestamp_tsa;
      pdf["revocation_embedded"] = v.revocation_embedded;
      pdf["document_timestamps"] = v.document_timestamps;
      pdf["last_timestamp_time"] = v.last_timestamp_time;
      pdf["judged_at"] = v.judged_at;
      pdf["notes"] = v.notes;
      j["pdfs"].push_back(std::move(pdf));
    }
    const ManifestSignatureVerdict& ms = f.manifest_signature;
    if (ms.checked) {
      j["manifest_signature"] = SignatureJson(ms);
      j["manifest_signature"]["present"] = ms.present;
    } else {
      j["manifest_signature"] = nullptr;  // a single PDF, or no readable manifest.json
    }
    j["missing"] = f.missing;
    j["extra"] = f.extra;
    j["altered"] = f.altered;
    j["extended"] = f.extended;
    j["problems"] = f.problems;
    out << j.dump(2, ' ', false, decltype(j)::error_handler_t::replace) << "\n";
    return f.ok ? 0 : 1;
  }
  size_t bad_pdfs = 0;
  for (const PdfVerdict& v : f.pdfs) {
    if (!v.ok) ++bad_pdfs;
    PrintSignature(v, v.path, v.subfilter,
                   v.covers_whole_file ? "signature intact, covers the whole file" : "signature intact", true, out);
    if (!v.level.empty()) {
      out << "      PAdES " << v.level;
      if (!v.timestamp_time.empty()) out << "; signature timestamp " << v.timestamp_time << " by " << v.timestamp_tsa;
      out << "; revocation data " << (v.revocation_embedded ? "embedded" : "not embedded");
      if (v.document_timestamps > 0) {
        out << "; " << v.document_timestamps << " document timestamp(s), newest " << v.last_timestamp_time;
      }
      if (!v.judged_at.empty()) out << "\n      certificate judged at " << v.judged_at;
      for (const std::string& n : v.notes) out << "\n      note: " << n;
      out << "\n";
    }
  }
  const ManifestSignatureVerdict& ms = f.manifest_signature;
  if (ms.checked) {
    PrintSignature(ms, "manifest.json (signature " + ms.path + ")", "", "signature intact, covers the whole file",
                   ms.present, out);
  }
  for (const std::string& m : f.missing) out << "MISSING " << m << " (listed in manifest.json, not present)\n";
  for (const std::string& m : f.extra) out << "EXTRA   " << m << " (present, not listed in manifest.json)\n";
  for (const std::string& m : f.altered) out << "ALTERED " << m << " (SHA-256 or size differs from manifest.json)\n";
  for (const std::string& m : f.extended) {
    out << "EXTENDED " << m << " (the bytes manifest.json lists are intact; validation data was added later, see "
        << kManifestHistoryFile << ")\n";
  }
  for (const std::string& p : f.problems) out << "PROBLEM " << p << "\n";
  if (f.ok) {
    out << "Everything verifies: " << (ms.checked ? "manifest.json signed, " : "") << f.pdfs.size()
        << " signed PDF(s) intact.\n";
  } else {
    out << "NOT VERIFIED: " << (ms.checked && !ms.ok ? "manifest.json's signature failed, " : "") << bad_pdfs
        << " of " << f.pdfs.size() << " PDF(s) failed, " << f.missing.size() << " missing, " << f.extra.size()
        << " extra, " << f.altered.size() << " altered file(s).\n";
  }
  return f.ok ? 0 : 1;
}

}  // namespace liaudit::sign
