#include "core/text.h"

#include <gtest/gtest.h>

namespace liaudit {
namespace {

TEST(Text, TrimAsciiAndIdeographicSpace) {
  EXPECT_EQ(Trim("  abc \t"), "abc");
  EXPECT_EQ(Trim("\xE3\x80\x80王小明\xE3\x80\x80 "), "王小明");
  EXPECT_EQ(Trim("\xE3\x80\x80"), "");
}

// Regression (issue 15): a value with a no-break or zero-width space at its edge (copied from
// a web page or a Word table) kept it, and an account or a unit no longer matched its register.
TEST(Text, TrimNoBreakAndZeroWidthSpaces) {
  EXPECT_EQ(Trim("\xC2\xA0ksw0001\xE2\x80\x8B"), "ksw0001");
  EXPECT_EQ(Trim("\xEF\xBB\xBF\xE2\x81\xA0 社會救助科\xE2\x80\xAF\xE2\x80\x8D\r\n"), "社會救助科");
  EXPECT_EQ(Trim("\xC2\xA0"), "");
  EXPECT_EQ(Trim("王\xC2\xA0小明"), "王\xC2\xA0小明");  // inside: kept
  EXPECT_EQ(Trim("\xC2\xA9"), "\xC2\xA9");              // (c) is no space
  EXPECT_EQ(Trim("社"), "社");                             // E7 A4 BE: ends in a byte a space could end in
  EXPECT_EQ(RemoveSpaces("E 政府\xE3\x80\x80帳號\n\xC2\xA0"), "E政府帳號");
}

TEST(Text, FullWidthToHalfWidth) {
  EXPECT_EQ(ToHalfWidth("Ａ１２３４５６７８９"), "A123456789");
  EXPECT_EQ(ToHalfWidth("ｋｓｗ０２３１＠ｍａｉｌ．ｇｏｖ"), "ksw0231@mail.gov");
  EXPECT_EQ(ToHalfWidth("王小明"), "王小明");
  EXPECT_EQ(NormalizeCode("　Ｃ０１０１ "), "C0101");
}

TEST(Text, CanonicalIp) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"2001:DB8::1", "2001:db8::1"},
      {"2001:db8:0:0:0:0:0:1", "2001:db8::1"},
      {"2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"},  // the first longest zero run
      {"::FFFF:10.0.0.1", "10.0.0.1"},                                      // IPv4-mapped: the IPv4 address
      {"fe80::1", "fe80::1"},
      {"10.0.0.1", "10.0.0.1"},          // IPv4 is left as it is
      {"2001:db8::zz", "2001:db8::zz"},  // not an address: left as it is, never guessed
      {"", ""},
  };
  for (const auto& c : cases) {
    std::string ip = c.in;
    CanonicalIpInPlace(&ip);
    EXPECT_EQ(ip, c.out) << c.in;
  }
}

TEST(Text, SplitList) {
  using V = std::vector<std::string>;
  EXPECT_EQ(SplitList("C0101;B0101"), (V{"C0101", "B0101"}));
  EXPECT_EQ(SplitList("C0101、B0101，N0101"), (V{"C0101", "B0101", "N0101"}));
  EXPECT_EQ(SplitList(" C0101  B0101 ,"), (V{"C0101", "B0101"}));
  EXPECT_EQ(SplitList(""), V{});
}

TEST(Text, Utf8Validation) {
  EXPECT_EQ(FindInvalidUtf8("abc王"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xF0\xA0\x80\x80"), std::string_view::npos);  // U+20000 Ext-B
  EXPECT_EQ(FindInvalidUtf8("ab\xE7\x8E"), 2u);                             // truncated
  EXPECT_EQ(FindInvalidUtf8("a\xA4\xA4"), 1u);                              // Big5 bytes
  EXPECT_EQ(FindInvalidUtf8("\xC0\x80"), 0u);                               // overlong
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);                           // surrogate
}

TEST(Text, CodePointsAndWidth) {
  std::string s;
  AppendUtf8(&s, 0x20BB7);
  AppendUtf8(&s, 0xE000);
  EXPECT_EQ(ToCodePoints(s), (std::vector<char32_t>{0x20BB7, 0xE000}));
  EXPECT_EQ(DisplayWidth("ab王"), 4);
}

TEST(Text, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("ksw0231", "ksw0231"), 0u);
  EXPECT_EQ(EditDistance("ksw0231", "ksw0213"), 2u);
  EXPECT_EQ(EditDistance("ksw0231", "ksw023"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("社會救助課", "社會救助科"), 1u);  // code points, not bytes
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

// A value read from a file never makes a line of its own in a log or a listing (issue 15).
TEST(Text, EscapeControls) {
  EXPECT_EQ(EscapeControls("主管核章\n時間"), "主管核章\\n時間");
  EXPECT_EQ(EscapeControls("a\r\nchain head: job 9\t\x1B[2J\x7F"), "a\\r\\nchain head: job 9\\t\\x1B[2J\\x7F");
  EXPECT_EQ(EscapeControls(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(EscapeControls("\xC2\x85\xE2\x80\xA8\xE2\x80\xA9"), "\\u0085\\u2028\\u2029");
  EXPECT_EQ(EscapeControls("bad \xFF\xC3"), "bad \\xFF\\xC3");
  EXPECT_EQ(EscapeControls("王\xF0\xA0\xAE\x9F\xEE\x80\x80 ok, \"quoted\""), "王\xF0\xA0\xAE\x9F\xEE\x80\x80 ok, \"quoted\"");
}

}  // namespace
}  // namespace liaudit
