#include "sign/verify.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
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

#include "sign/sign.h"

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

std::string Hex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return Hex(md, n);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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

// Where the last signature of a PDF sits.
struct SigLocation {
  long long range[4] = {0, 0, 0, 0};
  std::string dict;  // text of the signature dictionary's object (for /SubFilter, /M)
};

bool FindLastSignature(const std::string& pdf, SigLocation* loc, std::string* why) {
  size_t pos = pdf.rfind("/ByteRange");
  if (pos == std::string::npos) {
    *why = "no signature found (the PDF has no /ByteRange)";
    return false;
  }
  size_t i = pos + 10;
  while (i < pdf.size() && IsPdfSpace(pdf[i])) ++i;
  if (i >= pdf.size() || pdf[i] != '[') {
    *why = "the signature's /ByteRange is not an array";
    return false;
  }
  ++i;
  for (long long& v : loc->range) {
    while (i < pdf.size() && IsPdfSpace(pdf[i])) ++i;
    size_t start = i;
    v = 0;
    while (i < pdf.size() && std::isdigit(static_cast<unsigned char>(pdf[i])) && i - start < 15) v = v * 10 + (pdf[i++] - '0');
    if (i == start) {
      *why = "the signature's /ByteRange does not hold four numbers";
      return false;
    }
  }
  size_t obj = pdf.rfind("obj", pos);
  size_t end = pdf.find("endobj", pos);
  size_t from = obj == std::string::npos ? (pos > 4096 ? pos - 4096 : 0) : obj;
  size_t to = end == std::string::npos ? pdf.size() : end;
  loc->dict = pdf.substr(from, std::min<size_t>(to - from, 1 << 20));
  return true;
}

std::string NameAfter(const std::string& dict, const std::string& key) {
  size_t p = dict.find(key);
  if (p == std::string::npos) return {};
  p += key.size();
  while (p < dict.size() && IsPdfSpace(dict[p])) ++p;
  if (p >= dict.size() || dict[p] != '/') return {};
  size_t e = p + 1;
  while (e < dict.size() && !IsPdfSpace(dict[e]) && std::strchr("/<>[]()", dict[e]) == nullptr) ++e;
  return dict.substr(p + 1, e - p - 1);
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
void CheckCms(const CmsTarget& target, const std::string& der, X509_STORE* store, CmsCheck* v) {
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
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (md != nullptr) {
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      EVP_DigestInit_ex(ctx, md, nullptr);
      for (const auto& piece : target.content) EVP_DigestUpdate(ctx, piece.first, piece.second);
      EVP_DigestFinal_ex(ctx, digest, &digest_len);
      EVP_MD_CTX_free(ctx);
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
                          static_cast<unsigned>(ASN1_STRING_length(mdattr->value.octet_string)) == digest_len &&
                          std::memcmp(ASN1_STRING_get0_data(mdattr->value.octet_string), digest, digest_len) == 0;
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
      if (const ASN1_TYPE* t = SignedAttr(si, NID_pkcs9_signingTime); t != nullptr) {
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

Status VerifyPdfWith(const std::string& path, const std::string& shown, X509_STORE* store, PdfVerdict* v) {
  *v = PdfVerdict();
  v->path = shown;
  std::string pdf;
  if (!ReadWholeFile(path, &pdf)) return Status::IoError("verify: cannot read " + path);
  SigLocation loc;
  std::string why;
  if (pdf.compare(0, 5, "%PDF-") != 0) {
    v->problems.push_back("not a PDF file");
    return Status::OK();
  }
  if (!FindLastSignature(pdf, &loc, &why)) {
    v->problems.push_back(why);
    return Status::OK();
  }
  v->subfilter = NameAfter(loc.dict, "/SubFilter");
  const long long size = static_cast<long long>(pdf.size());
  const long long* r = loc.range;
  if (r[0] != 0 || r[1] <= 0 || r[2] <= r[1] + 1 || r[3] < 0) {
    v->problems.push_back("the signature's /ByteRange is malformed [" + std::to_string(r[0]) + " " +
                          std::to_string(r[1]) + " " + std::to_string(r[2]) + " " + std::to_string(r[3]) + "]");
    return Status::OK();
  }
  if (r[2] + r[3] > size) {
    v->problems.push_back("the file is shorter than its signed byte range (" + std::to_string(r[2] + r[3] - size) +
                          " bytes missing: truncated after signing)");
    return Status::OK();
  }
  v->covers_whole_file = r[2] + r[3] == size;
  if (!v->covers_whole_file) {
    v->problems.push_back(std::to_string(size - r[2] - r[3]) +
                          " bytes were appended after the signed range (the file was changed after signing)");
  }
  // The unsigned gap must be exactly the /Contents hex string.
  if (pdf[static_cast<size_t>(r[1])] != '<' || pdf[static_cast<size_t>(r[2] - 1)] != '>') {
    v->problems.push_back("the unsigned gap of /ByteRange is not the signature's /Contents string");
    return Status::OK();
  }
  std::string der;
  der.reserve(static_cast<size_t>(r[2] - r[1]) / 2);
  int hi = -1;
  for (long long i = r[1] + 1; i < r[2] - 1; ++i) {
    char c = pdf[static_cast<size_t>(i)];
    if (IsPdfSpace(c)) continue;
    int h = HexValue(c);
    if (h < 0) {
      v->problems.push_back("the signature contents were altered (not hexadecimal at byte " + std::to_string(i) + ")");
      return Status::OK();
    }
    if (hi < 0) {
      hi = h;
    } else {
      der += static_cast<char>(hi * 16 + h);
      hi = -1;
    }
  }
  if (hi >= 0) der += static_cast<char>(hi * 16);
  CmsTarget target;
  target.content = {{pdf.data(), static_cast<size_t>(r[1])}, {pdf.data() + r[2], static_cast<size_t>(r[3])}};
  target.zero_padding = true;
  target.cades = v->subfilter == "ETSI.CAdES.detached";
  target.changed = "the document was changed after signing";
  target.digest_of = "the digest of the signed byte ranges";
  CmsCheck check;
  CheckCms(target, der, store, &check);
  TakeCmsCheck(std::move(check), v);
  if (v->signing_time.empty()) {
    std::string m = LiteralAfter(loc.dict, "/M");
    if (!m.empty()) v->signing_time = PdfDateString(m);
  }
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
  CheckCms(target, der, store, &check);
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
  return VerifyPdfWith(path, path, trust.store, out);
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
    LIAUDIT_RETURN_IF_ERROR(VerifyPdfWith(dir, dir, trust.store, &v));
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
    LIAUDIT_RETURN_IF_ERROR(VerifyPdfWith((fs::path(dir) / rel).string(), rel, trust.store, &v));
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
        if (!size_ok || Sha256Hex(data) != want) out->altered.push_back(rel);
      }
      for (const std::string& rel : present) {
        // manifest.json.p7s cannot be listed in the manifest it signs.
        if (rel != "manifest.json" && rel != kManifestSignatureFile && listed.count(rel) == 0) out->extra.push_back(rel);
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
    j["problems"] = f.problems;
    out << j.dump(2, ' ', false, decltype(j)::error_handler_t::replace) << "\n";
    return f.ok ? 0 : 1;
  }
  size_t bad_pdfs = 0;
  for (const PdfVerdict& v : f.pdfs) {
    if (!v.ok) ++bad_pdfs;
    PrintSignature(v, v.path, v.subfilter,
                   v.covers_whole_file ? "signature intact, covers the whole file" : "signature intact", true, out);
  }
  const ManifestSignatureVerdict& ms = f.manifest_signature;
  if (ms.checked) {
    PrintSignature(ms, "manifest.json (signature " + ms.path + ")", "", "signature intact, covers the whole file",
                   ms.present, out);
  }
  for (const std::string& m : f.missing) out << "MISSING " << m << " (listed in manifest.json, not present)\n";
  for (const std::string& m : f.extra) out << "EXTRA   " << m << " (present, not listed in manifest.json)\n";
  for (const std::string& m : f.altered) out << "ALTERED " << m << " (SHA-256 or size differs from manifest.json)\n";
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
