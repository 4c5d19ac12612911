// SHA-256 and lower-case hex: the one place liaudit hashes files, manifests, register rows,
// follow-up entries and names (OpenSSL's EVP interface underneath; nothing of OpenSSL
// crosses this header). Every hash liaudit writes down is 64 lower-case hex digits.
#pragma once
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace liaudit {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest Sha256Of(std::string_view data);
std::string Sha256Hex(std::string_view data);  // LowerHex(Sha256Of(data))

// Lower-case hex of bytes: {0xAB, 0x01} -> "ab01".
std::string LowerHex(const unsigned char* p, size_t n);
inline std::string LowerHex(const Sha256Digest& d) { return LowerHex(d.data(), d.size()); }
// 64 hex digits (either case) back to a digest; false (and *out unchanged) otherwise.
bool Sha256FromHex(std::string_view hex, Sha256Digest* out);

// SHA-256 of data given in pieces (a file read in chunks).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(const void* data, size_t n);
  // The digest of everything given; the stream is finished afterwards.
  std::string FinishHex();
  // False if OpenSSL failed at any step (out of memory): the result is then not a hash.
  bool ok() const { return ok_; }

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  bool ok_ = true;
};

}  // namespace liaudit
