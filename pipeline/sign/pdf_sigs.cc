#include "sign/pdf_sigs.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <openssl/evp.h>
#include <podofo/podofo.h>

#include "core/digest.h"
#include "sign/ssl_util.h"

namespace liaudit::sign {
namespace {

bool IsPdfSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void ReadSpot(const std::string& pdf, size_t pos, SigSpot* s) {
  size_t i = pos + 10;
  while (i < pdf.size() && IsPdfSpace(pdf[i])) ++i;
  if (i >= pdf.size() || pdf[i] != '[') {
    s->problem = "the signature's /ByteRange is not an array";
    return;
  }
  ++i;
  for (long long& v : s->range) {
    while (i < pdf.size() && IsPdfSpace(pdf[i])) ++i;
    size_t start = i;
    v = 0;
    while (i < pdf.size() && std::isdigit(static_cast<unsigned char>(pdf[i])) && i - start < 15) v = v * 10 + (pdf[i++] - '0');
    if (i == start) {
      s->problem = "the signature's /ByteRange does not hold four numbers";
      return;
    }
  }
  size_t obj = pdf.rfind("obj", pos);
  size_t end = pdf.find("endobj", pos);
  size_t from = obj == std::string::npos ? (pos > 4096 ? pos - 4096 : 0) : obj;
  size_t to = end == std::string::npos ? pdf.size() : end;
  s->dict = pdf.substr(from, std::min<size_t>(to - from, 1 << 20));
  s->doc_timestamp = PdfNameAfter(s->dict, "/SubFilter") == "ETSI.RFC3161" || PdfNameAfter(s->dict, "/Type") == "DocTimeStamp";
  const long long* r = s->range;
  const long long size = static_cast<long long>(pdf.size());
  if (r[0] != 0 || r[1] <= 0 || r[2] <= r[1] + 1 || r[3] < 0 || r[2] > size) {
    s->problem = "the signature's /ByteRange is malformed [" + std::to_string(r[0]) + " " + std::to_string(r[1]) + " " +
                 std::to_string(r[2]) + " " + std::to_string(r[3]) + "]";
    return;
  }
  if (pdf[static_cast<size_t>(r[1])] != '<' || pdf[static_cast<size_t>(r[2] - 1)] != '>') {
    s->problem = "the unsigned gap of /ByteRange is not the signature's /Contents string";
    return;
  }
  s->contents.reserve(static_cast<size_t>(r[2] - r[1]) / 2);
  int hi = -1;
  for (long long k = r[1] + 1; k < r[2] - 1; ++k) {
    char c = pdf[static_cast<size_t>(k)];
    if (IsPdfSpace(c)) continue;
    int h = HexValue(c);
    if (h < 0) {
      s->problem = "the signature contents were altered (not hexadecimal at byte " + std::to_string(k) + ")";
      return;
    }
    if (hi < 0) {
      hi = h;
    } else {
      s->contents += static_cast<char>(hi * 16 + h);
      hi = -1;
    }
  }
  if (hi >= 0) s->contents += static_cast<char>(hi * 16);
}

}  // namespace

std::string VriKey(const std::string& contents) {
  const std::string md = DigestOf(EVP_sha1(), {{contents.data(), contents.size()}});
  std::string s = LowerHex(reinterpret_cast<const unsigned char*>(md.data()), md.size());
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string PdfErrorText(int code) {
  const auto e = static_cast<PoDoFo::EPdfError>(code);
  const char* msg = PoDoFo::PdfError::ErrorMessage(e);
  if (msg != nullptr && *msg != '\0') return msg;
  const char* name = PoDoFo::PdfError::ErrorName(e);
  return name != nullptr ? name : "PoDoFo error " + std::to_string(code);
}

std::string PdfNameAfter(const std::string& dict, const std::string& key) {
  for (size_t p = dict.find(key); p != std::string::npos; p = dict.find(key, p + 1)) {
    size_t q = p + key.size();
    // "/Type" must not match "/TypeX".
    if (q < dict.size() && (std::isalnum(static_cast<unsigned char>(dict[q])) || dict[q] == '.')) continue;
    while (q < dict.size() && IsPdfSpace(dict[q])) ++q;
    if (q >= dict.size() || dict[q] != '/') return {};
    size_t e = q + 1;
    while (e < dict.size() && !IsPdfSpace(dict[e]) && std::strchr("/<>[]()", dict[e]) == nullptr) ++e;
    return dict.substr(q + 1, e - q - 1);
  }
  return {};
}

std::vector<SigSpot> FindSignatures(const std::string& pdf) {
  std::vector<SigSpot> out;
  for (size_t pos = pdf.find("/ByteRange"); pos != std::string::npos; pos = pdf.find("/ByteRange", pos + 10)) {
    SigSpot s;
    ReadSpot(pdf, pos, &s);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace liaudit::sign
