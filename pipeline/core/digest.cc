#include "core/digest.h"

#include <openssl/evp.h>

namespace liaudit {

Sha256Digest Sha256Of(std::string_view data) {
  Sha256Digest md{};
  EVP_Digest(data.data(), data.size(), md.data(), nullptr, EVP_sha256(), nullptr);
  return md;
}

std::string Sha256Hex(std::string_view data) { return LowerHex(Sha256Of(data)); }

std::string LowerHex(const unsigned char* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[p[i] >> 4];
    s[2 * i + 1] = kDigits[p[i] & 15];
  }
  return s;
}

bool Sha256FromHex(std::string_view hex, Sha256Digest* out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() != 2 * out->size()) return false;
  Sha256Digest v{};
  for (size_t i = 0; i < v.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    v[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  *out = v;
  return true;
}

struct Sha256Stream::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256Stream::Sha256Stream() : ctx_(std::make_unique<Ctx>()) {
  ok_ = ctx_->md != nullptr && EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) == 1;
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::Update(const void* data, size_t n) {
  if (ok_ && EVP_DigestUpdate(ctx_->md, data, n) != 1) ok_ = false;
}

std::string Sha256Stream::FinishHex() {
  Sha256Digest md{};
  unsigned len = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_->md, md.data(), &len) != 1 || len != md.size()) {
    ok_ = false;
    return std::string();
  }
  return LowerHex(md);
}

}  // namespace liaudit
