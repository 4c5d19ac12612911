// The Dataset's compact types: CompactStr (16 bytes, inline up to 16 bytes of text),
// SymList (16 bytes, 3 Syms inline) and the text arena behind DsQuery's views.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/dataset.h"

namespace liaudit {
namespace {

TEST(CompactStr, InlineAndHeapLengths) {
  for (size_t n : std::initializer_list<size_t>{0, 1, 9, 15, 16, 17, 40, 300}) {
    std::string text;
    for (size_t i = 0; i < n; ++i) text.push_back(static_cast<char>('A' + i % 26));
    CompactStr s(text);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(s.view(), text);
    EXPECT_EQ(s.empty(), n == 0);
    EXPECT_EQ(s.is_inline(), n <= 16) << n;
    CompactStr copy = s;
    EXPECT_EQ(copy, s);
    CompactStr moved = std::move(copy);
    EXPECT_EQ(moved.view(), text);
    EXPECT_TRUE(copy.empty());  // NOLINT: moved-from is empty by contract
  }
}

TEST(CompactStr, SixteenBytesEndingInControlByteGoToHeap) {
  std::string text = "ABCDEFGHIJKLMNO";
  text.push_back('\x05');
  CompactStr s(text);
  EXPECT_FALSE(s.is_inline());
  EXPECT_EQ(s.view(), text);
  std::string utf8 = "交易序號一";  // 15 bytes of UTF-8
  utf8 += "X";
  CompactStr u(utf8);
  EXPECT_TRUE(u.is_inline());
  EXPECT_EQ(u.view(), utf8);
}

TEST(CompactStr, AssignCompareConcat) {
  CompactStr s;
  s = std::string("GSP1151125000123");
  EXPECT_EQ(s, "GSP1151125000123");
  EXPECT_EQ(std::string("GSP1151125000123"), s);
  EXPECT_NE(s, "GSP1");
  s = "a much longer text than sixteen bytes";
  s = s.view().substr(2);  // assigning from its own heap text
  EXPECT_EQ(s, "much longer text than sixteen bytes");
  CompactStr no("R-1");
  EXPECT_EQ("編號 " + no, "編號 R-1");
  EXPECT_EQ(no + "/x", "R-1/x");
  EXPECT_TRUE(CompactStr("A") < CompactStr("B"));
  std::string out;
  out += no;
  EXPECT_EQ(out, "R-1");
}

TEST(SymList, InlineThenHeap) {
  SymList l{1, 2};
  EXPECT_EQ(l.size(), 2u);
  for (Sym s = 3; s <= 20; ++s) l.push_back(s);
  ASSERT_EQ(l.size(), 20u);
  for (size_t i = 0; i < l.size(); ++i) EXPECT_EQ(l[i], i + 1);
  SymList copy = l;
  EXPECT_EQ(copy, l);
  SymList moved = std::move(copy);
  EXPECT_EQ(moved.ToVector(), l.ToVector());
  SymList small{7};
  small = moved;
  EXPECT_EQ(small.size(), 20u);
}

TEST(TextArena, ViewsSurviveGrowthAndDatasetCopies) {
  Dataset ds;
  std::vector<std::string_view> views;
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    texts.push_back("GSP" + std::to_string(1151125000000LL + i));
    views.push_back(ds.Keep(texts.back()));
  }
  views.push_back(ds.Keep(std::string(100000, 'x')));
  Dataset copy = ds;
  ds = Dataset();  // the copy keeps the arena alive
  for (int i = 0; i < 20000; ++i) EXPECT_EQ(views[static_cast<size_t>(i)], texts[static_cast<size_t>(i)]);
  EXPECT_EQ(views.back().size(), 100000u);
  EXPECT_TRUE(ds.Keep("").empty());
}

}  // namespace
}  // namespace liaudit
