#include "ingest/encoding.h"

#include <algorithm>
#include <errno.h>
#include <iconv.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "core/text.h"

namespace liaudit::ingest {
namespace {

// Length of the UTF-8 sequence at p (n bytes available): the length if valid, 0 if
// invalid, -1 if valid so far but cut short. Ranges per RFC 3629 (no overlongs, no
// surrogates, nothing above U+10FFFF).
int SeqLen(const unsigned char* p, size_t n) {
  unsigned c = p[0];
  if (c < 0x80) return 1;
  int len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c == 0xE0) { len = 3; lo = 0xA0; }
  else if (c >= 0xE1 && c <= 0xEC) len = 3;
  else if (c == 0xED) { len = 3; hi = 0x9F; }
  else if (c >= 0xEE && c <= 0xEF) len = 3;
  else if (c == 0xF0) { len = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) len = 4;
  else if (c == 0xF4) { len = 4; hi = 0x8F; }
  else return 0;
  for (int k = 1; k < len; ++k) {
    if (static_cast<size_t>(k) >= n) return -1;
    unsigned b = p[k];
    unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) return 0;
  }
  return len;
}

bool IsEudcLead(unsigned char c) { return (c >= 0x81 && c <= 0xA0) || (c >= 0xFA && c <= 0xFE); }

}  // namespace

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kUtf8: return "UTF-8";
    case Encoding::kUtf8Bom: return "UTF-8-BOM";
    case Encoding::kCp950: return "CP950";
  }
  return "?";
}

void Utf8Validator::Feed(std::string_view chunk) {
  if (bad_offset_ >= 0) {
    offset_ += static_cast<int64_t>(chunk.size());
    return;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(chunk.data());
  size_t n = chunk.size(), i = 0;
  const int64_t base = offset_;
  offset_ += static_cast<int64_t>(n);
  // Complete a sequence cut by the previous chunk's end.
  while (carry_len_ > 0 && i < n) {
    carry_[carry_len_++] = p[i++];
    int r = SeqLen(carry_, static_cast<size_t>(carry_len_));
    if (r == 0) {
      bad_offset_ = base + static_cast<int64_t>(i) - carry_len_;
      return;
    }
    if (r > 0) carry_len_ = 0;
  }
  while (i < n) {
    // Mostly-ASCII CSV: check eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (p[i] < 0x80) { ++i; continue; }
    // Common case in our files: a CJK character, lead E1-EC or EE-EF plus two continuation bytes.
    if (i + 3 <= n && ((p[i] >= 0xE1 && p[i] <= 0xEC) || p[i] == 0xEE || p[i] == 0xEF) &&
        (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
      i += 3;
      continue;
    }
    int r = SeqLen(p + i, n - i);
    if (r == 0) {
      bad_offset_ = base + static_cast<int64_t>(i);
      return;
    }
    if (r < 0) {
      carry_len_ = static_cast<int>(n - i);
      std::memcpy(carry_, p + i, n - i);
      return;
    }
    i += static_cast<size_t>(r);
  }
}

void Utf8Validator::Finish() {
  if (bad_offset_ < 0 && carry_len_ > 0) bad_offset_ = offset_ - carry_len_;
  carry_len_ = 0;
}

char32_t Cp950EudcToPua(unsigned char lead, unsigned char trail) {
  int t;
  if (trail >= 0x40 && trail <= 0x7E) t = trail - 0x40;
  else if (trail >= 0xA1 && trail <= 0xFE) t = trail - 0xA1 + 63;
  else return 0;
  // Windows' CP950 table: FA40-FEFE -> U+E000.., 8E40-A0FE -> U+E311.., 8140-8DFE -> U+EEB8..
  if (lead >= 0xFA && lead <= 0xFE) return static_cast<char32_t>(0xE000 + (lead - 0xFA) * 157 + t);
  if (lead >= 0x8E && lead <= 0xA0) return static_cast<char32_t>(0xE311 + (lead - 0x8E) * 157 + t);
  if (lead >= 0x81 && lead <= 0x8D) return static_cast<char32_t>(0xEEB8 + (lead - 0x81) * 157 + t);
  return 0;
}

namespace {

// CP950 as glibc's iconv defines it, asked once per process and kept as tables: a byte-pair
// lookup decodes several times faster than calling iconv on every chunk, and the mapping is
// still iconv's (plus the Windows 造字 ranges iconv leaves out).
struct Cp950Table {
  enum : uint8_t { kInvalid = 0, kSingle = 1, kLead = 2 };
  uint8_t byte_kind[256] = {};     // for bytes >= 0x80
  char32_t single[256] = {};       // code point of a single-byte character
  std::vector<char32_t> pair;      // (lead << 8 | trail) -> code point, 0 = invalid
  Status status;

  Cp950Table() : pair(65536, 0) {
    iconv_t cd = iconv_open("UTF-32LE", "CP950");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      status = Status::Internal(std::string("iconv has no CP950 converter: ") + std::strerror(errno));
      return;
    }
    // Converts `in` and returns the code point if it is exactly one character, else 0;
    // *incomplete tells a lone lead byte from an invalid byte.
    auto one = [cd](const char* in, size_t n, bool* incomplete) -> char32_t {
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
      char* ip = const_cast<char*>(in);
      size_t il = n;
      char32_t outbuf[4] = {0, 0, 0, 0};
      char* op = reinterpret_cast<char*>(outbuf);
      size_t ol = sizeof outbuf;
      size_t r = iconv(cd, &ip, &il, &op, &ol);
      *incomplete = r == static_cast<size_t>(-1) && errno == EINVAL;
      if (r == static_cast<size_t>(-1) || il != 0 || sizeof outbuf - ol != 4) return 0;
      unsigned char b[4];
      std::memcpy(b, outbuf, 4);
      return static_cast<char32_t>(b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24));
    };
    for (int c = 0x80; c <= 0xFF; ++c) {
      const char in[1] = {static_cast<char>(c)};
      bool incomplete = false;
      char32_t cp = one(in, 1, &incomplete);
      if (cp != 0) {
        byte_kind[c] = kSingle;
        single[c] = cp;
      } else if (incomplete || IsEudcLead(static_cast<unsigned char>(c))) {
        byte_kind[c] = kLead;
      }
    }
    for (int lead = 0x80; lead <= 0xFF; ++lead) {
      if (byte_kind[lead] != kLead) continue;
      for (int trail = 0x40; trail <= 0xFE; ++trail) {
        const char in[2] = {static_cast<char>(lead), static_cast<char>(trail)};
        bool incomplete = false;
        char32_t cp = one(in, 2, &incomplete);
        if (cp == 0) cp = Cp950EudcToPua(static_cast<unsigned char>(lead), static_cast<unsigned char>(trail));
        pair[static_cast<size_t>(lead << 8 | trail)] = cp;
      }
    }
    iconv_close(cd);
  }
};

const Cp950Table& Table() {
  static const Cp950Table table;  // thread-safe one-time initialisation
  return table;
}

// Appends cp (< 0x110000) as UTF-8 at p; returns the new end.
inline char* PutUtf8(char* p, char32_t cp) {
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
    return p;
  }
  if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  }
  *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  return p;
}

}  // namespace

Cp950Decoder::Cp950Decoder() {
  const Cp950Table& t = Table();
  init_ = t.status;
  ready_ = t.status.ok();
}

Cp950Decoder::~Cp950Decoder() = default;

bool Cp950Decoder::Decode(std::string_view in, std::string* out) {
  if (!ok()) return false;
  const Cp950Table& t = Table();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  const int64_t base = offset_;  // file offset of in[0]
  offset_ += static_cast<int64_t>(n);
  // At most 4 UTF-8 bytes per input byte (a single byte may map above U+07FF).
  const size_t old = out->size();
  out->resize(old + 4 * n + 8);
  char* o = &(*out)[old];
  size_t i = 0;
  auto fail = [&](int64_t at) {
    bad_offset_ = at;
    out->resize(static_cast<size_t>(o - out->data()));
    return false;
  };
  if (!carry_.empty() && n > 0) {  // a lead byte left by the previous chunk
    const unsigned char lead = static_cast<unsigned char>(carry_[0]);
    carry_.clear();
    char32_t cp = t.pair[static_cast<size_t>(lead << 8 | p[0])];
    if (cp == 0) return fail(base - 1);
    o = PutUtf8(o, cp);
    i = 1;
  }
  while (i < n) {
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      std::memcpy(o, p + i, 8);
      o += 8;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      *o++ = static_cast<char>(c);
      ++i;
      continue;
    }
    switch (t.byte_kind[c]) {
      case Cp950Table::kSingle:
        o = PutUtf8(o, t.single[c]);
        ++i;
        break;
      case Cp950Table::kLead: {
        if (i + 1 >= n) {
          carry_.assign(1, static_cast<char>(c));
          i = n;
          break;
        }
        char32_t cp = t.pair[static_cast<size_t>(c << 8 | p[i + 1])];
        if (cp == 0) return fail(base + static_cast<int64_t>(i));
        o = PutUtf8(o, cp);
        i += 2;
        break;
      }
      default:
        return fail(base + static_cast<int64_t>(i));
    }
  }
  out->resize(static_cast<size_t>(o - out->data()));
  return true;
}

bool Cp950Decoder::Finish() {
  if (!ok()) return false;
  if (!carry_.empty()) {
    bad_offset_ = offset_ - static_cast<int64_t>(carry_.size());
    carry_.clear();
    return false;
  }
  return true;
}

std::string NeitherEncodingMessage(const std::string& name, int64_t utf8_bad, unsigned char utf8_byte,
                                   int64_t cp950_bad) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                ": encoding is neither UTF-8 nor CP950 (Big5): first bad byte at offset %lld (0x%02X) "
                "as UTF-8, at offset %lld as CP950",
                static_cast<long long>(utf8_bad), utf8_byte, static_cast<long long>(cp950_bad));
  return name + buf;
}

std::string Utf16Hint(std::string_view b) {
  static const char kSave[] = "; liaudit reads comma-separated CSV: save it as \"CSV UTF-8 (comma delimited)\" "
                              "(CSV UTF-8（逗號分隔）) or as Big5 CSV)";
  // UTF-32 first: its little-endian byte-order mark begins like UTF-16's.
  if (b.substr(0, 4) == std::string_view("\xFF\xFE\0\0", 4) || b.substr(0, 4) == std::string_view("\0\0\xFE\xFF", 4))
    return std::string(" (it is UTF-32: it starts with a UTF-32 byte-order mark") + kSave;
  {
    // Without one: UTF-32 text of the Basic Multilingual Plane has two NUL bytes in every four.
    size_t nul4[4] = {}, n4 = std::min<size_t>(b.size(), 512) / 4 * 4;
    for (size_t i = 0; i < n4; ++i)
      if (b[i] == '\0') ++nul4[i % 4];
    const size_t q = n4 / 4;
    auto mostly = [q](size_t c) { return c * 10 >= q * 9; };
    if (n4 >= 16 && ((mostly(nul4[2]) && mostly(nul4[3])) || (mostly(nul4[0]) && mostly(nul4[1]))))
      return std::string(" (it looks like UTF-32") + (mostly(nul4[3]) ? " little-endian" : " big-endian") +
             " without a byte-order mark: two bytes in every four are NUL" + kSave;
  }
  if (b.substr(0, 2) == "\xFF\xFE" || b.substr(0, 2) == "\xFE\xFF")
    return std::string(" (it is UTF-16: it starts with a UTF-16 byte-order mark, as Excel's \"Unicode text\" "
                       "(Unicode 文字) files do, which are also tab-separated") + kSave;
  // Without a byte-order mark: text in UTF-16 has a NUL in every other byte where it is
  // ASCII (digits, commas, tabs, line ends); neither UTF-8 nor Big5 text has NULs.
  size_t nul_even = 0, nul_odd = 0, n = std::min<size_t>(b.size(), 512);
  for (size_t i = 0; i < n; ++i)
    if (b[i] == '\0') ++(i % 2 ? nul_odd : nul_even);
  if (n >= 16 && std::max(nul_even, nul_odd) * 5 >= n)
    return std::string(" (it looks like UTF-16") + (nul_odd > nul_even ? " little-endian" : " big-endian") +
           " without a byte-order mark: every other byte is NUL; e.g. Excel's \"Unicode text\" (Unicode 文字), which "
           "is also tab-separated" + kSave;
  return "";
}

std::string DisplayPath(std::string_view path) {
  if (FindInvalidUtf8(path) == std::string_view::npos) return std::string(path);
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (FindInvalidUtf8(part) == std::string_view::npos) {
      out.append(part);
    } else {
      // '/' (0x2F) is never a Big5 trail byte, so splitting first is safe.
      std::string decoded;
      Cp950Decoder d;
      if (d.init_status().ok() && d.Decode(part, &decoded) && d.Finish()) {
        out += decoded;
      } else {
        for (size_t i = 0; i < part.size();) {
          size_t bad = FindInvalidUtf8(part.substr(i));
          if (bad == std::string_view::npos) bad = part.size() - i;
          out.append(part.substr(i, bad));
          i += bad;
          if (i < part.size()) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(part[i]));
            out += hex;
            ++i;
          }
        }
      }
    }
    if (slash < path.size()) out.push_back('/');
    start = slash + 1;
  }
  return out;
}

Status DecodeBuffer(std::string_view bytes, const std::string& name, Encoding* enc, std::string* utf8) {
  utf8->clear();
  Utf8Validator v;
  v.Feed(bytes);
  v.Finish();
  if (v.ok()) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
      *enc = Encoding::kUtf8Bom;
      utf8->assign(bytes.substr(3));
    } else {
      *enc = Encoding::kUtf8;
      utf8->assign(bytes);
    }
    return Status::OK();
  }
  Cp950Decoder d;
  if (!d.init_status().ok()) return d.init_status();
  if (d.Decode(bytes, utf8) && d.Finish()) {
    *enc = Encoding::kCp950;
    return Status::OK();
  }
  utf8->clear();
  return Status::InvalidInput(
      NeitherEncodingMessage(name, v.bad_offset(), static_cast<unsigned char>(bytes[static_cast<size_t>(v.bad_offset())]),
                             d.bad_offset()) +
      Utf16Hint(bytes));
}

}  // namespace liaudit::ingest
