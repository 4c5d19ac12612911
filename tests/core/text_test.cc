#include "core/text.h"

#include <gtest/gtest.h>

namespace liaudit {
namespace {

TEST(Text, TrimAsciiAndIdeographicSpace) {
  EXPECT_EQ(Trim("  abc \t"), "abc");
  EXPECT_EQ(Trim("\xE3\x80\x80王小明\xE3\x80\x80 "), "王小明");
  EXPECT_EQ(Trim("\xE3\x80\x80"), "");
}

TEST(Text, FullWidthToHalfWidth) {
  EXPECT_EQ(ToHalfWidth("Ａ１２３４５６７８９"), "A123456789");
  EXPECT_EQ(ToHalfWidth("ｋｓｗ０２３１＠ｍａｉｌ．ｇｏｖ"), "ksw0231@mail.gov");
  EXPECT_EQ(ToHalfWidth("王小明"), "王小明");
  EXPECT_EQ(NormalizeCode("　Ｃ０１０１ "), "C0101");
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

}  // namespace
}  // namespace liaudit
