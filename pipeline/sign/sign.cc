#include "sign/sign.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <podofo/podofo.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "core/text.h"

namespace liaudit::sign {
namespace {

// Room for an RFC 3161 timestamp token (PAdES B-T) in the unsigned attributes.
// Zero while no timestamp is added: every PDF would carry 16 KiB of hex zeros for
// nothing. When timestamping comes, 8192 holds a token with a TSA chain of two or
// three certificates.
constexpr size_t kTimestampRoom = 0;

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

// Wipes a password copy before its memory is released.
struct Secret {
  std::string value;
  ~Secret() { OPENSSL_cleanse(value.empty() ? nullptr : &value[0], value.size()); }
};

Status ReadPassword(const SignerConfig& c, Secret* out) {
  if (!c.password_file.empty()) {
    struct stat st {};
    if (stat(c.password_file.c_str(), &st) != 0) {
      return Status::NotFound("signing: password file " + c.password_file + ": " + std::strerror(errno));
    }
    // A password other people can read is not a secret: refuse rather than use it.
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      return Status::InvalidInput("signing: password file " + c.password_file + " has mode " + mode +
                                  "; it must be readable by its owner only (chmod 600)");
    }
    if (!ReadWholeFile(c.password_file, &out->value)) {
      return Status::IoError("signing: cannot read password file " + c.password_file);
    }
    while (!out->value.empty() && (out->value.back() == '\n' || out->value.back() == '\r')) {
      out->value.pop_back();
    }
    return Status::OK();
  }
  if (c.password_env.empty()) {
    return Status::InvalidInput("signing: no password source configured (password file or environment variable)");
  }
  const char* v = std::getenv(c.password_env.c_str());
  if (v == nullptr) {
    return Status::InvalidInput("signing: the password for " + c.pkcs12_path + " is expected in the environment variable " +
                                c.password_env + ", which is not set");
  }
  out->value = v;
  return Status::OK();
}

// Taipei local seconds <-> UTC time_t.
time_t ToUtc(LocalTime t) { return static_cast<time_t>(t - kTaipeiUtcOffsetSeconds); }

// The real time in Taipei, ignoring SetFixedClock: signatures carry when they were made.
LocalTime WallClockLocal() { return static_cast<LocalTime>(std::time(nullptr)) + kTaipeiUtcOffsetSeconds; }

LocalTime FromAsn1Time(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return kNoTime;
  LocalTime days = DateFromCivil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return days * kSecondsPerDay + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec + kTaipeiUtcOffsetSeconds;
}

std::string CommonName(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (i < 0) return {};
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

// A PDF text string: UTF-16BE with a byte-order mark, written as hex.
std::string PdfTextHex(const std::string& utf8) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "<FEFF";
  auto put16 = [&](unsigned v) {
    for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 0xF];
  };
  for (char32_t cp : ToCodePoints(utf8)) {
    if (cp >= 0x10000) {
      char32_t v = cp - 0x10000;
      put16(0xD800 + static_cast<unsigned>(v >> 10));
      put16(0xDC00 + static_cast<unsigned>(v & 0x3FF));
    } else {
      put16(static_cast<unsigned>(cp));
    }
  }
  out += '>';
  return out;
}

// D:YYYYMMDDHHmmSS+08'00' for a Taipei local time.
std::string PdfDate(LocalTime t) {
  Civil c = CivilFromDate(DateOf(t));
  int s = SecondOfDay(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "(D:%04d%02d%02d%02d%02d%02d+08'00')", c.year, c.month, c.day, s / 3600, s / 60 % 60,
                s % 60);
  return buf;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;  // 350.00 -> 350, 60.50 -> 60.5
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

struct Signer::Impl {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;  // the other certificates of the PKCS#12
  bool cades = true;
  size_t max_signature_bytes = 0;
  ~Impl() {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
  }
};

Signer::Signer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Signer::~Signer() = default;

Status Signer::Load(const SignerConfig& config, std::unique_ptr<Signer>* out) {
  out->reset();
  const std::string& path = config.pkcs12_path;
  if (path.empty()) return Status::InvalidInput("signing: no PKCS#12 file configured (setting signing.pkcs12)");
  std::string bytes;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Status::NotFound("signing: certificate file " + path + ": " + std::strerror(errno));
  }
  if (!ReadWholeFile(path, &bytes)) return Status::IoError("signing: cannot read certificate file " + path);
  Secret password;
  LIAUDIT_RETURN_IF_ERROR(ReadPassword(config, &password));

  ERR_clear_error();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(bytes.size()));
  if (p12 == nullptr) {
    ERR_clear_error();
    return Status::InvalidInput("signing: " + path + " is not a PKCS#12 (.p12/.pfx) file");
  }
  // Check the MAC first so a wrong password is named as such, not as a decoding error.
  if (PKCS12_mac_present(p12) && PKCS12_verify_mac(p12, password.value.c_str(), static_cast<int>(password.value.size())) != 1) {
    PKCS12_free(p12);
    ERR_clear_error();
    return Status::InvalidInput("signing: wrong password for " + path);
  }
  auto impl = std::make_unique<Impl>();
  impl->cades = config.cades;
  int parsed = PKCS12_parse(p12, password.value.c_str(), &impl->key, &impl->cert, &impl->chain);
  PKCS12_free(p12);
  if (parsed != 1) {
    std::string why = OpenSslError();
    return Status::InvalidInput("signing: cannot open " + path + " (" + why +
                                "); if it uses legacy RC2/3DES encryption, re-export it with AES-256-CBC");
  }
  if (impl->key == nullptr) return Status::InvalidInput("signing: " + path + " holds no private key");
  if (impl->cert == nullptr) {
    // PKCS12_parse pairs key and certificate by checking them; a certificate left
    // over means the key belongs to none of them.
    if (impl->chain != nullptr && sk_X509_num(impl->chain) > 0) {
      return Status::InvalidInput("signing: the private key in " + path + " does not match its certificate (" +
                                  CommonName(sk_X509_value(impl->chain, 0)) + ")");
    }
    return Status::InvalidInput("signing: " + path + " holds no certificate for its key");
  }
  if (X509_check_private_key(impl->cert, impl->key) != 1) {
    ERR_clear_error();
    return Status::InvalidInput("signing: the private key in " + path + " does not match its certificate (" +
                                CommonName(impl->cert) + ")");
  }
  // Validity against the real clock, even when NowLocal() is fixed for deterministic output.
  time_t now = std::time(nullptr);
  if (X509_cmp_time(X509_get0_notBefore(impl->cert), &now) > 0) {
    return Status::InvalidInput("signing: the certificate in " + path + " is not valid before " +
                                FormatIsoTime(FromAsn1Time(X509_get0_notBefore(impl->cert))) + " (Taipei)");
  }
  if (X509_cmp_time(X509_get0_notAfter(impl->cert), &now) < 0) {
    return Status::InvalidInput("signing: the certificate in " + path + " expired on " +
                                FormatIsoTime(FromAsn1Time(X509_get0_notAfter(impl->cert))) + " (Taipei)");
  }
  // A certificate whose key usage excludes signatures (an encryption or TLS server
  // certificate) would give signatures that readers reject: refuse it here.
  const uint32_t key_usage = X509_get_key_usage(impl->cert);  // UINT32_MAX: no keyUsage extension
  if (key_usage != UINT32_MAX && (key_usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
    return Status::InvalidInput("signing: the certificate in " + path + " (" + CommonName(impl->cert) +
                                ") is not for signing: its key usage allows neither digitalSignature nor "
                                "nonRepudiation; use a signing certificate (e.g. the unit's 機關憑證 for signing)");
  }
  std::unique_ptr<Signer> signer(new Signer(std::move(impl)));
  // Size the /Contents placeholder once from a real trial signature, so every PDF
  // reserves the same, sufficient room (RSA-4096 or a long chain included).
  std::string trial;
  LIAUDIT_RETURN_IF_ERROR(signer->SignDetached("trial", kNoTime, &trial));
  // The slack covers what varies between signatures of the same signer (DER
  // lengths of the time and digest encodings): a few bytes, so 512 is plenty.
  signer->impl_->max_signature_bytes = (trial.size() + 512 + kTimestampRoom + 511) / 512 * 512;
  *out = std::move(signer);
  return Status::OK();
}

std::string Signer::SubjectCommonName() const { return CommonName(impl_->cert); }
LocalTime Signer::NotBefore() const { return FromAsn1Time(X509_get0_notBefore(impl_->cert)); }
LocalTime Signer::NotAfter() const { return FromAsn1Time(X509_get0_notAfter(impl_->cert)); }
bool Signer::cades() const { return impl_->cades; }
size_t Signer::MaxSignatureBytes() const { return impl_->max_signature_bytes; }

namespace {

// The CMS over content given as pieces, streamed into OpenSSL's digest BIO so a
// large PDF is never copied into one contiguous buffer.
Status SignPieces(const Signer::Impl& k, const std::vector<std::pair<const char*, size_t>>& pieces,
                  LocalTime signing_time, std::string* der) {
  ERR_clear_error();
  const int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  CMS_ContentInfo* cms = CMS_sign(nullptr, nullptr, nullptr, nullptr, flags);
  if (cms == nullptr) return Status::Internal("signing: CMS_sign failed: " + OpenSslError());
  Status st;
  BIO* data = nullptr;
  CMS_SignerInfo* si = CMS_add1_signer(cms, k.cert, k.key, EVP_sha256(), flags);
  if (si == nullptr) {
    st = Status::Internal("signing: CMS_add1_signer failed: " + OpenSslError());
  }
  for (int i = 0; st.ok() && k.chain != nullptr && i < sk_X509_num(k.chain); ++i) {
    if (CMS_add1_cert(cms, sk_X509_value(k.chain, i)) != 1) st = Status::Internal("signing: CMS_add1_cert: " + OpenSslError());
  }
  if (st.ok()) {
    // The signing time of the request, not the moment OpenSSL finalises; it is
    // the same instant as the signature dictionary's /M.
    ASN1_TIME* t = ASN1_TIME_set(nullptr, ToUtc(signing_time));
    int r = t == nullptr ? 0 : CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1);
    ASN1_TIME_free(t);
    if (r != 1) st = Status::Internal("signing: cannot add signing time: " + OpenSslError());
  }
  if (st.ok() && k.cades) {
    // ETSI.CAdES.detached needs the signing-certificate-v2 attribute (RFC 5035) binding the certificate.
    ESS_SIGNING_CERT_V2* sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), k.cert, nullptr, 0);
    // OpenSSL 3.0 does not export CMS_add1_signing_cert_v2: encode the attribute
    // value (a SEQUENCE) ourselves, as that function does internally.
    unsigned char* enc = nullptr;
    int len = sc == nullptr ? -1 : i2d_ESS_SIGNING_CERT_V2(sc, &enc);
    ASN1_STRING* seq = len > 0 ? ASN1_STRING_new() : nullptr;
    if (seq == nullptr || ASN1_STRING_set(seq, enc, len) != 1 ||
        CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, seq, -1) != 1) {
      st = Status::Internal("signing: cannot add signing-certificate-v2: " + OpenSslError());
    }
    ASN1_STRING_free(seq);
    OPENSSL_free(enc);
    ESS_SIGNING_CERT_V2_free(sc);
  }
  if (st.ok()) {
    data = CMS_dataInit(cms, nullptr);
    if (data == nullptr) st = Status::Internal("signing: CMS_dataInit: " + OpenSslError());
  }
  for (const auto& piece : pieces) {
    size_t done = 0;
    while (st.ok() && done < piece.second) {
      int chunk = static_cast<int>(std::min<size_t>(piece.second - done, 1 << 30));
      if (BIO_write(data, piece.first + done, chunk) != chunk) st = Status::Internal("signing: digest write failed");
      done += static_cast<size_t>(chunk);
    }
  }
  if (st.ok() && CMS_dataFinal(cms, data) != 1) st = Status::Internal("signing: CMS_dataFinal: " + OpenSslError());
  BIO_free_all(data);
  // Later: an RFC 3161 token goes into si's unsigned attributes here (PAdES B-T),
  // before the DER is taken; MaxSignatureBytes already leaves room for it.
  if (st.ok()) {
    unsigned char* buf = nullptr;
    int n = i2d_CMS_ContentInfo(cms, &buf);
    if (n <= 0) {
      st = Status::Internal("signing: cannot encode CMS: " + OpenSslError());
    } else {
      der->assign(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
      OPENSSL_free(buf);
    }
  }
  CMS_ContentInfo_free(cms);
  return st;
}

}  // namespace

Status Signer::SignDetached(const std::string& data, LocalTime signing_time, std::string* der) const {
  return SignPieces(*impl_, {{data.data(), data.size()}}, signing_time == kNoTime ? WallClockLocal() : signing_time, der);
}

namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;

std::string Serialize(const PdfObject& o) {
  std::string s;
  o.ToString(s, PoDoFo::ePdfWriteMode_Compact);
  return s;
}

std::string Ref(const PdfReference& r) {
  return std::to_string(r.ObjectNumber()) + " " + std::to_string(r.GenerationNumber()) + " R";
}

// The objects the incremental update rewrites or adds, in object-number order.
struct Update {
  std::map<PoDoFo::pdf_objnum, std::pair<PoDoFo::pdf_gennum, std::string>> objects;  // num -> (gen, body)
  void Put(const PdfReference& r, std::string body) { objects[r.ObjectNumber()] = {r.GenerationNumber(), std::move(body)}; }
};

PdfObject* Resolve(PoDoFo::PdfVecObjects& objs, PdfObject* o) {
  for (int hops = 0; o != nullptr && o->IsReference() && hops < 8; ++hops) o = objs.GetObject(o->GetReference());
  return o;
}

long long CountOf(const PdfObject& node) {
  const PdfObject* c = node.GetDictionary().GetKey("Count");
  return c != nullptr && c->IsNumber() ? c->GetNumber() : -1;
}

bool IsPagesNode(const PdfObject& o) {
  const PdfObject* t = o.GetDictionary().GetKey("Type");
  if (t != nullptr && t->IsName()) return t->GetName() == PdfName("Pages");
  return o.GetDictionary().HasKey("Kids");
}

// Page `index` (0-based) by descending the page tree with /Count, loading only the
// nodes on the way (plus, in a node with mixed children, the children before it).
PdfObject* FindPage(PoDoFo::PdfVecObjects& objs, PdfObject* node, long long index) {
  for (int depth = 0; node != nullptr && depth < 64; ++depth) {
    PdfObject* kids = Resolve(objs, node->GetDictionary().GetKey("Kids"));
    if (kids == nullptr || !kids->IsArray()) return nullptr;
    PdfArray& arr = kids->GetArray();
    // Fast path: as many kids as pages below means every kid is a page.
    if (CountOf(*node) == static_cast<long long>(arr.size()) && index < static_cast<long long>(arr.size())) {
      PdfObject* kid = Resolve(objs, &arr[static_cast<size_t>(index)]);
      if (kid != nullptr && kid->IsDictionary() && !IsPagesNode(*kid)) return kid;
    }
    PdfObject* down = nullptr;
    for (size_t i = 0; i < arr.size() && down == nullptr; ++i) {
      PdfObject* kid = Resolve(objs, &arr[i]);
      if (kid == nullptr || !kid->IsDictionary()) return nullptr;
      if (IsPagesNode(*kid)) {
        long long c = CountOf(*kid);
        if (c < 0) return nullptr;
        if (index < c) down = kid; else index -= c;
      } else if (index == 0) {
        return kid;
      } else {
        --index;
      }
    }
    node = down;
  }
  return nullptr;
}

// Offset of the last `startxref` and whether it points to a classic xref table.
Status FindStartXref(const std::string& pdf, const std::string& path, size_t* offset, bool* classic) {
  size_t from = pdf.size() > 2048 ? pdf.size() - 2048 : 0;
  size_t pos = pdf.rfind("startxref");
  if (pos == std::string::npos || pos < from) return Status::InvalidInput(path + ": not a PDF (no startxref near the end)");
  const char* p = pdf.c_str() + pos + 9;
  char* end = nullptr;
  unsigned long long v = std::strtoull(p, &end, 10);
  if (end == p || v >= pdf.size()) return Status::InvalidInput(path + ": startxref offset is not valid");
  *offset = static_cast<size_t>(v);
  *classic = pdf.compare(*offset, 4, "xref") == 0;
  return Status::OK();
}

// Builds the appended section: the rewritten page/catalog/AcroForm, the new
// signature field and signature dictionary, and an xref section of the same kind
// as the file's last one. Reports where the /Contents placeholder and the
// /ByteRange placeholder sit inside `tail`.
Status BuildUpdate(const std::string& pdf, const std::string& path, const Signer& signer, const SignRequest& req,
                   LocalTime when, std::string* tail, size_t* contents_at, size_t* contents_len,
                   size_t* byterange_at, size_t* byterange_len) {
  // PdfParser alone, objects loaded on demand: PdfMemDocument's page tree costs
  // about half a second on a 10,000-page file; we only need a handful of objects.
  PoDoFo::PdfVecObjects objs;
  objs.SetAutoDelete(true);  // the vector owns the parsed objects (PdfDocument does the same)
  PoDoFo::PdfParser parser(&objs);
  parser.ParseFile(pdf.data(), static_cast<long>(pdf.size()), true);
  if (parser.GetEncrypted()) return Status::InvalidInput(path + ": encrypted PDFs are not signed");
  const PdfObject* trailer = parser.GetTrailer();
  if (trailer == nullptr || !trailer->IsDictionary() || !trailer->GetDictionary().HasKey("Root") ||
      !trailer->GetDictionary().GetKey("Root")->IsReference()) {
    return Status::InvalidInput(path + ": PDF trailer has no /Root");
  }
  const PdfDictionary& tdict = trailer->GetDictionary();
  PdfObject* catalog = objs.GetObject(tdict.GetKey("Root")->GetReference());
  if (catalog == nullptr || !catalog->IsDictionary()) return Status::InvalidInput(path + ": PDF catalog is missing");
  PdfObject* pages = Resolve(objs, catalog->GetDictionary().GetKey("Pages"));
  long long page_count = pages != nullptr && pages->IsDictionary() ? CountOf(*pages) : 0;
  if (page_count <= 0) return Status::InvalidInput(path + ": the PDF has no pages");
  if (req.page < 0 || req.page >= page_count) {
    return Status::InvalidInput(path + ": signature page " + std::to_string(req.page) + " is out of range (the PDF has " +
                                std::to_string(page_count) + " pages)");
  }
  PoDoFo::pdf_objnum next = 0;
  if (const PdfObject* size = tdict.GetKey("Size"); size != nullptr && size->IsNumber()) {
    next = static_cast<PoDoFo::pdf_objnum>(size->GetNumber());
  }
  for (const PdfObject* o : objs) next = std::max(next, o->Reference().ObjectNumber() + 1);

  Update up;
  PdfReference sig_ref(next++, 0), widget_ref(next++, 0);
  PdfObject* page = FindPage(objs, pages, req.page);
  if (page == nullptr) return Status::InvalidInput(path + ": cannot find page " + std::to_string(req.page) + " in the page tree");

  // Page: add the widget to /Annots (an indirect /Annots array is rewritten instead).
  {
    PdfDictionary d = page->GetDictionary();
    const PdfObject* annots = d.GetKey("Annots");
    if (annots != nullptr && annots->IsReference()) {
      PdfObject* arr = objs.GetObject(annots->GetReference());
      if (arr == nullptr || !arr->IsArray()) return Status::InvalidInput(path + ": page /Annots is not an array");
      PdfArray a = arr->GetArray();
      a.push_back(widget_ref);
      up.Put(arr->Reference(), Serialize(PdfObject(a)));
    } else {
      PdfArray a;
      if (annots != nullptr && annots->IsArray()) a = annots->GetArray();
      a.push_back(widget_ref);
      d.AddKey("Annots", a);
      up.Put(page->Reference(), Serialize(PdfObject(d)));
    }
  }
  // Catalog / AcroForm: the field joins /Fields, /SigFlags 3 (signatures exist, append only).
  {
    PdfDictionary cat = catalog->GetDictionary();
    const PdfObject* af = cat.GetKey("AcroForm");
    PdfObject* af_obj = nullptr;
    PdfDictionary form;
    if (af != nullptr && af->IsReference()) {
      af_obj = objs.GetObject(af->GetReference());
      if (af_obj == nullptr || !af_obj->IsDictionary()) return Status::InvalidInput(path + ": /AcroForm is not a dictionary");
      form = af_obj->GetDictionary();
    } else if (af != nullptr && af->IsDictionary()) {
      form = af->GetDictionary();
    }
    const PdfObject* fields = form.GetKey("Fields");
    if (fields != nullptr && fields->IsReference()) {
      PdfObject* arr = objs.GetObject(fields->GetReference());
      if (arr == nullptr || !arr->IsArray()) return Status::InvalidInput(path + ": /AcroForm /Fields is not an array");
      PdfArray a = arr->GetArray();
      a.push_back(widget_ref);
      up.Put(arr->Reference(), Serialize(PdfObject(a)));
    } else {
      PdfArray a;
      if (fields != nullptr && fields->IsArray()) a = fields->GetArray();
      a.push_back(widget_ref);
      form.AddKey("Fields", a);
    }
    form.AddKey("SigFlags", PdfObject(static_cast<PoDoFo::pdf_int64>(3)));
    if (af_obj != nullptr) {
      up.Put(af_obj->Reference(), Serialize(PdfObject(form)));
    } else {
      PdfReference form_ref(next++, 0);
      up.Put(form_ref, Serialize(PdfObject(form)));
      cat.AddKey("AcroForm", form_ref);
      up.Put(catalog->Reference(), Serialize(PdfObject(cat)));
    }
  }
  // Widget + field merged in one dictionary; visible ones get an empty appearance
  // (the stamp itself is page content drawn by the PDF engine).
  std::string field_name = "liaudit.sig" + std::to_string(sig_ref.ObjectNumber());
  std::string widget = "<</Type/Annot/Subtype/Widget/FT/Sig/F 132/T(" + field_name + ")/V " + Ref(sig_ref) +
                       "/P " + Ref(page->Reference());
  if (req.visible) {
    PdfReference ap_ref(next++, 0);
    up.Put(ap_ref, "<</Type/XObject/Subtype/Form/BBox[0 0 " + Num(req.w) + " " + Num(req.h) +
                       "]/Length 0>>\nstream\n\nendstream");
    widget += "/Rect[" + Num(req.x) + " " + Num(req.y) + " " + Num(req.x + req.w) + " " + Num(req.y + req.h) +
              "]/AP<</N " + Ref(ap_ref) + ">>>>";
  } else {
    widget += "/Rect[0 0 0 0]>>";
  }
  up.Put(widget_ref, widget);

  // The signature dictionary; /ByteRange and /Contents are fixed-width placeholders.
  const std::string byterange_placeholder = "[0 " + std::string(10, ' ') + " " + std::string(10, ' ') + " " +
                                            std::string(10, ' ') + "]";
  const size_t hex_len = 2 * signer.MaxSignatureBytes();
  std::string sig = "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/";
  sig += signer.cades() ? "ETSI.CAdES.detached" : "adbe.pkcs7.detached";
  sig += "/ByteRange";
  size_t br_in_sig = sig.size();
  sig += byterange_placeholder + "/Contents";
  size_t contents_in_sig = sig.size();
  sig += "<" + std::string(hex_len, '0') + ">";
  sig += "/M" + PdfDate(when) + "/Name" + PdfTextHex(signer.SubjectCommonName());
  if (!req.reason.empty()) sig += "/Reason" + PdfTextHex(req.reason);
  if (!req.location.empty()) sig += "/Location" + PdfTextHex(req.location);
  sig += "/Prop_Build<</App<</Name/liaudit>>>>>>";
  up.Put(sig_ref, sig);

  // Write the objects, remembering offsets (relative to the end of `pdf`).
  std::string& t = *tail;
  t.clear();
  if (!pdf.empty() && pdf.back() != '\n' && pdf.back() != '\r') t += '\n';
  const size_t base = pdf.size();
  std::map<PoDoFo::pdf_objnum, std::pair<PoDoFo::pdf_gennum, size_t>> offsets;
  for (const auto& [num, entry] : up.objects) {
    offsets[num] = {entry.first, base + t.size()};
    std::string head = std::to_string(num) + " " + std::to_string(entry.first) + " obj\n";
    if (num == sig_ref.ObjectNumber()) {
      *byterange_at = t.size() + head.size() + br_in_sig;
      *contents_at = t.size() + head.size() + contents_in_sig;
    }
    t += head;
    t += entry.second;
    t += "\nendobj\n";
  }
  *byterange_len = byterange_placeholder.size();
  *contents_len = hex_len + 2;

  size_t prev = 0;
  bool classic = true;
  LIAUDIT_RETURN_IF_ERROR(FindStartXref(pdf, path, &prev, &classic));
  std::string keep;  // /Root, /Info and /ID carried over
  keep += "/Root " + Ref(tdict.GetKey("Root")->GetReference());
  if (const PdfObject* info = tdict.GetKey("Info"); info != nullptr && info->IsReference()) {
    keep += "/Info " + Ref(info->GetReference());
  }
  if (const PdfObject* id = tdict.GetKey("ID"); id != nullptr) keep += "/ID" + Serialize(*id);

  if (classic) {
    const size_t xref_at = base + t.size();
    t += "xref\n";
    for (auto it = offsets.begin(); it != offsets.end();) {
      auto run_end = it;
      PoDoFo::pdf_objnum first = it->first, n = 0;
      while (run_end != offsets.end() && run_end->first == first + n) ++run_end, ++n;
      t += std::to_string(first) + " " + std::to_string(n) + "\n";
      for (; it != run_end; ++it) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu %05u n\r\n", it->second.second, static_cast<unsigned>(it->second.first));
        t += line;
      }
    }
    t += "trailer\n<</Size " + std::to_string(next) + keep + "/Prev " + std::to_string(prev) + ">>\nstartxref\n" +
         std::to_string(xref_at) + "\n%%EOF\n";
  } else {
    // The file uses cross-reference streams; continue with one (W [1 4 2], unfiltered).
    PoDoFo::pdf_objnum xnum = next++;
    const size_t xref_at = base + t.size();
    offsets[xnum] = {0, xref_at};
    if (xref_at > 0xFFFFFFFFu) return Status::InvalidInput(path + ": PDF larger than 4 GiB");
    std::string index, rows;
    for (auto it = offsets.begin(); it != offsets.end();) {
      auto run_end = it;
      PoDoFo::pdf_objnum first = it->first, n = 0;
      while (run_end != offsets.end() && run_end->first == first + n) ++run_end, ++n;
      index += (index.empty() ? "" : " ") + std::to_string(first) + " " + std::to_string(n);
      for (; it != run_end; ++it) {
        size_t off = it->second.second;
        unsigned gen = it->second.first;
        const unsigned char row[7] = {1,
                                      static_cast<unsigned char>(off >> 24),
                                      static_cast<unsigned char>(off >> 16),
                                      static_cast<unsigned char>(off >> 8),
                                      static_cast<unsigned char>(off),
                                      static_cast<unsigned char>(gen >> 8),
                                      static_cast<unsigned char>(gen)};
        rows.append(reinterpret_cast<const char*>(row), sizeof row);
      }
    }
    t += std::to_string(xnum) + " 0 obj\n<</Type/XRef/Size " + std::to_string(next) + "/W[1 4 2]/Index[" + index +
         "]" + keep + "/Prev " + std::to_string(prev) + "/Length " + std::to_string(rows.size()) + ">>\nstream\n" +
         rows + "\nendstream\nendobj\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
  }
  return Status::OK();
}

}  // namespace

Status SignPdfFile(const Signer& signer, const std::string& path, const SignRequest& request) {
  std::string pdf;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Status::NotFound("signing: " + path + ": " + std::strerror(errno));
  if (!ReadWholeFile(path, &pdf)) return Status::IoError("signing: cannot read " + path);
  const LocalTime when = request.signing_time == kNoTime ? WallClockLocal() : request.signing_time;

  std::string tail;
  size_t contents_at = 0, contents_len = 0, br_at = 0, br_len = 0;
  try {
    LIAUDIT_RETURN_IF_ERROR(
        BuildUpdate(pdf, path, signer, request, when, &tail, &contents_at, &contents_len, &br_at, &br_len));
  } catch (const PoDoFo::PdfError& e) {
    return Status::InvalidInput("signing: " + path + ": cannot read the PDF (PoDoFo: " +
                                PoDoFo::PdfError::ErrorMessage(e.GetError()) + ")");
  }

  // Patch /ByteRange: everything but the /Contents hex string (its angle brackets included).
  const size_t total = pdf.size() + tail.size();
  const size_t hole_begin = pdf.size() + contents_at, hole_end = hole_begin + contents_len;
  std::string br = "[0 " + std::to_string(hole_begin) + " " + std::to_string(hole_end) + " " +
                   std::to_string(total - hole_end);
  if (br.size() + 1 > br_len) return Status::Internal("signing: byte range does not fit its placeholder");
  br += std::string(br_len - br.size() - 1, ' ') + "]";
  tail.replace(br_at, br_len, br);

  std::string der;
  LIAUDIT_RETURN_IF_ERROR(SignPieces(*signer.impl_, {{pdf.data(), pdf.size()}, {tail.data(), contents_at},
                                                     {tail.data() + contents_at + contents_len, tail.size() - contents_at - contents_len}},
                                     when, &der));
  if (2 * der.size() > contents_len - 2) return Status::Internal("signing: signature larger than the reserved room");
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < der.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(der[i]);
    tail[contents_at + 1 + 2 * i] = kHex[b >> 4];
    tail[contents_at + 2 + 2 * i] = kHex[b & 15];
  }

  // Temp file next to the target, then rename: readers never see a half-signed PDF.
  std::string tmp = path + ".signing.XXXXXX";
  int fd = mkstemp(&tmp[0]);
  if (fd < 0) return Status::IoError("signing: cannot create a temporary file next to " + path + ": " + std::strerror(errno));
  bool ok = fchmod(fd, st.st_mode & 0777) == 0;
  for (const std::string* part : {&pdf, &tail}) {
    size_t done = 0;
    while (ok && done < part->size()) {
      ssize_t n = write(fd, part->data() + done, part->size() - done);
      if (n <= 0) ok = false; else done += static_cast<size_t>(n);
    }
  }
  if (close(fd) != 0) ok = false;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::IoError("signing: cannot write " + path + ": " + why);
  }
  return Status::OK();
}

}  // namespace liaudit::sign
