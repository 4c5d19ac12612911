// liaudit-responder: a small single-threaded HTTP/1.1 server on 127.0.0.1 for the signing tests.
//   POST /tsa              RFC 3161 time-stamp (application/timestamp-query -> application/timestamp-reply)
//   POST /ocsp             OCSP (application/ocsp-request -> application/ocsp-response)
//   GET  /ocsp/<base64>    OCSP, the DER request in base64 or base64url (RFC 6960 appendix A.1)
//   GET  /crl/<name>       DIR/<name> for names [A-Za-z0-9._-]+ ending .crl (DER) or .crt (DER)
// PKI material is read from --pki DIR at the first request that needs it (and again whenever one of
// its files changes), so a test can start the responder, learn its port from --port-file and only
// then make certificates whose AIA/CDP URLs name that port (scripts/make-test-pki.sh DIR PORT).
// Test infrastructure only: it never listens on anything but 127.0.0.1 and stops by itself.
// See docs/test-pki.md.

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxHeaderBytes = 16 * 1024;
constexpr size_t kMaxBodyBytes = 1024 * 1024;
constexpr size_t kMaxOutBytes = 4 * 1024 * 1024;  // stop reading a connection that does not read its answers
constexpr size_t kMaxConnections = 512;
constexpr const char* kDefaultPolicy = "1.3.6.1.4.1.99999.1.1";

// ---------------------------------------------------------------------------------------------
// OpenSSL ownership helpers

template <typename T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;
using TsReqPtr = std::unique_ptr<TS_REQ, Free<TS_REQ, TS_REQ_free>>;
using TsRespPtr = std::unique_ptr<TS_RESP, Free<TS_RESP, TS_RESP_free>>;
using TsCtxPtr = std::unique_ptr<TS_RESP_CTX, Free<TS_RESP_CTX, TS_RESP_CTX_free>>;
using OcspReqPtr = std::unique_ptr<OCSP_REQUEST, Free<OCSP_REQUEST, OCSP_REQUEST_free>>;
using OcspRespPtr = std::unique_ptr<OCSP_RESPONSE, Free<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, Free<OCSP_BASICRESP, OCSP_BASICRESP_free>>;
using OcspIdPtr = std::unique_ptr<OCSP_CERTID, Free<OCSP_CERTID, OCSP_CERTID_free>>;
using ObjPtr = std::unique_ptr<ASN1_OBJECT, Free<ASN1_OBJECT, ASN1_OBJECT_free>>;
using IntPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER, ASN1_INTEGER_free>>;
using TimePtr = std::unique_ptr<ASN1_TIME, Free<ASN1_TIME, ASN1_TIME_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Free<X509_CRL, X509_CRL_free>>;

struct CertStackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackFree>;

std::string openssl_errors() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

// DER of an object: f(unsigned char**) is an i2d call.
template <typename F>
std::string der_of(F&& f) {
  int n = f(nullptr);
  if (n <= 0) return {};
  std::string s(static_cast<size_t>(n), '\0');
  auto* p = reinterpret_cast<unsigned char*>(&s[0]);
  if (f(&p) != n) return {};
  return s;
}

BioPtr mem_bio(const std::string& data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

int no_password(char*, int, int, void*) { return 0; }  // never prompt on a terminal

// ---------------------------------------------------------------------------------------------
// Small utilities

std::optional<std::string> read_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string data;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) return std::nullopt;
  return data;
}

bool write_file_atomic(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = (std::fclose(f) == 0) && ok;
  if (ok) ok = std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) std::remove(tmp.c_str());
  return ok;
}

// "<mtime>:<size>:<inode>" of each file, so a change of the PKI makes it load again.
std::string file_stamp(const std::vector<std::string>& paths) {
  std::string s;
  for (const auto& p : paths) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      s += "missing;";
      continue;
    }
    s += std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_ino) + ";";
  }
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    if (pos == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// Media type without parameters, lower case: "Application/OCSP-Request; x=y" -> "application/ocsp-request".
std::string media_type(const std::string& content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string> percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

// Base64 in either alphabet (+/ or -_), padding optional.
std::optional<std::string> base64_decode(const std::string& s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') {
      ++pad;
      continue;
    } else
      return std::nullopt;
    if (pad) return std::nullopt;  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (pad > 2) return std::nullopt;
  return out;
}

// Upper-case hex without leading zeros ("0" for zero), as index.txt and BN_bn2hex may differ in them.
std::string normalize_serial(std::string hex) {
  for (auto& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  size_t nz = hex.find_first_not_of('0');
  if (nz == std::string::npos) return "0";
  return hex.substr(nz);
}

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  long port = 0;
  std::string port_file;
  std::string stats_file;
  std::string pki_dir = ".";
  unsigned long long max_requests = 100000;
  double max_seconds = 600;
  double idle_seconds = 120;
  std::vector<std::string> tsa_policies;
  long tsa_delay_ms = 0;
  unsigned long long tsa_fail_first = 0;
  bool tsa_bad_nonce = false;
  bool tsa_status_rejection = false;
  std::string tsa_basic_auth;  // "Basic <base64>" expected in Authorization, or empty
  bool verbose = false;
};

void usage(FILE* f) {
  std::fputs(
      "usage: liaudit-responder [options]\n"
      "  --port N               listen on 127.0.0.1:N (0 = any free port; default 0)\n"
      "  --port-file F          write the port to F (via F.tmp and rename) once listening\n"
      "  --pki DIR              PKI material (tsa.crt tsa.key tsa-chain.pem ocsp.crt ocsp.key\n"
      "                         issuing.crt root.crt index.txt *.crl), read at first use (default .)\n"
      "  --stats-file F         counts as JSON, rewritten after each connection and request\n"
      "  --max-requests N       exit after N requests (default 100000)\n"
      "  --max-seconds S        exit after S seconds (default 600)\n"
      "  --idle-seconds S       close a connection idle for S seconds (default 120)\n"
      "  --tsa-policies A,B     policy OIDs a request may ask for besides 1.3.6.1.4.1.99999.1.1\n"
      "  --tsa-delay-ms N       wait N ms before each TSA answer (other connections go on)\n"
      "  --tsa-fail-first N     answer the first N TSA requests with HTTP 503\n"
      "  --tsa-basic-auth U:P   answer TSA requests without these HTTP basic credentials with 401\n"
      "  --tsa-bad-nonce        time-stamp tokens carry a nonce other than the request's\n"
      "  --tsa-status-rejection time-stamp responses have status rejection\n"
      "  --verbose              one line per request on stderr\n",
      f);
}

[[noreturn]] void bad_usage(const std::string& msg) {
  std::fprintf(stderr, "liaudit-responder: %s\n", msg.c_str());
  usage(stderr);
  std::exit(2);
}

unsigned long long parse_uint(const std::string& opt, const std::string& v) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 18)
    bad_usage(opt + " wants a non-negative integer, not '" + v + "'");
  return std::stoull(v);
}

double parse_seconds(const std::string& opt, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || errno != 0 || *end != '\0' || !(d > 0) || d > 1e7)
    bad_usage(opt + " wants a positive number of seconds, not '" + v + "'");
  return d;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    bool has_value = false;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      value = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      has_value = true;
    }
    auto next = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) bad_usage(a + " wants a value");
      return argv[++i];
    };
    auto flag = [&]() {
      if (has_value) bad_usage(a + " takes no value");
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      std::exit(0);
    } else if (a == "--port") {
      unsigned long long p = parse_uint(a, next());
      if (p > 65535) bad_usage("--port must be 0..65535");
      o.port = static_cast<long>(p);
    } else if (a == "--port-file") {
      o.port_file = next();
    } else if (a == "--stats-file") {
      o.stats_file = next();
    } else if (a == "--pki") {
      o.pki_dir = next();
    } else if (a == "--max-requests") {
      o.max_requests = parse_uint(a, next());
      if (o.max_requests == 0) bad_usage("--max-requests must be at least 1");
    } else if (a == "--max-seconds") {
      o.max_seconds = parse_seconds(a, next());
    } else if (a == "--idle-seconds") {
      o.idle_seconds = parse_seconds(a, next());
    } else if (a == "--tsa-policies") {
      for (const auto& p : split(next(), ',')) {
        std::string oid = trim(p);
        if (oid.empty()) continue;
        ObjPtr obj(OBJ_txt2obj(oid.c_str(), 1));
        if (!obj) bad_usage("--tsa-policies: '" + oid + "' is not an OID");
        o.tsa_policies.push_back(oid);
      }
    } else if (a == "--tsa-delay-ms") {
      unsigned long long d = parse_uint(a, next());
      if (d > 600000) bad_usage("--tsa-delay-ms must be at most 600000");
      o.tsa_delay_ms = static_cast<long>(d);
    } else if (a == "--tsa-fail-first") {
      o.tsa_fail_first = parse_uint(a, next());
    } else if (a == "--tsa-basic-auth") {
      std::string up = next();
      unsigned char b64[512];
      if (up.size() > 300) bad_usage("--tsa-basic-auth is too long");
      int n = EVP_EncodeBlock(b64, reinterpret_cast<const unsigned char*>(up.data()), static_cast<int>(up.size()));
      o.tsa_basic_auth = "Basic " + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
    } else if (a == "--tsa-bad-nonce") {
      flag();
      o.tsa_bad_nonce = true;
    } else if (a == "--tsa-status-rejection") {
      flag();
      o.tsa_status_rejection = true;
    } else if (a == "--verbose") {
      flag();
      o.verbose = true;
    } else {
      bad_usage("unknown argument '" + a + "'");
    }
  }
  ERR_clear_error();
  return o;
}

// ---------------------------------------------------------------------------------------------
// PKI material, loaded at first use and again when its files change

X509Ptr load_cert(const std::string& path, std::string& err) {
  auto data = read_file(path);
  if (!data) {
    err = path + ": " + std::strerror(errno);
    return nullptr;
  }
  BioPtr bio = mem_bio(*data);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
  if (!cert) {
    bio = mem_bio(*data);
    cert.reset(d2i_X509_bio(bio.get(), nullptr));
  }
  if (!cert) err = path + ": not a certificate (PEM or DER): " + openssl_errors();
  ERR_clear_error();
  return cert;
}

PkeyPtr load_key(const std::string& path, std::string& err) {
  auto data = read_file(path);
  if (!data) {
    err = path + ": " + std::strerror(errno);
    return nullptr;
  }
  BioPtr bio = mem_bio(*data);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  if (!key) {
    bio = mem_bio(*data);
    key.reset(d2i_PrivateKey_bio(bio.get(), nullptr));
  }
  if (!key) err = path + ": not an unencrypted private key (PEM or DER): " + openssl_errors();
  ERR_clear_error();
  return key;
}

// Every PEM certificate in the file; a missing file is an empty list.
bool load_cert_list(const std::string& path, CertStackPtr& out, std::string& err) {
  out.reset(sk_X509_new_null());
  auto data = read_file(path);
  if (!data) {
    if (errno == ENOENT) return true;
    err = path + ": " + std::strerror(errno);
    return false;
  }
  BioPtr bio = mem_bio(*data);
  for (;;) {
    X509* c = PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr);
    if (!c) break;
    sk_X509_push(out.get(), c);
  }
  ERR_clear_error();
  if (sk_X509_num(out.get()) == 0 && data->find_first_not_of(" \t\r\n") != std::string::npos) {
    err = path + ": no PEM certificate in it";
    return false;
  }
  return true;
}

struct TsaPki {
  std::string stamp;
  X509Ptr cert;
  PkeyPtr key;
  CertStackPtr chain;
};

struct IndexEntry {
  char type = 'V';          // V valid, R revoked, E expired
  std::string revoked_at;   // YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ
  std::string reason;       // e.g. keyCompromise, may be empty
};

struct OcspPki {
  std::string stamp;
  X509Ptr signer;
  PkeyPtr key;
  X509Ptr issuing;
  X509Ptr root;
  std::map<std::string, IndexEntry> index;  // normalized serial -> entry
};

bool parse_index(const std::string& path, std::map<std::string, IndexEntry>& out, std::string& err) {
  auto data = read_file(path);
  if (!data) {
    err = path + ": " + std::strerror(errno);
    return false;
  }
  out.clear();
  for (const auto& raw : split(*data, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto f = split(line, '\t');
    if (f.size() < 4 || f[0].size() != 1 || (f[0][0] != 'V' && f[0][0] != 'R' && f[0][0] != 'E')) {
      err = path + ": bad line '" + line + "'";
      return false;
    }
    IndexEntry e;
    e.type = f[0][0];
    if (e.type == 'R') {
      auto parts = split(f[2], ',');
      e.revoked_at = parts[0];
      if (parts.size() > 1) e.reason = parts[1];
      TimePtr t(ASN1_TIME_new());
      if (!t || !ASN1_TIME_set_string(t.get(), e.revoked_at.c_str())) {
        ERR_clear_error();
        err = path + ": bad revocation time '" + f[2] + "'";
        return false;
      }
    }
    std::string serial = normalize_serial(f[3]);
    if (f[3].empty() || f[3].find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      err = path + ": bad serial '" + f[3] + "'";
      return false;
    }
    out[serial] = e;
  }
  return true;
}

int reason_code(const std::string& r) {
  static const std::map<std::string, int> codes = {
      {"unspecified", OCSP_REVOKED_STATUS_UNSPECIFIED},
      {"keycompromise", OCSP_REVOKED_STATUS_KEYCOMPROMISE},
      {"keytime", OCSP_REVOKED_STATUS_KEYCOMPROMISE},
      {"cacompromise", OCSP_REVOKED_STATUS_CACOMPROMISE},
      {"cakeytime", OCSP_REVOKED_STATUS_CACOMPROMISE},
      {"affiliationchanged", OCSP_REVOKED_STATUS_AFFILIATIONCHANGED},
      {"superseded", OCSP_REVOKED_STATUS_SUPERSEDED},
      {"cessationofoperation", OCSP_REVOKED_STATUS_CESSATIONOFOPERATION},
      {"certificatehold", OCSP_REVOKED_STATUS_CERTIFICATEHOLD},
      {"removefromcrl", OCSP_REVOKED_STATUS_REMOVEFROMCRL},
  };
  if (r.empty()) return OCSP_REVOKED_STATUS_NOSTATUS;
  auto it = codes.find(lower(r));
  return it == codes.end() ? OCSP_REVOKED_STATUS_UNSPECIFIED : it->second;
}

// ---------------------------------------------------------------------------------------------
// HTTP

struct Request {
  std::string method;
  std::string target;
  std::string version;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = true;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  long delay_ms = 0;
  bool close = false;
};

Response text(int status, const std::string& msg) {
  Response r;
  r.status = status;
  r.body = msg + "\n";
  return r;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string serialize(const Response& r, bool keep_alive) {
  std::string s = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) + "\r\n";
  s += "Server: liaudit-responder\r\n";
  s += "Content-Type: " + r.content_type + "\r\n";
  s += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  s += "Cache-Control: no-store\r\n";
  s += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  s += "\r\n";
  s += r.body;
  return s;
}

enum class ParseResult { Incomplete, Ok, Bad, TooLarge };

// Parses one request from the front of `in`. On Ok, `consumed` is its length.
ParseResult parse_request(const std::string& in, Request& req, size_t& consumed, bool& expects_continue) {
  expects_continue = false;
  size_t start = 0;
  while (start < in.size() && (in[start] == '\r' || in[start] == '\n')) ++start;  // RFC 9112 2.2
  size_t end = in.find("\n\r\n", start);
  size_t end_lf = in.find("\n\n", start);
  size_t hdr_end;  // one past the blank line
  if (end != std::string::npos && (end_lf == std::string::npos || end < end_lf)) hdr_end = end + 3;
  else if (end_lf != std::string::npos) hdr_end = end_lf + 2;
  else return in.size() - start > kMaxHeaderBytes ? ParseResult::Bad : ParseResult::Incomplete;
  if (hdr_end - start > kMaxHeaderBytes) return ParseResult::Bad;

  auto lines = split(in.substr(start, hdr_end - start), '\n');
  for (auto& l : lines)
    if (!l.empty() && l.back() == '\r') l.pop_back();
  auto parts = split(lines[0], ' ');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) return ParseResult::Bad;
  req = Request();
  req.method = parts[0];
  req.target = parts[1];
  req.version = parts[2];
  if (req.version != "HTTP/1.1" && req.version != "HTTP/1.0") return ParseResult::Bad;
  for (char c : req.method)
    if (!std::isupper(static_cast<unsigned char>(c))) return ParseResult::Bad;
  for (char c : req.target)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F) return ParseResult::Bad;

  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.empty()) continue;
    if (l[0] == ' ' || l[0] == '\t') return ParseResult::Bad;  // obsolete line folding
    size_t colon = l.find(':');
    if (colon == std::string::npos || colon == 0) return ParseResult::Bad;
    std::string name = lower(l.substr(0, colon));
    if (name.find_first_of(" \t") != std::string::npos) return ParseResult::Bad;
    std::string value = trim(l.substr(colon + 1));
    if (name == "content-length" && req.headers.count(name) && req.headers[name] != value) return ParseResult::Bad;
    if (req.headers.count(name) && name != "content-length")
      req.headers[name] += ", " + value;
    else
      req.headers[name] = value;
  }
  if (req.headers.count("transfer-encoding")) return ParseResult::Bad;  // only Content-Length bodies
  size_t length = 0;
  if (req.headers.count("content-length")) {
    const std::string& v = req.headers["content-length"];
    if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
      return ParseResult::Bad;
    unsigned long long n = std::stoull(v);
    if (n > kMaxBodyBytes) return ParseResult::TooLarge;
    length = static_cast<size_t>(n);
  }
  std::string connection = lower(req.header("connection"));
  bool has_close = false, has_keep_alive = false;
  for (const auto& t : split(connection, ',')) {
    std::string tok = trim(t);
    if (tok == "close") has_close = true;
    if (tok == "keep-alive") has_keep_alive = true;
  }
  req.keep_alive = req.version == "HTTP/1.1" ? !has_close : (has_keep_alive && !has_close);

  if (in.size() - hdr_end < length) {
    expects_continue = length > 0 && lower(req.header("expect")) == "100-continue";
    return ParseResult::Incomplete;
  }
  req.body = in.substr(hdr_end, length);
  consumed = hdr_end + length;
  return ParseResult::Ok;
}

// ---------------------------------------------------------------------------------------------
// The responder

struct Stats {
  unsigned long long tsa = 0, ocsp = 0, crl = 0, other = 0, requests = 0, connections = 0;
  size_t open = 0;
};

struct TsaSerialState {
  unsigned long long* next;
  bool reject;
};

ASN1_INTEGER* tsa_serial_cb(TS_RESP_CTX* ctx, void* data) {
  auto* st = static_cast<TsaSerialState*>(data);
  if (st->reject) {
    TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "rejected (liaudit-responder --tsa-status-rejection)");
    TS_RESP_CTX_add_failure_info(ctx, TS_INFO_SYSTEM_FAILURE);
    return nullptr;
  }
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  if (serial && !ASN1_INTEGER_set_uint64(serial, ++*st->next)) {
    ASN1_INTEGER_free(serial);
    return nullptr;
  }
  return serial;
}

class Responder {
 public:
  explicit Responder(Options o) : opt_(std::move(o)) {}

  Response handle(const Request& req) {
    std::string path = req.target;
    if (lower(path.substr(0, 7)) == "http://") {  // absolute-form
      size_t slash = path.find('/', 7);
      path = slash == std::string::npos ? "/" : path.substr(slash);
    }
    std::string route = path.substr(0, path.find('?'));
    if (route == "/tsa" || route == "/tsa/") {
      ++stats_.tsa;
      if (req.method != "POST") return text(404, "not found");
      return tsa(req);
    }
    if (route == "/ocsp" || route == "/ocsp/") {
      ++stats_.ocsp;
      if (req.method != "POST") return text(404, "not found");
      if (media_type(req.header("content-type")) != "application/ocsp-request")
        return text(400, "POST /ocsp wants Content-Type: application/ocsp-request");
      return ocsp(req.body);
    }
    if (route.rfind("/ocsp/", 0) == 0) {
      ++stats_.ocsp;
      if (req.method != "GET") return text(404, "not found");
      auto unescaped = percent_decode(route.substr(6));
      auto der = unescaped ? base64_decode(*unescaped) : std::nullopt;
      if (!der) return text(400, "GET /ocsp/ wants the DER request in base64 or base64url");
      return ocsp(*der);
    }
    if (route.rfind("/crl/", 0) == 0) {
      ++stats_.crl;
      if (req.method != "GET") return text(404, "not found");
      return crl(route.substr(5));
    }
    ++stats_.other;
    return text(404, "not found");
  }

  Stats& stats() { return stats_; }
  const Options& options() const { return opt_; }

 private:
  std::string pki(const char* name) const { return opt_.pki_dir + "/" + name; }

  // ---- TSA
  bool load_tsa(std::string& err) {
    std::vector<std::string> files = {pki("tsa.crt"), pki("tsa.key"), pki("tsa-chain.pem")};
    std::string stamp = file_stamp(files);
    if (tsa_pki_ && tsa_pki_->stamp == stamp) return true;
    auto p = std::make_unique<TsaPki>();
    p->stamp = stamp;
    if (!(p->cert = load_cert(files[0], err)) || !(p->key = load_key(files[1], err)) ||
        !load_cert_list(files[2], p->chain, err))
      return false;
    if (X509_check_private_key(p->cert.get(), p->key.get()) != 1) {
      ERR_clear_error();
      err = files[1] + " does not belong to " + files[0];
      return false;
    }
    tsa_pki_ = std::move(p);
    return true;
  }

  Response tsa(const Request& req) {
    Response r = tsa_answer(req);
    r.delay_ms = opt_.tsa_delay_ms;
    return r;
  }

  Response tsa_answer(const Request& req) {
    if (stats_.tsa <= opt_.tsa_fail_first) return text(503, "TSA unavailable (--tsa-fail-first)");
    if (!opt_.tsa_basic_auth.empty() && req.header("authorization") != opt_.tsa_basic_auth)
      return text(401, "TSA wants HTTP basic credentials (--tsa-basic-auth)");
    if (media_type(req.header("content-type")) != "application/timestamp-query")
      return text(400, "POST /tsa wants Content-Type: application/timestamp-query");
    std::string err;
    if (!load_tsa(err)) return internal_error("TSA material: " + err);

    std::string query = req.body;
    if (opt_.tsa_bad_nonce) {  // same request with another nonce: the token answers that one
      const unsigned char* p = reinterpret_cast<const unsigned char*>(query.data());
      TsReqPtr tsq(d2i_TS_REQ(nullptr, &p, static_cast<long>(query.size())));
      if (tsq) {
        BnPtr bn(BN_new());
        const ASN1_INTEGER* nonce = TS_REQ_get_nonce(tsq.get());
        if (nonce) ASN1_INTEGER_to_BN(nonce, bn.get());
        BN_add_word(bn.get(), 1);
        IntPtr other(BN_to_ASN1_INTEGER(bn.get(), nullptr));
        if (other && TS_REQ_set_nonce(tsq.get(), other.get()))
          query = der_of([&](unsigned char** out) { return i2d_TS_REQ(tsq.get(), out); });
      }
      ERR_clear_error();
    }

    TsCtxPtr ctx(TS_RESP_CTX_new());
    ObjPtr def_policy(OBJ_txt2obj(kDefaultPolicy, 1));
    bool ok = ctx && def_policy && TS_RESP_CTX_set_signer_cert(ctx.get(), tsa_pki_->cert.get()) &&
              TS_RESP_CTX_set_signer_key(ctx.get(), tsa_pki_->key.get()) &&
              TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256()) &&
              TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256()) &&
              TS_RESP_CTX_set_certs(ctx.get(), tsa_pki_->chain.get()) &&
              TS_RESP_CTX_set_def_policy(ctx.get(), def_policy.get()) &&
              TS_RESP_CTX_add_md(ctx.get(), EVP_sha256()) && TS_RESP_CTX_add_md(ctx.get(), EVP_sha384()) &&
              TS_RESP_CTX_add_md(ctx.get(), EVP_sha512()) && TS_RESP_CTX_set_accuracy(ctx.get(), 1, 0, 0);
    for (const auto& oid : opt_.tsa_policies) {
      ObjPtr obj(OBJ_txt2obj(oid.c_str(), 1));
      ok = ok && obj && TS_RESP_CTX_add_policy(ctx.get(), obj.get());
    }
    if (!ok) return internal_error("TSA setup (is tsa.crt a time-stamping certificate?): " + openssl_errors());
    TS_RESP_CTX_add_flags(ctx.get(), TS_TSA_NAME);  // tsa: the TSA certificate's subject
    TsaSerialState serial{&tsa_serial_, opt_.tsa_status_rejection};
    TS_RESP_CTX_set_serial_cb(ctx.get(), tsa_serial_cb, &serial);

    BioPtr in = mem_bio(query);
    TsRespPtr resp(TS_RESP_create_response(ctx.get(), in.get()));
    if (!resp) return internal_error("TS_RESP_create_response: " + openssl_errors());
    ERR_clear_error();  // a rejection leaves its reasons in the queue
    Response r;
    r.content_type = "application/timestamp-reply";
    r.body = der_of([&](unsigned char** out) { return i2d_TS_RESP(resp.get(), out); });
    if (r.body.empty()) return internal_error("i2d_TS_RESP: " + openssl_errors());
    return r;
  }

  // ---- OCSP
  bool load_ocsp(std::string& err) {
    std::vector<std::string> files = {pki("ocsp.crt"), pki("ocsp.key"), pki("issuing.crt"), pki("root.crt"),
                                      pki("index.txt")};
    std::string stamp = file_stamp(files);
    if (ocsp_pki_ && ocsp_pki_->stamp == stamp) return true;
    auto p = std::make_unique<OcspPki>();
    p->stamp = stamp;
    if (!(p->signer = load_cert(files[0], err)) || !(p->key = load_key(files[1], err)) ||
        !(p->issuing = load_cert(files[2], err)) || !(p->root = load_cert(files[3], err)) ||
        !parse_index(files[4], p->index, err))
      return false;
    if (X509_check_private_key(p->signer.get(), p->key.get()) != 1) {
      ERR_clear_error();
      err = files[1] + " does not belong to " + files[0];
      return false;
    }
    ocsp_pki_ = std::move(p);
    return true;
  }

  static Response ocsp_status(int status) {
    OcspRespPtr resp(OCSP_response_create(status, nullptr));
    Response r;
    r.content_type = "application/ocsp-response";
    r.body = der_of([&](unsigned char** out) { return i2d_OCSP_RESPONSE(resp.get(), out); });
    ERR_clear_error();
    return r;
  }

  Response ocsp(const std::string& der) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    OcspReqPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
    if (!req || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size() ||
        OCSP_request_onereq_count(req.get()) <= 0)
      return ocsp_status(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    std::string err;
    if (!load_ocsp(err)) return internal_error("OCSP material: " + err);

    OcspBasicPtr basic(OCSP_BASICRESP_new());
    TimePtr this_update(X509_gmtime_adj(nullptr, 0));
    TimePtr next_update(X509_gmtime_adj(nullptr, 24L * 3600));
    if (!basic || !this_update || !next_update) return internal_error("OCSP: " + openssl_errors());
    int n = OCSP_request_onereq_count(req.get());
    for (int i = 0; i < n; ++i) {
      OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
      ASN1_OBJECT* md_obj = nullptr;
      ASN1_INTEGER* serial = nullptr;
      if (!OCSP_id_get0_info(nullptr, &md_obj, nullptr, &serial, id))
        return ocsp_status(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
      const EVP_MD* md = EVP_get_digestbyobj(md_obj);
      if (!md) return ocsp_status(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
      OcspIdPtr issuing_id(OCSP_cert_to_id(md, nullptr, ocsp_pki_->issuing.get()));
      if (!issuing_id || OCSP_id_issuer_cmp(issuing_id.get(), id) != 0)
        // Issued by root.crt (the issuing CA itself) or by a CA we do not know: this responder is
        // not authorised for them; the client is to use root.crl for the issuing CA.
        return ocsp_status(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
      BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
      char* hex = bn ? BN_bn2hex(bn.get()) : nullptr;
      if (!hex) return internal_error("OCSP serial: " + openssl_errors());
      std::string key = normalize_serial(hex);
      OPENSSL_free(hex);
      auto it = ocsp_pki_->index.find(key);
      OCSP_SINGLERESP* single;
      if (it == ocsp_pki_->index.end()) {
        single = OCSP_basic_add1_status(basic.get(), id, V_OCSP_CERTSTATUS_UNKNOWN, 0, nullptr, this_update.get(),
                                        next_update.get());
      } else if (it->second.type == 'R') {
        TimePtr revoked(ASN1_TIME_new());
        if (!revoked || !ASN1_TIME_set_string(revoked.get(), it->second.revoked_at.c_str()))
          return internal_error("OCSP revocation time: " + openssl_errors());
        single = OCSP_basic_add1_status(basic.get(), id, V_OCSP_CERTSTATUS_REVOKED, reason_code(it->second.reason),
                                        revoked.get(), this_update.get(), next_update.get());
      } else {
        single = OCSP_basic_add1_status(basic.get(), id, V_OCSP_CERTSTATUS_GOOD, 0, nullptr, this_update.get(),
                                        next_update.get());
      }
      if (!single) return internal_error("OCSP_basic_add1_status: " + openssl_errors());
    }
    if (!OCSP_copy_nonce(basic.get(), req.get()) ||
        !OCSP_basic_sign(basic.get(), ocsp_pki_->signer.get(), ocsp_pki_->key.get(), EVP_sha256(), nullptr, 0))
      return internal_error("OCSP signing: " + openssl_errors());
    OcspRespPtr resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    Response r;
    r.content_type = "application/ocsp-response";
    if (resp) r.body = der_of([&](unsigned char** out) { return i2d_OCSP_RESPONSE(resp.get(), out); });
    if (r.body.empty()) return internal_error("OCSP encoding: " + openssl_errors());
    return r;
  }

  // ---- CRLs and CA certificates
  Response crl(const std::string& name) {
    bool is_crl = name.size() > 4 && name.compare(name.size() - 4, 4, ".crl") == 0;
    bool is_crt = name.size() > 4 && name.compare(name.size() - 4, 4, ".crt") == 0;
    if ((!is_crl && !is_crt) || name[0] == '.' ||
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
            std::string::npos)
      return text(404, "not found");
    auto data = read_file(opt_.pki_dir + "/" + name);
    if (!data) return text(404, "not found");
    Response r;
    r.content_type = is_crl ? "application/pkix-crl" : "application/pkix-cert";
    r.body = *data;
    // RFC 5280 wants DER on the wire; a PEM file is converted. Anything else is served as it is,
    // so a test can serve a broken file on purpose.
    if (data->find("-----BEGIN") != std::string::npos) {
      BioPtr bio = mem_bio(*data);
      std::string der;
      if (is_crl) {
        CrlPtr c(PEM_read_bio_X509_CRL(bio.get(), nullptr, no_password, nullptr));
        if (c) der = der_of([&](unsigned char** out) { return i2d_X509_CRL(c.get(), out); });
      } else {
        X509Ptr c(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
        if (c) der = der_of([&](unsigned char** out) { return i2d_X509(c.get(), out); });
      }
      if (!der.empty()) r.body = der;
      ERR_clear_error();
    }
    return r;
  }

  Response internal_error(const std::string& msg) {
    ERR_clear_error();
    std::fprintf(stderr, "liaudit-responder: %s\n", msg.c_str());
    return text(500, msg);
  }

  Options opt_;
  Stats stats_;
  std::unique_ptr<TsaPki> tsa_pki_;
  std::unique_ptr<OcspPki> ocsp_pki_;
  unsigned long long tsa_serial_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Event loop

int g_signal_pipe[2] = {-1, -1};

void on_signal(int) {
  int saved = errno;
  char c = 1;
  if (write(g_signal_pipe[1], &c, 1) < 0) {
  }
  errno = saved;
}

struct Conn {
  int fd = -1;
  std::string in;
  std::string out;
  bool peer_closed = false;   // the client shut down its side
  bool close_after = false;   // close once `out` is sent
  bool dead = false;          // socket error: close now
  bool sent_continue = false;
  Clock::time_point last_activity;
  std::optional<Clock::time_point> ready_at;  // a delayed answer waits in `delayed`
  std::string delayed;
};

class Server {
 public:
  explicit Server(Options o) : responder_(std::move(o)) {}

  int run() {
    const Options& opt = responder_.options();
    if (!listen_socket(opt.port)) return 1;
    if (!opt.port_file.empty() && !write_file_atomic(opt.port_file, std::to_string(port_) + "\n")) {
      std::fprintf(stderr, "liaudit-responder: cannot write %s: %s\n", opt.port_file.c_str(), std::strerror(errno));
      return 1;
    }
    write_stats();
    auto started = Clock::now();
    auto lifetime_end = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.max_seconds));
    auto idle = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.idle_seconds));
    std::optional<Clock::time_point> drain_end;

    for (;;) {
      auto now = Clock::now();
      if (stop_ || now >= lifetime_end) break;
      if (draining_) {
        if (!drain_end) drain_end = now + std::chrono::milliseconds(opt.tsa_delay_ms + 2000);
        bool busy = false;
        for (const auto& c : conns_)
          if (!c->dead && (!c->out.empty() || c->ready_at)) busy = true;
        if (!busy || now >= *drain_end) break;
      }

      std::vector<pollfd> fds;
      fds.push_back({g_signal_pipe[0], POLLIN, 0});
      fds.push_back({draining_ ? -1 : listen_fd_, POLLIN, 0});
      auto wake = std::min(lifetime_end, now + std::chrono::seconds(1));
      if (drain_end) wake = std::min(wake, *drain_end);
      for (const auto& c : conns_) {
        short ev = 0;
        if (!c->peer_closed && !c->close_after && c->out.size() < kMaxOutBytes) ev |= POLLIN;
        if (!c->out.empty()) ev |= POLLOUT;
        fds.push_back({c->fd, ev, 0});
        if (c->ready_at) wake = std::min(wake, *c->ready_at);
      }
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
      int timeout = static_cast<int>(std::max<long long>(0, std::min<long long>(ms + 1, 1000)));
      int rc = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout);
      if (rc < 0 && errno != EINTR) {
        std::fprintf(stderr, "liaudit-responder: poll: %s\n", std::strerror(errno));
        break;
      }
      if (rc < 0) continue;
      if (fds[0].revents & POLLIN) {
        stop_ = true;
        break;
      }
      now = Clock::now();
      // Connections first (their pollfds are in the order of conns_), then new ones.
      for (size_t i = 0; i < conns_.size(); ++i) {
        Conn& c = *conns_[i];
        short re = fds[i + 2].revents;
        if (re & (POLLERR | POLLNVAL)) c.dead = true;
        if (!c.dead && (re & (POLLIN | POLLHUP))) read_from(c, now);
        if (!c.dead) process(c, now);
        if (!c.dead && !c.out.empty()) write_to(c, now);
      }
      if (!draining_ && (fds[1].revents & POLLIN)) accept_all(now);
      for (auto& cp : conns_) {  // delayed answers that are due
        Conn& c = *cp;
        if (c.dead || !c.ready_at || *c.ready_at > now) continue;
        c.ready_at.reset();
        c.out += c.delayed;
        c.delayed.clear();
        c.last_activity = now;
        process(c, now);  // requests sent behind the delayed one
        write_to(c, now);
      }
      reap(now, idle);
    }
    for (auto& c : conns_) ::close(c->fd);
    conns_.clear();
    ::close(listen_fd_);
    Stats& s = responder_.stats();
    s.open = 0;
    write_stats();
    std::fprintf(stderr, "responder: tsa=%llu ocsp=%llu crl=%llu connections=%llu\n", s.tsa, s.ocsp, s.crl,
                 s.connections);
    return 0;
  }

 private:
  bool listen_socket(long port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
      std::fprintf(stderr, "liaudit-responder: socket: %s\n", std::strerror(errno));
      return false;
    }
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 128) != 0) {
      std::fprintf(stderr, "liaudit-responder: cannot listen on 127.0.0.1:%ld: %s\n", port, std::strerror(errno));
      return false;
    }
    socklen_t len = sizeof addr;
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::fprintf(stderr, "liaudit-responder: getsockname: %s\n", std::strerror(errno));
      return false;
    }
    port_ = ntohs(addr.sin_port);
    return true;
  }

  void accept_all(Clock::time_point now) {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or a connection that went away meanwhile
      if (conns_.size() >= kMaxConnections) {
        ::close(fd);
        continue;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->last_activity = now;
      conns_.push_back(std::move(c));
      Stats& s = responder_.stats();
      ++s.connections;
      s.open = conns_.size();
      write_stats();
    }
  }

  void read_from(Conn& c, Clock::time_point now) {
    char buf[65536];
    for (int rounds = 0; rounds < 32; ++rounds) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        c.last_activity = now;
        if (c.in.size() > kMaxHeaderBytes + kMaxBodyBytes + sizeof buf) return;  // parse will refuse it
        continue;
      }
      if (n == 0) {
        c.peer_closed = true;
        return;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) c.dead = true;
      return;
    }
  }

  void write_to(Conn& c, Clock::time_point now) {
    while (!c.dead && !c.out.empty()) {
      ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        c.out.erase(0, static_cast<size_t>(n));
        c.last_activity = now;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      c.dead = true;
    }
  }

  void process(Conn& c, Clock::time_point now) {
    while (!c.dead && !c.close_after && !c.ready_at && !draining_) {
      Request req;
      size_t consumed = 0;
      bool expects_continue = false;
      ParseResult pr = parse_request(c.in, req, consumed, expects_continue);
      if (pr == ParseResult::Incomplete) {
        if (expects_continue && !c.sent_continue) {
          c.out += "HTTP/1.1 100 Continue\r\n\r\n";
          c.sent_continue = true;
        }
        return;
      }
      Response resp;
      bool keep_alive = false;
      Stats& s = responder_.stats();
      ++s.requests;
      if (pr == ParseResult::Ok) {
        c.in.erase(0, consumed);
        c.sent_continue = false;
        resp = responder_.handle(req);
        keep_alive = req.keep_alive;
      } else {
        ++s.other;
        c.in.clear();
        resp = pr == ParseResult::Bad ? text(400, "bad request") : text(413, "request body over 1 MiB");
      }
      ERR_clear_error();
      if (s.requests >= responder_.options().max_requests) {
        draining_ = true;
        keep_alive = false;
      }
      if (!keep_alive) c.close_after = true;
      if (responder_.options().verbose)
        std::fprintf(stderr, "responder: %s %s -> %d (%zu bytes)\n", pr == ParseResult::Ok ? req.method.c_str() : "?",
                     pr == ParseResult::Ok ? req.target.c_str() : "?", resp.status, resp.body.size());
      write_stats();  // before the answer leaves, so a client that has it sees the new counts
      std::string bytes = serialize(resp, keep_alive);
      if (resp.delay_ms > 0) {
        c.ready_at = now + std::chrono::milliseconds(resp.delay_ms);
        c.delayed = std::move(bytes);
      } else {
        c.out += bytes;
      }
    }
  }

  void reap(Clock::time_point now, Clock::duration idle) {
    size_t before = conns_.size();
    conns_.erase(std::remove_if(conns_.begin(), conns_.end(),
                                [&](const std::unique_ptr<Conn>& cp) {
                                  const Conn& c = *cp;
                                  bool idle_quiet = c.out.empty() && !c.ready_at;
                                  bool done = c.dead || (idle_quiet && (c.close_after || c.peer_closed)) ||
                                              (idle_quiet && now - c.last_activity > idle);
                                  if (done) ::close(c.fd);
                                  return done;
                                }),
                 conns_.end());
    if (conns_.size() != before) responder_.stats().open = conns_.size();
  }

  void write_stats() {
    const Options& opt = responder_.options();
    if (opt.stats_file.empty()) return;
    const Stats& s = responder_.stats();
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "{\"tsa\":%llu,\"ocsp\":%llu,\"crl\":%llu,\"other\":%llu,\"requests\":%llu,"
                  "\"connections\":%llu,\"open_connections\":%zu,\"port\":%d,\"pid\":%ld}\n",
                  s.tsa, s.ocsp, s.crl, s.other, s.requests, s.connections, s.open, port_,
                  static_cast<long>(::getpid()));
    if (!write_file_atomic(opt.stats_file, buf) && !stats_warned_) {
      std::fprintf(stderr, "liaudit-responder: cannot write %s: %s\n", opt.stats_file.c_str(), std::strerror(errno));
      stats_warned_ = true;
    }
  }

  Responder responder_;
  int listen_fd_ = -1;
  int port_ = 0;
  bool stop_ = false;
  bool draining_ = false;  // --max-requests reached: answer what is under way, then exit
  bool stats_warned_ = false;
  std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_options(argc, argv);
  if (::pipe2(g_signal_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
    std::perror("liaudit-responder: pipe2");
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Server server(std::move(opt));
  int rc = server.run();
  ::close(g_signal_pipe[0]);
  ::close(g_signal_pipe[1]);
  return rc;
}
