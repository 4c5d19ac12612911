#include "ingest/encoding.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace liaudit::ingest {
namespace {

struct DetectCase {
  const char* name;
  std::string bytes;
  bool ok;
  Encoding enc;
  std::string utf8;        // expected text when ok
  std::string in_message;  // expected message fragment when not ok
};

TEST(EncodingTest, DetectAndDecodeTable) {
  const DetectCase cases[] = {
      {"ascii", "a,b\n", true, Encoding::kUtf8, "a,b\n", ""},
      {"utf8 cjk", "\xE4\xB8\xAD,\xE6\x96\x87\n", true, Encoding::kUtf8, "中,文\n", ""},
      {"utf8 bom", "\xEF\xBB\xBF\xE4\xB8\xAD\n", true, Encoding::kUtf8Bom, "中\n", ""},
      {"utf8 ext-b", "\xF0\xA0\x80\x80", true, Encoding::kUtf8, "\xF0\xA0\x80\x80", ""},  // U+20000
      {"utf8 pua", "\xEE\x80\x80", true, Encoding::kUtf8, "\xEE\x80\x80", ""},             // U+E000
      {"cp950 中文", "\xA4\xA4\xA4\xE5", true, Encoding::kCp950, "中文", ""},
      {"cp950 ideographic space", "\xA1\x40", true, Encoding::kCp950, "\xE3\x80\x80", ""},
      {"cp950 eudc FA40 -> U+E000", "\xFA\x40", true, Encoding::kCp950, "\xEE\x80\x80", ""},
      {"cp950 eudc 8E40 -> U+E311", "\x8E\x40", true, Encoding::kCp950, "\xEE\x8C\x91", ""},
      {"cp950 eudc 8140 -> U+EEB8", "\x81\x40", true, Encoding::kCp950, "\xEE\xBA\xB8", ""},
      // A truncated UTF-8 sequence at the end whose bytes happen to be valid Big5 is CP950.
      {"truncated utf8 that is cp950", "ab\xE4\xB8", true, Encoding::kCp950, "ab\xE9\x8A\x9D", ""},
      // A truncated UTF-8 sequence (E4 B8 at 4) that is not CP950 either (B8 cut at 5).
      {"truncated utf8", "a\xE4\xB8\xAD\xE4\xB8", false, Encoding::kUtf8, "",
       "offset 4 (0xE4) as UTF-8, at offset 5 as CP950"},
      // A truncated CP950 lead byte at the end: A4 A4 decodes, the final A4 has no trail.
      {"truncated cp950", "\xA4\xA4\xA4", false, Encoding::kUtf8, "", "at offset 2 as CP950"},
      {"neither", "abc\xFF\x30", false, Encoding::kUtf8, "", "offset 3 (0xFF) as UTF-8, at offset 3 as CP950"},
      {"overlong utf8 then bad cp950", "ok\xC0\xAF\xFF", false, Encoding::kUtf8, "", "offset 2 (0xC0) as UTF-8"},
      {"utf-16le", std::string("\xFF\xFE" "a\0,\0", 6), false, Encoding::kUtf8, "", "it is UTF-16"},
      // Regression (issue 15 review): UTF-32 was called UTF-16 (its LE mark begins FF FE).
      {"utf-32le", std::string("\xFF\xFE\0\0" "a\0\0\0,\0\0\0", 12), false, Encoding::kUtf8, "", "it is UTF-32"},
      {"utf-32be", std::string("\0\0\xFE\xFF" "\0\0\0a\0\0\0,", 12), false, Encoding::kUtf8, "", "it is UTF-32"},
      {"surrogate", "\xED\xA0\x80", false, Encoding::kUtf8, "", "offset 0 (0xED) as UTF-8"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Encoding enc = Encoding::kUtf8;
    std::string out;
    Status s = DecodeBuffer(c.bytes, "f.csv", &enc, &out);
    EXPECT_EQ(s.ok(), c.ok) << s.ToString();
    if (c.ok) {
      EXPECT_EQ(enc, c.enc);
      EXPECT_EQ(out, c.utf8);
    } else {
      EXPECT_NE(s.message().find("f.csv"), std::string::npos) << s.message();
      EXPECT_NE(s.message().find(c.in_message), std::string::npos) << s.message();
    }
  }
}

TEST(EncodingTest, Utf16HintTellsUtf32FromUtf16) {
  std::string le32, le16, cjk32;
  for (char c : std::string("abcdefgh,ijklmnop")) {
    le32 += std::string(1, c) + std::string(3, '\0');
    le16 += std::string(1, c) + std::string(1, '\0');
    cjk32 += std::string("\x2D\x4E\0\0", 4);  // U+4E2D 中
  }
  EXPECT_NE(Utf16Hint(le32).find("looks like UTF-32 little-endian"), std::string::npos) << Utf16Hint(le32);
  EXPECT_NE(Utf16Hint(cjk32).find("looks like UTF-32 little-endian"), std::string::npos) << Utf16Hint(cjk32);
  EXPECT_NE(Utf16Hint(le16).find("looks like UTF-16 little-endian"), std::string::npos) << Utf16Hint(le16);
  EXPECT_NE(Utf16Hint("\xFF\xFE" + le16).find("it is UTF-16"), std::string::npos);
  EXPECT_EQ(Utf16Hint("plain,ascii,text,here"), "");
}

TEST(EncodingTest, DisplayPathReadsBig5NamesAndEscapesTheRest) {
  // 查詢紀錄.csv with a Big5 name (a Windows share), inside a UTF-8 folder name.
  EXPECT_EQ(DisplayPath("in/平台/\xAC\x64\xB8\xDF\xAC\xF6\xBF\xFD.csv"), "in/平台/查詢紀錄.csv");
  EXPECT_EQ(DisplayPath("in/platform/a.csv"), "in/platform/a.csv");
  // Neither UTF-8 nor CP950 (0x80 is no lead byte, 0xFF neither): each bad byte as \xHH.
  EXPECT_EQ(DisplayPath("in/\x80" "a\xFF.csv"), "in/\\x80a\\xFF.csv");
  EXPECT_EQ(DisplayPath("in/\xAC"), "in/\\xAC");  // a lead byte cut by the end
  EXPECT_EQ(FindInvalidUtf8(DisplayPath("\xC3\x28/\xE2\x82")), std::string_view::npos);
}

TEST(EncodingTest, ValidatorAcrossChunkBoundaries) {
  // Every split of a multi-byte text must validate the same as the whole.
  const std::string text = "a中\xF0\xA0\x80\x80z\xEE\x80\x80";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Utf8Validator v;
    v.Feed(std::string_view(text).substr(0, cut));
    v.Feed(std::string_view(text).substr(cut));
    v.Finish();
    EXPECT_TRUE(v.ok()) << cut;
  }
  Utf8Validator v;
  v.Feed("abc\xE4");
  v.Feed("\xB8");
  v.Finish();
  EXPECT_EQ(v.bad_offset(), 3);  // truncated at end of input
  Utf8Validator w;
  w.Feed("abcdefgh\xE4");
  w.Feed("x");
  w.Finish();
  EXPECT_EQ(w.bad_offset(), 8);
}

TEST(EncodingTest, Cp950DecoderAcrossChunkBoundaries) {
  const std::string bytes = "a\xA4\xA4\xFA\x40z\xA4\xE5";  // a中<U+E000>z文
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    Cp950Decoder d;
    ASSERT_TRUE(d.init_status().ok());
    std::string out;
    ASSERT_TRUE(d.Decode(std::string_view(bytes).substr(0, cut), &out)) << cut;
    ASSERT_TRUE(d.Decode(std::string_view(bytes).substr(cut), &out)) << cut;
    ASSERT_TRUE(d.Finish()) << cut;
    EXPECT_EQ(out, "a中\xEE\x80\x80z文") << cut;
  }
}

TEST(EncodingTest, EudcMappingMatchesWindowsRanges) {
  EXPECT_EQ(Cp950EudcToPua(0xFA, 0x40), 0xE000u);
  EXPECT_EQ(Cp950EudcToPua(0xFE, 0xFE), 0xE310u);
  EXPECT_EQ(Cp950EudcToPua(0x8E, 0x40), 0xE311u);
  EXPECT_EQ(Cp950EudcToPua(0xA0, 0xFE), 0xEEB7u);
  EXPECT_EQ(Cp950EudcToPua(0x81, 0x40), 0xEEB8u);
  EXPECT_EQ(Cp950EudcToPua(0x8D, 0xFE), 0xF6B0u);
  EXPECT_EQ(Cp950EudcToPua(0xA4, 0x40), 0u);  // ordinary Big5
  EXPECT_EQ(Cp950EudcToPua(0xFA, 0x80), 0u);  // not a trail byte
}

}  // namespace
}  // namespace liaudit::ingest

#include <iconv.h>

namespace liaudit::ingest {
namespace {

// The table decoder must agree with iconv itself on every pair iconv accepts, and refuse
// every pair iconv refuses except the 造字 ranges.
TEST(EncodingTest, Cp950DecoderMatchesIconvOnEveryPair) {
  iconv_t cd = iconv_open("UTF-8", "CP950");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  int checked = 0, eudc = 0;
  for (int lead = 0x81; lead <= 0xFE; ++lead) {
    for (int trail = 0x40; trail <= 0xFE; ++trail) {
      char in[2] = {static_cast<char>(lead), static_cast<char>(trail)};
      char outbuf[16];
      char* ip = in;
      char* op = outbuf;
      size_t il = 2, ol = sizeof outbuf;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
      const bool iconv_ok = iconv(cd, &ip, &il, &op, &ol) != static_cast<size_t>(-1) && il == 0;
      Cp950Decoder d;
      std::string ours;
      const bool our_ok = d.Decode(std::string_view(in, 2), &ours) && d.Finish();
      if (iconv_ok) {
        ASSERT_TRUE(our_ok) << std::hex << lead << trail;
        ASSERT_EQ(ours, std::string(outbuf, sizeof outbuf - ol)) << std::hex << lead << trail;
        ++checked;
      } else if (Cp950EudcToPua(static_cast<unsigned char>(lead), static_cast<unsigned char>(trail)) != 0) {
        ASSERT_TRUE(our_ok) << std::hex << lead << trail;
        ++eudc;
      } else {
        ASSERT_FALSE(our_ok) << std::hex << lead << trail;
        EXPECT_EQ(d.bad_offset(), 0);
      }
    }
  }
  iconv_close(cd);
  EXPECT_GT(checked, 13000);  // Big5 has about 13,000 hanzi plus symbols
  EXPECT_GT(eudc, 5000);
}

}  // namespace
}  // namespace liaudit::ingest
