// Encoding detection and decoding for input files (inputs.md "encoding").
//
// A file is UTF-8 if every byte sequence is valid UTF-8 (a leading EF BB BF makes it
// "UTF-8-BOM"); otherwise it is tried as CP950 (Big5 as Windows writes it). CP950 is
// decoded with iconv; the Big5 user-defined areas that iconv leaves out (造字: lead bytes
// 81-A0 and FA-FE) are mapped to the Private Use Area exactly as Windows does, so rare
// characters typed in as 造字 survive. Bytes that are neither make the file invalid.
// Offsets are 0-based byte offsets into the file.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace liaudit::ingest {

enum class Encoding { kUtf8, kUtf8Bom, kCp950 };
const char* EncodingName(Encoding e);  // "UTF-8", "UTF-8-BOM", "CP950"

// Streaming UTF-8 validator: Feed() chunks in order, then Finish(). A sequence cut by a
// chunk boundary is completed by the next chunk; one cut by the end of input is invalid.
// Overlong forms, surrogates and code points above U+10FFFF are invalid.
class Utf8Validator {
 public:
  void Feed(std::string_view chunk);
  void Finish();
  bool ok() const { return bad_offset_ < 0; }
  int64_t bad_offset() const { return bad_offset_; }  // first invalid byte, -1 if none
  int64_t bytes_seen() const { return offset_; }

 private:
  int64_t offset_ = 0;       // bytes fed so far
  int64_t bad_offset_ = -1;
  unsigned char carry_[4] = {0, 0, 0, 0};
  int carry_len_ = 0;
};

// Streaming CP950 -> UTF-8 decoder. The mapping is glibc iconv's "CP950" (read into tables
// once per process) plus the Windows user-defined (造字) ranges.
class Cp950Decoder {
 public:
  Cp950Decoder();
  ~Cp950Decoder();
  Cp950Decoder(const Cp950Decoder&) = delete;
  Cp950Decoder& operator=(const Cp950Decoder&) = delete;

  // Appends the UTF-8 text of `in` to *out. A lead byte cut by the end of `in` is kept
  // for the next call. Returns false on an invalid sequence (see bad_offset()); after
  // that the decoder stays failed.
  bool Decode(std::string_view in, std::string* out);
  // Returns false if the input ended inside a two-byte character.
  bool Finish();
  bool ok() const { return bad_offset_ < 0 && ready_; }
  int64_t bad_offset() const { return bad_offset_; }
  // Non-OK only if iconv has no CP950 converter on this system.
  const Status& init_status() const { return init_; }

 private:
  bool ready_ = false;
  Status init_;
  int64_t offset_ = 0;  // absolute offset of the next byte to be fed
  int64_t bad_offset_ = -1;
  std::string carry_;
};

// Maps a Big5 user-defined (造字) byte pair to its Windows PUA code point, or 0 if the
// pair is not in a user-defined area that iconv leaves out.
char32_t Cp950EudcToPua(unsigned char lead, unsigned char trail);

// Whole-buffer convenience for tests and fuzzing: detects the encoding of `bytes` and
// decodes it to UTF-8 (BOM removed). `name` is used in the error message, which names the
// first bad byte offset for UTF-8 and for CP950.
Status DecodeBuffer(std::string_view bytes, const std::string& name, Encoding* enc, std::string* utf8);

// A file path as it can be shown and recorded: every '/'-separated part that is not valid
// UTF-8 is read as CP950 (a Big5 file name from a Windows share), and a part that is
// neither has each bad byte written as \xHH. A valid UTF-8 path is returned unchanged.
std::string DisplayPath(std::string_view path);

// The message for a file that is neither UTF-8 nor CP950.
std::string NeitherEncodingMessage(const std::string& name, int64_t utf8_bad, unsigned char utf8_byte,
                                   int64_t cp950_bad);

// " (it is UTF-16: ...)" when the first bytes are a UTF-16 byte-order mark or look like
// UTF-16 without one, " (it is UTF-32: ...)" likewise for UTF-32, else "".
std::string Utf16Hint(std::string_view first_bytes);

}  // namespace liaudit::ingest
