#include "sign/sign.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <podofo/podofo.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "core/text.h"
#include "sign/ssl_util.h"
#include "sign/verify.h"
#include "sign/ltv.h"
#include "sign/pdf_sigs.h"
#include "sign/secret.h"

namespace liaudit::sign {
namespace {

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

const char* LevelName(Level level) {
  switch (level) {
    case Level::kB_B: return "B-B";
    case Level::kB_T: return "B-T";
    case Level::kB_LT: return "B-LT";
    case Level::kB_LTA: return "B-LTA";
  }
  return "B-B";
}

bool ParseLevel(const std::string& text, Level* level) {
  std::string t;
  for (char c : text) {
    if (c == '-' || c == '_' || c == ' ') continue;
    t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (t.rfind("PADES", 0) == 0) t = t.substr(5);
  if (t == "BB") *level = Level::kB_B;
  else if (t == "BT") *level = Level::kB_T;
  else if (t == "BLT") *level = Level::kB_LT;
  else if (t == "BLTA") *level = Level::kB_LTA;
  else return false;
  return true;
}

struct Signer::Impl {
  EVP_PKEY* key = nullptr;          // our reference (a token's key: its handle on the token)
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;  // the other certificates (PKCS#12, token, chain file)
  std::unique_ptr<TokenKey> token;  // PKCS#11 keys only
  std::string source;               // for messages: the file or the token
  bool cades = true;
  Level level = Level::kB_B;
  size_t max_signature_bytes = 0;
  size_t max_timestamp_bytes = 0;   // a document timestamp's /Contents
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<Tsa> tsa;
  LtvMaterial ltv;
  std::vector<std::string> warnings;
  // Signatures take it shared; finding a lost token again takes it exclusively.
  mutable std::shared_mutex key_mu;
  mutable long key_generation = 0;
  mutable long reopens = 0;
  mutable std::string reopen_error;  // why the last attempt to find the token again failed
  ~Impl() {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
  }
};

Signer::Signer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Signer::~Signer() = default;

namespace {

Status LoadPkcs12(const SignerConfig& config, Signer::Impl* impl) {
  const std::string& path = config.pkcs12_path;
  if (path.empty()) {
    return Status::InvalidInput("signing: no key configured (signing.pkcs11_module for a token, or signing.pkcs12)");
  }
  impl->source = "PKCS#12 file " + path;
  std::string bytes;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Status::NotFound("signing: certificate file " + path + ": " + std::strerror(errno));
  }
  if (!ReadWholeFile(path, &bytes)) return Status::IoError("signing: cannot read certificate file " + path);
  Secret password;
  LIAUDIT_RETURN_IF_ERROR(ReadSecret(config.password_file, config.password_env, "the password for " + path, &password));

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
  return Status::OK();
}

Status LoadToken(const SignerConfig& config, Signer::Impl* impl) {
  LIAUDIT_RETURN_IF_ERROR(TokenKey::Open(config.token, &impl->token));
  impl->source = "PKCS#11 " + impl->token->Describe();
  impl->key = impl->token->key();
  EVP_PKEY_up_ref(impl->key);
  impl->cert = X509_dup(impl->token->cert());
  impl->chain = sk_X509_new_null();
  for (X509* c : impl->token->others()) sk_X509_push(impl->chain, X509_dup(c));
  return Status::OK();
}

// Issuing certificates from signing.chain_file join the chain (duplicates skipped).
Status AddChainFile(const std::string& file, Signer::Impl* impl) {
  if (file.empty()) return Status::OK();
  BIO* bio = BIO_new_file(file.c_str(), "r");
  if (bio == nullptr) {
    ERR_clear_error();
    return Status::NotFound("signing: cannot read the certificate chain file " + file + " (signing.chain_file)");
  }
  if (impl->chain == nullptr) impl->chain = sk_X509_new_null();
  int added = 0;
  while (X509* c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    bool dup = X509_cmp(c, impl->cert) == 0;
    for (int i = 0; !dup && i < sk_X509_num(impl->chain); ++i) dup = X509_cmp(c, sk_X509_value(impl->chain, i)) == 0;
    if (dup) X509_free(c); else sk_X509_push(impl->chain, c);
    ++added;
  }
  ERR_clear_error();
  BIO_free(bio);
  if (added == 0) return Status::InvalidInput("signing: " + file + " holds no PEM certificate (signing.chain_file)");
  return Status::OK();
}

// The signer's chain, leaf first.
std::vector<X509*> ChainOf(const Signer::Impl& k) {
  std::vector<X509*> v{k.cert};
  for (int i = 0; k.chain != nullptr && i < sk_X509_num(k.chain); ++i) v.push_back(sk_X509_value(k.chain, i));
  return v;
}

// SHA-256 of `data`, as raw bytes.
std::string Sha256(const unsigned char* data, size_t n) {
  return DigestOf(EVP_sha256(), {{reinterpret_cast<const char*>(data), n}});
}

// The CMS over content given as pieces, streamed into OpenSSL's digest BIO so a
// large PDF is never copied into one contiguous buffer. At B-T and above the
// signature-time-stamp token goes into the unsigned attributes.
Status SignPiecesOnce(const Signer::Impl& k, EVP_PKEY* key, const std::vector<std::pair<const char*, size_t>>& pieces,
                      LocalTime signing_time, bool timestamp, std::string* der, bool* key_failed) {
  *key_failed = false;
  ERR_clear_error();
  const int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  CMS_ContentInfo* cms = CMS_sign(nullptr, nullptr, nullptr, nullptr, flags);
  if (cms == nullptr) return Status::Internal("signing: CMS_sign failed: " + OpenSslError());
  Status st;
  BIO* data = nullptr;
  CMS_SignerInfo* si = CMS_add1_signer(cms, k.cert, key, EVP_sha256(), flags);
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
  // The private-key operation happens here: on a token, this is where a pulled card shows.
  if (st.ok() && CMS_dataFinal(cms, data) != 1) {
    st = Status::IoError("signing: the key did not sign (" + OpenSslError() + ")");
    *key_failed = true;
  }
  BIO_free_all(data);
  if (st.ok() && timestamp && k.tsa != nullptr) {
    // PAdES B-T: the signature-time-stamp (RFC 3161) over the signature value.
    ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
    std::string token;
    st = k.tsa->Stamp(Sha256(ASN1_STRING_get0_data(value), static_cast<size_t>(ASN1_STRING_length(value))), &token);
    ASN1_STRING* seq = st.ok() ? ASN1_STRING_new() : nullptr;
    if (st.ok() && (seq == nullptr || ASN1_STRING_set(seq, token.data(), static_cast<int>(token.size())) != 1 ||
                    CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, seq, -1) != 1)) {
      st = Status::Internal("signing: cannot add the signature timestamp: " + OpenSslError());
    }
    ASN1_STRING_free(seq);
  }
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

// How often a job finds a lost token again before it gives up, and the pause before each try.
constexpr long kMaxTokenReopens = 3;
constexpr int kReopenPauseMs = 500;

// SignPiecesOnce with the key of the moment; a token key that fails to sign (card
// pulled, HSM restarted) is found again, a bounded number of times per job.
Status SignPieces(const Signer::Impl& k, const std::vector<std::pair<const char*, size_t>>& pieces,
                  LocalTime signing_time, bool timestamp, std::string* der) {
  for (;;) {
    long generation;
    Status st;
    bool key_failed = true;
    {
      std::shared_lock<std::shared_mutex> lock(k.key_mu);
      generation = k.key_generation;
      st = k.key == nullptr ? Status::IoError("signing: the token is not available (" + k.reopen_error + ")")
                            : SignPiecesOnce(k, k.key, pieces, signing_time, timestamp, der, &key_failed);
    }
    if (st.ok() || !key_failed || k.token == nullptr) return st;
    std::unique_lock<std::shared_mutex> lock(k.key_mu);
    if (k.key_generation != generation) continue;  // another thread found the token again
    if (k.reopens >= kMaxTokenReopens) {
      return Status::IoError(st.message() + "; the " + k.source + " stopped answering and was not found again after " +
                             std::to_string(kMaxTokenReopens) + " attempts (" + k.reopen_error +
                             "); the job stops and leaves no folder in place");
    }
    ++k.reopens;
    std::this_thread::sleep_for(std::chrono::milliseconds(kReopenPauseMs * k.reopens));
    auto& impl = const_cast<Signer::Impl&>(k);
    EVP_PKEY_free(impl.key);
    impl.key = nullptr;
    if (Status again = impl.token->Reopen(); again.ok()) {
      impl.key = impl.token->key();
      EVP_PKEY_up_ref(impl.key);
      impl.reopen_error.clear();
    } else {
      impl.reopen_error = again.message();
    }
    ++impl.key_generation;
  }
}

}  // namespace

Status Signer::Load(const SignerConfig& config, std::unique_ptr<Signer>* out) {
  out->reset();
  auto impl = std::make_unique<Impl>();
  impl->cades = config.cades;
  LIAUDIT_RETURN_IF_ERROR(config.token.module.empty() ? LoadPkcs12(config, impl.get()) : LoadToken(config, impl.get()));
  LIAUDIT_RETURN_IF_ERROR(AddChainFile(config.chain_file, impl.get()));
  const std::string& where = impl->source;
  // Validity against the real clock, even when NowLocal() is fixed for deterministic output.
  time_t now = std::time(nullptr);
  if (X509_cmp_time(X509_get0_notBefore(impl->cert), &now) > 0) {
    return Status::InvalidInput("signing: the certificate in " + where + " is not valid before " +
                                FormatIsoTime(FromAsn1Time(X509_get0_notBefore(impl->cert))) + " (Taipei)");
  }
  if (X509_cmp_time(X509_get0_notAfter(impl->cert), &now) < 0) {
    return Status::InvalidInput("signing: the certificate in " + where + " expired on " +
                                FormatIsoTime(FromAsn1Time(X509_get0_notAfter(impl->cert))) + " (Taipei)");
  }
  // A certificate whose key usage excludes signatures (an encryption or TLS server
  // certificate) would give signatures that readers reject: refuse it here.
  const uint32_t key_usage = X509_get_key_usage(impl->cert);  // UINT32_MAX: no keyUsage extension
  if (key_usage != UINT32_MAX && (key_usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
    return Status::InvalidInput("signing: the certificate in " + where + " (" + CommonName(impl->cert) +
                                ") is not for signing: its key usage allows neither digitalSignature nor "
                                "nonRepudiation; use a signing certificate (e.g. the unit's 機關憑證 for signing)");
  }
  impl->level = config.level;
  // Size the /Contents placeholder once from a real trial signature, so every PDF
  // reserves the same, sufficient room (RSA-4096 or a long chain included).
  std::string trial;
  LIAUDIT_RETURN_IF_ERROR(SignPieces(*impl, {{"trial", 5}}, WallClockLocal(), false, &trial));
  size_t token_room = 0;
  if (impl->level >= Level::kB_T) {
    LIAUDIT_RETURN_IF_ERROR(HttpClient::Create(config.http_timeout_seconds, &impl->http));
    LIAUDIT_RETURN_IF_ERROR(Tsa::Create(config.tsa, impl->http.get(), &impl->tsa));
    // A trial timestamp: the TSA is reachable and its answers check out before anything
    // is written, and its token's size sizes the room.
    std::string token;
    Status st = impl->tsa->Stamp(Sha256(reinterpret_cast<const unsigned char*>(trial.data()), trial.size()), &token);
    if (!st.ok()) {
      if (!config.tsa_fallback) return st;
      impl->warnings.push_back(st.message() + "; signing at B-B instead (signing.on_tsa_failure = B-B)");
      impl->level = Level::kB_B;
      impl->tsa.reset();
    } else {
      token_room = token.size();
    }
  }
  if (impl->level >= Level::kB_LT) {
    std::vector<X509*> tsa_certs = impl->tsa->Certificates();
    Status st = CollectLtv({ChainOf(*impl), tsa_certs}, config.anchor_files, config.crl_files, impl->http.get(), &impl->ltv);
    for (X509* c : tsa_certs) X509_free(c);
    if (st.code() == Status::Code::kInvalidInput) return st;  // revoked, or bad settings: never a fallback
    if (!st.ok()) {
      if (!config.revocation_fallback) {
        return st.Prepend("revocation data for " + std::string(LevelName(impl->level)) +
                          " (signing.on_revocation_failure = B-T signs without it, with a warning)");
      }
      impl->warnings.push_back(st.message() + "; signing at B-T instead (signing.on_revocation_failure = B-T)");
      impl->level = Level::kB_T;
    }
  }
  // The slack covers what varies between signatures of the same signer (DER lengths of
  // the time and digest encodings, the token's serial and nonce): a few bytes, so 512 is
  // plenty; a timestamp token gets 1024 more for a TSA that adds a certificate.
  const size_t ts_room = token_room == 0 ? 0 : token_room + 1024;
  impl->max_signature_bytes = (trial.size() + 512 + ts_room + 511) / 512 * 512;
  impl->max_timestamp_bytes = (ts_room + 511) / 512 * 512;
  out->reset(new Signer(std::move(impl)));
  return Status::OK();
}

std::string Signer::SubjectCommonName() const { return CommonName(impl_->cert); }
LocalTime Signer::NotBefore() const { return FromAsn1Time(X509_get0_notBefore(impl_->cert)); }
LocalTime Signer::NotAfter() const { return FromAsn1Time(X509_get0_notAfter(impl_->cert)); }
bool Signer::cades() const { return impl_->cades; }
size_t Signer::MaxSignatureBytes() const { return impl_->max_signature_bytes; }
std::string Signer::KeySource() const { return impl_->source; }
Level Signer::level() const { return impl_->level; }
const std::vector<std::string>& Signer::warnings() const { return impl_->warnings; }
std::vector<std::string> Signer::RevocationSources() const { return impl_->ltv.sources; }
std::string Signer::TsaUrl() const { return impl_->tsa ? impl_->tsa->url() : std::string(); }
SignerStats Signer::Stats() const {
  SignerStats s;
  if (impl_->token) s.token_logins = impl_->token->logins();
  {
    std::shared_lock<std::shared_mutex> lock(impl_->key_mu);
    s.token_reopens = impl_->reopens;
  }
  if (impl_->tsa) s.tsa_requests = impl_->tsa->requests();
  if (impl_->http) s.http_connections = impl_->http->connections();
  return s;
}

Status Signer::SignDetached(const std::string& data, LocalTime signing_time, std::string* der) const {
  return SignPieces(*impl_, {{data.data(), data.size()}}, signing_time == kNoTime ? WallClockLocal() : signing_time,
                    impl_->level >= Level::kB_T, der);
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


// Where the placeholders of a signature dictionary sit in a revision's tail.
struct Placeholders {
  size_t contents_at = 0, contents_len = 0, byterange_at = 0, byterange_len = 0;
};

// One incremental update over `pdf`: objects rewritten or added, then an xref section
// of the same kind as the file's last one. At most one signature dictionary.
class Revision {
 public:
  Revision() : parser_(&objs_) { objs_.SetAutoDelete(true); }  // the vector owns the parsed objects

  Status Open(const std::string& pdf, const std::string& path) {
    pdf_ = &pdf;
    path_ = path;
    // PdfParser alone, objects loaded on demand: PdfMemDocument's page tree costs
    // about half a second on a 10,000-page file; we only need a handful of objects.
    parser_.ParseFile(pdf.data(), static_cast<long>(pdf.size()), true);
    if (parser_.GetEncrypted()) return Status::InvalidInput(path + ": encrypted PDFs are not signed");
    trailer_ = parser_.GetTrailer();
    if (trailer_ == nullptr || !trailer_->IsDictionary() || !trailer_->GetDictionary().HasKey("Root") ||
        !trailer_->GetDictionary().GetKey("Root")->IsReference()) {
      return Status::InvalidInput(path + ": PDF trailer has no /Root");
    }
    catalog_ = objs_.GetObject(trailer_->GetDictionary().GetKey("Root")->GetReference());
    if (catalog_ == nullptr || !catalog_->IsDictionary()) return Status::InvalidInput(path + ": PDF catalog is missing");
    cat_ = catalog_->GetDictionary();
    if (const PdfObject* size = trailer_->GetDictionary().GetKey("Size"); size != nullptr && size->IsNumber()) {
      next_ = static_cast<PoDoFo::pdf_objnum>(size->GetNumber());
    }
    for (const PdfObject* o : objs_) next_ = std::max(next_, o->Reference().ObjectNumber() + 1);
    return Status::OK();
  }

  PoDoFo::PdfVecObjects& objs() { return objs_; }
  PdfReference New() { return PdfReference(next_++, 0); }
  void Put(const PdfReference& r, std::string body) { up_.Put(r, std::move(body)); }
  const PdfDictionary& catalog() const { return cat_; }
  PdfDictionary& mutable_catalog() {
    cat_dirty_ = true;
    return cat_;
  }
  PdfObject* Resolved(const PdfObject* o) { return Resolve(objs_, const_cast<PdfObject*>(o)); }

  // A signature field whose value is the dictionary `sig` (which holds /ByteRange and
  // /Contents placeholders at br_in_sig and contents_in_sig); its widget on page
  // req.page, visible at req's rectangle or hidden.
  Status AddSignatureField(const SignRequest& req, const std::string& sig, size_t br_in_sig, size_t contents_in_sig,
                           size_t byterange_len, size_t contents_len) {
    PdfObject* pages = Resolve(objs_, cat_.GetKey("Pages"));
    long long page_count = pages != nullptr && pages->IsDictionary() ? CountOf(*pages) : 0;
    if (page_count <= 0) return Status::InvalidInput(path_ + ": the PDF has no pages");
    if (req.page < 0 || req.page >= page_count) {
      return Status::InvalidInput(path_ + ": signature page " + std::to_string(req.page) +
                                  " is out of range (the PDF has " + std::to_string(page_count) + " pages)");
    }
    PdfReference sig_ref = New(), widget_ref = New();
    PdfObject* page = FindPage(objs_, pages, req.page);
    if (page == nullptr) {
      return Status::InvalidInput(path_ + ": cannot find page " + std::to_string(req.page) + " in the page tree");
    }
    // Page: add the widget to /Annots (an indirect /Annots array is rewritten instead).
    {
      PdfDictionary d = page->GetDictionary();
      const PdfObject* annots = d.GetKey("Annots");
      if (annots != nullptr && annots->IsReference()) {
        PdfObject* arr = objs_.GetObject(annots->GetReference());
        if (arr == nullptr || !arr->IsArray()) return Status::InvalidInput(path_ + ": page /Annots is not an array");
        PdfArray a = arr->GetArray();
        a.push_back(widget_ref);
        up_.Put(arr->Reference(), Serialize(PdfObject(a)));
      } else {
        PdfArray a;
        if (annots != nullptr && annots->IsArray()) a = annots->GetArray();
        a.push_back(widget_ref);
        d.AddKey("Annots", a);
        up_.Put(page->Reference(), Serialize(PdfObject(d)));
      }
    }
    // Catalog / AcroForm: the field joins /Fields, /SigFlags 3 (signatures exist, append only).
    {
      const PdfObject* af = cat_.GetKey("AcroForm");
      PdfObject* af_obj = nullptr;
      PdfDictionary form;
      if (af != nullptr && af->IsReference()) {
        af_obj = objs_.GetObject(af->GetReference());
        if (af_obj == nullptr || !af_obj->IsDictionary()) return Status::InvalidInput(path_ + ": /AcroForm is not a dictionary");
        form = af_obj->GetDictionary();
      } else if (af != nullptr && af->IsDictionary()) {
        form = af->GetDictionary();
      }
      const PdfObject* fields = form.GetKey("Fields");
      if (fields != nullptr && fields->IsReference()) {
        PdfObject* arr = objs_.GetObject(fields->GetReference());
        if (arr == nullptr || !arr->IsArray()) return Status::InvalidInput(path_ + ": /AcroForm /Fields is not an array");
        PdfArray a = arr->GetArray();
        a.push_back(widget_ref);
        up_.Put(arr->Reference(), Serialize(PdfObject(a)));
      } else {
        PdfArray a;
        if (fields != nullptr && fields->IsArray()) a = fields->GetArray();
        a.push_back(widget_ref);
        form.AddKey("Fields", a);
      }
      form.AddKey("SigFlags", PdfObject(static_cast<PoDoFo::pdf_int64>(3)));
      if (af_obj != nullptr) {
        up_.Put(af_obj->Reference(), Serialize(PdfObject(form)));
      } else {
        PdfReference form_ref = New();
        up_.Put(form_ref, Serialize(PdfObject(form)));
        mutable_catalog().AddKey("AcroForm", form_ref);
      }
    }
    // Widget + field merged in one dictionary, printable and locked (/F 4 + 128), with an
    // empty normal appearance: the stamp itself is page content drawn by the PDF engine,
    // and PDF/A wants every widget to have an appearance stream and the print flag, the
    // hidden (zero-size) ones of the document timestamps too.
    std::string field_name = "liaudit.sig" + std::to_string(sig_ref.ObjectNumber());
    std::string widget = "<</Type/Annot/Subtype/Widget/FT/Sig/F 132/T(" + field_name + ")/V " + Ref(sig_ref) +
                         "/P " + Ref(page->Reference());
    const double ap_w = req.visible ? req.w : 0, ap_h = req.visible ? req.h : 0;
    PdfReference ap_ref = New();
    up_.Put(ap_ref, "<</Type/XObject/Subtype/Form/BBox[0 0 " + Num(ap_w) + " " + Num(ap_h) +
                        "]/Length 0>>\nstream\n\nendstream");
    if (req.visible) {
      widget += "/Rect[" + Num(req.x) + " " + Num(req.y) + " " + Num(req.x + req.w) + " " + Num(req.y + req.h) + "]";
    } else {
      widget += "/Rect[0 0 0 0]";
    }
    widget += "/AP<</N " + Ref(ap_ref) + ">>>>";
    up_.Put(widget_ref, widget);
    up_.Put(sig_ref, sig);
    sig_num_ = sig_ref.ObjectNumber();
    br_in_sig_ = br_in_sig;
    contents_in_sig_ = contents_in_sig;
    byterange_len_ = byterange_len;
    contents_len_ = contents_len;
    return Status::OK();
  }

  // Writes the objects and the xref section to `tail` (which follows the original file).
  Status Write(std::string* tail, Placeholders* ph) {
    const std::string& pdf = *pdf_;
    if (cat_dirty_) up_.Put(catalog_->Reference(), Serialize(PdfObject(cat_)));
    std::string& t = *tail;
    t.clear();
    if (!pdf.empty() && pdf.back() != '\n' && pdf.back() != '\r') t += '\n';
    const size_t base = pdf.size();
    std::map<PoDoFo::pdf_objnum, std::pair<PoDoFo::pdf_gennum, size_t>> offsets;
    for (const auto& [num, entry] : up_.objects) {
      offsets[num] = {entry.first, base + t.size()};
      std::string head = std::to_string(num) + " " + std::to_string(entry.first) + " obj\n";
      if (num == sig_num_ && ph != nullptr) {
        ph->byterange_at = t.size() + head.size() + br_in_sig_;
        ph->contents_at = t.size() + head.size() + contents_in_sig_;
        ph->byterange_len = byterange_len_;
        ph->contents_len = contents_len_;
      }
      t += head;
      t += entry.second;
      t += "\nendobj\n";
    }
    size_t prev = 0;
    bool classic = true;
    LIAUDIT_RETURN_IF_ERROR(FindStartXref(pdf, path_, &prev, &classic));
    const PdfDictionary& tdict = trailer_->GetDictionary();
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
      t += "trailer\n<</Size " + std::to_string(next_) + keep + "/Prev " + std::to_string(prev) + ">>\nstartxref\n" +
           std::to_string(xref_at) + "\n%%EOF\n";
    } else {
      // The file uses cross-reference streams; continue with one (W [1 4 2], unfiltered).
      PoDoFo::pdf_objnum xnum = next_++;
      const size_t xref_at = base + t.size();
      offsets[xnum] = {0, xref_at};
      if (xref_at > 0xFFFFFFFFu) return Status::InvalidInput(path_ + ": PDF larger than 4 GiB");
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
      t += std::to_string(xnum) + " 0 obj\n<</Type/XRef/Size " + std::to_string(next_) + "/W[1 4 2]/Index[" + index +
           "]" + keep + "/Prev " + std::to_string(prev) + "/Length " + std::to_string(rows.size()) + ">>\nstream\n" +
           rows + "\nendstream\nendobj\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
    }
    return Status::OK();
  }

 private:
  const std::string* pdf_ = nullptr;
  std::string path_;
  PoDoFo::PdfVecObjects objs_;
  PoDoFo::PdfParser parser_;
  const PdfObject* trailer_ = nullptr;
  PdfObject* catalog_ = nullptr;
  PdfDictionary cat_;
  bool cat_dirty_ = false;
  PoDoFo::pdf_objnum next_ = 0;
  Update up_;
  PoDoFo::pdf_objnum sig_num_ = 0;
  size_t br_in_sig_ = 0, contents_in_sig_ = 0, byterange_len_ = 0, contents_len_ = 0;
};

// A /ByteRange placeholder: fixed width, patched once the offsets are known.
const std::string& ByteRangePlaceholder() {
  static const std::string p = "[0 " + std::string(10, ' ') + " " + std::string(10, ' ') + " " + std::string(10, ' ') + "]";
  return p;
}

// The approval signature's dictionary (PAdES: /M, /Name, /Reason, /Location).
std::string ApprovalSigDict(const Signer& signer, const SignRequest& req, LocalTime when, size_t room,
                            size_t* br_in_sig, size_t* contents_in_sig) {
  std::string sig = "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/";
  sig += signer.cades() ? "ETSI.CAdES.detached" : "adbe.pkcs7.detached";
  sig += "/ByteRange";
  *br_in_sig = sig.size();
  sig += ByteRangePlaceholder() + "/Contents";
  *contents_in_sig = sig.size();
  sig += "<" + std::string(2 * room, '0') + ">";
  sig += "/M" + PdfDate(when) + "/Name" + PdfTextHex(signer.SubjectCommonName());
  if (!req.reason.empty()) sig += "/Reason" + PdfTextHex(req.reason);
  if (!req.location.empty()) sig += "/Location" + PdfTextHex(req.location);
  sig += "/Prop_Build<</App<</Name/liaudit>>>>>>";
  return sig;
}

// A document timestamp's dictionary (ISO 32000-2 12.8.5).
std::string DocTimestampDict(size_t room, size_t* br_in_sig, size_t* contents_in_sig) {
  std::string sig = "<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161/ByteRange";
  *br_in_sig = sig.size();
  sig += ByteRangePlaceholder() + "/Contents";
  *contents_in_sig = sig.size();
  sig += "<" + std::string(2 * room, '0') + ">/Prop_Build<</App<</Name/liaudit>>>>>>";
  return sig;
}

// Patches /ByteRange in `tail` (which follows `pdf`) and fills /Contents with what
// `make` returns for the signed byte ranges.
template <typename Make>
Status FillSignature(const std::string& pdf, std::string* tail, const Placeholders& ph, Make make) {
  std::string& t = *tail;
  const size_t total = pdf.size() + t.size();
  const size_t hole_begin = pdf.size() + ph.contents_at, hole_end = hole_begin + ph.contents_len;
  std::string br = "[0 " + std::to_string(hole_begin) + " " + std::to_string(hole_end) + " " +
                   std::to_string(total - hole_end);
  if (br.size() + 1 > ph.byterange_len) return Status::Internal("signing: byte range does not fit its placeholder");
  br += std::string(ph.byterange_len - br.size() - 1, ' ') + "]";
  t.replace(ph.byterange_at, ph.byterange_len, br);
  std::string der;
  LIAUDIT_RETURN_IF_ERROR(make(std::vector<std::pair<const char*, size_t>>{
                                   {pdf.data(), pdf.size()},
                                   {t.data(), ph.contents_at},
                                   {t.data() + ph.contents_at + ph.contents_len, t.size() - ph.contents_at - ph.contents_len}},
                               &der));
  if (2 * der.size() > ph.contents_len - 2) return Status::Internal("signing: signature larger than the reserved room");
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < der.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(der[i]);
    t[ph.contents_at + 1 + 2 * i] = kHex[b >> 4];
    t[ph.contents_at + 2 + 2 * i] = kHex[b & 15];
  }
  return Status::OK();
}


// The /Contents bytes a filled placeholder holds (DER plus zero padding).
std::string ContentsBytes(const std::string& tail, const Placeholders& ph) {
  std::string out;
  out.reserve(ph.contents_len / 2);
  auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = ph.contents_at + 1; i + 1 < ph.contents_at + ph.contents_len - 1; i += 2) {
    out += static_cast<char>(hex(tail[i]) * 16 + hex(tail[i + 1]));
  }
  return out;
}

// Adds (or extends) the catalog's /DSS with `ltv` and a /VRI entry per key.
Status AddDss(Revision* rev, const LtvMaterial& ltv, const std::vector<std::string>& vri_keys) {
  PdfDictionary dss;
  if (const PdfObject* old = rev->Resolved(rev->catalog().GetKey("DSS")); old != nullptr && old->IsDictionary()) {
    dss = old->GetDictionary();
  }
  std::vector<std::string> have;  // bytes of streams already in the DSS, not added twice
  auto streams = [&](const char* key, const std::vector<std::string>& items, PdfArray* refs_out) {
    PdfArray arr;
    if (const PdfObject* a = rev->Resolved(dss.GetKey(key)); a != nullptr && a->IsArray()) arr = a->GetArray();
    std::map<std::string, PdfReference> by_bytes;
    for (const PdfObject& o : arr) {
      PdfObject* s = o.IsReference() ? rev->Resolved(&o) : nullptr;
      if (s == nullptr || !s->HasStream()) continue;
      char* buf = nullptr;
      PoDoFo::pdf_long len = 0;
      s->GetStream()->GetFilteredCopy(&buf, &len);
      by_bytes[std::string(buf, static_cast<size_t>(len))] = o.GetReference();
      PoDoFo::podofo_free(buf);
    }
    for (const std::string& item : items) {
      auto it = by_bytes.find(item);
      if (it != by_bytes.end()) {
        refs_out->push_back(it->second);
        continue;
      }
      PdfReference r = rev->New();
      std::string body = "<</Length " + std::to_string(item.size()) + ">>\nstream\n";
      body += item;
      body += "\nendstream";
      rev->Put(r, std::move(body));
      arr.push_back(r);
      by_bytes[item] = r;
      refs_out->push_back(r);
    }
    if (!arr.empty()) dss.AddKey(key, arr);
  };
  PdfArray certs, ocsps, crls;
  streams("Certs", ltv.certs, &certs);
  streams("OCSPs", ltv.ocsps, &ocsps);
  streams("CRLs", ltv.crls, &crls);
  PdfDictionary vri;
  if (const PdfObject* v = rev->Resolved(dss.GetKey("VRI")); v != nullptr && v->IsDictionary()) vri = v->GetDictionary();
  for (const std::string& key : vri_keys) {
    PdfDictionary entry;
    if (!certs.empty()) entry.AddKey("Cert", certs);
    if (!ocsps.empty()) entry.AddKey("OCSP", ocsps);
    if (!crls.empty()) entry.AddKey("CRL", crls);
    vri.AddKey(PdfName(key), entry);
  }
  dss.AddKey("Type", PdfName("DSS"));
  dss.AddKey("VRI", vri);
  PdfReference dss_ref = rev->New();
  rev->Put(dss_ref, Serialize(PdfObject(dss)));
  rev->mutable_catalog().AddKey("DSS", dss_ref);
  return Status::OK();
}

// A document timestamp field (hidden widget on the first page) in `rev`.
Status AddDocTimestamp(Revision* rev, size_t room) {
  size_t br = 0, contents = 0;
  std::string dict = DocTimestampDict(room, &br, &contents);
  SignRequest hidden;
  return rev->AddSignatureField(hidden, dict, br, contents, ByteRangePlaceholder().size(), 2 * room + 2);
}

// Writes pdf + tails to a temp file next to `path`, then renames it over `path`:
// readers never see a half-signed PDF.
Status ReplaceFile(const std::string& path, mode_t mode, const std::vector<const std::string*>& parts) {
  std::string tmp = path + ".signing.XXXXXX";
  int fd = mkstemp(&tmp[0]);
  if (fd < 0) return Status::IoError("signing: cannot create a temporary file next to " + path + ": " + std::strerror(errno));
  bool ok = fchmod(fd, mode & 0777) == 0;
  for (const std::string* part : parts) {
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

Status PodofoError(const std::string& path, const PoDoFo::PdfError& e) {
  return Status::InvalidInput("signing: " + path + ": cannot read the PDF (PoDoFo: " +
                              PdfErrorText(e.GetError()) + ")");
}

// The DSS (+ document timestamp) revision over `doc`, appended to `tail`.
Status LtvRevision(const std::string& doc, const std::string& path, const LtvMaterial& ltv,
                   const std::vector<std::string>& vri_keys, const Tsa* tsa, size_t timestamp_room, std::string* tail) {
  Revision rev;
  Placeholders ph;
  LIAUDIT_RETURN_IF_ERROR(rev.Open(doc, path));
  LIAUDIT_RETURN_IF_ERROR(AddDss(&rev, ltv, vri_keys));
  if (tsa != nullptr) LIAUDIT_RETURN_IF_ERROR(AddDocTimestamp(&rev, timestamp_room));
  LIAUDIT_RETURN_IF_ERROR(rev.Write(tail, tsa != nullptr ? &ph : nullptr));
  if (tsa == nullptr) return Status::OK();
  return FillSignature(doc, tail, ph, [&](const std::vector<std::pair<const char*, size_t>>& pieces, std::string* der) {
    return tsa->Stamp(DigestOf(EVP_sha256(), pieces), der);
  });
}

}  // namespace

Status SignPdfFile(const Signer& signer, const std::string& path, const SignRequest& request) {
  const Signer::Impl& k = *signer.impl_;
  std::string pdf;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Status::NotFound("signing: " + path + ": " + std::strerror(errno));
  if (!ReadWholeFile(path, &pdf)) return Status::IoError("signing: cannot read " + path);
  const LocalTime when = request.signing_time == kNoTime ? WallClockLocal() : request.signing_time;

  // Revision 1: the approval signature (with its signature timestamp at B-T and above).
  std::string tail;
  Placeholders ph;
  try {
    Revision rev;
    LIAUDIT_RETURN_IF_ERROR(rev.Open(pdf, path));
    size_t br = 0, contents = 0;
    std::string dict = ApprovalSigDict(signer, request, when, k.max_signature_bytes, &br, &contents);
    LIAUDIT_RETURN_IF_ERROR(
        rev.AddSignatureField(request, dict, br, contents, ByteRangePlaceholder().size(), 2 * k.max_signature_bytes + 2));
    LIAUDIT_RETURN_IF_ERROR(rev.Write(&tail, &ph));
  } catch (const PoDoFo::PdfError& e) {
    return PodofoError(path, e);
  }
  LIAUDIT_RETURN_IF_ERROR(FillSignature(pdf, &tail, ph, [&](const auto& pieces, std::string* der) {
    return SignPieces(k, pieces, when, k.level >= Level::kB_T, der);
  }));
  if (k.level < Level::kB_LT) return ReplaceFile(path, st.st_mode, {&pdf, &tail});

  // Revision 2: the DSS, and at B-LTA the document timestamp over everything.
  std::string doc = pdf + tail, tail2;
  try {
    LIAUDIT_RETURN_IF_ERROR(LtvRevision(doc, path, k.ltv, {VriKey(ContentsBytes(tail, ph))},
                                        k.level >= Level::kB_LTA ? k.tsa.get() : nullptr, k.max_timestamp_bytes, &tail2));
  } catch (const PoDoFo::PdfError& e) {
    return PodofoError(path, e);
  }
  return ReplaceFile(path, st.st_mode, {&doc, &tail2});
}

// ---- liaudit extend -------------------------------------------------------------

struct Extender::Impl {
  SignerConfig config;
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<Tsa> tsa;
  size_t room = 0;
};

Extender::Extender(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Extender::~Extender() = default;

Status Extender::Create(const SignerConfig& config, std::unique_ptr<Extender>* out) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  LIAUDIT_RETURN_IF_ERROR(HttpClient::Create(config.http_timeout_seconds, &impl->http));
  LIAUDIT_RETURN_IF_ERROR(Tsa::Create(config.tsa, impl->http.get(), &impl->tsa));
  std::string token;
  LIAUDIT_RETURN_IF_ERROR(impl->tsa->Stamp(std::string(32, '\0'), &token));
  impl->room = (token.size() + 1024 + 511) / 512 * 512;
  out->reset(new Extender(std::move(impl)));
  return Status::OK();
}

SignerStats Extender::Stats() const {
  SignerStats s;
  s.tsa_requests = impl_->tsa->requests();
  s.http_connections = impl_->http->connections();
  return s;
}

namespace {

// Every certificate a signature or timestamp token carries (its own, its chain, and
// those of the timestamp tokens in its unsigned attributes).
void CertificatesOf(const std::string& der, std::vector<X509*>* out) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size()));
  if (cms == nullptr) {
    ERR_clear_error();
    return;
  }
  STACK_OF(X509)* certs = CMS_get1_certs(cms);
  for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    X509_up_ref(c);
    out->push_back(c);
  }
  sk_X509_pop_free(certs, X509_free);
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
  for (int i = 0; infos != nullptr && i < sk_CMS_SignerInfo_num(infos); ++i) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, i);
    for (int a = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1); a >= 0;
         a = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, a)) {
      ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, a), 0);
      if (t != nullptr && t->type == V_ASN1_SEQUENCE) {
        CertificatesOf(std::string(reinterpret_cast<const char*>(t->value.sequence->data),
                                   static_cast<size_t>(t->value.sequence->length)),
                       out);
      }
    }
  }
  CMS_ContentInfo_free(cms);
}

}  // namespace

Status Extender::Extend(const std::string& path, ExtendResult* result) const {
  *result = ExtendResult();
  std::string pdf;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Status::NotFound("extend: " + path + ": " + std::strerror(errno));
  if (!ReadWholeFile(path, &pdf)) return Status::IoError("extend: cannot read " + path);
  // Only a document that verifies is extended: a new document timestamp must never
  // cover a change made after signing.
  {
    VerifyOptions vo;
    if (!impl_->config.anchor_files.empty()) vo.trust_anchors = impl_->config.anchor_files.front();
    PdfVerdict verdict;
    LIAUDIT_RETURN_IF_ERROR(VerifyPdf(path, vo, &verdict));
    if (!verdict.ok) {
      return Status::InvalidInput("extend: " + path + " does not verify, so it is not extended (" +
                                  (verdict.problems.empty() ? std::string("see liaudit verify") : verdict.problems.front()) + ")");
    }
  }
  std::vector<SigSpot> spots = FindSignatures(pdf);
  std::vector<std::string> keys;
  std::vector<X509*> certs;
  for (const SigSpot& s : spots) {
    if (!s.problem.empty()) return Status::InvalidInput("extend: " + path + ": " + s.problem);
    keys.push_back(VriKey(s.contents));
    CertificatesOf(s.contents, &certs);
  }
  if (spots.empty()) return Status::InvalidInput("extend: " + path + " is not signed (no signature to extend)");
  result->signatures = static_cast<int>(spots.size());
  std::vector<X509*> tsa_certs = impl_->tsa->Certificates();
  LtvMaterial ltv;
  Status got = CollectLtv({certs, tsa_certs}, impl_->config.anchor_files, impl_->config.crl_files, impl_->http.get(), &ltv);
  for (X509* c : certs) X509_free(c);
  for (X509* c : tsa_certs) X509_free(c);
  if (!got.ok()) return got.Prepend("extend " + path);
  result->revocation_sources = ltv.sources;
  std::string tail;
  try {
    LIAUDIT_RETURN_IF_ERROR(LtvRevision(pdf, path, ltv, keys, impl_->tsa.get(), impl_->room, &tail));
  } catch (const PoDoFo::PdfError& e) {
    return PodofoError(path, e);
  }
  result->timestamp = FormatIsoTime(WallClockLocal()) + " +08:00";
  return ReplaceFile(path, st.st_mode, {&pdf, &tail});
}

}  // namespace liaudit::sign
